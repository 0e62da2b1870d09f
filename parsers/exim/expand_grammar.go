package exim

import (
	"strings"
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The expansion grammar. The lexer splits an expansion string into the
// tokens expand_string_internal() reacts to; every byte belongs to a
// token, so the grammar is total (any string parses, an unclosed item or
// argument has no Close token) and the AST is turned into Nodes by
// expansionFromGrammar. Nesting is bounded before parsing (ParseExpansion).
var expandLexer = sync.OnceValue(func() *lexer.StatefulDefinition {
	return lexer.MustSimple([]lexer.SimpleRule{
		// \N…\N: up to the next \N or the end of the string.
		{Name: "Protected", Pattern: `\\N[\s\S]*?(?:\\N|$)`},
		// string_interpret_escape: \xhh, \ooo, or any one character.
		{Name: "Escape", Pattern: `\\(?:x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|[\s\S])?`},
		{Name: "DollarBrace", Pattern: `\$\{`},
		// Header variables end at a colon: $h_subject:, $rheader_x-y:.
		{Name: "HeaderVar", Pattern: `\$(?:[blr]?h|[blr]?header)_[^\s:{}$\\]*:?`},
		{Name: "Var", Pattern: `\$[A-Za-z0-9_]+`},
		{Name: "Dollar", Pattern: `\$`},
		{Name: "LBrace", Pattern: `\{`},
		{Name: "RBrace", Pattern: `\}`},
		{Name: "Space", Pattern: `[ \t\n\v\f\r]+`},
		{Name: "Word", Pattern: `[^\\${}\s]+`},
	})
})

type xAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Parts  []*xTopAST `parser:"@@*"`
}

// xTopAST is a top-level piece: braces are literal here.
type xTopAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Item   *xItemAST `parser:"  @@"`
	Tok    *xTokAST  `parser:"| @@"`
	Brace  *string   `parser:"| @(LBrace | RBrace)"`
}

type xTokAST struct {
	Pos       lexer.Position
	EndPos    lexer.Position
	Protected *string `parser:"  @Protected"`
	Escape    *string `parser:"| @Escape"`
	HeaderVar *string `parser:"| @HeaderVar"`
	Var       *string `parser:"| @Var"`
	Dollar    *string `parser:"| @Dollar"`
	Space     *string `parser:"| @Space"`
	Word      *string `parser:"| @Word"`
}

type xItemAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Open   string       `parser:"@DollarBrace"`
	Inner  []*xInnerAST `parser:"@@*"`
	Close  *string      `parser:"@RBrace?"`
}

type xInnerAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Item   *xItemAST  `parser:"  @@"`
	Group  *xGroupAST `parser:"| @@"`
	Tok    *xTokAST   `parser:"| @@"`
}

type xGroupAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Open   string       `parser:"@LBrace"`
	Inner  []*xInnerAST `parser:"@@*"`
	Close  *string      `parser:"@RBrace?"`
}

var expandParser = sync.OnceValue(func() *participle.Parser[xAST] {
	return participle.MustBuild[xAST](participle.Lexer(expandLexer()))
})

// expansionFromGrammar parses s with the grammar and builds the Nodes.
func expansionFromGrammar(s string) *Expansion {
	ast, err := expandParser().ParseString("", s)
	if err != nil || ast == nil {
		// The grammar is total; this is an internal error. Keep the text.
		return &Expansion{Nodes: []*Node{{Kind: NodeText, Start: 0, End: len(s), Text: s}}}
	}
	return expansionFromAST(s, ast)
}

// expansionFromAST builds the Nodes of an AST from the grammar or from
// scanExpansion.
func expansionFromAST(s string, ast *xAST) *Expansion {
	x := &Expansion{}
	add := func(ns []*Node, n *Node) []*Node {
		// Adjacent literal text (words, spaces, top-level braces) is one node.
		if k := len(ns); k > 0 && n.Kind == NodeText && ns[k-1].Kind == NodeText && ns[k-1].End == n.Start {
			ns[k-1].End = n.End
			ns[k-1].Text = s[ns[k-1].Start:n.End]
			return ns
		}
		return append(ns, n)
	}
	for _, p := range ast.Parts {
		switch {
		case p.Item != nil:
			x.Nodes = add(x.Nodes, itemNode(s, p.Item))
		case p.Tok != nil:
			x.Nodes = add(x.Nodes, tokNode(s, p.Tok))
		case p.Brace != nil:
			x.Nodes = add(x.Nodes, &Node{Kind: NodeText, Start: p.Pos.Offset, End: p.EndPos.Offset, Text: *p.Brace})
		}
	}
	return x
}

func tokNode(s string, t *xTokAST) *Node {
	lo, hi := t.Pos.Offset, t.EndPos.Offset
	n := &Node{Start: lo, End: hi, Text: s[lo:hi]}
	switch {
	case t.Protected != nil:
		n.Kind = NodeProtected
		body := s[lo+2 : hi]
		if strings.HasSuffix(body, `\N`) {
			body = body[:len(body)-2]
		}
		n.Text = body
	case t.Escape != nil:
		n.Kind = NodeEscape
	case t.HeaderVar != nil, t.Var != nil:
		n.Kind = NodeVar
		n.Name, n.NameStart, n.NameEnd = s[lo+1:hi], lo+1, hi
		n.Text = ""
	case t.Dollar != nil:
		n.Kind = NodeDollar
	default:
		n.Kind = NodeText
	}
	return n
}

func innerNodes(s string, in []*xInnerAST) []*Node {
	var out []*Node
	for _, p := range in {
		var n *Node
		switch {
		case p.Item != nil:
			n = itemNode(s, p.Item)
		case p.Group != nil:
			n = &Node{Kind: NodeGroup, Start: p.Group.Pos.Offset, End: p.Group.EndPos.Offset,
				Children: innerNodes(s, p.Group.Inner), Closed: p.Group.Close != nil}
		default:
			n = tokNode(s, p.Tok)
		}
		if k := len(out); k > 0 && n.Kind == NodeText && out[k-1].Kind == NodeText && out[k-1].End == n.Start {
			out[k-1].End = n.End
			out[k-1].Text = s[out[k-1].Start:n.End]
			continue
		}
		out = append(out, n)
	}
	return out
}

func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// itemNode turns ${…} into a NodeVar (${name}, ${h_x:}) or a NodeItem
// whose Name is the leading name and Children the rest.
func itemNode(s string, it *xItemAST) *Node {
	lo, hi := it.Pos.Offset, it.EndPos.Offset
	n := &Node{Kind: NodeItem, Start: lo, End: hi, Closed: it.Close != nil, NameStart: lo + 2, NameEnd: lo + 2}
	kids := innerNodes(s, it.Inner)
	if len(kids) > 0 && kids[0].Kind == NodeText {
		w := kids[0]
		j := w.Start
		for j < w.End && isNameByte(s[j]) {
			j++
		}
		n.Name, n.NameStart, n.NameEnd = s[w.Start:j], w.Start, j
		if j == w.End {
			kids = kids[1:]
		} else if j > w.Start {
			rest := &Node{Kind: NodeText, Start: j, End: w.End, Text: s[j:w.End]}
			kids = append([]*Node{rest}, kids[1:]...)
		}
	}
	n.Children = kids
	if n.Name != "" && len(kids) == 0 && n.Closed {
		n.Kind = NodeVar // ${name}
	} else if n.Name != "" && len(kids) == 1 && kids[0].Kind == NodeText && n.Closed && isHeaderName(n.Name) &&
		!strings.ContainsAny(kids[0].Text, " \t\r\n") {
		// ${h_subject:} and ${rheader_x-y:}
		n.Kind = NodeVar
		n.Name = s[n.NameStart:kids[0].End]
		n.NameEnd = kids[0].End
		n.Children = nil
	}
	return n
}

func isHeaderName(name string) bool {
	for _, p := range []string{"h_", "header_", "bh_", "bheader_", "rh_", "rheader_", "lh_", "lheader_"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
