package exim

import (
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// scanExpansion builds, by hand, the AST the expansion grammar
// (expand_grammar.go) builds, token for token: participle's reflection
// cost about 5 µs per byte, and a cPanel exim.conf holds ~100 KB of
// expansions. TestExpansionFastPath and FuzzParseExpansion hold both
// paths to the same Nodes; the token rules below are expandLexer's, in its
// order (the first rule that matches wins, as in the lexer's regexp).
func scanExpansion(s string) *xAST {
	sc := &xScanner{s: s}
	ast := &xAST{}
	for sc.i < len(s) {
		lo := sc.i
		switch {
		case sc.at("${"):
			it := sc.item()
			ast.Parts = append(ast.Parts, &xTopAST{Pos: pos(lo), EndPos: pos(sc.i), Item: it})
		case s[lo] == '{' || s[lo] == '}':
			b := s[lo : lo+1]
			sc.i++
			ast.Parts = append(ast.Parts, &xTopAST{Pos: pos(lo), EndPos: pos(sc.i), Brace: &b})
		default:
			t := sc.tok()
			ast.Parts = append(ast.Parts, &xTopAST{Pos: t.Pos, EndPos: t.EndPos, Tok: t})
		}
	}
	ast.EndPos = pos(len(s))
	return ast
}

func pos(off int) lexer.Position { return lexer.Position{Offset: off} }

type xScanner struct {
	s string
	i int
}

func (sc *xScanner) at(p string) bool {
	return len(sc.s)-sc.i >= len(p) && sc.s[sc.i:sc.i+len(p)] == p
}

// item reads "${" Inner* "}"?.
func (sc *xScanner) item() *xItemAST {
	lo := sc.i
	sc.i += 2
	it := &xItemAST{Pos: pos(lo), Open: "${"}
	it.Inner = sc.inner()
	if sc.i < len(sc.s) && sc.s[sc.i] == '}' {
		c := "}"
		it.Close = &c
		sc.i++
	}
	it.EndPos = pos(sc.i)
	return it
}

// group reads "{" Inner* "}"?.
func (sc *xScanner) group() *xGroupAST {
	lo := sc.i
	sc.i++
	g := &xGroupAST{Pos: pos(lo), Open: "{"}
	g.Inner = sc.inner()
	if sc.i < len(sc.s) && sc.s[sc.i] == '}' {
		c := "}"
		g.Close = &c
		sc.i++
	}
	g.EndPos = pos(sc.i)
	return g
}

// inner reads Inner* up to a "}" or the end.
func (sc *xScanner) inner() []*xInnerAST {
	var out []*xInnerAST
	for sc.i < len(sc.s) && sc.s[sc.i] != '}' {
		lo := sc.i
		switch {
		case sc.at("${"):
			it := sc.item()
			out = append(out, &xInnerAST{Pos: pos(lo), EndPos: pos(sc.i), Item: it})
		case sc.s[lo] == '{':
			g := sc.group()
			out = append(out, &xInnerAST{Pos: pos(lo), EndPos: pos(sc.i), Group: g})
		default:
			t := sc.tok()
			out = append(out, &xInnerAST{Pos: t.Pos, EndPos: t.EndPos, Tok: t})
		}
	}
	return out
}

// reSpace is Go regexp's \s ([\t\n\f\r ]); the Space rule adds \v.
func reSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

func isOctal(c byte) bool { return '0' <= c && c <= '7' }

// tok reads one token that is not "${", "{" or "}".
func (sc *xScanner) tok() *xTokAST {
	s, lo := sc.s, sc.i
	str := func(hi int) *string { v := s[lo:hi]; sc.i = hi; return &v }
	t := &xTokAST{Pos: pos(lo)}
	switch c := s[lo]; {
	case c == '\\' && lo+1 < len(s) && s[lo+1] == 'N':
		// Protected: \N up to the next \N or the end.
		hi := len(s)
		for k := lo + 2; k+1 < len(s); k++ {
			if s[k] == '\\' && s[k+1] == 'N' {
				hi = k + 2
				break
			}
		}
		t.Protected = str(hi)
	case c == '\\':
		hi := lo + 1
		switch {
		case hi >= len(s):
		case s[hi] == 'x' && hi+1 < len(s) && isHexByte(s[hi+1]):
			hi += 2
			if hi < len(s) && isHexByte(s[hi]) {
				hi++
			}
		case isOctal(s[hi]):
			hi++
			for n := 1; n < 3 && hi < len(s) && isOctal(s[hi]); n++ {
				hi++
			}
		default:
			_, w := utf8.DecodeRuneInString(s[hi:])
			hi += w
		}
		t.Escape = str(hi)
	case c == '$':
		if hi := headerVarEnd(s, lo); hi > 0 {
			t.HeaderVar = str(hi)
			break
		}
		hi := lo + 1
		for hi < len(s) && isNameByte(s[hi]) {
			hi++
		}
		if hi > lo+1 {
			t.Var = str(hi)
		} else {
			t.Dollar = str(lo + 1)
		}
	case subSpace(c):
		hi := lo
		for hi < len(s) && subSpace(s[hi]) {
			hi++
		}
		t.Space = str(hi)
	default:
		hi := lo
		for hi < len(s) {
			b := s[hi]
			if b == '\\' || b == '$' || b == '{' || b == '}' || reSpace(b) {
				break
			}
			hi++
		}
		t.Word = str(hi)
	}
	t.EndPos = pos(sc.i)
	return t
}

func isHexByte(c byte) bool { return subIsHex(c) }

// headerVarEnd matches \$(?:[blr]?h|[blr]?header)_[^\s:{}$\\]*:? at lo and
// returns the end, or 0.
func headerVarEnd(s string, lo int) int {
	k := lo + 1
	if k < len(s) && (s[k] == 'b' || s[k] == 'l' || s[k] == 'r') {
		k++
	}
	var after int
	switch {
	case len(s)-k >= 7 && s[k:k+7] == "header_":
		after = k + 7
	case len(s)-k >= 2 && s[k:k+2] == "h_":
		after = k + 2
	default:
		return 0
	}
	for after < len(s) {
		b := s[after]
		if reSpace(b) || b == ':' || b == '{' || b == '}' || b == '$' || b == '\\' {
			break
		}
		after++
	}
	if after < len(s) && s[after] == ':' {
		after++
	}
	return after
}
