// Package cli is the smarthost-lint command line: it parses flags (SPEC §3),
// reads .smarthost-lint.yaml, turns both into lint.Options, runs the linter,
// hands the result to a formatter from lint/output and maps it to an exit
// status. It decides nothing about findings itself. audit.go lists the
// standard configuration locations of every MTA; fix.go drives --diff and
// --fix through lint.PlanFixes and lint.WriteFixes; sarif.go describes the
// registered rules to SARIF consumers.
//
// Main takes its arguments, standard streams and returns the exit status
// instead of calling os.Exit, so that tests run the whole command in
// process; cmd/smarthost-lint is a one-line wrapper around it. Nothing else
// should import this package.
package cli
