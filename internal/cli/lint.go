package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/lint/output"
)

// stdinName is the path shown for standard input without --stdin-filename.
const stdinName = "<stdin>"

// lint lints the operands: files and directories, or "-" for stdin.
func (c *command) lint(paths []string) (int, error) {
	f := c.flags
	stdin := contains(paths, "-")
	if stdin && len(paths) > 1 {
		return exitUsage, usagef("- (standard input) cannot be combined with other paths")
	}
	if !stdin && f.stdinFilename != "" {
		return exitUsage, usagef("--stdin-filename needs PATH - (standard input)")
	}
	if stdin && f.kind == "" && f.stdinFilename == "" {
		return exitUsage, usagef("reading standard input needs --type KIND or --stdin-filename NAME to know what it is")
	}
	opts, failLevel, err := c.options()
	if err != nil {
		return exitUsage, err
	}
	if stdin && f.fix {
		return exitUsage, usagef("--fix cannot rewrite standard input; use --diff, or name the file")
	}

	var res *lint.Result
	if stdin {
		src, err := readLimited(c.stdin, f.maxSizeBytes)
		if err != nil {
			return exitUsage, fmt.Errorf("read standard input: %w", err)
		}
		name := stdinName
		if f.stdinFilename != "" {
			name = f.stdinFilename
		}
		res, err = lint.RunSource(opts, name, opts.Type, src)
		if err != nil {
			return readError(err)
		}
	} else {
		res, err = lint.Run(opts, paths)
		if err != nil {
			return readError(err)
		}
	}
	return c.finish(res, opts, paths, failLevel)
}

// finish prints a result: as a diff of its fixes (--diff), by writing its
// fixes and linting paths again (--fix), or in the output format.
func (c *command) finish(res *lint.Result, opts lint.Options, paths []string, failLevel lint.Severity) (int, error) {
	switch {
	case c.flags.diff:
		return c.diff(res, failLevel)
	case c.flags.fix:
		return c.fix(res, opts, paths, failLevel)
	}
	return c.report(res, failLevel)
}

// report prints res in the chosen format and returns the exit status.
func (c *command) report(res *lint.Result, failLevel lint.Severity) (int, error) {
	f := c.flags
	if f.verbose {
		for _, s := range res.Skipped {
			fmt.Fprintf(c.stderr, "skipped %s: %s\n", s.Path, s.Reason)
		}
	}
	var err error
	switch f.format {
	case "json":
		err = output.JSON(c.stdout, res)
	case "sarif":
		err = output.SARIF(c.stdout, res, c.sarifOptions())
	case "github":
		err = output.GitHub(c.stdout, res)
	case "checkstyle":
		err = output.Checkstyle(c.stdout, res)
	default:
		err = output.Text(c.stdout, res, output.TextOptions{Color: useColor(f.color, c.stdout), Quiet: f.quiet})
	}
	if err != nil {
		return exitUsage, fmt.Errorf("write output: %w", err)
	}
	return exitFor(res, failLevel), nil
}

// options builds lint.Options from the configuration file and the flags;
// flags given on the command line override the file.
func (c *command) options() (lint.Options, lint.Severity, error) {
	f := c.flags
	opts := lint.Options{
		Registry:       c.reg,
		Root:           f.root,
		NoFollow:       f.noFollow,
		NoInlineIgnore: f.noInlineIgnore,
		MaxPerRule:     maxPerRule(f),
		MaxSize:        f.maxSizeBytes,
		Type:           lint.Kind(f.kind),
		Settings:       lint.Settings{Port: 587},
		Enable:         f.enable,
		Disable:        f.disable,
	}
	failLevel := lint.SeverityWarning

	cfg, path, err := c.loadConfig()
	if err != nil {
		return opts, 0, err
	}
	if cfg != nil {
		if f.verbose {
			fmt.Fprintf(c.stderr, "using configuration %s\n", path)
		}
		opts.Settings.Smarthost = cfg.Smarthost
		if cfg.Port != 0 {
			opts.Settings.Port = cfg.Port
		}
		if cfg.FailLevel != "" {
			// ParseConfig has validated it.
			failLevel, _ = lint.ParseSeverity(cfg.FailLevel)
		}
		for id, v := range cfg.Rules {
			id = strings.ToUpper(strings.TrimSpace(id))
			if strings.EqualFold(strings.TrimSpace(v), "off") {
				opts.Off = append(opts.Off, id)
				continue
			}
			sev, err := lint.ParseSeverity(v)
			if err != nil {
				return opts, 0, fmt.Errorf("%s: rules: %s: %w", path, id, err)
			}
			if opts.Severities == nil {
				opts.Severities = map[string]lint.Severity{}
			}
			opts.Severities[id] = sev
		}
		// Map iteration order is random; keep Options deterministic.
		slices.Sort(opts.Off)
		opts.Ignore = cfg.Ignore
		base, err := filepath.Abs(cfg.Dir)
		if err != nil {
			return opts, 0, fmt.Errorf("%s: %w", path, err)
		}
		opts.IgnoreBase = base
	}

	if f.set.Changed("smarthost") {
		opts.Settings.Smarthost = f.smarthost
	}
	if f.set.Changed("port") {
		opts.Settings.Port = f.port
	}
	if f.set.Changed("fail-level") {
		failLevel, _ = lint.ParseSeverity(f.failLevel) // validated
	}
	return opts, failLevel, nil
}

// loadConfig reads --config, or the configuration file found from the
// working directory upward. It returns nil when there is none.
func (c *command) loadConfig() (*lint.Config, string, error) {
	path := c.flags.config
	if path == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, "", nil
		}
		if path = lint.FindConfig(wd); path == "" {
			return nil, "", nil
		}
	}
	cfg, err := lint.LoadConfig(path)
	if err != nil {
		return nil, path, fmt.Errorf("configuration: %w", err)
	}
	return cfg, path, nil
}

// readLimited reads r, refusing more than limit bytes as the file reader
// does for named files.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w (%d bytes, see --max-size)", lint.ErrTooLarge, limit)
	}
	return b, nil
}

// maxPerRule maps --max-per-rule to lint.Options.MaxPerRule: 0 lists all,
// and --fix and --diff always need every finding's edits.
func maxPerRule(f *flags) int {
	if f.maxPerRule <= 0 || f.fix || f.diff {
		return -1
	}
	return f.maxPerRule
}
