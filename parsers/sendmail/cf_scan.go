package sendmail

import (
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// scanCFAST builds the cfFileAST that cfParser builds, without a regexp
// per line (TestCFScannerMatchesGrammar and FuzzParseCF compare them).
// Every token starts at the beginning of a line; the rules, in cfLexer's
// order: Comment `#[^\n]*\n?`, Blank `[ \t\r]*\n|[ \t\r]+$`, Cont
// `[ \t][^\n]*\n?`, Line `[^\n]+\n?`.
func scanCFAST(name, src string) *cfFileAST {
	const (
		comment = iota
		blank
		cont
		line
		eof
	)
	pos := lexer.Position{Filename: name, Line: 1, Column: 1}
	next := func() (int, string, lexer.Position) {
		s := src[pos.Offset:]
		if s == "" {
			return eof, "", pos
		}
		n := strings.IndexByte(s, '\n') + 1
		if n == 0 {
			n = len(s)
		}
		text := s[:n]
		typ := line
		switch {
		case s[0] == '#':
			typ = comment
		case strings.Trim(text, " \t\r\n") == "":
			typ = blank
		case s[0] == ' ' || s[0] == '\t':
			typ = cont
		}
		p := pos
		pos.Advance(text)
		return typ, text, p
	}
	f := &cfFileAST{Pos: pos}
	typ, text, p := next()
	var prev lexer.Position
	for typ != eof {
		it := &cfItemAST{Pos: p}
		switch typ {
		case comment:
			it.Comment = strp(text)
		case blank:
			it.Blank = strp(text)
		case cont:
			it.Orphan = strp(text)
		case line:
			g := &cfGroupAST{Pos: p, First: text}
			prev = pos
			typ, text, p = next()
			for typ == cont {
				g.Tail = append(g.Tail, text)
				prev = pos
				typ, text, p = next()
			}
			g.EndPos = prev
			it.Group = g
			it.EndPos = prev
			f.Items = append(f.Items, it)
			continue
		}
		prev = pos
		it.EndPos = prev
		f.Items = append(f.Items, it)
		typ, text, p = next()
	}
	f.EndPos = prev
	if len(f.Items) == 0 {
		f.EndPos = f.Pos
	}
	return f
}
