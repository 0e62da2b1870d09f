package qmail

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// FuzzLintSmtproutes runs every qmail rule on arbitrary smtproutes and
// authsenders text: no panic, and every finding and fix edit lies inside
// its file.
func FuzzLintSmtproutes(f *testing.F) {
	fixtures, _ := filepath.Glob("../../testdata/qmail/rules/*/*/var/qmail/control/smtproutes")
	for _, p := range fixtures {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, []byte(":relay.mail.test:587|u|p\n"))
		}
	}
	f.Add([]byte(" a : b : 1 x y\r\n.a:\n*:[::1]:0\n"), []byte("@x|u\nx"))
	reg := registry()
	f.Fuzz(func(t *testing.T, routes, auth []byte) {
		dir := t.TempDir()
		ctl := filepath.Join(dir, "control")
		if err := os.MkdirAll(ctl, 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(ctl, "smtproutes"), routes, 0o644)
		os.WriteFile(filepath.Join(ctl, "authsenders"), auth, 0o644)
		res, err := lint.Run(lint.Options{Registry: reg, Settings: lint.Settings{Port: 587, Smarthost: "relay.mail.test"}}, []string{filepath.Join(ctl, "smtproutes")})
		if err != nil {
			t.Fatal(err)
		}
		size := map[string]int{filepath.Join(ctl, "smtproutes"): len(routes), filepath.Join(ctl, "authsenders"): len(auth)}
		for _, fd := range res.Findings {
			n, ok := size[fd.Path]
			if !ok {
				t.Fatalf("finding on unknown file %s", fd.Path)
			}
			if fd.Fix != nil {
				for _, e := range fd.Fix.Edits {
					if e.Start < 0 || e.End < e.Start || e.End > n {
						t.Fatalf("%s: edit %d-%d outside the file (%d bytes)", fd.Rule, e.Start, e.End, n)
					}
				}
			}
		}
	})
}
