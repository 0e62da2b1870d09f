package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/docs"
)

// fixtures is testdata/cli at the repository root, made absolute so tests
// may change directory.
var fixtures = func() string {
	p, err := filepath.Abs(filepath.Join("..", "..", "testdata", "cli"))
	if err != nil {
		panic(err)
	}
	return p
}()

func fx(parts ...string) string { return filepath.Join(append([]string{fixtures}, parts...)...) }

// secret is the password in fake/bad.fake; no output may contain it.
const secret = "hunter2"

type cliCase struct {
	name   string
	args   []string
	stdin  string
	real   bool // run Main with rules.Default() instead of the fake registry
	code   int
	stdout []string // regular expressions stdout must match
	stderr []string // regular expressions stderr must match
	notOut []string // regular expressions stdout must not match
}

func runCLI(t *testing.T, c cliCase) (stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	var code int
	if c.real {
		code = Main(c.args, strings.NewReader(c.stdin), &out, &errb)
	} else {
		code = mainWith(fakeRegistry(), c.args, strings.NewReader(c.stdin), &out, &errb)
	}
	stdout, stderr = out.String(), errb.String()
	if code != c.code {
		t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, stdout, stderr)
	}
	check := func(what, text string, res []string, want bool) {
		for _, re := range res {
			if regexp.MustCompile(re).MatchString(text) != want {
				verb := "does not match"
				if !want {
					verb = "matches"
				}
				t.Errorf("%s %s %q:\n%s", what, verb, re, text)
			}
		}
	}
	check("stdout", stdout, c.stdout, true)
	check("stderr", stderr, c.stderr, true)
	check("stdout", stdout, c.notOut, false)
	if strings.Contains(stdout+stderr, secret) {
		t.Errorf("output contains the secret %q", secret)
	}
	return stdout, stderr
}

func runCases(t *testing.T, cases []cliCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runCLI(t, c) })
	}
}

// inTempDir runs the test in an empty directory, so that no
// .smarthost-lint.yaml of the developer's checkout is picked up.
func inTempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	return dir
}

func TestUsage(t *testing.T) {
	inTempDir(t)
	runCases(t, []cliCase{
		{name: "help", args: []string{"--help"}, stdout: []string{`(?m)^Usage:`, `--fail-level`, `--max-size`, `explain ID`, `Exit status`}},
		{name: "short help", args: []string{"-h"}, stdout: []string{`Usage:`}},
		{name: "help wins over bad flags", args: []string{"--format", "xml", "-h"}, stdout: []string{`Usage:`}},
		{name: "version flag", args: []string{"--version"}, stdout: []string{`^smarthost-lint \S+\n$`}},
		{name: "version", args: []string{"version"}, stdout: []string{`^smarthost-lint \S+\n$`}},
		{name: "version with argument", args: []string{"version", "x"}, code: 2, stderr: []string{`takes no arguments`, `--help`}},
		{name: "no path", code: 2, stderr: []string{`no PATH to lint`, `Run 'smarthost-lint --help'`}},
		{name: "unknown flag", args: []string{"--frobnicate", "x"}, code: 2, stderr: []string{`unknown flag: --frobnicate`}},
		{name: "format unknown", args: []string{"--format", "xml", fx("fake")}, code: 2, stderr: []string{`unknown --format "xml"`}},
		{name: "color unknown", args: []string{"--color", "purple", fx("fake")}, code: 2, stderr: []string{`unknown --color`}},
		{name: "fail-level unknown", args: []string{"--fail-level", "fatal", fx("fake")}, code: 2, stderr: []string{`--fail-level: unknown severity "fatal"`}},
		{name: "diff and fix", args: []string{"--diff", "--fix", fx("fake")}, code: 2, stderr: []string{`--diff and --fix exclude each other`}},
		{name: "diff with a format", args: []string{"--diff", "--format", "json", fx("fake")}, code: 2, stderr: []string{`--diff prints a patch; --format json does not apply`}},
		{name: "unsafe-fixes alone", args: []string{"--unsafe-fixes", fx("fake")}, code: 2, stderr: []string{`--unsafe-fixes needs --diff or --fix`}},
		{name: "port zero", args: []string{"--port", "0", fx("fake")}, code: 2, stderr: []string{`--port 0 is not a TCP port`}},
		{name: "port not a number", args: []string{"--port", "smtp", fx("fake")}, code: 2, stderr: []string{`invalid argument "smtp"`}},
		{name: "max-size bad", args: []string{"--max-size", "10Q", fx("fake")}, code: 2, stderr: []string{`--max-size: bad size "10Q"`}},
		{name: "max-size exceeded", args: []string{"--max-size", "10", fx("fake", "bad.fake")}, code: 2, stderr: []string{`exceeds the size limit`}},
		{name: "max-size with suffix", args: []string{"--max-size", "1K", fx("fake", "clean.fake")}},
		{name: "unknown rule in --enable", args: []string{"--enable", "GEN999", fx("fake")}, code: 2, stderr: []string{`unknown rule "GEN999"`}},
		{name: "unknown --type", args: []string{"--type", "nonsense", fx("fake", "bad.fake")}, code: 2, stderr: []string{`unknown --type "nonsense"`}},
		{name: "operand after -- is a path", args: []string{"--", "rules"}, code: 2, stderr: []string{`rules: no such file or directory`}},
	})
}

func TestLint(t *testing.T) {
	inTempDir(t)
	bad := fx("fake", "bad.fake")
	runCases(t, []cliCase{
		{name: "findings", args: []string{bad}, code: 1, stdout: []string{
			regexp.QuoteMeta(bad) + `:2:7: error: key is bad \[GEN901\]\n    key = bad\n          \^~~\n    hint: write key = good\n`,
			`:5:12: error: password is shorter than 12 characters \[GEN904\]\n    password = \*\*\*\*\n               \^~~~\n`,
			`:7:8: warning: port is 25, expected 587 \[GEN906\]`,
			`(?m)^2 errors, 2 warnings, 1 info in 1 file\n$`,
		}, notOut: []string{`\x1b\[`, `GEN905`}},
		{name: "clean", args: []string{fx("fake", "clean.fake")}, stdout: []string{`^0 errors, 0 warnings, 0 infos in 1 file\n$`}},
		{name: "quiet", args: []string{"-q", bad}, code: 1, stdout: []string{`GEN901`}, notOut: []string{`errors`}},
		{name: "quiet and clean", args: []string{"--quiet", fx("fake", "clean.fake")}, stdout: []string{`^$`}},
		{name: "directory", args: []string{fx("fake")}, code: 1, stdout: []string{`bad\.fake:2:7`, `warn\.fake:1:7`, `in 6 files`}},
		{name: "fail-level none", args: []string{"--fail-level", "none", bad}, stdout: []string{`GEN901`}},
		{name: "warning fails by default", args: []string{fx("fake", "warn.fake")}, code: 1},
		{name: "warning passes at fail-level error", args: []string{"--fail-level=error", fx("fake", "warn.fake")}},
		{name: "info passes by default", args: []string{fx("fake", "info.fake")}, stdout: []string{`1 info in 1 file`}},
		{name: "info fails at fail-level info", args: []string{"--fail-level", "info", fx("fake", "info.fake")}, code: 1},
		{name: "disable", args: []string{"--disable", "GEN902", fx("fake", "warn.fake")}, notOut: []string{`GEN902`}},
		{name: "disable lower case list", args: []string{"--disable", "gen901, gen904", "--disable=GEN906", bad}, code: 1, notOut: []string{`GEN901`, `GEN904`, `GEN906`}, stdout: []string{`GEN902`}},
		{name: "smarthost", args: []string{"--smarthost", "relay.example.net", bad}, code: 1, stdout: []string{`:6:9: warning: relay is smtp\.example\.com, expected relay\.example\.net \[GEN905\]`}},
		{name: "port", args: []string{"--port", "25", bad}, code: 1, notOut: []string{`GEN906`}},
		{name: "syntax error is a finding", args: []string{fx("fake", "broken.fake")}, code: 1, stdout: []string{`broken\.fake:2:1: error: line without '=' \[GEN900\]`}},
		{name: "inline suppression", args: []string{fx("fake", "suppressed.fake")}, stdout: []string{`^0 errors`}},
		{name: "no-inline-ignore", args: []string{"--no-inline-ignore", fx("fake", "suppressed.fake")}, code: 1, stdout: []string{`GEN901`, `GEN011`}},
		{name: "missing file", args: []string{fx("fake", "missing.fake")}, code: 2, stderr: []string{`missing\.fake: no such file or directory`}},
		{name: "missing among others", args: []string{bad, fx("nope")}, code: 2, stdout: []string{`^$`}},
		{name: "not a config", args: []string{fx("notconfigs", "README.txt")}, code: 2, stderr: []string{`cannot tell which MTA configuration`}},
		{name: "forced type", args: []string{"--type", "fake-conf", fx("notconfigs", "README.txt")}, code: 1, stdout: []string{`GEN900`}},
		{name: "directory without configs", args: []string{fx("notconfigs")}, stdout: []string{`^0 errors, 0 warnings, 0 infos in 0 files\n$`}},
		{name: "verbose lists skipped files", args: []string{"-v", fx("notconfigs")}, stderr: []string{`skipped .*README\.txt: not a mail-server configuration file`, `skipped .*notes\.md`}},
		{name: "json", args: []string{"--format", "json", bad}, code: 1, stdout: []string{`^\{\n  "version": 1,`, `"rule": "GEN904"`, `"error": 2`, `\*\*\*\*|"findings"`}},
		{name: "json ignores -q", args: []string{"--format", "json", "-q", fx("fake", "clean.fake")}, stdout: []string{`"summary"`, `"findings": \[\]`}},
	})
}

func TestJSONIsStable(t *testing.T) {
	inTempDir(t)
	c := cliCase{args: []string{"--format", "json", fx("fake")}, code: 1}
	first, _ := runCLI(t, c)
	second, _ := runCLI(t, c)
	if first != second {
		t.Errorf("two runs differ")
	}
	var doc struct {
		Version  int
		Files    []struct{ Path, Kind string }
		Findings []map[string]any
		Summary  map[string]int
	}
	if err := json.Unmarshal([]byte(first), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 || len(doc.Files) != 6 || len(doc.Findings) == 0 || doc.Summary["error"] == 0 {
		t.Errorf("unexpected document: %+v", doc)
	}
}

func TestStdin(t *testing.T) {
	inTempDir(t)
	src := "key = bad\npassword = hunter2\n"
	runCases(t, []cliCase{
		{name: "needs a type", args: []string{"-"}, stdin: src, code: 2, stderr: []string{`needs --type KIND or --stdin-filename NAME`}},
		{name: "type", args: []string{"--type", "fake-conf", "-"}, stdin: src, code: 1, stdout: []string{`^<stdin>:1:7: error: key is bad`, `password = \*\*\*\*`}},
		{name: "filename", args: []string{"--stdin-filename", "etc/x.fake", "-"}, stdin: src, code: 1, stdout: []string{`^etc/x\.fake:1:7: error`}},
		{name: "filename not recognised", args: []string{"--stdin-filename", "notes.txt", "-"}, stdin: src, code: 2, stderr: []string{`notes\.txt: cannot tell which MTA configuration`}},
		{name: "filename without stdin", args: []string{"--stdin-filename", "x.fake", fx("fake", "bad.fake")}, code: 2, stderr: []string{`--stdin-filename needs PATH -`}},
		{name: "stdin with other paths", args: []string{"--type", "fake-conf", "-", fx("fake", "bad.fake")}, stdin: src, code: 2, stderr: []string{`cannot be combined`}},
		{name: "too large", args: []string{"--type", "fake-conf", "--max-size", "8", "-"}, stdin: src, code: 2, stderr: []string{`read standard input: file exceeds the size limit`}},
		{name: "empty", args: []string{"--type", "fake-conf", "-"}, stdout: []string{`in 1 file`}},
	})
}

func TestConfig(t *testing.T) {
	dir := inTempDir(t)
	bad := fx("fake", "bad.fake")
	runCases(t, []cliCase{
		{name: "overrides", args: []string{"--config", fx("configs", "overrides.yaml"), bad}, code: 1, stdout: []string{
			`relay is smtp\.example\.com, expected other\.example\.net \[GEN905\]`,
			`:4:9: error: third is meh \[GEN903\]`,
		}, notOut: []string{`GEN902`, `GEN906`}},
		{name: "flags override the file", args: []string{"--config", fx("configs", "overrides.yaml"), "--smarthost", "smtp.example.com", "--port", "587", "--enable", "GEN902", bad}, code: 1,
			stdout: []string{`GEN902`, `GEN906`}, notOut: []string{`GEN905`}},
		{name: "fail-level from the file", args: []string{"--config", fx("configs", "overrides.yaml"), fx("fake", "warn.fake")}, notOut: []string{`GEN902`}},
		{name: "fail-level flag beats the file", args: []string{"--config", fx("configs", "overrides.yaml"), "--fail-level", "info", fx("fake", "info.fake")}, code: 1},
		{name: "ignore", args: []string{"--config", fx("configs", "ignore.yaml"), bad}, code: 1, notOut: []string{`GEN901`}, stdout: []string{`GEN904`}},
		{name: "unknown key", args: []string{"--config", fx("configs", "unknown-key.yaml"), bad}, code: 2, stderr: []string{`(?s)unknown-key\.yaml.*unknown key "colour"`}},
		{name: "unknown rule", args: []string{"--config", fx("configs", "unknown-rule.yaml"), bad}, code: 2, stderr: []string{`unknown rule "GEN999"`}},
		{name: "missing", args: []string{"--config", fx("configs", "nope.yaml"), bad}, code: 2, stderr: []string{`nope\.yaml: no such file`}},
	})

	// Found from the working directory upward.
	if err := os.WriteFile(filepath.Join(dir, ".smarthost-lint.yaml"), []byte("fail-level: error\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	runCases(t, []cliCase{
		{name: "found upward", args: []string{"-v", fx("fake", "warn.fake")}, stderr: []string{`using configuration .*\.smarthost-lint\.yaml`}},
		{name: "found upward, flag wins", args: []string{"--fail-level", "warning", fx("fake", "warn.fake")}, code: 1},
	})
	if err := os.WriteFile(filepath.Join(dir, ".smarthost-lint.yaml"), []byte("fail-level: loud\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runCases(t, []cliCase{
		{name: "bad found config", args: []string{fx("fake", "warn.fake")}, code: 2, stderr: []string{`configuration: .*\.smarthost-lint\.yaml: fail-level: unknown severity "loud"`}},
	})
}

func TestSubcommands(t *testing.T) {
	dir := inTempDir(t)
	runCases(t, []cliCase{
		{name: "rules", args: []string{"rules"}, stdout: []string{`^ID\s+SEVERITY\s+MTA\s+TITLE\n`, `(?m)^GEN011\s+info\s+any\s+inline suppression matches no finding$`, `(?m)^GEN901\s+error\s+fake\s+value is bad$`}},
		{name: "rules json", args: []string{"rules", "--format", "json"}, stdout: []string{`"id": "GEN901"`, `"help_uri": "https://`}},
		{name: "rules sarif", args: []string{"rules", "--format", "sarif"}, code: 2},
		{name: "rules with argument", args: []string{"rules", "PF001"}, code: 2, stderr: []string{`rules takes no arguments`}},
		{name: "explain without page", args: []string{"explain", "gen901"}, stdout: []string{`^GEN901: value is bad\n`, `no documentation page yet`, `Online: https://.*/GEN901\.md`}},
		{name: "explain unknown", args: []string{"explain", "XX999"}, code: 2, stderr: []string{`unknown rule "XX999"`}},
		{name: "explain nothing", args: []string{"explain"}, code: 2, stderr: []string{`exactly one rule ID`}},
		{name: "audit", args: []string{"audit", "--root", fx("audit-root")}, code: 1, stdout: []string{`audit-root/etc/postfix/main\.cf:1:7: error: key is bad`}},
		{name: "audit verbose", args: []string{"audit", "-v", "--root", fx("audit-root")}, code: 1, stderr: []string{`found .*main\.cf \(postfix-main\)`}},
		{name: "audit nothing", args: []string{"audit", "--root", dir}, stdout: []string{`^$`}, stderr: []string{`no MTA configuration found under ` + regexp.QuoteMeta(dir)}},
		{name: "audit nothing json", args: []string{"--format", "json", "audit", "--root", dir}, stdout: []string{`"findings": \[\]`}, stderr: []string{`no MTA configuration found`}},
		{name: "audit bad root", args: []string{"audit", "--root", fx("nope")}, code: 2, stderr: []string{`--root .*nope: not a directory`}},
		{name: "audit with argument", args: []string{"audit", "/etc"}, code: 2, stderr: []string{`audit takes no arguments`}},
		{name: "audit with type", args: []string{"audit", "--type", "fake-conf", "--root", dir}, code: 2},
		// Main with the real registry.
		{name: "real rules", real: true, args: []string{"rules"}, stdout: []string{`(?m)^GEN011\s+info\s+any\s`}},
		{name: "real help", real: true, args: []string{"--help"}, stdout: []string{`Usage:`}},
		{name: "real directory without configs", real: true, args: []string{fx("notconfigs")}, stdout: []string{`^0 errors, 0 warnings, 0 infos in 0 files\n$`}},
		{name: "real explain unknown", real: true, args: []string{"explain", "PF999"}, code: 2},
	})
}

func TestColor(t *testing.T) {
	inTempDir(t)
	saved := isTerminal
	t.Cleanup(func() { isTerminal = saved })
	bad := fx("fake", "bad.fake")
	colored := []string{`\x1b\[31;1merror\x1b\[0;22m`, `\x1b\[2m\[GEN901\]`, `\x1b\[32m\^~~\x1b\[0m`}
	cases := []struct {
		name     string
		terminal bool
		env      map[string]string
		args     []string
		want     bool
	}{
		{name: "auto, not a terminal", want: false},
		{name: "auto, terminal", terminal: true, want: true},
		{name: "auto, terminal, NO_COLOR", terminal: true, env: map[string]string{"NO_COLOR": "1"}, want: false},
		{name: "auto, terminal, empty NO_COLOR", terminal: true, env: map[string]string{"NO_COLOR": ""}, want: true},
		{name: "auto, terminal, TERM=dumb", terminal: true, env: map[string]string{"TERM": "dumb"}, want: false},
		{name: "always beats NO_COLOR", env: map[string]string{"NO_COLOR": "1"}, args: []string{"--color=always"}, want: true},
		{name: "never on a terminal", terminal: true, args: []string{"--color", "never"}, want: false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("NO_COLOR", "")
			t.Setenv("TERM", "xterm")
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			isTerminal = func(io.Writer) bool { return c.terminal }
			cc := cliCase{args: append(c.args, bad), code: 1}
			if c.want {
				cc.stdout = colored
			} else {
				cc.notOut = []string{`\x1b`}
			}
			runCLI(t, cc)
		})
	}
}

func TestParseSize(t *testing.T) {
	good := map[string]int64{"1": 1, "4096": 4096, "512K": 512 << 10, "64M": 64 << 20, "64m": 64 << 20, "64MiB": 64 << 20, "64MB": 64 << 20, "1G": 1 << 30, "2T": 2 << 40, "100B": 100}
	for in, want := range good {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1", "1.5G", "10Q", "M", "1IB", "99999999999T"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		}
	}
}

// TestExplainPrintsDocs checks explain against the embedded pages of the
// real rules: the page as written, then the link to it.
func TestExplainPrintsDocs(t *testing.T) {
	ids := docs.IDs()
	if len(ids) == 0 {
		t.Skip("no rule documentation pages yet")
	}
	for _, id := range ids {
		page, _ := docs.Rule(id)
		var out, errb bytes.Buffer
		if code := Main([]string{"explain", strings.ToLower(id)}, nil, &out, &errb); code != 0 {
			t.Errorf("explain %s: exit status %d: %s", id, code, errb.String())
			continue
		}
		if !strings.HasPrefix(out.String(), page) {
			t.Errorf("explain %s does not start with its page", id)
		}
		if !strings.HasSuffix(out.String(), "\nOnline: "+docs.BaseURL+id+".md\n") {
			t.Errorf("explain %s does not end with the link to its page:\n%s", id, out.String())
		}
	}
}
