package exim

import (
	"fmt"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// checkMacros is EX006 for the cases Exim accepts silently (the fatal
// ones — a name containing an earlier macro's name, a macro inside a
// driver — come from the parser at load time):
//
//   - a macro replaced part of a longer upper-case word: macros are
//     substituted as substrings on every later line (readconf.c
//     macros_expand), so with `SMART = x` a placeholder `SMARTHOST`
//     becomes `xHOST` (warning);
//   - a value uses a macro's name before the macro is defined: the name
//     stays as literal text there (warning).
func checkMacros(p *lint.Pass) {
	s := setupOf(p)
	if s == nil {
		return
	}
	for _, m := range s.Config.Macros {
		if m.Command {
			continue
		}
		for _, u := range m.Uses {
			f := s.FileOf(u)
			if f == nil {
				continue
			}
			start, end := u.Offset, u.Offset+len(m.Name)
			if end > len(f.Src) || string(f.Src[start:end]) != m.Name {
				continue
			}
			lo, hi := start, end
			for lo > 0 && macroChar(f.Src[lo-1]) {
				lo--
			}
			for hi < len(f.Src) && macroChar(f.Src[hi]) {
				hi++
			}
			if lo == start && hi == end {
				continue
			}
			fd := f.At(lo, hi)
			fd.Severity = lint.SeverityWarning
			fd.Message = fmt.Sprintf("macro %s replaced part of the word %s: Exim substitutes macro names as substrings, so this is not the literal text it looks like", m.Name, f.Src[lo:hi])
			fd.Hint = fmt.Sprintf("rename the macro or the word (macro %s is defined at %s)", m.Name, m.NamePos)
			p.Report(fd)
		}
	}
	s.macroBeforeDefinition(p)
}

func macroChar(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' }

// macroBeforeDefinition reports option values that contain a macro name
// as a whole word before (in the same file) the macro is defined.
func (s *Setup) macroBeforeDefinition(p *lint.Pass) {
	later := map[string]*ex.Macro{}
	for _, m := range s.Config.Macros {
		if !m.Command && !m.Redefine && m.NamePos.IsValid() {
			if _, ok := later[m.Name]; !ok {
				later[m.Name] = m
			}
		}
	}
	if len(later) == 0 {
		return
	}
	check := func(o *ex.Option) {
		if !o.HasValue || o.Hide || secretOptionNames[o.Name] {
			return
		}
		v := o.Value.S
		for i := 0; i < len(v); {
			if !(v[i] >= 'A' && v[i] <= 'Z') || (i > 0 && macroChar(v[i-1])) {
				i++
				continue
			}
			j := i
			for j < len(v) && macroChar(v[j]) {
				j++
			}
			m := later[v[i:j]]
			if m != nil && o.NamePos.File == m.NamePos.File && o.NamePos.Offset < m.NamePos.Offset {
				if fd, _, ok := s.At(o.Value, i, j); ok {
					fd.Severity = lint.SeverityWarning
					fd.Message = fmt.Sprintf("%s is used here but defined as a macro only later (line %d): Exim leaves the name as literal text", v[i:j], m.NamePos.Line)
					fd.Hint = "move the macro definition above its first use"
					p.Report(fd)
				}
			}
			i = j
		}
	}
	for _, o := range s.Config.Main.Options {
		check(o)
	}
	for _, sec := range s.Config.Sections {
		for _, d := range sec.Drivers {
			for _, o := range d.Options {
				check(o)
			}
		}
	}
	_ = strings.ToUpper
}
