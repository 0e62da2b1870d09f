package exim

import (
	"fmt"
	"strings"
)

// Expansion strings (spec ch. 11) as expand_string_internal() in
// src/expand.c reads them, for linting: the structure of ${…} items, the
// variables they use, lookups and their files, ${perl…} calls and the
// conditions of ${if…}.
//
//   - "$name" and "${name}" are variables ("$h_subject:" header forms
//     included); "$" followed by anything else is an error in Exim
//     ("`$' not followed by letter, digit, or {");
//   - "${name args}" is an item or operator ("${lc:$x}", "${if …}",
//     "${lookup{key}lsearch{/path}}"); its arguments are "{…}" groups;
//   - a backslash escapes the next character ("\$", "\{", "\\", "\x20");
//     "\N…\N" copies its text uninterpreted;
//   - braces are special only inside items: at the top level "{" and "}"
//     are literal text.
//
// Approximation: inside an item's argument Exim treats a "{" that does not
// start an argument as a literal character while "}" ends the argument;
// the grammar here nests every "{" (real configurations balance them, and
// an argument with a lone "{" is reported as unbalanced, which it is for
// Exim's condition parser). Offsets are byte offsets into the parsed
// string.

// Expansion is a parsed expansion string.
type Expansion struct {
	Nodes []*Node
}

// NodeKind tells what a Node is.
type NodeKind uint8

const (
	NodeText      NodeKind = iota // literal text (white space and top-level braces included)
	NodeEscape                    // a backslash and the character after it; Text is the raw "\x"
	NodeProtected                 // \N…\N; Text is the text between the markers
	NodeVar                       // $name, ${name}, $h_x:; Name is the variable name
	NodeItem                      // ${name args}; Name is the item name ("if", "lookup", "lc")
	NodeGroup                     // {…} argument inside an item
	NodeDollar                    // a "$" not followed by a name or "{" (an Exim expansion error)
)

// Node is one piece of an expansion.
type Node struct {
	Kind       NodeKind
	Start, End int    // offsets of the whole node in the parsed string
	Text       string // literal text (NodeText, NodeEscape, NodeProtected)
	// Name is the variable or item name; NameStart/NameEnd its offsets.
	Name               string
	NameStart, NameEnd int
	// Children are the arguments after the name (NodeItem) or the content
	// (NodeGroup).
	Children []*Node
	// Closed is false for an item or group whose closing "}" is missing.
	Closed bool
}

// maxExpansionNesting bounds the nesting of ${ and { (deeper input is
// rejected before parsing, so no recursion can grow without bound).
const maxExpansionNesting = 100

// maxExpansionLen bounds the input (real values are a few KB).
const maxExpansionLen = 1 << 20

// ParseExpansion parses s. It always returns an Expansion; the error is the
// first problem with its offset: an item or argument without its closing
// brace, a "$" not followed by a name or "{", or nesting deeper than
// maxExpansionNesting.
func ParseExpansion(s string) (*Expansion, error) {
	if len(s) > maxExpansionLen {
		return &Expansion{Nodes: []*Node{{Kind: NodeText, Start: 0, End: len(s), Text: s}}},
			&SyntaxError{Offset: 0, Msg: fmt.Sprintf("expansion longer than %d bytes: not parsed", maxExpansionLen)}
	}
	if d, at := expansionDepth(s); d > maxExpansionNesting {
		return &Expansion{Nodes: []*Node{{Kind: NodeText, Start: 0, End: len(s), Text: s}}},
			&SyntaxError{Offset: at, Msg: fmt.Sprintf("expansion nested deeper than %d levels", maxExpansionNesting)}
	}
	var x *Expansion
	switch {
	case expansionGrammarOnly:
		x = expansionFromGrammar(s)
	case !strings.ContainsAny(s, `$\`):
		// No item, variable or escape: one literal (the common case).
		x = &Expansion{}
		if s != "" {
			x.Nodes = []*Node{{Kind: NodeText, Start: 0, End: len(s), Text: s}}
		}
	default:
		x = expansionFromAST(s, scanExpansion(s))
	}
	return x, x.firstError()
}

// expansionGrammarOnly makes ParseExpansion use the participle grammar
// only (no literal fast path, no hand scanner), so tests can compare them.
var expansionGrammarOnly = false

// expansionDepth returns the deepest nesting of "${" and "{" inside items
// (an over-estimate: every "{" counts) and the offset where it is reached.
func expansionDepth(s string) (int, int) {
	d, maxd, at := 0, 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			d++
			if d > maxd {
				maxd, at = d, i
			}
		case '}':
			if d > 0 {
				d--
			}
		case '\\':
			i++
		}
	}
	return maxd, at
}

// firstError is the first structural problem in document order.
func (x *Expansion) firstError() error {
	var err error
	x.Walk(func(n *Node, _ []*Node) bool {
		if err != nil {
			return false
		}
		switch n.Kind {
		case NodeItem, NodeGroup:
			if !n.Closed {
				what := "expansion item"
				if n.Kind == NodeGroup {
					what = "argument"
				}
				err = &SyntaxError{Offset: n.Start, Msg: "missing } at end of " + what + " starting here"}
				return false
			}
		case NodeDollar:
			err = &SyntaxError{Offset: n.Start, Msg: "`$' not followed by letter, digit, or {"}
			return false
		}
		return true
	})
	return err
}

// Walk calls f for every node in document order, with the enclosing nodes
// (outermost first); f returns false to skip a node's children.
func (x *Expansion) Walk(f func(n *Node, stack []*Node) bool) {
	var walk func(ns []*Node, stack []*Node)
	walk = func(ns []*Node, stack []*Node) {
		for _, n := range ns {
			if f(n, stack) && len(n.Children) > 0 {
				walk(n.Children, append(stack, n))
			}
		}
	}
	walk(x.Nodes, nil)
}

// Groups returns the item's {…} arguments in order.
func (n *Node) Groups() []*Node {
	var out []*Node
	for _, c := range n.Children {
		if c.Kind == NodeGroup {
			out = append(out, c)
		}
	}
	return out
}

// Literal returns the text of nodes when they contain no variable, item
// or "$", with escapes and \N…\N resolved; ok is false otherwise.
func Literal(nodes []*Node) (s string, ok bool) {
	var b strings.Builder
	for _, n := range nodes {
		switch n.Kind {
		case NodeText, NodeProtected:
			b.WriteString(n.Text)
		case NodeEscape:
			c, _ := subEscape(n.Text[1:])
			if len(n.Text) > 1 {
				b.WriteByte(c)
			}
		case NodeGroup:
			// A brace pair inside an argument is literal text to Exim.
			inner, ok := Literal(n.Children)
			if !ok {
				return "", false
			}
			b.WriteString("{" + inner + "}")
		default:
			return "", false
		}
	}
	return b.String(), true
}

// Raw returns the source text of n in the parsed string s.
func (n *Node) Raw(s string) string {
	if n.Start < 0 || n.End > len(s) || n.Start > n.End {
		return ""
	}
	return s[n.Start:n.End]
}
