package exim

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
)

// BenchmarkParseCpanel parses the ~3,300-line cPanel exim.conf of the
// corpus (the benchmark file; `exim -bV` takes about 16 ms).
func BenchmarkParseCpanel(b *testing.B) {
	path := filepath.Join(testenv.Corpus(b, "exim"), "cpanel-exim-forwarding", "exim.conf")
	src, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(path, src, Options{ReadFile: os.ReadFile}); err != nil {
			b.Fatal(err)
		}
	}
}
