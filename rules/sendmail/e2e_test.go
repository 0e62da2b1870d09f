package sendmail

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

// TestOracleE2E builds the setup the rules accept (smart host in
// brackets, RELAY_MAILER_ARGS port 587, AuthInfo keyed by the host with
// "M:PLAIN LOGIN", TLS_Srv ENCR in the access map, maps built, files
// 0600, PrivacyOptions goaway), checks that the linter reports no error or
// warning on it, and delivers through the real sendmail to the fake
// smarthost: port 587, STARTTLS, AUTH as the configured user. Then, against
// a smarthost that never offers STARTTLS, the TLS_Srv entry must stop
// delivery (what SM013 asks for), and without it (SM013's bad case) the
// message is sent without TLS.
func TestOracleE2E(t *testing.T) {
	script := testenv.OracleScript(t, "sendmail-e2e.sh")
	root := os.Getenv(testenv.OracleEnv)
	if root == "" {
		root = "/opt/mta-oracles"
	}
	makemap := filepath.Join(root, "sendmail/usr/libexec/sendmail/makemap")
	m4 := testenv.LookPath(t, "m4")
	cfm4 := "/usr/share/sendmail/cf/m4/cf.m4"
	if _, err := os.Stat(cfm4); err != nil {
		t.Skipf("no %s", cfm4)
	}
	build := func(t *testing.T, access string) string {
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		mc := "divert(-1)dnl\ndivert(0)dnl\ninclude(`" + cfm4 + "')dnl\nOSTYPE(`debian')dnl\nDOMAIN(`debian-mta')dnl\n" +
			"define(`SMART_HOST', `[smtp.example.com]')dnl\n" +
			"define(`RELAY_MAILER_ARGS', `TCP $h 587')dnl\n" +
			"define(`confPRIVACY_FLAGS', `authwarnings,goaway')dnl\n" +
			"FEATURE(`access_db', `hash -T<TMPF> " + dir + "/access')dnl\n" +
			"FEATURE(`authinfo', `hash " + dir + "/authinfo')dnl\n" +
			"MAILER(`local')dnl\nMAILER(`smtp')dnl\n"
		files := map[string]string{
			"sendmail.mc": mc,
			"authinfo":    `AuthInfo:smtp.example.com "U:relayuser" "P:e2e-secret" "M:PLAIN LOGIN"` + "\n",
			"access":      access,
		}
		for n, c := range files {
			if err := os.WriteFile(filepath.Join(dir, n), []byte(c), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		cmd := exec.Command(m4, filepath.Join(dir, "sendmail.mc"))
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("m4: %v", err)
		}
		cf := filepath.Join(dir, "sendmail.cf")
		if err := os.WriteFile(cf, out, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, m := range []string{"authinfo", "access"} {
			c := exec.Command(makemap, "-C", cf, "hash", filepath.Join(dir, m))
			c.Stdin = strings.NewReader(files[m])
			if out, err := c.CombinedOutput(); err != nil {
				t.Fatalf("makemap %s: %v\n%s", m, err, out)
			}
			if err := os.Chmod(filepath.Join(dir, m+".db"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	lintDir := func(t *testing.T, dir string) []lint.Finding {
		reg := lint.NewRegistry()
		reg.AddRules(lint.EngineRules...)
		reg.AddFrontend(Frontend{})
		reg.AddRules(Rules...)
		res, err := lint.Run(lint.Options{Registry: reg, Settings: lint.Settings{Port: 587}}, []string{filepath.Join(dir, "sendmail.mc")})
		if err != nil {
			t.Fatal(err)
		}
		return res.Findings
	}
	deliver := func(t *testing.T, dir, sinkArgs string) (sessions []map[string]any, transcript string) {
		cmd := exec.Command("bash", script, filepath.Join(dir, "sendmail.cf"))
		cmd.Env = append(os.Environ(), "SINK_ARGS="+sinkArgs)
		out, _ := cmd.CombinedOutput()
		text := string(out)
		_, sink, _ := strings.Cut(text, "--- sink\n")
		for _, line := range strings.Split(sink, "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(line), &m) == nil {
				sessions = append(sessions, m)
			}
		}
		return sessions, text
	}

	good := build(t, "Connect:127.0.0.1 RELAY\nTLS_Srv:smtp.example.com ENCR:112\n")
	for _, f := range lintDir(t, good) {
		if f.Severity >= lint.SeverityWarning {
			t.Errorf("good setup: %s:%d %s %s", f.Path, f.Start.Line, f.Rule, f.Message)
		}
	}
	s, out := deliver(t, good, "")
	if len(s) == 0 || s[0]["port"] != float64(587) || s[0]["starttls"] != true || s[0]["auth_user"] != "relayuser" || s[0]["auth_ok"] != true {
		t.Errorf("good setup: want port 587, STARTTLS, AUTH as relayuser:\n%s", out)
	}
	if s, out := deliver(t, good, "--no-starttls"); len(s) > 0 && s[0]["mail_from"] != nil {
		t.Errorf("TLS_Srv ENCR:112 did not stop delivery to a smarthost without STARTTLS:\n%s", out)
	}

	bad := build(t, "Connect:127.0.0.1 RELAY\n")
	found := false
	for _, f := range lintDir(t, bad) {
		found = found || f.Rule == "SM013" && f.Severity == lint.SeverityError
	}
	if !found {
		t.Errorf("no SM013 error without TLS_Srv")
	}
	if s, out := deliver(t, bad, "--no-starttls"); len(s) == 0 || s[0]["starttls"] == true || s[0]["mail_from"] == nil {
		t.Errorf("without TLS_Srv sendmail should have sent the message without TLS:\n%s", out)
	} else {
		t.Logf("without TLS_Srv: delivered without TLS (auth_mech %v)", s[0]["auth_mech"])
	}
}
