package exim

import (
	"fmt"
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The list grammar: the body of an Exim list after any "<c" prefix, for a
// given separator c, as string_nextinlist() in src/string.c reads it.
//
//	List  = (Space? Item)* Space?
//	Item  = Sep                                  an empty item
//	      | (Text | Double) (Text | Double | Space)* Sep?
//
// Double is a doubled separator: one literal separator character (the
// second of the pair), never for control-character separators. Space is
// isspace() without the separator, Text anything else. Trailing white
// space of an item is trimmed afterwards (parseList), as Exim does. The
// grammar is total: every string parses. listBody (list.go) is the
// hand-written fast path; TestListFastPath and FuzzParseList hold both to
// the same items. The lexer depends on the separator, so a parser is
// built per separator on first use.

type lAST struct {
	Items []*lItemAST `parser:"( Space? @@ )* Space?"`
}

type lItemAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Empty  *string   `parser:"  @Sep"`
	Full   *lFullAST `parser:"| @@"`
}

type lFullAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	First  *lTokAST   `parser:"@@"`
	Rest   []*lAnyAST `parser:"@@*"`
	Sep    *string    `parser:"@Sep?"`
}

type lAnyAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   *string `parser:"  @Text"`
	Double *string `parser:"| @Double"`
	Space  *string `parser:"| @Space"`
}

type lTokAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   *string `parser:"  @Text"`
	Double *string `parser:"| @Double"`
}

var listParsers sync.Map // separator byte -> func() *participle.Parser[lAST]

func listParser(sep byte) *participle.Parser[lAST] {
	if p, ok := listParsers.Load(sep); ok {
		return p.(func() *participle.Parser[lAST])()
	}
	p, _ := listParsers.LoadOrStore(sep, sync.OnceValue(func() *participle.Parser[lAST] {
		return participle.MustBuild[lAST](participle.Lexer(listLexer(sep)), participle.UseLookahead(2))
	}))
	return p.(func() *participle.Parser[lAST])()
}

func listLexer(sep byte) *lexer.StatefulDefinition {
	c := fmt.Sprintf(`\x%02x`, sep)
	space := ""
	for _, w := range []byte{' ', '\t', '\n', '\v', '\f', '\r'} {
		if w != sep {
			space += fmt.Sprintf(`\x%02x`, w)
		}
	}
	var rules []lexer.SimpleRule
	if !subCntrl(sep) {
		rules = append(rules, lexer.SimpleRule{Name: "Double", Pattern: c + c})
	} else {
		// No doubling for control separators; the grammar still names
		// the token, so give it a pattern that never matches input
		// (a NUL: lists are cut at the first NUL before parsing).
		rules = append(rules, lexer.SimpleRule{Name: "Double", Pattern: `\x00\x00`})
	}
	rules = append(rules,
		lexer.SimpleRule{Name: "Sep", Pattern: c},
		lexer.SimpleRule{Name: "Space", Pattern: "[" + space + "]+"},
		lexer.SimpleRule{Name: "Text", Pattern: `[^` + c + ` \t\n\v\f\r]+`},
	)
	return lexer.MustSimple(rules)
}

// listBodyGrammar is listBody through the grammar.
func listBodyGrammar(s string, i int, sep byte) []rawItem {
	ast, err := listParser(sep).ParseString("", s[i:])
	if err != nil || ast == nil {
		return listBody(s, i, sep) // the grammar is total; keep going if it is not
	}
	var out []rawItem
	add := func(r *rawItem, pos, end lexer.Position, double bool) {
		lo, hi := i+pos.Offset, i+end.Offset
		if double {
			lo++ // the second separator of the pair is the data
		}
		for k := lo; k < hi; k++ {
			r.val = append(r.val, s[k])
			r.idx = append(r.idx, k)
		}
	}
	for _, it := range ast.Items {
		if it.Empty != nil {
			out = append(out, rawItem{start: i + it.Pos.Offset, empty: true})
			continue
		}
		r := rawItem{start: i + it.Full.First.Pos.Offset}
		f := it.Full.First
		add(&r, f.Pos, f.EndPos, f.Double != nil)
		for _, t := range it.Full.Rest {
			add(&r, t.Pos, t.EndPos, t.Double != nil)
		}
		out = append(out, r)
	}
	return out
}
