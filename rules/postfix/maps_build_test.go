package postfix

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/ruletest"
	"github.com/smarthost-lint/smarthost-lint/lint"
)

// TestMissingPlugin covers PF019's plugin check, which the fixture runner
// cannot: it would try to lint the .so files. A Debian-style root with
// /usr/lib/postfix but without postfix-lmdb.so gets a warning; with the
// plugin, or without any evidence of an installation, nothing.
func TestMissingPlugin(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string
		want  bool
	}{
		{"no-plugin", []string{"usr/lib/postfix/libpostfix-global.so"}, true},
		{"plugin-installed", []string{"usr/lib/postfix/libpostfix-global.so", "usr/lib/postfix/postfix-lmdb.so"}, false},
		{"no-installation", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write := func(rel, content string) {
				p := filepath.Join(dir, rel)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			write("etc/postfix/main.cf", "relayhost = [smtp.relay-provider.net]:587\nsmtp_sasl_password_maps = lmdb:/etc/postfix/sasl_passwd\n")
			write("etc/postfix/sasl_passwd", "[smtp.relay-provider.net]:587 user:pw\n")
			write("etc/postfix/sasl_passwd.lmdb", "")
			for _, f := range tc.files {
				write(f, "")
			}
			reg := lint.NewRegistry()
			reg.AddFrontend(Frontend{})
			reg.AddRules(mapTypeRule)
			res, err := lint.Run(ruletest.Options(reg, dir, nil), []string{filepath.Join(dir, "etc/postfix/main.cf")})
			if err != nil {
				t.Fatal(err)
			}
			got := false
			for _, f := range res.Findings {
				if f.Rule == "PF019" && strings.Contains(f.Message, "postfix-lmdb") {
					got = true
					if f.Severity != lint.SeverityWarning {
						t.Errorf("severity %v, want warning", f.Severity)
					}
				}
			}
			if got != tc.want {
				t.Errorf("missing-plugin finding = %v, want %v; findings: %v", got, tc.want, res.Findings)
			}
		})
	}
}

func TestDedent(t *testing.T) {
	for _, tc := range []struct {
		src, want string
		uniform   bool
	}{
		{"    a x\n    b y\n", "a x\nb y\n", true},
		{"  a x\n      continued\n  b y\n", "a x\n    continued\nb y\n", false},
		{"  # comment\n  a x\n", "  # comment\na x\n", true},
	} {
		f := lint.NewFile("t", lint.KindPostfixMap, []byte(tc.src))
		edits, uniform := dedent(f, 0, len(tc.src))
		got := []byte(tc.src)
		for i := len(edits) - 1; i >= 0; i-- {
			e := edits[i]
			got = append(got[:e.Start], append([]byte(e.NewText), got[e.End:]...)...)
		}
		if string(got) != tc.want || uniform != tc.uniform {
			t.Errorf("dedent(%q) = %q (uniform %v), want %q (uniform %v)", tc.src, got, uniform, tc.want, tc.uniform)
		}
	}
}
