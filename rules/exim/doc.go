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
package exim
