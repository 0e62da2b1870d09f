package sendmail

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/ruletest"
	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/rules/gen"
)

// seedRegistry is the sendmail frontend with the engine and GEN rules:
// what rules.Default() runs on sendmail units.
func seedRegistry() *lint.Registry {
	reg := lint.NewRegistry()
	reg.AddRules(lint.EngineRules...)
	reg.AddRules(gen.Rules...)
	reg.AddFrontend(Frontend{})
	reg.AddRules(Rules...)
	return reg
}

// TestSeedSetups lints the seed's sendmail setups (testdata/sendmail/seed),
// each a machine root whose sendmail.cf was generated from its .mc by the
// real m4 + cf.m4 8.17.1.9 (and, for good-auth, delivered through the real
// sendmail to the fake smarthost: port 587, STARTTLS, AUTH PLAIN; refused
// when the smarthost offers no STARTTLS).
//
// good-ip / good-auth: what an admin following the page correctly
// writes — SMART_HOST `[smtp-trial.antispamcloud.com]' in the .mc (not
// DS in /etc/sendmail.cf, RULES.md S12), RELAY_MAILER_ARGS before
// MAILER(`smtp') (S14), the AuthInfo key without the trailing ':' and
// without indentation (S13), `chmod 700 auth', `chmod 600 client-info*',
// plus what RULES.md SM013 requires for AUTH (TLS_Srv ENCR:112 in the
// access map, PrivacyOptions goaway). They must give no error or warning.
//
// bad-*: the page as written — DS**Smarthost** in /etc/sendmail.cf
// beside Debian's /etc/mail/sendmail.cf (bad-cf-edit) or in the active
// one (bad-cf-edit-active), and the authentication section's lines
// appended to a stock .mc with the seed's client-info line (bad-auth).
// They must give exactly the error and warning findings in want.txt.
func TestSeedSetups(t *testing.T) {
	ruletest.CheckSetups(t, seedRegistry(), "../../testdata/sendmail/seed", 5)
}

// TestOracleSeedMC builds every seed .mc with the real m4 + cf.m4 and
// checks that the model's smart host and relay port are the generated DS
// and A= (the fixtures' sendmail.cf files were generated the same way).
func TestOracleSeedMC(t *testing.T) {
	script := testenv.OracleScript(t, "sendmail-check.sh")
	files, _ := filepath.Glob("../../testdata/sendmail/seed/*/etc/mail/sendmail.mc")
	if len(files) == 0 {
		t.Fatal("no seed .mc files")
	}
	for _, p := range files {
		t.Run(filepath.Base(filepath.Dir(filepath.Dir(filepath.Dir(p)))), func(t *testing.T) {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			compareWithOracle(t, script, p, runnable(src))
		})
	}
}

// TestSeedSafeFixes applies the safe fixes to the seed's authentication
// section as written (bad-auth): RELAY_MAILER_ARGS, appended after
// MAILER(`smtp'), must be moved above it (SM005) exactly once — SM004
// must not insert a second copy — and the markup removed from SMART_HOST.
func TestSeedSafeFixes(t *testing.T) {
	res := ruletest.LintDir(t, seedRegistry(), "../../testdata/sendmail/seed/bad-auth")
	var mc string
	for _, p := range lint.PlanFixes(res, false) {
		if strings.HasSuffix(p.File.Path, "sendmail.mc") {
			mc = string(p.New)
		}
	}
	if mc == "" {
		t.Fatal("no fixes for sendmail.mc")
	}
	if n := strings.Count(mc, "define(`RELAY_MAILER_ARGS'"); n != 1 {
		t.Errorf("RELAY_MAILER_ARGS defined %d times after the fixes:\n%s", n, mc)
	}
	args, smtp := strings.Index(mc, "define(`RELAY_MAILER_ARGS', `TCP $h 587')dnl\n"), strings.Index(mc, "MAILER(`smtp')")
	if args < 0 || smtp < 0 || args > smtp {
		t.Errorf("RELAY_MAILER_ARGS not moved above MAILER(`smtp'):\n%s", mc)
	}
	if !strings.Contains(mc, "define(`SMART_HOST',`[smtp-trial.antispamcloud.com]')dnl") {
		t.Errorf("SMART_HOST markup not removed:\n%s", mc)
	}
}
