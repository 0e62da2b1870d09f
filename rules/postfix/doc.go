// Package postfix is smarthost-lint's Postfix support: the Frontend that
// recognises main.cf, master.cf and lookup-table sources and loads them
// (following every table main.cf and master.cf name), the Setup model of
// the installation (effective parameters with $name expansion and master.cf
// -o overrides, the routing table of destinations and the services that
// deliver to them, credential and TLS-policy views), and the PF rules,
// listed in Rules.
//
// It imports lint and parsers/postfix; the rules package composes it into
// the default registry. Rules read the Setup and never re-parse a file.
// Facts about Postfix behaviour are cited in comments: [doc] from the
// Postfix 3.7 documentation, [src] from its source, [exp] reproduced with
// the real Postfix 3.7.11 (../shared/oracles).
package postfix
