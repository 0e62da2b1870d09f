// Package sendmail parses sendmail configuration sources into ASTs with
// byte positions, without running m4 or sendmail:
//
//   - ParseMC reads a sendmail.mc (or submit.mc, or an m4 fragment) as GNU
//     m4 tokenises it once cf.m4 is loaded: nested `...' quotes, dnl to the
//     end of the line, macro calls with parenthesised argument lists
//     (nested parentheses and quoted commas do not split arguments), and
//     '#' as plain text (cf.m4 turns m4 comments off, so macros in lines
//     that look like comments are still expanded: cf/README "M4 macros are
//     expanded even in lines that appear to be comments").
//   - ParseCF reads a sendmail.cf: one-letter commands at column 1 (D, O,
//     K, M, C, F, S, R, ...), continuation lines starting with a space or
//     tab, '#' comments, and the "##### built by" / "#####  $Id:" headers
//     m4 writes into generated files.
//   - ParseMakemap reads a makemap(8) source such as authinfo or access:
//     "key whitespace value" lines, '#' comments at byte 0, and the
//     quoted "T:value" tokens of AuthInfo: entries.
//
// All grammars are participle grammars (grammar.go) built lazily. The .mc
// and makemap grammars are the specification; ParseMC and ParseMakemap run
// hand-written scanners that build the same trees (tests and fuzz targets
// compare them) because participle needs about 15 µs per token. They are
// total: every byte string parses into a best-effort AST, and the problems
// m4 or makemap would report (end of file in a string or an argument
// list, leading whitespace, a key without a value) are recorded as
// Problems with positions instead of failing the parse. Nothing here reads
// files or knows about rules; rules/sendmail builds the model.
package sendmail
