// Package gen holds the cross-cutting GEN rules that apply to every MTA's
// files: placeholders left from documentation (GEN001), credentials in
// readable files (GEN003), and line-ending and encoding hazards (GEN009).
// They read only lint.File and the optional Values interface a unit may
// implement; they import no MTA package.
package gen
