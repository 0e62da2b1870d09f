package postfix

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// ParseTable parses a lookup-table source (postmap input) in one pass over
// the bytes. It returns the same Table as ParseTableGrammar (see table.go
// for what postmap does with each line) but fast enough for tables with
// millions of entries: src is converted to a string once and the keys and
// values of one-line entries are substrings of it.
//
// postmap has no fatal errors for a table source (it warns and skips bad
// lines), so the error is nil unless something Postfix would refuse is
// added later; every problem is in Table.Problems.
func ParseTable(filename string, src []byte) (*Table, error) {
	return ParseTableString(filename, string(src))
}

// ParseTableString is ParseTable for a source already held as a string:
// keys and values are substrings of src, so a caller that owns an
// immutable buffer saves the copy (76 MB for a million credentials).
func ParseTableString(filename, src string) (*Table, error) {
	sc := &tableScanner{src: src, file: filename}
	return sc.run(), nil
}

type tableScanner struct {
	src     string
	file    string
	t       *Table
	pending []*Comment // comments waiting for their Next line
}

// keyByte marks the bytes a key is made of on the fast path: printable
// ASCII except the quote and the backslash.
var keyByte = func() (t [256]bool) {
	for c := 0x21; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func (sc *tableScanner) run() *Table {
	s := sc.src
	n := len(s)
	newlines := strings.Count(s, "\n")
	t := &Table{Filename: sc.file, index: &tableIndex{}}
	sc.t = t
	t.Pos = lexer.Position{Filename: sc.file, Offset: 0, Line: 1, Column: 1}
	lastStart := strings.LastIndexByte(s, '\n') + 1
	t.EndPos = lexer.Position{Filename: sc.file, Offset: n, Line: newlines + 1, Column: n - lastStart + 1}
	t.Entries = make([]TableEntry, 0, newlines+1)

	off, line := 0, 1
	for off < n {
		end := strings.IndexByte(s[off:], '\n')
		next := n
		if end < 0 {
			end = n
		} else {
			end += off
			next = end + 1
		}
		c := s[off]
		if !isSpace(c) && c != '#' {
			sc.content(line)
			if next >= n || (!isSpace(s[next]) && s[next] != '#') {
				sc.single(off, end, line)
				off, line = next, line+1
				continue
			}
			off, line = sc.gather(off, end, line, false)
			continue
		}
		switch sc.classify(off, end) {
		case kindBlank:
		case kindComment:
			sc.comment(off, end, line)
		default:
			// Indented text before the first logical line (a continuation
			// line anywhere else belongs to the entry before it).
			sc.content(line)
			off, line = sc.gather(off, end, line, true)
			continue
		}
		off, line = next, line+1
	}
	if len(t.Entries) == 0 {
		t.Entries = nil
	}
	return t
}

type lineKind uint8

const (
	kindBlank lineKind = iota
	kindComment
	kindCont
)

// classify tells a line that starts with whitespace or '#' apart.
func (sc *tableScanner) classify(off, end int) lineKind {
	i := off
	for i < end && isSpace(sc.src[i]) {
		i++
	}
	switch {
	case i == end:
		return kindBlank
	case sc.src[i] == '#':
		return kindComment
	}
	return kindCont
}

// content records that line is a content line: it is the Next of the
// comments before it.
func (sc *tableScanner) content(line int) {
	for _, c := range sc.pending {
		c.Next = line
	}
	sc.pending = sc.pending[:0]
}

func (sc *tableScanner) comment(off, end, line int) {
	pos := func(o int) lexer.Position {
		return lexer.Position{Filename: sc.file, Offset: o, Line: line, Column: o - off + 1}
	}
	if c := commentAt(sc.src, span{start: off, end: end, line: line}, pos); c != nil {
		sc.t.Comments = append(sc.t.Comments, c)
		sc.pending = append(sc.pending, c)
	}
}

// gather reads a logical line that has (or may have) continuation lines,
// starting with the content line [off, end), and returns where the next
// logical line starts.
func (sc *tableScanner) gather(off, end, line int, dropped bool) (int, int) {
	s := sc.src
	n := len(s)
	parts := []span{{start: off, end: end, line: line}}
	o, ln := n, line+1
	if end < n {
		o = end + 1
	}
	for o < n {
		e := strings.IndexByte(s[o:], '\n')
		next := n
		if e < 0 {
			e = n
		} else {
			e += o
			next = e + 1
		}
		if c := s[o]; !isSpace(c) && c != '#' {
			break
		}
		switch sc.classify(o, e) {
		case kindComment:
			sc.comment(o, e, ln)
		case kindCont:
			sc.content(ln)
			parts = append(parts, span{start: o, end: e, line: ln})
		}
		o, ln = next, ln+1
	}
	l := newLogical(s, parts, dropped)
	if dropped {
		sc.t.Indented = true
		sc.t.Problems = append(sc.t.Problems, droppedProblem(sc.posFunc(l), s, l))
	} else {
		sc.entry(l)
	}
	return o, ln
}

// posFunc returns the position function for offsets inside l's lines.
func (sc *tableScanner) posFunc(l *logicalLine) func(int) lexer.Position {
	return func(o int) lexer.Position {
		k := max(sort.Search(len(l.parts), func(k int) bool { return l.parts[k].start > o })-1, 0)
		p := l.parts[k]
		return lexer.Position{Filename: sc.file, Offset: o, Line: p.line, Column: o - p.start + 1}
	}
}

// single handles a one-line logical line [off, end): the common case, with
// no allocation for a plain "key value" line.
func (sc *tableScanner) single(off, end, line int) {
	s := sc.src
	i := off
	for i < end && keyByte[s[i]] {
		i++
	}
	if i == end || (s[i] != ' ' && s[i] != '\t') || s[i-1] == ':' {
		sc.entry(newLogical(s, []span{{start: off, end: end, line: line}}, false))
		return
	}
	keyEnd := i
	for i < end && isSpace(s[i]) {
		i++
	}
	vlo := i
	if !plainASCII(s[vlo:end]) {
		sc.entry(newLogical(s, []span{{start: off, end: end, line: line}}, false))
		return
	}
	vhi := end
	for vhi > vlo && isSpace(s[vhi-1]) {
		vhi--
	}
	if vhi == vlo {
		sc.entry(newLogical(s, []span{{start: off, end: end, line: line}}, false))
		return
	}
	te := end
	if te > off && s[te-1] == '\r' {
		te--
	}
	// Fill the entry in place: Entries has room for every line.
	es := sc.t.Entries
	if len(es) == cap(es) {
		es = append(es, TableEntry{})
	} else {
		es = es[:len(es)+1]
	}
	e := &es[len(es)-1]
	e.Pos = lexer.Position{Filename: sc.file, Offset: off, Line: line, Column: 1}
	e.EndPos = lexer.Position{Filename: sc.file, Offset: te, Line: line, Column: te - off + 1}
	e.Key, e.Value = s[off:keyEnd], s[vlo:vhi]
	e.KeyOffset, e.ValueOffset, e.ValueEnd = off, vlo, vhi
	sc.t.Entries = es
}

// plainASCII reports whether s has no NUL byte and no byte >= 0x80,
// eight bytes at a time.
func plainASCII(s string) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		// A byte >= 0x80, or a zero byte ((x-lo) &^ x sets its high bit).
		if (x|((x-lo)&^x))&hi != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c == 0 || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// entry is the general case: postmap's steps on a joined logical line,
// written out by hand (ParseTableGrammar does the same with grammars).
func (sc *tableScanner) entry(l *logicalLine) {
	t := sc.t
	pos := sc.posFunc(l)
	whole := func(msg string) {
		t.Problems = append(t.Problems, &Problem{Pos: pos(l.start()), EndPos: pos(l.end(sc.src)), Msg: msg})
	}
	if !asciiC(l.text) && !utf8.ValidString(l.text) {
		whole(msgNonUTF8)
		return
	}
	text := l.text
	if i := strings.IndexByte(text, 0); i >= 0 {
		o := l.fileStart(i)
		t.Problems = append(t.Problems, &Problem{Pos: pos(o), EndPos: pos(o + 1), Msg: msgNULTable})
		text = text[:i]
	}
	// The key loop of postmap.c.
	i, inQuotes := 0, false
	for i < len(text) {
		c := text[i]
		if c == '\\' {
			if i+1 >= len(text) {
				i = len(text)
				break
			}
			i += 2
			continue
		}
		if isSpace(c) {
			if !inQuotes {
				break
			}
		} else if c == '"' {
			inQuotes = !inQuotes
		}
		i++
	}
	if inQuotes {
		whole(msgUnbalanced)
		return
	}
	keyEnd := i
	vlo := keyEnd
	for vlo < len(text) && isSpace(text[vlo]) {
		vlo++
	}
	vhi := max(trimSpaceRight(text), vlo)
	if keyEnd == 0 || vhi == vlo {
		whole(msgFormat)
		return
	}
	key := text[:keyEnd]
	if key[len(key)-1] == ':' {
		t.Problems = append(t.Problems, &Problem{Pos: pos(l.fileStart(0)), EndPos: pos(l.fileEnd(keyEnd)), Msg: msgAliasFormat})
	}
	t.Entries = append(t.Entries, TableEntry{
		Pos: pos(l.start()), EndPos: pos(l.end(sc.src)),
		Key: key, Value: text[vlo:vhi],
		KeyOffset: l.fileStart(0), ValueOffset: l.fileStart(vlo), ValueEnd: l.fileEnd(vhi),
		Continued: len(l.parts) > 1,
	})
}
