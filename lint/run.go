package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Options configure one run of the linter. The zero value of each field is
// a sensible default except Registry, which is required.
type Options struct {
	Registry       *Registry
	FS             FileSystem // default: the real file system
	Root           string     // --root: absolute paths inside configs resolve under it
	NoFollow       bool       // --no-follow
	NoInlineIgnore bool       // --no-inline-ignore
	MaxSize        int64      // --max-size; default DefaultMaxSize
	Type           Kind       // --type: forced kind for stdin and explicit files
	Settings       Settings
	Enable         []string            // --enable: rules to turn on (over config "off")
	Disable        []string            // --disable
	Severities     map[string]Severity // per-rule overrides (config rules:)
	Off            []string            // rules turned off by the config file
	Ignore         []PathIgnore        // config ignore:
	IgnoreBase     string              // directory ignore globs are relative to
	Now            func() time.Time    // clock for staleness rules; default time.Now
	// MaxPerRule caps the findings of one rule in one file: beyond it one
	// summary finding stands for the rest, so 100,000 pasted lines give a
	// readable report. 0 means DefaultMaxPerRule; negative keeps every
	// finding (--fix and --diff need every edit).
	MaxPerRule int
}

// DefaultMaxPerRule is the default for Options.MaxPerRule.
const DefaultMaxPerRule = 100

// Skipped is a file a directory walk passed over, with the reason (-v).
type Skipped struct {
	Path   string
	Reason string
}

// Result is what a run produced.
type Result struct {
	Files    []*File
	Findings []Finding
	Skipped  []Skipped
}

// UsageError is an error the CLI maps to exit status 2: a named input that
// cannot be read, an unknown kind, an unknown rule ID.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usageErr(format string, args ...any) error {
	return &UsageError{fmt.Errorf(format, args...)}
}

// Validate checks rule IDs named in options.
func (o *Options) validate() error {
	if o.Registry == nil {
		return errors.New("lint: Options.Registry is nil")
	}
	for _, list := range [][]string{o.Enable, o.Disable} {
		for _, id := range list {
			if _, ok := o.Registry.Rule(id); !ok {
				return usageErr("unknown rule %q (see `smarthost-lint rules`)", id)
			}
		}
	}
	for _, id := range o.Off {
		if _, ok := o.Registry.Rule(id); !ok {
			return usageErr("unknown rule %q in configuration (see `smarthost-lint rules`)", id)
		}
	}
	for id := range o.Severities {
		if _, ok := o.Registry.Rule(id); !ok {
			return usageErr("unknown rule %q in configuration (see `smarthost-lint rules`)", id)
		}
	}
	for _, ig := range o.Ignore {
		for _, id := range ig.Rules {
			if _, ok := o.Registry.Rule(id); !ok {
				return usageErr("unknown rule %q in configuration ignore (see `smarthost-lint rules`)", id)
			}
		}
	}
	if o.Type != "" && o.Registry.FrontendFor(o.Type) == nil {
		return usageErr("unknown --type %q (one of %s)", o.Type, kindList(o.Registry.Kinds()))
	}
	return nil
}

func kindList(ks []Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// Enabled reports whether rule id runs under these options.
func (o *Options) Enabled(id string) bool {
	if slices.Contains(o.Disable, id) {
		return false
	}
	if slices.Contains(o.Enable, id) {
		return true
	}
	return !slices.Contains(o.Off, id)
}

type candidate struct {
	file     *File
	frontend Frontend
}

// Run lints the files and directories in paths.
func Run(opts Options, paths []string) (*Result, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	l := NewLoader(opts.FS, opts.Root, opts.NoFollow, opts.MaxSize)
	var cands []candidate
	var skipped []Skipped
	for _, p := range paths {
		st, err := l.fs.FS.Stat(p)
		if err != nil {
			return nil, usageErr("%s: %w", p, unwrapPathErr(err))
		}
		if st.Mode.IsDir() {
			c, s, err := walk(&opts, l, p)
			if err != nil {
				return nil, err
			}
			cands = append(cands, c...)
			skipped = append(skipped, s...)
			continue
		}
		if !st.Mode.IsRegular() {
			return nil, usageErr("%s: not a regular file", p)
		}
		f, err := l.open(p, p, "")
		if err != nil {
			return nil, usageErr("%s: %w", p, unwrapPathErr(err))
		}
		kind, fe := opts.Type, Frontend(nil)
		if kind != "" {
			fe = opts.Registry.FrontendFor(kind)
		} else {
			kind, fe = opts.Registry.Detect(p, f.Src)
		}
		if fe == nil {
			return nil, usageErr("%s: cannot tell which MTA configuration this is; pass --type (one of %s)", p, kindList(opts.Registry.Kinds()))
		}
		f.Kind = kind
		cands = append(cands, candidate{f, fe})
	}
	return run(&opts, l, cands, skipped), nil
}

// RunSource lints one in-memory file (stdin, or a library caller's buffer)
// shown as name. kind may be empty to detect it from the name and content.
func RunSource(opts Options, name string, kind Kind, src []byte) (*Result, error) {
	if kind != "" {
		opts.Type = kind
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	l := NewLoader(opts.FS, opts.Root, opts.NoFollow, opts.MaxSize)
	var fe Frontend
	if opts.Type != "" {
		kind, fe = opts.Type, opts.Registry.FrontendFor(opts.Type)
	} else {
		kind, fe = opts.Registry.Detect(name, src)
	}
	if fe == nil {
		return nil, usageErr("%s: cannot tell which MTA configuration this is; pass --type (one of %s)", name, kindList(opts.Registry.Kinds()))
	}
	f := NewFile(name, kind, src)
	return run(&opts, l, []candidate{{f, fe}}, nil), nil
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// detectHead is how much of a file with an unknown name is read to
// detect its kind from content.
const detectHead = 64 << 10

func walk(opts *Options, l *Loader, dir string) ([]candidate, []Skipped, error) {
	var cands []candidate
	var skipped []Skipped
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			skipped = append(skipped, Skipped{p, unwrapPathErr(err).Error()})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != dir && (d.Name() == ".git" || d.Name() == "node_modules") {
				return fs.SkipDir
			}
			return nil
		}
		// Symlinks to files are followed; symlinks to directories are not
		// walked, which also rules out symlink loops.
		st, err := l.fs.FS.Stat(p)
		if err != nil {
			skipped = append(skipped, Skipped{p, unwrapPathErr(err).Error()})
			return nil
		}
		if !st.Mode.IsRegular() {
			skipped = append(skipped, Skipped{p, "not a regular file"})
			return nil
		}
		// Detect from the name, then from the first bytes, before reading
		// a whole file: a walked /etc holds many large files that are not
		// mail configuration.
		kind, fe := opts.Registry.Detect(p, nil)
		if fe == nil {
			head, err := l.fs.FS.ReadFile(p, detectHead)
			if errors.Is(err, ErrTooLarge) {
				skipped = append(skipped, Skipped{p, "not a mail-server configuration file (name unknown, larger than 64 KiB)"})
				return nil
			}
			if err != nil {
				skipped = append(skipped, Skipped{p, unwrapPathErr(err).Error()})
				return nil
			}
			if kind, fe = opts.Registry.Detect(p, head); fe == nil {
				skipped = append(skipped, Skipped{p, "not a mail-server configuration file"})
				return nil
			}
		}
		f, err := l.open(p, p, kind)
		if err != nil {
			skipped = append(skipped, Skipped{p, unwrapPathErr(err).Error()})
			return nil
		}
		f.Kind = kind
		cands = append(cands, candidate{f, fe})
		return nil
	})
	if err != nil {
		return nil, nil, usageErr("%s: %w", dir, err)
	}
	return cands, skipped, nil
}

func run(opts *Options, l *Loader, cands []candidate, skipped []Skipped) *Result {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	for _, c := range cands {
		l.Adopt(c.file)
	}
	// Roots (main.cf) load first so the maps they reference are linted in
	// their context rather than on their own.
	slices.SortStableFunc(cands, func(a, b candidate) int {
		ra, rb := a.frontend.IsRoot(a.file.Kind), b.frontend.IsRoot(b.file.Kind)
		switch {
		case ra && !rb:
			return -1
		case rb && !ra:
			return 1
		}
		return 0
	})
	claimed := map[*File]bool{}
	var units []Unit
	for _, c := range cands {
		if claimed[c.file] {
			continue
		}
		u := c.frontend.Load(l, c.file)
		if u == nil {
			continue
		}
		units = append(units, u)
		for _, f := range u.Files() {
			claimed[f] = true
		}
	}
	res := &Result{Skipped: skipped}
	seen := map[*File]bool{}
	findings := slices.Clone(l.findings)
	multi, inactive := multipleMTAs(opts, l, units)
	findings = append(findings, multi...)
	for _, u := range units {
		for _, f := range u.Files() {
			if !seen[f] {
				seen[f] = true
				res.Files = append(res.Files, f)
			}
		}
		findings = append(findings, runRules(opts, l, u, now())...)
	}
	res.Findings = postprocess(opts, res.Files, findings)
	if opts.Enabled(RuleMultipleMTAs) {
		downgradeInactive(res.Findings, inactive)
	}
	return res
}

// runRules runs every enabled rule on one unit, on all CPUs: rules only
// read the unit, and lazily built views of it are guarded by the frontend
// (see postfix.Setup.Memo). Findings keep rule order.
func runRules(opts *Options, l *Loader, u Unit, now time.Time) []Finding {
	var passes []*Pass
	for _, r := range opts.Registry.Rules() {
		if r.Check == nil || (r.MTA != "" && r.MTA != u.MTA()) || !opts.Enabled(r.ID) {
			continue
		}
		p := &Pass{Rule: r, Unit: u, Settings: opts.Settings, FS: l.FS(), Now: now}
		if p.Settings.Port == 0 {
			p.Settings.Port = 587
		}
		passes = append(passes, p)
	}
	work := make(chan *Pass)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(passes)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				p.Rule.Check(p)
			}
		}()
	}
	for _, p := range passes {
		work <- p
	}
	close(work)
	wg.Wait()
	var out []Finding
	for _, p := range passes {
		out = append(out, p.found...)
	}
	return out
}

func postprocess(opts *Options, files []*File, fs []Finding) []Finding {
	known := func(id string) bool { _, ok := opts.Registry.Rule(id); return ok }
	kept := fs[:0]
	for _, f := range fs {
		if !opts.Enabled(f.Rule) || ignoredByConfig(opts, f) {
			continue
		}
		kept = append(kept, f)
	}
	out := applySuppressions(files, kept, known, opts.Enabled, opts.NoInlineIgnore)
	final := out[:0]
	for _, f := range out {
		if !opts.Enabled(f.Rule) {
			continue
		}
		if sev, ok := opts.Severities[f.Rule]; ok {
			f.Severity = sev
		}
		f.Message, f.Hint = shorten(f.Message), shorten(f.Hint)
		final = append(final, f)
	}
	final = dedupe(final)
	SortFindings(final)
	return capPerRule(final, opts.MaxPerRule)
}

// capPerRule keeps the first max findings of each rule in each file and
// replaces the rest with one finding at the first dropped position, with
// the highest severity dropped so exit codes and summaries keep their
// meaning. fs is sorted.
func capPerRule(fs []Finding, limit int) []Finding {
	if limit == 0 {
		limit = DefaultMaxPerRule
	}
	if limit < 0 || len(fs) <= limit {
		return fs
	}
	type key struct{ path, rule string }
	count := map[key]int{}
	summary := map[key]int{} // index in out of the summary finding
	out := fs[:0:0]
	for _, f := range fs {
		k := key{f.Path, f.Rule}
		count[k]++
		switch n := count[k]; {
		case n <= limit:
			out = append(out, f)
		case n == limit+1:
			s := Finding{Rule: f.Rule, Severity: f.Severity, Path: f.Path, Start: f.Start, End: f.End}
			summary[k] = len(out)
			out = append(out, s)
		default:
			s := &out[summary[k]]
			s.Severity = max(s.Severity, f.Severity)
		}
	}
	for k, i := range summary {
		n := count[k] - limit
		out[i].Message = fmt.Sprintf("%d more %s findings in this file from here on are not listed (the first %d are); fix those and lint again, or pass --max-per-rule 0 to list all", n, k.rule, limit)
	}
	return out
}

func ignoredByConfig(opts *Options, f Finding) bool {
	for _, ig := range opts.Ignore {
		if !matchPath(opts.IgnoreBase, ig.Path, f.Path) {
			continue
		}
		if len(ig.Rules) == 0 || slices.Contains(ig.Rules, f.Rule) {
			return true
		}
	}
	return false
}

// matchPath matches a config glob against a finding path: relative to the
// config's directory, against the path as shown, or against its base name
// for globs without a slash (as .gitignore does).
func matchPath(base, glob, path string) bool {
	cands := []string{filepath.ToSlash(path)}
	if base != "" {
		if abs, err := filepath.Abs(path); err == nil {
			if rel, err := filepath.Rel(base, abs); err == nil {
				cands = append(cands, filepath.ToSlash(rel))
			}
		}
	}
	if !strings.Contains(glob, "/") {
		cands = append(cands, filepath.Base(path))
	}
	for _, c := range cands {
		if ok, _ := filepath.Match(glob, c); ok {
			return true
		}
		// "dir/**" style: a glob ending in /** matches everything below.
		if prefix, ok := strings.CutSuffix(glob, "/**"); ok && strings.HasPrefix(c, prefix+"/") {
			return true
		}
	}
	return false
}

// dedupe drops findings that are identical in every field, which happens
// when two units share a referenced file.
func dedupe(fs []Finding) []Finding {
	type key struct {
		rule, path, msg string
		s, e            Pos
	}
	seen := map[key]bool{}
	out := fs[:0]
	for _, f := range fs {
		k := key{f.Rule, f.Path, f.Message, f.Start, f.End}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, f)
	}
	return out
}

// maxTextLen caps messages and hints: rules quote values from the config,
// and a 2 MB relayhost must not become a 2 MB message.
const maxTextLen = 1000

// shorten cuts the middle out of an overlong text, on UTF-8 boundaries.
func shorten(s string) string {
	if len(s) <= maxTextLen {
		return s
	}
	head, tail := maxTextLen/2, maxTextLen/4
	for head > 0 && !utf8.RuneStart(s[head]) {
		head--
	}
	cut := len(s) - tail
	for cut < len(s) && !utf8.RuneStart(s[cut]) {
		cut++
	}
	return s[:head] + " … " + s[cut:]
}
