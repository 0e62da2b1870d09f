package postfix

import (
	"fmt"
	"strings"
	"sync"

	"github.com/alecthomas/participle/v2/lexer"
)

// Expr is a parsed parameter value: literal text and $name expansions, as
// mac_parse() and mac_expand() (src/util/mac_parse.c, mac_expand.c) read it:
//
//	$name ${name} $(name)       the value of name (empty when undefined)
//	${name?text} ${name?{text}} text when name's value is non-empty
//	${name:text} ${name:{text}} text when it is empty or undefined
//	${name?{t}:{f}}             either (Postfix >= 3.0)
//	${{a} == {b}?{t}:{f}}       relational (==, !=, <, <=, >=, >, also with
//	                            the "level" suffix for compatibility levels)
//	$$                          a literal $
//
// Positions are relative to the parsed string (Offset is a byte offset in
// it). Text after a NUL byte is ignored, as Postfix reads C strings.
type Expr struct {
	Pos, EndPos lexer.Position
	Parts       []*ExprPart
}

// PartKind tells what an ExprPart is.
type PartKind uint8

const (
	PartText     PartKind = iota // literal text
	PartDollar                   // "$$": a literal "$"
	PartRef                      // $name, ${name...} or $(name...)
	PartRelation                 // ${{a} op {b}...}
	PartInvalid                  // a syntax error: Postfix stops expanding here
)

// RefForm is how a reference is written.
type RefForm uint8

const (
	FormBare   RefForm = iota // $name
	FormBraces                // ${...}
	FormParens                // $(...), the legacy form
)

// ExprPart is one piece of an Expr.
type ExprPart struct {
	Pos, EndPos lexer.Position
	Kind        PartKind
	// Text is the literal text (PartText), "$" (PartDollar) or the error
	// message (PartInvalid).
	Text string
	Form RefForm
	// Name is the referenced parameter (PartRef).
	Name             string
	NamePos, NameEnd lexer.Position
	// Left, Op and Right are the relation (PartRelation); Op includes its
	// suffix ("<level").
	Left, Right *Expr
	Op          string
	// IfSet is the operand after '?' (used when the value is non-empty),
	// IfUnset the one after ':' (used when it is empty or undefined); nil
	// when absent. A PartRef or PartRelation with neither is replaced by
	// its value (recursively expanded).
	IfSet, IfUnset *Expr
}

// ExprError is a syntax error in an expansion.
type ExprError struct {
	Pos lexer.Position
	Msg string
}

func (e *ExprError) Error() string { return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Column, e.Msg) }

// maxExprNesting bounds {} and () nesting: deeper input is rejected before
// parsing (Postfix itself stops at 100 nested expansions). Nested operands
// are parsed again from their text, so the parser also has a work budget
// proportional to the input.
const maxExprNesting = 100

// maxExprLen bounds the length of an expression (real values are a few KB).
const maxExprLen = 1 << 16

type exprParser struct {
	src          string
	idx          *lineIndex
	err          *ExprError
	work, budget int // bytes parsed so far, and the limit
}

// spend charges n bytes of parsing; false when over budget.
func (p *exprParser) spend(n int) bool {
	p.work += n
	return p.work <= p.budget
}

// ParseExpr parses s. It always returns an Expr; the error is the first
// syntax error (a PartInvalid part in the tree), as line:col: message.
func ParseExpr(s string) (*Expr, error) {
	p := &exprParser{src: s, idx: newLineIndex("", s), budget: 16*len(s) + 1<<16}
	end := len(s)
	if i := strings.IndexByte(s, 0); i >= 0 {
		end = i
	}
	var e *Expr
	if end > maxExprLen {
		e = &Expr{Pos: p.pos(0), EndPos: p.pos(end)}
		e.Parts = []*ExprPart{p.invalid(0, end, fmt.Sprintf("value longer than %d bytes: not expanded", maxExprLen))}
	} else if nestingDepth(s[:end]) > maxExprNesting {
		e = &Expr{Pos: p.pos(0), EndPos: p.pos(end)}
		e.Parts = []*ExprPart{p.invalid(0, end, fmt.Sprintf("macro nesting deeper than %d levels", maxExprNesting))}
	} else {
		e = p.text(0, end)
	}
	if p.err != nil {
		return e, p.err
	}
	return e, nil
}

// exprCache shares parsed expressions between Expand and Refs calls: a
// lint asks for the references and the expansion of the same values, and
// of the same defaults, many times, and the grammar is the costly part.
// The cached ASTs never leave this package (ParseExpr returns a fresh one),
// so nobody can modify a shared one. Bounded: long values and entries past
// exprCacheMax are parsed every time.
var exprCache struct {
	sync.Mutex
	m map[string]exprResult
}

type exprResult struct {
	e   *Expr
	err error
}

const (
	exprCacheMax    = 4096
	exprCacheMaxLen = 4096
)

// parseExprShared is ParseExpr through exprCache; the result is read-only.
func parseExprShared(s string) (*Expr, error) {
	if len(s) > exprCacheMaxLen {
		return ParseExpr(s)
	}
	exprCache.Lock()
	r, ok := exprCache.m[s]
	exprCache.Unlock()
	if ok {
		return r.e, r.err
	}
	e, err := ParseExpr(s)
	exprCache.Lock()
	if exprCache.m == nil {
		exprCache.m = map[string]exprResult{}
	}
	if len(exprCache.m) < exprCacheMax {
		exprCache.m[s] = exprResult{e, err}
	}
	exprCache.Unlock()
	return e, err
}

func nestingDepth(s string) int {
	d, maxd := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{', '(':
			d++
			maxd = max(maxd, d)
		case '}', ')':
			if d > 0 {
				d--
			}
		}
	}
	return maxd
}

func (p *exprParser) pos(off int) lexer.Position { return p.idx.pos(off) }

func (p *exprParser) invalid(lo, hi int, msg string) *ExprPart {
	part := &ExprPart{Pos: p.pos(lo), EndPos: p.pos(hi), Kind: PartInvalid, Text: msg}
	if p.err == nil {
		p.err = &ExprError{Pos: part.Pos, Msg: msg}
	}
	return part
}

// text parses src[lo:hi] as mac_parse() does.
func (p *exprParser) text(lo, hi int) *Expr {
	if !exprGrammarOnly {
		if e, ok := p.textSimple(lo, hi); ok {
			return e
		}
	}
	e := &Expr{Pos: p.pos(lo), EndPos: p.pos(hi)}
	if !p.spend(hi - lo) {
		e.Parts = append(e.Parts, p.invalid(lo, hi, "expression too complex"))
		return e
	}
	ast, err := macroParser().ParseString("", p.src[lo:hi])
	if err != nil || ast == nil {
		e.Parts = append(e.Parts, p.invalid(lo, hi, fmt.Sprintf("internal error: %v", err)))
		return e
	}
	add := func(part *ExprPart) { e.Parts = append(e.Parts, part) }
	for _, a := range ast.Parts {
		plo, phi := lo+a.Pos.Offset, lo+a.EndPos.Offset
		switch {
		case a.Escaped != nil:
			add(&ExprPart{Pos: p.pos(plo), EndPos: p.pos(phi), Kind: PartDollar, Text: "$"})
		case a.Name != nil:
			add(&ExprPart{Pos: p.pos(plo), EndPos: p.pos(phi), Kind: PartRef, Form: FormBare,
				Name: (*a.Name)[1:], NamePos: p.pos(plo + 1), NameEnd: p.pos(phi)})
		case a.Brace != nil || a.Paren != nil:
			closed, form := false, FormBraces
			if a.Brace != nil {
				closed = a.Brace.Close != nil
			} else {
				closed, form = a.Paren.Close != nil, FormParens
			}
			if !closed {
				add(p.invalid(plo, hi, "truncated macro reference: "+quoteLine(p.src[plo:hi])))
				return e
			}
			if phi-plo == 3 {
				add(p.invalid(plo, phi, "empty macro name: "+quoteLine(p.src[plo:phi])))
				return e
			}
			add(p.payload(plo+2, phi-1, plo, phi, form))
		case a.Bare != nil:
			add(p.invalid(plo, phi, "empty macro name: "+quoteLine(p.src[lo:hi])))
			return e
		default:
			if n := len(e.Parts); n > 0 && e.Parts[n-1].Kind == PartText {
				// Adjacent literal tokens are adjacent in src.
				last := e.Parts[n-1]
				last.Text = p.src[last.Pos.Offset:phi]
				last.EndPos = p.pos(phi)
				continue
			}
			add(&ExprPart{Pos: p.pos(plo), EndPos: p.pos(phi), Kind: PartText, Text: *a.Text})
		}
	}
	return e
}

// exprGrammarOnly disables textSimple, so tests can compare the two.
var exprGrammarOnly = false

func isNameChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// textSimple builds, by hand, the Expr that text builds with the macro and
// payload grammars, for the values almost every main.cf holds: literal
// text, "$$", "$name", "${name}" and "$(name)" with plain names. Anything
// else (operands, relations, nesting, errors) is left to the grammars (ok
// false). Participle's reflection made each expansion cost a third of a
// millisecond; TestExprFastPath and FuzzExprFastPath hold both paths to
// the same trees.
func (p *exprParser) textSimple(lo, hi int) (*Expr, bool) {
	work := p.work
	if !p.spend(hi - lo) {
		p.work = work
		return nil, false
	}
	e := &Expr{Pos: p.pos(lo), EndPos: p.pos(hi)}
	s := p.src
	for i := lo; i < hi; {
		if s[i] != '$' {
			j := i
			for j < hi && s[j] != '$' {
				j++
			}
			e.Parts = append(e.Parts, &ExprPart{Pos: p.pos(i), EndPos: p.pos(j), Kind: PartText, Text: s[i:j]})
			i = j
			continue
		}
		if i+1 >= hi {
			p.work = work
			return nil, false
		}
		switch c := s[i+1]; {
		case c == '$':
			e.Parts = append(e.Parts, &ExprPart{Pos: p.pos(i), EndPos: p.pos(i + 2), Kind: PartDollar, Text: "$"})
			i += 2
		case isNameChar(c):
			j := i + 1
			for j < hi && isNameChar(s[j]) {
				j++
			}
			e.Parts = append(e.Parts, &ExprPart{Pos: p.pos(i), EndPos: p.pos(j), Kind: PartRef, Form: FormBare,
				Name: s[i+1 : j], NamePos: p.pos(i + 1), NameEnd: p.pos(j)})
			i = j
		case c == '{' || c == '(':
			closing, form := byte('}'), FormBraces
			if c == '(' {
				closing, form = ')', FormParens
			}
			j := i + 2
			for j < hi && isNameChar(s[j]) {
				j++
			}
			if j == i+2 || j >= hi || s[j] != closing || !p.spend(j-i-2) {
				p.work = work
				return nil, false
			}
			e.Parts = append(e.Parts, &ExprPart{Pos: p.pos(i), EndPos: p.pos(j + 1), Kind: PartRef, Form: form,
				Name: s[i+2 : j], NamePos: p.pos(i + 2), NameEnd: p.pos(j)})
			i = j + 1
		default:
			p.work = work
			return nil, false
		}
	}
	return e, true
}

// relOps are the relational operators of mac_expand.c.
var relOps = map[string]bool{"==": true, "!=": true, "<": true, "<=": true, ">=": true, ">": true}

// payload parses the inside src[lo:hi] of ${...} or $(...) that spans
// src[partLo:partHi], as mac_expand_callback() does.
func (p *exprParser) payload(lo, hi, partLo, partHi int, form RefForm) *ExprPart {
	text := p.src[lo:hi]
	if !p.spend(hi - lo) {
		return p.invalid(partLo, partHi, "expression too complex")
	}
	ast, err := payloadParser().ParseString("", text)
	if err != nil || ast == nil {
		return p.invalid(partLo, partHi, fmt.Sprintf("internal error: %v", err))
	}
	part := &ExprPart{Pos: p.pos(partLo), EndPos: p.pos(partHi), Kind: PartRef, Form: form}
	fail := func(at int, msg string) *ExprPart {
		return p.invalid(partLo, partHi, fmt.Sprintf("%s at: \"...%s>>>%s\"", msg, text[:at], text[at:]))
	}
	curly := func(c *curlyAST) (*Expr, bool) {
		if c.Close == nil {
			return nil, false
		}
		return p.text(lo+c.Pos.Offset+1, lo+c.EndPos.Offset-1), true
	}
	if r := ast.Rel; r != nil {
		part.Kind = PartRelation
		var ok bool
		if part.Left, ok = curly(r.Left); !ok {
			return p.invalid(partLo, partHi, "unbalanced {} in attribute expression: "+quoteLine(text))
		}
		if r.Op == nil || !relOps[r.Op.Text] {
			return fail(r.Left.EndPos.Offset, `"==" or "!=" or "<" or "<=" or ">=" or ">" expected`)
		}
		part.Op = r.Op.Text
		if r.Suffix != nil {
			if r.Suffix.Text != "level" {
				return fail(r.Suffix.Pos.Offset, "bad operator suffix")
			}
			part.Op += r.Suffix.Text
		}
		if r.Right == nil {
			return fail(r.Op.EndPos.Offset, `"{expression}" expected`)
		}
		if part.Right, ok = curly(r.Right); !ok {
			return p.invalid(partLo, partHi, "unbalanced {} in attribute expression: "+quoteLine(text))
		}
	} else if ast.Name != nil {
		part.Name = ast.Name.Text
		part.NamePos, part.NameEnd = p.pos(lo+ast.Name.Pos.Offset), p.pos(lo+ast.Name.EndPos.Offset)
	} else {
		// "${ }" or "${?x}": Postfix looks up the empty name.
		part.NamePos, part.NameEnd = p.pos(lo), p.pos(lo)
	}
	// operand returns the Expr of a ? or : operand.
	operand := func(o *operandAST) (*Expr, bool) {
		if o.Curly != nil {
			return curly(o.Curly)
		}
		start := hi
		if len(o.Raw) > 0 {
			start = lo + o.Raw[0].Pos.Offset
		}
		return p.text(start, hi), true
	}
	var ok bool
	if c := ast.Cond; c != nil {
		if c.Test != nil {
			if part.IfSet, ok = operand(c.Test.True); !ok {
				return p.invalid(partLo, partHi, "unbalanced {} in attribute expression: "+quoteLine(text))
			}
			if c.Test.Else != nil {
				if part.IfUnset, ok = operand(c.Test.Else); !ok {
					return p.invalid(partLo, partHi, "unbalanced {} in attribute expression: "+quoteLine(text))
				}
			}
		} else if part.IfUnset, ok = operand(c.Else); !ok {
			return p.invalid(partLo, partHi, "unbalanced {} in attribute expression: "+quoteLine(text))
		}
	}
	if len(ast.Junk) > 0 {
		at := ast.Junk[0].Pos.Offset
		switch c := ast.Cond; {
		case c == nil && ast.Rel != nil:
			return fail(at, `"?" or ":" expected`)
		case c == nil:
			return fail(at, "attribute name syntax error")
		case c.Test != nil && c.Test.Else == nil:
			return fail(at, `":" expected`)
		default:
			return fail(at, "unexpected input")
		}
	}
	return part
}

// Ref is a parameter name referenced by an expansion.
type Ref struct {
	Name       string
	Offset     int // byte offset of the whole reference ("$name", "${name?x}") in the string
	End        int // byte offset just after it
	NameOffset int // byte offset of the name
	// Conditional is set when the reference is inside a ?/: operand or a
	// relation operand, so whether it is used depends on other values.
	Conditional bool
}

// Refs lists the parameter names s references, in order, including those
// in conditional operands (postconf's "scan" mode). Parts after a syntax
// error that ends mac_parse() (an unclosed ${ or a bare $) are not seen.
func Refs(s string) []Ref {
	if strings.IndexByte(s, '$') < 0 {
		return nil // no expansion without '$'; most values are plain
	}
	e, _ := parseExprShared(s)
	var out []Ref
	var walk func(e *Expr, cond bool)
	walk = func(e *Expr, cond bool) {
		if e == nil {
			return
		}
		for _, p := range e.Parts {
			switch p.Kind {
			case PartRef:
				if p.Name != "" {
					out = append(out, Ref{Name: p.Name, Offset: p.Pos.Offset, End: p.EndPos.Offset, NameOffset: p.NamePos.Offset, Conditional: cond})
				}
			case PartRelation:
				walk(p.Left, true)
				walk(p.Right, true)
			}
			walk(p.IfSet, true)
			walk(p.IfUnset, true)
		}
	}
	walk(e, false)
	return out
}

// Limits that keep Expand bounded whatever the values are (Postfix itself
// would recurse until "unreasonable macro call nesting" or run out of
// memory on exponential definitions such as b = $a$a, c = $b$b, ...).
const (
	defaultExpandDepth = 100     // mac_expand.c: "unreasonable macro call nesting" past 100
	maxExpandDepth     = 1000    // cap on the caller's maxDepth
	maxExpandOutput    = 1 << 20 // bytes of result
	maxExpandSteps     = 1 << 20 // parts evaluated
)

// Expand expands s the way `postconf -x` does (mac_expand() with
// MAC_EXP_FLAG_RECURSE): the value of a referenced parameter is expanded
// in turn, an undefined parameter expands to the empty string. lookup
// returns a parameter's value and whether it is defined (the caller
// decides about defaults). maxDepth bounds the nesting of expansions
// (<= 0: 100, as Postfix); a = $b, b = $a stops there. The result is what
// was expanded before the first error, if any; the second result lists the
// undefined names that were looked up, in order, without duplicates.
func Expand(s string, lookup func(name string) (string, bool), maxDepth int) (string, []string) {
	out, undef, _ := ExpandErr(s, lookup, maxDepth)
	return out, undef
}

// ExpandErr is Expand that also returns the first error: a syntax error
// in s or in an expanded value, too deep nesting, or a result too large.
// Postfix treats these as fatal ("macro processing error").
func ExpandErr(s string, lookup func(name string) (string, bool), maxDepth int) (string, []string, error) {
	if strings.IndexByte(s, '$') < 0 {
		return s, nil, nil
	}
	if maxDepth <= 0 {
		maxDepth = defaultExpandDepth
	}
	x := &expander{lookup: lookup, maxDepth: min(maxDepth, maxExpandDepth), parsed: map[string]*Expr{}, seen: map[string]bool{}}
	x.expr(x.parse(s), 0)
	return x.out.String(), x.undef, x.err
}

type expander struct {
	lookup   func(string) (string, bool)
	maxDepth int
	parsed   map[string]*Expr
	seen     map[string]bool
	undef    []string
	out      *strings.Builder
	total    int
	steps    int
	err      error
}

func (x *expander) parse(s string) *Expr {
	if e, ok := x.parsed[s]; ok {
		return e
	}
	e, _ := parseExprShared(s)
	x.parsed[s] = e
	return e
}

func (x *expander) fail(format string, args ...any) {
	if x.err == nil {
		x.err = fmt.Errorf(format, args...)
	}
}

func (x *expander) write(s string) {
	if x.total += len(s); x.total > maxExpandOutput {
		x.fail("expansion result larger than %d bytes", maxExpandOutput)
		return
	}
	if x.out == nil {
		x.out = &strings.Builder{}
	}
	x.out.WriteString(s)
}

// sub expands e into a separate buffer (a relation operand).
func (x *expander) sub(e *Expr, depth int) string {
	saved := x.out
	x.out = &strings.Builder{}
	x.expr(e, depth)
	s := x.out.String()
	x.out = saved
	return s
}

func (x *expander) get(name string) (string, bool) {
	var (
		v  string
		ok bool
	)
	if x.lookup != nil {
		v, ok = x.lookup(name)
	}
	if !ok && !x.seen[name] {
		x.seen[name] = true
		x.undef = append(x.undef, name)
	}
	return v, ok
}

func (x *expander) expr(e *Expr, depth int) {
	if x.out == nil {
		x.out = &strings.Builder{}
	}
	for _, p := range e.Parts {
		if x.err != nil {
			return
		}
		if x.steps++; x.steps > maxExpandSteps {
			x.fail("expansion takes more than %d steps", maxExpandSteps)
			return
		}
		switch p.Kind {
		case PartText, PartDollar:
			x.write(p.Text)
			continue
		case PartInvalid:
			x.fail("%s", p.Text)
			return
		}
		if depth >= x.maxDepth {
			x.fail("unreasonable macro call nesting: %q", p.Name)
			return
		}
		var (
			val     string
			defined bool
		)
		if p.Kind == PartRelation {
			l := x.sub(p.Left, depth+1)
			r := x.sub(p.Right, depth+1)
			if x.err != nil {
				return
			}
			res, err := evalRelation(l, p.Op, r)
			if err != nil {
				x.fail("%v", err)
				return
			}
			val, defined = res, true
		} else {
			val, defined = x.get(p.Name)
		}
		set := defined && val != ""
		switch {
		case p.IfSet == nil && p.IfUnset == nil:
			if set {
				x.expr(x.parse(val), depth+1)
			}
		default:
			if p.IfSet != nil && set {
				x.expr(p.IfSet, depth+1)
			}
			if p.IfUnset != nil && !set {
				x.expr(p.IfUnset, depth+1)
			}
		}
	}
}

// evalRelation evaluates a relation: numerically when both sides are
// digit strings, else as strings (mac_exp_eval()), or as compatibility
// levels with the "level" suffix (compat_level.c). The result is "true"
// or "", as in mac_expand.c.
func evalRelation(left, op, right string) (string, error) {
	base, level := strings.CutSuffix(op, "level")
	var d int
	switch {
	case level:
		a, ok := compatLevel(left)
		if !ok {
			return "", fmt.Errorf("malformed compatibility level syntax: %q", left)
		}
		b, ok := compatLevel(right)
		if !ok {
			return "", fmt.Errorf("malformed compatibility level syntax: %q", right)
		}
		for i := range a {
			if d = compareDigits(a[i], b[i]); d != 0 {
				break
			}
		}
	case allDigits(left) && allDigits(right):
		d = compareDigits(left, right)
	default:
		d = strings.Compare(left, right)
	}
	var r bool
	switch base {
	case "==":
		r = d == 0
	case "!=":
		r = d != 0
	case "<":
		r = d < 0
	case "<=":
		r = d <= 0
	case ">=":
		r = d >= 0
	case ">":
		r = d > 0
	}
	if r {
		return "true", nil
	}
	return "", nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// compareDigits compares two digit strings as numbers of any size.
func compareDigits(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// compatLevel splits "major[.minor[.patch]]" into three digit strings.
func compatLevel(s string) ([3]string, bool) {
	out := [3]string{"0", "0", "0"}
	parts := strings.Split(s, ".")
	if len(parts) > 3 {
		return out, false
	}
	for i, p := range parts {
		if !allDigits(p) {
			return out, false
		}
		out[i] = p
	}
	return out, true
}
