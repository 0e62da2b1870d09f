package rules

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
	"github.com/smarthost-lint/smarthost-lint/lint"
)

var showCorpus = flag.Bool("corpus.show", false, "print every finding on the real-world corpus (for review)")

// TestPostfixCorpus lints every directory of the real-world Postfix corpus:
// nothing may panic, no file may get PF000 (the real Postfix accepts them
// all), and every file must be recognised. With -corpus.show the findings
// are printed so they can be reviewed one by one.
func TestPostfixCorpus(t *testing.T) {
	corpus := testenv.Corpus(t, "postfix")
	dirs, _ := filepath.Glob(filepath.Join(corpus, "*"))
	reg := Default()
	for _, dir := range dirs {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			res, err := lint.Run(lint.Options{Registry: reg}, []string{dir})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range res.Findings {
				if f.Rule == "PF000" {
					t.Errorf("%s:%d:%d: PF000 on a file Postfix accepts: %s", f.Path, f.Start.Line, f.Start.Column, f.Message)
				}
			}
			if *showCorpus {
				var b strings.Builder
				for _, f := range res.Findings {
					fmt.Fprintf(&b, "%s:%d:%d: %s %s: %s\n", f.Path, f.Start.Line, f.Start.Column, f.Severity, f.Rule, f.Message)
				}
				for _, s := range res.Skipped {
					fmt.Fprintf(&b, "skipped %s: %s\n", s.Path, s.Reason)
				}
				t.Logf("\n%s", b.String())
			}
		})
	}
}
