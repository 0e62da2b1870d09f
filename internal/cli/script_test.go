package cli

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain registers the command twice for the scripts: smarthost-lint is
// the real one (rules.Default()), smarthost-lint-fake lints with the fake
// MTA of fake_test.go. testscript runs them by re-executing this test
// binary, so no separate build is needed.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"smarthost-lint": func() {
			os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
		"smarthost-lint-fake": func() {
			os.Exit(mainWith(fakeRegistry(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": cmdExits,
		},
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
	})
}

// cmdExits runs a program and checks its exit status, which `exec` and
// `! exec` cannot tell apart beyond zero and non-zero:
//
//	exits 2 smarthost-lint --format xml main.cf
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exits")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exits STATUS PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad status %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}
