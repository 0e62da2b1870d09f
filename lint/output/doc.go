// Package output renders a lint.Result for people and for machines: Text
// (the default, with the source line and a ^~~~ underline), JSON (the
// stable shape of SPEC §4), SARIF 2.1.0 (code scanning), GitHub (Actions
// workflow-command annotations), Checkstyle (reviewdog, Jenkins) and Diff
// (the fixes of lint.PlanFixes as a unified diff for git apply).
//
// Formatters decide nothing: which findings exist, their severities, order
// and fixes all come from lint. They never read files other than through
// lint.File, and they show source only through File.MaskedLine (Diff leaves
// out any line holding a secret), so a secret read from a config cannot
// reach any output. Colour is chosen by the caller (TextOptions.Color);
// this package never inspects the terminal or the environment.
//
// output imports lint and nothing else of this module; the command line
// (internal/cli) and library users import output.
package output
