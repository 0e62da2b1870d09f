package qmail

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/ruletest"
	"github.com/smarthost-lint/smarthost-lint/lint"
)

// TestSeedSetups lints the seed's qmail setups (testdata/qmail/seed):
// good-* are what an admin following the page correctly writes
// (**SMARTHOST** replaced by the real smarthost, the example domain by a
// real one) and must give no error or warning from any rule — the seed's
// IP-authorised route on vanilla qmail is at most information (QM006);
// bad-* are the page's text as written and must give exactly the error
// and warning findings in want.txt (all rules, not one).
func TestSeedSetups(t *testing.T) {
	reg := registry()
	dirs, _ := filepath.Glob("../../testdata/qmail/seed/*")
	if len(dirs) < 4 {
		t.Fatalf("want the 4 seed setups, have %d", len(dirs))
	}
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			res := ruletest.LintDir(t, reg, dir)
			got, all := seriousFindings(dir, res.Findings)
			if strings.HasPrefix(name, "good") {
				if len(got) != 0 {
					t.Errorf("correct seed setup gets %v\n%s", got, all)
				}
				return
			}
			want := ruletest.ReadWant(t, dir)
			if len(want) == 0 {
				t.Fatal("bad setup without want.txt")
			}
			slices.SortFunc(want, func(a, b ruletest.Want) int { return strings.Compare(a.String(), b.String()) })
			if ws, gs := fmtWants(want), fmtWants(got); ws != gs {
				t.Errorf("got  %s\nwant %s\nall:\n%s", gs, ws, all)
			}
		})
	}
}

// seriousFindings are the error and warning findings of every rule, as
// Wants sorted like ruletest.Got, plus all findings for the log.
func seriousFindings(dir string, fs []lint.Finding) ([]ruletest.Want, string) {
	var out []ruletest.Want
	var all strings.Builder
	for _, f := range fs {
		rel, _ := filepath.Rel(dir, f.Path)
		rel = filepath.ToSlash(rel)
		all.WriteString("  " + rel + ":" + itoa(f.Start.Line) + " " + f.Rule + " " + f.Severity.String() + ": " + f.Message + "\n")
		if f.Severity >= lint.SeverityWarning {
			out = append(out, ruletest.Want{Path: rel, Line: f.Start.Line, Rule: f.Rule})
		}
	}
	slices.SortFunc(out, func(a, b ruletest.Want) int { return strings.Compare(a.String(), b.String()) })
	return slices.Compact(out), all.String()
}
