package exim

import (
	"iter"
	"sort"
	"strings"
	"sync"
)

// Macros follow readconf.c/macro.c of Exim 4.96:
//
//   - A logical line starting with an upper-case letter in the main part
//     (or "NAME =" between driver instances and between ACLs) defines a
//     macro (macro_read_assignment): name [A-Za-z0-9_] (63 bytes at most),
//     '=' or '==' (redefinition), the rest of the line is the value.
//   - A new name may not contain an earlier macro's name as a substring
//     (fatal); the reverse is allowed. A name defined on the command line
//     (-D, Options.Defines) makes the file's definition a no-op.
//   - Every physical line is substituted (macros_expand) before anything
//     else, in definition order: each macro's name is replaced wherever it
//     occurs as a substring; the replacement is not rescanned for the same
//     macro, but later macros see it. On the first physical line of a
//     logical line "NAME =" is skipped. The scan starts at the first
//     upper-case letter (or "_X"); Exim's own macros (_HAVE_*, _OPT_*, …)
//     are only tried when that first candidate starts with "_".

type active struct {
	name    string
	val     Text
	rec     *Macro
	cmd     bool
	builtin bool
}

// builtinActive are the builtin macros, shared by every parse: no file
// can redefine them (a definition line starts with an upper-case letter).
var builtinActive = sync.OnceValue(func() []*active {
	out := make([]*active, len(builtinMacros))
	for i, b := range builtinMacros {
		out[i] = &active{name: b[0], val: Text{S: b[1]}, builtin: true}
	}
	return out
})

func (p *parser) initMacros() {
	names := make([]string, 0, len(p.o.Defines))
	for k := range p.o.Defines {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		m := &Macro{Name: k, Value: Text{S: p.o.Defines[k]}, Command: true}
		p.c.Macros = append(p.c.Macros, m)
		p.macros = append(p.macros, &active{name: k, val: m.Value, rec: m, cmd: true})
	}
}

func isCandidate(s string, i int) bool {
	return isUpper(s[i]) || (s[i] == '_' && i+1 < len(s) && isUpper(s[i+1]))
}

// nextCandidate is the first i' >= i with isCandidate(s, i'), or len(s).
// Every physical line is scanned, comments included: eight bytes at a
// time are skipped while none of them is an upper-case letter or "_".
func nextCandidate(s string, i int) int {
	for ; i >= 0 && i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if mayHoldCandidate(x) {
			break
		}
	}
	for ; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			return i
		}
		if c == '_' && i+1 < len(s) && s[i+1] >= 'A' && s[i+1] <= 'Z' {
			return i
		}
	}
	return i
}

// mayHoldCandidate reports whether one of the eight bytes of x is in
// 'A'..'Z' or is '_' (exact: "hasbetween" and "haszero" of Bit Twiddling
// Hacks; TestNextCandidate compares with a byte loop).
func mayHoldCandidate(x uint64) bool {
	const ones, low7, high = 0x0101010101010101, 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	const m, n = 'A' - 1, 'Z' + 1 // hasbetween is exclusive
	between := (ones*(127+n) - (x & low7)) & ^x & ((x & low7) + ones*(127-m)) & high
	u := x ^ (ones * '_')
	underscore := (u - ones) & ^u & high
	return between|underscore != 0
}

// expand substitutes macros in t from byte from on; it reports whether a
// substitution happened.
func (p *parser) expand(t *Text, from int) bool {
	s := t.S
	i := nextCandidate(s, from)
	if i >= len(s) {
		return false
	}
	lists := [2][]*active{nil, p.macros}
	if s[i] == '_' {
		lists[0] = builtinActive()
	}
	found := false
	for _, list := range lists {
		if p.expandWith(t, list, &i) {
			found = true
		}
		if i >= len(t.S) {
			break
		}
	}
	return found
}

// expandWith substitutes the macros of list in order (macros_expand's
// loop); *i is the scan start, advanced past text that cannot start a
// macro name.
func (p *parser) expandWith(t *Text, list []*active, ip *int) bool {
	s := t.S
	i := *ip
	found := false
	defer func() { *ip = i }()
	for _, m := range list {
		s = t.S
		i = nextCandidate(s, i)
		if i >= len(s) {
			break
		}
		k := strings.Index(s[i:], m.name)
		if k < 0 {
			continue
		}
		// Replace every occurrence after i in one pass: Exim goes on
		// searching after each replacement, which is the same as
		// searching the original text after the replaced name.
		var tb textBuilder
		tb.appendText(t, 0, i+k)
		j := i + k
		for {
			if m.rec != nil && len(m.rec.Uses) < 1000 {
				m.rec.Uses = append(m.rec.Uses, t.Pos(j))
			}
			tb.appendMacro(t, j, j+len(m.name), &m.val)
			found = true
			if len(tb.b) > p.o.MaxLine {
				p.errAtNoEnd(t.Pos(0), "limit", "line longer than the limit after macro substitution (macro \""+m.name+"\")")
				tb.truncate(p.o.MaxLine)
				*t = tb.text()
				return found
			}
			j += len(m.name)
			n := strings.Index(s[j:], m.name)
			if n < 0 {
				tb.appendText(t, j, len(s))
				break
			}
			tb.appendText(t, j, j+n)
			j += n
		}
		*t = tb.text()
	}
	return found
}

// allMacros iterates over Exim's whole macro list: builtins, then -D and
// file macros.
func (p *parser) allMacros() iter.Seq[*active] {
	return func(yield func(*active) bool) {
		for _, list := range [2][]*active{builtinActive(), p.macros} {
			for _, a := range list {
				if !yield(a) {
					return
				}
			}
		}
	}
}

// defineMacro is macro_read_assignment for the logical line l.
func (p *parser) defineMacro(l *Line) {
	s := l.Text.S
	i := skipSpace(s, 0)
	st := i
	for i < len(s) && isNameChar(s[i]) {
		i++
	}
	name := s[st:i]
	namePos := l.Text.Pos(st)
	if len(name) > 63 {
		p.errAt(namePos, "macro", "macro name too long (maximum is 63 characters)")
		name = name[:63]
	}
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != '=' {
		p.errAt(l.Text.Pos(i), "macro", "malformed macro definition")
		return
	}
	i++
	redef := false
	if i < len(s) && s[i] == '=' {
		redef = true
		i++
	}
	i = skipSpace(s, i)
	m := &Macro{
		Name: name, NamePos: namePos, Value: l.Text.slice(i, len(s)),
		Redefine: redef, Section: p.sec.Name, Line: l,
	}
	if p.kind == kindDriver && p.drv != nil {
		m.Ends = p.drv
	}
	p.c.Macros = append(p.c.Macros, m)
	var same *active
	for a := range p.allMacros() {
		if a.name == name {
			if !a.cmd && !redef {
				p.errAt(namePos, "macro", "macro \""+name+"\" is already defined (use \"==\" if you want to redefine it)")
				return
			}
			same = a
			break
		}
		if len(a.name) < len(name) && strings.Contains(name, a.name) {
			p.errAt(namePos, "macro", "\""+name+"\" cannot be defined as a macro because previously defined macro \""+a.name+"\" is a substring")
			return
		}
	}
	if same != nil && same.cmd {
		m.Ignored = true
		return
	}
	if redef {
		if same == nil {
			p.errAt(namePos, "macro", "can't redefine an undefined macro \""+name+"\"")
			return
		}
		m.Overrides = same.rec
		same.val = m.Value
		same.rec = m
		return
	}
	p.macros = append(p.macros, &active{name: name, val: m.Value, rec: m})
}
