package cli

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/rules"
)

// Exit statuses (SPEC §3).
const (
	exitOK       = 0 // no finding at or above the fail level
	exitFindings = 1 // findings at or above the fail level
	exitUsage    = 2 // usage error, or a named input that cannot be read
)

const progName = "smarthost-lint"

// Main runs the command with args (without the program name) and returns
// the exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return mainWith(rules.Default(), args, stdin, stdout, stderr)
}

// command is one invocation: the registry to lint with, the streams and
// the parsed flags.
type command struct {
	reg    *lint.Registry
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	flags  *flags
}

// usageError is a mistake on the command line; the message is followed by
// a pointer to --help.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// mainWith is Main with the registry injected, so tests can lint with fake
// frontends and rules.
func mainWith(reg *lint.Registry, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &command{reg: reg, stdin: stdin, stdout: stdout, stderr: stderr}
	code, err := c.run(args)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", progName, err)
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", progName)
		}
	}
	return code
}

// subcommands maps the first operand to its handler. A file with one of
// these names is linted by writing ./NAME, or by putting it after "--".
var subcommands = map[string]func(c *command, args []string) (int, error){
	"audit":   (*command).audit,
	"rules":   (*command).rules,
	"explain": (*command).explain,
	"version": (*command).version,
}

func (c *command) run(args []string) (int, error) {
	f, err := parseFlags(args)
	if err != nil {
		return exitUsage, err
	}
	c.flags = f
	if f.help {
		fmt.Fprint(c.stdout, usage(f, c.reg.Kinds()))
		return exitOK, nil
	}
	if f.showVersion {
		return c.version(nil)
	}
	if err := f.validate(); err != nil {
		return exitUsage, err
	}
	ops := f.set.Args()
	// Operands after "--" are always paths.
	if len(ops) > 0 && f.set.ArgsLenAtDash() != 0 {
		if sub, ok := subcommands[ops[0]]; ok {
			return sub(c, ops[1:])
		}
	}
	if len(ops) == 0 {
		return exitUsage, usagef("no PATH to lint (use - for standard input, or `%s audit`)", progName)
	}
	return c.lint(ops)
}

// noArgs rejects operands for subcommands that take none.
func noArgs(name string, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got %q", name, args)
	}
	return nil
}

// exitFor maps a result to the exit status for the fail level.
func exitFor(res *lint.Result, failLevel lint.Severity) int {
	if lint.Fails(res.Findings, failLevel) {
		return exitFindings
	}
	return exitOK
}

// readError turns an engine error into the exit status: every error lint
// returns before producing a result is about the input or the options.
func readError(err error) (int, error) {
	var ue *lint.UsageError
	if errors.As(err, &ue) {
		return exitUsage, ue
	}
	return exitUsage, err
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }
