package postfix

import (
	"strings"
	"testing"
)

// addSeeds adds the fixtures, the corpus (when present) and some odd
// inputs to a fuzz corpus.
func addSeeds(f *testing.F) {
	for _, p := range seedFiles(f) {
		f.Add(readFile(f, p))
	}
	for _, s := range []string{
		"", "\n", "\r\n", " ", "#", "=", "\x00", "\xff", "a=b", " a=b\n c", "a = b\r\n\tc\r\n",
		"smtp inet n - y - - smtpd -o {a = b} -oc=d -vo e=f -- -o g=h",
		"k \"v\n\t\"w", "\"a b\" c", "a\\", "x${a?{b}:{c}}$(d)$$",
	} {
		f.Add([]byte(s))
	}
}

func FuzzParseMain(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		m, err := ParseMain("main.cf", src)
		checkMain(t, string(src), m, err)
	})
}

func FuzzParseMaster(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		m, err := ParseMaster("master.cf", src)
		checkMaster(t, string(src), m, err)
	})
}

// FuzzParseTable checks that the scanner and the grammar agree (the
// grammar accepts every input) and that the Table is consistent.
func FuzzParseTable(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		tab := parseBoth(t, "table", src)
		checkTable(t, string(src), tab)
		for i := range tab.Entries {
			if e := tab.Lookup(tab.Entries[i].Key); e == nil || e.KeyOffset > tab.Entries[i].KeyOffset {
				t.Fatalf("Lookup(%q) = %+v", tab.Entries[i].Key, e)
			}
		}
	})
}

// FuzzExpand expands the input with parameters that refer to each other
// and to the input itself: it must stay bounded and never panic.
func FuzzExpand(f *testing.F) {
	addSeeds(f)
	for _, s := range []string{
		"$a", "${a?{$b}:{$c}}", "${{$a} == {$b} ? {x} : {y}}", "$(a", "${a", "x$", "$$$", "${{$self}<level{3.6}}",
		"${a?${b?${c?${d}}}}", "$self$self$self", "${{1}<{02}}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s := string(b)
		half := s[:len(s)/2]
		vals := map[string]string{"a": "1", "b": "", "c": "$a$a", "self": s, "half": half, "d": "$self $half"}
		lookup := func(n string) (string, bool) { v, ok := vals[n]; return v, ok }
		out, undef, err := ExpandErr(s, lookup, 0)
		if len(out) > maxExpandOutput+len(s) {
			t.Fatalf("output of %d bytes", len(out))
		}
		seen := map[string]bool{}
		for _, u := range undef {
			if _, ok := vals[u]; ok || seen[u] {
				t.Fatalf("undefined %q", u)
			}
			seen[u] = true
		}
		if e, _ := ParseExpr(s); e == nil {
			t.Fatal("nil Expr")
		}
		if len(undef) > 0 && err == nil && out == "" && s == "" {
			t.Fatal("undefined names from an empty string")
		}
		for _, r := range Refs(s) {
			if r.Offset < 0 || r.End > len(s) || r.NameOffset < r.Offset || !strings.HasPrefix(s[r.NameOffset:], r.Name) {
				t.Fatalf("ref %+v", r)
			}
		}
	})
}
