package rules

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
	"github.com/smarthost-lint/smarthost-lint/lint"
)

// sinkSession is one line of smtp-sink.py's JSON log.
type sinkSession struct {
	Port     int    `json:"port"`
	StartTLS bool   `json:"starttls"`
	AuthUser string `json:"auth_user"`
	AuthOK   bool   `json:"auth_ok"`
	// AuthPassword is logged with --log-password (throw-away test
	// credentials only).
	AuthPassword string `json:"auth_password"`
	Messages     int    `json:"messages"`
}

// TestPostfixEndToEnd confirms the runtime effect a rule claims with the
// real Postfix 3.7 delivering one message to a fake smarthost in a private
// network namespace (../shared/oracles/postfix-e2e.sh): each case is linted
// (the rule must fire on the broken variant and not on the fixed one) and
// delivered (the broken variant must show the failure the message
// describes).
func TestPostfixEndToEnd(t *testing.T) {
	script := testenv.OracleScript(t, "postfix-e2e.sh")
	const base = "relayhost = [smtp.example.com]:587\nsmtp_sasl_auth_enable = yes\nsmtp_sasl_password_maps = hash:DIR/sasl_passwd\nsmtp_sasl_security_options = noanonymous\n"
	cases := []struct {
		name, rule   string
		fires        bool
		main, passwd string
		transport    string
		sinkArgs     string
		// logWant is text Postfix's log (or the harness) must show: the
		// reason the message gives, not just any failure.
		logWant string
		check   func(t *testing.T, delivered bool, s []sinkSession)
	}{
		{
			name: "PF008 key [h] never matches [h]:587", rule: "PF008", fires: true,
			main: base + "smtp_tls_security_level = encrypt\n", passwd: "[smtp.example.com] user@example.com:secret\n",
			check: func(t *testing.T, delivered bool, s []sinkSession) {
				if !delivered || anyAuth(s) {
					t.Errorf("want delivery without AUTH, got delivered=%v sessions=%+v", delivered, s)
				}
			},
		},
		{
			name: "PF008 key [h]:587 matches", rule: "PF008", fires: false,
			main: base + "smtp_tls_security_level = encrypt\n", passwd: "[smtp.example.com]:587 user@example.com:secret\n",
			check: func(t *testing.T, delivered bool, s []sinkSession) {
				if !delivered || !anyAuth(s) {
					t.Errorf("want authenticated delivery, got delivered=%v sessions=%+v", delivered, s)
				}
			},
		},
		{
			name: "PF015 no TLS level: mail goes in clear", rule: "PF015", fires: true,
			main: base, passwd: "[smtp.example.com]:587 user@example.com:secret\n", sinkArgs: "--no-starttls",
			check: func(t *testing.T, delivered bool, s []sinkSession) {
				if !delivered || anyTLS(s) {
					t.Errorf("want delivery without TLS, got delivered=%v sessions=%+v", delivered, s)
				}
			},
		},
		{
			name: "PF015 encrypt refuses a server without STARTTLS", rule: "PF015", fires: false,
			main: base + "smtp_tls_security_level = encrypt\n", passwd: "[smtp.example.com]:587 user@example.com:secret\n", sinkArgs: "--no-starttls",
			check: func(t *testing.T, delivered bool, s []sinkSession) {
				if delivered {
					t.Errorf("want no delivery in clear, got sessions=%+v", s)
				}
			},
		},
		{
			name: "PF017 transport entry without transport defers", logWant: "mail transport unavailable", rule: "PF017", fires: true,
			main: base + "smtp_tls_security_level = encrypt\ntransport_maps = hash:DIR/transport\n", passwd: "[smtp.example.com]:587 user@example.com:secret\n",
			transport: "remote.example.net [smtp.example.com]:587\n",
			check: func(t *testing.T, delivered bool, s []sinkSession) {
				if delivered {
					t.Errorf("want deferral (mail transport unavailable), got %+v", s)
				}
			},
		},
		{
			name: "PF017 transport:nexthop delivers", rule: "PF017", fires: false,
			main: base + "smtp_tls_security_level = encrypt\ntransport_maps = hash:DIR/transport\n", passwd: "[smtp.example.com]:587 user@example.com:secret\n",
			transport: "remote.example.net smtp:[smtp.example.com]:587\n.remote.example.net smtp:[smtp.example.com]:587\n",
			check: func(t *testing.T, delivered bool, s []sinkSession) {
				if !delivered {
					t.Errorf("want delivery, got %+v", s)
				}
			},
		},
		{
			name: "PF024 boolean true is fatal in the daemon", logWant: "fatal: bad boolean configuration: smtp_sasl_auth_enable = true", rule: "PF024", fires: true,
			main:   strings.Replace(base, "smtp_sasl_auth_enable = yes", "smtp_sasl_auth_enable = true", 1) + "smtp_tls_security_level = encrypt\n",
			passwd: "[smtp.example.com]:587 user@example.com:secret\n",
			check: func(t *testing.T, delivered bool, s []sinkSession) {
				if delivered {
					t.Errorf("want no delivery (bad boolean configuration), got %+v", s)
				}
			},
		},
		{
			name: "PF006 SASL without a password table is fatal", logWant: "fatal: specify a password table", rule: "PF006", fires: true,
			main:   "relayhost = [smtp.example.com]:587\nsmtp_sasl_auth_enable = yes\nsmtp_tls_security_level = encrypt\n",
			passwd: "",
			check: func(t *testing.T, delivered bool, s []sinkSession) {
				if delivered {
					t.Errorf("want no delivery (fatal: specify a password table), got %+v", s)
				}
			},
		},
		{
			name: "PF004 port 465 without wrapper mode never delivers", logWant: "timed out", rule: "PF004", fires: true,
			main: strings.Replace(base, ":587", ":465", 1) + "smtp_tls_security_level = encrypt\n", passwd: "[smtp.example.com]:465 user@example.com:secret\n",
			check: func(t *testing.T, delivered bool, s []sinkSession) {
				if delivered {
					t.Errorf("want no delivery (client and server wait for each other), got %+v", s)
				}
			},
		},
		{
			name: "PF004 port 465 with wrapper mode delivers", rule: "PF004", fires: false,
			main: strings.Replace(base, ":587", ":465", 1) + "smtp_tls_security_level = encrypt\nsmtp_tls_wrappermode = yes\n", passwd: "[smtp.example.com]:465 user@example.com:secret\n",
			check: func(t *testing.T, delivered bool, s []sinkSession) {
				if !delivered || !anyAuth(s) {
					t.Errorf("want authenticated delivery over implicit TLS, got delivered=%v %+v", delivered, s)
				}
			},
		},
		{
			name: "PF020 indented line is swallowed: SASL stays off", rule: "PF020", fires: true,
			main:   "relayhost = [smtp.example.com]:587\n  smtp_sasl_auth_enable = yes\nsmtp_sasl_password_maps = hash:DIR/sasl_passwd\nsmtp_sasl_security_options = noanonymous\nsmtp_tls_security_level = encrypt\n",
			passwd: "[smtp.example.com]:587 user@example.com:secret\n",
			check: func(t *testing.T, delivered bool, s []sinkSession) {
				if anyAuth(s) {
					t.Errorf("want no AUTH, got %+v", s)
				}
			},
		},
		{
			name: "PF035 indented table builds empty: no AUTH", rule: "PF035", fires: true,
			main: base + "smtp_tls_security_level = encrypt\n", passwd: "  [smtp.example.com]:587 user@example.com:secret\n",
			check: func(t *testing.T, delivered bool, s []sinkSession) {
				if !delivered || anyAuth(s) {
					t.Errorf("want delivery without AUTH, got delivered=%v %+v", delivered, s)
				}
			},
		},
		{
			name: "PF009 sender key ignored while sender-dependent auth is off", rule: "PF009", fires: true,
			main: base + "smtp_tls_security_level = encrypt\n", passwd: "@oracle.test user@example.com:secret\n",
			check: func(t *testing.T, delivered bool, s []sinkSession) {
				if anyAuth(s) {
					t.Errorf("want no AUTH, got %+v", s)
				}
			},
		},
		{
			name: "PF009 sender key used with sender-dependent auth on", rule: "PF009", fires: false,
			main: base + "smtp_tls_security_level = encrypt\nsmtp_sender_dependent_authentication = yes\n", passwd: "@oracle.test user@example.com:secret\n",
			check: func(t *testing.T, delivered bool, s []sinkSession) {
				if !anyAuth(s) {
					t.Errorf("want AUTH with the sender key, got %+v", s)
				}
			},
		},
		{
			name: "PF029 proxy: on a root-only table defers", logWant: "Permission denied", rule: "PF029", fires: true,
			main: strings.Replace(base, "hash:DIR", "proxy:hash:DIR", 1) + "smtp_tls_security_level = encrypt\n", passwd: "[smtp.example.com]:587 user@example.com:secret\n",
			check: func(t *testing.T, delivered bool, s []sinkSession) {
				if delivered {
					t.Errorf("want deferral (proxymap cannot open the table), got %+v", s)
				}
			},
		},
		{
			name: "PF003 transport prefix in relayhost is fatal", logWant: "fatal: valid hostname or network address required", rule: "PF003", fires: true,
			main:   strings.Replace(base, "relayhost = [smtp.example.com]:587", "relayhost = smtp:[smtp.example.com]:587", 1) + "smtp_tls_security_level = encrypt\n",
			passwd: "[smtp.example.com]:587 user@example.com:secret\n",
			check: func(t *testing.T, delivered bool, s []sinkSession) {
				if delivered {
					t.Errorf("want no delivery, got %+v", s)
				}
			},
		},
		{
			name: "PF025 quoted relayhost is fatal", logWant: "fatal: valid hostname or network address required in server description: \"", rule: "PF025", fires: true,
			main:   strings.Replace(base, "relayhost = [smtp.example.com]:587", `relayhost = "[smtp.example.com]:587"`, 1) + "smtp_tls_security_level = encrypt\n",
			passwd: "[smtp.example.com]:587 user@example.com:secret\n",
			check: func(t *testing.T, delivered bool, s []sinkSession) {
				if delivered {
					t.Errorf("want no delivery, got %+v", s)
				}
			},
		},
		{
			name: "PF019 table without type is fatal", logWant: "expecting \"type:name\" form", rule: "PF019", fires: true,
			main:   strings.Replace(base, "hash:DIR/sasl_passwd", "DIR/sasl_passwd", 1) + "smtp_tls_security_level = encrypt\n",
			passwd: "[smtp.example.com]:587 user@example.com:secret\n",
			check: func(t *testing.T, delivered bool, s []sinkSession) {
				if delivered {
					t.Errorf("want no delivery (expecting \"type:name\" form), got %+v", s)
				}
			},
		},
		{
			name: "PF026 line without = stops Postfix", logWant: "postfix start failed", rule: "PF026", fires: true,
			main: base + "smtp_tls_security_level encrypt\n", passwd: "[smtp.example.com]:587 user@example.com:secret\n",
			check: func(t *testing.T, delivered bool, s []sinkSession) {
				if delivered {
					t.Errorf("want no delivery (missing '='), got %+v", s)
				}
			},
		},
		{
			name: "PF012 quote is sent as part of the password", rule: "PF012", fires: true,
			main: base + "smtp_tls_security_level = encrypt\n", passwd: "[smtp.example.com]:587 user@example.com:secret\"\n", sinkArgs: "--log-password",
			check: func(t *testing.T, delivered bool, s []sinkSession) {
				got := ""
				for _, x := range s {
					if x.AuthUser != "" {
						got = x.AuthPassword
					}
				}
				if got != `secret"` {
					t.Errorf("smarthost received password %q, want the quote included", got)
				}
			},
		},
	}
	reg := Default()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// postconf expands $ and {} in its config path: keep it plain.
			dir, err := os.MkdirTemp("", "shl-e2e")
			if err != nil {
				t.Fatal(err)
			}
			defer os.RemoveAll(dir)
			write(t, filepath.Join(dir, "main.cf"), strings.ReplaceAll(tc.main, "DIR", dir), 0o644)
			write(t, filepath.Join(dir, "sasl_passwd"), tc.passwd, 0o600)
			if tc.transport != "" {
				write(t, filepath.Join(dir, "transport"), tc.transport, 0o644)
			}

			// Deliver first: the harness builds the .db files the lint
			// then sees, as postmap would on the machine.
			cmd := exec.Command("bash", script, dir)
			cmd.Env = append(os.Environ(), "SINK_ARGS="+tc.sinkArgs)
			out, err := cmd.CombinedOutput()
			delivered := err == nil
			var sessions []sinkSession
			for _, line := range strings.Split(string(out), "\n") {
				var s sinkSession
				if strings.HasPrefix(line, "{") && json.Unmarshal([]byte(line), &s) == nil {
					sessions = append(sessions, s)
				}
			}
			res, err := lint.Run(lint.Options{Registry: reg}, []string{filepath.Join(dir, "main.cf")})
			if err != nil {
				t.Fatal(err)
			}
			fired := false
			for _, f := range res.Findings {
				fired = fired || f.Rule == tc.rule
			}
			if fired != tc.fires {
				t.Errorf("%s fired = %v, want %v: %s", tc.rule, fired, tc.fires, dump(res.Findings))
			}

			tc.check(t, delivered, sessions)
			if tc.logWant != "" && !strings.Contains(string(out), tc.logWant) {
				t.Errorf("Postfix did not say %q", tc.logWant)
			}
			if t.Failed() {
				t.Logf("postfix-e2e.sh output:\n%s", out)
			}
		})
	}
}

func anyAuth(s []sinkSession) bool {
	for _, x := range s {
		if x.AuthUser != "" {
			return true
		}
	}
	return false
}

func anyTLS(s []sinkSession) bool {
	for _, x := range s {
		if x.StartTLS {
			return true
		}
	}
	return false
}

func write(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}
