package postfix

import (
	"io"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// lineLexerDef is the layer-1 lexer: one token per physical line. It
// implements exactly the four rules
//
//	Blank   [ \t\v\f\r]*\n | [ \t\v\f\r]+$
//	Comment [ \t\v\f\r]*#[^\n]*\n?
//	Cont    [ \t\v\f\r][^\n]*\n?
//	Start   [^\n]+\n?
//
// tried in that order at the start of each line, as a participle
// lexer.MustSimple over them would, but without running a regular
// expression per line: on a 30 KB main.cf the regexp lexer took most of the
// run time. lexerRulesTest checks the two agree.
type lineLexerDef struct{}

const (
	tokBlank lexer.TokenType = -(iota + 2)
	tokComment
	tokCont
	tokStart
)

// Symbols builds its map on each call: participle calls it while package
// variables are being initialised, possibly before a package-level map.
func (lineLexerDef) Symbols() map[string]lexer.TokenType {
	return map[string]lexer.TokenType{
		"EOF": lexer.EOF, "Blank": tokBlank, "Comment": tokComment, "Cont": tokCont, "Start": tokStart,
	}
}

func (d lineLexerDef) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return d.LexString(filename, string(b))
}

func (lineLexerDef) LexString(filename, src string) (lexer.Lexer, error) {
	return &lineLex{src: src, pos: lexer.Position{Filename: filename, Line: 1, Column: 1}}, nil
}

type lineLex struct {
	src string
	pos lexer.Position
}

func isLineSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'
}

func (l *lineLex) Next() (lexer.Token, error) {
	off := l.pos.Offset
	if off >= len(l.src) {
		return lexer.Token{Type: lexer.EOF, Pos: l.pos}, nil
	}
	rest := l.src[off:]
	end := strings.IndexByte(rest, '\n')
	text := rest
	if end >= 0 {
		text = rest[:end+1]
	}
	body := strings.TrimSuffix(text, "\n")
	ws := 0
	for ws < len(body) && isLineSpace(body[ws]) {
		ws++
	}
	var typ lexer.TokenType
	switch {
	case ws == len(body) && (end >= 0 || ws > 0):
		typ = tokBlank
	case ws < len(body) && body[ws] == '#':
		typ = tokComment
	case ws > 0:
		typ = tokCont
	default:
		typ = tokStart
	}
	tok := lexer.Token{Type: typ, Value: text, Pos: l.pos}
	l.pos.Offset += len(text)
	if end >= 0 {
		l.pos.Line++
		l.pos.Column = 1
	} else {
		l.pos.Column += len(text)
	}
	return tok, nil
}
