package postfix

import (
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	pf "github.com/smarthost-lint/smarthost-lint/parsers/postfix"
)

// pf012 — malformed sasl_passwd value.
//
// smtp_sasl_passwd_lookup() splits the value at the first ':' into user
// name and password; without ':' the whole value is the user name and the
// password is empty. Quotes are not syntax in table values (postmap keeps
// them, RULES.md S2).
// [exp] postfix-e2e.sh 3.7.11 with SINK_ARGS=--log-password: value
// "nocolonuser" authenticates as user "nocolonuser" with an empty password;
// value ":pw" logs "SASL authentication failure: All-whitespace username"
// and defers the mail ("SASL authentication failed; cannot authenticate to
// server ...: generic failure").
var pf012 = &lint.Rule{
	ID: "PF012", MTA: Name, Severity: lint.SeverityError,
	Title: "malformed smtp_sasl_password_maps value (user:password)",
	Check: checkPF012,
}

func checkPF012(p *lint.Pass) {
	s := p.Unit.(*Setup)
	tables := s.Maps
	if s.Standalone != nil {
		tables = append([]*MapRef{s.Standalone}, tables...)
	}
	seen := map[*lint.File]bool{}
	for _, t := range tables {
		if t.Param != "smtp_sasl_password_maps" || t.Table == nil || t.Source == nil || seen[t.Source] {
			continue
		}
		if t != s.Standalone && !credFixedTypes[t.Type] {
			continue // regexp/pcre results may hold $1 substitutions
		}
		seen[t.Source] = true
		for i := range t.Table.Entries {
			e := &t.Table.Entries[i]
			if fd, ok := saslValueProblem(t.Source, e); ok {
				p.Report(fd)
			}
		}
	}
}

// saslValueProblem checks one credentials entry. Messages name the entry by
// its key and never contain any part of the value.
func saslValueProblem(f *lint.File, e *pf.TableEntry) (fd lint.Finding, ok bool) {
	defer func() { // positions only for the entries reported
		if ok {
			at := f.At(e.ValueOffset, e.ValueEnd)
			fd.Path, fd.Start, fd.End = at.Path, at.Start, at.End
		}
	}()
	v := e.Value
	user, pass, hasColon := strings.Cut(v, ":")
	switch {
	case !hasColon:
		fd.Message = "the value of " + saslEntry(e) + " has no ':' between user name and password: Postfix sends the whole value as the user name and an empty password"
		fd.Hint = "write `" + e.Key + " username:password`"
		return fd, true
	case user == "" || strings.TrimSpace(user) == "":
		fd.Message = "the value of " + saslEntry(e) + " has an empty user name before the ':': SASL refuses it (\"All-whitespace username\") and the mail is deferred"
		fd.Hint = "write `" + e.Key + " username:password`"
		return fd, true
	case pass == "":
		fd.Message = "the password of " + saslEntry(e) + " is empty (nothing after the ':'): the smarthost will reject the login"
		fd.Hint = "write `" + e.Key + " username:password`"
		return fd, true
	}
	// Quotes and stray whitespace are sent as part of the credentials.
	var edits []lint.TextEdit
	var parts []string
	quote := func(c byte) bool { return c == '"' || c == '\'' }
	userOff, passOff := e.ValueOffset, e.ValueOffset+len(user)+1
	uStart, uEnd := quote(user[0]), len(user) > 1 && quote(user[len(user)-1])
	pStart, pEnd := quote(pass[0]), len(pass) > 1 && quote(pass[len(pass)-1])
	if uStart && pEnd && !uEnd && !pStart {
		parts = append(parts, "the whole value is in quotes")
	} else {
		if d := saslQuoteDesc("user name", uStart, uEnd); d != "" {
			parts = append(parts, d)
		}
		if d := saslQuoteDesc("password", pStart, pEnd); d != "" {
			parts = append(parts, d)
		}
	}
	if uStart {
		edits = append(edits, lint.TextEdit{Start: userOff, End: userOff + 1})
	}
	if uEnd {
		edits = append(edits, lint.TextEdit{Start: userOff + len(user) - 1, End: userOff + len(user)})
	}
	if pStart {
		edits = append(edits, lint.TextEdit{Start: passOff, End: passOff + 1})
	}
	if pEnd {
		edits = append(edits, lint.TextEdit{Start: passOff + len(pass) - 1, End: passOff + len(pass)})
	}
	what := "password"
	switch {
	case (uStart || uEnd) && (pStart || pEnd):
		what = "user name and password"
	case uStart || uEnd:
		what = "user name"
	}
	if len(parts) > 0 {
		fd.Severity = lint.SeverityWarning
		fd.Message = "in the value of " + saslEntry(e) + " " + strings.Join(parts, " and ") + ": quotes are not syntax in Postfix tables, so the quotes will be sent as part of the " + what
		fd.Hint = "remove the quotes: `" + e.Key + " username:password` (then run postmap)"
		fd.Fix = &lint.Fix{Description: "remove the quote characters", Edits: saslDedupEdits(edits)}
		return fd, true
	}
	if strings.TrimLeft(pass, " \t") != pass || strings.TrimRight(user, " \t") != user {
		fd.Severity = lint.SeverityWarning
		fd.Message = "whitespace around the ':' in the value of " + saslEntry(e) + " is sent as part of the user name or password"
		fd.Hint = "write `" + e.Key + " username:password` without spaces around the ':'"
		return fd, true
	}
	return fd, false
}

// saslQuoteDesc describes quotes at the ends of one part of a value.
func saslQuoteDesc(part string, start, end bool) string {
	switch {
	case start && end:
		return "the " + part + " is in quotes"
	case start:
		return "the " + part + " starts with a quote"
	case end:
		return "the " + part + " ends with a quote"
	}
	return ""
}

func saslDedupEdits(es []lint.TextEdit) []lint.TextEdit {
	var out []lint.TextEdit
	seen := map[int]bool{}
	for _, e := range es {
		if !seen[e.Start] {
			seen[e.Start] = true
			out = append(out, e)
		}
	}
	return out
}

// saslEntry names an entry in messages by its key (never its value).
func saslEntry(e *pf.TableEntry) string { return "entry `" + e.Key + "`" }
