package sendmail

import (
	"fmt"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	smp "github.com/smarthost-lint/smarthost-lint/parsers/sendmail"
)

var mapRules = []*lint.Rule{
	{ID: "SM017", MTA: Name, Severity: lint.SeverityError, Title: "makemap source problems: leading whitespace, duplicate keys, missing value, %", Check: checkMakemap},
}

// checkMakemap is SM017, from makemap(8) 8.17.1.9: a line starting with
// whitespace is "syntax error (leading space)" and skipped [exp]; a key
// without a value is skipped; "Normally makemap complains if you repeat a
// key, and does not do the insert" (-r replaces); and map values undergo
// %n substitution, so a literal % must be written %%. Indented AuthInfo
// lines are SM010's.
func checkMakemap(p *lint.Pass) {
	s := p.Unit.(*Setup)
	for _, m := range []*MapFile{s.Authinfo, s.Access} {
		if m == nil || m.Parsed == nil {
			continue
		}
		f := m.File
		for _, pr := range m.Parsed.Problems {
			line := f.Text()[pr.Start:pr.End]
			switch pr.Kind {
			case smp.LeadingSpace:
				if strings.Contains(strings.ToLower(line), "authinfo:") {
					continue
				}
				if strings.TrimSpace(line) == "" {
					fd := f.At(pr.Start, pr.End)
					fd.Message = "this blank line holds whitespace: makemap reports \"syntax error (leading space)\" and exits with status 65, so scripts that check it stop"
					fd.Hint = "make the line empty"
					fd.Fix = &lint.Fix{Description: "empty the line", Safe: true, Edits: []lint.TextEdit{{Start: pr.Start, End: pr.End}}}
					p.Report(fd)
					continue
				}
				fd := f.At(pr.Start, pr.End)
				fd.Message = "this line starts with whitespace: makemap rejects it (\"syntax error (leading space)\") and the entry is missing from the map"
				fd.Hint = "remove the leading whitespace"
				t := strings.TrimLeft(line, " \t\v\f\r")
				fd.Fix = &lint.Fix{Description: "remove the leading whitespace", Safe: true, Edits: []lint.TextEdit{{Start: pr.Start, End: pr.End - len(t)}}}
				p.Report(fd)
			case smp.NoValue:
				fd := f.At(pr.Start, pr.End)
				fd.Message = "this key has no value: makemap skips it with \"no RHS for LHS\""
				fd.Hint = "write the value after the key, separated by whitespace"
				p.Report(fd)
			}
		}
		seen := map[string]*smp.MapEntry{}
		for _, e := range m.Parsed.Entries {
			k := strings.ToLower(e.Key)
			if first, dup := seen[k]; dup {
				fd := f.At(e.KeyStart, e.KeyStart+len(e.Key))
				fd.Severity = lint.SeverityWarning
				fd.Message = fmt.Sprintf("%s repeats the key of line %d (keys are folded to lower case): makemap complains and keeps the first entry, so this line has no effect", e.Key, first.Line)
				fd.Hint = "delete one of the two entries"
				p.Report(fd)
				continue
			}
			seen[k] = e
			if i := percentAt(e.Value); i >= 0 && !isAuthInfoKey(e.Key) {
				fd := f.At(e.ValueStart+i, e.ValueStart+i+1)
				fd.Severity = lint.SeverityWarning
				fd.Message = "a % in a map value is a %n substitution when sendmail reads the result; a literal percent sign must be written %%"
				fd.Hint = "write %% for a literal %"
				p.Report(fd)
			}
		}
	}
}

// percentAt returns the offset of a % that is not %% or %0-%9, or -1.
func percentAt(v string) int {
	for i := 0; i < len(v); i++ {
		if v[i] != '%' {
			continue
		}
		if i+1 < len(v) && (v[i+1] == '%' || (v[i+1] >= '0' && v[i+1] <= '9')) {
			i++
			continue
		}
		return i
	}
	return -1
}
