package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// auditLocation is a standard place where an MTA keeps its configuration.
// audit lints every one that exists under --root; the MTA's frontend
// follows what the file references (main.cf: master.cf beside it and the
// maps it names), so only entry points belong here.
type auditLocation struct {
	Path string    // absolute path on the audited system; a file or a directory
	Kind lint.Kind // what it holds; locations whose kind no frontend reads are skipped
}

// auditLocations lists the entry points in the order they are linted. Add a
// row when a frontend for another MTA lands.
var auditLocations = []auditLocation{
	{Path: "/etc/postfix/main.cf", Kind: lint.KindPostfixMain},
}

// audit lints the standard locations under --root (default /).
func (c *command) audit(args []string) (int, error) {
	if err := noArgs("audit", args); err != nil {
		return exitUsage, err
	}
	f := c.flags
	if f.stdinFilename != "" || f.kind != "" {
		return exitUsage, usagef("--type and --stdin-filename do not apply to audit, which detects each file's kind")
	}
	root := f.root
	if root == "" {
		root = "/"
	}
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		return exitUsage, usagef("--root %s: not a directory", root)
	}

	var paths []string
	for _, loc := range auditLocations {
		p := filepath.Join(root, loc.Path)
		if _, err := os.Lstat(p); os.IsNotExist(err) {
			continue
		}
		// A file that exists but cannot be read is reported by lint.Run
		// (exit 2), like any named input.
		if c.reg.FrontendFor(loc.Kind) == nil {
			fmt.Fprintf(c.stderr, "%s: found %s, but this build cannot lint %s files\n", progName, p, loc.Kind)
			continue
		}
		if f.verbose {
			fmt.Fprintf(c.stderr, "found %s (%s)\n", p, loc.Kind)
		}
		paths = append(paths, p)
	}

	opts, failLevel, err := c.options()
	if err != nil {
		return exitUsage, err
	}
	if len(paths) == 0 {
		fmt.Fprintf(c.stderr, "%s: no MTA configuration found under %s\n", progName, root)
		if f.format == "json" {
			// Keep stdout machine-readable for fleet-wide collection.
			return c.report(&lint.Result{}, failLevel)
		}
		return exitOK, nil
	}
	res, err := lint.Run(opts, paths)
	if err != nil {
		return readError(err)
	}
	return c.report(res, failLevel)
}
