package rules

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/ruletest"
	"github.com/smarthost-lint/smarthost-lint/lint/output"
)

// TestNoSecretInOutput lints every fixture and renders text and JSON:
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
		var text, js bytes.Buffer
		if err := output.Text(&text, res, output.TextOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := output.JSON(&js, res); err != nil {
			t.Fatal(err)
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
				for name, out := range map[string]string{"text": text.String(), "json": js.String()} {
					if strings.Contains(out, secret) {
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
