package rules

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/docs"
	"github.com/smarthost-lint/smarthost-lint/internal/ruletest"
	"github.com/smarthost-lint/smarthost-lint/lint"
)

// TestFixtures runs every fixture under testdata/<mta>/rules/<ID>/: a bad-*
// fixture must yield exactly the findings of rule ID listed in its
// want.txt (at least one, so no fixture is vacuous); a good-* fixture must
// yield none of rule ID.
func TestFixtures(t *testing.T) {
	reg := Default()
	dirs, _ := filepath.Glob("../testdata/*/rules/*/*")
	if len(dirs) == 0 {
		t.Fatal("no rule fixtures found")
	}
	covered := map[string][2]bool{}
	for _, dir := range dirs {
		id := filepath.Base(filepath.Dir(dir))
		name := filepath.Base(dir)
		if _, ok := reg.Rule(id); !ok {
			t.Errorf("%s: fixture for unknown rule %s", dir, id)
			continue
		}
		t.Run(id+"/"+name, func(t *testing.T) {
			res := ruletest.LintDir(t, reg, dir)
			got := ruletest.Got(dir, res.Findings, id)
			c := covered[id]
			switch {
			case strings.HasPrefix(name, "bad"):
				c[0] = true
				want := ruletest.ReadWant(t, dir)
				if len(want) == 0 {
					t.Fatalf("bad fixture without want.txt entries")
				}
				for _, w := range want {
					if w.Rule != id {
						t.Fatalf("want.txt lists %s; only %s findings are compared here", w.Rule, id)
					}
				}
				if !equal(got, want) {
					t.Errorf("findings of %s:\n got  %v\n want %v\nall findings:\n%s", id, got, want, dump(res.Findings))
				}
			case strings.HasPrefix(name, "good"):
				c[1] = true
				if len(got) != 0 {
					t.Errorf("good fixture yields %v\nall findings:\n%s", got, dump(res.Findings))
				}
			default:
				t.Fatalf("fixture name must start with bad or good")
			}
			covered[id] = c
		})
	}
	for _, r := range reg.Rules() {
		if c := covered[r.ID]; r.Check != nil && (!c[0] || !c[1]) {
			t.Errorf("rule %s lacks a bad (%v) or good (%v) fixture", r.ID, c[0], c[1])
		}
	}
}

// TestDocs checks that every rule has a doc page and that the page's bad
// example triggers the rule while its good example does not.
func TestDocs(t *testing.T) {
	reg := Default()
	for _, r := range reg.Rules() {
		t.Run(r.ID, func(t *testing.T) {
			md, ok := docs.Rule(r.ID)
			if !ok {
				t.Fatalf("docs/rules/%s.md missing", r.ID)
			}
			if !strings.HasPrefix(md, "# "+r.ID+" ") {
				t.Errorf("doc must start with `# %s — title`", r.ID)
			}
			bad, good, err := ruletest.DocExamples(md)
			if err != nil {
				t.Fatal(err)
			}
			if len(bad.Files) == 0 || len(good.Files) == 0 {
				t.Fatalf("doc needs a ## Bad and a ## Good example with fenced blocks")
			}
			for _, ex := range []struct {
				name string
				ex   ruletest.Example
				want bool
			}{{"bad", bad, true}, {"good", good, false}} {
				dir := t.TempDir()
				if err := ex.ex.Materialise(dir); err != nil {
					t.Fatal(err)
				}
				res := ruletest.LintDir(t, reg, dir)
				got := ruletest.Got(dir, res.Findings, r.ID)
				if (len(got) > 0) != ex.want {
					t.Errorf("%s example: findings of %s = %v, want present=%v\nall:\n%s", ex.name, r.ID, got, ex.want, dump(res.Findings))
				}
			}
		})
	}
	for _, id := range docs.IDs() {
		if _, ok := reg.Rule(id); !ok {
			t.Errorf("docs/rules/%s.md documents no registered rule", id)
		}
	}
}

func equal(a, b []ruletest.Want) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[ruletest.Want]int{}
	for _, w := range a {
		m[w]++
	}
	for _, w := range b {
		m[w]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

func dump(fs []lint.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s:%d:%d: %s %s: %s\n", f.Path, f.Start.Line, f.Start.Column, f.Rule, f.Severity, f.Message)
	}
	return b.String()
}
