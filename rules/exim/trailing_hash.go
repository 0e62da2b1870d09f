package exim

import (
	"fmt"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// checkTrailingHash is EX005: "A # character other than at the beginning
// of a line is not treated specially, and does not introduce a comment"
// (spec ch. 6.2); `port = 587 # submission` stores "587 # submission"
// [exp]. Host lists, ports and route lists then name hosts and ports that
// do not exist (error); in other values the text is data (warning).
func checkTrailingHash(p *lint.Pass) {
	s := setupOf(p)
	if s == nil {
		return
	}
	for _, o := range s.Config.Main.Options {
		s.trailingHash(p, o)
	}
	for _, sec := range s.Config.Sections {
		for _, d := range sec.Drivers {
			for _, o := range d.Options {
				s.trailingHash(p, o)
			}
		}
	}
}

// hashIsData lists options where '#' is plausible data: expansions,
// regexes, message texts and header lines.
func hashIsData(name, v string) bool {
	switch {
	case strings.Contains(v, `\N`), strings.Contains(v, "${"), strings.HasPrefix(strings.TrimSpace(v), "^"):
		return true
	case strings.HasSuffix(name, "_message"), strings.HasSuffix(name, "_text"), strings.HasPrefix(name, "headers_"),
		name == "condition", name == "data", name == "command", name == "set", strings.HasPrefix(name, "server_"),
		strings.HasPrefix(name, "client_"):
		return true
	}
	return false
}

// hashIsFatal are host lists, ports and route lists: a '#' can never be
// part of a host name or a port.
func hashIsFatal(name string) bool {
	return name == "port" || name == "route_list" || name == "route_data" || name == "fallback_hosts" ||
		name == "hosts" || strings.HasPrefix(name, "hosts_") || strings.HasSuffix(name, "_hosts") || name == "interface"
}

func (s *Setup) trailingHash(p *lint.Pass, o *ex.Option) {
	if !o.HasValue || o.Quoted || o.Hide {
		return
	}
	v := o.Value.S
	k := strings.Index(v, " #")
	if k2 := strings.Index(v, "\t#"); k2 >= 0 && (k < 0 || k2 < k) {
		k = k2
	}
	if k < 0 || hashIsData(o.Name, v) {
		return
	}
	fd, f, ok := s.At(o.Value, k+1, len(v))
	if !ok {
		return
	}
	fd.Message = fmt.Sprintf("%q after the value of %s is part of the value: Exim treats '#' as a comment only at the start of a line", strings.TrimSpace(v[k+1:min(len(v), k+24)]), o.Name)
	fd.Hint = "move the comment to a line of its own above the option"
	if hashIsFatal(o.Name) {
		fd.Severity = lint.SeverityError
		fd.Message = fmt.Sprintf("%s is %q: the comment after it is part of the value, so Exim reads a host or port that does not exist", o.Name, v)
	}
	// Delete the blank(s) and the comment: the bytes must be the file's
	// own (no macro, no continuation inside).
	start := k
	for start > 0 && (v[start-1] == ' ' || v[start-1] == '\t') {
		start--
	}
	if path, lo, hi := o.Value.Span(start, len(v)); s.byPath[path] == f && hi-lo == len(v)-start && string(f.Src[lo:hi]) == v[start:] {
		fd.Fix = &lint.Fix{Description: "remove the trailing comment from the value", Safe: hashIsFatal(o.Name),
			Edits: []lint.TextEdit{{Start: lo, End: hi, NewText: ""}}}
	}
	p.Report(fd)
}
