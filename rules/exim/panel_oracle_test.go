package exim_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/ruletest"
	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/rules"
)

// The claims of the panel rules about what the real Exim 4.96 does,
// checked with ../shared/oracles/exim-check.sh: a DKIM include outside an
// smtp transport (EX205) and a cPanel marker in a real file (EX102) make
// `exim -bV` fail with the message the finding quotes; a smarthost router
// after DirectAdmin's lookuphost (EX202) is never used by `exim -bt`.

const panelDKIM = "dkim_domain = $sender_address_domain\ndkim_selector = x\ndkim_private_key = /etc/virtual/$dkim_domain/dkim.private.key\n"

// panelConf builds a small DirectAdmin-like configuration: routers and
// transports text are inserted after their `begin` lines; main goes
// before `begin routers`.
func panelConf(main, routers, transports string) string {
	return "# SpamBlockerTechnology* powered exim.conf, Version 4.5.49\ndomainlist local_domains = @\n" + main +
		"\nbegin routers\n\n" + routers +
		"lookuphost:\n  driver = dnslookup\n  domains = ! +local_domains\n  transport = remote_smtp\n  no_more\n" +
		"\nbegin transports\n\n" + transports +
		"remote_smtp:\n  driver = smtp\n"
}

const panelRouter = "spamexperts_smarthost_router:\n  driver = manualroute\n  domains = ! +local_domains\n  transport = remote_smtp\n  route_list = $domain smtp.example.com::587 byname\n  no_more\n\n"

func TestPanelClaimsWithExim(t *testing.T) {
	script := testenv.OracleScript(t, "exim-check.sh")
	const inc = ".include_if_exists /etc/exim.dkim.conf\n"
	cases := []struct {
		name, rule, conf string
		line             int    // of the finding in etc/exim.conf; 0: the rule must not fire
		exim             string // in exim-check.sh's output
		bad              bool   // exim -bV must fail
	}{
		{"dkim include in main", "EX205", panelConf(inc, panelRouter, ""), 3, `main option "dkim_domain" unknown`, true},
		{"dkim include in router", "EX205", panelConf("", strings.Replace(panelRouter, "  no_more\n", "  no_more\n"+inc, 1), ""), 12, `option "dkim_domain" unknown`, true},
		{"dkim include before transport name", "EX205", panelConf("", panelRouter, inc), 21, "transport name missing", true},
		{"dkim include in acl", "EX205", panelConf("", panelRouter, "") + "\nbegin acl\n\nacl_check_rcpt:\n  accept\n" + inc, 28, "unknown ACL condition/modifier", true},
		{"dkim include in a pipe transport", "EX205", panelConf("", panelRouter, "") + "\npipe_t:\n  driver = pipe\n  command = /bin/cat\n" + inc, 27, `option "dkim_domain" unknown`, true},
		{"dkim include at end of smtp transport", "EX205", panelConf("", panelRouter, "") + inc, 0, "router = spamexperts_smarthost_router", false},
		{"marker at top", "EX102", "@ROUTERSTART@\n" + panelConf("", panelRouter, ""), 1, "option setting expected: @ROUTERSTART@", true},
		{"marker in routers", "EX102", panelConf("", "@ROUTERSTART@\n"+panelRouter, ""), 6, "router name missing", true},
		{"smarthost router after lookuphost", "EX202", strings.Replace(panelConf("", "", ""), "  no_more\n", "  no_more\n\n"+strings.TrimSuffix(panelRouter, "\n"), 1), 12, "host lookup did not complete", false},
		{"smarthost router before lookuphost", "EX202", panelConf("", panelRouter, ""), 0, "router = spamexperts_smarthost_router", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			// Exim gives up root for -C, and .include_if_exists skips a
			// file it cannot read: the tree must be readable by all.
			for _, d := range []string{filepath.Dir(root), root} {
				if err := os.Chmod(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			panelWrite(t, filepath.Join(root, "etc/exim.conf"), tc.conf)
			panelWrite(t, filepath.Join(root, "etc/exim.dkim.conf"), panelDKIM)
			panelWrite(t, filepath.Join(root, "usr/local/directadmin/conf/directadmin.conf"), "servername=server.example.com\n")

			res := ruletest.LintDir(t, rules.Default(), root)
			var got *lint.Finding
			for i, f := range res.Findings {
				if f.Rule == tc.rule {
					got = &res.Findings[i]
				}
			}
			switch {
			case tc.line == 0 && got != nil:
				t.Errorf("%s fired: %s", tc.rule, got.Message)
			case tc.line != 0 && got == nil:
				t.Errorf("%s did not fire", tc.rule)
			case got != nil && got.Start.Line != tc.line:
				t.Errorf("%s at line %d, want %d", tc.rule, got.Start.Line, tc.line)
			}

			// The oracle reads the configuration with its includes under
			// this root.
			oc := filepath.Join(root, "oracle.conf")
			panelWrite(t, oc, strings.ReplaceAll(tc.conf, "/etc/exim.dkim.conf", filepath.Join(root, "etc/exim.dkim.conf")))
			out, err := exec.Command("bash", script, oc, "user@remote.example.net").CombinedOutput()
			if (err != nil) != tc.bad {
				t.Errorf("exim-check.sh failed = %v, want %v\n%s", err != nil, tc.bad, out)
			}
			if !strings.Contains(string(out), tc.exim) {
				t.Errorf("exim-check.sh output lacks %q:\n%s", tc.exim, out)
			}
			// A finding that quotes Exim must quote what Exim says.
			if got != nil {
				if m := regexp.MustCompile("stops with `([^`]+)`").FindStringSubmatch(got.Message); m != nil && !strings.Contains(string(out), m[1]) {
					t.Errorf("finding quotes %q, Exim said:\n%s", m[1], out)
				}
			}
		})
	}
}

func panelWrite(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
