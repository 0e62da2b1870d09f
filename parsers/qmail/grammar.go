package qmail

import (
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The grammars work on one record: a stored line of a control file, or a
// NUL-separated part of one (records.go splits the file the way
// control_readfile and constmap_init do). Both grammars are total over
// their input: every record that contains a ':' parses, because qmail
// itself never rejects one; what qmail makes of it is checked on the AST.
//
// Each parser is built once, on first use (sync.OnceValue).

// recordLexer() splits a record at its first ':' (constmap_init with
// flagcolon=1): Key is everything before it, Value everything after.
var recordLexer = sync.OnceValue(func() *lexer.StatefulDefinition {
	return lexer.MustStateful(lexer.Rules{
		"Root": {
			{Name: "Key", Pattern: `[^:]+`},
			{Name: "Sep", Pattern: `:`, Action: lexer.Push("Value")},
		},
		"Value": {
			{Name: "Value", Pattern: `[\s\S]+`},
		},
	})
})

// recordAST is "key:value"; both sides may be empty.
type recordAST struct {
	Key   *keyAST   `parser:"@@?"`
	Sep   sepAST    `parser:"@@"`
	Value *valueAST `parser:"@@?"`
}

type keyAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@Key"`
}

type sepAST struct {
	Pos  lexer.Position
	Text string `parser:"@Sep"`
}

type valueAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@Value"`
}

var recordParser = sync.OnceValue(func() *participle.Parser[recordAST] {
	return participle.MustBuild[recordAST](participle.Lexer(recordLexer()))
})

// relayLexer() reads a relay as qmail-remote.c main does: the host is the
// text up to the first ':' (str_chr), the rest is handed to scan_ulong,
// which reads leading decimal digits and stops at anything else.
var relayLexer = sync.OnceValue(func() *lexer.StatefulDefinition {
	return lexer.MustStateful(lexer.Rules{
		"Root": {
			{Name: "Host", Pattern: `[^:]+`},
			{Name: "PortSep", Pattern: `:`, Action: lexer.Push("Port")},
		},
		"Port": {
			{Name: "Digits", Pattern: `[0-9]+`},
			{Name: "Rest", Pattern: `[^0-9][\s\S]*`},
		},
	})
})

// relayAST is "host[:port]"; the host may be empty (":587") and so may
// the port text ("host:").
type relayAST struct {
	Host    *hostAST    `parser:"@@?"`
	PortSep *portSepAST `parser:"@@?"`
	Port    *portAST    `parser:"@@?"`
}

type hostAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@Host"`
}

type portSepAST struct {
	Pos  lexer.Position
	Text string `parser:"@PortSep"`
}

// portAST is the port text: the digits scan_ulong reads, then whatever
// follows them (ignored by qmail-remote).
type portAST struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Digits string `parser:"@Digits?"`
	Rest   string `parser:"@Rest?"`
}

var relayParser = sync.OnceValue(func() *participle.Parser[relayAST] {
	return participle.MustBuild[relayAST](participle.Lexer(relayLexer()))
})
