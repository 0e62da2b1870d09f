package exim

import "strings"

// Conditional directives (get_config_line in readconf.c). A directive is
// ".name" at the start of a physical line (after white space) followed by
// a space, the end of the line or — Exim 4.96's test reads 't' where
// '\t' was meant — the letter t. Any other character after a known
// directive name makes Exim drop the line without acting on it; so
// ".endif\r" in a CRLF file is ignored and the .ifdef stays open [exp].
//
// The test is true when any macro substitution happened on the line.

type condItem struct {
	name      string
	a1, a2    int // action when a macro was / was not substituted
	pushpop   int
	directive string
}

var condList = []condItem{
	{"ifdef", 0, 1, 1, "ifdef"},
	{"ifndef", 1, 0, 1, "ifndef"},
	{"elifdef", 2, 3, 0, "elifdef"},
	{"elifndef", 3, 2, 0, "elifndef"},
	{"else", 2, 2, 0, "else"},
	{"endif", 0, 0, -1, "endif"},
}

// nextCstate[state][action]: 0 = reading lines, 1 = skipping until a true
// branch, 2 = skipping until .endif.
var nextCstate = [3][4]int{
	{0, 1, 2, 2},
	{2, 2, 0, 1},
	{2, 2, 2, 2},
}

// condStackSize is cstate_stack_size: at most 10 nested levels.
const condStackSize = 10

type condFrame struct {
	state int
	cond  *Cond
}

// directive handles a physical line starting with '.' at ws; it reports
// whether the line was consumed as a conditional directive.
func (p *parser) directive(pl *physLine, ws int, found bool) bool {
	s := pl.t.S
	rest := s[ws+1:]
	for _, c := range condList {
		if !strings.HasPrefix(rest, c.name) {
			continue
		}
		var n byte
		if len(rest) > len(c.name) {
			n = rest[len(c.name)]
		}
		if n != ' ' && n != 't' && n != 0 {
			return true // dropped by Exim without effect
		}
		cd := &Cond{
			Pos:       pl.t.Pos(ws),
			Directive: c.directive,
			Arg:       strings.TrimSpace(rest[len(c.name):]),
			True:      found,
			Skipped:   p.cstate != 0,
		}
		p.c.Conds = append(p.c.Conds, cd)
		action := c.a2
		if found {
			action = c.a1
		}
		switch {
		case c.pushpop > 0:
			if len(p.cstack) >= condStackSize {
				p.errAtNoEnd(cd.Pos, "conditional", "."+c.name+" nested too deeply")
			}
			p.cstack = append(p.cstack, condFrame{state: p.cstate, cond: cd})
			p.cstate = nextCstate[p.cstate][action]
		case len(p.cstack) == 0:
			p.errAtNoEnd(cd.Pos, "conditional", "."+c.name+" without matching .ifdef")
		case c.pushpop < 0:
			p.cstate = p.cstack[len(p.cstack)-1].state
			p.cstack = p.cstack[:len(p.cstack)-1]
		default:
			p.cstate = nextCstate[p.cstate][action]
		}
		return true
	}
	return false
}
