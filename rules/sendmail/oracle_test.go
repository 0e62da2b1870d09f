package sendmail

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
	"github.com/smarthost-lint/smarthost-lint/lint"
	smp "github.com/smarthost-lint/smarthost-lint/parsers/sendmail"
)

// loadMC builds the model of one .mc without following references.
func loadMC(t *testing.T, name string, src []byte) *Setup {
	t.Helper()
	l := lint.NewLoader(nil, "", true, 0)
	f := lint.NewFile(name, lint.KindSendmailMC, src)
	return Frontend{}.Load(l, f).(*Setup)
}

// oracleCF is what sendmail-check.sh prints: DS and each mailer's A=.
type oracleCF struct {
	ds   string
	args map[string]string
}

var oracleMailer = regexp.MustCompile(`^M(\w+), A=(.*)$`)

func runOracle(t *testing.T, script, mc string) (*oracleCF, string) {
	t.Helper()
	out, err := exec.Command("bash", script, mc).CombinedOutput()
	if err != nil {
		return nil, string(out)
	}
	o := &oracleCF{args: map[string]string{}}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "DS") {
			o.ds = strings.TrimPrefix(line, "DS")
		}
		if m := oracleMailer.FindStringSubmatch(line); m != nil {
			o.args[m[1]] = strings.TrimSpace(m[2])
		}
	}
	return o, string(out)
}

// portOf reads the port the way Setup.mailerFor does, from the oracle's A=.
func portOf(args string) string {
	f := strings.Fields(args)
	if len(f) >= 3 {
		return f[2]
	}
	return "25"
}

// compareWithOracle asserts that the model's smart host and the port of
// the mailer it uses (relay when there is no smart host) equal what the
// real m4 + cf.m4 generate.
func compareWithOracle(t *testing.T, script, name string, src []byte) {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "file.mc")
	if err := os.WriteFile(p, src, 0o644); err != nil {
		t.Fatal(err)
	}
	o, out := runOracle(t, script, p)
	s := loadMC(t, name, src)
	if o == nil {
		// m4 failed: the model must have seen an m4 error too.
		if len(s.MC.Problems) == 0 {
			t.Fatalf("m4 failed but the parser found no problem:\n%s", out)
		}
		return
	}
	if got := smartText(s.MCSmart); got != o.ds {
		t.Errorf("smart host: model %q, generated DS%q", got, o.ds)
	}
	mailer := "relay"
	if !s.MCSmart.Empty() {
		mailer = s.MCSmart.Mailer
	}
	want, ok := o.args[mailer]
	u := s.mailerFor(mailer)
	switch {
	case !ok && u.Defined:
		t.Errorf("model has mailer %s (A=%s) but the generated .cf has none", mailer, u.Args)
	case ok && !u.Defined:
		t.Errorf("generated .cf has M%s A=%s but the model has no such mailer", mailer, want)
	case ok && u.Port != portOf(want):
		t.Errorf("%s port: model %q (A=%s), generated A=%s", mailer, u.Port, u.Args, want)
	}
	t.Logf("DS%q %s A=%s", o.ds, mailer, want)
}

// runnable makes a corpus .mc buildable on this machine without touching
// what decides DS and A=: include() of files that do not exist here
// (another distribution's cf.m4, Debian's /etc/mail/m4 peers) become dnl,
// as sendmail-check.sh loads cf.m4 itself, and an OSTYPE is added when
// the file has none (cf.m4 stops without one).
func runnable(src []byte) []byte {
	mc, _ := smp.ParseMC("x.mc", src)
	var b strings.Builder
	last := 0
	hasOS := false
	for _, c := range mc.Calls {
		if c.Top && c.Name == "OSTYPE" {
			hasOS = true
		}
		if !c.Top || (c.Name != "include" && c.Name != "sinclude") {
			continue
		}
		if _, err := os.Stat(strings.TrimSpace(c.ArgValue(0))); err == nil && !strings.HasSuffix(c.ArgValue(0), "cf.m4") {
			continue
		}
		b.WriteString(mc.Src[last:c.Start])
		b.WriteString("dnl ")
		b.WriteString(strings.ReplaceAll(mc.Src[c.Start:c.End], "\n", " "))
		last = c.End
	}
	b.WriteString(mc.Src[last:])
	out := b.String()
	if !hasOS {
		out = "OSTYPE(`debian')dnl\n" + out
	}
	return []byte(out)
}

func TestOracleCorpusMC(t *testing.T) {
	script := testenv.OracleScript(t, "sendmail-check.sh")
	files, _ := filepath.Glob(filepath.Join(testenv.Corpus(t, "sendmail"), "*", "*.mc"))
	if len(files) == 0 {
		t.Fatal("no corpus .mc files")
	}
	for _, p := range files {
		t.Run(filepath.Base(filepath.Dir(p))+"/"+filepath.Base(p), func(t *testing.T) {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			compareWithOracle(t, script, p, runnable(src))
		})
	}
}

// TestOracleTricky runs the RULES.md §5/§7 m4 cases through the real m4.
func TestOracleTricky(t *testing.T) {
	script := testenv.OracleScript(t, "sendmail-check.sh")
	const head = "divert(-1)dnl\ndivert(0)dnl\nOSTYPE(`debian')dnl\n"
	cases := map[string]string{
		"bracketed":          "define(`SMART_HOST', `[smtp.example.com]')dnl\ndefine(`RELAY_MAILER_ARGS', `TCP $h 587')dnl\nMAILER(`smtp')dnl\n",
		"relay prefix":       "define(`SMART_HOST', `relay:[smtp.example.com]')dnl\ndefine(`RELAY_MAILER_ARGS', `TCP $h 587')dnl\nMAILER(`smtp')dnl\n",
		"esmtp prefix":       "define(`SMART_HOST', `esmtp:[smtp.example.com]')dnl\ndefine(`ESMTP_MAILER_ARGS', `TCP $h 587')dnl\nMAILER(`smtp')dnl\n",
		"esmtp args, relay":  "define(`SMART_HOST', `[smtp.example.com]')dnl\ndefine(`ESMTP_MAILER_ARGS', `TCP $h 587')dnl\nMAILER(`smtp')dnl\n",
		"args after MAILER":  "define(`SMART_HOST', `[smtp.example.com]')dnl\nMAILER(`smtp')dnl\ndefine(`RELAY_MAILER_ARGS', `TCP $h 587')dnl\n",
		"no args":            "define(`SMART_HOST', `[smtp.example.com]')dnl\nMAILER(`smtp')dnl\n",
		"port in host":       "define(`SMART_HOST', `[smtp.example.com]:587')dnl\nMAILER(`smtp')dnl\n",
		"straight quotes":    "define('SMART_HOST','[smtp.example.com]')dnl\nMAILER(`smtp')dnl\n",
		"typographic quotes": "define(`SMART_HOST', ‘[smtp.example.com]’)dnl\nMAILER(`smtp')dnl\n",
		"hash line expanded": "# define(`SMART_HOST',`[x.example.com]')\nMAILER(`smtp')dnl\n",
		"dnl line":           "dnl define(`SMART_HOST',`[x.example.com]')\nMAILER(`smtp')dnl\n",
		"redefined":          "define(`SMART_HOST', `[a.example.com]')dnl\nMAILER(`smtp')dnl\ndefine(`SMART_HOST', `[b.example.com]')dnl\n",
		"undefined":          "define(`SMART_HOST', `[a.example.com]')dnl\nundefine(`SMART_HOST')dnl\nMAILER(`smtp')dnl\n",
		"no dnl":             "define(`SMART_HOST', `[smtp.example.com]')\ndefine(`RELAY_MAILER_ARGS', `TCP $h 2525')\nMAILER(`smtp')\n",
		"nullclient":         "FEATURE(`nullclient', `hub.example.com')dnl\n",
		"unclosed quote":     "define(`SMART_HOST', `[smtp.example.com])dnl\nMAILER(`smtp')dnl\n",
		"missing paren":      "define(`SMART_HOST', `[smtp.example.com]'dnl\nMAILER(`smtp')dnl\n",
		"multi-line define":  "define(`SMART_HOST',\n  `[smtp.example.com]')dnl\ndefine(`RELAY_MAILER_ARGS', dnl\n`TCP $h 587')dnl\nMAILER(`smtp')dnl\n",
		"no mailer":          "define(`SMART_HOST', `[smtp.example.com]')dnl\n",
		"unquoted define":    "define(SMART_HOST, [smtp.example.com])dnl\nMAILER(smtp)dnl\n",
		"submission service": "define(`SMART_HOST', `[smtp.example.com]')dnl\ndefine(`RELAY_MAILER_ARGS', `TCP $h submission')dnl\nMAILER(`smtp')dnl\n",
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			compareWithOracle(t, script, name+".mc", []byte(head+body))
		})
	}
}

var dsLine = regexp.MustCompile(`(?m)^DS(.*)$`)

// TestCorpusCF checks the .cf parser against each corpus .cf's own DS and
// mailer lines, read here with plain line matching (as sendmail-check.sh's
// grep/awk do).
func TestCorpusCF(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testenv.Corpus(t, "sendmail"), "*", "*.cf"))
	if len(files) == 0 {
		t.Fatal("no corpus .cf files")
	}
	for _, p := range files {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		cf, err := smp.ParseCF(p, src)
		if err != nil {
			t.Errorf("%s: %v", p, err)
		}
		want := ""
		if m := dsLine.FindAllStringSubmatch(string(src), -1); len(m) > 0 {
			want = m[len(m)-1][1]
		}
		got := ""
		if d := cf.Macro("S"); d != nil {
			got = d.Value
		}
		if got != want {
			t.Errorf("%s: DS %q, file says %q", p, got, want)
		}
		// Mailers: "Mname," then the A= field on a continuation line.
		mailers := map[string]string{}
		cur := ""
		for _, line := range strings.Split(string(src), "\n") {
			if strings.HasPrefix(line, "M") {
				cur, _, _ = strings.Cut(line[1:], ",")
			}
			if i := strings.Index(line, "A="); cur != "" && i >= 0 && (strings.HasPrefix(line, "M") || line[0] == '\t' || line[0] == ' ') {
				mailers[cur] = strings.TrimSpace(line[i+2:])
				cur = ""
			}
		}
		n := 0
		for _, l := range cf.Lines {
			if l.Mailer == nil {
				continue
			}
			n++
			if a := l.Mailer.Fields["A"].Value; a != mailers[l.Mailer.Name] {
				t.Errorf("%s: M%s A=%q, file says %q", p, l.Mailer.Name, a, mailers[l.Mailer.Name])
			}
		}
		if n != len(mailers) {
			t.Errorf("%s: %d mailers parsed, %d in the file", p, n, len(mailers))
		}
		t.Logf("%s: DS%q, %d mailers", filepath.Base(filepath.Dir(p)), got, n)
	}
}

var probeLine = regexp.MustCompile(`^key(\d+)\s+(key\d+|no AUTH)\s`)

// TestOracleAuthKeys delivers through the real sendmail with one AuthInfo
// key at a time (auth-key-probe.sh) and checks SM011's model: a key the
// model matches must authenticate, a key it rejects must not. An address
// key is only judged by the real lookup ({server_addr}; the probe's host
// resolves to 127.0.0.2), which SM011 reports as a warning.
func TestOracleAuthKeys(t *testing.T) {
	script := testenv.OracleScript(t, "auth-key-probe.sh")
	dest := "[smtp.example.com]"
	keys := []string{
		"AuthInfo:smtp.example.com", "AuthInfo:[smtp.example.com]", "AuthInfo:smtp.example.com:",
		"AuthInfo:smtp.example.com.", "AuthInfo:SMTP.Example.COM", "AuthInfo:", "AuthInfo:127.0.0.2",
		"AuthInfo:other.example.com",
	}
	out, err := exec.Command("bash", append([]string{script, "sendmail", dest}, keys...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	real := map[int]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		if m := probeLine.FindStringSubmatch(line); m != nil {
			n := 0
			for _, c := range m[1] {
				n = n*10 + int(c-'0')
			}
			if _, seen := real[n]; !seen { // the first block is "alone"
				real[n] = m[2] != "no AUTH"
			}
		}
	}
	if len(real) != len(keys) {
		t.Fatalf("probe output has %d results for %d keys:\n%s", len(real), len(keys), out)
	}
	mc := "define(`SMART_HOST', `" + dest + "')dnl\ndefine(`RELAY_MAILER_ARGS', `TCP $h 587')dnl\nFEATURE(`authinfo')dnl\nMAILER(`smtp')dnl\n"
	for i, k := range keys {
		s := loadMC(t, "sendmail.mc", []byte(mc))
		src := k + ` "U:u" "P:pw" "M:PLAIN"` + "\n"
		mm, _ := smp.ParseMakemap("authinfo", []byte(src))
		s.Authinfo = &MapFile{File: lint.NewFile("authinfo", lint.KindSendmailAuthinfo, []byte(src)), Parsed: mm}
		model := s.AuthFor(s.Smart) != nil
		got := real[i+1]
		t.Logf("%-32s sendmail AUTH=%v model match=%v", k, got, model)
		if strings.HasPrefix(k, "AuthInfo:127.") {
			continue
		}
		if model != got {
			t.Errorf("%s: real sendmail AUTH=%v, model match=%v", k, got, model)
		}
	}
}
