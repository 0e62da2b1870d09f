package postfix

import (
	"fmt"
	"sort"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// lineIndex turns byte offsets into positions with byte columns.
type lineIndex struct {
	filename string
	starts   []int // offset of the first byte of each line
}

func newLineIndex(filename, s string) *lineIndex {
	starts := make([]int, 1, strings.Count(s, "\n")+1)
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		starts = append(starts, i)
	}
	return &lineIndex{filename: filename, starts: starts}
}

func (x *lineIndex) pos(off int) lexer.Position {
	line := sort.SearchInts(x.starts, off+1) // lines starting at or before off
	if line < 1 {
		line = 1
	}
	return lexer.Position{Filename: x.filename, Offset: off, Line: line, Column: off - x.starts[line-1] + 1}
}

// isSpace is C isspace() in the C locale.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// span is a physical line [start, end): end excludes the newline but
// includes a CR before it (Postfix treats the CR as whitespace).
type span struct{ start, end, line int }

// textEnd is the end of the line without a trailing CR.
func (s span) textEnd(src string) int {
	if s.end > s.start && src[s.end-1] == '\r' {
		return s.end - 1
	}
	return s.end
}

// logicalLine is one logical line: its content lines (not the comment and
// blank lines inside it) joined as readllines() joins them, verbatim and
// without the newlines.
type logicalLine struct {
	text    string
	parts   []span
	offs    []int // offset in text where each part starts
	dropped bool  // starts with whitespace
}

func newLogical(src string, parts []span, dropped bool) *logicalLine {
	l := &logicalLine{parts: parts, dropped: dropped, offs: make([]int, len(parts))}
	if len(parts) == 1 {
		l.text = src[parts[0].start:parts[0].end]
		return l
	}
	var b strings.Builder
	for i, p := range parts {
		l.offs[i] = b.Len()
		b.WriteString(src[p.start:p.end])
	}
	l.text = b.String()
	return l
}

// fileStart maps the offset of a byte of text (or len(text)) to the file.
func (l *logicalLine) fileStart(i int) int {
	k := sort.Search(len(l.offs), func(k int) bool { return l.offs[k] > i }) - 1
	if k < 0 {
		k = 0
	}
	return l.parts[k].start + i - l.offs[k]
}

// fileEnd maps an exclusive end offset in text to the file: an end at a
// part boundary belongs to the part before it.
func (l *logicalLine) fileEnd(i int) int {
	k := sort.Search(len(l.offs), func(k int) bool { return l.offs[k] >= i }) - 1
	if k < 0 {
		k = 0
	}
	return l.parts[k].start + i - l.offs[k]
}

// start and end are the file offsets of the logical line (end without the
// CR and newline of its last content line).
func (l *logicalLine) start() int         { return l.parts[0].start }
func (l *logicalLine) end(src string) int { return l.parts[len(l.parts)-1].textEnd(src) }

// lineSet is a file split into logical lines.
type lineSet struct {
	src      string
	idx      *lineIndex
	groups   []*logicalLine
	comments []*Comment
	problems []*Problem
}

func (ls *lineSet) pos(off int) lexer.Position { return ls.idx.pos(off) }

// line returns the physical line s as a Line.
func (ls *lineSet) line(s span) *Line {
	e := s.textEnd(ls.src)
	return &Line{Pos: ls.pos(s.start), EndPos: ls.pos(e), Text: ls.src[s.start:e]}
}

// lines returns the content lines of l.
func (ls *lineSet) lines(l *logicalLine) []*Line {
	out := make([]*Line, len(l.parts))
	for i, p := range l.parts {
		out[i] = ls.line(p)
	}
	return out
}

// logicalText is l as a Line: Text is the joined logical line.
func (ls *lineSet) logicalText(l *logicalLine) *Line {
	return &Line{Pos: ls.pos(l.start()), EndPos: ls.pos(l.end(ls.src)), Text: strings.TrimRight(l.text, "\r")}
}

// splitLines reads src as layer-1 lines (the grammar, via lineFileFast).
func splitLines(filename, src string) *lineSet {
	ls := &lineSet{src: src, idx: newLineIndex(filename, src)}
	ast := lineFileFast(filename, src)
	var (
		pending []*Comment // comments waiting for their Next line
		parts   []span
	)
	content := func(tok string, off int) span {
		s := ls.physical(tok, off)
		for _, c := range pending {
			c.Next = s.line
		}
		pending = pending[:0]
		return s
	}
	aux := func(tok string, off int) {
		s := ls.physical(tok, off)
		if c := ls.comment(s); c != nil {
			ls.comments = append(ls.comments, c)
			pending = append(pending, c)
		}
	}
	tail := func(ts []*tailLineAST) {
		for _, t := range ts {
			if t.Cont != nil {
				parts = append(parts, content(*t.Cont, t.Pos.Offset))
			} else {
				aux(*t.Aux, t.Pos.Offset)
			}
		}
	}
	for _, a := range ast.Head {
		aux(a.Text, a.Pos.Offset)
	}
	if d := ast.Dropped; d != nil {
		parts = []span{content(d.First, d.Pos.Offset)}
		tail(d.Tail)
		ls.groups = append(ls.groups, newLogical(src, parts, true))
	}
	for _, g := range ast.Groups {
		parts = []span{content(g.First, g.Pos.Offset)}
		tail(g.Tail)
		ls.groups = append(ls.groups, newLogical(src, parts, false))
	}
	return ls
}

// lineFileFast builds the lineFileAST that lineParser (the layer-1
// grammar) builds, straight from the tokens: the grammar's reflection cost
// more than everything else in linting a commented main.cf. The grammar
// stays the definition; TestLineFileFast and FuzzLineFile compare the two.
func lineFileFast(filename, src string) *lineFileAST {
	lx := &lineLex{src: src, pos: lexer.Position{Filename: filename, Line: 1, Column: 1}}
	ast := &lineFileAST{}
	var tail *[]*tailLineAST
	for {
		tok, _ := lx.Next()
		switch tok.Type {
		case lexer.EOF:
			return ast
		case tokBlank, tokComment:
			v := tok.Value
			if tail == nil {
				ast.Head = append(ast.Head, &auxLineAST{Pos: tok.Pos, Text: v})
			} else {
				*tail = append(*tail, &tailLineAST{Pos: tok.Pos, Aux: &v})
			}
		case tokCont:
			v := tok.Value
			if tail == nil {
				ast.Dropped = &droppedGroupAST{Pos: tok.Pos, First: v}
				tail = &ast.Dropped.Tail
			} else {
				*tail = append(*tail, &tailLineAST{Pos: tok.Pos, Cont: &v})
			}
		case tokStart:
			g := &groupAST{Pos: tok.Pos, First: tok.Value}
			ast.Groups = append(ast.Groups, g)
			tail = &g.Tail
		}
	}
}

// physical returns the span of the line token tok at offset off.
func (ls *lineSet) physical(tok string, off int) span {
	end := off + len(tok)
	if strings.HasSuffix(tok, "\n") {
		end--
	}
	return span{start: off, end: end, line: ls.pos(off).Line}
}

// comment returns the Comment of a comment line, nil for a blank line.
func (ls *lineSet) comment(s span) *Comment {
	return commentAt(ls.src, s, ls.pos)
}

// commentAt is shared with the table scanner.
func commentAt(src string, s span, pos func(int) lexer.Position) *Comment {
	i := s.start
	for i < s.end && isSpace(src[i]) {
		i++
	}
	if i == s.end || src[i] != '#' {
		return nil
	}
	e := s.textEnd(src)
	return &Comment{Pos: pos(i), EndPos: pos(e), Text: src[i+1 : e]}
}

// quoteLine formats a logical line the way Postfix quotes it in warnings.
func quoteLine(s string) string {
	if len(s) > 30 {
		return fmt.Sprintf("%q...", s[:30])
	}
	return fmt.Sprintf("%q", s)
}

const msgIndented = "logical line must not start with whitespace"

// droppedProblem is the warning for a logical line that starts with
// whitespace (the first logical line of the file).
func droppedProblem(pos func(int) lexer.Position, src string, l *logicalLine) *Problem {
	return &Problem{Pos: pos(l.start()), EndPos: pos(l.end(src)),
		Msg: msgIndented + ": " + quoteLine(l.text) + " (Postfix ignores it)"}
}
