package sendmail

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/docs"
	"github.com/smarthost-lint/smarthost-lint/internal/ruletest"
	"github.com/smarthost-lint/smarthost-lint/lint"
)

// TEMPORARY: runs the sendmail fixtures with a sendmail-only registry.
func TestLocalFixtures(t *testing.T) {
	reg := lint.NewRegistry()
	reg.AddRules(lint.EngineRules...)
	reg.AddFrontend(Frontend{})
	reg.AddRules(Rules...)
	dirs, _ := filepath.Glob("../../testdata/sendmail/rules/*/*")
	for _, dir := range dirs {
		id := filepath.Base(filepath.Dir(dir))
		name := filepath.Base(dir)
		t.Run(id+"/"+name, func(t *testing.T) {
			res := ruletest.LintDir(t, reg, dir)
			got := ruletest.Got(dir, res.Findings, id)
			var want []ruletest.Want
			if name[:3] == "bad" {
				want = ruletest.ReadWant(t, dir)
			}
			slices.SortFunc(want, func(a, b ruletest.Want) int { return cmpS(a.String(), b.String()) })
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("got %v want %v", got, want)
				for _, f := range res.Findings {
					t.Logf("  %s:%d:%d %s %s: %s", f.Path, f.Start.Line, f.Start.Column, f.Rule, f.Severity, f.Message)
				}
			}
		})
	}
}

func cmpS(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TEMPORARY: doc examples with a sendmail-only registry.
func TestLocalDocs(t *testing.T) {
	reg := lint.NewRegistry()
	reg.AddRules(lint.EngineRules...)
	reg.AddFrontend(Frontend{})
	reg.AddRules(Rules...)
	for _, r := range Rules {
		t.Run(r.ID, func(t *testing.T) {
			md, ok := docs.Rule(r.ID)
			if !ok {
				t.Fatalf("no doc")
			}
			bad, good, err := ruletest.DocExamples(md)
			if err != nil {
				t.Fatal(err)
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
					t.Errorf("%s: %v", ex.name, got)
					for _, f := range res.Findings {
						t.Logf("  %s:%d:%d %s %s: %s", f.Path, f.Start.Line, f.Start.Column, f.Rule, f.Severity, f.Message)
					}
				}
			}
		})
	}
}
