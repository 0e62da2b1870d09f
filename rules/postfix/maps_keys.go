package postfix

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	pf "github.com/smarthost-lint/smarthost-lint/parsers/postfix"
)

// duplicateKeyRule is PF032. postmap(1): "Duplicate entries are skipped
// and are flagged with a warning" — the first entry of a key wins, after
// the case folding of fixed-string tables [doc, exp postmap 3.7.11].
var duplicateKeyRule = &lint.Rule{
	ID:       "PF032",
	MTA:      Name,
	Severity: lint.SeverityWarning,
	Title:    "duplicate key in a lookup table (postmap keeps the first)",
	Check:    checkDuplicateKeys,
}

// indentedTableRule is PF035: a table source whose first logical line is
// indented. postmap drops it with "logical line must not start with
// whitespace" — and when every line is indented (a snippet pasted from
// the seed) the table is built empty with exit status 0 [exp].
var indentedTableRule = &lint.Rule{
	ID:       "PF035",
	MTA:      Name,
	Severity: lint.SeverityError,
	Title:    "indented lookup-table source: postmap drops the entries",
	Check:    checkIndentedTables,
}

// parsedTables returns each table the unit read once, with the reference
// that decides its type (nil type for a standalone map: the hash default).
func parsedTables(s *Setup) []*MapRef {
	var out []*MapRef
	seen := map[*lint.File]bool{}
	refs := s.Maps
	if s.Standalone != nil {
		refs = append([]*MapRef{s.Standalone}, refs...)
	}
	for _, m := range refs {
		if m.Table == nil || m.Source == nil || seen[m.Source] {
			continue
		}
		seen[m.Source] = true
		out = append(out, m)
	}
	return out
}

// foldsKeys reports whether lookups in the table are case-insensitive
// (fixed-string tables; a standalone source defaults to hash).
func foldsKeys(m *MapRef) bool {
	return m.Type == "" || m.Indexed() || m.Type == "texthash"
}

func checkDuplicateKeys(p *lint.Pass) {
	for _, m := range parsedTables(p.Unit.(*Setup)) {
		if !foldsKeys(m) {
			continue
		}
		f := m.Source
		for _, d := range m.Table.Duplicates() {
			fd := f.At(d.Dup.KeyOffset, d.Dup.KeyOffset+len(d.Dup.Key))
			caseNote := ""
			if d.Dup.Key != d.First.Key {
				caseNote = " (keys are case-insensitive: " + d.First.Key + " and " + d.Dup.Key + " are the same key)"
			}
			fd.Message = fmt.Sprintf("duplicate key %s, first defined on line %d%s: postmap keeps the first entry and skips this one", d.Dup.Key, d.First.Pos.Line, caseNote)
			if d.Dup.Value == d.First.Value {
				fd.Hint = "delete this line; it repeats line " + strconv.Itoa(d.First.Pos.Line)
				fd.Fix = &lint.Fix{Description: "delete the duplicate entry", Safe: true,
					Edits: []lint.TextEdit{deleteLines(f, d.Dup.Pos.Offset, d.Dup.EndPos.Offset)}}
			} else {
				fd.Hint = fmt.Sprintf("keep one entry for this key: if this line holds the value you want, delete line %d", d.First.Pos.Line)
			}
			p.Report(fd)
		}
	}
}

// msgIndented starts the parser's problem for a dropped indented line
// (postmap's own wording).
const msgIndented = "logical line must not start with whitespace"

func checkIndentedTables(p *lint.Pass) {
	for _, m := range parsedTables(p.Unit.(*Setup)) {
		t := m.Table
		if !t.Indented {
			continue
		}
		var prob *pf.Problem
		for _, pr := range t.Problems {
			if strings.HasPrefix(pr.Msg, msgIndented) {
				prob = pr
				break
			}
		}
		if prob == nil {
			continue
		}
		f := m.Source
		start, end := prob.Pos.Offset, prob.EndPos.Offset
		first := f.LineSpan(prob.Pos.Line)
		fd := f.At(first.Start, first.End)
		if passwordParams[m.Param] {
			// The dropped lines are no entries, so nothing masks their
			// passwords: a whole-file finding shows no source line.
			fd = f.WholeFile()
		}
		if len(t.Entries) == 0 {
			fd.Message = "every line of this table is indented: postmap reads them as one logical line that must not start with whitespace, drops it, and builds an empty table (exit status 0), so no lookup ever matches"
		} else {
			fd.Message = fmt.Sprintf("the table starts with indented lines (%d-%d): postmap drops them (\"logical line must not start with whitespace\"), so the entries on those lines are missing from the table",
				prob.Pos.Line, prob.EndPos.Line)
		}
		fd.Hint = "remove the leading whitespace and run postmap again"
		if edits, uniform := dedent(f, start, end); len(edits) > 0 {
			fd.Fix = &lint.Fix{Description: "remove the indentation", Safe: uniform, Edits: edits}
		}
		p.Report(fd)
	}
}

// dedent removes the smallest indentation of the content lines in
// [start, end) from each of them, so lines at that indentation become
// entries and deeper ones stay continuations. uniform is true when all
// content lines had the same indentation (the pasted-snippet case).
func dedent(f *lint.File, start, end int) (edits []lint.TextEdit, uniform bool) {
	src := f.Src
	type line struct{ off, indent int }
	var lines []line
	for off := start; off < end; {
		e := off
		for e < len(src) && src[e] != '\n' {
			e++
		}
		i := off
		for i < e && (src[i] == ' ' || src[i] == '\t') {
			i++
		}
		if i < e && src[i] != '#' && src[i] != '\r' {
			lines = append(lines, line{off, i - off})
		}
		off = e + 1
	}
	if len(lines) == 0 {
		return nil, false
	}
	least := lines[0].indent
	uniform = true
	for _, l := range lines {
		if l.indent != lines[0].indent {
			uniform = false
		}
		least = min(least, l.indent)
	}
	for _, l := range lines {
		edits = append(edits, lint.TextEdit{Start: l.off, End: l.off + least})
	}
	return edits, uniform
}
