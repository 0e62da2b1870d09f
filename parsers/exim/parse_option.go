package exim

import "strings"

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
	o.NamePos = linePos(l, st)
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
		o.Value = p.slice(l.Text, i, len(s))
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
		return p.slice(t, i, len(s)), false
	}
	// The builder reuses the parser's scratch buffers; the result is
	// copied out of them.
	tb := textBuilder{b: p.sbuf[:0], segs: p.ssegs[:0]}
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
				if sg := t.segs[t.segAt(st)]; sg.f != nil && sg.linear() && t.segAt(j-1) == t.segAt(st) {
					tb.appendMapped([]byte{c}, sg.f, sg.srcStart(st), j-st)
				} else {
					// The escape is split across a continuation or a
					// macro: the byte stands for text in more than one
					// place, so it maps to where the escape starts without
					// claiming to be a copy of the byte there.
					s0 := t.segs[t.segAt(st)]
					tb.segs = append(tb.segs, seg{at: len(tb.b), n: 1, f: s0.f, off: s0.srcStart(st), srcN: 1, opaque: true})
					tb.b = append(tb.b, c)
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
	out := Text{S: string(tb.b), segs: p.newSegs(len(tb.segs))}
	copy(out.segs, tb.segs)
	p.sbuf, p.ssegs = tb.b[:0], tb.segs[:0]
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
