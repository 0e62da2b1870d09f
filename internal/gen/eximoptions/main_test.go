package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
)

// TestGeneratedUpToDate regenerates rules/exim/options_gen.go from the
// committed dumps and compares.
func TestGeneratedUpToDate(t *testing.T) {
	got, err := generate("data")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../../rules/exim/options_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("rules/exim/options_gen.go is stale: run `go generate ./rules/exim`")
	}
}

// TestLightDumpMatchesOracle captures the Exim binary of
// ../shared/oracles/setup.sh (Debian exim4-daemon-light) again and compares
// with the committed dump, so a changed oracle build is noticed.
func TestLightDumpMatchesOracle(t *testing.T) {
	testenv.OracleScript(t, "exim-check.sh")
	root := os.Getenv(testenv.OracleEnv)
	if root == "" {
		root = "/opt/mta-oracles"
	}
	want, err := os.ReadFile("data/exim4-daemon-light.txt")
	if err != nil {
		t.Fatal(err)
	}
	pkg := string(bytes.TrimPrefix(bytes.SplitN(want, []byte("\n"), 2)[0], []byte("# package: ")))
	got, err := capture(filepath.Join(root, "exim/usr/sbin/exim4"), pkg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("the oracle's Exim differs from data/exim4-daemon-light.txt; re-capture it (see main.go)")
	}
}
