package qmail

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/docs"
	"github.com/smarthost-lint/smarthost-lint/internal/ruletest"
	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/rules/gen"
)

// registry is the qmail frontend with the engine and GEN rules: what
// rules.Default() runs on qmail units, without importing the other MTAs.
func registry() *lint.Registry {
	reg := lint.NewRegistry()
	reg.AddRules(lint.EngineRules...)
	reg.AddRules(gen.Rules...)
	reg.AddFrontend(Frontend{})
	reg.AddRules(Rules...)
	return reg
}

// TestQmailFixtures runs testdata/qmail/rules like rules.TestFixtures does,
// so this package can be tested on its own.
func TestQmailFixtures(t *testing.T) {
	reg := registry()
	dirs, _ := filepath.Glob("../../testdata/qmail/rules/*/*")
	if len(dirs) == 0 {
		t.Fatal("no fixtures")
	}
	for _, dir := range dirs {
		id, name := filepath.Base(filepath.Dir(dir)), filepath.Base(dir)
		t.Run(id+"/"+name, func(t *testing.T) {
			res := ruletest.LintDir(t, reg, dir)
			got := ruletest.Got(dir, res.Findings, id)
			var all strings.Builder
			for _, f := range res.Findings {
				rel, _ := filepath.Rel(dir, f.Path)
				all.WriteString("  " + rel + ":" + itoa(f.Start.Line) + " " + f.Rule + " " + f.Severity.String() + ": " + f.Message + "\n")
			}
			if strings.HasPrefix(name, "good") {
				if len(got) != 0 {
					t.Errorf("good fixture yields %v\n%s", got, all.String())
				}
				return
			}
			want := ruletest.ReadWant(t, dir)
			if len(want) == 0 {
				t.Fatal("bad fixture without want.txt")
			}
			if ws, gs := fmtWants(want), fmtWants(got); ws != gs {
				t.Errorf("got  %s\nwant %s\nall:\n%s", gs, ws, all.String())
			}
		})
	}
}

func fmtWants(ws []ruletest.Want) string {
	var s []string
	for _, w := range ws {
		s = append(s, w.String())
	}
	return strings.Join(s, ", ")
}

// TestQmailDocs checks every qmail rule's doc page like rules.TestDocs:
// the Bad example triggers the rule, the Good one does not.
func TestQmailDocs(t *testing.T) {
	reg := registry()
	for _, r := range Rules {
		t.Run(r.ID, func(t *testing.T) {
			md, ok := docs.Rule(r.ID)
			if !ok {
				t.Fatalf("docs/rules/%s.md missing", r.ID)
			}
			if !strings.HasPrefix(md, "# "+r.ID+" — ") {
				t.Errorf("doc must start with `# %s — title`", r.ID)
			}
			bad, good, err := ruletest.DocExamples(md)
			if err != nil {
				t.Fatal(err)
			}
			for _, ex := range []struct {
				ex   ruletest.Example
				want bool
			}{{bad, true}, {good, false}} {
				if len(ex.ex.Files) == 0 {
					t.Fatal("missing example")
				}
				dir := t.TempDir()
				if err := ex.ex.Materialise(dir); err != nil {
					t.Fatal(err)
				}
				res := ruletest.LintDir(t, reg, dir)
				if got := ruletest.Got(dir, res.Findings, r.ID); (len(got) > 0) != ex.want {
					t.Errorf("findings %v, want present=%v", got, ex.want)
				}
			}
		})
	}
}
