package postfix

import (
	"strconv"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// indentedParamRule is PF020. postconf(5): "A logical line starts with
// non-whitespace text. A line that starts with whitespace continues a
// logical line." [exp] an indented "bar = 1" after "foo = hash:/x" gives
// foo = "hash:/x bar = 1" and leaves bar unset; an indented first line is
// dropped with "logical line must not start with whitespace". The seed
// shows every snippet indented (erratum S4).
var indentedParamRule = &lint.Rule{
	ID:       "PF020",
	MTA:      Name,
	Severity: lint.SeverityError,
	Title:    "indented parameter line is swallowed by the previous parameter or dropped",
	Check:    checkIndentedParams,
}

// missingEqualsRule is PF026: a logical line without '=' makes every
// Postfix program stop with "fatal: ... missing '=' after attribute name"
// [exp]. The frontend leaves these problems to this rule instead of PF000.
var missingEqualsRule = &lint.Rule{
	ID:       "PF026",
	MTA:      Name,
	Severity: lint.SeverityError,
	Title:    "main.cf line without '=' (Postfix refuses to start)",
	Check:    checkMissingEquals,
}

// assignmentLists are parameters whose values are lists of name=value
// words; an indented "smtp=25" continuing them is data, not a parameter.
var assignmentLists = map[string]bool{"known_tcp_ports": true, "import_environment": true, "export_environment": true}

// indentedAssignment parses a physical line "<ws>name<ws>=..." and returns
// the name's byte range in the line, the indentation length and whether
// there is whitespace around the '='.
func indentedAssignment(line string) (nameLo, nameHi int, spaced, ok bool) {
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	if i == 0 {
		return 0, 0, false, false
	}
	j := i
	for j < len(line) && isNameByte(line[j]) {
		j++
	}
	if j == i {
		return 0, 0, false, false
	}
	k := j
	for k < len(line) && (line[k] == ' ' || line[k] == '\t') {
		k++
	}
	if k == len(line) || line[k] != '=' {
		return 0, 0, false, false
	}
	spaced = k > j || (k+1 < len(line) && (line[k+1] == ' ' || line[k+1] == '\t'))
	return i, j, spaced, true
}

func checkIndentedParams(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main == nil {
		return
	}
	n := namesOf(s)
	f := s.MainFile
	for _, e := range s.Main.Entries {
		switch {
		case e.Param != nil:
			prm := e.Param
			if assignmentLists[prm.Name] {
				continue
			}
			for _, l := range prm.Continuations {
				lo, hi, spaced, ok := indentedAssignment(l.Text)
				if !ok {
					continue
				}
				name := l.Text[lo:hi]
				known := n.knownMain(name)
				if !known && !spaced {
					continue // "submission=587"-style list data
				}
				if braceDepth(f.Src[prm.ValuePos.Offset:min(l.Pos.Offset, len(f.Src))]) > 0 {
					continue // inside inline:{ ... } or a {...} grouping
				}
				start := l.Pos.Offset
				fd := f.At(start+lo, start+hi)
				fd.Message = "this line is indented, so Postfix reads it as a continuation of " + prm.Name + " (line " + strconv.Itoa(prm.NamePos.Line) + "): " +
					name + " is not set, and its text becomes part of the value of " + prm.Name
				fd.Hint = "remove the leading whitespace so that " + name + " starts a line of its own"
				fd.Fix = &lint.Fix{Description: "remove the indentation", Safe: known, Edits: []lint.TextEdit{{Start: start, End: start + lo}}}
				p.Report(fd)
			}
		case e.Dropped != nil:
			reported := false
			for _, l := range e.Lines {
				lo, hi, _, ok := indentedAssignment(l.Text)
				if !ok {
					continue
				}
				name := l.Text[lo:hi]
				start := l.Pos.Offset
				fd := f.At(start+lo, start+hi)
				fd.Message = "this line is indented and no parameter precedes it, so Postfix ignores it (\"logical line must not start with whitespace\"): " + name + " is not set"
				fd.Hint = "remove the leading whitespace"
				fd.Fix = &lint.Fix{Description: "remove the indentation", Safe: n.knownMain(name), Edits: []lint.TextEdit{{Start: start, End: start + lo}}}
				p.Report(fd)
				reported = true
			}
			if !reported && len(e.Lines) > 0 {
				l := e.Lines[0]
				lead := len(l.Text) - len(strings.TrimLeft(l.Text, " \t\r\v\f"))
				fd := f.At(l.Pos.Offset+lead, l.EndPos.Offset)
				fd.Message = "indented text at the start of main.cf: Postfix ignores it (\"logical line must not start with whitespace\")"
				fd.Hint = "remove the leading whitespace, or make the line a comment with #"
				p.Report(fd)
			}
		}
	}
}

// braceDepth counts unclosed '{' in b.
func braceDepth(b []byte) int {
	d := 0
	for _, c := range b {
		switch c {
		case '{':
			d++
		case '}':
			if d > 0 {
				d--
			}
		}
	}
	return d
}

func checkMissingEquals(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main == nil {
		return
	}
	f := s.MainFile
	for _, prob := range s.Main.Problems {
		if !prob.Fatal || !strings.Contains(prob.Msg, "missing '='") {
			continue
		}
		start, end := prob.Pos.Offset, max(prob.EndPos.Offset, prob.Pos.Offset)
		fd := f.At(start, end)
		fd.Message = "line without '=': every Postfix program stops with \"fatal: main.cf, line " + strconv.Itoa(prob.Pos.Line) + ": missing '=' after attribute name\", so Postfix does not start"
		fd.Hint = "write it as name = value, or turn it into a comment with #"
		if name, rest := splitWord(f.Src[start:end]); name != "" && rest != "" {
			if _, ok := paramDefaults()[name]; ok {
				fd.Hint = "insert '=' after the parameter name: " + name + " = ..."
				fd.Fix = &lint.Fix{Description: "insert '=' after " + name, Edits: []lint.TextEdit{{Start: start + len(name), End: start + len(name), NewText: " ="}}}
			}
		}
		p.Report(fd)
	}
}

// splitWord splits "name rest" at the first run of blanks.
func splitWord(b []byte) (string, string) {
	s := string(b)
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}
