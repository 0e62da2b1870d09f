package postfix_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/ruletest"
	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/rules"
)

// routeLint lints a fixture of rule with the given settings and returns
// the findings of rule.
func routeLint(t *testing.T, rule, name string, st lint.Settings) []lint.Finding {
	t.Helper()
	if !strings.Contains(name, "/") {
		name = rule + "/" + name // else "PF001/bad-x": another rule's fixture
	}
	dir := filepath.Join("..", "..", "testdata", "postfix", "rules", filepath.FromSlash(name))
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if b := d.Name(); b != "want.txt" && b != "facts.txt" && !strings.HasSuffix(b, ".db") {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	opts := ruletest.Options(rules.Default(), dir, nil)
	if st.Port != 0 || st.Smarthost != "" {
		opts.Settings = st
	}
	res, err := lint.Run(opts, paths)
	if err != nil {
		t.Fatal(err)
	}
	var out []lint.Finding
	for _, f := range res.Findings {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

func routeSeverities(fs []lint.Finding) []lint.Severity {
	var out []lint.Severity
	for _, f := range fs {
		out = append(out, f.Severity)
	}
	return out
}

// TestRoutingSeverities pins the severity of findings whose level differs
// by case (want.txt compares only positions).
func TestRoutingSeverities(t *testing.T) {
	E, W, I := lint.SeverityError, lint.SeverityWarning, lint.SeverityInfo
	tests := []struct {
		rule, fixture string
		want          []lint.Severity
	}{
		{"PF002", "bad-no-port", []lint.Severity{E}},
		{"PF002", "bad-port-25", []lint.Severity{W}},
		{"PF002", "bad-port-465", []lint.Severity{W}},
		{"PF002", "bad-transport-no-port", []lint.Severity{W}},
		{"PF005", "bad-wrappermode-may", []lint.Severity{E}},
		{"PF005", "bad-wrappermode-dane", []lint.Severity{W}},
		{"PF017", "bad-no-transport", []lint.Severity{E}},
		{"PF017", "bad-undefined-transport", []lint.Severity{E}},
		{"PF017", "bad-domain-without-subdomains", []lint.Severity{I}},
		{"PF017", "bad-relay-domain-subdomains", []lint.Severity{W}},
		{"PF021", "bad-relayhost-comment", []lint.Severity{E}},
		{"PF021", "bad-banner-comment", []lint.Severity{W}},
		{"PF021", "bad-sasl-passwd-comment", []lint.Severity{W}},
		{"PF030", "bad-transport-wildcard", []lint.Severity{W}},
		{"PF030", "bad-default-transport-nexthop", []lint.Severity{W}},
		{"PF030", "bad-domain-route", []lint.Severity{I}},
		{"PF030", "bad-transport-bypass", []lint.Severity{I}},
		{"PF030", "bad-seed-sender-relay", []lint.Severity{I}},
		{"PF031", "bad-smtp-override", []lint.Severity{I}},
		{"PF033", "bad-empty-relayhost", []lint.Severity{I}},
	}
	for _, tt := range tests {
		got := routeSeverities(routeLint(t, tt.rule, tt.fixture, lint.Settings{}))
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s/%s: severities %v, want %v", tt.rule, tt.fixture, got, tt.want)
		}
	}
}

// TestRoutingSettings checks that --port and --smarthost change what the
// destination rules expect.
func TestRoutingSettings(t *testing.T) {
	tests := []struct {
		rule, fixture string
		st            lint.Settings
		want          int
		sev           lint.Severity
	}{
		// --port 25 accepts [h] and [h]:25.
		{"PF002", "bad-no-port", lint.Settings{Port: 25}, 0, 0},
		{"PF002", "bad-port-25", lint.Settings{Port: 25}, 0, 0},
		{"PF002", "good-587", lint.Settings{Port: 25}, 1, lint.SeverityWarning},
		{"PF002", "bad-port-465", lint.Settings{Port: 465}, 0, 0},
		// --smarthost: routes to another host are PF030, not PF001/PF002.
		{"PF001", "bad-seed-ip-auth", lint.Settings{Port: 587, Smarthost: "other.example.org"}, 0, 0},
		{"PF030", "PF001/bad-seed-ip-auth", lint.Settings{Port: 587, Smarthost: "other.example.org"}, 1, lint.SeverityWarning},
		{"PF001", "bad-seed-ip-auth", lint.Settings{Port: 587, Smarthost: "smarthost"}, 1, lint.SeverityWarning},
		{"PF030", "PF001/bad-seed-ip-auth", lint.Settings{Port: 587, Smarthost: "SMARTHOST"}, 0, 0},
		// Partial overrides become warnings when the smarthost is named.
		{"PF030", "bad-seed-sender-relay", lint.Settings{Port: 587, Smarthost: "SMARTHOST"}, 1, lint.SeverityWarning},
		{"PF030", "bad-transport-bypass", lint.Settings{Port: 587, Smarthost: "smtp.example.net"}, 1, lint.SeverityWarning},
		{"PF030", "good-no-relayhost", lint.Settings{Port: 587, Smarthost: "smtp.example.net"}, 3, lint.SeverityWarning},
		// A transport nexthop on the named smarthost must have the port.
		{"PF002", "bad-transport-no-port", lint.Settings{Port: 587, Smarthost: "smtp.example.net"}, 1, lint.SeverityError},
	}
	for _, tt := range tests {
		got := routeLint(t, tt.rule, tt.fixture, tt.st)
		if len(got) != tt.want {
			t.Errorf("%s/%s with %+v: %d findings, want %d: %v", tt.rule, tt.fixture, tt.st, len(got), tt.want, got)
			continue
		}
		for _, f := range got {
			if f.Severity != tt.sev {
				t.Errorf("%s/%s with %+v: severity %v, want %v", tt.rule, tt.fixture, tt.st, f.Severity, tt.sev)
			}
		}
	}
}

// TestRoutingFixes applies each fix and checks the result.
func TestRoutingFixes(t *testing.T) {
	tests := []struct {
		rule, fixture, file string
		safe                bool
		want                string
	}{
		{"PF001", "bad-seed-ip-auth", "etc/postfix/main.cf", false, "relayhost = [SMARTHOST]:587\n"},
		{"PF002", "bad-no-port", "etc/postfix/main.cf", false, "relayhost = [smtp.example.net]:587\n"},
		{"PF003", "bad-transport-prefix", "etc/postfix/main.cf", true, "relayhost = [smtp.example.net]:587\n"},
		{"PF003", "bad-port-inside-brackets", "etc/postfix/main.cf", true, "relayhost = [smtp.example.net]:587\n"},
		{"PF003", "bad-misspelt-service", "etc/postfix/main.cf", false, "relayhost = [smtp.example.net]:submission\n"},
		{"PF004", "bad-587-with-wrappermode", "etc/postfix/main.cf", false, "smtp_tls_wrappermode = no\n"},
		{"PF017", "bad-no-transport", "etc/postfix/transport", false, "example.com smtp:[SMARTHOST]:587\n"},
		{"PF021", "bad-relayhost-comment", "etc/postfix/main.cf", true, "# our relay\nrelayhost = [smtp.example.net]:587\n"},
		{"PF021", "bad-continuation-comment", "etc/postfix/main.cf", true, "# backup\nrelayhost = [a.example.net]:587,\n    [b.example.net]:587\n"},
		{"PF025", "bad-relayhost-quoted", "etc/postfix/main.cf", true, "relayhost = [smtp.example.net]:587\n"},
		{"PF025", "bad-transport-quoted", "etc/postfix/transport", true, "example.com smtp:[smtp.example.net]:587\n"},
		{"PF034", "bad-no-port", "etc/postfix/tls_policy", false, "[smtp.example.net]:587 encrypt\n"},
	}
	for _, tt := range tests {
		fs := routeLint(t, tt.rule, tt.fixture, lint.Settings{})
		if len(fs) != 1 || fs[0].Fix == nil {
			t.Errorf("%s/%s: want one finding with a fix, got %v", tt.rule, tt.fixture, fs)
			continue
		}
		fix := fs[0].Fix
		if fix.Safe != tt.safe {
			t.Errorf("%s/%s: fix safe = %v, want %v", tt.rule, tt.fixture, fix.Safe, tt.safe)
		}
		src, err := os.ReadFile(filepath.Join("..", "..", "testdata", "postfix", "rules", tt.rule, tt.fixture, tt.file))
		if err != nil {
			t.Fatal(err)
		}
		edits := slices.Clone(fix.Edits)
		slices.SortFunc(edits, func(a, b lint.TextEdit) int { return b.Start - a.Start })
		out := string(src)
		for _, e := range edits {
			out = out[:e.Start] + e.NewText + out[e.End:]
		}
		if !strings.Contains(out, tt.want) {
			t.Errorf("%s/%s: fixed file\n%s\ndoes not contain\n%s", tt.rule, tt.fixture, out, tt.want)
		}
	}
}

// TestRoutingNoSecrets makes sure the sasl_passwd comment finding does not
// quote the password.
func TestRoutingNoSecrets(t *testing.T) {
	for _, f := range routeLint(t, "PF021", "bad-sasl-passwd-comment", lint.Settings{}) {
		for _, s := range []string{f.Message, f.Hint} {
			if strings.Contains(s, "s3cret") || strings.Contains(s, "provider") {
				t.Errorf("finding leaks the password: %q", s)
			}
		}
	}
}
