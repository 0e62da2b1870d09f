package sendmail

import (
	"fmt"
	"strings"
)

// NodeKind says what an m4 token group is.
type NodeKind int

// Node kinds.
const (
	NodeText  NodeKind = iota // plain text (outside quotes), including '#', parentheses at top level
	NodeWord                  // an m4 name not followed by '(' (or not a known macro)
	NodeDnl                   // dnl and the rest of its line, newline included
	NodeCall                  // name( args )
	NodeQuote                 // `...'
	NodeGroup                 // ( ... ) inside an argument list
	NodeComma                 // an argument separator
)

// Node is one token group of an .mc file. Start and End are byte offsets
// (End exclusive) into the source.
type Node struct {
	Kind       NodeKind
	Start, End int
	Line       int    // 1-based line of Start
	Text       string // the source bytes [Start, End)
	Call       *Call  // NodeCall
	Quote      *Quote // NodeQuote
	Body       []*Node
	Closed     bool // NodeGroup: the ')' is present
}

// Call is a macro call with its arguments.
type Call struct {
	Name      string
	Start     int // offset of the name
	NameEnd   int // offset of the '('
	End       int
	Line      int
	Args      []*Arg
	Closed    bool // false when the file ends inside the argument list
	Top       bool // a call at the top level (not inside another call's arguments)
	Depth     int  // quote depth is always 0 for calls the lexer sees; nesting in argument lists
	Enclosing *Call
}

// Arg is one argument of a call.
type Arg struct {
	// Start, End cover the argument after the unquoted leading whitespace
	// that m4 discards ("leading unquoted blanks and newlines are
	// discarded"); trailing whitespace is kept, as in m4.
	Start, End int
	Raw        string
	// Value is Raw with one level of quotes removed and dnl comments
	// dropped: what the macro receives when the argument holds no
	// further macro calls.
	Value string
	// Quoted is true when the argument (after leading whitespace) starts
	// with '`'.
	Quoted bool
	Nodes  []*Node
}

// Quote is a quoted string.
type Quote struct {
	Start, End           int
	InnerStart, InnerEnd int
	Closed               bool
}

// Inner returns the text between the quotes.
func (q *Quote) Inner(src string) string { return src[q.InnerStart:q.InnerEnd] }

// ProblemKind classifies a parse problem.
type ProblemKind int

// Problem kinds.
const (
	EOFInString  ProblemKind = iota + 1 // m4: "end of file in string"
	EOFInArgList                        // m4: "end of file in argument list"
	TooDeep                             // nesting beyond MaxDepth: not parsed
	LeadingSpace                        // makemap: "syntax error (leading space)"
	NoValue                             // makemap: a key without a value
	Binary                              // NUL bytes: not a text file
	UnknownLine                         // sendmail.cf: "unknown configuration line"
)

// Problem is something the real program would reject, at a byte range.
type Problem struct {
	Kind       ProblemKind
	Start, End int
	Line, Col  int
	Msg        string
}

func (p Problem) Error(file string) string {
	return fmt.Sprintf("%s:%d:%d: %s", file, p.Line, p.Col, p.Msg)
}

// MC is a parsed .mc file.
type MC struct {
	Src      string
	Nodes    []*Node
	Calls    []*Call // every call, in source order, nested ones included
	Problems []Problem
}

// MaxDepth bounds quote and parenthesis nesting; deeper input is reported
// instead of parsed (no real configuration comes close).
const MaxDepth = 200

// ParseMC parses an .mc file. It never fails on any input: problems are in
// MC.Problems, and the returned error is the first of them formatted as
// file:line:col: message.
func ParseMC(name string, src []byte) (*MC, error) {
	s := string(src)
	mc := &MC{Src: s}
	if strings.IndexByte(s, 0) >= 0 {
		mc.addProblem(Binary, strings.IndexByte(s, 0), strings.IndexByte(s, 0)+1, "NUL byte: not a text file")
		return mc, mc.err(name)
	}
	if at := tooDeep(s); at >= 0 {
		mc.addProblem(TooDeep, at, at+1, fmt.Sprintf("quotes or parentheses nested deeper than %d levels", MaxDepth))
		return mc, mc.err(name)
	}
	// scanMCAST builds the tree the participle grammar (mcParser) builds,
	// 200 times faster; the tests compare the two.
	ast := scanMCAST(name, s)
	mc.Nodes = mc.nodes(ast.Nodes, nil)
	return mc, mc.err(name)
}

func (mc *MC) err(name string) error {
	if len(mc.Problems) == 0 {
		return nil
	}
	return fmt.Errorf("%s", mc.Problems[0].Error(name))
}

func (mc *MC) addProblem(k ProblemKind, start, end int, msg string) {
	line, col := lineCol(mc.Src, start)
	mc.Problems = append(mc.Problems, Problem{Kind: k, Start: start, End: end, Line: line, Col: col, Msg: msg})
}

// lineCol returns the 1-based line and byte column of off.
func lineCol(s string, off int) (int, int) {
	off = max(0, min(off, len(s)))
	line := 1 + strings.Count(s[:off], "\n")
	col := off - (strings.LastIndexByte(s[:off], '\n') + 1) + 1
	return line, col
}

// tooDeep returns the offset where nesting first exceeds MaxDepth, or -1.
// It over-approximates the lexer (every '(' outside quotes counts), which
// only matters for pathological input.
func tooDeep(s string) int {
	quote, paren := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '`':
			quote++
		case c == '\'' && quote > 0:
			quote--
		case quote > 0:
		case c == '(':
			paren++
		case c == ')' && paren > 0:
			paren--
		}
		if quote+paren > MaxDepth {
			return i
		}
	}
	return -1
}

func (mc *MC) nodes(in []*mcNodeAST, encl *Call) []*Node {
	out := make([]*Node, 0, len(in))
	for _, a := range in {
		out = append(out, mc.node(a, encl))
	}
	return out
}

func (mc *MC) node(a *mcNodeAST, encl *Call) *Node {
	n := &Node{Start: a.Pos.Offset, End: a.EndPos.Offset, Line: a.Pos.Line}
	switch {
	case a.Dnl != nil:
		n.Kind = NodeDnl
	case a.Call != nil:
		n.Kind = NodeCall
		c := &Call{
			Name: strings.TrimSuffix(a.Call.Open, "("), Start: n.Start, NameEnd: n.Start + len(a.Call.Open) - 1,
			End: n.End, Line: n.Line, Closed: a.Call.Close != nil, Top: encl == nil, Enclosing: encl,
		}
		n.Call = c
		mc.Calls = append(mc.Calls, c)
		n.Body = mc.nodes(a.Call.Body, c)
		c.Args = mc.args(c.NameEnd+1, n.Body)
		if !c.Closed {
			mc.addProblem(EOFInArgList, c.Start, c.NameEnd+1, fmt.Sprintf("end of file in argument list of %s(: the closing ')' is missing", c.Name))
		}
	case a.Quote != nil:
		n.Kind = NodeQuote
		n.Quote = mc.quote(a.Quote)
	case a.Group != nil:
		n.Kind = NodeGroup
		n.Body = mc.nodes(a.Group.Body, encl)
		n.Closed = a.Group.Close != nil
	case a.Comma != nil:
		n.Kind = NodeComma
	case a.Word != nil:
		n.Kind = NodeWord
	default:
		n.Kind = NodeText
	}
	n.Text = mc.Src[n.Start:n.End]
	return n
}

func (mc *MC) quote(q *mcQuoteAST) *Quote {
	out := &Quote{Start: q.Pos.Offset, End: q.EndPos.Offset, InnerStart: q.Pos.Offset + 1, InnerEnd: q.EndPos.Offset, Closed: q.Close != nil}
	if out.Closed {
		out.InnerEnd--
	}
	for _, p := range q.Parts {
		if p.Quote != nil {
			mc.quote(p.Quote)
		}
	}
	if !out.Closed && !mc.hasProblemKind(EOFInString) {
		// Only the innermost open quote is reported: it is where the
		// missing "'" belongs (the outer ones end at the same EOF).
		mc.addProblem(EOFInString, out.Start, out.Start+1, "end of file in string: this ` quote is never closed with '")
	}
	return out
}

func (mc *MC) hasProblemKind(k ProblemKind) bool {
	for _, p := range mc.Problems {
		if p.Kind == k {
			return true
		}
	}
	return false
}

// args splits a call body at its top-level commas.
func (mc *MC) args(bodyStart int, body []*Node) []*Arg {
	var out []*Arg
	cur := &Arg{Start: bodyStart}
	flush := func(end int) {
		// m4 discards leading unquoted whitespace (blanks and newlines).
		i := 0
		for i < len(cur.Nodes) && (cur.Nodes[i].Kind == NodeDnl || cur.Nodes[i].Kind == NodeText && strings.TrimLeft(cur.Nodes[i].Text, " \t\n\r") == "") {
			i++
		}
		nodes := cur.Nodes[i:]
		start := end
		if len(nodes) > 0 {
			start = nodes[0].Start
			if nodes[0].Kind == NodeText {
				t := nodes[0].Text
				start += len(t) - len(strings.TrimLeft(t, " \t\n\r"))
			}
		}
		cur.Start, cur.End = start, max(start, end)
		cur.Raw = mc.Src[cur.Start:cur.End]
		var b strings.Builder
		for j, n := range nodes {
			switch n.Kind {
			case NodeDnl:
			case NodeQuote:
				b.WriteString(n.Quote.Inner(mc.Src))
			default:
				t := n.Text
				if j == 0 {
					t = mc.Src[cur.Start:n.End]
				}
				b.WriteString(t)
			}
		}
		cur.Value = b.String()
		cur.Quoted = len(nodes) > 0 && nodes[0].Kind == NodeQuote
		cur.Nodes = nodes
		out = append(out, cur)
	}
	end := bodyStart
	for _, n := range body {
		end = n.End
		if n.Kind == NodeComma {
			flush(n.Start)
			cur = &Arg{}
			continue
		}
		cur.Nodes = append(cur.Nodes, n)
	}
	flush(end)
	if len(out) == 1 && out[0].Raw == "" && len(out[0].Nodes) == 0 {
		// FEATURE() and x() have no arguments worth keeping.
		return nil
	}
	return out
}

// Arg returns argument i (0-based) or nil.
func (c *Call) Arg(i int) *Arg {
	if i < len(c.Args) {
		return c.Args[i]
	}
	return nil
}

// ArgValue returns the one-level-unquoted value of argument i, "" when absent.
func (c *Call) ArgValue(i int) string {
	if a := c.Arg(i); a != nil {
		return a.Value
	}
	return ""
}
