package rules

import (
	"bytes"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/lint/output"
)

// TestDeterministicOutput: rules run concurrently, yet the same input must
// give byte-identical JSON on every run (SPEC §4).
func TestDeterministicOutput(t *testing.T) {
	reg := Default()
	var first []byte
	for i := range 5 {
		res, err := lint.Run(lint.Options{Registry: reg}, []string{"../testdata/postfix/rules"})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := output.JSON(&b, res); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = b.Bytes()
			if len(res.Findings) < 100 {
				t.Fatalf("only %d findings: the test would prove little", len(res.Findings))
			}
			continue
		}
		if !bytes.Equal(first, b.Bytes()) {
			t.Fatalf("run %d differs from run 0", i)
		}
	}
}
