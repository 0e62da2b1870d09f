// Package exim checks Exim 4.96 configurations for the smarthost setup:
// the frontend (frontend*.go) detects and loads plain exim.conf files,
// Debian's /etc/exim4 (template or conf.d with update-exim4.conf.conf and
// passwd.client), cPanel's exim.conf.local and DirectAdmin's exim.conf
// with its pre/post includes into a Setup (model*.go): the router chain,
// transports with effective ports, authenticators and the smarthost
// routes, built on parsers/exim. The rules are listed in rules.go:
// structure and routing (EX000–EX017), TLS/AUTH and credentials
// (EX018–EX034, sec_*.go), cPanel (EX1xx) and DirectAdmin (EX2xx). The
// option tables in options_gen.go are generated from the real Exim
// binaries by internal/gen/eximoptions.
//
// # Parser errors and the rules that report them
//
// The loader turns parsers/exim Error codes into findings: "section" →
// EX001, "option" → EX002, "driver-name" → EX003, "continuation" → EX004
// (an empty line inside a continuation is not an Error by itself when the
// next line happens to be valid: EX004 reads Line.Broken/BreakPos),
// "macro" → EX006, "include" → EX007, "conditional" → EX008, "syntax" and
// "limit" → EX000. cPanel "marker" errors and any error on a line that is
// only a @NAME@/%RETRYBLOCK% marker (isMarkerError) are EX102's; errors in
// a file pulled in by a misplaced .include_if_exists /etc/exim.dkim.conf
// (misplacedDKIMInclude) are EX205's. Semantic rejections the parser does
// not see (unknown option names, driver types missing from
// exim4-daemon-light) are listed with Exim's message in
// testdata/exim/parser/oracle-semantic.json; EX002's option tables must
// catch the option ones on the same line.
//
// # One finding per problem
//
// Where two rules describe the same fault the more specific one reports
// it and the other skips: EX019(a) skips a transport that still has the
// seed's commented "#hosts_require_auth" (commentedAuthLine, EX105); EX013
// skips a router shadowed by DirectAdmin's lookuphost (daShadowedBy,
// EX202); EX204 leaves ${perl{…}} without perl_startup to EX026; EX018 and
// EX020 report a missing hosts_require_tls once, under EX020 when AUTH is
// configured.
//
// # Model notes
//
// Setup.Routes holds only smarthost routes (manualroute rules/route_data
// or a transport hosts list; not lmtp/pipe transports or loopback-only
// hosts). HostMatch.Matches answers Yes/No/Maybe (Maybe = depends on DNS
// or run-time data); a list ending in a negated item matches what the list
// did not decide ([exp 4.96 -be match_domain]). Setup.Trace(domain) walks
// the routers as Exim would. Setup.Part != "" means an included part
// (DirectAdmin exim.*.pre.conf) linted alone, so drivers may be defined
// elsewhere. A lone cPanel exim.conf.local (Cpanel != nil, Generated ==
// nil) is assembled from its blocks in cPanel's insertion order
// (PREROUTERS, ROUTERSTART, DIRECTORSTART, PREVALIASNOSTAR, PREVALIASSTAR,
// PRENOALIASDISCARD, PREVIRTUALUSER, POSTMAILCOUNT, ROUTERMIDDLE,
// DIRECTORMIDDLE, PREDOTFORWARD, PREFILTER, PRELOCALUSER, DIRECTOREND,
// ROUTEREND): it is only a fragment of the generated exim.conf, so rules
// must not conclude that something (a named list, a later router) is
// missing from it. The EX024 file checks find the --root directory
// through Setup.byPath and Setup.rootPath (secRootDir in sec_common.go).
package exim
