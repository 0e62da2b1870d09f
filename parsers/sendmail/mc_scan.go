package sendmail

import (
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// The participle grammar of mcFileAST (grammar.go) is the specification
// of the .mc token structure, but participle spends about 15 µs per token
// on it (a 400 KB file took 3.5 s). ParseMC therefore builds the same
// mcFileAST with the hand-written lexer and recursive-descent parser
// below; TestMCScannerMatchesGrammar and FuzzParseMC check that both give
// identical trees (positions included).

// Token kinds of the hand lexer, named as the rules of mcLexer.
const (
	mtEOF = iota
	mtDnl
	mtCallOpen
	mtQOpen
	mtWord
	mtText
	mtArgText
	mtLParen
	mtRParen
	mtComma
	mtQClose
	mtQText
)

var mtNames = [...]string{"EOF", "Dnl", "CallOpen", "QOpen", "Word", "Text", "ArgText", "LParen", "RParen", "Comma", "QClose", "QText"}

// m4BuiltinSet holds the names of m4Builtins.
var m4BuiltinSet = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Split(m4Builtins, "|") {
		m[n] = true
	}
	return m
}()

const (
	stRoot = iota
	stArgs
	stQuote
)

type mcTok struct {
	typ int
	val string
	pos lexer.Position
}

// mcScanner implements the rules of mcLexer in the same order.
type mcScanner struct {
	src   string
	pos   lexer.Position
	stack []int
}

func newMCScanner(name, src string) *mcScanner {
	return &mcScanner{src: src, pos: lexer.Position{Filename: name, Line: 1, Column: 1}, stack: []int{stRoot}}
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdent(c byte) bool      { return isIdentStart(c) || c >= '0' && c <= '9' }

func (l *mcScanner) next() mcTok {
	s := l.src[l.pos.Offset:]
	if s == "" {
		return mcTok{typ: mtEOF, pos: l.pos}
	}
	state := l.stack[len(l.stack)-1]
	typ, n := 0, 0
	switch c := s[0]; {
	case state == stQuote:
		switch c {
		case '`':
			typ, n = mtQOpen, 1
			l.stack = append(l.stack, stQuote)
		case '\'':
			typ, n = mtQClose, 1
			l.stack = l.stack[:len(l.stack)-1]
		default:
			typ, n = mtQText, strings.IndexAny(s, "`'")
			if n < 0 {
				n = len(s)
			}
		}
	case strings.HasPrefix(s, "dnl") && (len(s) == 3 || !isIdent(s[3])):
		typ, n = mtDnl, strings.IndexByte(s, '\n')+1
		if n == 0 {
			n = len(s)
		}
	case isIdentStart(c):
		n = 1
		for n < len(s) && isIdent(s[n]) {
			n++
		}
		typ = mtWord
		if n < len(s) && s[n] == '(' && (m4BuiltinSet[s[:n]] || c >= 'A' && c <= 'Z') {
			typ, n = mtCallOpen, n+1
			l.stack = append(l.stack, stArgs)
		}
	case c == '`':
		typ, n = mtQOpen, 1
		l.stack = append(l.stack, stQuote)
	case state == stArgs && c == '(':
		typ, n = mtLParen, 1
		l.stack = append(l.stack, stArgs)
	case state == stArgs && c == ')':
		typ, n = mtRParen, 1
		l.stack = l.stack[:len(l.stack)-1]
	case state == stArgs && c == ',':
		typ, n = mtComma, 1
	default:
		stop := "`ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"
		typ = mtText
		if state == stArgs {
			stop += "(),"
			typ = mtArgText
		}
		n = strings.IndexAny(s, stop)
		if n < 0 {
			n = len(s)
		}
	}
	t := mcTok{typ: typ, val: s[:n], pos: l.pos}
	l.pos.Advance(t.val)
	return t
}

// mcParse is the recursive-descent parser for mcFileAST.
type mcParse struct {
	lex  *mcScanner
	tok  mcTok
	prev lexer.Position // end of the last consumed token
}

func (p *mcParse) advance() mcTok {
	t := p.tok
	p.prev = p.lex.pos
	p.tok = p.lex.next()
	return t
}

func scanMCAST(name, src string) *mcFileAST {
	p := &mcParse{lex: newMCScanner(name, src)}
	p.tok = p.lex.next()
	f := &mcFileAST{Pos: p.tok.pos}
	f.Nodes = p.nodes()
	f.EndPos = p.prev
	if len(f.Nodes) == 0 {
		f.EndPos = f.Pos
	}
	return f
}

func strp(s string) *string { return &s }

// nodes parses mcNodeAST* : it stops at a token no node starts with
// (RParen, QClose) or at EOF.
func (p *mcParse) nodes() []*mcNodeAST {
	var out []*mcNodeAST
	for {
		n := &mcNodeAST{Pos: p.tok.pos}
		switch p.tok.typ {
		case mtDnl:
			n.Dnl = strp(p.advance().val)
		case mtCallOpen:
			c := &mcCallAST{Pos: p.tok.pos}
			c.Open = p.advance().val
			c.Body = p.nodes()
			if p.tok.typ == mtRParen {
				c.Close = strp(p.advance().val)
			}
			c.EndPos = p.prev
			n.Call = c
		case mtQOpen:
			n.Quote = p.quote()
		case mtLParen:
			g := &mcGroupAST{Pos: p.tok.pos}
			g.Open = p.advance().val
			g.Body = p.nodes()
			if p.tok.typ == mtRParen {
				g.Close = strp(p.advance().val)
			}
			g.EndPos = p.prev
			n.Group = g
		case mtComma:
			n.Comma = strp(p.advance().val)
		case mtWord:
			n.Word = strp(p.advance().val)
		case mtText, mtArgText:
			n.Text = strp(p.advance().val)
		default:
			return out
		}
		n.EndPos = p.prev
		out = append(out, n)
	}
}

func (p *mcParse) quote() *mcQuoteAST {
	// Pos is read before advance(): Go does not order a field read
	// against a call in the same composite literal.
	q := &mcQuoteAST{Pos: p.tok.pos}
	q.Open = p.advance().val
	for {
		part := &mcQPartAST{Pos: p.tok.pos}
		switch p.tok.typ {
		case mtQText:
			part.Text = strp(p.advance().val)
		case mtQOpen:
			part.Quote = p.quote()
		default:
			if p.tok.typ == mtQClose {
				q.Close = strp(p.advance().val)
			}
			q.EndPos = p.prev
			return q
		}
		part.EndPos = p.prev
		q.Parts = append(q.Parts, part)
	}
}
