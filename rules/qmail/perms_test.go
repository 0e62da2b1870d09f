package qmail

import (
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/ruletest"
)

// TestPermsControlDir checks that QM008's bad-control-dir-0700 fixture
// fails for the directory (qmailr cannot search control/), not the file.
func TestPermsControlDir(t *testing.T) {
	res := ruletest.LintDir(t, registry(), "../../testdata/qmail/rules/QM008/bad-control-dir-0700")
	n := 0
	for _, f := range res.Findings {
		if f.Rule != "QM008" {
			continue
		}
		n++
		if !strings.Contains(f.Message, "cannot enter the directory") {
			t.Errorf("QM008 for another reason: %s", f.Message)
		}
	}
	if n != 1 {
		t.Errorf("%d QM008 findings, want 1", n)
	}
}

// TestCRMessage checks what QM001 says a carriage return ends up in: the
// password only for a real credential dialect, not for "relay : 587",
// whose spaces are a spacing mistake.
func TestCRMessage(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{":relay.mail.test:587 user s3cret\r\n", "the password at the end of the line"},
		{":relay.mail.test:587|user|s3cret\r\n", "the password at the end of the line"},
		{":relay.mail.test : 587\r\n", "the text at the end of the line keeps a carriage return"},
		{":relay.mail.test\r\n", "the relay becomes"},
	} {
		dir := t.TempDir()
		ex := ruletest.Example{Files: []ruletest.ExampleFile{{Path: "var/qmail/control/smtproutes", Content: tc.line}}}
		if err := ex.Materialise(dir); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range ruletest.LintDir(t, registry(), dir).Findings {
			if f.Rule == "QM001" && strings.Contains(f.Message, "CRLF") {
				found = true
				if !strings.Contains(f.Message, tc.want) {
					t.Errorf("%q: %s, want %q", tc.line, f.Message, tc.want)
				}
			}
		}
		if !found {
			t.Errorf("%q: no QM001 for the CR", tc.line)
		}
	}
}
