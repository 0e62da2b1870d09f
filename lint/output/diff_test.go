package output

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// planFor builds a one-file result with one safe fix per edit.
func planFor(f *lint.File, edits ...lint.TextEdit) []*lint.FixPlan {
	res := &lint.Result{Files: []*lint.File{f}}
	for i, e := range edits {
		fd := f.At(e.Start, e.End)
		fd.Rule = fmt.Sprintf("PF%03d", i+1)
		fd.Fix = &lint.Fix{Description: "edit " + fd.Rule, Safe: true, Edits: []lint.TextEdit{e}}
		res.Findings = append(res.Findings, fd)
	}
	lint.SortFindings(res.Findings)
	return lint.PlanFixes(res, false)
}

func renderDiff(t *testing.T, plans []*lint.FixPlan) string {
	t.Helper()
	var b bytes.Buffer
	if err := Diff(&b, plans); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestDiffGolden(t *testing.T) {
	src := "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\nline 11\nline 12\nlast"
	f := lint.NewFile("etc/postfix/main.cf", lint.KindPostfixMain, []byte(src))
	at := func(s string) int { return strings.Index(src, s) }
	got := renderDiff(t, planFor(f,
		lint.TextEdit{Start: at("2\n"), End: at("2\n") + 1, NewText: "two"},
		lint.TextEdit{Start: at("line 4"), End: at("line 4"), NewText: "# new\n"},
		lint.TextEdit{Start: at("last"), End: len(src), NewText: "last\n"},
	))
	want := `# etc/postfix/main.cf:2: PF001: edit PF001
# etc/postfix/main.cf:4: PF002: edit PF002
# etc/postfix/main.cf:13: PF003: edit PF003
--- a/etc/postfix/main.cf
+++ b/etc/postfix/main.cf
@@ -1,6 +1,7 @@
 line 1
-line 2
+line two
 line 3
+# new
 line 4
 line 5
 line 6
@@ -10,4 +11,4 @@
 line 10
 line 11
 line 12
-last
\ No newline at end of file
+last
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestDiffSecrets: context never shows a line holding a secret, and a
// change on such a line is left out with a note.
func TestDiffSecrets(t *testing.T) {
	src := "a\nb\nc\n[smtp.x]:587 user:hunter2\nd\ne\nf\ng\nh\n"
	f := lint.NewFile("etc/postfix/sasl_passwd", lint.KindPostfixMap, []byte(src))
	s := strings.Index(src, "hunter2")
	f.AddSecret(s, s+len("hunter2"))
	got := renderDiff(t, planFor(f,
		lint.TextEdit{Start: strings.Index(src, "f\n"), End: strings.Index(src, "f\n") + 1, NewText: "F"},
		lint.TextEdit{Start: strings.Index(src, "user"), End: strings.Index(src, "user") + 4, NewText: "u"},
	))
	if strings.Contains(got, "hunter2") {
		t.Fatalf("the diff shows the secret:\n%s", got)
	}
	if !strings.Contains(got, "@@ -5,5 +5,5 @@\n d\n e\n-f\n+F\n g\n h\n") {
		t.Errorf("want the hunk for f with two lines of context:\n%s", got)
	}
	if !strings.Contains(got, "# not in this diff: etc/postfix/sasl_passwd:4: PF002: edit PF002 (the line holds a secret; --fix applies it)") {
		t.Errorf("the hidden change is not noted:\n%s", got)
	}
}

// TestDiffSecretNeighbour: a change whose hunk cannot be shown without a
// neighbouring line holding a secret (even with one line of context) is
// listed as left out, not as in the diff, and DiffShown does not count it.
func TestDiffSecretNeighbour(t *testing.T) {
	src := "a : b\nc : d\n.x:y:587 user hunter2\n"
	f := lint.NewFile("var/qmail/control/smtproutes", lint.KindQmailSmtproutes, []byte(src))
	s := strings.Index(src, "hunter2")
	f.AddSecret(s, s+len("hunter2"))
	plans := planFor(f,
		lint.TextEdit{Start: 1, End: 4, NewText: ":"},
		lint.TextEdit{Start: 7, End: 10, NewText: ":"},
	)
	got := renderDiff(t, plans)
	if strings.Contains(got, "hunter2") || strings.Contains(got, "@@") {
		t.Fatalf("the diff shows a hunk next to the secret:\n%s", got)
	}
	for _, l := range []string{
		"# not in this diff: var/qmail/control/smtproutes:1: PF001: edit PF001 (a line next to it holds a secret; --fix applies it)",
		"# not in this diff: var/qmail/control/smtproutes:2: PF002: edit PF002 (a line next to it holds a secret; --fix applies it)",
	} {
		if !strings.Contains(got, l+"\n") {
			t.Errorf("missing %q in\n%s", l, got)
		}
	}
	if shown, secret := DiffShown(plans); shown != 0 || secret != 2 {
		t.Errorf("DiffShown = %d, %d; want 0, 2", shown, secret)
	}
}

// TestDiffGitApply generates random files and random non-overlapping edits,
// and checks that git apply turns each file into what PlanFixes computed.
func TestDiffGitApply(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	var plans []*lint.FixPlan
	for i := range 40 {
		var src strings.Builder
		n := 1 + rng.IntN(30)
		for j := range n {
			fmt.Fprintf(&src, "param%d = value %d\n", j, rng.IntN(5))
		}
		text := src.String()
		if rng.IntN(3) == 0 {
			text = strings.TrimSuffix(text, "\n") // no final newline
		}
		name := fmt.Sprintf("dir%d/main.cf", i)
		f := lint.NewFile(name, lint.KindPostfixMain, []byte(text))
		var edits []lint.TextEdit
		for off := 0; off < len(text); off += 1 + rng.IntN(120) {
			end := min(len(text), off+rng.IntN(25))
			repl := []string{"", "x", "\n", "new line\n", "a\nb"}[rng.IntN(5)]
			edits = append(edits, lint.TextEdit{Start: off, End: end, NewText: repl})
			off = end
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		plans = append(plans, planFor(f, edits...)...)
	}
	patch := renderDiff(t, plans)
	cmd := exec.Command(git, "apply", "--check", "-")
	cmd.Dir, cmd.Stdin = dir, strings.NewReader(patch)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git apply --check: %v\n%s", err, out)
	}
	cmd = exec.Command(git, "apply", "-")
	cmd.Dir, cmd.Stdin = dir, strings.NewReader(patch)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git apply: %v\n%s", err, out)
	}
	for _, p := range plans {
		got, err := os.ReadFile(filepath.Join(dir, p.File.Path))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, p.New) {
			t.Errorf("%s after git apply:\n%q\nwant\n%q", p.File.Path, got, p.New)
		}
	}
}
