// Package qmail parses qmail control files into ASTs with byte positions:
// control/smtproutes (ParseSmtproutes) and the control/authsenders file of
// Erwin Hoffmann's qmail-authentication patch as shipped by sagredo-dev
// (ParseAuthsenders). Lookup answers which route qmail-remote would use for
// a recipient domain.
//
// It is pure syntax: no file access and no rules. It imports nothing from
// this repository, so any package may import it (the qmail model and rules
// in rules/qmail do).
//
// # Fidelity
//
// The parsers follow notqmail a7012e4 (control.c control_readfile,
// constmap.c constmap_init, qmail-remote.c main/getcontrols, scan_ulong.c),
// not the man pages alone:
//
//   - A record is a physical line. Trailing ' ', '\t' (and the '\n') are
//     stripped, a '\r' is not; leading white space is kept and becomes part
//     of the key. A line whose first byte is '#' is a comment (no white
//     space may precede it); a line that is empty after stripping, or whose
//     first byte is NUL, is skipped.
//   - constmap_init splits the stored lines at NUL bytes, so a NUL inside a
//     line cuts it into two records.
//   - The key is the text before the first ':'; a record without ':' is
//     ignored silently. Keys compare case-insensitively (ASCII); the last
//     record with a key wins.
//   - Lookup of a.b.c tries a.b.c, .b.c, .c and finally the empty key; the
//     first key present wins, even when its relay is empty (MX delivery).
//   - In the relay, the text after the first ':' is the port, read by
//     scan_ulong: leading decimal digits only, none gives 0; without ':'
//     the port is 25.
//
// Patch dialects are kept apart from vanilla semantics: Tom Clegg's
// qmail-remote-auth puts "user password" after the relay, separated by
// spaces; sagredo/Hoffmann put "|user|password" after relay[:port]. The AST
// exposes both readings (Route.Clegg, Route.Pipe) with positions.
package qmail
