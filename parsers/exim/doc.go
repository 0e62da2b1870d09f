// Package exim parses Exim 4.96 runtime configuration files: the main
// part, the `begin` sections, driver instances, options, named lists,
// macros, .include and .ifdef directives (Parse), Debian's split
// configuration (conf.d assembled as update-exim4.conf does, and
// update-exim4.conf.conf), and cPanel's exim.conf.local and
// exim.conf.localopts.
//
// It is pure syntax: no knowledge of option names or defaults, no rules.
// Files are read only through Options.ReadFile. Every position points into
// the file where the text really is, through includes and macro
// substitution (Text.Span, Text.Pos).
//
// # Fidelity
//
// The parser follows readconf.c of Exim 4.96 (get_config_line,
// macros_expand, readconf_main, readconf_rest, readconf_driver_init) and
// the tests check it against the real `exim -bV -C` on the corpus
// (internal/testenv oracles). Syntax problems never stop the parse: they
// are collected in Config.Errors with Exim's own wording; the returned
// error is only for failures of the caller's reader on the main file.
package exim
