package postfix

import (
	"fmt"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	pf "github.com/smarthost-lint/smarthost-lint/parsers/postfix"
)

// duplicateParamRule is PF022. postconf(5): "When the same parameter is
// defined multiple times, only the last instance is remembered";
// postconf 3.7 warns "overriding earlier entry" [exp]. Debian's postinst
// already writes a relayhost= line, so an added relayhost above it is
// silently replaced by the empty one.
var duplicateParamRule = &lint.Rule{
	ID:       "PF022",
	MTA:      Name,
	Severity: lint.SeverityWarning,
	Title:    "parameter defined more than once (only the last definition counts)",
	Check:    checkDuplicateParams,
}

func checkDuplicateParams(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main == nil {
		return
	}
	byName := map[string][]*pf.Param{}
	var order []string
	for _, prm := range s.Main.Params() {
		if byName[prm.Name] == nil {
			order = append(order, prm.Name)
		}
		byName[prm.Name] = append(byName[prm.Name], prm)
	}
	f := s.MainFile
	for _, name := range order {
		defs := byName[name]
		if len(defs) < 2 {
			continue
		}
		last := defs[len(defs)-1]
		for k, prm := range defs[1:] {
			prev := defs[k]
			fd := f.At(prm.NamePos.Offset, prm.NameEnd.Offset)
			same := prm.Value == prev.Value
			switch {
			case prm == last && criticalParam(name) && strings.TrimSpace(last.Value) == "" && anyNonEmpty(defs[:len(defs)-1]):
				fd.Severity = lint.SeverityError
				fd.Message = fmt.Sprintf("%s is set again here with an empty value: Postfix keeps only the last definition, so the value on line %d is ignored and %s",
					name, lastNonEmpty(defs[:len(defs)-1]).NamePos.Line, emptyEffect(name))
				fd.Hint = fmt.Sprintf("delete this line (or the one on line %d) so that %s is defined once", lastNonEmpty(defs[:len(defs)-1]).NamePos.Line, name)
			case prm == last && criticalParam(name) && strings.TrimSpace(last.Value) != "" && differsFromEarlier(defs):
				fd.Severity = lint.SeverityError
				fd.Message = fmt.Sprintf("%s is set again here with a different value than on line %d: Postfix uses only this last definition and ignores the earlier one",
					name, differingLine(defs))
				fd.Hint = "keep the one definition you mean and delete the other"
			case same:
				fd.Message = fmt.Sprintf("%s is set again here with the same value as on line %d (postconf: overriding earlier entry)", name, prev.NamePos.Line)
				fd.Hint = "delete the duplicate line"
				fd.Fix = &lint.Fix{Description: "delete the duplicate definition of " + name, Safe: true,
					Edits: []lint.TextEdit{deleteLines(f, prm.Pos.Offset, prm.EndPos.Offset)}}
			default:
				fd.Message = fmt.Sprintf("%s is set again here, overriding line %d (postconf: overriding earlier entry): only the last definition counts", name, prev.NamePos.Line)
				fd.Hint = "keep one definition of " + name
			}
			p.Report(fd)
		}
	}
}

func anyNonEmpty(defs []*pf.Param) bool { return lastNonEmpty(defs) != nil }

func lastNonEmpty(defs []*pf.Param) *pf.Param {
	for i := len(defs) - 1; i >= 0; i-- {
		if strings.TrimSpace(defs[i].Value) != "" {
			return defs[i]
		}
	}
	return nil
}

// differsFromEarlier reports whether an earlier non-empty definition has
// another value than the last one. An earlier empty definition (Debian's
// "relayhost =") replaced by a real value is not a conflict.
func differsFromEarlier(defs []*pf.Param) bool { return differingLine(defs) != 0 }

func differingLine(defs []*pf.Param) int {
	last := defs[len(defs)-1]
	for i := len(defs) - 2; i >= 0; i-- {
		if v := strings.TrimSpace(defs[i].Value); v != "" && v != strings.TrimSpace(last.Value) {
			return defs[i].NamePos.Line
		}
	}
	return 0
}

// deleteLines is an edit that removes the lines holding [start, end),
// with the newline that ends the last one.
func deleteLines(f *lint.File, start, end int) lint.TextEdit {
	src := f.Src
	for start > 0 && src[start-1] != '\n' {
		start--
	}
	for end < len(src) && src[end] != '\n' {
		end++
	}
	if end < len(src) {
		end++
	}
	return lint.TextEdit{Start: start, End: end}
}
