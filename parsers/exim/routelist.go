package exim

import "strings"

// route_list (spec ch. 20.2–20.5) as manualroute.c reads it: the value is
// split into rules with the fixed separator ';' (string_nextinlist with
// sep = ';': ";;" is a literal ';', no "<c" change, an empty last rule is
// ignored); parse_route_item() then takes the domain pattern and the host
// list with string_dequote() (a word up to white space, or a double-quoted
// string with backslash escapes) and leaves the rest as options
// (byname, bydns, randomize, no_randomize, ipv4_prefer, ipv4_only, a
// transport name, ...).

// RouteList is a parsed route_list value.
type RouteList struct {
	Rules []*Route
}

// Route is one rule of a route_list.
type Route struct {
	Start, End int // the rule's text in the parsed string (trimmed)
	Domain     Field
	Hosts      Field
	// HostList is Hosts parsed as a host list; its offsets are into the
	// parsed route_list string (through quotes and escapes).
	HostList *HostList
	Options  []Field
}

// Field is a word or a quoted string of a route_list rule.
type Field struct {
	Text       string // after unquoting
	Start, End int    // offsets in the parsed string, quotes included
	Quoted     bool
	Unclosed   bool // a '"' without its closing quote
	Present    bool // false when the rule ended before this field
	m          subText
}

// ParseRouteList parses a route_list value. The error is the first
// problem found: an unclosed quote, a rule without a host list, or a host
// list problem (see ParseList).
func ParseRouteList(s string) (*RouteList, error) {
	rl := &RouteList{}
	l, err := parseList(subText{s: s}, ';')
	for _, it := range l.Items {
		r, rerr := parseRoute(subText{s: it.Value, off: it.off})
		r.Start, r.End = it.Start, it.End
		if err == nil {
			err = rerr
		}
		rl.Rules = append(rl.Rules, r)
	}
	return rl, err
}

// ParseRoute parses one rule ("domain hostlist options"), as route_data
// values are read (without the domain when withDomain is false).
func ParseRoute(s string, withDomain bool) (*Route, error) {
	m := subText{s: s}
	if withDomain {
		r, err := parseRoute(m)
		r.Start, r.End = 0, len(s)
		return r, err
	}
	r := &Route{Start: 0, End: len(s)}
	i := subSkipSpace(s, 0)
	var err error
	r.Hosts, i = subDequote(m, i)
	r.HostList, err = parseHostList(r.Hosts.m)
	r.Options = routeOptions(m, i)
	if err == nil {
		err = fieldErr(r.Hosts)
	}
	return r, err
}

func subSkipSpace(s string, i int) int {
	for i < len(s) && subSpace(s[i]) {
		i++
	}
	return i
}

func parseRoute(m subText) (*Route, error) {
	r := &Route{}
	s := m.s
	i := subSkipSpace(s, 0)
	var err error
	r.Domain, i = subDequote(m, i)
	i = subSkipSpace(s, i)
	r.Hosts, i = subDequote(m, i)
	if !r.Hosts.Present {
		err = &SyntaxError{Offset: m.at(len(s)), Msg: "route_list rule has no host list"}
	}
	r.HostList, _ = parseHostList(r.Hosts.m)
	r.Options = routeOptions(m, i)
	if err == nil {
		err = fieldErr(r.Domain)
	}
	if err == nil {
		err = fieldErr(r.Hosts)
	}
	return r, err
}

func fieldErr(f Field) error {
	if f.Unclosed {
		return &SyntaxError{Offset: f.Start, Msg: "missing closing double quote"}
	}
	return nil
}

// options splits the rest of a rule at white space.
func routeOptions(m subText, i int) []Field {
	var out []Field
	s := m.s
	for {
		i = subSkipSpace(s, i)
		if i >= len(s) {
			return out
		}
		j := i
		for j < len(s) && !subSpace(s[j]) {
			j++
		}
		out = append(out, Field{Text: s[i:j], Start: m.at(i), End: m.at(j), Present: true, m: m.slice(i, j)})
		i = j
	}
}

// subDequote is string_dequote() in src/string.c: a word up to white space,
// or a double-quoted string in which a backslash escape
// (string_interpret_escape) is interpreted.
func subDequote(m subText, i int) (Field, int) {
	s := m.s
	if i >= len(s) {
		return Field{Start: m.at(i), End: m.at(i), m: subText{base: m.at(i)}}, i
	}
	start := i
	if s[i] != '"' {
		j := i
		for j < len(s) && !subSpace(s[j]) {
			j++
		}
		return Field{Text: s[i:j], Start: m.at(i), End: m.at(j), Present: true, m: m.slice(i, j)}, j
	}
	i++
	var val []byte
	var off []int
	for i < len(s) && s[i] != '"' {
		if s[i] == '\\' && i+1 < len(s) {
			c, n := subEscape(s[i+1:])
			val = append(val, c)
			off = append(off, m.at(i))
			i += 1 + n
			continue
		}
		val = append(val, s[i])
		off = append(off, m.at(i))
		i++
	}
	f := Field{Quoted: true, Present: true, Start: m.at(start)}
	if i < len(s) {
		off = append(off, m.at(i))
		i++
	} else {
		f.Unclosed = true
		off = append(off, m.at(i))
	}
	f.End = m.at(i)
	f.Text = string(val)
	f.m = subText{s: f.Text, off: off}
	return f, i
}

// subEscape reads the escape after a backslash (t starts after it)
// as string_interpret_escape does: \n \r \t, \xhh (up to two hex digits),
// \ooo (up to three octal digits); any other character stands for itself.
// It returns the byte and how many bytes of t it used.
func subEscape(t string) (byte, int) {
	if t == "" {
		return '\\', 0
	}
	switch c := t[0]; {
	case c == 'n':
		return '\n', 1
	case c == 'r':
		return '\r', 1
	case c == 't':
		return '\t', 1
	case c == 'x' && len(t) > 1 && subIsHex(t[1]):
		v, n := 0, 1
		for n < 3 && n < len(t) && subIsHex(t[n]) {
			v = v*16 + subHexVal(t[n])
			n++
		}
		return byte(v), n
	case '0' <= c && c <= '7':
		v, n := 0, 0
		for n < 3 && n < len(t) && '0' <= t[n] && t[n] <= '7' {
			v = v*8 + int(t[n]-'0')
			n++
		}
		return byte(v), n
	default:
		return c, 1
	}
}

func subIsHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func subHexVal(c byte) int {
	switch {
	case c <= '9':
		return int(c - '0')
	case c >= 'a':
		return int(c-'a') + 10
	default:
		return int(c-'A') + 10
	}
}

// HasOption reports whether the rule has the option word w.
func (r *Route) HasOption(w string) bool {
	for _, o := range r.Options {
		if strings.EqualFold(o.Text, w) {
			return true
		}
	}
	return false
}
