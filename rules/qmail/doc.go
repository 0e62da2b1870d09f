// Package qmail is the qmail frontend and its rules QM000–QM010.
//
// frontend.go recognises control/smtproutes and control/authsenders and
// loads them, with the sibling control files the rules need (locals or me,
// virtualdomains, tlshosts/, the qmail-remote binary beside control/ and
// the qmailr user), into a Setup (setup.go): the model rules read. Each
// concern has its own file; rules.go lists the rules.
//
// The semantics come from notqmail a7012e4 (qmail-remote.c, control.c,
// constmap.c, scan_ulong.c, qmail-start.c) and, for patch dialects, from
// sagredo-dev/qmail's qmail-remote.c (authsenders, "|user|password"),
// Tom Clegg's qmail-remote-auth as documented by qmailrocks, and Frederik
// Vermeulen's qmail-tls README. See docs/rules/QM*.md.
package qmail
