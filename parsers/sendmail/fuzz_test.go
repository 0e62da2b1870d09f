package sendmail

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
)

// corpusRoot is ../shared/corpus/sendmail when present (seeds only: the
// fuzz targets must run without it).
func corpusRoot() string {
	shared := os.Getenv(testenv.SharedEnv)
	if shared == "" {
		shared = filepath.Join(testenv.RepoRoot(), "..", "shared")
	}
	dir := filepath.Join(shared, "corpus", "sendmail")
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return ""
	}
	return dir
}

// addSeeds adds the sendmail fixtures, the corpus and odd inputs.
func addSeeds(f *testing.F) {
	dirs := []string{filepath.Join(testenv.RepoRoot(), "testdata", "sendmail")}
	if c := corpusRoot(); c != "" {
		dirs = append(dirs, c)
	}
	for _, d := range dirs {
		_ = filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				if b, err := os.ReadFile(p); err == nil && len(b) < 1<<20 {
					f.Add(b)
				}
			}
			return nil
		})
	}
	for _, s := range []string{
		"", "\n", "`", "'", "(", ")", "dnl", "dnl\n", "define(", "define(`", "define(`a'", "FEATURE(`x',`y'", "``''", "`(')",
		"#define(`A',`B')", "A(((", "A(`)", "\r\n", "\x00", "\xff\xfe", "DS", "M", "Mx,A=", "Mx, =y,A=TCP $h 1", " x", "K",
		"AuthInfo:h \"U:u\" \"P:p", "AuthInfo: \"", "a\"b\"c\"", "O ", "O =", "D{", "D{x",
	} {
		f.Add([]byte(s))
	}
}

func inFile(t *testing.T, src []byte, start, end int, what string) {
	t.Helper()
	if start < 0 || end < start || end > len(src) {
		t.Fatalf("%s span [%d,%d) outside the file of %d bytes", what, start, end, len(src))
	}
}

func FuzzParseMC(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		// The hand scanner and parser agree with the participle grammar.
		compareMC(t, string(src))
		mc, err := ParseMC("f.mc", src)
		if (err != nil) != (len(mc.Problems) > 0) {
			t.Fatalf("err %v with problems %+v", err, mc.Problems)
		}
		for _, p := range mc.Problems {
			inFile(t, src, p.Start, p.End, "problem")
		}
		prev := 0
		for _, n := range mc.Nodes {
			// Top-level nodes tile the file in order.
			if n.Start != prev {
				t.Fatalf("node at %d, previous ended at %d", n.Start, prev)
			}
			inFile(t, src, n.Start, n.End, "node")
			prev = n.End
		}
		if len(mc.Problems) == 0 && prev != len(src) {
			t.Fatalf("nodes end at %d of %d", prev, len(src))
		}
		for _, c := range mc.Calls {
			inFile(t, src, c.Start, c.End, "call")
			if !strings.HasPrefix(string(src[c.Start:]), c.Name+"(") {
				t.Fatalf("call %q not at its offset", c.Name)
			}
			for _, a := range c.Args {
				inFile(t, src, a.Start, a.End, "arg")
				if string(src[a.Start:a.End]) != a.Raw || a.Start < c.Start || a.End > c.End {
					t.Fatalf("arg %q not within its call", a.Raw)
				}
			}
		}
	})
}

func FuzzParseCF(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		compareCF(t, string(src))
		cf, err := ParseCF("sendmail.cf", src)
		if (err != nil) != (len(cf.Problems) > 0) {
			t.Fatalf("err %v with problems %+v", err, cf.Problems)
		}
		for _, l := range cf.Lines {
			inFile(t, src, l.Start, l.End, "line")
			if l.Value != "" {
				inFile(t, src, l.ValueStart, l.ValueStart+len(l.Value), "value")
				if string(src[l.ValueStart:l.ValueStart+len(l.Value)]) != l.Value {
					t.Fatalf("value %q not at its offset", l.Value)
				}
			}
			if l.Mailer != nil {
				for k, fl := range l.Mailer.Fields {
					inFile(t, src, fl.Start, fl.End, "field "+k)
					if string(src[fl.Start:fl.End]) != fl.Value {
						t.Fatalf("field %s %q not at its offset", k, fl.Value)
					}
				}
			}
		}
	})
}

func FuzzParseMakemap(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		mm, err := ParseMakemap("authinfo", src)
		if (err != nil) != (len(mm.Problems) > 0) {
			t.Fatalf("err %v with problems %+v", err, mm.Problems)
		}
		// The scanner builds exactly what the grammar builds.
		ref, rerr := parseMakemapGrammar("authinfo", src)
		if !reflect.DeepEqual(mm, ref) || fmt.Sprint(err) != fmt.Sprint(rerr) {
			t.Fatalf("scanner and grammar differ:\n%+v\n%+v", mm, ref)
		}
		for _, e := range mm.Entries {
			inFile(t, src, e.Start, e.End, "entry")
			if e.Key == "" || strings.ContainsAny(e.Key, " \t\n") || e.Value == "" {
				t.Fatalf("entry %+v", e)
			}
			for _, tok := range e.Tokens {
				inFile(t, src, tok.Start, tok.End, "token")
				inFile(t, src, tok.DataStart, tok.DataEnd, "data")
				if tok.DataStart < tok.Start || tok.DataEnd > tok.End || string(src[tok.Start:tok.End]) != tok.Text {
					t.Fatalf("token %+v", tok)
				}
			}
		}
	})
}
