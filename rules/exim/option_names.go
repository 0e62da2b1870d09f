package exim

import (
	"fmt"
	"sort"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// repeatable are the options Exim lets a driver set more than once
// (opt_rep_con / opt_rep_str in route.c and transport.c): router
// conditions are ANDed, header lists and `set` accumulate. Any other
// repeat is fatal: `"port" option set for the second time` [exp].
var repeatable = map[string]map[string]bool{
	"routers":    {"condition": true, "headers_add": true, "headers_remove": true, "set": true},
	"transports": {"headers_add": true, "headers_remove": true},
}

// driverSections are the sections whose instances have a driver.
var driverSections = map[string]string{"routers": "router", "transports": "transport", "authenticators": "authenticator"}

// checkOptions is EX002: every option must be known to Exim 4.96 for its
// place (main section, generic or private driver option), set once,
// negated only when boolean, and given a value when not boolean; every
// driver instance needs `driver`, before any private option.
func checkOptions(p *lint.Pass) {
	s := setupOf(p)
	if s == nil {
		return
	}
	skip := s.dkimMisplacedFiles()
	for _, o := range s.Config.Main.Options {
		if !skip[o.NamePos.File] {
			s.checkOption(p, o, mainOptions(), nil, "main option")
		}
	}
	s.checkRepeats(p, s.Config.Main.Options, nil)
	s.checkLogSelector(p)
	s.checkACLWords(p)
	for _, sec := range s.Config.Sections {
		singular, ok := driverSections[sec.Name]
		if !ok {
			continue
		}
		for _, d := range sec.Drivers {
			s.checkDriver(p, sec.Name, singular, d, skip)
		}
	}
}

func (s *Setup) checkDriver(p *lint.Pass, section, singular string, d *ex.Driver, skip map[string]bool) {
	generic := genericOptions()[section]
	drv := d.Option("driver")
	if drv == nil || !drv.HasValue {
		// readconf_driver_init: the first non-generic option before any
		// driver line is refused with "driver must be specified"; with
		// only generic options the instance is refused as a whole.
		if f := s.FileOf(d.NamePos); f != nil && s.hasError(f, d.NamePos.Line) {
			return // the parser reported the instance already
		}
		for _, o := range d.Options {
			if _, ok := generic[o.Name]; ok || skip[o.NamePos.File] {
				continue
			}
			if fd, f, ok := s.AtOption(o); ok && !s.hasError(f, fd.Start.Line) {
				fd.Message = fmt.Sprintf("option %q unknown (\"driver\" must be specified before any private options): %s %s has no driver line", o.Written, singular, d.Name)
				fd.Hint = fmt.Sprintf("add a `driver = ...` line as the first option of %s", d.Name)
				p.Report(fd)
			}
			return
		}
		if fd, f, ok := s.AtPos(d.NamePos, len(d.Name)); ok && !s.hasError(f, fd.Start.Line) {
			fd.Message = fmt.Sprintf("no driver defined for %s %q: Exim refuses the configuration", singular, d.Name)
			fd.Hint = fmt.Sprintf("add a `driver = ...` line as the first option of %s", d.Name)
			p.Report(fd)
		}
		return
	}
	private, known := driverOptions()[section][drv.Value.S]
	if !known && !isExpanded(drv.Value.S) && !unlistedDrivers[drv.Value.S] {
		if fd, f, ok := s.AtValue(drv); ok && !s.hasError(f, fd.Start.Line) {
			fd.Message = fmt.Sprintf("%s %s: cannot find %s driver %q (Exim %s knows %s)", singular, d.Name, singular, drv.Value.S, eximOptionsVersion, strings.Join(driverNames(section), ", "))
			if c := nearest(drv.Value.S, driverNames(section)); len(c) > 0 {
				fd.Hint = fmt.Sprintf("did you mean `driver = %s`?", c[0])
			}
			p.Report(fd)
		}
		return
	}
	seenDriver := false
	for _, o := range d.Options {
		if o == drv {
			seenDriver = true
			continue
		}
		if skip[o.NamePos.File] {
			continue
		}
		if _, ok := generic[o.Name]; ok || !known {
			if ok {
				s.checkOption(p, o, generic, nil, "option")
			}
			continue
		}
		if _, ok := private[o.Name]; ok && !seenDriver {
			if fd, f, ok := s.AtOption(o); ok && !s.hasError(f, fd.Start.Line) {
				fd.Message = fmt.Sprintf("option %q unknown (\"driver\" must be specified before any private options)", o.Written)
				fd.Hint = fmt.Sprintf("move `driver = %s` above this line", drv.Value.S)
				p.Report(fd)
			}
			continue
		}
		s.checkOption(p, o, private, generic, "option")
	}
	s.checkRepeats(p, d.Options, repeatable[section])
}

// unlistedDrivers are real Exim drivers that neither captured Debian build
// has (gsasl, heimdal_gssapi): their private options cannot be checked.
var unlistedDrivers = map[string]bool{"gsasl": true, "heimdal_gssapi": true}

// checkOption checks one setting against a table (and a second table
// searched for suggestions only).
func (s *Setup) checkOption(p *lint.Pass, o *ex.Option, table, extra map[string]optFlags, what string) {
	// Most settings are fine: decide that before building a position.
	if flags, known := table[o.Name]; known && optionFine(o, flags) {
		return
	}
	fd, f, ok := s.AtOption(o)
	if !ok || s.hasError(f, fd.Start.Line) {
		return
	}
	flags, known := table[o.Name]
	if !known && extra != nil {
		flags, known = extra[o.Name]
	}
	if _, main := mainOptions()[o.Name]; !known && main && what == "option" {
		return // EX001: a main option after begin
	}
	switch {
	case !known && buildOptional(o.Name):
		fd.Severity = lint.SeverityWarning
		fd.Message = fmt.Sprintf("%s %q is unknown to Debian's Exim %s builds: it exists only in an Exim built with that optional feature (cPanel and DirectAdmin build their own), otherwise Exim refuses the configuration", what, o.Written, eximOptionsVersion)
		fd.Hint = "check `exim -bV` (\"Support for:\") on the server; remove the option if the feature is not built in"
	case !known:
		cands := nearest(o.Name, append(sortedNames(table), sortedNames(extra)...))
		fd.Message = fmt.Sprintf("%s %q unknown: Exim %s refuses the configuration", what, o.Written, eximOptionsVersion)
		if what == "option" {
			fd.Message = fmt.Sprintf("option %q unknown: Exim %s refuses the configuration", o.Written, eximOptionsVersion)
		}
		fd.Hint = fmt.Sprintf("remove the line, or check the option's name in the Exim %s specification (options of a newer Exim are unknown to this one)", eximOptionsVersion)
		if len(cands) > 0 {
			fd.Hint = fmt.Sprintf("did you mean %q?", strings.Join(cands, `" or "`))
		}
		if len(cands) == 1 {
			name := cands[0]
			if o.Negated {
				name = strings.TrimSuffix(o.Written, o.Name) + name
			}
			start := f.Offset(fd.Start)
			fd.Fix = &lint.Fix{Description: fmt.Sprintf("rename %s to %s", o.Written, name), Safe: true,
				Edits: []lint.TextEdit{{Start: start, End: start + len(o.Written), NewText: name}}}
			if string(f.Src[start:min(len(f.Src), start+len(o.Written))]) != o.Written {
				fd.Fix = nil // the name came from a macro: no edit in place
			}
		}
	case o.Negated && flags&optBool == 0:
		fd.Message = fmt.Sprintf("%q: negation prefix applied to a non-boolean option", o.Written)
		fd.Hint = fmt.Sprintf("write `%s = value` (or remove the line to keep the default)", o.Name)
	case !o.HasValue && flags&optBool == 0:
		fd.Message = fmt.Sprintf("unexpected end of line (data missing) after %s", o.Name)
		fd.Hint = fmt.Sprintf("write `%s = value`", o.Name)
	case o.HasValue && flags&optBool != 0 && !validBool(o.Value.S):
		fd.Message = fmt.Sprintf("%q is not a valid value for the %q option", o.Value.S, o.Name)
		fd.Hint = fmt.Sprintf("booleans are written `%s`, `no_%s`, or `%s = true|false|yes|no`", o.Name, o.Name, o.Name)
	default:
		return
	}
	p.Report(fd)
}

// optionFine reports whether a known option with these flags gives none
// of checkOption's findings (its switch reaches default).
func optionFine(o *ex.Option, flags optFlags) bool {
	isBool := flags&optBool != 0
	switch {
	case o.Negated && !isBool:
		return false
	case !o.HasValue && !isBool:
		return false
	case o.HasValue && isBool && !validBool(o.Value.S):
		return false
	}
	return true
}

// buildOptional reports whether an option belongs to a feature that
// Debian builds without but other builds may have (DMARC, ARC,
// experimental features): EXPERIMENTAL_ARC, SUPPORT_DMARC in Exim's
// Local/Makefile.
func buildOptional(name string) bool {
	for _, p := range []string{"dmarc_", "arc_", "spf_"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// validBool reports whether v is a value readconf.c accepts for a boolean
// (case-insensitively), or an expansion for the options expanded at run
// time.
func validBool(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "false", "yes", "no":
		return true
	}
	return isExpanded(v)
}

// checkRepeats reports the second setting of an option that may be set
// once.
func (s *Setup) checkRepeats(p *lint.Pass, opts []*ex.Option, allowed map[string]bool) {
	// A driver has a handful of options: a scan of the earlier ones is
	// cheaper than a map; the main section may have hundreds.
	var first map[string]*ex.Option
	if len(opts) > 32 {
		first = map[string]*ex.Option{}
	}
	for k, o := range opts {
		if allowed[o.Name] {
			continue
		}
		var prev *ex.Option
		if first != nil {
			prev = first[o.Name]
			if prev == nil {
				first[o.Name] = o
			}
		} else {
			for _, q := range opts[:k] {
				if q.Name == o.Name {
					prev = q // allowed[q.Name] is false: same name
					break
				}
			}
		}
		if prev == nil {
			continue
		}
		fd, f, ok := s.AtOption(o)
		if !ok || s.hasError(f, fd.Start.Line) {
			continue
		}
		fd.Message = fmt.Sprintf("%q option set for the second time: Exim refuses the configuration", o.Name)
		fd.Hint = fmt.Sprintf("keep one %s line (the first is at line %d)", o.Name, prev.NamePos.Line)
		p.Report(fd)
	}
}

func sortedNames(m map[string]optFlags) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// nearest returns the names closest to name by edit distance: within 2
// edits (1 for short names), best distance only.
func nearest(name string, names []string) []string {
	limit := 2
	if len(name) <= 4 {
		limit = 1
	}
	best := limit + 1
	var out []string
	for _, n := range names {
		if n == name {
			continue
		}
		d := levenshtein(name, n, best)
		switch {
		case d < best:
			best, out = d, []string{n}
		case d == best && d <= limit && (len(out) == 0 || out[len(out)-1] != n):
			out = append(out, n)
		}
	}
	if best > limit {
		return nil
	}
	return out
}

// levenshtein is the edit distance, giving up (returning limit+1) once
// it cannot be within limit.
func levenshtein(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// driverNames lists the drivers of a section Exim 4.96 knows.
func driverNames(section string) []string {
	var out []string
	for k := range driverOptions()[section] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
