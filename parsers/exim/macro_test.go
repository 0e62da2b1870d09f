package exim

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
)

// valueCases: the value Exim stores for smtp_banner, by `exim -bP`.
var valueCases = []struct {
	name    string
	src     string
	defines map[string]string
	want    string
}{
	{"hash is data", "smtp_banner = a # b\n", nil, "a # b"},
	{"continuation, comments, trailing blanks", "smtp_banner = a \\  \n  # c\n\t b\\\n c\n", nil, "a bc"},
	{"CRLF", "smtp_banner = a\\\r\n b\r\n", nil, "ab"},
	{"quoted escapes", `smtp_banner = "\101\x41\qd\\ \"x"` + "\n", nil, `AAqd\ "x`},
	{"later macro sees earlier replacement", "AB = CD\nCD = z\nsmtp_banner = AB\n", nil, "z"},
	{"value expanded at definition", "CD = z\nAB = CD\nsmtp_banner = AB\n", nil, "z"},
	{"substring replacement", "SMART = x\nsmtp_banner = SMARTHOST\n", nil, "xHOST"},
	{"shorter name defined later", "SMARTHOST = a\nSMART = b\nsmtp_banner = SMARTHOST SMART\n", nil, "a b"},
	{"no rescan for the same macro", "AA = AAA\nsmtp_banner = AA\n", nil, "AAA"},
	{"redefinition", "FOO = a\nFOO == b\nsmtp_banner = FOO\n", nil, "b"},
	{"builtin macro", "smtp_banner = _HAVE_TLS\n", nil, "y"},
	{"builtins only when the first name starts with _", "smtp_banner = X _HAVE_TLS\n", nil, "X _HAVE_TLS"},
	{"ifdef any substitution", "FOO = 1\n.ifdef xx FOO\nsmtp_banner = yes\n.else\nsmtp_banner = no\n.endif\n", nil, "yes"},
	{"ifdef t quirk", "FOO = 1\n.ifdeft FOO\nsmtp_banner = yes\n.endif\n", nil, "yes"},
	{"ifdef tab is no directive", "smtp_banner = a\n.ifdef\tNOPE\n", nil, "a"},
	{"elifdef", ".ifdef NOPE\nsmtp_banner = 1\n.elifdef _HAVE_TLS\nsmtp_banner = 2\n.else\nsmtp_banner = 3\n.endif\n", nil, "2"},
	{"define overrides file", "FOO = file\nsmtp_banner = FOO\n", map[string]string{"FOO": "cmd"}, "cmd"},
	{"macro on a continuation line is substituted", "FOO = x\nsmtp_banner = a \\\n FOO = b\n", nil, "a x = b"},
	{"empty macro at line start", "E =\nE  smtp_banner = v\n", nil, "v"},
	{"macro making a comment", "H = #\nsmtp_banner = a\nH smtp_banner = b\n", nil, "a"},
	{"-D macros come first in the list", "FO = 2\nsmtp_banner = FOO FO\n", map[string]string{"FOO": "1"}, "1 2"},
	{"-D macros are user macros", "smtp_banner = X _HAVE_TLS FOO\n", map[string]string{"FOO": "1"}, "X _HAVE_TLS 1"},
	{"builtins then -D", "smtp_banner = _HAVE_TLS FOO\n", map[string]string{"FOO": "1"}, "y 1"},
	// At EOF after a continuation, Exim's buffer still holds the last
	// (skipped) physical line, which joins the logical line.
	{"continuation then comment at EOF", "smtp_banner = x\\\n# c\n", nil, "x# c\n"},
	{"continuation then comment at EOF, no newline", "smtp_banner = x \\\n   # c", nil, "x    # c"},
	{"continuation then comment with a macro at EOF", "FOO = Q\nsmtp_banner = x \\\n# c FOO\n", nil, "x # c Q\n"},
	{"continuation then include at EOF", "smtp_banner = x \\\n.include_if_exists \"/nonexistent\"  \n", nil, "x .include_if_exists \"/nonexistent"},
}

func TestValues(t *testing.T) {
	for _, tt := range valueCases {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := Parse("/etc/exim.conf", []byte(tt.src), Options{Defines: tt.defines})
			checkPositions(t, c)
			if len(c.Errors) > 0 {
				t.Fatalf("errors %v", errStrings(c))
			}
			os := c.Main.Options
			if len(os) == 0 {
				t.Fatal("no option")
			}
			if got := os[len(os)-1].Value.S; got != tt.want {
				t.Errorf("smtp_banner = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestValuesOracle: `exim -bP smtp_banner` prints the same values.
func TestValuesOracle(t *testing.T) {
	if testing.Short() {
		t.Skip("oracle")
	}
	testenv.OracleScript(t, "exim-check.sh")
	root := os.Getenv(testenv.OracleEnv)
	if root == "" {
		root = "/opt/mta-oracles"
	}
	exim := filepath.Join(root, "exim", "usr", "sbin", "exim4")
	dir := t.TempDir()
	for i, tt := range valueCases {
		path := filepath.Join(dir, "v"+itoa(i)+".conf")
		os.WriteFile(path, []byte(tt.src), 0o644)
		args := []string{"-C", path}
		for k, v := range tt.defines {
			args = append(args, "-D"+k+"="+v)
		}
		args = append(args, "-bP", "smtp_banner")
		out, err := exec.Command(exim, args...).Output()
		if err != nil {
			t.Errorf("%s: exim: %v", tt.name, err)
			continue
		}
		got := strings.TrimSuffix(strings.TrimPrefix(string(out), "smtp_banner = "), "\n")
		if want := strings.ReplaceAll(tt.want, "\n", `\n`); got != want {
			t.Errorf("%s: exim -bP %q, the table says %q", tt.name, got, tt.want)
		}
	}
}
