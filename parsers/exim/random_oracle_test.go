package exim

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
)

// randomPieces are lines for random configurations: valid ones and the
// mistakes the parser must catch. Only option names Exim knows are used,
// so that Exim's verdict is about syntax.
var randomPieces = []string{
	"qualify_domain = example.com", "smtp_banner = a # b", `smtp_banner = "a\tb"`, `smtp_banner = "abc`,
	`smtp_banner = "a" x`, "hide smtp_banner = y", "message_logs", "no_message_logs", "not_message_logs",
	"message_logs = false", "FOO = v", "FOO == w", "BAR = FOO", "FOOBAR = 1", "Foo", ".ifdef FOO", ".ifndef BAR",
	".elifdef BAR", ".else", ".endif", "", "# comment", "   # indented comment", "smtp_banner = a \\", "  continued",
	"smtp_banner = x \\   ", "domainlist d = a : b", "hide domainlist h = c", "hide  domainlist h2 = c",
	"begin routers", "begin router", "BEGIN Transports", "begin\ttransports", "begin acl", "begin retry", "begin rewrite",
	"begin foo", "r1:", "r2 :", "r-1:", "1r:", "r3: extra", "  driver = redirect", "  data = :blackhole:",
	"  no_verify", "t1:", "  driver = appendfile", "  file = /tmp/x", "acl_a:", "  accept", "* * F,1h,1m",
	"@ROUTERSTART@", "x y", "qualify_domain x", "  .include_if_exists /nonexistent/x", ".include_if_exists rel",
	"ZED = 1", "  ZED2 = 2", "SMART = s", "SMARTHOST = h", "XFOO = 1", ".include /dev/null", ".include missing.conf",
	".endif\r", "FOO = 1\r", "\\", "  \\", `smtp_banner = "\x"`, `smtp_banner = "\0"`, `smtp_banner = "a\"`,
	".ifdef\tFOO", ".ifdeft FOO", ".elifndef FOO", "hide hide smtp_banner = x", "hide", "domainlist_cache dc = x",
	"domainlistx a = b", "begin local_scan", "begin acls", "begin retrys", "smtp_banner = FOO SMART", "E =", "E smtp_banner = e",
	"  begin routers", "begin  routers", "r4:", "smtp_banner=", "\t#", "\f",
	"  hide data = x", "  data", "  data x", "  no_data", `  data = "q`, `hostlist hl = "a`, `hostlist hl2 = "a" b`,
	"addresslist al = x", "localpartlist lp = y", "  DRV = 1", "r5:\r", "  driver = redirect\r", ".ifndef FOO\r",
	"smtp_banner = \"a\\\n b\"", "qualify_domain = \\", ".include_if_exists \"/dev/null\"", "  .endif",
}

// TestRandomOracle builds 500 random configurations from randomPieces
// (fixed seed) and compares the real `exim -bV` with Parse: accepted →
// no errors; rejected at line N → an error of ours covers line N; a
// rejection we do not report must be semantic (option tables, retry and
// rewrite rule syntax, ACL verbs: the rule layer's business). With 3,000
// configurations all agreed (after fixing the two end-of-file cases they found).
func TestRandomOracle(t *testing.T) {
	if testing.Short() {
		t.Skip("oracle")
	}
	testenv.OracleScript(t, "exim-check.sh")
	root := os.Getenv(testenv.OracleEnv)
	if root == "" {
		root = "/opt/mta-oracles"
	}
	exim := filepath.Join(root, "exim", "usr", "sbin", "exim4")
	semantic := regexp.MustCompile(`set for the second time|unknown|is required|negation prefix|no driver defined|must be specified|not found|cannot find|failed to expand|transport .* not|one of|is not a|retry|rewrite|malformed ACL|ACL|extra characters follow boolean`)
	reLine := regexp.MustCompile(`error in line (\d+) of`)
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(1, 2))
	n, agree, skipped := 0, 0, 0
	kinds := map[string]int{}
	reTS := regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d|/tmp/\S+|line \d+|Warning: purging the environment.\s+Suggested action: use keep_environment.|\s+`)
	for n < 500 {
		var lines []string
		for k := 2 + r.IntN(10); k > 0; k-- {
			lines = append(lines, randomPieces[r.IntN(len(randomPieces))])
		}
		src := strings.Join(lines, "\n") + "\n"
		n++
		path := filepath.Join(dir, "r.conf")
		os.WriteFile(path, []byte(src), 0o644)
		cmd := exec.Command(exim, "-bV", "-C", path)
		var se bytes.Buffer
		cmd.Stderr = &se
		err := cmd.Run()
		c, _ := Parse(path, []byte(src), Options{ReadFile: os.ReadFile})
		if err == nil {
			if len(c.Errors) > 0 {
				t.Errorf("exim accepts, we report %v:\n%s", errStrings(c), src)
			} else {
				agree++
			}
			continue
		}
		msg := se.String()
		m := reLine.FindStringSubmatch(msg)
		if len(c.Errors) == 0 {
			if semantic.MatchString(msg) {
				skipped++
				kinds[reTS.ReplaceAllString(strings.TrimSpace(msg), "")]++
				continue
			}
			t.Errorf("exim rejects (%s), we accept:\n%s", strings.TrimSpace(msg), src)
			continue
		}
		if m != nil {
			line, _ := strconv.Atoi(m[1])
			if errorOnLine(c, path, line) == nil && !semantic.MatchString(msg) {
				// our first error may be earlier: Exim stops at its
				// first one, which then must be one of ours
				t.Errorf("exim rejects at line %d (%s), we %v:\n%s", line, strings.TrimSpace(msg), errStrings(c), src)
				continue
			}
		}
		agree++
	}
	t.Logf("%d random configurations: %d agree, %d semantic rejections skipped", n, agree, skipped)
	for k, v := range kinds {
		t.Logf("skipped %d× %s", v, k)
	}
	if agree < n/2 {
		t.Errorf("only %d of %d agree", agree, n)
	}
}
