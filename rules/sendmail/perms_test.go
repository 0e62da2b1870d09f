package sendmail

import (
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/ruletest"
	"github.com/smarthost-lint/smarthost-lint/lint"
)

// TestAuthPermsSeverity checks SM014's directory rule: a readable authinfo
// file is an error, unless its directory lets nobody else in (the seed's
// `chmod 700 auth`), which makes it a warning.
func TestAuthPermsSeverity(t *testing.T) {
	for _, tc := range []struct {
		dir  string
		want lint.Severity
	}{
		{"bad-world-readable", lint.SeverityError},
		{"bad-db-group-readable", lint.SeverityError},
		{"bad-only-dir-protects", lint.SeverityWarning},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			res := ruletest.LintDir(t, seedRegistry(), "../../testdata/sendmail/rules/SM014/"+tc.dir)
			n := 0
			for _, f := range res.Findings {
				if f.Rule == "SM014" {
					n++
					if f.Severity != tc.want {
						t.Errorf("%s: severity %s, want %s", f.Message, f.Severity, tc.want)
					}
				}
			}
			if n == 0 {
				t.Fatal("no SM014 finding")
			}
		})
	}
}
