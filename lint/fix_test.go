package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

func TestPlanFixes(t *testing.T) {
	src := "alpha beta gamma\npassword = hunter2\n"
	f := NewFile("x.fake", "fake", []byte(src))
	pw := strings.Index(src, "hunter2")
	f.AddSecret(pw, pw+len("hunter2"))
	edit := func(from, to, text string) TextEdit {
		s := strings.Index(src, from)
		e := strings.Index(src, to) + len(to)
		return TextEdit{Start: s, End: e, NewText: text}
	}
	finding := func(rule string, line int, safe bool, edits ...TextEdit) Finding {
		return Finding{Rule: rule, Path: f.Path, Start: Pos{line, 1}, Fix: &Fix{Description: rule, Safe: safe, Edits: edits}}
	}
	tests := []struct {
		name     string
		findings []Finding
		unsafe   bool
		want     string
		skipped  []string // reasons, in order
	}{
		{"one safe fix", []Finding{finding("PF001", 1, true, edit("beta", "beta", "BETA"))}, false,
			"alpha BETA gamma\npassword = hunter2\n", nil},
		{"unsafe left out", []Finding{finding("PF001", 1, false, edit("beta", "beta", "BETA"))}, false,
			src, []string{SkipUnsafe}},
		{"unsafe asked for", []Finding{finding("PF001", 1, false, edit("beta", "beta", "BETA"))}, true,
			"alpha BETA gamma\npassword = hunter2\n", nil},
		{"overlap: first in order wins", []Finding{
			finding("PF001", 1, true, edit("alpha", "beta", "A")),
			finding("PF002", 1, true, edit("beta", "gamma", "B")),
		}, false, "A gamma\npassword = hunter2\n", []string{SkipOverlap}},
		{"same line: next pass", []Finding{
			finding("PF001", 1, true, edit("alpha", "alpha", "A")),
			finding("PF002", 1, true, edit(" beta", " beta", "_B")),
		}, false, "A beta gamma\npassword = hunter2\n", []string{SkipOverlap}},
		{"line deleted up to the next line's start", []Finding{
			finding("PF001", 1, true, TextEdit{Start: 0, End: strings.Index(src, "password")}),
			finding("PF002", 2, true, edit("password", "password", "pw")),
		}, false, "pw = hunter2\n", nil},
		{"two insertions at one place", []Finding{
			finding("PF001", 1, true, TextEdit{Start: 0, End: 0, NewText: "x"}),
			finding("PF002", 1, true, TextEdit{Start: 0, End: 0, NewText: "y"}),
		}, false, "x" + src, []string{SkipOverlap}},
		{"identical fixes apply once", []Finding{
			finding("PF001", 1, true, edit("gamma", "gamma", "G")),
			finding("PF002", 1, true, edit("gamma", "gamma", "G")),
		}, false, "alpha beta G\npassword = hunter2\n", nil},
		{"multi-edit fix is all or nothing", []Finding{
			finding("PF001", 1, true, edit("gamma", "gamma", "G")),
			finding("PF002", 1, true, edit("alpha", "alpha", "A"), edit("gamma", "gamma", "g")),
		}, false, "alpha beta G\npassword = hunter2\n", []string{SkipOverlap}},
		{"secret copied", []Finding{finding("PF001", 1, true, edit("alpha", "alpha", "hunter2"))}, false,
			src, []string{SkipSecret}},
		{"secret deleted is fine", []Finding{finding("PF001", 2, true, edit("hunter2", "hunter2", "****"))}, false,
			"alpha beta gamma\npassword = ****\n", nil},
		{"edit past the end", []Finding{finding("PF001", 1, true, TextEdit{Start: 5, End: 500})}, false,
			src, []string{SkipInvalid}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := &Result{Files: []*File{f}, Findings: tt.findings}
			plans := PlanFixes(res, tt.unsafe)
			if len(plans) != 1 {
				t.Fatalf("%d plans", len(plans))
			}
			if got := string(plans[0].New); got != tt.want {
				t.Errorf("new = %q, want %q", got, tt.want)
			}
			var reasons []string
			for _, s := range plans[0].Skipped {
				reasons = append(reasons, s.Reason)
			}
			if !slices.Equal(reasons, tt.skipped) {
				t.Errorf("skipped %q, want %q", reasons, tt.skipped)
			}
			if string(f.Src) != src {
				t.Fatal("PlanFixes modified File.Src")
			}
		})
	}
}

// fixRegistry has a rule that finds the line "bad" and fixes it to "good"
// (safe), and one that finds "ugly" with an unsafe fix.
func fixRegistry() *Registry {
	r := NewRegistry()
	r.AddRules(EngineRules...)
	r.AddFrontend(fakeFrontend{})
	r.AddRules(&Rule{ID: "PF001", MTA: "fake", Severity: SeverityWarning, Title: "bad line", Check: func(p *Pass) {
		for _, f := range p.Unit.Files() {
			off := 0
			for _, line := range strings.SplitAfter(string(f.Src), "\n") {
				word := strings.TrimSuffix(line, "\n")
				if word == "bad" || word == "ugly" {
					fd := f.At(off, off+len(word))
					fd.Message = word
					fd.Fix = &Fix{Description: "write good", Safe: word == "bad", Edits: []TextEdit{{Start: off, End: off + len(word), NewText: "good"}}}
					p.Report(fd)
				}
				off += len(line)
			}
		}
	}})
	return r
}

func TestWriteFixes(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.fake")
	if err := os.WriteFile(path, []byte("ok\nbad\nugly\nbad"), 0o640); err != nil {
		t.Fatal(err)
	}
	// As root (CI), also check that the owner is kept.
	root := os.Geteuid() == 0
	if root {
		if err := os.Chown(path, 1234, 5678); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(dir, "link.fake")
	if err := os.Symlink("a.fake", link); err != nil {
		t.Fatal(err)
	}
	opts := Options{Registry: fixRegistry()}
	res, err := Run(opts, []string{link})
	if err != nil {
		t.Fatal(err)
	}
	out := WriteFixes(res, FixOptions{})
	if len(out) != 1 || !out[0].Written || out[0].Err != nil {
		t.Fatalf("WriteFixes = %+v", out)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "ok\ngood\nugly\ngood" {
		t.Errorf("fixed file = %q", got)
	}
	st, err := os.Lstat(link)
	if err != nil || st.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced: %v %v", st.Mode(), err)
	}
	st, _ = os.Stat(path)
	if st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", st.Mode().Perm())
	}
	if sys := st.Sys().(*syscall.Stat_t); root && (sys.Uid != 1234 || sys.Gid != 5678) {
		t.Errorf("owner %d:%d, want 1234:5678", sys.Uid, sys.Gid)
	}
	assertNoTemp(t, dir)

	// Idempotence: lint again, fix again, nothing changes. The unsafe
	// fix remains a finding.
	res2, err := Run(opts, []string{link})
	if err != nil {
		t.Fatal(err)
	}
	if len(res2.Findings) != 1 || res2.Findings[0].Message != "ugly" {
		t.Errorf("after --fix: %+v", res2.Findings)
	}
	before, _ := os.Stat(path)
	for _, r := range WriteFixes(res2, FixOptions{}) {
		if r.Written || r.Err != nil {
			t.Errorf("second fix wrote or failed: %+v", r)
		}
	}
	after, _ := os.Stat(path)
	if !os.SameFile(before, after) || !before.ModTime().Equal(after.ModTime()) {
		t.Error("second fix replaced the file")
	}

	// With unsafe fixes, the rest goes.
	if out := WriteFixes(res2, FixOptions{Unsafe: true}); len(out) != 1 || !out[0].Written {
		t.Fatalf("unsafe: %+v", out)
	}
	got, _ = os.ReadFile(path)
	if string(got) != "ok\ngood\ngood\ngood" {
		t.Errorf("after unsafe fix: %q", got)
	}
}

func TestWriteFixesRefuses(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.fake")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opts := Options{Registry: fixRegistry()}
	lint := func() *Result {
		t.Helper()
		res, err := Run(opts, []string{path})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	// Changed since it was read.
	write("bad\n")
	res := lint()
	write("bad\nedited by someone else\n")
	if out := WriteFixes(res, FixOptions{}); len(out) != 1 || !errors.Is(out[0].Err, ErrChanged) {
		t.Errorf("changed file: %+v", out)
	}
	if got, _ := os.ReadFile(path); string(got) != "bad\nedited by someone else\n" {
		t.Errorf("changed file was written: %q", got)
	}

	// A syntax error (any *000 finding) on the file.
	write("bad\n")
	res = lint()
	res.Findings = append(res.Findings, Finding{Rule: "PF000", Severity: SeverityError, Path: path, Start: Pos{1, 1}, End: Pos{1, 1}})
	if out := WriteFixes(res, FixOptions{}); len(out) != 1 || !errors.Is(out[0].Err, ErrParseErrors) {
		t.Errorf("file with a syntax error: %+v", out)
	}

	// In-memory input.
	mem, err := RunSource(opts, "mem.fake", "", []byte("bad\n"))
	if err != nil {
		t.Fatal(err)
	}
	if out := WriteFixes(mem, FixOptions{}); len(out) != 1 || !errors.Is(out[0].Err, ErrNotOnDisk) {
		t.Errorf("stdin: %+v", out)
	}
	if got, _ := os.ReadFile(path); string(got) != "bad\n" {
		t.Errorf("file = %q", got)
	}
}

// failingTemp is a temporary file that fails at one step.
type failingTemp struct {
	*os.File
	failAt  string // "write" (after half the data), "sync", "chmod", "close"
	written int
}

var errInjected = errors.New("injected failure")

func (f *failingTemp) Write(p []byte) (int, error) {
	// The new contents (maybe with passwords) are written to a file that
	// only the owner can read, whatever the original's mode.
	if st, err := f.File.Stat(); err != nil || st.Mode().Perm() != 0o600 {
		return 0, fmt.Errorf("temporary file mode %v (%v), want 0600", st.Mode().Perm(), err)
	}
	if f.failAt == "write" {
		n, _ := f.File.Write(p[:len(p)/2])
		return n, errInjected
	}
	return f.File.Write(p)
}

func (f *failingTemp) Sync() error {
	if f.failAt == "sync" {
		return errInjected
	}
	return f.File.Sync()
}

func (f *failingTemp) Chmod(m fs.FileMode) error {
	if f.failAt == "chmod" {
		return errInjected
	}
	return f.File.Chmod(m)
}

func (f *failingTemp) Close() error {
	if f.failAt == "close" {
		f.File.Close()
		return errInjected
	}
	return f.File.Close()
}

// TestWriteFixesAtomic injects a failure at each step of the write: the
// original must be intact and no temporary file left behind.
func TestWriteFixesAtomic(t *testing.T) {
	for _, step := range []string{"create", "write", "sync", "chmod", "close", "none"} {
		t.Run(step, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "a.fake")
			orig := "ok\nbad\n" + strings.Repeat("filler line\n", 1000)
			if err := os.WriteFile(path, []byte(orig), 0o600); err != nil {
				t.Fatal(err)
			}
			res, err := Run(Options{Registry: fixRegistry()}, []string{path})
			if err != nil {
				t.Fatal(err)
			}
			w := AtomicWriter{CreateTemp: func(dir, pattern string) (TempFile, error) {
				if step == "create" {
					return nil, errInjected
				}
				f, err := os.CreateTemp(dir, pattern)
				if err != nil {
					return nil, err
				}
				return &failingTemp{File: f, failAt: step}, nil
			}}
			out := WriteFixes(res, FixOptions{Writer: w})
			if step == "none" {
				// The wrapper itself works: the file is written (and the
				// mode check in Write passed).
				if len(out) != 1 || !out[0].Written {
					t.Fatalf("WriteFixes = %+v", out)
				}
				assertNoTemp(t, dir)
				return
			}
			if len(out) != 1 || !errors.Is(out[0].Err, errInjected) || out[0].Written {
				t.Fatalf("WriteFixes = %+v, want the injected error", out)
			}
			if got, _ := os.ReadFile(path); string(got) != orig {
				t.Error("the original was modified")
			}
			assertNoTemp(t, dir)
		})
	}
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".smarthost-lint-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}
