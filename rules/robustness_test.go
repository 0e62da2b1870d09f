package rules

import (
	"bytes"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/lint/output"
)

// TestPathologicalInputs runs inputs SPEC §8 names through every kind,
// the whole pipeline and both formatters: no panic, bounded output, and
// binary input is a *000 finding rather than garbage findings.
func TestPathologicalInputs(t *testing.T) {
	inputs := map[string][]byte{
		"empty":           {},
		"nul":             []byte("relayhost = [a]:587\x00\x01\x02\n"),
		"invalid utf8":    []byte("relay\xffhost = \xc3(\n\xfe\xfe\n"),
		"crlf":            []byte("relayhost = [smtp.x]:587\r\nsmtp_tls_security_level = encrypt\r\n"),
		"no newline":      []byte("relayhost = [smtp.x]:587"),
		"only whitespace": []byte(" \t \n\n   \n"),
		"huge line":       []byte("relayhost = [a]:587," + strings.Repeat("x", 1<<20) + "\n"),
		"many lines":      bytes.Repeat([]byte(" x\n"), 100000),
		"braces":          []byte("relayhost = ${" + strings.Repeat("${a?{", 5000) + "\n"),
		"bom":             []byte("\xef\xbb\xbfrelayhost = [smtp.x]:587\n"),
	}
	reg := Default()
	for _, kind := range reg.Kinds() {
		for name, src := range inputs {
			t.Run(string(kind)+"/"+name, func(t *testing.T) {
				res, err := lint.RunSource(lint.Options{Registry: reg, NoFollow: true}, "input", kind, src)
				if err != nil {
					t.Fatal(err)
				}
				var text, js bytes.Buffer
				if err := output.Text(&text, res, output.TextOptions{}); err != nil {
					t.Fatal(err)
				}
				if err := output.JSON(&js, res); err != nil {
					t.Fatal(err)
				}
				// Output may grow with the input (a fix that re-indents
				// every line lists every edit) but never without bound.
				if limit := 128*len(src) + 1<<20; text.Len() > limit || js.Len() > limit {
					t.Errorf("output of %d / %d bytes for %d bytes of input", text.Len(), js.Len(), len(src))
				}
				if name == "nul" {
					found := false
					for _, f := range res.Findings {
						found = found || strings.HasSuffix(f.Rule, "000")
					}
					if !found {
						t.Errorf("binary input without a *000 finding:\n%s", dump(res.Findings))
					}
				}
			})
		}
	}
}
