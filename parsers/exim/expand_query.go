package exim

import "strings"

// What rules ask of an expansion: its variables (and whether an ${if}
// condition tests them), its lookups and their files, ${perl} calls and
// ${if exists{…}} guards.

// VarRef is a variable used by an expansion.
type VarRef struct {
	Name       string
	Start, End int // offsets of the whole reference ("$x", "${x}")
	// InCondition is set when the variable is used in the condition of an
	// ${if …} ("${if eq{$tls_out_cipher}{}…}", "${if def:tls_out_cipher…}").
	InCondition bool
}

// Vars returns every variable reference in document order; "def:name"
// tests in ${if} conditions count as references to name.
func (x *Expansion) Vars() []VarRef {
	var out []VarRef
	var walk func(ns []*Node, cond bool)
	walk = func(ns []*Node, cond bool) {
		for _, n := range ns {
			switch n.Kind {
			case NodeVar:
				out = append(out, VarRef{Name: n.Name, Start: n.Start, End: n.End, InCondition: cond})
			case NodeItem:
				if n.Name == "if" {
					c, rest := n.IfParts()
					if c != nil {
						if c.DefVar != "" {
							out = append(out, VarRef{Name: c.DefVar, Start: c.Start, End: c.End, InCondition: true})
						}
						walk(c.Args, true)
					}
					walk(rest, cond)
					continue
				}
				walk(n.Children, cond)
			case NodeGroup:
				walk(n.Children, cond)
			}
		}
	}
	walk(x.Nodes, false)
	return out
}

// TestsVar reports whether an ${if} condition in x uses the variable name
// (a guard such as "${if !eq{$tls_out_cipher}{}{…}fail}").
func (x *Expansion) TestsVar(name string) bool {
	for _, v := range x.Vars() {
		if v.InCondition && v.Name == name {
			return true
		}
	}
	return false
}

// IfCond is the condition of an ${if …} item.
type IfCond struct {
	Negated    bool   // one or more leading "!" (odd count)
	Name       string // "eq", "exists", "def", "and", …
	DefVar     string // for "def:name": the variable name
	Args       []*Node
	Start, End int
}

// condArgs is the number of {…} arguments a condition takes (spec ch. 11.7).
var condArgs = map[string]int{
	"exists": 1, "bool": 1, "bool_lax": 1, "isip": 1, "isip4": 1, "isip6": 1,
	"pam": 1, "radius": 1, "pwcheck": 1, "saslauthd": 1, "ldapauth": 1, "and": 1, "or": 1,
	"acl": 1, "first_delivery": 0, "queue_running": 0, "def": 0,
}

// IfParts splits an ${if} item into its condition and the rest (the
// yes/no strings and any "fail"). cond is nil when n is not an ${if}.
func (n *Node) IfParts() (cond *IfCond, rest []*Node) {
	if n.Kind != NodeItem || n.Name != "if" {
		return nil, nil
	}
	kids := n.Children
	i := 0
	c := &IfCond{Start: n.NameEnd, End: n.NameEnd}
	// The condition word (with "!"s and "def:x") is at the start of the
	// first text child.
	if i < len(kids) && kids[i].Kind == NodeText {
		t := kids[i].Text
		lead := len(t) - len(strings.TrimLeft(t, " \t\r\n"))
		w := strings.TrimLeft(t, " \t\r\n")
		bangs := len(w) - len(strings.TrimLeft(w, "! \t"))
		c.Negated = strings.Count(w[:bangs], "!")%2 == 1
		w = w[bangs:]
		if k := strings.IndexAny(w, " \t\r\n"); k >= 0 {
			w = w[:k]
		}
		c.Start = kids[i].Start + lead
		c.End = c.Start + bangs + len(w)
		name := w
		if k := strings.IndexByte(w, ':'); k >= 0 {
			name = w[:k]
			if name == "def" {
				v := strings.TrimPrefix(w[k+1:], "$")
				c.DefVar = v
			}
		}
		c.Name = name
		i++
	}
	want, known := condArgs[c.Name]
	if !known {
		want = 2
	}
	for ; i < len(kids) && want > 0; i++ {
		k := kids[i]
		c.Args = append(c.Args, k)
		if k.Kind == NodeGroup {
			want--
			c.End = k.End
		}
	}
	return c, kids[i:]
}

// Lookup is a ${lookup…} item.
type Lookup struct {
	Item *Node
	// Spec is the type as written ("lsearch*", "partial-lsearch,ret=key");
	// Type the bare type ("lsearch").
	Spec, Type string
	Key        *Node // the {key} argument; nil for query-style lookups
	Source     *Node // the {file} or {query} argument (nil if missing)
	// Path is the literal file name of a file-based lookup ("" when the
	// source is not literal or the type is query-style); PathStart and
	// PathEnd are its offsets.
	Path               string
	PathStart, PathEnd int
	// Guarded is set when the lookup is inside the "yes" part of an
	// ${if exists{Path}…} (the seed's /etc/mailips and /etc/mailhelo).
	Guarded bool
}

// Lookups returns the ${lookup…} items in document order.
func (x *Expansion) Lookups() []*Lookup {
	var out []*Lookup
	x.Walk(func(n *Node, stack []*Node) bool {
		if n.Kind != NodeItem || n.Name != "lookup" {
			return true
		}
		l := &Lookup{Item: n}
		for _, k := range n.Children {
			switch {
			case k.Kind == NodeGroup && l.Spec == "" && l.Key == nil:
				l.Key = k
			case k.Kind == NodeText && l.Spec == "":
				l.Spec = strings.TrimSpace(k.Text)
			case k.Kind == NodeGroup && l.Spec != "" && l.Source == nil:
				l.Source = k
			}
		}
		l.Type, _, _ = parseLookupSpec(l.Spec)
		if l.Source != nil && lookupFileTypes[l.Type] {
			if p, ok := Literal(l.Source.Children); ok {
				trimmed := strings.TrimSpace(p)
				if strings.HasPrefix(trimmed, "/") {
					l.Path = trimmed
					l.PathStart, l.PathEnd = l.Source.Start+1, l.Source.End-1
					if !l.Source.Closed {
						l.PathEnd = l.Source.End
					}
					// Trim the white space in the source text too.
					for l.PathStart < l.PathEnd && x.byteAt(n, l.PathStart) {
						l.PathStart++
					}
				}
			}
		}
		l.Guarded = l.Path != "" && guardedBy(stack, n, l.Path)
		out = append(out, l)
		return true
	})
	return out
}

// byteAt reports whether the source byte at off (inside n's span) is white
// space, using the text nodes below n (the Expansion does not keep its
// string).
func (x *Expansion) byteAt(n *Node, off int) bool {
	found := false
	var walk func(ns []*Node)
	walk = func(ns []*Node) {
		for _, k := range ns {
			if off < k.Start || off >= k.End {
				continue
			}
			if k.Kind == NodeText {
				found = subSpace(k.Text[off-k.Start])
				return
			}
			walk(k.Children)
		}
	}
	walk(n.Children)
	return found
}

// guardedBy reports whether n sits in the non-condition part of an
// enclosing ${if exists{path}…}.
func guardedBy(stack []*Node, n *Node, path string) bool {
	for i, anc := range stack {
		if anc.Kind != NodeItem || anc.Name != "if" {
			continue
		}
		c, rest := anc.IfParts()
		if c == nil || c.Name != "exists" || c.Negated || len(c.Args) == 0 {
			continue
		}
		var arg *Node
		for _, a := range c.Args {
			if a.Kind == NodeGroup {
				arg = a
			}
		}
		if arg == nil {
			continue
		}
		p, ok := Literal(arg.Children)
		if !ok || strings.TrimSpace(p) != path {
			continue
		}
		// n must be inside the first branch (the "yes" string).
		inner := n
		if i+1 < len(stack) {
			inner = stack[i+1]
		}
		for _, r := range rest {
			if r.Kind == NodeGroup {
				if r == inner {
					return true
				}
				break
			}
		}
	}
	return false
}

// PerlCall is a ${perl{function}…} item.
type PerlCall struct {
	Item *Node
	Func string // the literal function name ("" if expanded)
}

// PerlCalls returns the ${perl…} items in document order.
func (x *Expansion) PerlCalls() []*PerlCall {
	var out []*PerlCall
	x.Walk(func(n *Node, _ []*Node) bool {
		if n.Kind == NodeItem && n.Name == "perl" {
			pc := &PerlCall{Item: n}
			if g := n.Groups(); len(g) > 0 {
				if f, ok := Literal(g[0].Children); ok {
					pc.Func = strings.TrimSpace(f)
				}
			}
			out = append(out, pc)
		}
		return true
	})
	return out
}

// ExistsPaths returns the literal paths tested by exists{…} conditions.
func (x *Expansion) ExistsPaths() []string {
	var out []string
	x.Walk(func(n *Node, _ []*Node) bool {
		if c, _ := n.IfParts(); c != nil && c.Name == "exists" {
			for _, a := range c.Args {
				if a.Kind == NodeGroup {
					if p, ok := Literal(a.Children); ok {
						out = append(out, strings.TrimSpace(p))
					}
				}
			}
		}
		return true
	})
	return out
}
