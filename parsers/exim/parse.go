package exim

import (
	"bytes"
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
	// nul is the offset of the next NUL byte (see readPhys).
	nul      int
	nulKnown bool
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
	// sizes of the last slabs allocated (see nextSlab)
	lineSlabN, optSlabN, commentSlabN int
	sbuf                              []byte // readString's scratch buffers
	ssegs                             []seg
	segSlab                           []seg
	segSlabN                          int
	lbuf                              []byte // reused logical-line buffers
	lsegs                             []seg
	line                              *Line // logical line being processed
	// afterBreak is the previous logical line when an empty line ended
	// its continuation.
	afterBreak *Line

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
		// The line after an empty line that ended a continuation was
		// meant as part of the line above (RULES.md EX004).
		if b := p.afterBreak; b != nil {
			e.Code = "continuation"
			e.Msg += " (the empty line " + itoa(b.BreakPos.Line) + " ended the continued line " + itoa(b.Pos.Line) + ")"
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
		p.afterBreak = nil
		if l.Broken {
			p.afterBreak = l
		}
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
		end := len(src)
		if k := bytes.IndexByte(src[at:], '\n'); k >= 0 {
			end = at + k
		}
		nl := end < len(src)
		fr.off = end
		if nl {
			fr.off++
		}
		line := src[at:end]
		// Exim measures the line with strlen(): text after a NUL is lost.
		// fr.nul is the next NUL at or after at (len(src) if none), so
		// a file without NULs is searched once, not once per line.
		if !fr.nulKnown || fr.nul < at {
			fr.nul, fr.nulKnown = len(src), true
			if k := bytes.IndexByte(src[at:], 0); k >= 0 {
				fr.nul = at + k
			}
		}
		if fr.nul < end {
			line = line[:fr.nul-at]
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
// Slabs start small and double up to slab, so that the many small
// fragments of a cPanel exim.conf.local do not each pay for 256 of each.
const slab = 256

// nextSlab is the size of the slab after one of n elements.
func nextSlab(n int) int {
	if n == 0 {
		return 16
	}
	return min(2*n, slab)
}

func (p *parser) newLine() *Line {
	if len(p.lineSlab) == 0 {
		p.lineSlabN = nextSlab(p.lineSlabN)
		p.lineSlab = make([]Line, p.lineSlabN)
	}
	l := &p.lineSlab[0]
	p.lineSlab = p.lineSlab[1:]
	return l
}

func (p *parser) newOption() *Option {
	if len(p.optSlab) == 0 {
		p.optSlabN = nextSlab(p.optSlabN)
		p.optSlab = make([]Option, p.optSlabN)
	}
	o := &p.optSlab[0]
	p.optSlab = p.optSlab[1:]
	return o
}

func (p *parser) newComment() *Comment {
	if len(p.commentSlab) == 0 {
		p.commentSlabN = nextSlab(p.commentSlabN)
		p.commentSlab = make([]Comment, p.commentSlabN)
	}
	c := &p.commentSlab[0]
	p.commentSlab = p.commentSlab[1:]
	return c
}

// newSegs returns a slice of n segments whose capacity is n (an append
// to it copies), cut from a slab for the common small n.
func (p *parser) newSegs(n int) []seg {
	if n == 0 {
		return nil
	}
	if n > 16 {
		return make([]seg, n)
	}
	if len(p.segSlab) < n {
		p.segSlabN = nextSlab(p.segSlabN)
		p.segSlab = make([]seg, p.segSlabN)
	}
	s := p.segSlab[:n:n]
	p.segSlab = p.segSlab[n:]
	return s
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
	// simple is the line as a slice of the file, while it is one
	// unsubstituted physical line (hasSimple); its segment is allocated
	// only when the line ends that way.
	var simple string
	var simpleSeg seg
	hasSimple := false
	simpleDone := false // the line was simple and tb never held it
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
						hasSimple = false
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
			simple, simpleSeg, hasSimple = s[ws:e], seg{at: 0, n: e - ws, f: sg.f, off: sg.off + ws, srcN: e - ws, opaque: !sg.linear()}, true
			if e > ws && s[e-1] != '\\' && len(s)-ws <= p.o.MaxLine {
				// The common case, without copying the line into tb:
				// what the code below does with tb holding s[ws:], which
				// ends the logical line with the text simple.
				l.End = p.lastEnd
				simpleDone = true
				break
			}
		} else {
			hasSimple = false
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
	if simpleDone || (hasSimple && len(tb.b) == len(simple)) {
		// One physical line without substitution: share the file text.
		segs := p.newSegs(1)
		segs[0] = simpleSeg
		l.Text = Text{S: simple, segs: segs}
	} else {
		segs := p.newSegs(len(tb.segs))
		copy(segs, tb.segs)
		l.Text = Text{S: string(tb.b), segs: segs}
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
