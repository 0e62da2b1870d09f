package sendmail

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
	"github.com/smarthost-lint/smarthost-lint/lint"
	smp "github.com/smarthost-lint/smarthost-lint/parsers/sendmail"
)

// TestCorpusParses parses every corpus file with the parser of its kind:
// none may have a problem that becomes SM000, and .mc files must parse
// without m4 errors (the real m4 builds them all, TestOracleCorpusMC).
func TestCorpusParses(t *testing.T) {
	dir := testenv.Corpus(t, "sendmail")
	n := 0
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		n++
		switch {
		case strings.HasSuffix(p, ".mc"):
			mc, err := smp.ParseMC(p, src)
			if err != nil {
				t.Errorf("%v", err)
			}
			if len(mc.Calls) == 0 {
				t.Errorf("%s: no macro calls", p)
			}
		case strings.HasSuffix(p, ".cf"):
			if _, err := smp.ParseCF(p, src); err != nil {
				t.Errorf("%v", err)
			}
		case filepath.Base(p) == "provider":
			// An m4 fragment (Debian /etc/mail/peers/provider).
			if _, err := smp.ParseMC(p, src); err != nil {
				t.Errorf("%v", err)
			}
		default:
			mm, _ := smp.ParseMakemap(p, src)
			for _, pr := range mm.Problems {
				if pr.Kind == smp.Binary {
					t.Errorf("%s", pr.Error(p))
				}
			}
		}
		return nil
	})
	if n == 0 {
		t.Fatal("empty corpus")
	}
}

// TestCorpusFindings lints the corpus with the sendmail frontend and
// rules (as `smarthost-lint corpus/sendmail` does): no SM000, and the
// findings are listed for review (the list and why each is right is in
// the issue 4 closing note).
func TestCorpusFindings(t *testing.T) {
	dir := testenv.Corpus(t, "sendmail")
	reg := lint.NewRegistry()
	reg.AddRules(lint.EngineRules...)
	reg.AddFrontend(Frontend{})
	reg.AddRules(Rules...)
	// Referenced files (/etc/mail/authinfo ...) are not read: the corpus
	// is not a machine root, and this machine's /etc must not matter.
	res, err := lint.Run(lint.Options{Registry: reg, NoFollow: true, Settings: lint.Settings{Port: 587}}, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range res.Findings {
		rel, _ := filepath.Rel(dir, f.Path)
		fmt.Fprintf(&b, "%s:%d %s %s\n", rel, f.Start.Line, f.Rule, f.Severity)
		if f.Rule == "SM000" {
			t.Errorf("%s:%d:%d: SM000 %s", rel, f.Start.Line, f.Start.Column, f.Message)
		}
	}
	t.Logf("%d files, %d findings:\n%s", len(res.Files), len(res.Findings), b.String())
}
