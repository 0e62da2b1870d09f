package postfix_test

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/ruletest"
	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/rules"
)

var credentialRuleIDs = []string{"PF006", "PF007", "PF008", "PF009", "PF010", "PF011", "PF012", "PF013", "PF014", "PF015", "PF016", "PF029"}

func fixtureDir(rule, name string) string {
	return filepath.Join("..", "..", "testdata", "postfix", "rules", rule, name)
}

func findingsOf(t *testing.T, rule, name string) []lint.Finding {
	t.Helper()
	res := ruletest.LintDir(t, rules.Default(), fixtureDir(rule, name))
	var out []lint.Finding
	for _, f := range res.Findings {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

// TestCredentialSeverities pins the severity of findings whose level
// differs by case (want.txt compares only positions).
func TestCredentialSeverities(t *testing.T) {
	tests := []struct {
		rule, fixture string
		want          []lint.Severity
	}{
		{"PF008", "bad-seed-per-username", []lint.Severity{lint.SeverityWarning}},
		{"PF008", "bad-unbracketed-mx-dependent", []lint.Severity{lint.SeverityWarning}},
		{"PF008", "bad-unbracketed-bare-host-key", []lint.Severity{lint.SeverityWarning}},
		{"PF008", "bad-bracketed-key-without-port", []lint.Severity{lint.SeverityError}},
		{"PF008", "bad-name-for-ip", []lint.Severity{lint.SeverityError}},
		{"PF011", "bad-seed-own-users", []lint.Severity{lint.SeverityWarning}},
		{"PF012", "bad-seed-per-username", []lint.Severity{lint.SeverityWarning}},
		{"PF012", "bad-no-colon", []lint.Severity{lint.SeverityError}},
		{"PF012", "bad-empty-user", []lint.Severity{lint.SeverityError}},
		{"PF013", "bad-seed-per-username", []lint.Severity{lint.SeverityError}},
		{"PF013", "bad-level-may", []lint.Severity{lint.SeverityError}},
		{"PF013", "bad-empty-tls-mandatory", []lint.Severity{lint.SeverityWarning}},
		{"PF013", "bad-tls-variant-empty", []lint.Severity{lint.SeverityWarning}},
		{"PF015", "bad-seed-per-username", []lint.Severity{lint.SeverityError}},
		{"PF015", "bad-ip-auth-only", []lint.Severity{lint.SeverityWarning}},
		{"PF015", "bad-ip-auth-no-tls", []lint.Severity{lint.SeverityWarning}},
		{"PF015", "bad-policy-may", []lint.Severity{lint.SeverityError}},
		{"PF029", "bad-root-only-table", []lint.Severity{lint.SeverityError}},
		{"PF029", "bad-readable-by-postfix-group", []lint.Severity{lint.SeverityInfo}},
		{"PF029", "bad-world-readable-table", []lint.Severity{lint.SeverityInfo}},
		{"PF029", "bad-texthash-root-only", []lint.Severity{lint.SeverityError}},
	}
	for _, tt := range tests {
		var got []lint.Severity
		for _, f := range findingsOf(t, tt.rule, tt.fixture) {
			got = append(got, f.Severity)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s/%s: severities %v, want %v", tt.rule, tt.fixture, got, tt.want)
		}
	}
}

// TestCredentialFixes applies each fix and compares the edited file.
func TestCredentialFixes(t *testing.T) {
	tests := []struct {
		rule, fixture, file string
		safe                bool
		old, new            string // a line of the file before and after the fix
	}{
		{"PF013", "bad-seed-per-username", "etc/postfix/main.cf", true, "smtp_sasl_security_options = \n", "smtp_sasl_security_options = noanonymous\n"},
		{"PF013", "bad-noplaintext-only", "etc/postfix/main.cf", true, "smtp_sasl_security_options = noplaintext\n", "smtp_sasl_security_options = noplaintext, noanonymous\n"},
		{"PF015", "bad-seed-per-username", "etc/postfix/main.cf", false, "smtp_sasl_auth_enable = yes\n", "smtp_sasl_auth_enable = yes\nsmtp_tls_security_level = encrypt\n"},
		{"PF015", "bad-level-empty", "etc/postfix/main.cf", false, "smtp_tls_security_level =\n", "smtp_tls_security_level = encrypt\n"},
		{"PF016", "bad-use-tls", "etc/postfix/main.cf", true, "smtp_use_tls = yes\n", "smtp_tls_security_level = may\n"},
		{"PF016", "bad-conflict-with-level", "etc/postfix/main.cf", true, "smtp_use_tls = yes\nsmtp_enforce_tls = yes\n", ""},
		{"PF007", "bad-enable-no", "etc/postfix/main.cf", false, "smtp_sasl_auth_enable = no\n", "smtp_sasl_auth_enable = yes\n"},
		{"PF007", "bad-maps-without-enable", "etc/postfix/main.cf", false, "smtp_sasl_password_maps =", "smtp_sasl_auth_enable = yes\nsmtp_sasl_password_maps ="},
		{"PF012", "bad-seed-per-username", "etc/postfix/relay_passwd", false, `USERNAME:PASSWORD"`, `USERNAME:PASSWORD`},
		{"PF012", "bad-quoted-value", "etc/postfix/sasl_passwd", false, "\"user:secret\"\nsmtp.example.com 'user':", "user:secret\nsmtp.example.com user:"},
		{"PF029", "bad-root-only-table", "etc/postfix/main.cf", true, "proxy:hash:", "hash:"},
	}
	for _, tt := range tests {
		dir := fixtureDir(tt.rule, tt.fixture)
		src, err := os.ReadFile(filepath.Join(dir, tt.file))
		if err != nil {
			t.Fatal(err)
		}
		var edits []lint.TextEdit
		safe := true
		for _, f := range findingsOf(t, tt.rule, tt.fixture) {
			if f.Fix == nil {
				continue
			}
			safe = safe && f.Fix.Safe
			edits = append(edits, f.Fix.Edits...)
		}
		if len(edits) == 0 {
			t.Errorf("%s/%s: no fix", tt.rule, tt.fixture)
			continue
		}
		if safe != tt.safe {
			t.Errorf("%s/%s: fix Safe = %v, want %v", tt.rule, tt.fixture, safe, tt.safe)
		}
		sort.Slice(edits, func(i, j int) bool { return edits[i].Start > edits[j].Start })
		out := string(src)
		for _, e := range edits {
			out = out[:e.Start] + e.NewText + out[e.End:]
		}
		want := strings.Replace(string(src), tt.old, tt.new, 1)
		if !strings.Contains(string(src), tt.old) || out != want {
			t.Errorf("%s/%s: fixed file\n%s\nwant\n%s", tt.rule, tt.fixture, out, want)
		}
	}
}

// TestCredentialSecrets checks that no message, hint or fix of any rule on
// the credential fixtures contains a password from their tables.
func TestCredentialSecrets(t *testing.T) {
	reg := rules.Default()
	for _, rule := range credentialRuleIDs {
		dirs, _ := filepath.Glob(fixtureDir(rule, "*"))
		for _, dir := range dirs {
			var secrets []string
			filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() || !strings.Contains(d.Name(), "passw") || strings.HasSuffix(p, ".db") {
					return err
				}
				b, _ := os.ReadFile(p)
				for _, line := range strings.Split(string(b), "\n") {
					fields := strings.Fields(line)
					if len(fields) < 2 || strings.HasPrefix(line, "#") {
						continue
					}
					v := strings.Join(fields[1:], " ")
					if _, pw, ok := strings.Cut(v, ":"); ok {
						v = pw
					}
					if v = strings.Trim(v, `"' `); len(v) >= 4 {
						secrets = append(secrets, v)
					}
				}
				return nil
			})
			res := ruletest.LintDir(t, reg, dir)
			for _, f := range res.Findings {
				text := f.Message + "\n" + f.Hint
				if f.Fix != nil {
					for _, e := range f.Fix.Edits {
						text += "\n" + e.NewText
					}
				}
				for _, s := range secrets {
					if strings.Contains(text, s) {
						t.Errorf("%s: %s finding leaks a password: %s", dir, f.Rule, text)
					}
				}
			}
		}
	}
}
