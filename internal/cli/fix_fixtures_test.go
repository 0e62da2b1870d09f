package cli

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/lint/output"
	"github.com/smarthost-lint/smarthost-lint/rules"
)

// TestFixFixtures applies the safe fixes of every rule fixture of every MTA
// the way --fix does (fix, lint again, repeat) and checks the contract of
// SPEC §6 on real rules: fixing converges (a further pass changes
// nothing), no fix introduces a syntax error (*000) that was not there,
// and a file with a syntax error is never written. The first pass is also
// printed with --diff's formatter and applied with git apply to a second
// copy, which must end up identical to what --fix wrote.
func TestFixFixtures(t *testing.T) {
	reg := rules.Default()
	git, _ := exec.LookPath("git")
	applied := 0
	dirs, _ := filepath.Glob(filepath.Join(fixtures, "..", "*", "rules", "*", "bad-*"))
	if len(dirs) == 0 {
		t.Fatal("no fixtures")
	}
	fixed := 0
	for _, dir := range dirs {
		rel, _ := filepath.Rel(filepath.Join(fixtures, ".."), dir)
		t.Run(rel, func(t *testing.T) {
			root, viaGit := t.TempDir(), t.TempDir()
			if err := copyTree(dir, root); err != nil {
				t.Fatal(err)
			}
			if err := copyTree(dir, viaGit); err != nil {
				t.Fatal(err)
			}
			// Relative paths, so the diff's a/ b/ paths apply in the copy.
			t.Chdir(root)
			opts := lint.Options{Registry: reg, Root: "."}
			run := func() *lint.Result {
				res, err := lint.Run(opts, []string{"."})
				if err != nil {
					t.Fatal(err)
				}
				return res
			}
			broken := func(res *lint.Result) map[string]bool {
				m := map[string]bool{}
				for _, f := range res.Findings {
					if strings.HasSuffix(f.Rule, "000") {
						m[f.Path] = true
					}
				}
				return m
			}
			res := run()
			before := broken(res)
			var patch bytes.Buffer
			if err := output.Diff(&patch, lint.PlanFixes(res, false)); err != nil {
				t.Fatal(err)
			}
			for pass := 0; ; pass++ {
				wrote := false
				for _, r := range lint.WriteFixes(res, lint.FixOptions{}) {
					if r.Written {
						wrote = true
						fixed += len(r.Plan.Applied)
						if before[r.Plan.File.Path] {
							t.Errorf("%s has a syntax error but was written", r.Plan.File.Path)
						}
					}
				}
				if pass == 0 && git != "" && strings.Contains(patch.String(), "\n--- a/") && !strings.Contains(patch.String(), "secret") {
					cmd := exec.Command(git, "apply", "-")
					cmd.Dir, cmd.Stdin = viaGit, bytes.NewReader(patch.Bytes())
					if out, err := cmd.CombinedOutput(); err != nil {
						t.Fatalf("git apply: %v\n%s\n%s", err, out, patch.String())
					}
					applied++
					if err := sameTree(root, viaGit); err != nil {
						t.Errorf("--diff | git apply differs from --fix: %v\n%s", err, patch.String())
					}
				}
				res = run()
				if !wrote {
					break
				}
				if pass == maxFixPasses {
					t.Fatalf("fixes do not converge after %d passes: %v", pass, res.Findings)
				}
			}
			for path := range broken(res) {
				if !before[path] {
					t.Errorf("the fixes introduced a syntax error in %s: %v", path, res.Findings)
				}
			}
		})
	}
	if fixed == 0 {
		t.Fatal("no fixture has a safe fix: the test would be vacuous")
	}
	t.Logf("%d fixes applied; %d diffs applied with git", fixed, applied)
}

// sameTree compares the regular files of two directories.
func sameTree(a, b string) error {
	return filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		x, _ := os.ReadFile(p)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil {
			return err
		}
		if !bytes.Equal(x, y) {
			return fmt.Errorf("%s: %q vs %q", rel, x, y)
		}
		return nil
	})
}

// copyTree copies a fixture, keeping symbolic links as links.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}
