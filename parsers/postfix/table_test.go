package postfix

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// parseBoth parses src with the scanner and the grammar and fails the test
// when the two Tables differ.
func parseBoth(t testing.TB, name string, src []byte) *Table {
	t.Helper()
	scan, err1 := ParseTable(name, src)
	gram, err2 := ParseTableGrammar(name, src)
	if (err1 == nil) != (err2 == nil) {
		t.Fatalf("%s: errors differ: scanner %v, grammar %v", name, err1, err2)
	}
	if !reflect.DeepEqual(scan, gram) {
		t.Fatalf("%s: scanner and grammar differ for %q\n%s", name, truncate(string(src)), tableDiff(scan, gram))
	}
	return scan
}

func truncate(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

// tableDiff describes the first difference of two Tables.
func tableDiff(a, b *Table) string {
	switch {
	case len(a.Entries) != len(b.Entries):
		return fmt.Sprintf("entries:\n%+v\n%+v", a.Entries, b.Entries)
	case len(a.Problems) != len(b.Problems):
		return fmt.Sprintf("problems:\n%v\n%v", a.Problems, b.Problems)
	case len(a.Comments) != len(b.Comments):
		return fmt.Sprintf("comments:\n%+v\n%+v", a.Comments, b.Comments)
	}
	for i := range a.Entries {
		if !reflect.DeepEqual(a.Entries[i], b.Entries[i]) {
			return fmt.Sprintf("entry %d:\n%+v\n%+v", i, a.Entries[i], b.Entries[i])
		}
	}
	for i := range a.Problems {
		if !reflect.DeepEqual(a.Problems[i], b.Problems[i]) {
			return fmt.Sprintf("problem %d:\n%+v\n%+v", i, *a.Problems[i], *b.Problems[i])
		}
	}
	for i := range a.Comments {
		if !reflect.DeepEqual(a.Comments[i], b.Comments[i]) {
			return fmt.Sprintf("comment %d:\n%+v\n%+v", i, *a.Comments[i], *b.Comments[i])
		}
	}
	return fmt.Sprintf("%+v\n%+v", a, b)
}

type kv struct{ Key, Value string }

func entriesOf(t *Table) []kv {
	out := []kv{}
	for _, e := range t.Entries {
		out = append(out, kv{e.Key, e.Value})
	}
	return out
}

// TestTableFacts covers the lookup-table facts of RULES.md 2.1 and the
// section-7 map inputs; expected results are postmap 3.7.11's.
func TestTableFacts(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		entries  []kv
		problems []string
		indented bool
	}{
		{name: "key whitespace value", in: "[smtp.x]:587 user:pass\n", entries: []kv{{"[smtp.x]:587", "user:pass"}}},
		{name: "tabs and trailing whitespace", in: "k\t \tv v  \t\r\n", entries: []kv{{"k", "v v"}}},
		{name: "password with colons", in: "h u:p:a:ss\n", entries: []kv{{"h", "u:p:a:ss"}}},
		{name: "stray quote stays", in: `relay.x USERNAME:PASSWORD"` + "\n", entries: []kv{{"relay.x", `USERNAME:PASSWORD"`}}},
		{name: "quoted key keeps its quotes", in: `"key with space" v` + "\n", entries: []kv{{`"key with space"`, "v"}}},
		{name: "quotes inside a key", in: `a"b c"d e` + "\n", entries: []kv{{`a"b c"d`, "e"}}},
		{name: "backslash protects whitespace", in: `a\ b c` + "\n", entries: []kv{{`a\ b`, "c"}}},
		{name: "escaped quote in quotes", in: `"a\" b" c` + "\n", entries: []kv{{`"a\" b"`, "c"}}},
		{name: "continuation appended verbatim", in: "k a\n  b\n# c\n\n\tc\n", entries: []kv{{"k", "a  b\tc"}}},
		{name: "value on the continuation line", in: "k\n  v\n", entries: []kv{{"k", "v"}}},
		{name: "key without value", in: "keyonly\n", entries: []kv{}, problems: []string{msgFormat}},
		{name: "key with blanks only", in: "keyonly   \n", entries: []kv{}, problems: []string{msgFormat}},
		{name: "open quote", in: `"open quote value` + "\n", entries: []kv{}, problems: []string{msgUnbalanced}},
		{name: "alias format", in: "alias: value\n", entries: []kv{{"alias:", "value"}}, problems: []string{msgAliasFormat}},
		{name: "trailing backslash", in: `abc\` + "\n", entries: []kv{}, problems: []string{msgFormat}},
		{name: "indented file is empty", in: "  a 1\n  b 2\n", entries: []kv{}, problems: []string{msgIndented}, indented: true},
		{name: "indented first line only", in: "  a 1\n#x\n  b 2\nc 3\n", entries: []kv{{"c", "3"}}, problems: []string{msgIndented}, indented: true},
		{name: "non-UTF-8 lines skipped", in: "a\xff 1\nb 2\xfe\nc 3\n", entries: []kv{{"c", "3"}}, problems: []string{msgNonUTF8, msgNonUTF8}},
		{name: "UTF-8 keys", in: "\xc3\x84B 5\n", entries: []kv{{"ÄB", "5"}}},
		{name: "NUL ends the line", in: "c\x00d 3\ne 4\x00x\n", entries: []kv{{"e", "4"}}, problems: []string{msgNULTable, msgFormat, msgNULTable}},
		{name: "ASCII before NUL hides invalid UTF-8 after it", in: "k v\x00\xff\n", entries: []kv{{"k", "v"}}, problems: []string{msgNULTable}},
		{name: "CRLF", in: "crlf.x user:pass\r\n[cr.x]:587\tuser:pass\r\n", entries: []kv{{"crlf.x", "user:pass"}, {"[cr.x]:587", "user:pass"}}},
		{name: "no final newline", in: "a 1\nb 2", entries: []kv{{"a", "1"}, {"b", "2"}}},
		{name: "empty", in: "", entries: []kv{}},
		{name: "comments only", in: "# a\n\n  # b\n", entries: []kv{}},
		{
			name: "transport(5) forms",
			in:   "example.com :[gateway]\nexample.net smtp:\n* smtp:[smtp.x]:587\n.example.org relay:[relay.x]:587\n",
			entries: []kv{
				{"example.com", ":[gateway]"}, {"example.net", "smtp:"}, {"*", "smtp:[smtp.x]:587"}, {".example.org", "relay:[relay.x]:587"},
			},
		},
		{name: "duplicates are all kept in Entries", in: "a 1\nA 2\n", entries: []kv{{"a", "1"}, {"A", "2"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tab := parseBoth(t, "t", []byte(tc.in))
			if got := entriesOf(tab); !reflect.DeepEqual(got, tc.entries) {
				t.Errorf("entries = %q, want %q", got, tc.entries)
			}
			var probs []string
			for _, p := range tab.Problems {
				probs = append(probs, p.Msg)
			}
			if len(probs) != len(tc.problems) {
				t.Fatalf("problems = %q, want %q", probs, tc.problems)
			}
			for i := range probs {
				if !strings.HasPrefix(probs[i], tc.problems[i]) || tab.Problems[i].Fatal {
					t.Errorf("problem %d = %q, want %q", i, probs[i], tc.problems[i])
				}
			}
			if tab.Indented != tc.indented {
				t.Errorf("Indented = %v", tab.Indented)
			}
			if tab.Err() != nil {
				t.Errorf("Err = %v", tab.Err())
			}
			checkTable(t, tc.in, tab)
		})
	}
}

func TestTablePositions(t *testing.T) {
	src := "# c\n[smtp.x]:587  user:pass \r\nk v\n  w\nnext é\n"
	tab := parseBoth(t, "sasl_passwd", []byte(src))
	e := tab.Entries[0]
	if e.Pos.Line != 2 || e.Pos.Column != 1 || e.EndPos.Column != 25 || e.KeyOffset != 4 ||
		src[e.ValueOffset:e.ValueEnd] != "user:pass" || e.Continued {
		t.Errorf("entry 0 = %+v", e)
	}
	c := tab.Entries[1]
	if !c.Continued || c.Value != "v  w" || c.EndPos.Line != 4 || src[c.ValueOffset:c.ValueEnd] != "v\n  w" {
		t.Errorf("entry 1 = %+v", c)
	}
	n := tab.Entries[2]
	if n.EndPos.Column != 8 || n.Value != "é" {
		t.Errorf("entry 2 = %+v", n)
	}
	if len(tab.Comments) != 1 || tab.Comments[0].Next != 2 || tab.Comments[0].Text != " c" {
		t.Errorf("comments = %+v", tab.Comments)
	}
	if tab.EndPos.Line != 6 || tab.EndPos.Column != 1 || tab.EndPos.Offset != len(src) {
		t.Errorf("EndPos = %v", tab.EndPos)
	}
}

func TestTableLookup(t *testing.T) {
	tab := parseBoth(t, "sasl_passwd", fixture(t, "sasl_passwd"))
	tests := []struct{ key, want string }{
		{"[smtp.x]:587", "user@example.com:pa:ss:word"},
		{"smtp.example.com", "Upper@Example.com:Secret"}, // keys fold, values do not
		{"SMTP.EXAMPLE.COM", "Upper@Example.com:Secret"},
		{`"key with space"`, "quoted:value"},
		{"key with space", ""}, // the quotes are part of the key
		{"[dup.x]:587", "first:one"},
		{"[DUP.x]:587", "first:one"}, // first duplicate wins
		{"[cont.x]:587", "user:    continued-password"},
		{"smtp.trailing.x", "user:pass"},
		{"relay.x", `USERNAME:PASSWORD"`},
		{"nope", ""},
	}
	for _, tc := range tests {
		got := ""
		if e := tab.Lookup(tc.key); e != nil {
			got = e.Value
		}
		if got != tc.want {
			t.Errorf("Lookup(%q) = %q, want %q", tc.key, got, tc.want)
		}
	}
	if e := tab.LookupExact("SMTP.Example.COM"); e == nil || tab.LookupExact("smtp.example.com") != nil {
		t.Error("LookupExact folds")
	}
	d := tab.Duplicates()
	if len(d) != 1 || d[0].First.Value != "first:one" || d[0].Dup.Value != "second:two" {
		t.Errorf("Duplicates = %+v", d)
	}
}

func TestFoldKey(t *testing.T) {
	for in, want := range map[string]string{
		"abc": "abc", "ABC": "abc", "[Smtp.X]:587": "[smtp.x]:587", "straße": "strasse", "STRASSE": "strasse",
		"ÄB": "äb", "\xffA": "\xffa", "": "",
	} {
		if got := FoldKey(in); got != want {
			t.Errorf("FoldKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTableFixtures(t *testing.T) {
	tab := parseBoth(t, "sasl_passwd.indented", fixture(t, "sasl_passwd.indented"))
	if !tab.Indented || len(tab.Entries) != 0 {
		t.Errorf("indented table: %+v", tab)
	}
	tab = parseBoth(t, "transport", fixture(t, "transport"))
	if len(tab.Entries) != 5 || tab.Lookup("example.net").Value != "smtp:" {
		t.Errorf("transport: %q", entriesOf(tab))
	}
}

// TestTableScannerMatchesGrammar compares the two parsers on every fixture
// and corpus file, read as a table whatever it is.
func TestTableScannerMatchesGrammar(t *testing.T) {
	for _, f := range seedFiles(t) {
		src := readFile(t, f)
		tab := parseBoth(t, f, src)
		checkTable(t, string(src), tab)
	}
	big := saslTable(20000)
	parseBoth(t, "big", big)
}

// checkTable verifies the invariants every Table has.
func checkTable(t testing.TB, src string, tab *Table) {
	t.Helper()
	last := -1
	for _, e := range tab.Entries {
		if e.KeyOffset <= last || e.ValueEnd > len(src) || e.ValueOffset > e.ValueEnd || e.KeyOffset+len(e.Key) > e.ValueOffset {
			t.Fatalf("%q: entry %+v", truncate(src), e)
		}
		last = e.KeyOffset
		if e.Key == "" || e.Value == "" {
			t.Fatalf("%q: empty key or value %+v", truncate(src), e)
		}
		if !e.Continued && (src[e.KeyOffset:e.KeyOffset+len(e.Key)] != e.Key || src[e.ValueOffset:e.ValueEnd] != e.Value) {
			t.Fatalf("%q: entry text %+v", truncate(src), e)
		}
	}
	for _, p := range tab.Problems {
		if p.Pos.Offset < 0 || p.EndPos.Offset < p.Pos.Offset || p.EndPos.Offset > len(src) {
			t.Fatalf("%q: problem %+v", truncate(src), p)
		}
	}
}
