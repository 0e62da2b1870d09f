package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/lint/output"
)

// diff prints the fixes of res as a unified diff on stdout (and nothing
// else there, so it can be piped to git apply) and a count on stderr. The
// exit status is that of the findings, as without --diff.
func (c *command) diff(res *lint.Result, failLevel lint.Severity) (int, error) {
	plans := lint.PlanFixes(res, c.flags.unsafeFixes)
	if err := output.Diff(c.stdout, plans); err != nil {
		return exitUsage, fmt.Errorf("write output: %w", err)
	}
	_, skipped, unsafe := countFixes(plans)
	shown, secret := output.DiffShown(plans)
	skipped += secret
	if !c.flags.quiet {
		fmt.Fprintf(c.stderr, "%s: %s in the diff", progName, plural(shown, "fix"))
		if skipped > 0 {
			fmt.Fprintf(c.stderr, ", %d left out (listed in # lines)", skipped)
		}
		if unsafe > 0 {
			fmt.Fprintf(c.stderr, "; %d need review: --unsafe-fixes includes them", unsafe)
		}
		fmt.Fprintln(c.stderr)
	}
	return exitFor(res, failLevel), nil
}

func countFixes(plans []*lint.FixPlan) (applied, skipped, unsafe int) {
	for _, p := range plans {
		applied += len(p.Applied)
		skipped += len(p.Skipped)
		for _, s := range p.Skipped {
			if s.Reason == lint.SkipUnsafe {
				unsafe++
			}
		}
	}
	return
}

// maxFixPasses bounds how often --fix re-lints and fixes again: a fix left
// out because it shared a line with another is applied in the next pass.
const maxFixPasses = 8

// fix writes the safe fixes (all with --unsafe-fixes) into the files, lints
// them again and repeats while fixes were written (see lint.PlanFixes), says
// on stderr what it did and refused, and reports what remains as usual. The
// exit status is that of the remaining findings, or 1 when a file had
// fixes but could not be written.
func (c *command) fix(res *lint.Result, opts lint.Options, paths []string, failLevel lint.Severity) (int, error) {
	fixed := map[string]int{}
	var order []string
	failed := false
	for pass := 0; pass < maxFixPasses; pass++ {
		wrote := false
		for _, r := range lint.WriteFixes(res, lint.FixOptions{Unsafe: c.flags.unsafeFixes}) {
			path := r.Plan.File.Path
			switch {
			case r.Written:
				wrote = true
				if fixed[path] == 0 {
					order = append(order, path)
				}
				fixed[path] += len(r.Plan.Applied)
			case r.Err != nil:
				failed = true
				why := "not fixed: " + r.Err.Error()
				if !errors.Is(r.Err, lint.ErrParseErrors) && !errors.Is(r.Err, lint.ErrChanged) {
					why += "; the file is unchanged"
				}
				fmt.Fprintf(c.stderr, "%s: %s: %s\n", progName, path, why)
			}
		}
		again, err := lint.Run(opts, paths)
		if err != nil {
			return readError(err)
		}
		res = again
		if !wrote || failed {
			break
		}
	}
	for _, path := range order {
		fmt.Fprintf(c.stderr, "%s: fixed %s (%s)\n", progName, path, plural(fixed[path], "fix"))
	}
	if !c.flags.unsafeFixes && !c.flags.quiet {
		if _, _, unsafe := countFixes(lint.PlanFixes(res, false)); unsafe > 0 {
			fmt.Fprintf(c.stderr, "%s: %s need review and were not applied (see --diff --unsafe-fixes)\n", progName, plural(unsafe, "fix"))
		}
	}
	code, err := c.report(res, failLevel)
	if err == nil && failed && code == exitOK {
		code = exitFindings
	}
	return code, err
}

// plural spells a count with its noun ("1 fix", "3 fixes").
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "x") {
		return fmt.Sprintf("%d %ses", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
