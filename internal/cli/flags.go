package cli

import (
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/pflag"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// Output formats (SPEC §3) and colour modes.
var (
	formats    = []string{"text", "json", "sarif", "github", "checkstyle"}
	colorModes = []string{"auto", "always", "never"}
)

// flags are the command-line options of every mode. Subcommands ignore the
// ones that do not concern them.
type flags struct {
	set *pflag.FlagSet

	format         string
	color          string
	failLevel      string
	enable         []string
	disable        []string
	config         string
	smarthost      string
	port           int
	diff           bool
	fix            bool
	unsafeFixes    bool
	kind           string
	stdinFilename  string
	noFollow       bool
	root           string
	noInlineIgnore bool
	maxPerRule     int
	maxSize        string
	quiet          bool
	verbose        bool
	help           bool
	showVersion    bool

	// Derived by validate.
	maxSizeBytes int64
}

func parseFlags(args []string) (*flags, error) {
	f := &flags{}
	fs := pflag.NewFlagSet(progName, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.SortFlags = false
	fs.SetInterspersed(true)

	fs.StringVar(&f.format, "format", "text", "output `FORMAT`: text, json, sarif, github (Actions annotations) or checkstyle")
	fs.StringVar(&f.color, "color", "auto", "colour text output: `WHEN` is auto (on a terminal, unless NO_COLOR is set), always or never")
	fs.StringVar(&f.failLevel, "fail-level", "warning", "exit 1 when a finding is at or above `LEVEL`: error, warning, info or none")
	fs.StringSliceVar(&f.enable, "enable", nil, "turn rules on, also those off in the configuration file (`ID,...`: comma-separated, repeatable)")
	fs.StringSliceVar(&f.disable, "disable", nil, "turn rules off (`ID,...`: comma-separated, repeatable)")
	fs.StringVar(&f.config, "config", "", "configuration `FILE` (default: "+lint.ConfigFileName+" in the current directory or above, up to the repository root)")
	fs.StringVar(&f.smarthost, "smarthost", "", "expected relay `HOST`; routing mail elsewhere is a finding")
	fs.IntVar(&f.port, "port", 587, "expected relay port `N`")
	fs.BoolVar(&f.diff, "diff", false, "print the safe fixes as a unified diff for git apply, and change nothing")
	fs.BoolVar(&f.fix, "fix", false, "apply the safe fixes to the files, then lint them again")
	fs.BoolVar(&f.unsafeFixes, "unsafe-fixes", false, "with --diff or --fix, include fixes that need review")
	fs.StringVar(&f.kind, "type", "", "`KIND` of the inputs instead of detecting it (kinds are listed below)")
	fs.StringVar(&f.stdinFilename, "stdin-filename", "", "`NAME` to show for standard input (PATH -) and to detect its kind from")
	fs.BoolVar(&f.noFollow, "no-follow", false, "do not read files referenced by a configuration (maps, includes)")
	fs.StringVar(&f.root, "root", "", "resolve absolute paths inside configurations under `DIR` (a mounted image or a copied /etc)")
	fs.IntVar(&f.maxPerRule, "max-per-rule", lint.DefaultMaxPerRule, "list at most `N` findings of one rule in one file, then one summary (0 = all)")
	fs.BoolVar(&f.noInlineIgnore, "no-inline-ignore", false, "do not honour inline \"smarthost-lint: ignore\" comments; report them instead")
	fs.StringVar(&f.maxSize, "max-size", "64M", "largest file to read: `SIZE` in bytes, or with a K, M or G suffix (powers of 1024)")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "print findings only, no summary")
	fs.BoolVarP(&f.verbose, "verbose", "v", false, "also list skipped files and the configuration file used, on standard error")
	fs.BoolVarP(&f.help, "help", "h", false, "show this help")
	fs.BoolVar(&f.showVersion, "version", false, "print the version")
	f.set = fs

	if err := fs.Parse(args); err != nil {
		return nil, usagef("%v", err)
	}
	return f, nil
}

// validate checks the flag values that pflag cannot.
func (f *flags) validate() error {
	if !contains(formats, f.format) {
		return usagef("unknown --format %q (use %s)", f.format, strings.Join(formats, ", "))
	}
	if !contains(colorModes, f.color) {
		return usagef("unknown --color %q (use auto, always or never)", f.color)
	}
	if _, err := lint.ParseSeverity(f.failLevel); err != nil {
		return usagef("--fail-level: %v", err)
	}
	if f.diff && f.fix {
		return usagef("--diff and --fix exclude each other: --diff shows what --fix would write")
	}
	if f.diff && f.format != "text" {
		return usagef("--diff prints a patch; --format %s does not apply to it", f.format)
	}
	if f.unsafeFixes && !f.diff && !f.fix {
		return usagef("--unsafe-fixes needs --diff or --fix")
	}
	if f.port < 1 || f.port > 65535 {
		return usagef("--port %d is not a TCP port (1-65535)", f.port)
	}
	n, err := parseSize(f.maxSize)
	if err != nil {
		return usagef("--max-size: %v", err)
	}
	f.maxSizeBytes = n
	f.enable = ruleIDs(f.enable)
	f.disable = ruleIDs(f.disable)
	return nil
}

// ruleIDs normalises a --enable/--disable list: upper case, no blanks.
func ruleIDs(list []string) []string {
	var out []string
	for _, id := range list {
		if id = strings.ToUpper(strings.TrimSpace(id)); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// parseSize reads a byte count with an optional binary suffix: 4096, 512K,
// 64M, 1G, 64MiB, 64MB (all suffixes are powers of 1024, as for du and ls).
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	num := strings.TrimRightFunc(t, func(r rune) bool { return r < '0' || r > '9' })
	unit := strings.ToUpper(t[len(num):])
	var mult int64 = 1
	switch strings.TrimSuffix(strings.TrimSuffix(unit, "B"), "I") {
	case "":
		if unit != "" && unit != "B" {
			return 0, fmt.Errorf("bad size %q (want bytes, or a number with K, M or G)", s)
		}
	case "K":
		mult = 1 << 10
	case "M":
		mult = 1 << 20
	case "G":
		mult = 1 << 30
	case "T":
		mult = 1 << 40
	default:
		return 0, fmt.Errorf("bad size %q (want bytes, or a number with K, M or G)", s)
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q (want a positive number of bytes, or one with K, M or G)", s)
	}
	if n > math.MaxInt64/mult {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return n * mult, nil
}

// isTerminal reports whether w is a terminal; tests replace it.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// useColor decides whether text output is coloured. An explicit --color
// always or never wins over NO_COLOR, as https://no-color.org asks; auto
// colours only a terminal, and not when NO_COLOR is set to anything or
// TERM is dumb.
func useColor(mode string, stdout io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return isTerminal(stdout)
}

func usage(f *flags, kinds []lint.Kind) string {
	var b strings.Builder
	fmt.Fprintf(&b, `%[1]s checks mail-server configurations that relay outgoing mail through a
smarthost, and explains every deviation from a working setup.

Usage:
  %[1]s [flags] PATH...        lint files and directories (- reads standard input)
  %[1]s audit [--root DIR]     find and lint this machine's MTA configurations
  %[1]s rules                  list every rule: ID, severity, MTA, title
  %[1]s explain ID             print a rule's documentation
  %[1]s version                print the version

Flags:
`, progName)
	b.WriteString(flagUsages(f.set))
	if len(kinds) > 0 {
		names := make([]string, len(kinds))
		for i, k := range kinds {
			names[i] = string(k)
		}
		fmt.Fprintf(&b, "\nKinds for --type: %s.\n", strings.Join(names, ", "))
	}
	b.WriteString(`
Exit status: 0 no finding at or above the fail level, 1 findings at or above it,
2 a usage error or an input that cannot be read.
`)
	return b.String()
}

// flagUsages lists the flags like pflag's FlagUsages, without the
// "[=true|false]" it appends to every boolean flag.
func flagUsages(fs *pflag.FlagSet) string {
	type row struct{ name, usage string }
	var rows []row
	width := 0
	fs.VisitAll(func(fl *pflag.Flag) {
		name := "      --" + fl.Name
		if fl.Shorthand != "" {
			name = "  -" + fl.Shorthand + ", --" + fl.Name
		}
		varname, text := pflag.UnquoteUsage(fl)
		if fl.Value.Type() != "bool" && varname != "" {
			name += " " + varname
		}
		switch fl.DefValue {
		case "", "false", "[]", "0":
		default:
			text += fmt.Sprintf(" (default %s)", fl.DefValue)
		}
		rows = append(rows, row{name, text})
		width = max(width, len(name))
	})
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%-*s   %s\n", width, r.name, r.usage)
	}
	return b.String()
}
