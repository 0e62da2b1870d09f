package exim_test

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/ruletest"
	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
	"github.com/smarthost-lint/smarthost-lint/rules"
)

// The runtime claims of the TLS/AUTH rules, confirmed with the real Exim
// 4.96 on the rules' own fixtures (../shared/oracles): each fixture is
// linted (the rule must fire on the bad one and not on the good one) and
// run through the oracle, which must show the effect the message
// describes.

const secFixtures = "../../testdata/exim/rules"

func secFires(t *testing.T, dir, rule string) bool {
	t.Helper()
	res := ruletest.LintDir(t, rules.Default(), dir)
	for _, f := range res.Findings {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

type secSession struct {
	Port        int    `json:"port"`
	StartTLS    bool   `json:"starttls"`
	ImplicitTLS bool   `json:"implicit_tls"`
	AuthMech    string `json:"auth_mech"`
	Messages    int    `json:"messages"`
}

// TestSecurityRulesEndToEnd delivers one message with the real Exim 4.96
// through each fixture's configuration to fake smarthosts that do not
// offer STARTTLS (exim-e2e.sh, SINK_ARGS=--no-starttls; port 465 is
// implicit TLS):
//   - EX018/EX020: without hosts_require_tls the message goes out in clear;
//     with `hosts_require_tls = *` Exim refuses ("a TLS session is
//     required");
//   - EX029: plain SMTP to port 465 fails ("Remote host closed connection
//     in response to initial connection"); protocol = smtps delivers;
//   - EX030: a hosts_require_tls naming another host leaves TLS optional
//     (Exim goes on to AUTH without TLS).
func TestSecurityRulesEndToEnd(t *testing.T) {
	script := testenv.OracleScript(t, "exim-e2e.sh")
	eximUser, err := user.Lookup("Debian-exim")
	if err != nil {
		t.Skip("no Debian-exim user (run ../shared/oracles/setup.sh)")
	}
	uid, _ := strconv.Atoi(eximUser.Uid)
	gid, _ := strconv.Atoi(eximUser.Gid)
	const tlsRequired = "a TLS session is required, but the server did not offer TLS"
	cases := []struct {
		rule, fixture string
		fires         bool
		clear         bool   // delivered without any TLS
		implicit      bool   // delivered with implicit TLS
		log           string // in Exim's mainlog
	}{
		{rule: "EX018", fixture: "bad-ip-auth-no-tls", fires: true, clear: true},
		{rule: "EX018", fixture: "good-ip-auth-require-tls", fires: false, log: tlsRequired},
		{rule: "EX020", fixture: "bad-try-auth-no-tls", fires: true, clear: true},
		{rule: "EX020", fixture: "good-require-tls", fires: false, log: tlsRequired},
		{rule: "EX029", fixture: "bad-465-starttls", fires: true, log: "Remote host closed connection in response to initial connection"},
		{rule: "EX029", fixture: "good-465-smtps", fires: false, implicit: true},
		{rule: "EX030", fixture: "bad-other-name", fires: true, log: "authentication required but server did not advertise AUTH"},
		{rule: "EX030", fixture: "bad-placeholder", fires: true, log: "authentication required but server did not advertise AUTH"},
		{rule: "EX030", fixture: "good-star", fires: false, log: tlsRequired},
	}
	for _, tc := range cases {
		t.Run(tc.rule+"/"+tc.fixture, func(t *testing.T) {
			dir := filepath.Join(secFixtures, tc.rule, tc.fixture)
			if got := secFires(t, dir, tc.rule); got != tc.fires {
				t.Fatalf("%s fires = %v, want %v", tc.rule, got, tc.fires)
			}
			src, err := os.ReadFile(filepath.Join(dir, "etc/exim4/exim4.conf"))
			if err != nil {
				t.Fatal(err)
			}
			// Harness plumbing only: a private spool (no retry records
			// between runs) and "byname" (the namespace has no DNS).
			// Not t.TempDir: its parent is 0700 and Exim runs as Debian-exim.
			w, err := os.MkdirTemp("", "exim-sec-e2e-")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(w) })
			if err := os.Chmod(w, 0o755); err != nil {
				t.Fatal(err)
			}
			spool := filepath.Join(w, "spool")
			if err := os.Mkdir(spool, 0o750); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(spool, uid, gid); err != nil {
				t.Fatal(err)
			}
			conf := "spool_directory = " + spool + "\nlog_file_path = " + spool + "/%slog\n" +
				regexp.MustCompile(`(?m)^(\s*route_list = .*)$`).ReplaceAllString(string(src), "$1 byname")
			cf := filepath.Join(w, "exim.conf")
			if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("bash", script, cf)
			cmd.Env = append(os.Environ(), "SINK_ARGS=--no-starttls")
			out, _ := cmd.CombinedOutput()
			mainlog, _ := os.ReadFile(filepath.Join(spool, "mainlog"))
			delivered, clear, implicit := 0, false, false
			sc := bufio.NewScanner(strings.NewReader(string(out)))
			for sc.Scan() {
				line := sc.Text()
				if !strings.HasPrefix(line, "{") {
					continue
				}
				var s secSession
				if json.Unmarshal([]byte(line), &s) == nil && s.Messages > 0 {
					delivered += s.Messages
					clear = clear || (!s.StartTLS && !s.ImplicitTLS)
					implicit = implicit || s.ImplicitTLS
				}
			}
			switch {
			case clear != tc.clear, implicit != tc.implicit, !tc.clear && !tc.implicit && delivered > 0:
				t.Errorf("delivered %d message(s), in clear %v, implicit TLS %v; want in clear %v, implicit TLS %v\n%s\n%s",
					delivered, clear, implicit, tc.clear, tc.implicit, out, mainlog)
			case tc.log != "" && !strings.Contains(string(mainlog), tc.log):
				t.Errorf("mainlog lacks %q:\n%s", tc.log, mainlog)
			}
		})
	}
}

// TestDuplicatePublicNameOracle: EX021 — Exim refuses to start with two
// client authenticators of the same public name; a client and a
// server-only authenticator may share one (exim-check.sh = exim -bV).
func TestDuplicatePublicNameOracle(t *testing.T) {
	script := testenv.OracleScript(t, "exim-check.sh")
	for _, tc := range []struct {
		fixture string
		fires   bool
	}{
		{"bad-two-login-clients", true},
		{"good-server-and-client", false},
		{"good-login-and-plain", false},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			dir := filepath.Join(secFixtures, "EX021", tc.fixture)
			if got := secFires(t, dir, "EX021"); got != tc.fires {
				t.Fatalf("EX021 fires = %v, want %v", got, tc.fires)
			}
			out, err := exec.Command("bash", script, filepath.Join(dir, "etc/exim4/exim4.conf")).CombinedOutput()
			rejected := strings.Contains(string(out), "have the same public name")
			if rejected != tc.fires || (tc.fires && err == nil) {
				t.Errorf("exim -bV rejected = %v (err %v), want %v\n%s", rejected, err, tc.fires, out)
			}
		})
	}
}

// TestClientSendOracle: EX022 — what the smarthost receives for each
// fixture's client_send (exim-client-send.sh writes the value verbatim
// into a plaintext authenticator and decodes what the sink got).
func TestClientSendOracle(t *testing.T) {
	script := testenv.OracleScript(t, "exim-client-send.sh")
	send := regexp.MustCompile(`(?m)^\s*(?:hide\s+)?client_send = (.*)$`)
	pub := regexp.MustCompile(`(?m)^\s*public_name = (\S+)$`)
	for _, tc := range []struct {
		fixture string
		fires   bool
		want    string // in the oracle's output
	}{
		{"bad-plain-as-list", true, "authentication attempt(s) failed"},
		{"bad-caret-in-password", true, `password="pa\u0000ss"`},
		{"bad-backslash-in-password", true, `password="pass"`},
		{"bad-quoted-item", true, `password="\"secret\""`},
		{"bad-plain-extra-caret", true, `password="pa"`},
		{"bad-dollar-in-password", true, `unknown variable name "word"`},
		{"bad-login-no-empty-item", true, `user="user@example.org"`}, // accepted by the sink: warning only
		{"bad-login-one-item", true, "SMTP error from remote mail server after AUTH LOGIN"},
		{"bad-colon-in-password", true, `password="pa"`},
		{"good-login", false, `password="secret"`},
		{"good-plain", false, `password="secret"`},
		{"good-escaped", false, `password="pa:ss^wo$rd"`},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			dir := filepath.Join(secFixtures, "EX022", tc.fixture)
			if got := secFires(t, dir, "EX022"); got != tc.fires {
				t.Fatalf("EX022 fires = %v, want %v", got, tc.fires)
			}
			src, err := os.ReadFile(filepath.Join(dir, "etc/exim4/exim4.conf"))
			if err != nil {
				t.Fatal(err)
			}
			v, m := send.FindSubmatch(src), pub.FindSubmatch(src)
			if v == nil || m == nil {
				t.Fatal("fixture has no client_send/public_name")
			}
			out, _ := exec.Command("bash", script, strings.ToUpper(string(m[1])), string(v[1])).CombinedOutput()
			if !strings.Contains(string(out), tc.want) {
				t.Errorf("oracle output lacks %q:\n%s", tc.want, out)
			}
		})
	}
}

// TestRoutingOracle: `exim -bt` on the fixtures (exim-check.sh; "byname"
// added because the namespace has no DNS): EX026 — ${perl} without Perl
// makes the router condition fail and the address unrouteable; EX034 —
// route_list `$domain` routes every domain, exactly as `*`.
func TestRoutingOracle(t *testing.T) {
	script := testenv.OracleScript(t, "exim-check.sh")
	const routed = "router = smarthost, transport = remote_smtp_smarthost\n  host smtp.example.com [127.0.0.2] port=587"
	for _, tc := range []struct {
		rule, fixture string
		fires         bool
		want          []string
	}{
		{"EX026", "bad-da-check-limits", true, []string{`"${perl" encountered`, "Unrouteable address"}},
		{"EX026", "good-no-perl", false, []string{routed}},
		{"EX034", "bad-dollar-domain", true, []string{routed}},
		{"EX034", "good-star", false, []string{routed}},
	} {
		t.Run(tc.rule+"/"+tc.fixture, func(t *testing.T) {
			dir := filepath.Join(secFixtures, tc.rule, tc.fixture)
			if got := secFires(t, dir, tc.rule); got != tc.fires {
				t.Fatalf("%s fires = %v, want %v", tc.rule, got, tc.fires)
			}
			src, err := os.ReadFile(filepath.Join(dir, "etc/exim4/exim4.conf"))
			if err != nil {
				t.Fatal(err)
			}
			cf := filepath.Join(t.TempDir(), "exim.conf")
			conf := regexp.MustCompile(`(?m)^(\s*route_list = .*)$`).ReplaceAllString(string(src), "$1 byname")
			if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
				t.Fatal(err)
			}
			out, _ := exec.Command("bash", script, cf).CombinedOutput()
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("exim-check output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
