package exim

import (
	"path/filepath"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
	"github.com/smarthost-lint/smarthost-lint/lint"
)

// BenchmarkSecurityRules runs EX018–EX034 on the ~3,300-line cPanel
// exim.conf of the corpus (the benchmark file), model built once.
func BenchmarkSecurityRules(b *testing.B) {
	dir := filepath.Join(testenv.Corpus(b, "exim"), "cpanel-exim-forwarding")
	l := lint.NewLoader(lint.OSFileSystem{}, "", false, 0)
	f, err := l.OpenDisk(filepath.Join(dir, "exim.conf"), lint.KindExim)
	if err != nil {
		b.Fatal(err)
	}
	u := Frontend{}.Load(l, f)
	b.ResetTimer()
	for b.Loop() {
		s := u.(*Setup)
		s.memo.Reset() // rules memoise per Setup; measure a fresh run
		s.lists.Clear()
		for _, r := range securityRules {
			r.Check(&lint.Pass{Rule: r, Unit: u, FS: l.FS()})
		}
	}
}
