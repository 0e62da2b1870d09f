package postfix

import (
	"reflect"
	"strings"
	"testing"
)

func mapLookup(m map[string]string) func(string) (string, bool) {
	return func(n string) (string, bool) { v, ok := m[n]; return v, ok }
}

// TestExpand uses values checked with `postconf -x` (Postfix 3.7.11):
// a = 5, e = "", b = $a$a, r1 = $r2, r2 = $r1.
func TestExpand(t *testing.T) {
	vals := map[string]string{"a": "5", "e": "", "b": "$a$a", "r1": "$r2", "r2": "$r1", "config_directory": "/etc/postfix"}
	tests := []struct {
		in, want string
		undef    []string
		err      string
	}{
		{in: "plain text", want: "plain text"},
		{in: "$a", want: "5"},
		{in: "${a}", want: "5"},
		{in: "$(a)b", want: "5b"},
		{in: "${config_directory}/sasl_passwd", want: "/etc/postfix/sasl_passwd"},
		{in: "$b", want: "55"},
		{in: "$$a $a$$", want: "$a 5$"},
		{in: "$$$a", want: "$5"},
		{in: "$undef x", want: " x", undef: []string{"undef"}},
		{in: "${a?{x}:{y}}", want: "x"},
		{in: "${e?{x}:{y}}", want: "y"},
		{in: "${undef?{x}:{y}}", want: "y", undef: []string{"undef"}},
		{in: "${a:{x}}", want: ""},
		{in: "${e:{$a}}", want: "5"},
		{in: "${undef?yes}${undef:no}", want: "no", undef: []string{"undef"}},
		{in: "${a?x:y}", want: "x:y"},
		{in: "${a?$b}", want: "55"},
		{in: "${a?  {x}  }", want: "x"},
		{in: "${a ?x}", want: "x"},
		{in: "${ a }", want: "5"},
		{in: "${a?{x}:y}", want: "x"},
		{in: "${a?x}{y}", want: "x{y}"},
		{in: "$(a?(x))", want: "(x)"},
		{in: "${{$a} == {5} ? {eq} : {ne}}", want: "eq"},
		{in: "${{$a}!={5}?{ne}:{eq}}", want: "eq"},
		{in: "${{$a} < {10} ? {lt} : {ge}}", want: "lt"}, // numeric
		{in: "${{a}<{b}?{y}:{n}}", want: "y"},            // string
		{in: "${{$a} <level {3.6} ? {lt} : {ge}}", want: "ge"},
		{in: "${{3.6} <=level {3.10} ? {le} : {gt}}", want: "le"},
		{in: "${{x} == {x}}", want: "true"},
		{in: "${{a}=={b}}z", want: "z"},
		{in: "${{a} == {a} : {$b}}", want: ""},
		{in: "${{a} == {a} ? {$b}}", want: "55"},
		{in: "${a", err: "truncated macro reference"},
		{in: "$a-$(a}", want: "5-", err: "truncated macro reference"},
		{in: "${a?{x}", err: "truncated macro reference"},
		{in: "x$", want: "x", err: "empty macro name"},
		{in: "${}", err: "empty macro name"},
		{in: "${a-b}", err: "attribute name syntax error"},
		{in: "${a b}", err: "attribute name syntax error"},
		{in: "${a?{x}:{y}z}", err: "unexpected input"},
		{in: "${a?{x}y}", err: `":" expected`},
		{in: "${{a} == {b} x}", err: `"?" or ":" expected`},
		{in: "${{a}}", err: `"==" or "!="`},
		{in: "${{a} =~ {b}}", err: `"==" or "!="`},
		{in: "${{a} ==foo {b}}", err: "bad operator suffix"},
		{in: "${{a} == }", err: `"{expression}" expected`},
		{in: "$({a} == {b)", err: "unbalanced {}"},
		{in: "${{x} ==level {3}}", err: "malformed compatibility level"},
		{in: "$r1", err: "unreasonable macro call nesting"},
		{in: "before $r1 after", want: "before ", err: "unreasonable macro call nesting"},
		{in: "a\x00$a", want: "a"}, // C string
	}
	for _, tc := range tests {
		got, undef, err := ExpandErr(tc.in, mapLookup(vals), 0)
		if got != tc.want || !reflect.DeepEqual(undef, tc.undef) {
			t.Errorf("Expand(%q) = %q %q, want %q %q", tc.in, got, undef, tc.want, tc.undef)
		}
		if (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("Expand(%q) error = %v, want %q", tc.in, err, tc.err)
		}
		if g2, u2 := Expand(tc.in, mapLookup(vals), 0); g2 != got || !reflect.DeepEqual(u2, undef) {
			t.Errorf("Expand and ExpandErr differ on %q", tc.in)
		}
		_, perr := ParseExpr(tc.in)
		if tc.err != "" && perr == nil && !strings.Contains(tc.err, "nesting") && !strings.Contains(tc.err, "compatibility") {
			t.Errorf("ParseExpr(%q): no error, want %q", tc.in, tc.err)
		}
	}
}

func TestExpandBounded(t *testing.T) {
	// b = $a$a, c = $b$b, ...: 2^40 copies without the output limit.
	vals := map[string]string{"v0": "xxxxxxxx"}
	for i := 1; i <= 40; i++ {
		p := "v" + itoa(i-1)
		vals["v"+itoa(i)] = "$" + p + "$" + p
	}
	out, _, err := ExpandErr("$v40", mapLookup(vals), 0)
	if err == nil || len(out) > maxExpandOutput {
		t.Errorf("len %d, err %v", len(out), err)
	}
	// A self-reference through a relation operand also stops.
	vals = map[string]string{"a": "${{$a} == {x}}"}
	if _, _, err := ExpandErr("$a", mapLookup(vals), 0); err == nil {
		t.Error("no error for a = ${{$a} == {x}}")
	}
	// maxDepth bounds the chain.
	vals = map[string]string{"a1": "$a2", "a2": "$a3", "a3": "$a4", "a4": "end"}
	if out, _, err := ExpandErr("$a1", mapLookup(vals), 3); err == nil || out != "" {
		t.Errorf("depth 3: %q %v", out, err)
	}
	if out, _, err := ExpandErr("$a1", mapLookup(vals), 0); err != nil || out != "end" {
		t.Errorf("depth 100: %q %v", out, err)
	}
	if out, undef := Expand("$x", nil, 0); out != "" || len(undef) != 1 {
		t.Errorf("nil lookup: %q %q", out, undef)
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

func TestParseExprAST(t *testing.T) {
	s := "x ${a?{$b}:c} $$ $(d) ${{$e} <level {3.6}}"
	e, err := ParseExpr(s)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []PartKind
	for _, p := range e.Parts {
		kinds = append(kinds, p.Kind)
	}
	want := []PartKind{PartText, PartRef, PartText, PartDollar, PartText, PartRef, PartText, PartRelation}
	if !reflect.DeepEqual(kinds, want) {
		t.Fatalf("kinds = %v, want %v", kinds, want)
	}
	a := e.Parts[1]
	if a.Name != "a" || a.Form != FormBraces || s[a.Pos.Offset:a.EndPos.Offset] != "${a?{$b}:c}" || s[a.NamePos.Offset:a.NameEnd.Offset] != "a" {
		t.Errorf("ref a = %+v", a)
	}
	if a.IfSet == nil || len(a.IfSet.Parts) != 1 || a.IfSet.Parts[0].Name != "b" || a.IfUnset == nil || a.IfUnset.Parts[0].Text != "c" {
		t.Errorf("operands %+v %+v", a.IfSet, a.IfUnset)
	}
	if d := e.Parts[5]; d.Form != FormParens || d.Name != "d" {
		t.Errorf("ref d = %+v", d)
	}
	r := e.Parts[7]
	if r.Op != "<level" || r.Left.Parts[0].Name != "e" || r.Right.Parts[0].Text != "3.6" {
		t.Errorf("relation %+v", r)
	}
	_, err = ParseExpr("ok\n${a")
	if ee, ok := err.(*ExprError); !ok || ee.Pos.Line != 2 || ee.Pos.Column != 1 || err.Error() != `2:1: truncated macro reference: "${a"` {
		t.Errorf("error = %v", err)
	}
	if _, err := ParseExpr(strings.Repeat("${a?", 10000)); err == nil {
		t.Error("deep nesting accepted")
	}
}

func TestRefs(t *testing.T) {
	s := "x $a ${b?{$c}:$d} $(e) ${{$f}=={g}} $$h ${?z}"
	got := Refs(s)
	want := []Ref{
		{Name: "a", Offset: 2, End: 4, NameOffset: 3},
		{Name: "b", Offset: 5, End: 17, NameOffset: 7},
		{Name: "c", Offset: 10, End: 12, NameOffset: 11, Conditional: true},
		{Name: "d", Offset: 14, End: 16, NameOffset: 15, Conditional: true},
		{Name: "e", Offset: 18, End: 22, NameOffset: 20},
		{Name: "f", Offset: 26, End: 28, NameOffset: 27, Conditional: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Refs =\n%+v\nwant\n%+v", got, want)
	}
	for _, r := range got {
		if !strings.HasPrefix(s[r.NameOffset:], r.Name) {
			t.Errorf("ref %+v", r)
		}
	}
	if r := Refs("${a"); len(r) != 0 {
		t.Errorf("Refs of a truncated reference: %+v", r)
	}
}
