package postfix

import (
	"strings"
	"testing"
)

// TestRobustness feeds every parser hostile input: binary data, NUL bytes,
// invalid UTF-8, huge lines, deep nesting, CRLF, no final newline.
func TestRobustness(t *testing.T) {
	bin := make([]byte, 4096)
	for i := range bin {
		bin[i] = byte(i * 7)
	}
	inputs := map[string]string{
		"binary":       string(bin),
		"nul":          "a = b\x00c\n\x00\n k\x00 v\n",
		"invalid utf8": "\xff\xfe = \xc3\x28\n\xed\xa0\x80 v\n",
		"huge line":    strings.Repeat("x", 1<<20) + " = " + strings.Repeat("y ", 1<<18),
		"many lines":   strings.Repeat("a b = c\n", 5000),
		"quotes":       strings.Repeat("\" ", 5000),
		"backslashes":  strings.Repeat("\\", 5000),
		"braces":       "smtp inet n - y - - smtpd " + strings.Repeat("{", 5000) + strings.Repeat("}", 4000),
		"dollars":      strings.Repeat("${a?", 5000) + strings.Repeat("$(", 5000),
		"crlf only":    strings.Repeat("\r\n", 1000),
		"cr only":      "a = 1\rb = 2\r",
		"spaces":       strings.Repeat(" ", 10000) + "x",
		"continued":    "k v\n" + strings.Repeat(" c\n", 5000),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			m, err := ParseMain("f", []byte(in))
			checkMain(t, in, m, err)
			ms, err := ParseMaster("f", []byte(in))
			checkMaster(t, in, ms, err)
			tab := parseBoth(t, "f", []byte(in))
			checkTable(t, in, tab)
			out, _, _ := ExpandErr(in, func(string) (string, bool) { return in, true }, 0)
			if len(out) > maxExpandOutput+len(in) {
				t.Errorf("expansion of %d bytes", len(out))
			}
			for _, r := range Refs(in) {
				if r.End > len(in) {
					t.Errorf("ref %+v", r)
				}
			}
		})
	}
}
