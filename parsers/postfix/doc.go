// Package postfix parses Postfix configuration files into ASTs with byte
// positions: main.cf (ParseMain), master.cf (ParseMaster), lookup-table
// sources such as sasl_passwd or transport (ParseTable, and the slower
// reference ParseTableGrammar), and $name expansions in parameter values
// (ParseExpr, Expand, Refs).
//
// It is pure syntax: no file access, no knowledge of parameter names or
// defaults, no rules. It imports nothing from this repository, so any
// package may import it (the Postfix model and rules in rules/postfix do).
//
// # Fidelity
//
// The parsers follow Postfix 3.7's own readers, not its documentation
// alone, and the tests check them against the real postconf and postmap
// (internal/testenv oracles):
//
//   - Logical lines (readllines(), src/util/readlline.c): a line that starts
//     with whitespace continues the previous logical line; comment lines
//     ('#' as the first non-whitespace character) and blank lines inside a
//     continuation are skipped without ending it; continuation lines are
//     joined verbatim without the newline. Whitespace is C isspace(), so a
//     CR before the newline is just trailing whitespace (CRLF files work)
//     and a line starting with \v or \f is a continuation line.
//   - Text that starts with whitespace before the first logical line is
//     dropped with "logical line must not start with whitespace" (with the
//     continuation lines after it); postmap then builds an empty table
//     from an entirely indented file.
//   - main.cf values: `postconf -n` prints every run of space, tab, CR or
//     newline as one space, so "relayhost = [a]:587,\n\t[b]:587" shows as
//     "[a]:587, [b]:587" (Param.Value); the daemons see the verbatim join
//     "[a]:587,\t[b]:587" (Param.RawValue).
//   - There are no trailing comments, quotes are data, and Postfix reads C
//     strings: text after a NUL byte is ignored.
//   - Table sources: the key ends at the first whitespace outside double
//     quotes and keeps its quotes; continuation lines are appended to the
//     value verbatim; a line with a key and no value, or an open quote, is
//     skipped; non-UTF-8 lines are skipped (smtputf8_enable = yes); keys
//     are case-folded (Unicode folding, "straße" = "STRASSE") and the first
//     of duplicate keys wins.
//
// # Problems and errors
//
// Every parser returns a best-effort AST for any input (binary data,
// invalid UTF-8, NUL bytes, huge lines) and never panics. Problems carry
// positions; a Problem is Fatal when the real Postfix program refuses the
// input, and the returned error is the first fatal problem formatted as
// file:line:col: message. Columns count bytes.
//
// Limits keep hostile input bounded: a master.cf entry longer than 64 KiB
// or with {} nested deeper than 256 levels, and an expansion longer than
// 64 KiB or nested deeper than 100 levels (Postfix's own expansion limit),
// are reported instead of parsed; Expand stops after 1 MiB of output or
// 2^20 steps.
//
// # Grammars and performance
//
// main.cf, master.cf and expansions are parsed with participle grammars
// (grammar.go) in two layers: physical lines into logical lines, then each
// logical line. Table sources can have millions of lines, so ParseTable is
// a single-pass byte scanner that builds the same Table as the grammar
// version ParseTableGrammar (tests and a fuzz test compare the two with
// reflect.DeepEqual). On a 1,000,000-entry sasl_passwd (76 MB)
// BenchmarkParseTable measures about 0.11 s and 217 MB in 4 allocations
// per parse (the string copy of the source plus 144 bytes per entry); the
// grammar takes about 29 µs per entry.
//
// Lookup-table sources in regexp, pcre and cidr format are read with the
// same "key whitespace value" split; their if/endif blocks and pattern
// syntax are not interpreted.
package postfix
