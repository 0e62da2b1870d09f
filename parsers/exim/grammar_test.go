package exim

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkGrammar checks that the hand scanner extracted from every option,
// driver and macro line exactly what the participle grammars extract.
func checkGrammar(t testing.TB, c *Config) {
	t.Helper()
	errLines := map[*Line]bool{}
	all := allOptions(c)
	for _, e := range c.Errors {
		for _, o := range all {
			if o.Line.Pos == e.Pos || (e.Pos.File == o.Line.Pos.File && e.Pos.Offset >= o.Line.Pos.Offset && e.Pos.Line <= o.Line.End.Line && e.Pos.Offset <= o.Line.End.Offset) {
				errLines[o.Line] = true
			}
		}
	}
	for _, o := range all {
		if o.Written == "" {
			continue
		}
		s := o.Line.Text.S
		ast, err := optionParser().ParseString("", s)
		if err != nil {
			t.Errorf("grammar rejects option line %q: %v", s, err)
			continue
		}
		if ast.Junk != nil {
			if !errLines[o.Line] {
				t.Errorf("%q: grammar finds junk %q, scanner no error", s, *ast.Junk)
			}
			continue
		}
		val, quoted := "", false
		if ast.Value != nil {
			if ast.Value.Quoted != nil {
				quoted = true
				val = dequoteParts(ast.Value.Quoted.Parts)
				if (!ast.Value.Quoted.Closed || ast.Value.Quoted.Extra != nil) && !errLines[o.Line] && !strings.HasSuffix(s, `\"`) {
					t.Errorf("%q: grammar finds a quoting error, scanner none", s)
				}
			} else if ast.Value.Plain != nil {
				val = *ast.Value.Plain
			}
		}
		if (ast.Hide != nil) != o.Hide || ast.Name != o.Written || (ast.Eq != nil) != o.HasValue || quoted != o.Quoted || val != o.Value.S {
			t.Errorf("option line %q:\n grammar hide=%v name=%q eq=%v quoted=%v value=%q\n scanner hide=%v name=%q eq=%v quoted=%v value=%q",
				s, ast.Hide != nil, ast.Name, ast.Eq != nil, quoted, val, o.Hide, o.Written, o.HasValue, o.Quoted, o.Value.S)
		}
	}
	for _, s := range c.Sections {
		for _, d := range s.Drivers {
			if d.Invalid || d.Line == nil {
				continue
			}
			ast, err := driverParser().ParseString("", d.Line.Text.S)
			if err != nil || ast.Name != d.Name {
				t.Errorf("driver line %q: grammar %+v %v, scanner %q", d.Line.Text.S, ast, err, d.Name)
			}
		}
	}
	for _, m := range c.Macros {
		if m.Line == nil {
			continue
		}
		ast, err := macroParser().ParseString("", m.Line.Text.S)
		if err != nil {
			t.Errorf("grammar rejects macro line %q: %v", m.Line.Text.S, err)
			continue
		}
		v := ""
		if ast.Value != nil {
			v = *ast.Value
		}
		if ast.Name != m.Name && len(ast.Name) <= 63 || ast.Redef != m.Redefine || v != m.Value.S {
			t.Errorf("macro line %q: grammar %q %v %q, scanner %q %v %q", m.Line.Text.S, ast.Name, ast.Redef, v, m.Name, m.Redefine, m.Value.S)
		}
	}
}

func allOptions(c *Config) []*Option {
	all := append([]*Option(nil), c.Main.Options...)
	for _, s := range c.Sections {
		for _, d := range s.Drivers {
			all = append(all, d.Options...)
		}
	}
	return all
}

// TestGrammarCorpus runs checkGrammar on every file of the corpus (when
// ../shared is there), of testdata/exim/parser and on the configurations of
// the rule fixtures, read as a whole configuration and as each of the
// sections (fragments are included by other files).
func TestGrammarCorpus(t *testing.T) {
	var files []string
	for _, root := range []string{parserTestdata, "../../testdata/exim/rules", eximCorpusRoot()} {
		if root == "" {
			continue
		}
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() || strings.HasSuffix(p, ".json") {
				return nil
			}
			// Fixture directories are machine roots: only what lies
			// under etc/ is configuration (want.txt and facts.txt are not).
			if strings.Contains(p, "testdata/exim/rules/") && !strings.Contains(p, "/etc/") {
				return nil
			}
			files = append(files, p)
			return nil
		})
	}
	if len(files) < 10 {
		t.Fatalf("only %d files", len(files))
	}
	n := 0
	for _, p := range files {
		src, _ := os.ReadFile(p)
		c, _ := Parse(p, src, Options{})
		checkGrammar(t, c)
		n += len(allOptions(c))
		for _, sec := range []string{"routers", "transports", "authenticators"} {
			checkGrammar(t, ParseFragment(p, src, 0, len(src), sec, Options{}))
		}
	}
	if n < 1000 {
		t.Errorf("only %d option lines checked", n)
	}
	t.Logf("%d files, %d option lines", len(files), n)
}

func FuzzGrammar(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		c, _ := Parse("x", src, Options{MaxLine: 1 << 16})
		checkGrammar(t, c)
		checkGrammar(t, ParseFragment("x", src, 0, len(src), "routers", Options{MaxLine: 1 << 16}))
	})
}
