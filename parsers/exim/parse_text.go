package exim

// textBuilder accumulates a Text piece by piece.
type textBuilder struct {
	b    []byte
	segs []seg
}

// appendText appends t.S[i:j] with its mapping.
func (tb *textBuilder) appendText(t *Text, i, j int) {
	if i >= j {
		return
	}
	base := len(tb.b)
	tb.b = append(tb.b, t.S[i:j]...)
	tb.appendSegs(t, i, j, base)
}

// appendSegs appends the mapping of t.S[i:j] placed at base.
func (tb *textBuilder) appendSegs(t *Text, i, j, base int) {
	for _, s := range t.segs {
		a, e := s.at, s.at+s.n
		if e <= i || a >= j {
			continue
		}
		ns := s
		if s.linear() {
			if a < i {
				ns.off += i - a
				a = i
			}
			if e > j {
				e = j
			}
			ns.srcN = e - a
		} else {
			ns.opaque = true
			if a < i {
				a = i
			}
			if e > j {
				e = j
			}
		}
		ns.at = base + a - i
		ns.n = e - a
		if ns.n <= 0 {
			continue
		}
		if s.linear() {
			ns.srcN = ns.n
		}
		tb.addSeg(ns)
	}
}

// addSeg appends a segment, merging it with the previous one when both are
// byte-for-byte and contiguous in the same file.
func (tb *textBuilder) addSeg(s seg) {
	if k := len(tb.segs) - 1; k >= 0 {
		p := &tb.segs[k]
		if p.f == s.f && p.linear() && s.linear() && p.at+p.n == s.at && p.off+p.srcN == s.off {
			p.n += s.n
			p.srcN += s.n
			return
		}
	}
	tb.segs = append(tb.segs, s)
}

// appendMapped appends bytes that stand for the source range [off,
// off+srcN) of f (an escape sequence).
func (tb *textBuilder) appendMapped(b []byte, f *SourceFile, off, srcN int) {
	if len(b) == 0 {
		return
	}
	s := seg{at: len(tb.b), n: len(b), f: f, off: off, srcN: srcN}
	tb.b = append(tb.b, b...)
	tb.addSeg(s)
}

func (tb *textBuilder) text() Text {
	return Text{S: string(tb.b), segs: tb.segs}
}

// slice returns t.S[i:j] as a Text.
func (t Text) slice(i, j int) Text {
	if i <= 0 && j >= len(t.S) {
		return t
	}
	if len(t.segs) == 1 && t.segs[0].linear() && t.segs[0].at == 0 && t.segs[0].n == len(t.S) && i <= j {
		// fast path: a piece of one file, no copy of the text
		s := t.segs[0]
		return Text{S: t.S[i:j], segs: []seg{{at: 0, n: j - i, f: s.f, off: s.off + i, srcN: j - i}}}
	}
	if i >= j {
		// keep a position for empty texts
		return Text{segs: []seg{t.emptySeg(i)}}
	}
	// The text is t.S[i:j] itself (what appendText would copy); only the
	// segments are built, in a slice of the size they need.
	n := 0
	for _, s := range t.segs {
		if s.at+s.n > i && s.at < j {
			n++
		}
	}
	tb := textBuilder{segs: make([]seg, 0, n)}
	tb.appendSegs(&t, i, j, 0)
	return Text{S: t.S[i:j], segs: tb.segs}
}

// slice is t.slice(i, j) with the segments cut from the parser's slab
// (every option value is a slice of its line).
func (p *parser) slice(t Text, i, j int) Text {
	if i <= 0 && j >= len(t.S) {
		return t
	}
	if len(t.segs) == 1 && t.segs[0].linear() && t.segs[0].at == 0 && t.segs[0].n == len(t.S) && i <= j {
		s := t.segs[0]
		segs := p.newSegs(1)
		segs[0] = seg{at: 0, n: j - i, f: s.f, off: s.off + i, srcN: j - i}
		return Text{S: t.S[i:j], segs: segs}
	}
	if i >= j {
		return t.slice(i, j)
	}
	n := 0
	for _, s := range t.segs {
		if s.at+s.n > i && s.at < j {
			n++
		}
	}
	tb := textBuilder{segs: p.newSegs(n)[:0]}
	tb.appendSegs(&t, i, j, 0)
	k := len(tb.segs)
	return Text{S: t.S[i:j], segs: tb.segs[:k:k]}
}

// linePos is l.Text.Pos(i), computed without a line lookup when the text
// is one byte-for-byte piece of the physical line l starts on: then the
// byte is on l.Pos.Line, i bytes right of l.Pos (which, like every Pos
// the parser builds, has a Line and Column that match its Offset).
func linePos(l *Line, i int) Pos {
	t := &l.Text
	if len(t.segs) == 1 && i >= 0 {
		s := t.segs[0]
		if s.f != nil && s.linear() && s.at == 0 && s.n == len(t.S) && i <= s.n &&
			l.Pos.File == s.f.Path && l.End.File == s.f.Path && l.Pos.Offset == s.off &&
			l.Pos.Line == l.End.Line && s.off+s.n <= l.End.Offset {
			return Pos{File: s.f.Path, Offset: s.off + i, Line: l.Pos.Line, Column: l.Pos.Column + i}
		}
	}
	return t.Pos(i)
}

// emptySeg is a zero-length segment at S[i].
func (t Text) emptySeg(i int) seg {
	if len(t.segs) == 0 {
		return seg{}
	}
	k := t.segAt(i)
	s := t.segs[k]
	off := s.srcStart(i)
	if i >= s.at+s.n {
		off = s.srcEnd(i)
	}
	return seg{at: 0, n: 0, f: s.f, off: off, srcN: 0}
}

// appendMacro appends the macro value r that replaces t.S[i:j].
func (tb *textBuilder) appendMacro(t *Text, i, j int, r *Text) {
	if len(r.S) == 0 {
		return
	}
	if len(r.segs) > 0 && r.segs[0].f != nil {
		tb.appendText(r, 0, len(r.S))
		return
	}
	// Text from Options.Defines (-D) is in no file: map it to the macro
	// name it replaced.
	at := len(tb.b)
	tb.b = append(tb.b, r.S...)
	if len(t.segs) == 0 {
		return
	}
	s := t.segs[t.segAt(i)]
	st := s.srcStart(i)
	en := s.off + s.srcN
	if j <= s.at+s.n {
		en = s.srcEnd(j)
	}
	if en < st {
		en = st
	}
	tb.segs = append(tb.segs, seg{at: at, n: len(r.S), f: s.f, off: st, srcN: en - st, opaque: true})
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isAlpha(c byte) bool { return isUpper(c) || isLower(c) }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool { return isAlpha(c) || isDigit(c) }
func isNameChar(c byte) bool {
	return isAlnum(c) || c == '_'
}

func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// trimRightSpace removes trailing ASCII white space (isspace); a byte
// >= 0x80 is never space, so the bytes can be tested one by one.
func trimRightSpace(s string) string {
	n := len(s)
	for n > 0 && isSpace(s[n-1]) {
		n--
	}
	return s[:n]
}
