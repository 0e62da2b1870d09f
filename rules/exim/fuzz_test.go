package exim

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// FuzzLoadAndLint runs the frontend, the model and every Exim rule on
// arbitrary text given as /etc/exim4/exim4.conf: no panic, no hang, and
// every finding inside the file. Seeded with the rule fixtures.
func FuzzLoadAndLint(f *testing.F) {
	seeds, _ := filepath.Glob("../../testdata/exim/rules/*/*/etc/exim4/exim4.conf")
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("begin routers\nr:\n driver = manualroute\n route_list = * \"<; a:1 ; b\" x\n"))
	reg := testRegistry()
	f.Fuzz(func(t *testing.T, src []byte) {
		res, err := lint.RunSource(lint.Options{Registry: reg, Settings: lint.Settings{Port: 587}}, "/etc/exim4/exim4.conf", lint.KindExim, src)
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range res.Findings {
			if fd.Start.Line < 1 || fd.Start.Line > max(1, len(src)+1) {
				t.Fatalf("finding outside the file: %+v", fd)
			}
		}
	})
}
