package rules

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/ruletest"
	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/lint/output"
)

// TestNoSecretInOutput lints every fixture and renders it in every format
// (text, JSON, SARIF, GitHub, checkstyle, and the diff of all its fixes):
// no byte range a frontend marked secret (sasl_passwd passwords, static:
// credentials) may show up in any output, unless the same text also
// appears outside secrets in that file (then it is not the secret that
// leaks).
func TestNoSecretInOutput(t *testing.T) {
	reg := Default()
	dirs, _ := filepath.Glob("../testdata/*/rules/*/*")
	checked := 0
	for _, dir := range dirs {
		res := ruletest.LintDir(t, reg, dir)
		outs := map[string]*bytes.Buffer{}
		for name, render := range map[string]func(w *bytes.Buffer) error{
			"text":       func(w *bytes.Buffer) error { return output.Text(w, res, output.TextOptions{}) },
			"json":       func(w *bytes.Buffer) error { return output.JSON(w, res) },
			"sarif":      func(w *bytes.Buffer) error { return output.SARIF(w, res, output.SARIFOptions{Rules: reg.Rules()}) },
			"github":     func(w *bytes.Buffer) error { return output.GitHub(w, res) },
			"checkstyle": func(w *bytes.Buffer) error { return output.Checkstyle(w, res) },
			"diff":       func(w *bytes.Buffer) error { return output.Diff(w, lint.PlanFixes(res, true)) },
		} {
			outs[name] = &bytes.Buffer{}
			if err := render(outs[name]); err != nil {
				t.Fatal(err)
			}
		}
		for _, f := range res.Files {
			if f.Secrets == nil {
				continue
			}
			for _, sp := range f.Secrets.SecretsIn(0, len(f.Src)) {
				secret := string(f.Src[sp.Start:sp.End])
				if len(strings.TrimSpace(secret)) < 4 {
					continue
				}
				public := string(f.Src[:sp.Start]) + "\x00" + string(f.Src[sp.End:])
				if strings.Contains(public, secret) {
					continue
				}
				checked++
				for name, out := range outs {
					if strings.Contains(out.String(), secret) {
						t.Errorf("%s: secret of %s (bytes %d-%d) appears in %s output", dir, f.Path, sp.Start, sp.End, name)
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no fixture has a secret: the test would be vacuous")
	}
	t.Logf("%d secrets checked", checked)
}
