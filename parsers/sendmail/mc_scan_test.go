package sendmail

import (
	"reflect"
	"strings"
	"testing"
)

// grammarTokens lexes src with the participle lexer.
func grammarTokens(t testing.TB, src string) []mcTok {
	names := map[int]string{}
	for n, typ := range mcLexer().Symbols() {
		names[int(typ)] = n
	}
	l, err := mcLexer().LexString("f.mc", src)
	if err != nil {
		t.Fatal(err)
	}
	var out []mcTok
	for {
		tok, err := l.Next()
		if err != nil {
			t.Fatalf("lexer: %v", err)
		}
		typ := 0
		for i, n := range mtNames {
			if n == names[int(tok.Type)] {
				typ = i
			}
		}
		out = append(out, mcTok{typ: typ, val: tok.Value, pos: tok.Pos})
		if tok.EOF() {
			return out
		}
	}
}

func scannerTokens(src string) []mcTok {
	l := newMCScanner("f.mc", src)
	var out []mcTok
	for {
		t := l.next()
		out = append(out, t)
		if t.typ == mtEOF {
			return out
		}
	}
}

// compareMC checks that the hand lexer and parser agree with the
// participle lexer and grammar on src.
func compareMC(t testing.TB, src string) {
	if tooDeep(src) >= 0 {
		return
	}
	if a, b := scannerTokens(src), grammarTokens(t, src); !reflect.DeepEqual(a, b) {
		t.Fatalf("%q: tokens differ:\n scanner %+v\n grammar %+v", src, a, b)
	}
	ref, err := mcParser().ParseString("f.mc", src)
	if err != nil {
		t.Fatalf("%q: grammar: %v", src, err)
	}
	if got := scanMCAST("f.mc", src); !reflect.DeepEqual(got, ref) {
		t.Fatalf("%q: trees differ:\n scanner %s\n grammar %s", src, dumpAST(got), dumpAST(ref))
	}
}

func dumpAST(f *mcFileAST) string {
	var b strings.Builder
	var node func(n *mcNodeAST, d int)
	var quote func(q *mcQuoteAST, d int)
	quote = func(q *mcQuoteAST, d int) {
		b.WriteString(strings.Repeat(" ", d) + "quote " + q.Pos.String() + "-" + q.EndPos.String() + "\n")
		for _, p := range q.Parts {
			if p.Quote != nil {
				quote(p.Quote, d+1)
			}
		}
	}
	node = func(n *mcNodeAST, d int) {
		b.WriteString(strings.Repeat(" ", d) + n.Pos.String() + "-" + n.EndPos.String() + "\n")
		switch {
		case n.Call != nil:
			for _, c := range n.Call.Body {
				node(c, d+1)
			}
		case n.Group != nil:
			for _, c := range n.Group.Body {
				node(c, d+1)
			}
		case n.Quote != nil:
			quote(n.Quote, d+1)
		}
	}
	b.WriteString("file " + f.Pos.String() + "-" + f.EndPos.String() + "\n")
	for _, n := range f.Nodes {
		node(n, 1)
	}
	return b.String()
}

func TestMCScannerMatchesGrammar(t *testing.T) {
	for _, src := range []string{
		"", "x", "dnl", "dnl\n", "dnlx", "xdnl y\n", "9dnl\n", "define(`a', `b')dnl\n", "define(`a', (b, (c)))",
		"define(`a", "define(`a'", "FEATURE(", "foo(bar", "`a`b'c'", "`", "'", "# FEATURE(`x')\n", "A(`)')", "A(dnl x\n)",
		"define('SMART_HOST','[h]')\n", "‘x’ define(`SMART_HOST', ‘[h]’)\n", "\xff\xfe(", "a\r\nb", "X_1(a,b)c", "ifelse(a,(b),`c')",
		"define(`X', `FEATURE(`y')')\n", "divert(-1)\n# c\ndivert(0)dnl\n",
	} {
		compareMC(t, src)
	}
}
