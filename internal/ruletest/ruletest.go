// Package ruletest runs rule fixtures and rule-doc examples through the
// engine. A fixture is a directory laid out like a machine's root
// (etc/postfix/main.cf, etc/postfix/sasl_passwd, ...) linted with --root set
// to it, so absolute paths inside configs resolve into the fixture. File
// facts that git cannot store (owner, exact mode, age) come from an optional
// facts.txt and are applied through a fake lint.FileSystem.
//
// Only tests import this package.
package ruletest

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// Now is the fixed clock of every fixture run; facts ages are relative to it.
var Now = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

// Fact overrides the metadata of one file of a fixture.
type Fact struct {
	Mode     fs.FileMode
	UID, GID int
	Age      time.Duration // ModTime = Now - Age
	hasMode  bool
	hasOwner bool
	hasAge   bool
}

// FactFS is a lint.FileSystem over the real files of a fixture with some
// metadata replaced. Files without facts are reported as 0644 root:root,
// one hour old, so fixtures do not depend on the checkout's umask or owner.
// A directory is reported as it is on disk unless facts.txt names it; then
// it gets the same defaults (mode 0755) with the fact applied.
type FactFS struct {
	Root  string
	Facts map[string]Fact // by path relative to Root
}

func (f FactFS) rel(p string) string {
	abs, _ := filepath.Abs(p)
	root, _ := filepath.Abs(f.Root)
	r, err := filepath.Rel(root, abs)
	if err != nil {
		return p
	}
	return filepath.ToSlash(r)
}

// ReadFile implements lint.FileSystem.
func (f FactFS) ReadFile(p string, limit int64) ([]byte, error) {
	return lint.OSFileSystem{}.ReadFile(p, limit)
}

// Stat implements lint.FileSystem.
func (f FactFS) Stat(p string) (*lint.FileInfo, error) {
	fi, err := lint.OSFileSystem{}.Stat(p)
	if err != nil {
		return nil, err
	}
	fact, ok := f.Facts[f.rel(p)]
	if fi.Mode.IsDir() && !ok {
		// Directories without a fact keep their real metadata, as before
		// directory facts existed.
		return fi, nil
	}
	fi.Mode = fi.Mode&^fs.ModePerm | 0o644
	if fi.Mode.IsDir() {
		// A directory fact defaults to 0755 (the usual directory mode).
		fi.Mode |= 0o111
	}
	fi.UID, fi.GID = 0, 0
	fi.ModTime = Now.Add(-time.Hour)
	if fact.hasMode {
		fi.Mode = fi.Mode&^fs.ModePerm | fact.Mode
	}
	if fact.hasOwner {
		fi.UID, fi.GID = fact.UID, fact.GID
	}
	if fact.hasAge {
		fi.ModTime = Now.Add(-fact.Age)
	}
	return fi, nil
}

// ReadDir implements lint.FileSystem.
func (f FactFS) ReadDir(p string) ([]fs.DirEntry, error) { return os.ReadDir(p) }

// LookupUser knows the Debian users the rules ask about.
func (f FactFS) LookupUser(name string) (int, int, bool) {
	switch name {
	case "root":
		return 0, 0, true
	case "postfix":
		return 101, 104, true
	case "Debian-exim":
		return 102, 105, true
	}
	return 0, 0, false
}

// LookupGroup knows the Debian groups the rules ask about.
func (f FactFS) LookupGroup(name string) (int, bool) {
	switch name {
	case "root":
		return 0, true
	case "postfix":
		return 104, true
	case "Debian-exim":
		return 105, true
	case "smmsp":
		return 106, true
	}
	return 0, false
}

// ParseFacts reads facts.txt lines: `path mode=0600 owner=0:0 age=200s`.
func ParseFacts(src string) (map[string]Fact, error) {
	facts := map[string]Fact{}
	for n, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		fields := strings.Fields(line)
		var fact Fact
		for _, kv := range fields[1:] {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "mode":
				m, err := strconv.ParseUint(v, 8, 32)
				if err != nil {
					return nil, fmt.Errorf("facts line %d: %v", n+1, err)
				}
				fact.Mode, fact.hasMode = fs.FileMode(m), true
			case "owner":
				u, g, _ := strings.Cut(v, ":")
				uid, err1 := strconv.Atoi(u)
				gid, err2 := strconv.Atoi(g)
				if err1 != nil || err2 != nil {
					return nil, fmt.Errorf("facts line %d: owner wants uid:gid", n+1)
				}
				fact.UID, fact.GID, fact.hasOwner = uid, gid, true
			case "age":
				d, err := time.ParseDuration(v)
				if err != nil {
					return nil, fmt.Errorf("facts line %d: %v", n+1, err)
				}
				fact.Age, fact.hasAge = d, true
			default:
				return nil, fmt.Errorf("facts line %d: unknown key %q", n+1, k)
			}
		}
		// "etc/mail/auth/" and "etc/mail/auth" name the same directory.
		facts[strings.TrimSuffix(fields[0], "/")] = fact
	}
	return facts, nil
}

// Options returns lint options that lint dir as a machine root.
func Options(reg *lint.Registry, dir string, facts map[string]Fact) lint.Options {
	return lint.Options{
		Registry: reg,
		FS:       FactFS{Root: dir, Facts: facts},
		Root:     dir,
		Now:      func() time.Time { return Now },
		Settings: lint.Settings{Port: 587},
	}
}

// LintDir lints a fixture directory with the directory as --root.
func LintDir(t testing.TB, reg *lint.Registry, dir string) *lint.Result {
	t.Helper()
	var facts map[string]Fact
	if b, err := os.ReadFile(filepath.Join(dir, "facts.txt")); err == nil {
		if facts, err = ParseFacts(string(b)); err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
	}
	// The directory is walked like any directory argument: files whose
	// kind is not recognised (facts.txt, want.txt, compiled .db files,
	// etc/passwd) are skipped, and referenced files are still followed.
	opts := Options(reg, dir, facts)
	res, err := lint.Run(opts, []string{dir})
	if err != nil {
		t.Fatalf("lint %s: %v", dir, err)
	}
	return res
}

// Want is one expected finding: a path relative to the fixture, a line and
// a rule.
type Want struct {
	Path string
	Line int
	Rule string
}

func (w Want) String() string { return fmt.Sprintf("%s:%d %s", w.Path, w.Line, w.Rule) }

var wantLine = regexp.MustCompile(`^(\S+):(\d+)\s+([A-Z]+[0-9]{3})$`)

// ReadWant parses want.txt: lines `etc/postfix/main.cf:3 PF001`.
func ReadWant(t testing.TB, dir string) []Want {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "want.txt"))
	if err != nil {
		return nil
	}
	defer f.Close()
	var ws []Want
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		m := wantLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("%s/want.txt: bad line %q", dir, line)
		}
		n, _ := strconv.Atoi(m[2])
		ws = append(ws, Want{m[1], n, m[3]})
	}
	return ws
}

// Got converts findings of the given rule to Wants relative to dir.
func Got(dir string, fs []lint.Finding, rule string) []Want {
	var out []Want
	for _, f := range fs {
		if f.Rule != rule {
			continue
		}
		rel, err := filepath.Rel(dir, f.Path)
		if err != nil {
			rel = f.Path
		}
		out = append(out, Want{filepath.ToSlash(rel), f.Start.Line, f.Rule})
	}
	slices.SortFunc(out, func(a, b Want) int { return strings.Compare(a.String(), b.String()) })
	return slices.Compact(out)
}
