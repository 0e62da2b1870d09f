package exim

import (
	"fmt"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

var (
	aclName = lazyRegexp(`^\s*[A-Za-z0-9_]+:\s*$`)
	aclVerb = lazyRegexp(`^\s*(accept|defer|deny|discard|drop|require|warn)\b\s*`)
	aclWord = lazyRegexp(`^!?\s*([A-Za-z_][A-Za-z0-9_]*)`)
)

// checkACLWords is EX002 for the ACL section: every condition or
// modifier must be one Exim 4.96 knows (acl.c's table, listed by the
// _ACL_COND_* and _ACL_MOD_* builtin macros); an unknown one is fatal —
// `error in ACL: unknown ACL condition/modifier in "atrn_domains = ..."`
// [exp 4.96, a test configuration of a later Exim].
func (s *Setup) checkACLWords(p *lint.Pass) {
	sec := s.Config.Section("acl")
	if sec == nil {
		return
	}
	var words []string // sorted once, for the first finding's suggestions
	for _, l := range sec.Lines {
		t := l.Text.S
		if matchACLName(t) {
			continue
		}
		i := 0
		if e, ok := matchACLVerb(t); ok {
			i = e
		} else {
			for i < len(t) && (t[i] == ' ' || t[i] == '\t') {
				i++
			}
		}
		ws, we, ok := matchACLWord(t[i:])
		if !ok {
			continue
		}
		w := t[i+ws : i+we]
		if _, ok := aclWords()[w]; ok {
			continue
		}
		if words == nil {
			words = sortedNames(aclWords())
		}
		fd, f, ok := s.At(l.Text, i+ws, i+we)
		if !ok || s.hasError(f, fd.Start.Line) {
			continue
		}
		fd.Message = fmt.Sprintf("error in ACL: unknown ACL condition/modifier %q: Exim %s refuses the configuration", w, eximOptionsVersion)
		if buildOptional(w+"_") || buildOptional(w) {
			fd.Severity = lint.SeverityWarning
			fd.Message = fmt.Sprintf("ACL condition %q is unknown to Debian's Exim %s builds: it exists only in an Exim built with that optional feature, otherwise Exim refuses the configuration", w, eximOptionsVersion)
		}
		if c := nearest(w, words); len(c) > 0 {
			fd.Hint = fmt.Sprintf("did you mean %q?", strings.Join(c, `" or "`))
		} else {
			fd.Hint = "this condition does not exist in Exim " + eximOptionsVersion + " (it may belong to a later release)"
		}
		p.Report(fd)
	}
}

// The matchers below do what the regexps above do (RE2's \s is
// [\t\n\f\r ], \b an ASCII word boundary) without running a regexp on
// every ACL line; TestACLMatchers compares them.

func isRESpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

func isWordByte(c byte) bool {
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func skipRESpace(t string, i int) int {
	for i < len(t) && isRESpace(t[i]) {
		i++
	}
	return i
}

// matchACLName is aclName().MatchString(t).
func matchACLName(t string) bool {
	i := skipRESpace(t, 0)
	j := i
	for j < len(t) && isWordByte(t[j]) {
		j++
	}
	if j == i || j >= len(t) || t[j] != ':' {
		return false
	}
	return skipRESpace(t, j+1) == len(t)
}

// matchACLVerb is aclVerb().FindStringIndex(t): the end of the match.
func matchACLVerb(t string) (int, bool) {
	i := skipRESpace(t, 0)
	j := i
	for j < len(t) && isWordByte(t[j]) {
		j++
	}
	switch t[i:j] {
	case "accept", "defer", "deny", "discard", "drop", "require", "warn":
		return skipRESpace(t, j), true
	}
	return 0, false
}

// matchACLWord is aclWord().FindStringSubmatchIndex(t): the group.
func matchACLWord(t string) (start, end int, ok bool) {
	k := 0
	if k < len(t) && t[k] == '!' {
		k++
	}
	k = skipRESpace(t, k)
	if k >= len(t) || !(t[k] == '_' || (t[k] >= 'a' && t[k] <= 'z') || (t[k] >= 'A' && t[k] <= 'Z')) {
		return 0, 0, false
	}
	e := k + 1
	for e < len(t) && isWordByte(t[e]) {
		e++
	}
	return k, e, true
}

// checkLogSelector is EX002 for log_selector: every +name/-name must be a
// selector this Exim knows (`unknown log_selector setting: +connection_id`
// [exp 4.96]).
func (s *Setup) checkLogSelector(p *lint.Pass) {
	o := s.MainOption("log_selector")
	if o == nil || !o.HasValue || isExpanded(o.Value.S) {
		return
	}
	v := o.Value.S
	for i := 0; i < len(v); {
		for i < len(v) && (v[i] == ' ' || v[i] == '\t') {
			i++
		}
		j := i
		for j < len(v) && v[j] != ' ' && v[j] != '\t' {
			j++
		}
		if j > i+1 && (v[i] == '+' || v[i] == '-') {
			name := v[i+1 : j]
			if _, ok := logSelectors()[name]; !ok {
				if fd, f, ok := s.At(o.Value, i, j); ok && !s.hasError(f, fd.Start.Line) {
					fd.Message = fmt.Sprintf("unknown log_selector setting: %s (Exim %s refuses the configuration)", v[i:j], eximOptionsVersion)
					if c := nearest(name, sortedNames(logSelectors())); len(c) > 0 {
						fd.Hint = fmt.Sprintf("did you mean %c%s?", v[i], c[0])
					} else {
						fd.Hint = "remove it (it may belong to a later Exim release)"
					}
					p.Report(fd)
				}
			}
		}
		i = j
	}
}
