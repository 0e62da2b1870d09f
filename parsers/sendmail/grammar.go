package sendmail

import (
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// ---- sendmail.mc: m4 as cf.m4 configures it ----

// m4Builtins are the GNU m4 builtins that take arguments. A word is only a
// macro call when it names a defined macro and is followed directly by
// '(' (GNU m4 manual, "Macro Arguments"); for any other word the
// parenthesis is plain text and need not balance. The cf macros
// (FEATURE, MAILER, OSTYPE, DAEMON_OPTIONS, ...) are all upper case, so a
// word starting with an upper-case letter followed by '(' counts as a
// call too.
const m4Builtins = `define|undefine|include|sinclude|divert|undivert|ifdef|ifelse|changequote|changecom|pushdef|popdef|defn|esyscmd|syscmd|translit|index|len|substr|incr|decr|eval|errprint|m4exit|shift|indir|builtin|format|regexp|patsubst|m4wrap|dumpdef|traceon|traceoff|mkstemp|maketemp|lower|upper`

// mcCommon are the rules shared by the top level and argument lists.
// Order matters: the stateful lexer takes the first rule that matches.
//   - Dnl: "dnl" as a whole word deletes up to and including the newline.
//   - CallOpen: a macro name directly followed by '(' opens an argument
//     list (pushes Args).
//   - QOpen: '`' opens a quoted string (pushes Quote); quotes nest.
//   - Word: any other m4 name ([A-Za-z_][A-Za-z0-9_]*).
var mcCommon = []lexer.Rule{
	{Name: "Dnl", Pattern: `dnl\b[^\n]*\n?`},
	{Name: "CallOpen", Pattern: `(?:` + m4Builtins + `|[A-Z][A-Za-z0-9_]*)\(`, Action: lexer.Push("Args")},
	{Name: "QOpen", Pattern: "`", Action: lexer.Push("Quote")},
	{Name: "Word", Pattern: `[A-Za-z_][A-Za-z0-9_]*`},
}

var mcLexer = sync.OnceValue(func() *lexer.StatefulDefinition {
	return lexer.MustStateful(lexer.Rules{
		// At the top level parentheses, commas and the close quote are text.
		"Root": append(append([]lexer.Rule{}, mcCommon...),
			lexer.Rule{Name: "Text", Pattern: "[^`A-Za-z_]+"},
		),
		// Inside an argument list m4 counts unquoted parentheses ("Within the
		// argument list, parentheses must balance") and splits at commas.
		"Args": append(append([]lexer.Rule{}, mcCommon...),
			lexer.Rule{Name: "LParen", Pattern: `\(`, Action: lexer.Push("Args")},
			lexer.Rule{Name: "RParen", Pattern: `\)`, Action: lexer.Pop()},
			lexer.Rule{Name: "Comma", Pattern: `,`},
			lexer.Rule{Name: "ArgText", Pattern: "[^`A-Za-z_(),]+"},
		),
		// Inside quotes only the quote characters matter.
		"Quote": {
			{Name: "QOpen", Pattern: "`", Action: lexer.Push("Quote")},
			{Name: "QClose", Pattern: `'`, Action: lexer.Pop()},
			{Name: "QText", Pattern: "[^`']+"},
		},
	})
})

// mcFileAST is a whole .mc file.
type mcFileAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Nodes  []*mcNodeAST `parser:"@@*"`
}

// mcNodeAST is one top-level or argument token group.
type mcNodeAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Dnl    *string     `parser:"  @Dnl"`
	Call   *mcCallAST  `parser:"| @@"`
	Quote  *mcQuoteAST `parser:"| @@"`
	Group  *mcGroupAST `parser:"| @@"`
	Comma  *string     `parser:"| @Comma"`
	Word   *string     `parser:"| @Word"`
	Text   *string     `parser:"| @(Text | ArgText)"`
}

// mcCallAST is name( ... ); Close is nil when the file ends inside the
// argument list (m4: "end of file in argument list").
type mcCallAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Open   string       `parser:"@CallOpen"`
	Body   []*mcNodeAST `parser:"@@*"`
	Close  *string      `parser:"@RParen?"`
}

// mcGroupAST is a parenthesised group inside an argument.
type mcGroupAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Open   string       `parser:"@LParen"`
	Body   []*mcNodeAST `parser:"@@*"`
	Close  *string      `parser:"@RParen?"`
}

// mcQuoteAST is `...'; Close is nil at end of file (m4: "end of file in
// string").
type mcQuoteAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Open   string        `parser:"@QOpen"`
	Parts  []*mcQPartAST `parser:"@@*"`
	Close  *string       `parser:"@QClose?"`
}

type mcQPartAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   *string     `parser:"  @QText"`
	Quote  *mcQuoteAST `parser:"| @@"`
}

var mcParser = sync.OnceValue(func() *participle.Parser[mcFileAST] {
	return participle.MustBuild[mcFileAST](participle.Lexer(mcLexer()), participle.UseLookahead(1))
})

// ---- physical lines: sendmail.cf and makemap sources ----

// cfLexer() splits a sendmail.cf into physical lines. readcf() folds a line
// that starts with a space or tab into the previous one (fgetfolded), and
// skips lines starting with '#' and empty lines.
var cfLexer = sync.OnceValue(func() *lexer.StatefulDefinition {
	return lexer.MustSimple([]lexer.SimpleRule{
		{Name: "Comment", Pattern: `#[^\n]*\n?`},
		{Name: "Blank", Pattern: `[ \t\r]*\n|[ \t\r]+$`},
		{Name: "Cont", Pattern: `[ \t][^\n]*\n?`},
		{Name: "Line", Pattern: `[^\n]+\n?`},
	})
})

type cfFileAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Items  []*cfItemAST `parser:"@@*"`
}

type cfItemAST struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Comment *string     `parser:"  @Comment"`
	Blank   *string     `parser:"| @Blank"`
	Orphan  *string     `parser:"| @Cont"`
	Group   *cfGroupAST `parser:"| @@"`
}

type cfGroupAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	First  string   `parser:"@Line"`
	Tail   []string `parser:"@Cont*"`
}

var cfParser = sync.OnceValue(func() *participle.Parser[cfFileAST] {
	return participle.MustBuild[cfFileAST](participle.Lexer(cfLexer()))
})

// makemapLexer() splits a makemap source into lines the way makemap.c reads
// them: an empty line or one whose first byte is '#' is skipped; a line
// whose first byte is isspace() (space, tab, \v, \f, \r) is "syntax error
// (leading space)"; anything else is an entry.
var makemapLexer = sync.OnceValue(func() *lexer.StatefulDefinition {
	return lexer.MustSimple([]lexer.SimpleRule{
		{Name: "Comment", Pattern: `#[^\n]*\n?`},
		{Name: "Empty", Pattern: `\n`},
		{Name: "Indented", Pattern: `[ \t\v\f\r][^\n]*\n?`},
		{Name: "Entry", Pattern: `[^\n]+\n?`},
	})
})

type mmFileAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Lines  []*mmLineAST `parser:"@@*"`
}

type mmLineAST struct {
	Pos      lexer.Position
	EndPos   lexer.Position
	Comment  *string `parser:"  @Comment"`
	Empty    *string `parser:"| @Empty"`
	Indented *string `parser:"| @Indented"`
	Entry    *string `parser:"| @Entry"`
}

var makemapParser = sync.OnceValue(func() *participle.Parser[mmFileAST] {
	return participle.MustBuild[mmFileAST](participle.Lexer(makemapLexer()))
})

// tokenLexer() splits an AuthInfo right-hand side: quoted tokens, unquoted
// words and whitespace. A quote left open runs to the end of the value.
var tokenLexer = sync.OnceValue(func() *lexer.StatefulDefinition {
	return lexer.MustSimple([]lexer.SimpleRule{
		{Name: "Space", Pattern: `[ \t\v\f\r]+`},
		{Name: "Quoted", Pattern: `"[^"]*"?`},
		{Name: "Bare", Pattern: `[^ \t\v\f\r"]+`},
	})
})

type tokListAST struct {
	Toks []*tokAST `parser:"( Space | @@ )*"`
}

type tokAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Quoted *string `parser:"  @Quoted"`
	Bare   *string `parser:"| @Bare"`
}

var tokenParser = sync.OnceValue(func() *participle.Parser[tokListAST] {
	return participle.MustBuild[tokListAST](participle.Lexer(tokenLexer()))
})
