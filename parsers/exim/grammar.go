package exim

import (
	"strings"
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The grammar of one logical line, written with participle. Exim's reader
// (readconf.c) is a hand-written scanner whose control flow decides which
// construct a line is from the section it is in (an upper-case first
// letter is a macro in the main part, "name:" starts a driver instance
// only in driver sections, …); parse.go mirrors that flow and extracts the
// fields by hand, because running a participle parser per line would cost
// more than `exim -bV` itself on a 3,300-line cPanel configuration. These
// grammars state the shape of each construct; grammar_test.go checks that
// the hand scanner extracts exactly what they extract on every logical line
// of the corpus and on fuzzed input.
//
// Grammars are built on first use (sync.OnceValue), as in parsers/postfix.

// ws is C isspace().
const ws = `[ \t\n\v\f\r]`

// optionLexer(): [hide] name [= value]. A value is either a double-quoted
// string (escapes as string_interpret_escape) followed by whatever text is
// left (an error for Exim), or the rest of the line.
var optionLexer = sync.OnceValue(func() *lexer.StatefulDefinition {
	return lexer.MustStateful(lexer.Rules{
		"Root": {
			{Name: "Hide", Pattern: `hide` + ws + `+`},
			{Name: "Name", Pattern: `[A-Za-z][A-Za-z0-9_]*`, Action: lexer.Push("After")},
		},
		"After": {
			{Name: "WS", Pattern: ws + `+`},
			{Name: "Eq", Pattern: `=` + ws + `*`, Action: lexer.Push("Value")},
			{Name: "Junk", Pattern: `[^=][\s\S]*`},
		},
		"Value": {
			{Name: "Open", Pattern: `"`, Action: lexer.Push("Quoted")},
			{Name: "Plain", Pattern: `[\s\S]+`},
		},
		"Quoted": {
			{Name: "Esc", Pattern: `\\(?:[0-7]{1,3}|x[0-9A-Fa-f]{0,2}|[\s\S])?`},
			{Name: "Chars", Pattern: `[^"\\]+`},
			{Name: "Close", Pattern: `"`, Action: lexer.Push("Trailer")},
		},
		"Trailer": {
			{Name: "Extra", Pattern: `[\s\S]+`},
		},
	})
})

type optionAST struct {
	Hide  *string   `parser:"@Hide?"`
	Name  string    `parser:"@Name WS?"`
	Eq    *string   `parser:"( @Eq"`
	Value *valueAST `parser:"  @@? )?"`
	Junk  *string   `parser:"@Junk?"`
}

type valueAST struct {
	Quoted *quotedAST `parser:"  @@"`
	Plain  *string    `parser:"| @Plain"`
}

type quotedAST struct {
	Parts  []string `parser:"Open @(Esc | Chars)*"`
	Closed bool     `parser:"@Close?"`
	Extra  *string  `parser:"@Extra?"`
}

var optionParser = sync.OnceValue(func() *participle.Parser[optionAST] {
	return participle.MustBuild[optionAST](participle.Lexer(optionLexer()))
})

// macroLexer(): NAME = value, NAME == value.
var macroLexer = sync.OnceValue(func() *lexer.StatefulDefinition {
	return lexer.MustStateful(lexer.Rules{
		"Root": {
			{Name: "Name", Pattern: `[A-Za-z0-9_]+`},
			{Name: "WS", Pattern: ws + `+`},
			{Name: "Redef", Pattern: `==` + ws + `*`, Action: lexer.Push("Rest")},
			{Name: "Eq", Pattern: `=` + ws + `*`, Action: lexer.Push("Rest")},
		},
		"Rest": {
			{Name: "Value", Pattern: `[\s\S]+`},
		},
	})
})

type macroAST struct {
	Name  string  `parser:"@Name WS?"`
	Redef bool    `parser:"( @Redef"`
	Eq    bool    `parser:"| @Eq )"`
	Value *string `parser:"@Value?"`
}

var macroParser = sync.OnceValue(func() *participle.Parser[macroAST] {
	return participle.MustBuild[macroAST](participle.Lexer(macroLexer()))
})

// driverLexer(): name: (readconf_readname, then a colon).
var driverLexer = sync.OnceValue(func() *lexer.StatefulDefinition {
	return lexer.MustStateful(lexer.Rules{
		"Root": {
			{Name: "Name", Pattern: `[A-Za-z][A-Za-z0-9_]*`},
			{Name: "WS", Pattern: ws + `+`},
			{Name: "Colon", Pattern: `:` + ws + `*`, Action: lexer.Push("Rest")},
		},
		"Rest": {
			{Name: "Extra", Pattern: `[\s\S]+`},
		},
	})
})

type driverAST struct {
	Name  string  `parser:"@Name? WS?"`
	Colon string  `parser:"@Colon"`
	Extra *string `parser:"@Extra?"`
}

var driverParser = sync.OnceValue(func() *participle.Parser[driverAST] {
	return participle.MustBuild[driverAST](participle.Lexer(driverLexer()))
})

// dequoteParts joins the quoted-string tokens the way string_dequote does.
func dequoteParts(parts []string) string {
	var b strings.Builder
	for _, p := range parts {
		if p[0] != '\\' {
			b.WriteString(p)
			continue
		}
		c, _ := interpretEscape(p, 0)
		if c == 0 {
			return b.String() // a NUL ends Exim's C string
		}
		b.WriteByte(c)
	}
	return b.String()
}
