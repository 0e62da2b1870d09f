package postfix

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
)

// fixtureDir holds this package's fixtures.
var fixtureDir = filepath.Join(testenv.RepoRoot(), "testdata", "postfix", "parser")

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// corpusRoot returns ../shared/corpus/postfix (or under $SMARTHOST_LINT_SHARED)
// when it exists, else "". Fuzz seeds use it without skipping.
func corpusRoot() string {
	shared := os.Getenv(testenv.SharedEnv)
	if shared == "" {
		shared = filepath.Join(testenv.RepoRoot(), "..", "shared")
	}
	dir := filepath.Join(shared, "corpus", "postfix")
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return ""
	}
	return dir
}

// fileKind tells which parser reads a Postfix file.
type fileKind int

const (
	kindMain fileKind = iota
	kindMaster
	kindTable
)

func kindOf(path string) fileKind {
	base := filepath.Base(path)
	switch {
	case base == "main.cf" || strings.HasPrefix(base, "main.cf.") || base == "postfix-main.cf" || strings.HasPrefix(base, "main-"):
		return kindMain
	case base == "master.cf" || strings.HasPrefix(base, "master.cf.") || base == "postfix-master.cf" || strings.HasPrefix(base, "master-"):
		return kindMaster
	}
	return kindTable
}

// walkFiles returns the regular files under dir, sorted.
func walkFiles(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// corpusFiles lists the shared corpus (skipping when it is absent).
func corpusFiles(t testing.TB) []string {
	t.Helper()
	return walkFiles(t, testenv.Corpus(t, "postfix"))
}

// seedFiles lists the fixtures and, when present, the corpus.
func seedFiles(t testing.TB) []string {
	files := walkFiles(t, fixtureDir)
	if dir := corpusRoot(); dir != "" {
		files = append(files, walkFiles(t, dir)...)
	}
	return files
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
