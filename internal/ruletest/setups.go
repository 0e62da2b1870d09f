package ruletest

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// CheckSetups lints every machine root under dir (at least min of them)
// as a whole setup, with every rule: good-* are what an admin following
// the vendor page correctly writes and must give no error or warning;
// bad-* are the page as written and must give exactly the error and
// warning findings listed in their want.txt (of any rule).
func CheckSetups(t *testing.T, reg *lint.Registry, dir string, min int) {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(dirs) < min {
		t.Fatalf("want at least %d setups in %s, have %d", min, dir, len(dirs))
	}
	for _, d := range dirs {
		name := filepath.Base(d)
		t.Run(name, func(t *testing.T) {
			res := LintDir(t, reg, d)
			got, all := serious(d, res.Findings)
			if strings.HasPrefix(name, "good") {
				if len(got) != 0 {
					t.Errorf("correct setup gets %v\n%s", got, all)
				}
				return
			}
			want := ReadWant(t, d)
			if len(want) == 0 {
				t.Fatal("bad setup without want.txt")
			}
			slices.SortFunc(want, func(a, b Want) int { return strings.Compare(a.String(), b.String()) })
			if ws, gs := fmt.Sprint(want), fmt.Sprint(got); ws != gs {
				t.Errorf("got  %s\nwant %s\nall:\n%s", gs, ws, all)
			}
		})
	}
}

// serious returns the error and warning findings of every rule as sorted
// Wants, and all findings as text for the log.
func serious(dir string, fs []lint.Finding) ([]Want, string) {
	var out []Want
	var all strings.Builder
	for _, f := range fs {
		rel, _ := filepath.Rel(dir, f.Path)
		rel = filepath.ToSlash(rel)
		fmt.Fprintf(&all, "  %s:%d %s %s: %s\n", rel, f.Start.Line, f.Rule, f.Severity, f.Message)
		if f.Severity >= lint.SeverityWarning {
			out = append(out, Want{Path: rel, Line: f.Start.Line, Rule: f.Rule})
		}
	}
	slices.SortFunc(out, func(a, b Want) int { return strings.Compare(a.String(), b.String()) })
	return slices.Compact(out), all.String()
}
