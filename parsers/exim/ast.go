package exim

import (
	"bytes"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
)

// Pos is a position in the file where the text really is (an included
// file, a Debian conf.d fragment, a macro definition), not in the
// assembled configuration. Offset is a byte offset, Line is 1-based and
// Column is the 1-based byte column. The zero Pos means "nowhere" (for
// example text that came from Options.Defines).
type Pos struct {
	File                 string
	Offset, Line, Column int
}

// IsValid reports whether p points into a file.
func (p Pos) IsValid() bool { return p.Line > 0 }

func (p Pos) String() string {
	if p.File == "" {
		return fmt.Sprintf("%d:%d", p.Line, p.Column)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// Options control Parse.
type Options struct {
	// ReadFile reads an included file (an absolute path after resolution,
	// cleaned; callers that lint a copied tree map it under their root).
	// An error satisfying errors.Is(err, fs.ErrNotExist) means the file is
	// missing: .include_if_exists is then skipped silently
	// (Include.Missing); any other error is "failed to open included
	// configuration file". nil means includes are not followed: they are
	// recorded in Config.Includes with Read false and produce no error.
	ReadFile func(path string) ([]byte, error)
	// Defines are -D style macros (exim -DNAME=value), for example the
	// Debian DC* macros from update-exim4.conf.conf. As with -D, a file
	// definition of the same name is ignored.
	Defines map[string]string
	// MaxDepth is the include nesting limit; 0 means Exim's 32.
	MaxDepth int
	// MaxLine caps the length of a line after macro expansion (Exim's
	// buffer grows without bound; we stop and report). 0 means 1 MiB.
	MaxLine int
}

// Config is a parsed Exim runtime configuration.
type Config struct {
	Path     string
	Files    []*SourceFile // the main file first, then every included file actually read, in reading order
	Main     *Section      // the main part: Name "main"
	Sections []*Section    // after `begin`, in file order; Name canonical (plural, lower case)
	Macros   []*Macro      // in definition order (Options.Defines first)
	Lists    []*NamedList  // domainlist/hostlist/addresslist/localpartlist, in file order
	Includes []*Include    // every .include/.include_if_exists line that was not skipped by a conditional
	Conds    []*Cond       // every .ifdef/.ifndef/.elifdef/.elifndef/.else/.endif line
	Comments []*Comment    // comment lines (also inside continuations), in reading order
	Errors   []*Error      // what Exim would reject, in reading order
}

// Section returns the section with that canonical name ("main",
// "routers", "transports", "authenticators", "acl", "retry", "rewrite",
// "local_scan"), or nil.
func (c *Config) Section(name string) *Section {
	if name == "main" {
		return c.Main
	}
	for _, s := range c.Sections {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Drivers returns the driver instances of a driver section ("routers",
// "transports", "authenticators") in definition order, or nil.
func (c *Config) Drivers(section string) []*Driver {
	if s := c.Section(section); s != nil {
		return s.Drivers
	}
	return nil
}

// File returns the SourceFile read from path, or nil.
func (c *Config) File(path string) *SourceFile {
	for _, f := range c.Files {
		if f.Path == path {
			return f
		}
	}
	return nil
}

// Err returns the first error, or nil.
func (c *Config) Err() error {
	if len(c.Errors) == 0 {
		return nil
	}
	return c.Errors[0]
}

// SourceFile is one file that was read.
type SourceFile struct {
	Path string
	Src  []byte
	// Include is the directive that pulled this file in; nil for the main
	// file and for Debian conf.d fragments.
	Include *Include
	// Rules run concurrently and all ask for positions: the lazily built
	// tables are guarded, and the lookup hint is only a hint.
	linesOnce sync.Once
	lines     []int        // offsets of line starts
	hint      atomic.Int64 // index in lines of the last lookup
	strOnce   sync.Once
	s         string
}

// str returns Src as a string, converted once.
func (f *SourceFile) str() string {
	f.strOnce.Do(func() { f.s = string(f.Src) })
	return f.s
}

// lineOf returns the 1-based line number of offset off.
func (f *SourceFile) lineOf(off int) int {
	f.linesOnce.Do(func() { f.lines = lineStarts(f.Src) })
	h := int(f.hint.Load())
	if h < len(f.lines) && f.lines[h] <= off && (h+1 == len(f.lines) || off < f.lines[h+1]) {
		return h + 1
	}
	if h+1 < len(f.lines) && f.lines[h+1] <= off && (h+2 == len(f.lines) || off < f.lines[h+2]) {
		f.hint.Store(int64(h + 1))
		return h + 2
	}
	i := sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	f.hint.Store(int64(i))
	return i + 1
}

// Pos converts a byte offset in f into a Pos.
func (f *SourceFile) Pos(off int) Pos {
	if f == nil {
		return Pos{}
	}
	if off < 0 {
		off = 0
	}
	if off > len(f.Src) {
		off = len(f.Src)
	}
	ln := f.lineOf(off)
	return Pos{File: f.Path, Offset: off, Line: ln, Column: off - f.lines[ln-1] + 1}
}

func lineStarts(b []byte) []int {
	ls := make([]int, 1, bytes.Count(b, []byte{'\n'})+1)
	for off := 0; ; {
		k := bytes.IndexByte(b[off:], '\n')
		if k < 0 {
			return ls
		}
		off += k + 1
		ls = append(ls, off)
	}
}

// Section is the main part or a part introduced by `begin`.
type Section struct {
	Name  string // canonical: "main", "routers", "transports", "authenticators", "acl", "retry", "rewrite", "local_scan"
	Begin Pos    // the `begin` word; zero for main
	// Written is the section name as written after `begin` ("router",
	// "Transports").
	Written string
	// Options are the option settings of the main part (Main only), in
	// order, repeats included.
	Options []*Option
	// Drivers are the instances of routers, transports, authenticators.
	Drivers []*Driver
	// Lines are the logical lines of acl, retry, rewrite and local_scan,
	// after continuation joining and macro expansion, unparsed.
	Lines []*Line
}

// Driver is a driver instance: `name:` and the option lines after it.
type Driver struct {
	Name    string
	NamePos Pos
	Section string    // "routers", "transports" or "authenticators"
	Options []*Option // in order, repeats included; `driver` is one of them
	Line    *Line     // the `name:` line
	// Invalid marks an instance line Exim rejects ("remote-smtp:", "1x:"):
	// Name is the text before the colon; the error is in Config.Errors.
	Invalid bool
}

// Option returns the first setting of the named option (name without a
// no_/not_ prefix), or nil.
func (d *Driver) Option(name string) *Option { return findOption(d.Options, name) }

// OptionsNamed returns every setting of the named option in order (router
// `condition`, `headers_add`… may repeat).
func (d *Driver) OptionsNamed(name string) []*Option { return findOptions(d.Options, name) }

// DriverType returns the value of the `driver` option ("" if unset).
func (d *Driver) DriverType() string {
	if o := d.Option("driver"); o != nil {
		return o.Value.S
	}
	return ""
}

// Option returns the first setting of the named main option, or nil.
func (s *Section) Option(name string) *Option { return findOption(s.Options, name) }

// Driver returns the driver instance with that name, or nil.
func (s *Section) Driver(name string) *Driver {
	for _, d := range s.Drivers {
		if d.Name == name {
			return d
		}
	}
	return nil
}

func findOption(os []*Option, name string) *Option {
	for _, o := range os {
		if o.Name == name {
			return o
		}
	}
	return nil
}

func findOptions(os []*Option, name string) []*Option {
	var out []*Option
	for _, o := range os {
		if o.Name == name {
			out = append(out, o)
		}
	}
	return out
}

// Option is one option setting (one logical line).
type Option struct {
	// Name is the option name with a "no_" or "not_" prefix removed, as
	// readconf_handle_option looks it up (so `no_x = y` is always an
	// error: the prefix is only for booleans, which then take no value).
	Name    string
	Written string // the name as written, prefix included
	NamePos Pos
	Pos     Pos // start of the logical line (the `hide` word if present)
	Hide    bool
	Negated bool // no_x / not_x
	// HasValue is true for `name = value` (also `name =` with an empty
	// value); false for bare booleans (`no_more`, `more`).
	HasValue bool
	Quoted   bool // the value was a double-quoted string
	// Value is the value as Exim stores it: continuation lines joined,
	// macros expanded, leading and trailing whitespace removed, quotes
	// and their escapes processed.
	Value Text
	// Line is the whole logical line (after macro expansion, continuation
	// joining), for messages and raw checks such as trailing "# comment".
	Line *Line
}

// Bool returns the boolean an option setting gives: bare → true, no_/not_
// → false, "= true|yes" → true, "= false|no" → false (ok false for other
// values).
func (o *Option) Bool() (v, ok bool) {
	if !o.HasValue {
		return !o.Negated, true
	}
	switch o.Value.S {
	case "true", "yes":
		return !o.Negated, true
	case "false", "no":
		return o.Negated, true
	}
	return false, false
}

// NamedList is `domainlist|hostlist|addresslist|localpartlist name = value`.
type NamedList struct {
	Kind    string // "domainlist", "hostlist", "addresslist", "localpartlist"
	Name    string
	NamePos Pos
	Pos     Pos
	Hide    bool
	Value   Text
	Line    *Line
}

// Macro is a macro definition.
type Macro struct {
	Name      string
	NamePos   Pos // zero for Options.Defines
	Value     Text
	Redefine  bool   // `==`
	Section   string // section it was defined in ("main", "routers", …); "" for Options.Defines
	Command   bool   // from Options.Defines (-D)
	Uses      []Pos  // where a substitution happened (the start of the replaced name)
	Overrides *Macro // for `==`: the definition it replaced
	// Ends is the driver instance that was open when the definition was
	// read: Exim ends the instance there, so an option line after it gets
	// "router name missing" (RULES.md EX006 c).
	Ends *Driver
	// Ignored is set when a -D macro of the same name made the definition
	// a no-op.
	Ignored bool
	Line    *Line // the definition line (nil for -D)
}

// Include is a .include or .include_if_exists line.
type Include struct {
	Pos      Pos    // the '.' of the directive
	IfExists bool   // .include_if_exists
	Written  string // the file name as written (quotes removed)
	Path     string // resolved absolute path ("" if it could not be resolved)
	Section  string // section the directive is in
	Driver   *Driver
	Read     bool // the file was read and parsed
	Missing  bool // the file does not exist (error for .include, skip for .include_if_exists)
}

// Cond is a conditional directive line.
type Cond struct {
	Pos       Pos
	Directive string // "ifdef", "ifndef", "elifdef", "elifndef", "else", "endif"
	Arg       string // rest of the line as written
	True      bool   // for ifdef-style: the test result (a macro substitution happened)
	Skipped   bool   // the directive itself was inside a skipped branch
}

// Comment is a comment line ('#' as the first non-blank character).
type Comment struct {
	Pos     Pos    // the '#'
	Text    string // after the '#', trailing whitespace removed
	Section string // section it is in
	Driver  *Driver
	Skipped bool // inside a false conditional branch
}

// Line is a logical line: continuation lines joined, macros expanded.
type Line struct {
	Pos  Pos // first non-blank byte of the first physical line
	End  Pos // end of the last physical line (before its newline)
	Text Text
	// Broken is set when a physical line ended with a backslash and the
	// next physical line was empty: Exim ends the logical line there and
	// reads the following line as a new one (RULES.md EX004). BreakPos is
	// the empty line.
	Broken   bool
	BreakPos Pos
	// AtEOF is set when the last physical line ended with a backslash and
	// the file ended (Exim accepts it).
	AtEOF bool
}

// Error is something Exim would reject.
type Error struct {
	Pos  Pos
	End  Pos    // end of the logical line, when known: Exim reports the line number of the last physical line
	Code string // "syntax", "section", "option", "driver-name", "continuation", "macro", "include", "conditional", "marker", "limit"
	Msg  string // Exim's wording where known
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Text is a string as Exim sees it together with a map from its bytes back
// to the files they came from.
type Text struct {
	S    string
	segs []seg
}

// seg maps S[at:at+n] to src bytes [off, off+srcN) of file f. When n ==
// srcN the mapping is byte for byte; otherwise (an escape sequence, a
// macro substitution whose value is not in a file) the whole range maps
// to the whole source range.
type seg struct {
	at, n     int
	f         *SourceFile
	off, srcN int
	opaque    bool // never byte for byte (a -D value standing on the macro name)
}

// linear reports whether the segment maps byte for byte.
func (s seg) linear() bool { return s.n == s.srcN && !s.opaque }

// Span returns the file and the byte range in that file for S[i:j]. If
// S[i:j] comes from several places, the range covers the part that is in
// the same file as S[i] and after it; if nothing is known (text from
// Options.Defines), file is "" .
func (t Text) Span(i, j int) (file string, start, end int) {
	if len(t.segs) == 0 {
		return "", 0, 0
	}
	if i < 0 {
		i = 0
	}
	if j > len(t.S) {
		j = len(t.S)
	}
	if j < i {
		j = i
	}
	k := t.segAt(i)
	s := t.segs[k]
	if s.f == nil {
		return "", 0, 0
	}
	start = s.srcStart(i)
	end = start
	if j == i {
		return s.f.Path, start, start
	}
	for m := k; m < len(t.segs); m++ {
		x := t.segs[m]
		if x.at >= j {
			break
		}
		if x.f != s.f {
			break
		}
		e := x.srcEnd(j)
		if e < end {
			break
		}
		end = e
	}
	return s.f.Path, start, end
}

// Pos returns the position of S[i] (of the end of the text for i == len(S)).
func (t Text) Pos(i int) Pos {
	if len(t.segs) == 0 {
		return Pos{}
	}
	k := t.segAt(i)
	s := t.segs[k]
	if s.f == nil {
		return Pos{}
	}
	return s.f.Pos(s.srcStart(i))
}

// End returns the position just after the last byte of the text.
func (t Text) End() Pos {
	if len(t.segs) == 0 {
		return Pos{}
	}
	s := t.segs[len(t.segs)-1]
	if s.f == nil {
		return Pos{}
	}
	return s.f.Pos(s.off + s.srcN)
}

func (t Text) segAt(i int) int {
	k := sort.Search(len(t.segs), func(k int) bool { return t.segs[k].at+t.segs[k].n > i })
	if k == len(t.segs) {
		k = len(t.segs) - 1
	}
	return k
}

func (s seg) srcStart(i int) int {
	if s.linear() {
		d := i - s.at
		if d < 0 {
			d = 0
		}
		if d > s.n {
			d = s.n
		}
		return s.off + d
	}
	return s.off
}

func (s seg) srcEnd(j int) int {
	if s.linear() {
		d := j - s.at
		if d > s.n {
			d = s.n
		}
		return s.off + d
	}
	return s.off + s.srcN
}

// Parse parses the Exim configuration src read from path.
func Parse(path string, src []byte, o Options) (*Config, error) {
	return parse(path, src, o)
}
