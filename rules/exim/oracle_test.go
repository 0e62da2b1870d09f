package exim

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
	"github.com/smarthost-lint/smarthost-lint/lint"
)

// TestRoutingFixturesWithExim confirms with the real Exim 4.96 (`exim -bt`
// through ../shared/oracles/exim-check.sh, where smtp.provider.test
// resolves to 127.0.0.2) the runtime effects that EX009, EX014 and EX017
// claim for their fixtures, and that our rule fires exactly on the bad
// ones. The harness has no DNS, so route_list gets the `byname` option in
// the temporary copy (host names then come from its /etc/hosts); nothing
// else is changed. EX009's safe fix is applied and checked to route to
// the one host on port 587.
func TestRoutingFixturesWithExim(t *testing.T) {
	script := testenv.OracleScript(t, "exim-check.sh")
	reg := testRegistry()
	cases := []struct {
		fixture string
		rule    string
		bad     bool
		want    []string // regexps the -bt output must match
		not     []string // regexps it must not match
	}{
		{"EX009/bad-single-colon", "EX009", true,
			[]string{`host smtp\.provider\.test \[127\.0\.0\.2\]\s*\n`, `host 587\s+\[0\.0\.2\.75\]`}, []string{`port=587`}},
		{"EX009/good-double-colon", "EX009", false,
			[]string{`host smtp\.provider\.test \[127\.0\.0\.2\] port=587`}, []string{`host 587`}},
		{"EX017/bad-seed-dkim-transport", "EX017", true,
			[]string{`transport "remote_smtp_smart_dkim" not found in smarthost router`}, []string{`router = smarthost`}},
		{"EX017/good-transport-exists", "EX017", false,
			[]string{`router = smarthost, transport = remote_smtp`}, []string{`not found`}},
		{"EX014/bad-undefined-list", "EX014", true,
			[]string{`unknown named domain list "\+local_domains"`, `domains check lookup or other defer`}, []string{`router = smarthost`}},
		{"EX014/good-defined-list", "EX014", false,
			[]string{`router = smarthost, transport = remote_smtp`}, []string{`unknown named`}},
	}
	tmp := t.TempDir()
	_ = os.Chmod(tmp, 0o755)
	for _, c := range cases {
		t.Run(c.fixture, func(t *testing.T) {
			dir := filepath.Join("../../testdata/exim/rules", c.fixture)
			conf := filepath.Join(dir, "etc/exim4/exim4.conf")
			res, err := lint.Run(lint.Options{Registry: reg, Root: dir, Settings: lint.Settings{Port: 587}}, []string{dir})
			if err != nil {
				t.Fatal(err)
			}
			var found []lint.Finding
			for _, f := range res.Findings {
				if f.Rule == c.rule {
					found = append(found, f)
				}
			}
			if c.bad != (len(found) > 0) {
				t.Fatalf("%s findings: %v (bad fixture: %v)", c.rule, found, c.bad)
			}
			src, err := os.ReadFile(conf)
			if err != nil {
				t.Fatal(err)
			}
			out := eximBt(t, script, tmp, src)
			for _, w := range c.want {
				if !regexp.MustCompile(w).MatchString(out) {
					t.Errorf("exim -bt output does not match %q:\n%s", w, out)
				}
			}
			for _, w := range c.not {
				if regexp.MustCompile(w).MatchString(out) {
					t.Errorf("exim -bt output matches %q:\n%s", w, out)
				}
			}
			if c.rule == "EX009" && c.bad {
				fixed := applyFixes(t, src, found)
				out := eximBt(t, script, tmp, fixed)
				if !regexp.MustCompile(`host smtp\.provider\.test \[127\.0\.0\.2\] port=587`).MatchString(out) || strings.Contains(out, "host 587") {
					t.Errorf("after the fix, exim -bt:\n%s", out)
				}
			}
		})
	}
}

var routeListLine = regexp.MustCompile(`(?m)^(\s*route_list\s*=.*)$`)

// eximBt writes src (with `byname` added to route_list) to a temporary
// file and returns the -bt part of exim-check.sh's output.
func eximBt(t *testing.T, script, tmp string, src []byte) string {
	t.Helper()
	p := filepath.Join(tmp, "exim.conf")
	if err := os.WriteFile(p, routeListLine.ReplaceAll(src, []byte("$1 byname")), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", script, p, "someone@remote.test")
	cmd.Env = append(os.Environ(), "SMARTHOSTS=smtp.provider.test")
	out, _ := cmd.CombinedOutput()
	s := string(out)
	if i := strings.Index(s, "--- exim -bt"); i >= 0 {
		return s[i:]
	}
	return s
}

// applyFixes applies the safe fixes of findings to src.
func applyFixes(t *testing.T, src []byte, fs []lint.Finding) []byte {
	t.Helper()
	var edits []lint.TextEdit
	for _, f := range fs {
		if f.Fix == nil || !f.Fix.Safe {
			t.Fatalf("%s has no safe fix", f.Rule)
		}
		edits = append(edits, f.Fix.Edits...)
	}
	slices.SortFunc(edits, func(a, b lint.TextEdit) int { return b.Start - a.Start })
	out := slices.Clone(src)
	for _, e := range edits {
		out = slices.Concat(out[:e.Start], []byte(e.NewText), out[e.End:])
	}
	return out
}
