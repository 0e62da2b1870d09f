package rules

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
	"github.com/smarthost-lint/smarthost-lint/lint"
)

// BenchmarkCorpusMainCF lints each corpus main.cf in memory (bench/ runs the
// whole process against postconf).
func BenchmarkCorpusMainCF(b *testing.B) {
	mains, _ := filepath.Glob(filepath.Join(testenv.Corpus(b, "postfix"), "*/main.cf"))
	reg := Default()
	for _, m := range mains {
		src, err := os.ReadFile(m)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(filepath.Base(filepath.Dir(m)), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if _, err := lint.RunSource(lint.Options{Registry: reg, NoFollow: true}, "main.cf", lint.KindPostfixMain, src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
