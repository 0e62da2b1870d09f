package exim

import "strings"

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
	var tb textBuilder
	tb.appendText(&t, i, j)
	if len(tb.b) == 0 {
		// keep a position for empty texts
		return Text{segs: []seg{t.emptySeg(i)}}
	}
	return tb.text()
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

func trimRightSpace(s string) string {
	return strings.TrimRightFunc(s, func(r rune) bool { return r < 0x80 && isSpace(byte(r)) })
}
