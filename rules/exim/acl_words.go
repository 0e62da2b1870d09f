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
	words := sortedNames(aclWords())
	for _, l := range sec.Lines {
		t := l.Text.S
		if aclName().MatchString(t) {
			continue
		}
		i := 0
		if m := aclVerb().FindStringIndex(t); m != nil {
			i = m[1]
		} else {
			for i < len(t) && (t[i] == ' ' || t[i] == '\t') {
				i++
			}
		}
		m := aclWord().FindStringSubmatchIndex(t[i:])
		if m == nil {
			continue
		}
		w := t[i+m[2] : i+m[3]]
		if _, ok := aclWords()[w]; ok {
			continue
		}
		fd, f, ok := s.At(l.Text, i+m[2], i+m[3])
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
