package exim_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/ruletest"
	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/rules"
)

// TestSecurityFixes applies each rule's safe fix to its bad fixture and
// checks the edited configuration: the rule no longer fires and the text
// inserted is what the fix says (issue 5: "missing hosts_require_tls" as
// an insertion inside the transport, with its indentation).
func TestSecurityFixes(t *testing.T) {
	for _, tc := range []struct {
		rule, fixture string
		want          string // a line of the fixed exim4.conf
	}{
		{"EX018", "bad-ip-auth-no-tls", "  driver = smtp\n  hosts_require_tls = *\n"},
		{"EX020", "bad-require-auth-no-tls", "  driver = smtp\n  hosts_require_tls = *\n  hosts_require_auth = *\n"},
		{"EX020", "bad-try-auth-no-tls", "  hosts_require_tls = *\n  hosts_try_auth = smtp.example.com\n"},
		{"EX023", "bad-no-hide", "  hide client_send = : user@example.org : secret\n"},
		{"EX034", "bad-dollar-domain", "  route_list = * smtp.example.com::587\n"},
	} {
		t.Run(tc.rule+"/"+tc.fixture, func(t *testing.T) {
			src := filepath.Join(secFixtures, tc.rule, tc.fixture)
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
				t.Fatal(err)
			}
			reg := rules.Default()
			res := ruletest.LintDir(t, reg, dir)
			edits := map[string][]lint.TextEdit{}
			for _, f := range res.Findings {
				if f.Rule == tc.rule && f.Fix != nil && f.Fix.Safe {
					edits[f.Path] = append(edits[f.Path], f.Fix.Edits...)
				}
			}
			if len(edits) == 0 {
				t.Fatalf("%s gives no safe fix", tc.rule)
			}
			for path, es := range edits {
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, lint.ApplyEdits(b, es), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			fixed, _ := os.ReadFile(filepath.Join(dir, "etc/exim4/exim4.conf"))
			if !strings.Contains(string(fixed), tc.want) {
				t.Errorf("fixed file lacks %q:\n%s", tc.want, fixed)
			}
			for _, f := range ruletest.LintDir(t, reg, dir).Findings {
				if f.Rule == tc.rule {
					t.Errorf("after the fix %s still fires: %s", tc.rule, f.Message)
				}
			}
		})
	}
}
