package exim

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func listValues(l *List) []string {
	out := []string{}
	for _, it := range l.Items {
		out = append(out, it.Value)
	}
	return out
}

func TestParseList(t *testing.T) {
	tests := []struct {
		in   string
		sep  byte
		want []string
	}{
		{"", ':', []string{}},
		{"   ", ':', []string{}},
		{"a", ':', []string{"a"}},
		{"a:b", ':', []string{"a", "b"}},
		{" a : b ", ':', []string{"a", "b"}},
		{"a::b", ':', []string{"a:b"}},           // doubled separator = literal
		{"a : : b", ':', []string{"a", "", "b"}}, // empty middle item
		{"a :", ':', []string{"a"}},              // empty last item ignored
		{"a : : ", ':', []string{"a", ""}},       // spec: only the last empty item is ignored
		{":", ':', []string{""}},                 // "senders = :" is the empty sender
		{"::587", ':', []string{":587"}},         // RULES.md EX009: host ":587"
		{"h:::587", ':', []string{"h:", "587"}},  // RULES.md EX009: host "h:"
		{"h::587::25", ':', []string{"h:587:25"}},
		{"<; a ; b", ';', []string{"a", "b"}},
		{"<;a;;b", ';', []string{"a;b"}},
		{"  <, a:b , c", ',', []string{"a:b", "c"}},
		{"<+ a.x:587 + b.x:587", '+', []string{"a.x:587", "b.x:587"}},
		{"< a", ':', []string{"< a"}}, // "<" not followed by punctuation is data
		{"a\\ : b", ':', []string{"a\\ ", "b"}},
		{"<\n a \n b", '\n', []string{"a", "b"}},
		{"<\na\n\nb", '\n', []string{"a", "", "b"}}, // control separators are never doubled
		{"! +local_domains : !a", ':', []string{"! +local_domains", "!a"}},
	}
	for _, tc := range tests {
		l, _ := ParseList(tc.in)
		if got := listValues(l); !reflect.DeepEqual(got, tc.want) || l.Sep != tc.sep {
			t.Errorf("ParseList(%q) = %q sep %q, want %q sep %q", tc.in, got, l.Sep, tc.want, tc.sep)
		}
		checkListInvariants(t, tc.in, l)
	}
}

func TestListItemClassify(t *testing.T) {
	l, err := ParseList("! +local_domains : +relay : partial-lsearch;/etc/y : lsearch; /etc/x : !net24-lsearch;/a : * : 192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	s := "! +local_domains : +relay : partial-lsearch;/etc/y : lsearch; /etc/x : !net24-lsearch;/a : * : 192.0.2.1"
	it := l.Items
	if !it[0].Negated || it[0].Named != "local_domains" || it[0].NegOffset != 0 || s[it[0].BodyStart:it[0].BodyStart+1] != "+" {
		t.Errorf("item 0: %+v", it[0])
	}
	if it[1].Negated || it[1].Named != "relay" {
		t.Errorf("item 1: %+v", it[1])
	}
	lk := it[2].Lookup
	if lk == nil || lk.Type != "lsearch" || !lk.Partial || lk.Query != "/etc/y" || !lk.IsFile || s[lk.QueryStart:lk.QueryEnd] != "/etc/y" {
		t.Errorf("item 2 lookup: %+v", lk)
	}
	if lk := it[3].Lookup; lk == nil || lk.Query != "/etc/x" || s[lk.QueryStart:lk.QueryEnd] != "/etc/x" {
		t.Errorf("item 3 lookup: %+v", lk)
	}
	if lk := it[4].Lookup; !it[4].Negated || lk == nil || lk.Type != "lsearch" || lk.Query != "/a" {
		t.Errorf("item 4: %+v %+v", it[4], lk)
	}
	if it[5].Lookup != nil || it[5].Named != "" || it[6].Lookup != nil {
		t.Errorf("plain items classified: %+v %+v", it[5], it[6])
	}
	l, _ = ParseList("*@partial-lsearch;/etc/spamexperts_domains")
	if lk := l.Items[0].Lookup; lk == nil || lk.Type != "lsearch" || !lk.Partial || lk.Query != "/etc/spamexperts_domains" {
		t.Errorf("*@partial-lsearch item: %+v", lk)
	}
	for _, bad := range []string{"a : !", "+", "a : ! "} {
		if _, err := ParseList(bad); err == nil {
			t.Errorf("ParseList(%q): no error", bad)
		}
	}
}

// checkListInvariants: offsets inside s, in order, and the item text maps
// back to the value (doubled separators undoubled).
func checkListInvariants(t testing.TB, s string, l *List) {
	t.Helper()
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	prev := 0
	for _, it := range l.Items {
		if it.Start < prev || it.End < it.Start || it.End > len(s) {
			t.Fatalf("%q: item %q has bad offsets [%d,%d) after %d", s, it.Value, it.Start, it.End, prev)
		}
		prev = it.End
		raw := s[it.Start:it.End]
		sep := string([]byte{l.Sep})
		if !subCntrl(l.Sep) && strings.ReplaceAll(raw, sep+sep, sep) != it.Value {
			t.Fatalf("%q: item %q raw %q", s, it.Value, raw)
		}
		for i := 0; i < len(it.Value); i++ {
			if o := it.Offset(i); o < it.Start || o >= it.End || s[o] != it.Value[i] {
				t.Fatalf("%q: item %q byte %d maps to %d", s, it.Value, i, o)
			}
		}
		if it.BodyStart < it.Start || it.BodyStart > it.End {
			t.Fatalf("%q: body offset %d outside item", s, it.BodyStart)
		}
		if lk := it.Lookup; lk != nil && (lk.QueryStart < it.Start || lk.QueryEnd > it.End || lk.QueryStart > lk.QueryEnd) {
			t.Fatalf("%q: lookup query offsets [%d,%d)", s, lk.QueryStart, lk.QueryEnd)
		}
	}
}

func TestJoinRoundTrip(t *testing.T) {
	for _, vals := range [][]string{{"a"}, {"a:b", "c"}, {"x;y", "z"}, {"::", "q"}} {
		for _, sep := range []byte{':', ';', '+'} {
			s := Join(vals, sep)
			l, _ := ParseList(s)
			if got := listValues(l); !reflect.DeepEqual(got, vals) {
				t.Errorf("Join(%q, %q) = %q parses as %q", vals, sep, s, got)
			}
		}
	}
}

// joinable reports whether Join can represent v: string_nextinlist trims
// white space at the ends and an item may not start with a lone separator
// (it would be read as an empty item).
func joinable(v string, sep byte) bool {
	if v == "" || subSpace(v[0]) || subSpace(v[len(v)-1]) || v[len(v)-1] == '\\' || strings.IndexByte(v, 0) >= 0 {
		return false
	}
	if sep != ':' && v[0] == '<' {
		return true
	}
	return v[0] != '<' // "<" first would be read as a separator change
}

func FuzzParseList(f *testing.F) {
	for _, s := range []string{"a : b", "<; a ; b", "a::b : c", "! +local_domains", "partial-lsearch;/etc/y", ":", "<\na\n", "h:::587", "a\\ :b"} {
		f.Add(s)
	}
	addValueSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		l, _ := ParseList(s)
		checkListInvariants(t, s, l)
		checkListFastPath(t, s)
		// Reassembling the items with the separator rules gives the same items.
		vals := listValues(l)
		for _, v := range vals {
			if !joinable(v, l.Sep) || subCntrl(l.Sep) {
				return
			}
		}
		if len(vals) == 0 {
			return
		}
		j := Join(vals, l.Sep)
		l2, _ := ParseList(j)
		if got := listValues(l2); !reflect.DeepEqual(got, vals) {
			t.Fatalf("%q: items %q, rejoined %q gives %q", s, vals, j, got)
		}
		h, _ := ParseHostList(s)
		for _, hi := range h.Hosts {
			if hi.HostStart < hi.Item.Start || hi.HostEnd > hi.Item.End || hi.HostStart > hi.HostEnd {
				t.Fatalf("%q: host %q offsets [%d,%d) outside item", s, hi.Host, hi.HostStart, hi.HostEnd)
			}
		}
	})
}

// addValueSeeds seeds a fuzz target with the option values of the Exim
// fixtures in testdata (the text after "name =" on each line).
func addValueSeeds(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/exim/*/*/*/etc/*/*")
	more, _ := filepath.Glob("../../testdata/exim/*/*/*/etc/*")
	n := 0
	for _, p := range append(files, more...) {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if _, v, ok := strings.Cut(line, " = "); ok && n < 2000 {
				f.Add(v)
				n++
			}
		}
	}
}

// TestListFastPath: listBody builds what the list grammar builds.
func TestListFastPath(t *testing.T) {
	for _, s := range []string{"", "a", " a : b ", "a::b", "a : : b", ":", "::587", "h:::587", ":::::", "a::", "<; a ; b;;c",
		"<\n a \n\n b", "<\ta\t\tb", "a\\ : b", "<", "  <", "< a", "x\xff:\xfey", "a\v:b", "<^ a ^^ b ^", "<] a ] b", "<\\ a \\\\ b"} {
		checkListFastPath(t, s)
	}
}

func checkListFastPath(t testing.TB, s string) {
	t.Helper()
	for _, parse := range []func(string) (*List, error){
		ParseList,
		func(s string) (*List, error) { return ParseListSep(s, ';') }, // route_list rules
	} {
		fast, ferr := parse(s)
		listGrammarOnly = true
		slow, serr := parse(s)
		listGrammarOnly = false
		if !reflect.DeepEqual(fast, slow) || fmt.Sprint(ferr) != fmt.Sprint(serr) {
			t.Fatalf("%q: fast path %q (%v), grammar %q (%v)", s, listValues(fast), ferr, listValues(slow), serr)
		}
	}
}
