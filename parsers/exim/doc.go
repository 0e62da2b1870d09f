// Package exim parses Exim 4.96 runtime configuration files: the main
// part, the `begin` sections, driver instances, options, named lists,
// macros, .include and the .ifdef family (Parse); Debian's configuration
// as update-exim4.conf assembles it (ParseDebian, ParseDebianConf,
// DebianPartFiles); cPanel's exim.conf.local and exim.conf.localopts
// (ParseCpanelLocal, ParseFragment, ParseCpanelLocalOpts).
//
// # Sub-languages
//
// Option values are parsed further on demand, by separate parsers that
// take the value string (Text.S, after continuation joining, macro
// substitution and unquoting): ParseList and ParseListSep (list.go) read
// Exim lists (spec ch. 6.20–6.22: ':' separator, "::" for a literal
// colon, the "<c" separator change, "!" negation with optional white
// space, "+name" references, "type;query" lookups; ParseListSep is the
// fixed-separator form route_list uses for its ';'); ParseHostList
// (hostlist.go) adds a port ("host::587", "[ip]::587") and "/MX" to each
// item and flags the single-colon and non-numeric forms Exim misreads;
// ParseRouteList and ParseRoute (routelist.go) split route_list into
// rules and a rule (or route_data) into domain pattern, host list and
// options as manualroute.c does; ParseExpansion (expand.go) parses
// expansion strings (ch. 11: ${…} items with nesting, $var, \N…\N,
// backslash escapes, lookups with their file paths, ${perl, ${if) enough
// to find unbalanced braces and the variables a guard tests. All of them
// return a result even for bad input (the error is the first problem,
// a *SyntaxError) and give offsets into the value string, never file
// positions: callers map an offset range [i, j) to the file and bytes
// where the text really is with Option.Value.Span(i, j) (Text.Span),
// which also follows macro definitions and includes.
//
// It is pure syntax: no knowledge of option names, types or defaults, no
// rules. Files are read only through Options.ReadFile. Every position
// points into the file where the text really is — an included file, a
// conf.d fragment, the macro definition a substituted value came from,
// update-exim4.conf.conf for Debian's DC* macros (Text.Span, Text.Pos).
//
// # Fidelity
//
// The reader follows readconf.c of Exim 4.96 (get_config_line,
// macros_expand, macro_read_assignment, readconf_main, read_named_list,
// readconf_handle_option, readconf_driver_init, readconf_rest,
// string_dequote) rather than the specification alone; notable
// consequences, all checked with the real exim:
//
//   - Macros are substituted on every physical line, comments and
//     directives included, in definition order, as substrings; builtin
//     macros (_HAVE_*, _OPT_*, …; macro_builtin.go) only when the first
//     candidate name on the line starts with "_". A macro definition
//     between driver instances ends the current instance.
//   - A conditional directive must be followed by a space, the end of the
//     line or the letter "t" (Exim tests 't' for '\t'); otherwise the line
//     is silently dropped, so ".endif\r" in a CRLF file leaves the .ifdef
//     open.
//   - Trailing white space (including \r) is removed before the
//     continuation backslash test; an empty line ends a continuation
//     (Line.Broken) and the next line is read as a new logical line.
//   - "begin" must be followed by a literal space; the section name gets
//     an "s" appended unless it ends in one (so "begin retrys" works).
//   - `hide` must be followed by exactly one white space character for
//     readconf_main to see a named list.
//   - A quoted value whose last character is an escaped quote ("abc\")
//     is accepted, as Exim's read_string does.
//   - At the end of the file, a continuation followed only by comment or
//     directive lines takes in the last of them, newline included
//     ("x \" + "# c" gives "x # c\n"): Exim's buffer still holds it. A line
//     of blanks and a backslash there gives an empty logical line
//     ("option setting expected: ").
//   - `begin local_scan` is fatal in builds without
//     LOCAL_SCAN_HAS_OPTIONS (Debian's); more than 16 named lists of one
//     kind are fatal.
//
// # Errors
//
// Syntax problems never stop the parse: Exim dies at the first one, we
// record each in Config.Errors (Code classifies it, Msg is Exim's wording)
// and go on with a best-effort Config; Error() is file:line:col: message.
// Error.Pos is where the problem starts (the start of the line that uses
// it when the text at fault came from a macro definition); Exim names the
// last physical line of a continued logical line, which is Error.End. The returned error is
// only for failures of the caller's reader.
//
// Hostile input stays bounded: a line longer than Options.MaxLine (1 MiB)
// after macro substitution or continuation is cut and reported (Code
// "limit"); includes nest at most Options.MaxDepth (32) deep and loops
// are reported; each macro substitution is one pass over the line.
//
// # Grammar and performance
//
// grammar.go states the shape of option, macro-definition and driver
// lines as participle grammars; the reader extracts the same fields by
// hand, and grammar_test.go (with FuzzGrammar) checks the two agree on
// every line of the corpus. The hand reader parses the 3,300-line cPanel
// exim.conf of the corpus in about 2.4 ms on a loaded 2-core machine
// (BenchmarkParseCpanel; `exim -bV` takes about 16 ms there).
//
// # Verification
//
// TestOracleCorpus runs the real `exim -bV` on every configuration of
// ../shared/corpus/exim (test-suite placeholders substituted): accepted
// files give no errors, rejected ones an error on Exim's line, semantic
// rejections (unknown option names, users missing on the machine) are
// listed in testdata/exim/parser/oracle-semantic.json for the rule layer,
// and the driver lists, driver types and option values agree with
// `exim -bP`. TestDebianSplitOracle compares ParseDebian with the file the
// real update-exim4.conf writes; TestErrorsOracle checks that Exim rejects
// every error case on the line we report; TestValuesOracle compares stored
// values (macros, quoting, continuations) with `exim -bP`; TestRandomOracle
// compares verdicts on random configurations built from tricky lines.
package exim
