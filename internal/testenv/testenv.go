// Package testenv locates the optional test resources that live outside the
// repository: the shared corpus (../shared/corpus) and the real-MTA oracles
// that ../shared/oracles/setup.sh unpacks into /opt/mta-oracles.
//
// On a machine with only the repository the helpers skip the calling test
// with a message saying what is missing. CI sets SMARTHOST_LINT_REQUIRE_SHARED=1,
// which turns every such skip into a failure so that a broken oracle setup
// cannot pass silently.
//
// Only _test.go files may import this package.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// RequireEnv, when set to 1, makes missing shared resources fail tests instead
// of skipping them.
const RequireEnv = "SMARTHOST_LINT_REQUIRE_SHARED"

// SharedEnv overrides the location of the shared directory.
const SharedEnv = "SMARTHOST_LINT_SHARED"

// OracleEnv overrides the oracle root (default /opt/mta-oracles).
const OracleEnv = "ORACLE_ROOT"

func required() bool { return os.Getenv(RequireEnv) == "1" }

func skipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	if required() {
		t.Fatalf(format+" (and "+RequireEnv+"=1)", args...)
	}
	t.Skipf(format, args...)
}

// RepoRoot returns the repository root (the directory holding go.mod).
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Shared returns the shared directory (../shared beside the repository, or
// $SMARTHOST_LINT_SHARED), skipping the test when it is absent.
func Shared(t testing.TB) string {
	t.Helper()
	dir := os.Getenv(SharedEnv)
	if dir == "" {
		dir = filepath.Join(RepoRoot(), "..", "shared")
	}
	if st, err := os.Stat(filepath.Join(dir, "corpus")); err != nil || !st.IsDir() {
		skipOrFail(t, "shared corpus not found at %s: set %s or place ../shared beside the repository", dir, SharedEnv)
	}
	return dir
}

// Corpus returns ../shared/corpus/<mta>.
func Corpus(t testing.TB, mta string) string {
	t.Helper()
	return filepath.Join(Shared(t), "corpus", mta)
}

// Oracle returns the path of a wrapper installed by ../shared/oracles/setup.sh
// (for example "postconf" or "postmap"), skipping the test when it is absent.
func Oracle(t testing.TB, name string) string {
	t.Helper()
	root := os.Getenv(OracleEnv)
	if root == "" {
		root = "/opt/mta-oracles"
	}
	p := filepath.Join(root, "bin", name)
	if _, err := os.Stat(p); err != nil {
		skipOrFail(t, "oracle %s not installed: run `sudo bash ../shared/oracles/setup.sh`", p)
	}
	return p
}

// OracleScript returns the path of a script in ../shared/oracles (for example
// "postfix-check.sh"), skipping the test when it or the oracle tree is absent.
func OracleScript(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(Shared(t), "oracles", name)
	if _, err := os.Stat(p); err != nil {
		skipOrFail(t, "oracle script %s not found", p)
	}
	Oracle(t, "postconf") // the scripts need the unpacked tree
	if os.Geteuid() != 0 {
		skipOrFail(t, "oracle script %s needs root", name)
	}
	return p
}

// LookPath is exec.LookPath that skips the test when the program is missing.
func LookPath(t testing.TB, prog string) string {
	t.Helper()
	p, err := exec.LookPath(prog)
	if err != nil {
		skipOrFail(t, "%s not installed", prog)
	}
	return p
}
