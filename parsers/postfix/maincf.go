package postfix

import (
	"fmt"
	"sort"
	"strings"
)

// ParseMain parses a main.cf. It always returns an AST; the error is
// non-nil exactly when the AST has a fatal problem (the first one, as
// file:line:col: message) — input on which postconf and the daemons stop
// with "fatal: ...".
//
// Logical lines follow readllines() (src/util/readlline.c) and each one is
// split like split_nameval() (src/util/split_nameval.c):
//   - a line starting with whitespace continues the logical line; comment
//     lines ('#' as the first non-whitespace character) and blank lines
//     inside it are skipped and do not end it;
//   - continuation lines are joined verbatim, without the newline; Value is
//     the result as `postconf -n` prints it (whitespace runs become one
//     space), RawValue what the daemons see;
//   - there are no trailing comments and quotes are not syntax;
//   - a CR before the newline is whitespace, so CRLF files work;
//   - text that starts with whitespace before the first parameter is
//     dropped (warning "logical line must not start with whitespace");
//   - a logical line without a name or without '=' after the name is
//     fatal ("missing attribute name", "missing '=' after attribute name");
//   - text after a NUL byte is ignored (Postfix reads C strings).
func ParseMain(filename string, src []byte) (*MainCF, error) {
	s := string(src)
	ls := splitLines(filename, s)
	m := &MainCF{
		Pos: ls.pos(0), EndPos: ls.pos(len(s)), Filename: filename,
		Comments: ls.comments, Problems: ls.problems,
	}
	for _, l := range ls.groups {
		e := &Entry{Pos: ls.pos(l.start()), EndPos: ls.pos(l.end(s)), Lines: ls.lines(l)}
		m.Entries = append(m.Entries, e)
		if l.dropped {
			e.Dropped = ls.logicalText(l)
			m.Problems = append(m.Problems, droppedProblem(ls.pos, s, l))
			continue
		}
		p, probs := parseParam(ls, l)
		m.Problems = append(m.Problems, probs...)
		if p == nil {
			e.Invalid = ls.logicalText(l)
			continue
		}
		for _, part := range l.parts[1:] {
			p.Continuations = append(p.Continuations, ls.line(part))
		}
		e.Param = p
	}
	return m, m.Err()
}

// cutNUL returns text up to the first NUL byte (Postfix's C strings end
// there) and a problem when there is one.
func cutNUL(ls *lineSet, l *logicalLine, what string) (string, *Problem) {
	i := strings.IndexByte(l.text, 0)
	if i < 0 {
		return l.text, nil
	}
	off := l.fileStart(i)
	return l.text[:i], &Problem{Pos: ls.pos(off), EndPos: ls.pos(off + 1),
		Msg: "NUL byte: " + what + " ignores the rest of the logical line"}
}

// assignment is the result of split_nameval() on a string: offsets into
// it. ok is false with msg set when there is no name or no '='.
type assignment struct {
	ok                 bool
	msg                string
	nameLo, nameHi, eq int
	valLo, valHi       int
}

// splitAssignmentFast computes exactly what splitAssignment (the
// participle grammar) computes, by hand: main.cf has one assignment per
// logical line and the grammar's reflection dominated the run time of a
// whole lint. TestSplitAssignmentFast and FuzzSplitAssignment hold the two
// to the same result.
func splitAssignmentFast(s string) assignment {
	a := assignment{eq: -1}
	isSpace := func(c byte) bool {
		return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
	}
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i == len(s) || s[i] == '=' {
		a.msg = "missing attribute name"
		return a
	}
	a.nameLo = i
	for i < len(s) && !isSpace(s[i]) && s[i] != '=' {
		i++
	}
	a.nameHi = i
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i == len(s) || s[i] != '=' {
		a.msg = "missing '=' after attribute name"
		return a
	}
	a.eq = i
	i++
	a.valLo, a.valHi = i, i
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i < len(s) {
		a.valLo = i
		a.valHi = i + trimSpaceRight(s[i:])
	}
	a.ok = true
	return a
}

// splitAssignment parses "name = value" with the assignment grammar.
func splitAssignment(s string) assignment {
	a := assignment{eq: -1}
	ast, err := assignParser().ParseString("", s)
	if err != nil || ast == nil {
		a.msg = fmt.Sprintf("internal error: %v", err)
		return a
	}
	if ast.Name == nil {
		a.msg = "missing attribute name"
		return a
	}
	a.nameLo, a.nameHi = ast.Name.Pos.Offset, ast.Name.EndPos.Offset
	if ast.Eq == nil {
		a.msg = "missing '=' after attribute name"
		return a
	}
	a.eq = ast.Eq.Pos.Offset
	a.valLo, a.valHi = ast.Eq.EndPos.Offset, ast.Eq.EndPos.Offset
	if v := ast.Value; v != nil {
		a.valLo = v.Pos.Offset
		a.valHi = a.valLo + trimSpaceRight(v.Text)
	}
	a.ok = true
	return a
}

// parseParam turns a logical line into a Param.
func parseParam(ls *lineSet, l *logicalLine) (*Param, []*Problem) {
	var probs []*Problem
	text, nul := cutNUL(ls, l, "Postfix")
	if nul != nil {
		probs = append(probs, nul)
	}
	a := splitAssignmentFast(text)
	if !a.ok {
		lo := 0
		if a.msg != "missing attribute name" {
			lo = a.nameLo
		}
		probs = append(probs, &Problem{Pos: ls.pos(l.fileStart(lo)), EndPos: ls.pos(l.end(ls.src)), Fatal: true,
			Msg: a.msg + ": " + quoteLine(strings.TrimRight(l.text, "\r"))})
		return nil, probs
	}
	p := &Param{
		Pos: ls.pos(l.start()), EndPos: ls.pos(l.end(ls.src)),
		Name:    text[a.nameLo:a.nameHi],
		NamePos: ls.pos(l.fileStart(a.nameLo)), NameEnd: ls.pos(l.fileEnd(a.nameHi)),
		RawValue: text[a.valLo:a.valHi],
	}
	if a.valLo == a.valHi {
		// Empty value: point just after the '='.
		off := l.fileEnd(a.eq + 1)
		p.ValuePos, p.ValueEnd = ls.pos(off), ls.pos(off)
	} else {
		p.ValuePos, p.ValueEnd = ls.pos(l.fileStart(a.valLo)), ls.pos(l.fileEnd(a.valHi))
	}
	p.Value, p.segs = normalizeValue(l, a.valLo, a.valHi)
	return p, probs
}

// isSeparator is the whitespace postconf collapses in its output
// (PCF_SEPARATORS " \t\r\n" in postconf.h): \v and \f are word characters.
func isSeparator(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// normalizeValue returns text[lo:hi] with separator runs collapsed to one
// space, and the byte-to-file mapping.
func normalizeValue(l *logicalLine, lo, hi int) (string, []segment) {
	text := l.text
	raw := text[lo:hi]
	var segs []segment
	add := func(val, from, to int) { // Value[val:...] = text[from:to]
		for from < to {
			f := l.fileStart(from)
			// Stay within the physical line that holds from.
			k := max(sort.Search(len(l.offs), func(k int) bool { return l.offs[k] > from })-1, 0)
			partEnd := l.offs[k] + (l.parts[k].end - l.parts[k].start)
			n := min(to, partEnd) - from
			if len(segs) > 0 {
				last := &segs[len(segs)-1]
				if last.val+last.n == val && last.file+last.n == f {
					last.n += n
					val, from = val+n, from+n
					continue
				}
			}
			segs = append(segs, segment{val: val, file: f, n: n})
			val, from = val+n, from+n
		}
	}
	simple := true
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; isSeparator(c) && (c != ' ' || (i+1 < len(raw) && isSeparator(raw[i+1]))) {
			simple = false
			break
		}
	}
	if simple {
		add(0, lo, hi)
		return raw, segs
	}
	var b strings.Builder
	for i := lo; i < hi; {
		if isSeparator(text[i]) {
			if b.Len() > 0 {
				add(b.Len(), i, i+1)
				b.WriteByte(' ')
			}
			for i < hi && isSeparator(text[i]) {
				i++
			}
			continue
		}
		j := i
		for j < hi && !isSeparator(text[j]) {
			j++
		}
		add(b.Len(), i, j)
		b.WriteString(text[i:j])
		i = j
	}
	return b.String(), segs
}
