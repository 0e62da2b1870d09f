package exim

import (
	"path/filepath"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
	"github.com/smarthost-lint/smarthost-lint/lint"
)

// BenchmarkLintCpanel lints the ~3,300-line cPanel exim.conf of the corpus
// in-process with every rule (the registry rules.Default builds, less the
// other MTAs: an import of package rules would be a cycle). The issue's
// target is the wall time of `exim -bV -C` on the same file (16 ms).
func BenchmarkLintCpanel(b *testing.B) {
	p := filepath.Join(testenv.Corpus(b, "exim"), "cpanel-exim-forwarding", "exim.conf")
	reg := testRegistry()
	opts := lint.Options{Registry: reg, Settings: lint.Settings{Port: 587}}
	b.ReportAllocs()
	for b.Loop() {
		res, err := lint.Run(opts, []string{p})
		if err != nil || len(res.Files) == 0 {
			b.Fatal(err)
		}
	}
}
