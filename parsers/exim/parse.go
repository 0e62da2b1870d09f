package exim

import (
	"strings"
)

// The reader mirrors readconf.c of Exim 4.96 in two layers, as Exim does:
//
//   - physical lines (get_config_line): macro substitution on every line,
//     comment lines, the .ifdef family, .include, leading whitespace of
//     continuation lines and trailing whitespace removed, a trailing
//     backslash joins the next line;
//   - logical lines, by section: readconf_main (macro definitions, named
//     lists, options), readconf_driver_init (instances, options, macro
//     definitions between instances), readconf_acl (macro definitions
//     between ACLs) and raw lines for retry, rewrite and local_scan.
//
// Exim stops at the first fatal error; we record it and go on, so a file
// gets all its problems and a best-effort Config.

// Section kinds.
const (
	kindMain = iota
	kindDriver
	kindACL
	kindRaw
)

// sectionNames is Exim's section_list (readconf.c), sorted; the name after
// `begin` gets an "s" appended when it does not end in one and is then
// compared case-insensitively, so "begin retry" and "begin acls" work.
var sectionNames = []struct{ key, name, class string }{
	{"acls", "acl", ""},
	{"authenticators", "authenticators", "authenticator"},
	{"local_scans", "local_scan", ""},
	{"retrys", "retry", ""},
	{"rewrites", "rewrite", ""},
	{"routers", "routers", "router"},
	{"transports", "transports", "transport"},
}

type frame struct {
	f    *SourceFile
	line int    // number of the next physical line
	off  int    // offset of the next physical line
	end  int    // end of the text to read (len(f.Src) unless a fragment)
	dir  string // directory for relative .include names
	inc  *Include
	// synth are generated lines (Debian's macro block) read instead of f.
	synth []Text
}

type parser struct {
	c      *Config
	o      Options
	stack  []*frame
	macros []*active // -D, then file macros, in Exim's list order (builtins: builtinActive)
	cstate int
	cstack []condFrame

	sec   *Section
	kind  int
	class string
	drv   *Driver
	had   map[string]bool

	lastEnd     Pos             // end of the last physical line read
	names       map[string]bool // section + "\x00" + driver name, for duplicates
	seg1        [1]seg
	aclNeedName bool // the next ACL-section line must be "name:"
	lineSlab    []Line
	optSlab     []Option
	commentSlab []Comment
	lbuf        []byte // reused logical-line buffers
	lsegs       []seg
	line        *Line // logical line being processed

	// afterLine, when set, sees every physical line read from a file
	// (Debian inserts its macro block after the UPEX4CmacrosUPEX4C line).
	afterLine func(line string)
}

// physLine is one physical line after macro substitution.
type physLine struct {
	line   int // line number (0 for generated lines)
	rawLen int // length in the file, before macro substitution
	t      Text
	nl     bool // ended with a newline
	f      *SourceFile
	at     int // offset of the line in f
}

func parse(path string, src []byte, o Options) (*Config, error) {
	p := newParser(path, o)
	f := &SourceFile{Path: path, Src: src}
	p.c.Files = append(p.c.Files, f)
	p.stack = []*frame{{f: f, dir: dirOf(path)}}
	p.run()
	return p.c, nil
}

func newParser(path string, o Options) *parser {
	if o.MaxDepth <= 0 {
		o.MaxDepth = 32
	}
	if o.MaxLine <= 0 {
		o.MaxLine = 1 << 20
	}
	p := &parser{
		c:   &Config{Path: path, Main: &Section{Name: "main"}},
		o:   o,
		had: map[string]bool{},
	}
	p.sec = p.c.Main
	p.kind = kindMain
	p.initMacros()
	return p
}

func dirOf(path string) string {
	i := strings.LastIndexByte(path, '/')
	if i < 0 {
		return "."
	}
	if i == 0 {
		return "/"
	}
	return path[:i]
}

func (p *parser) errAt(pos Pos, code, msg string) *Error {
	e := &Error{Pos: pos, Code: code, Msg: msg}
	if l := p.line; l != nil {
		e.End = l.End
		// An error is reported on the line Exim reads: when the text
		// at fault came from a macro definition (elsewhere), point at the
		// start of the line that uses it.
		if pos.File != l.Pos.File || pos.Offset < l.Pos.Offset || (l.End.File == pos.File && pos.Offset > l.End.Offset) {
			e.Pos = l.Pos
		}
	}
	p.c.Errors = append(p.c.Errors, e)
	return e
}

// run reads logical lines until the end of the input.
func (p *parser) run() {
	for {
		l, ok := p.logical()
		if !ok {
			break
		}
		p.line = l
		p.handle(l)
		p.line = nil
	}
	p.endSection()
	for i := len(p.cstack) - 1; i >= 0; i-- {
		// Exim names the last line of the file; we point at the .ifdef
		// and give the end of the file as End.
		e := p.errAt(p.cstack[i].cond.Pos, "conditional", "Unexpected end of configuration file: .endif missing")
		e.End = p.lastEnd
	}
}

// readPhys returns the next physical line of the innermost file, popping
// finished included files.
func (p *parser) readPhys() (physLine, bool) {
	for len(p.stack) > 0 {
		fr := p.stack[len(p.stack)-1]
		if fr.synth != nil {
			if len(fr.synth) == 0 {
				p.stack = p.stack[:len(p.stack)-1]
				continue
			}
			t := fr.synth[0]
			fr.synth = fr.synth[1:]
			return physLine{t: t, nl: true}, true
		}
		src := fr.f.Src
		if fr.end > 0 && fr.end < len(src) {
			src = src[:fr.end]
		}
		if fr.off >= len(src) {
			p.stack = p.stack[:len(p.stack)-1]
			continue
		}
		at := fr.off
		end := at
		for end < len(src) && src[end] != '\n' {
			end++
		}
		nl := end < len(src)
		fr.off = end
		if nl {
			fr.off++
		}
		line := src[at:end]
		// Exim measures the line with strlen(): text after a NUL is lost.
		for i, c := range line {
			if c == 0 {
				line = line[:i]
				break
			}
		}
		if fr.line == 0 {
			fr.line = fr.f.lineOf(at)
		}
		ln := fr.line
		fr.line++
		p.lastEnd = Pos{File: fr.f.Path, Offset: at + len(line), Line: ln, Column: len(line) + 1}
		p.seg1[0] = seg{at: 0, n: len(line), f: fr.f, off: at, srcN: len(line)}
		str := fr.f.str()[at : at+len(line)]
		t := Text{S: str, segs: p.seg1[:1:1]}
		if p.afterLine != nil {
			p.afterLine(t.S)
		}
		return physLine{t: t, nl: nl, f: fr.f, at: at, line: ln, rawLen: len(line)}, true
	}
	return physLine{}, false
}

// Lines, options and comments are allocated in slabs: a 3,300-line file
// has thousands of them and one allocation each dominated the run time.
const slab = 256

func (p *parser) newLine() *Line {
	if len(p.lineSlab) == 0 {
		p.lineSlab = make([]Line, slab)
	}
	l := &p.lineSlab[0]
	p.lineSlab = p.lineSlab[1:]
	return l
}

func (p *parser) newOption() *Option {
	if len(p.optSlab) == 0 {
		p.optSlab = make([]Option, slab)
	}
	o := &p.optSlab[0]
	p.optSlab = p.optSlab[1:]
	return o
}

func (p *parser) newComment() *Comment {
	if len(p.commentSlab) == 0 {
		p.commentSlab = make([]Comment, slab)
	}
	c := &p.commentSlab[0]
	p.commentSlab = p.commentSlab[1:]
	return c
}

// pos is the position of byte i of the physical line as read (before
// macro substitution).
func (pl *physLine) pos(i int) Pos {
	if pl.f == nil {
		return Pos{}
	}
	return Pos{File: pl.f.Path, Offset: pl.at + i, Line: pl.line, Column: i + 1}
}

// logical returns the next logical line (get_config_line).
func (p *parser) logical() (*Line, bool) {
	var tb textBuilder
	var l *Line
	continued := false // the previous physical line ended with a backslash
	var simple *Text   // the line as a slice of the file, while it is one unsubstituted physical line
	// stale is the last physical line when it was skipped during a
	// continuation; staleEnd is how much of it Exim's buffer still holds.
	var stale *physLine
	var staleEnd int
	var staleNL bool
	// lead is the leading white space of the line that started the
	// logical line: Exim's buffer holds it, so a line that is only
	// blanks and a backslash leaves a non-empty buffer (exLen > 0) and an
	// empty logical line at EOF ("option setting expected: ") [exp].
	lead := 0
	exLen := func() int {
		if len(tb.b) == 0 && !continued {
			return 0
		}
		return lead + len(tb.b)
	}
	skip := func(pl *physLine, end int, nl bool) {
		if exLen() == 0 {
			stale = nil
			return
		}
		cp := *pl
		cp.t.segs = append([]seg(nil), pl.t.segs...)
		stale, staleEnd, staleNL = &cp, end, nl
	}
	for {
		pl, ok := p.readPhys()
		if !ok {
			if l != nil && exLen() > 0 {
				if continued {
					l.AtEOF = true
					if stale != nil {
						// Exim breaks out at EOF without cleaning its
						// buffer: the last physical line, if it was
						// skipped (a comment, a directive), is still
						// there after the logical line and becomes
						// part of it, newline included [exp:
						// "x \" + "# c" at the end gives "x # c\n"].
						tb.appendText(&stale.t, 0, staleEnd)
						if staleNL && stale.f != nil {
							tb.appendMapped([]byte{'\n'}, stale.f, stale.at+stale.rawLen, 1)
						}
						simple = nil
						l.End = p.lastEnd
					}
				}
				break
			}
			return nil, false
		}
		s := pl.t.S
		ws := skipSpace(s, 0)
		from := ws
		if len(tb.b) == 0 && ws < len(s) && isUpper(s[ws]) {
			// A macro definition: no substitution in the name.
			j := ws
			for j < len(s) && isNameChar(s[j]) {
				j++
			}
			j = skipSpace(s, j)
			if j < len(s) && s[j] == '=' {
				from = j
			}
		}
		physWS := ws
		found := p.expand(&pl.t, from)
		s = pl.t.S
		ws = skipSpace(s, 0)
		if ws < len(s) && s[ws] == '#' {
			cm := p.newComment()
			*cm = Comment{
				Pos: pl.pos(physWS), Text: trimRightSpace(s[ws+1:]),
				Section: p.sec.Name, Driver: p.drv, Skipped: p.cstate != 0,
			}
			p.c.Comments = append(p.c.Comments, cm)
			skip(&pl, len(s), pl.nl)
			continue
		}
		if ws < len(s) && s[ws] == '.' && p.directive(&pl, ws, found) {
			skip(&pl, len(s), pl.nl)
			continue
		}
		if p.cstate != 0 {
			skip(&pl, len(s), pl.nl)
			continue
		}
		if end, ok := p.include(&pl, ws); ok {
			// the buffer keeps the directive up to the end of the name
			skip(&pl, end, false)
			continue
		}
		stale = nil
		if len(tb.b) == 0 && ws < len(s) {
			// The line starts where it is written (a macro name at the
			// start is the text in this file).
			l = p.newLine()
			lead = ws
			l.Pos = pl.pos(physWS)
			if pl.f == nil {
				l.Pos = pl.t.Pos(ws)
			}
			tb.b = p.lbuf[:0]
			tb.segs = p.lsegs[:0]
		}
		if continued && ws == len(s) && l != nil {
			// An empty line ends a continuation (readconf.c: the
			// trailing-backslash test sees the text before it).
			l.Broken = true
			l.BreakPos = pl.pos(0)
		}
		if len(tb.b) == 0 && !found && l != nil && pl.f != nil && len(pl.t.segs) == 1 {
			e := len(s)
			for e > ws && isSpace(s[e-1]) {
				e--
			}
			// (a fresh segment: pl.t's is the reused p.seg1)
			sg := pl.t.segs[0]
			simple = &Text{S: s[ws:e], segs: []seg{{at: 0, n: e - ws, f: sg.f, off: sg.off + ws, srcN: e - ws, opaque: !sg.linear()}}}
		} else {
			simple = nil
		}
		tb.appendText(&pl.t, ws, len(s))
		if len(tb.b) > p.o.MaxLine {
			p.errAt(pl.t.Pos(ws), "limit", "logical line longer than the limit after macro expansion and continuation")
			tb.b = tb.b[:p.o.MaxLine]
			tb.truncate(p.o.MaxLine)
			break
		}
		// Remove trailing white space (isspace: also \r, so CRLF works).
		n := len(tb.b)
		for n > 0 && isSpace(tb.b[n-1]) {
			n--
		}
		tb.truncate(n)
		continued = false
		if n > 0 {
			if tb.b[n-1] != '\\' {
				if l != nil {
					l.End = p.lastEnd
				}
				break
			}
			tb.truncate(n - 1)
			continued = true
			if l != nil {
				l.End = p.lastEnd
			}
		}
	}
	if simple != nil && len(tb.b) == len(simple.S) {
		// One physical line without substitution: share the file text.
		l.Text = *simple
	} else {
		l.Text = Text{S: string(tb.b), segs: append([]seg(nil), tb.segs...)}
	}
	p.lbuf, p.lsegs = tb.b[:0], tb.segs[:0]
	if !l.End.IsValid() {
		l.End = p.lastEnd
	}
	return l, true
}

// truncate cuts the builder to n bytes.
func (tb *textBuilder) truncate(n int) {
	if n >= len(tb.b) {
		return
	}
	tb.b = tb.b[:n]
	k := len(tb.segs)
	for k > 0 && tb.segs[k-1].at >= n {
		k--
	}
	tb.segs = tb.segs[:k]
	if k > 0 {
		s := &tb.segs[k-1]
		if s.at+s.n > n {
			if s.linear() {
				s.srcN = n - s.at
			} else {
				s.opaque = true
			}
			s.n = n - s.at
		}
	}
}

// handle processes one logical line in the current section.
func (p *parser) handle(l *Line) {
	s := l.Text.S
	if len(s) >= 6 && strings.EqualFold(s[:6], "begin ") {
		p.begin(l)
		return
	}
	if len(s) > 5 && strings.EqualFold(s[:5], "begin") && isSpace(s[5]) && p.kind != kindACL && p.kind != kindRaw {
		// readconf.c tests for "begin" and one literal space; "begin\trouters"
		// is read as an option called "begin".
		msg := "\"begin\" must be followed by a space"
		if p.kind == kindMain {
			msg = "main option \"begin\" unknown (" + msg + ")"
		}
		p.errAt(l.Pos, "section", msg)
		return
	}
	switch p.kind {
	case kindMain:
		p.mainLine(l)
	case kindDriver:
		p.driverLine(l)
	case kindACL:
		// readconf_acl: macro definitions are allowed between ACLs, and
		// after one (and at the start) an ACL name must follow.
		name, rest := readName(s, 0)
		if name != "" && isUpper(name[0]) && rest < len(s) && s[rest] == '=' {
			p.defineMacro(l)
			p.aclNeedName = true
			return
		}
		if name != "" && rest < len(s) && s[rest] == ':' {
			p.aclNeedName = false
			key := "acl\x00" + name
			if p.names == nil {
				p.names = map[string]bool{}
			}
			if p.names[key] {
				p.errAt(l.Pos, "syntax", "there are two ACLs called \""+name+"\"")
			}
			p.names[key] = true
		} else if p.aclNeedName {
			p.errAt(l.Pos, "syntax", "missing or malformed ACL name")
			p.aclNeedName = false
		}
		p.sec.Lines = append(p.sec.Lines, l)
	default:
		p.sec.Lines = append(p.sec.Lines, l)
	}
}

// begin starts a new section (readconf_rest).
func (p *parser) begin(l *Line) {
	s := l.Text.S
	i := skipSpace(s, 6)
	written := s[i:]
	key := strings.ToLower(written)
	if !strings.HasSuffix(key, "s") {
		key += "s"
	}
	name, class := "", ""
	for _, sn := range sectionNames {
		if sn.key == key {
			name, class = sn.name, sn.class
		}
	}
	p.endSection()
	pos := l.Pos
	if name == "" {
		p.errAt(l.Text.Pos(i), "section", "\""+written+"\" is not a known configuration section name")
		// Keep reading into a throw-away section so that its lines do not
		// pollute the previous one.
		p.sec = &Section{Name: "", Begin: pos, Written: written}
		p.kind = kindRaw
		p.class = ""
		return
	}
	sec := &Section{Name: name, Begin: pos, Written: written}
	if name == "local_scan" {
		// Exim as Debian (and most distributions) build it has no
		// local_scan options; the section itself is fatal.
		p.errAt(pos, "section", "local_scan() options not supported: (LOCAL_SCAN_HAS_OPTIONS not defined in Local/Makefile)")
	}
	if p.had[name] {
		p.errAt(l.Text.Pos(i), "section", "\""+written+"\" section is repeated in the configuration file")
	} else {
		p.had[name] = true
	}
	p.c.Sections = append(p.c.Sections, sec)
	p.sec = sec
	p.class = class
	switch {
	case class != "":
		p.kind = kindDriver
	case name == "acl":
		p.kind = kindACL
		p.aclNeedName = true
	default:
		p.kind = kindRaw
	}
}

// endSection finishes the current driver.
func (p *parser) endSection() {
	p.endDriver()
}

func (p *parser) endDriver() {
	if p.drv != nil && !p.drv.Invalid && p.drv.Option("driver") == nil {
		p.errAtNoEnd(p.drv.NamePos, "option", "no driver defined for "+p.class+" \""+p.drv.Name+"\"")
	}
	p.drv = nil
}

func (p *parser) errAtNoEnd(pos Pos, code, msg string) {
	p.c.Errors = append(p.c.Errors, &Error{Pos: pos, Code: code, Msg: msg})
}

// readName is readconf_readname: a letter followed by letters, digits and
// underscores, then white space skipped. It returns the name and the index
// after the white space; a line that does not start with a letter gives
// an empty name and the index of its first non-blank byte.
func readName(s string, i int) (string, int) {
	i = skipSpace(s, i)
	st := i
	if i < len(s) && isAlpha(s[i]) {
		for i < len(s) && isNameChar(s[i]) {
			i++
		}
	}
	name := s[st:i]
	return name, skipSpace(s, i)
}

// mainLine is one logical line of the main part (readconf_main).
func (p *parser) mainLine(l *Line) {
	s := l.Text.S
	if s != "" && isUpper(s[0]) {
		p.defineMacro(l)
		return
	}
	t := 0
	hide := strings.HasPrefix(s, "hide") && len(s) > 4 && isSpace(s[4])
	if hide {
		t = 5 // exactly one white space character: "hide  domainlist" is an option
	}
	for _, k := range [...]string{"domainlist", "hostlist", "addresslist", "localpartlist"} {
		if strings.HasPrefix(s[t:], k) {
			p.namedList(l, k, t+len(k), hide)
			return
		}
	}
	if o := p.option(l, "main"); o != nil {
		p.c.Main.Options = append(p.c.Main.Options, o)
	}
}

// namedList is read_named_list.
func (p *parser) namedList(l *Line, kind string, i int, hide bool) {
	s := l.Text.S
	if strings.HasPrefix(s[i:], "_cache") {
		i += 6
	}
	if i >= len(s) || !isSpace(s[i]) {
		p.errAt(l.Pos, "syntax", "unrecognized configuration line")
		return
	}
	// MAX_NAMED_LIST is 16 per kind in Exim 4.96.
	n := 0
	for _, o := range p.c.Lists {
		if o.Kind == kind {
			n++
		}
	}
	if n >= 16 {
		p.errAt(l.Pos, "syntax", "too many named "+listNoun(kind)+"s (max is 16)")
	}
	i = skipSpace(s, i)
	st := i
	for i < len(s) && isNameChar(s[i]) {
		i++
	}
	nl := &NamedList{Kind: kind, Name: s[st:i], NamePos: l.Text.Pos(st), Pos: l.Pos, Hide: hide, Line: l}
	if p.names == nil {
		p.names = map[string]bool{}
	}
	if key := "list\x00" + kind + "\x00" + nl.Name; p.names[key] {
		p.errAt(nl.NamePos, "syntax", "duplicate name \""+nl.Name+"\" for a named "+listNoun(kind))
	} else {
		p.names[key] = true
	}
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != '=' {
		p.errAt(l.Text.Pos(i), "syntax", "missing '=' after \""+nl.Name+"\"")
		p.c.Lists = append(p.c.Lists, nl)
		return
	}
	i = skipSpace(s, i+1)
	nl.Value, _ = p.readString(l, i, nl.Name)
	p.c.Lists = append(p.c.Lists, nl)
}

func listNoun(kind string) string {
	switch kind {
	case "domainlist":
		return "domain list"
	case "hostlist":
		return "host list"
	case "addresslist":
		return "address list"
	}
	return "local part list"
}

// driverLine is one logical line of routers, transports or authenticators
// (readconf_driver_init).
func (p *parser) driverLine(l *Line) {
	s := l.Text.S
	name, i := readName(s, 0)
	if name != "" && isUpper(name[0]) && i < len(s) && s[i] == '=' {
		// A macro definition ends the current driver instance.
		p.endDriver()
		p.defineMacro(l)
		return
	}
	if i < len(s) && s[i] == ':' {
		p.endDriver()
		if len(name) > 63 {
			p.errAt(l.Pos, "driver-name", "exim item name too long (>64), unable to use \""+name[:63]+"\" (truncated)")
		}
		d := &Driver{Name: name, NamePos: l.Pos, Section: p.sec.Name, Line: l}
		if p.names == nil {
			p.names = map[string]bool{}
		}
		key := p.sec.Name + "\x00" + name
		if p.names[key] {
			p.errAt(l.Pos, "driver-name", "there are two "+p.class+"s called \""+name+"\"")
		}
		p.names[key] = true
		p.sec.Drivers = append(p.sec.Drivers, d)
		p.drv = d
		if j := skipSpace(s, i+1); j < len(s) {
			p.errAt(l.Text.Pos(j), "driver-name", "extra characters follow driver name "+name)
		}
		return
	}
	if p.drv == nil || p.drv.Invalid {
		if strings.HasSuffix(s, ":") && !strings.Contains(s, "=") {
			// e.g. "remote-smtp:": the name stops at '-'. Keep the
			// instance (marked Invalid) so its options are not lost
			// and do not each repeat the error.
			p.endDriver()
			p.errAt(l.Pos, "driver-name", p.class+" name missing")
			d := &Driver{Name: strings.TrimSpace(s[:len(s)-1]), NamePos: l.Pos, Section: p.sec.Name, Invalid: true, Line: l}
			p.sec.Drivers = append(p.sec.Drivers, d)
			p.drv = d
			return
		}
		if p.drv == nil {
			p.errAt(l.Pos, "section", p.class+" name missing")
			return
		}
	}
	if o := p.option(l, p.class); o != nil {
		p.drv.Options = append(p.drv.Options, o)
	}
}

// option parses an option setting (readconf_handle_option) as far as it
// can be checked without the option tables.
func (p *parser) option(l *Line, where string) *Option {
	s := l.Text.S
	i := skipSpace(s, 0)
	if i >= len(s) || !isAlpha(s[i]) {
		p.errAt(l.Pos, "syntax", "option setting expected: "+s[i:])
		return nil
	}
	o := p.newOption()
	o.Pos, o.Line = l.Pos, l
	var st int
	for n := 0; n < 2; n++ {
		st = i
		for i < len(s) && isNameChar(s[i]) {
			i++
		}
		o.Written = s[st:i]
		i = skipSpace(s, i)
		if o.Written != "hide" {
			break
		}
		o.Hide = true
	}
	o.NamePos = l.Text.Pos(st)
	o.Name = o.Written
	switch {
	case strings.HasPrefix(o.Written, "no_"):
		o.Name, o.Negated = o.Written[3:], true
	case strings.HasPrefix(o.Written, "not_"):
		o.Name, o.Negated = o.Written[4:], true
	}
	switch o.Written {
	case "":
		// "hide" and nothing after it: no option has an empty name.
		msg := "option \"\" unknown"
		if where == "main" {
			msg = "main " + msg
		}
		p.errAt(o.NamePos, "option", msg)
		return nil
	case "domainlist", "hostlist", "addresslist", "localpartlist":
		// Only "hide" plus exactly one white space character lets
		// readconf_main see a named list.
		p.errAt(o.NamePos, "syntax", "main option \""+o.Written+"\" unknown")
		return nil
	}
	if i >= len(s) {
		return o
	}
	if s[i] != '=' {
		if where == "main" && s[i] == ':' && i == len(s)-1 {
			p.errAt(o.NamePos, "section", "main option \""+o.Written+"\" unknown (a driver instance before any \"begin\" line)")
			return nil
		}
		msg := "missing \"=\" after " + o.Written
		if o.Negated {
			msg = "extra characters follow boolean option " + o.Written
		}
		if s[i] == '#' {
			msg += " (# is comment only at line start)"
		}
		p.errAt(l.Text.Pos(i), "option", msg)
		o.Value = l.Text.slice(i, len(s))
		return o
	}
	o.HasValue = true
	if o.Negated {
		p.errAt(l.Text.Pos(i), "option", "extra characters follow boolean option "+o.Written+" (a no_/not_ prefix takes no value)")
	}
	i = skipSpace(s, i+1)
	o.Value, o.Quoted = p.readString(l, i, o.Written)
	return o
}

// readString is read_string: an unquoted value is the rest of the line;
// a quoted one is dequoted with string_interpret_escape.
func (p *parser) readString(l *Line, i int, name string) (Text, bool) {
	t := l.Text
	s := t.S
	if i >= len(s) || s[i] != '"' {
		return t.slice(i, len(s)), false
	}
	var tb textBuilder
	j := i + 1
	nul := false
	for j < len(s) && s[j] != '"' {
		if s[j] == '\\' {
			st := j
			c, nj := interpretEscape(s, j)
			j = nj + 1
			if c == 0 {
				nul = true
			}
			if !nul {
				if seg := t.segs[t.segAt(st)]; seg.f != nil && seg.linear() && t.segAt(j-1) == t.segAt(st) {
					tb.appendMapped([]byte{c}, seg.f, seg.srcStart(st), j-st)
				} else {
					tb.appendText(&t, st, j)
					tb.b[len(tb.b)-(j-st)] = c
					tb.truncate(len(tb.b) - (j - st) + 1)
				}
			}
			continue
		}
		k := j
		for k < len(s) && s[k] != '"' && s[k] != '\\' {
			k++
		}
		if !nul {
			tb.appendText(&t, j, k)
		}
		j = k
	}
	closed := j < len(s)
	if closed {
		j++
	}
	// read_string: "s == ss+1 || s[-1] != '\"'" — an escaped quote as the
	// last character passes this test (Exim accepts "abc\").
	if j == i+1 || s[j-1] != '"' {
		p.errAt(t.Pos(i), "syntax", "missing quote at end of string value for "+name)
	} else if j < len(s) {
		msg := "extra characters follow string value for " + name
		if s[j] == '#' {
			msg += " (# is comment only at line start)"
		}
		p.errAt(t.Pos(j), "syntax", msg)
	}
	out := tb.text()
	if len(out.S) == 0 {
		out = Text{segs: []seg{t.emptySeg(i + 1)}}
	}
	return out, true
}

// interpretEscape is string_interpret_escape: s[i] is a backslash; it
// returns the character and the index of the last byte consumed.
func interpretEscape(s string, i int) (byte, int) {
	if i+1 >= len(s) {
		return '\\', i
	}
	p := i + 1
	ch := int(s[p])
	isOct := func(c byte) bool { return c >= '0' && c <= '7' }
	if isOct(s[p]) {
		ch -= '0'
		if p+1 < len(s) && isOct(s[p+1]) {
			p++
			ch = ch*8 + int(s[p]-'0')
			if p+1 < len(s) && isOct(s[p+1]) {
				p++
				ch = ch*8 + int(s[p]-'0')
			}
		}
		return byte(ch), p
	}
	switch s[p] {
	case 'b':
		ch = '\b'
	case 'f':
		ch = '\f'
	case 'n':
		ch = '\n'
	case 'r':
		ch = '\r'
	case 't':
		ch = '\t'
	case 'v':
		ch = '\v'
	case 'x':
		ch = 0
		for k := 0; k < 2 && p+1 < len(s) && isHex(s[p+1]); k++ {
			p++
			ch = ch*16 + hexVal(s[p])
		}
	}
	return byte(ch), p
}

func isHex(c byte) bool { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') }

func hexVal(c byte) int {
	switch {
	case isDigit(c):
		return int(c - '0')
	case c >= 'a':
		return int(c-'a') + 10
	}
	return int(c-'A') + 10
}
