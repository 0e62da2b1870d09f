package postfix

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
	"sync"
)

// The grammars come in two layers, the way Postfix itself reads its files.
//
// Layer 1 (physical lines, shared by main.cf, master.cf and table sources)
// mirrors readllines() in src/util/readlline.c: a line whose first
// non-whitespace character is '#' and a whitespace-only line are comments
// and never end a logical line; a line that starts with whitespace
// continues the logical line; any other line starts a new one. Text that
// starts with whitespace before the first logical line is dropped with
// "logical line must not start with whitespace". Whitespace is C isspace()
// (space, \t, \v, \f, \r; \n ends the line). Every lexer rule matches a
// whole physical line including its newline, so the grammar is total: any
// byte string parses.
//
// Layer 2 parses one joined logical line (continuation lines concatenated
// verbatim, newlines removed, as readllines() does): "name = value" for
// main.cf (split_nameval.c), the service fields for master.cf
// (argv_splitq() with {} grouping), "key value" for tables (postmap.c), and
// $name expansions (mac_parse.c, mac_expand.c). Lexer states keep the
// token count of main.cf and table lines constant. These grammars are total
// too; Postfix's errors are found by checking the AST, so every input gets
// a best-effort AST.

// Each parser is built once, on first use (sync.OnceValue), not at package
// initialisation: a run that lints only main.cf should not pay for the
// master.cf and table grammars, and the CLI starts measurably faster.

// ---- Layer 1: physical lines ----

// lineLexerRules are the layer-1 token rules; lineLexer implements them by
// hand for speed (lines_lexer.go) and a test checks it against this
// regexp lexer.
var lineLexerRules = sync.OnceValue(func() *lexer.StatefulDefinition {
	return lexer.MustSimple([]lexer.SimpleRule{
		{Name: "Blank", Pattern: `[ \t\v\f\r]*\n|[ \t\v\f\r]+$`},
		{Name: "Comment", Pattern: `[ \t\v\f\r]*#[^\n]*\n?`},
		{Name: "Cont", Pattern: `[ \t\v\f\r][^\n]*\n?`},
		{Name: "Start", Pattern: `[^\n]+\n?`},
	})
})

var lineLexer lexer.Definition = lineLexerDef{}

// lineFileAST is a whole file: comments and blank lines, then the text a
// leading continuation line drags along (dropped by Postfix), then the
// logical lines.
type lineFileAST struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Head    []*auxLineAST    `parser:"@@*"`
	Dropped *droppedGroupAST `parser:"@@?"`
	Groups  []*groupAST      `parser:"@@*"`
}

// auxLineAST is a comment or blank line.
type auxLineAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@(Blank | Comment)"`
}

// tailLineAST is a line after the first line of a logical line.
type tailLineAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Cont   *string `parser:"  @Cont"`
	Aux    *string `parser:"| @(Blank | Comment)"`
}

// droppedGroupAST is a logical line that starts with whitespace.
type droppedGroupAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	First  string         `parser:"@Cont"`
	Tail   []*tailLineAST `parser:"@@*"`
}

// groupAST is a logical line.
type groupAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	First  string         `parser:"@Start"`
	Tail   []*tailLineAST `parser:"@@*"`
}

var lineParser = sync.OnceValue(func() *participle.Parser[lineFileAST] {
	return participle.MustBuild[lineFileAST](participle.Lexer(lineLexer))
})

// ---- Layer 2, main.cf: "name = value" (split_nameval.c) ----

// Whitespace is isspace(); the name ends at whitespace or '='. After the
// name only whitespace and '=' may follow (anything else is Junk: "missing
// '=' after attribute name"); after '=' the value is one Rest token. The
// lexer states keep the token count of a line constant.
var assignLexer = sync.OnceValue(func() *lexer.StatefulDefinition {
	return lexer.MustStateful(lexer.Rules{
		"Root": {
			{Name: "Space", Pattern: `[ \t\n\v\f\r]+`},
			{Name: "Eq", Pattern: `=`, Action: lexer.Push("Value")},
			{Name: "Name", Pattern: `[^ \t\n\v\f\r=]+`, Action: lexer.Push("AfterName")},
		},
		"AfterName": {
			{Name: "Space", Pattern: `[ \t\n\v\f\r]+`},
			{Name: "Eq", Pattern: `=`, Action: lexer.Push("Value")},
			{Name: "Junk", Pattern: `[^=][\s\S]*`},
		},
		"Value": {
			{Name: "Space", Pattern: `[ \t\n\v\f\r]+`},
			{Name: "Rest", Pattern: `[\s\S]+`},
		},
	})
})

// assignAST is a logical line of main.cf (or a -o option value). Name is
// missing for "= x"; Eq is missing for "name value". Value is the text
// after the '=' and the whitespace after it, trailing whitespace included.
type assignAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   *assignNameAST `parser:"Space? @@?"`
	Junk   *assignJunkAST `parser:"Space? ( @@"`
	Eq     *assignEqAST   `parser:"        | @@ )?"`
	Value  *assignValAST  `parser:"Space? @@?"`
}

type assignNameAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@Name"`
}

type assignJunkAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@Junk"`
}

type assignEqAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@Eq"`
}

type assignValAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@Rest"`
}

var assignParser = sync.OnceValue(func() *participle.Parser[assignAST] {
	return participle.MustBuild[assignAST](participle.Lexer(assignLexer()), participle.UseLookahead(2))
})

// ---- Layer 2, master.cf: fields (argv_splitq(buf, " \t\r\n", "{}")) ----

// A word ends at a blank outside {}; '{' opens a group wherever it is, '}'
// closes one (a '}' outside any group is an ordinary character), and an
// unclosed group runs to the end of the line (mystrtokq() in mystrtok.c).
var masterLexer = sync.OnceValue(func() *lexer.StatefulDefinition {
	return lexer.MustSimple([]lexer.SimpleRule{
		{Name: "Blank", Pattern: `[ \t\r\n]+`},
		{Name: "LBrace", Pattern: `\{`},
		{Name: "RBrace", Pattern: `\}`},
		{Name: "Text", Pattern: `[^ \t\r\n{}]+`},
	})
})

type masterLineAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Words  []*masterWordAST `parser:"Blank? ( @@ Blank? )*"`
}

type masterWordAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Pieces []*masterPieceAST `parser:"@@+"`
}

type masterPieceAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   *string         `parser:"  @(Text | RBrace)"`
	Group  *masterGroupAST `parser:"| @@"`
}

type masterGroupAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Open   string                 `parser:"@LBrace"`
	Inner  []*masterGroupInnerAST `parser:"@@*"`
	Close  *string                `parser:"@RBrace?"`
}

type masterGroupInnerAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   *string         `parser:"  @(Text | Blank)"`
	Group  *masterGroupAST `parser:"| @@"`
}

var masterParser = sync.OnceValue(func() *participle.Parser[masterLineAST] {
	return participle.MustBuild[masterLineAST](participle.Lexer(masterLexer()))
})

// ---- Layer 2, tables: "key whitespace value" (postmap.c, Postfix >= 3.2) ----

// The key ends at the first whitespace outside double quotes; a backslash
// protects the next character (inside quotes too). Quotes and backslashes
// stay in the key. A quote left open makes postmap skip the line.
var tableKeyLexer = sync.OnceValue(func() *lexer.StatefulDefinition {
	return lexer.MustStateful(lexer.Rules{
		"Root": {
			{Name: "Space", Pattern: `[ \t\n\v\f\r]+`, Action: lexer.Push("Value")},
			{Name: "QClosed", Pattern: `"(?:[^"\\]|\\[\s\S])*"`},
			{Name: "QOpen", Pattern: `"(?:[^"\\]|\\[\s\S])*\\?`},
			{Name: "Esc", Pattern: `\\[\s\S]`},
			{Name: "BS", Pattern: `\\`},
			{Name: "Word", Pattern: `[^ \t\n\v\f\r"\\]+`},
		},
		// After the whitespace that ends the key, the rest is the value.
		"Value": {
			{Name: "Rest", Pattern: `[\s\S]+`},
		},
	})
})

type tableLineAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Key    []*tableKeyTokAST `parser:"@@*"`
	Value  *tableValueAST    `parser:"( Space @@? )?"`
}

// tableKeyTokAST is a piece of the key; Open is a quote left open.
type tableKeyTokAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Quoted *string `parser:"  @QClosed"`
	Open   *string `parser:"| @QOpen"`
	Text   *string `parser:"| @(Esc | BS | Word)"`
}

// tableValueAST is the value with its trailing whitespace.
type tableValueAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@Rest"`
}

var tableKeyParser = sync.OnceValue(func() *participle.Parser[tableLineAST] {
	return participle.MustBuild[tableLineAST](participle.Lexer(tableKeyLexer()), participle.UseLookahead(2))
})

// ---- Layer 2, expansions, level 1: mac_parse.c ----

// mac_parse() finds $$, $name, ${...} and $(...); the end of ${...} is the
// matching '}' counting only braces, the end of $(...) the matching ')'
// counting only parentheses. Everything else is literal text.
var macroLexer = sync.OnceValue(func() *lexer.StatefulDefinition {
	return lexer.MustSimple([]lexer.SimpleRule{
		{Name: "Dollar2", Pattern: `\$\$`},
		{Name: "DollarName", Pattern: `\$[A-Za-z0-9_]+`},
		{Name: "DollarBrace", Pattern: `\$\{`},
		{Name: "DollarParen", Pattern: `\$\(`},
		{Name: "Dollar", Pattern: `\$`},
		{Name: "LBrace", Pattern: `\{`},
		{Name: "RBrace", Pattern: `\}`},
		{Name: "LParen", Pattern: `\(`},
		{Name: "RParen", Pattern: `\)`},
		{Name: "Text", Pattern: `[^${}()]+`},
	})
})

type macroAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Parts  []*macroPartAST `parser:"@@*"`
}

type macroPartAST struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Escaped *string        `parser:"  @Dollar2"`
	Name    *string        `parser:"| @DollarName"`
	Brace   *macroBraceAST `parser:"| @@"`
	Paren   *macroParenAST `parser:"| @@"`
	Bare    *string        `parser:"| @Dollar"`
	Text    *string        `parser:"| @(Text | LBrace | RBrace | LParen | RParen)"`
}

// macroBraceAST is ${...}; inside it "{" and "${" nest.
type macroBraceAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Open   string                `parser:"@DollarBrace"`
	Inner  []*macroBraceInnerAST `parser:"@@*"`
	Close  *string               `parser:"@RBrace?"`
}

type macroBraceNestAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Open   string                `parser:"@(LBrace | DollarBrace)"`
	Inner  []*macroBraceInnerAST `parser:"@@*"`
	Close  *string               `parser:"@RBrace?"`
}

type macroBraceInnerAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Nest   *macroBraceNestAST `parser:"  @@"`
	Tok    *string            `parser:"| @(Text | Dollar2 | DollarName | DollarParen | Dollar | LParen | RParen)"`
}

// macroParenAST is $(...); inside it "(" and "$(" nest.
type macroParenAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Open   string                `parser:"@DollarParen"`
	Inner  []*macroParenInnerAST `parser:"@@*"`
	Close  *string               `parser:"@RParen?"`
}

type macroParenNestAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Open   string                `parser:"@(LParen | DollarParen)"`
	Inner  []*macroParenInnerAST `parser:"@@*"`
	Close  *string               `parser:"@RParen?"`
}

type macroParenInnerAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Nest   *macroParenNestAST `parser:"  @@"`
	Tok    *string            `parser:"| @(Text | Dollar2 | DollarName | DollarBrace | Dollar | LBrace | RBrace)"`
}

var macroParser = sync.OnceValue(func() *participle.Parser[macroAST] {
	return participle.MustBuild[macroAST](participle.Lexer(macroLexer()), participle.UseLookahead(2))
})

// ---- Layer 2, expansions, level 2: the inside of ${...} (mac_expand.c) ----

// "name", "name?text", "name:text", "name?{t}:{f}", "{a} op {b}",
// "{a} op {b} ? {t} : {f}"; whitespace is " \t\r\n" (CHARS_SPACE). A
// non-{} operand is the raw rest of the text, including its leading
// whitespace and any ':' in it.
var payloadLexer = sync.OnceValue(func() *lexer.StatefulDefinition {
	return lexer.MustSimple([]lexer.SimpleRule{
		{Name: "Ws", Pattern: `[ \t\r\n]+`},
		{Name: "LBrace", Pattern: `\{`},
		{Name: "RBrace", Pattern: `\}`},
		{Name: "Name", Pattern: `[A-Za-z0-9_]+`},
		{Name: "Q", Pattern: `\?`},
		{Name: "Colon", Pattern: `:`},
		{Name: "Op", Pattern: `[<>!=+\-*/~&|%]+`},
		{Name: "Other", Pattern: `[^ \t\r\n{}A-Za-z0-9_?:<>!=+\-*/~&|%]+`},
	})
})

type payloadAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Rel    *relAST          `parser:"Ws? ( @@"`
	Name   *payloadNameAST  `parser:"    | @@ )?"`
	Cond   *condAST         `parser:"Ws? @@?"`
	Junk   []*payloadTokAST `parser:"@@*"`
}

type payloadNameAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@Name"`
}

type payloadOpAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@Op"`
}

// relAST is "{left} op[suffix] {right}" (Postfix >= 3.0; the "level"
// suffix compares compatibility levels, Postfix >= 3.6).
type relAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Left   *curlyAST       `parser:"@@"`
	Op     *payloadOpAST   `parser:"Ws? @@?"`
	Suffix *payloadNameAST `parser:"@@?"`
	Right  *curlyAST       `parser:"Ws? @@?"`
}

type condAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Test   *testAST    `parser:"  Q @@"`
	Else   *operandAST `parser:"| Colon @@"`
}

type testAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	True   *operandAST `parser:"@@"`
	Else   *operandAST `parser:"( Colon @@ )?"`
}

// operandAST is "{text}" (with whitespace around it) or the raw rest.
type operandAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Curly  *curlyAST        `parser:"  Ws? @@ Ws?"`
	Raw    []*payloadTokAST `parser:"| @@*"`
}

type curlyAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Open   string           `parser:"@LBrace"`
	Inner  []*curlyInnerAST `parser:"@@*"`
	Close  *string          `parser:"@RBrace?"`
}

type curlyInnerAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Nest   *curlyAST `parser:"  @@"`
	Tok    *string   `parser:"| @(Ws | Name | Q | Colon | Op | Other)"`
}

// payloadTokAST is any single token (a raw operand or trailing junk).
type payloadTokAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   *string `parser:"  @Name"`
	Op     *string `parser:"| @Op"`
	Other  *string `parser:"| @(Ws | LBrace | RBrace | Q | Colon | Other)"`
}

var payloadParser = sync.OnceValue(func() *participle.Parser[payloadAST] {
	return participle.MustBuild[payloadAST](participle.Lexer(payloadLexer()), participle.UseLookahead(participle.MaxLookahead))
})
