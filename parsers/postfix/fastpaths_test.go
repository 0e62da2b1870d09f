package postfix

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
)

// lexAll returns (symbol name, value, offset, line) for every token.
func lexAll(t testing.TB, def lexer.Definition, src string) []string {
	t.Helper()
	names := map[lexer.TokenType]string{}
	for n, tt := range def.Symbols() {
		names[tt] = n
	}
	lx, err := def.(lexer.StringDefinition).LexString("f", src)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for {
		tok, err := lx.Next()
		if err != nil {
			return append(out, "error: "+err.Error())
		}
		out = append(out, names[tok.Type]+"|"+tok.Value+"|"+strconv.Itoa(tok.Pos.Offset)+"|"+strconv.Itoa(tok.Pos.Line))
		if tok.Type == lexer.EOF {
			return out
		}
	}
}

func checkLineLexer(t testing.TB, src string) {
	t.Helper()
	got := lexAll(t, lineLexer, src)
	want := lexAll(t, lineLexerRules(), src)
	if len(got) != len(want) {
		t.Fatalf("%q: %d tokens, regexp lexer %d\n got  %q\n want %q", src, len(got), len(want), got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%q: token %d = %q, regexp lexer %q", src, i, got[i], want[i])
		}
	}
}

func TestLineLexerMatchesRegexpRules(t *testing.T) {
	for _, src := range []string{
		"", "\n", "a", "a\n", " \n", "  ", " x", "#c", "  #c\n", "a = b\n  c\n#x\n\n d\n", "\r\n", "\tx\r\n", "\v\f\n", "x\x00y\n",
		"relayhost = [h]:587 # c\n", "\n\n\n", "a\n \n", "   # \n",
	} {
		checkLineLexer(t, src)
	}
	files, _ := filepath.Glob("../../testdata/postfix/parser/*")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err == nil {
			checkLineLexer(t, string(b))
		}
	}
}

func FuzzLineLexer(f *testing.F) {
	f.Add("a = b\n c\n# x\n\n")
	f.Add(" \t\r\n#\n")
	f.Fuzz(func(t *testing.T, src string) { checkLineLexer(t, src) })
}

func checkSplitAssignment(t testing.TB, s string) {
	t.Helper()
	if got, want := splitAssignmentFast(s), splitAssignment(s); got != want {
		t.Fatalf("splitAssignmentFast(%q) = %+v, grammar says %+v", s, got, want)
	}
}

func TestSplitAssignmentFast(t *testing.T) {
	for _, s := range []string{
		"", " ", "=", " = x", "a", "a ", "a=", "a =", "a = ", "a=b", "a = b ", "a  =  b c \t", "a b = c", "a=b=c",
		"relayhost = [h]:587 # c", "a =\n x", "\ta = b", "a\v=\fb\r", "=x", "a x", "é = ü",
	} {
		checkSplitAssignment(t, s)
	}
}

func FuzzSplitAssignment(f *testing.F) {
	f.Add("relayhost = [smtp.example.com]:587")
	f.Add(" a =\tb \r")
	f.Fuzz(func(t *testing.T, s string) { checkSplitAssignment(t, s) })
}

// flattenLines renders the parts of a lineFileAST that splitLines reads.
func flattenLines(a *lineFileAST) string {
	var b strings.Builder
	tails := func(ts []*tailLineAST) {
		for _, t := range ts {
			if t.Cont != nil {
				fmt.Fprintf(&b, "  cont %d %q\n", t.Pos.Offset, *t.Cont)
			} else {
				fmt.Fprintf(&b, "  aux %d %q\n", t.Pos.Offset, *t.Aux)
			}
		}
	}
	for _, h := range a.Head {
		fmt.Fprintf(&b, "head %d %q\n", h.Pos.Offset, h.Text)
	}
	if d := a.Dropped; d != nil {
		fmt.Fprintf(&b, "dropped %d %q\n", d.Pos.Offset, d.First)
		tails(d.Tail)
	}
	for _, g := range a.Groups {
		fmt.Fprintf(&b, "group %d %q\n", g.Pos.Offset, g.First)
		tails(g.Tail)
	}
	return b.String()
}

func checkLineFile(t testing.TB, src string) {
	t.Helper()
	want, err := lineParser().ParseString("f", src)
	if err != nil {
		t.Fatalf("grammar: %v", err)
	}
	if got := flattenLines(lineFileFast("f", src)); got != flattenLines(want) {
		t.Fatalf("%q:\nfast:\n%s\ngrammar:\n%s", src, got, flattenLines(want))
	}
}

func TestLineFileFast(t *testing.T) {
	for _, src := range []string{"", "\n", "# c\n\n a\nb = 1\n  c\n# d\n\n  e\nf\n", " first\n# x\nsecond = 1", "x\n\n\n \n"} {
		checkLineFile(t, src)
	}
	files, _ := filepath.Glob("../../testdata/postfix/parser/*")
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil {
			checkLineFile(t, string(b))
		}
	}
}

func FuzzLineFile(f *testing.F) {
	f.Add("# c\n\n a\nb = 1\n  c\n")
	f.Fuzz(func(t *testing.T, src string) { checkLineFile(t, src) })
}

func checkMasterWords(t testing.TB, text string) {
	t.Helper()
	if braceDepth(text) > masterMaxNesting {
		return // parseService refuses these before splitting
	}
	want, err := masterWordsGrammar(text)
	if err != nil {
		t.Fatal(err)
	}
	got := masterWordsFast(text)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("masterWordsFast(%q) = %v, grammar %v", text, got, want)
	}
}

func TestMasterWordsFast(t *testing.T) {
	for _, s := range []string{
		"", "  ", "smtp inet n - y - - smtpd", "a {b c} d", "x -o { a = b } y", "}a{", "{unclosed group", "a}b {c {d} e} f",
		"\tsubmission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt", "{}", "a\r\nb",
	} {
		checkMasterWords(t, s)
	}
}

func FuzzMasterWords(f *testing.F) {
	f.Add("smtp unix - - y - - smtp -o { a = b c }")
	f.Fuzz(func(t *testing.T, s string) { checkMasterWords(t, s) })
}

func checkExprFastPath(t testing.TB, s string) {
	t.Helper()
	fast, ferr := ParseExpr(s)
	exprGrammarOnly = true
	slow, serr := ParseExpr(s)
	exprGrammarOnly = false
	if !reflect.DeepEqual(fast, slow) || fmt.Sprint(ferr) != fmt.Sprint(serr) {
		t.Fatalf("ParseExpr(%q): fast path and grammar differ\nfast %s (%v)\ngrammar %s (%v)", s, dumpExpr(fast), ferr, dumpExpr(slow), serr)
	}
}

func dumpExpr(e *Expr) string {
	if e == nil {
		return "<nil>"
	}
	var b strings.Builder
	for _, p := range e.Parts {
		fmt.Fprintf(&b, "[%d %d-%d %q %q form=%d name@%d-%d]", p.Kind, p.Pos.Offset, p.EndPos.Offset, p.Text, p.Name, p.Form, p.NamePos.Offset, p.NameEnd.Offset)
	}
	return b.String()
}

func TestExprFastPath(t *testing.T) {
	for _, s := range []string{
		"", "plain", "$a", "$a$b", "x $myhostname y", "${a}", "$(a)", "$$", "$$a", "a$$", "${config_directory}/sasl_passwd",
		"$", "a $", "${", "${}", "$()", "${a", "${a?b}", "${a:b}", "${ a }", "$-", "{x} (y) $a}", "${a}}", "$(a))", "$a.b",
		"hash:${config_directory}/x, $y", "é$a", "${{a} == {b}?x}", "\n$a\n${b}",
	} {
		checkExprFastPath(t, s)
	}
}

func FuzzExprFastPath(f *testing.F) {
	f.Add("hash:${config_directory}/x, $y $$ $(z)")
	f.Fuzz(func(t *testing.T, s string) { checkExprFastPath(t, s) })
}
