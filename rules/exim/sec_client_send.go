package exim

import (
	"strconv"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// EX022: plaintext client_send (ch. 34 "Using plaintext in a client"): "a
// colon-separated list of authentication data strings. Each string is
// independently expanded before being sent ... The first string is sent
// with the AUTH command; any more strings are sent in response to
// prompts"; "If there are any single circumflex characters in the string,
// they are converted to NULs. Should an actual circumflex be required as
// data, it must be doubled". The list is split first (white space around
// items is discarded), then each item is expanded ($ and \ are special).
// The findings name the item (1st, 2nd …) and the kind of character, never
// the text: client_send holds the password.

// secKnownVars are variables a client_send item may legitimately use
// without braces; any other $name in an otherwise literal item is a "$"
// in a password that Exim will try to expand ("unknown variable name").
var secKnownVars = map[string]bool{
	"host": true, "host_address": true, "sender_address": true, "sender_address_domain": true,
	"sender_address_local_part": true, "domain": true, "local_part": true, "primary_hostname": true,
	"tls_out_cipher": true, "tls_out_peercert": true, "value": true, "auth1": true, "auth2": true, "auth3": true,
	"authenticated_sender": true, "original_domain": true, "qualify_domain": true,
}

func checkClientSend(p *lint.Pass) {
	s := p.Unit.(*Setup)
	for _, a := range s.Authenticators {
		if a.Type != "plaintext" {
			continue
		}
		o := a.Option("client_send")
		if o == nil || !o.HasValue {
			continue
		}
		secCheckClientSend(p, s, a, o)
	}
}

// secItem is one client_send item with its parsed expansion.
type secItem struct {
	it *ex.ListItem
	x  *ex.Expansion
	// literal: no ${…} item in it (only text, escapes, maybe a stray $).
	literal bool
}

func secCheckClientSend(p *lint.Pass, s *Setup, a *Authenticator, o *ex.Option) {
	v := o.Value.S
	l, _ := ex.ParseList(v)
	var items []secItem
	for _, it := range l.Items {
		x, _ := ex.ParseExpansion(it.Value)
		lit := true
		for _, n := range x.Nodes {
			if n.Kind == ex.NodeItem {
				lit = false
			}
		}
		items = append(items, secItem{it: it, x: x, literal: lit})
	}
	report := func(lo, hi int, sev lint.Severity, msg, hint string) {
		fd, _, ok := s.At(o.Value, lo, hi)
		if !ok {
			return
		}
		fd.Severity = sev
		fd.Message = "client_send of authenticator " + a.Name + ": " + msg
		fd.Hint = hint
		p.Report(fd)
	}
	whole := func(sev lint.Severity, msg, hint string) { report(0, len(v), sev, msg, hint) }
	mech := strings.ToUpper(a.PublicName)
	n := len(items)
	empty := func(i int) bool { return i < n && items[i].it.Value == "" }
	switch mech {
	case "LOGIN":
		if n == 2 && !empty(0) {
			whole(lint.SeverityWarning, "2 items for AUTH LOGIN: the user name is sent on the AUTH LOGIN line as an initial response, which many servers reject",
				"start the list with an empty item: `client_send = : user : password`")
		} else if n == 1 && items[0].literal {
			whole(lint.SeverityError, "1 item for AUTH LOGIN: the server's username and password prompts get no answer",
				"write `client_send = : user : password` (empty first item, then user and password)")
		} else if n > 3 {
			whole(lint.SeverityError, strconv.Itoa(n)+" items for AUTH LOGIN (expected `: user : password`): a ':' inside the user name or password must be written '::'",
				"double every ':' that belongs to the user name or password")
		}
	case "PLAIN":
		switch {
		case n == 1 || (n == 2 && empty(0)):
			last := items[n-1]
			if last.literal {
				if c := secSingleCarets(last.it.Value); c != 2 && c >= 0 {
					report(last.it.Start, last.it.End, lint.SeverityError,
						"the PLAIN string has "+secCount(c, "single '^'")+" (expected 2: ^user^password): a '^' inside the user name or password becomes a NUL byte unless written '^^'",
						"write `client_send = ^user^password` and double any '^' in the credentials")
				}
			}
		case n >= 2:
			whole(lint.SeverityError, strconv.Itoa(n)+" items for AUTH PLAIN: PLAIN sends one string `^user^password`; the extra items answer prompts that PLAIN never sends, so the server gets a malformed PLAIN message",
				"write `client_send = ^user^password` (authorization id empty, then user and password, separated by single '^')")
		}
	}
	for i, item := range items {
		if !item.literal {
			continue
		}
		secCheckLiteralItem(report, item, i+1, mech)
	}
}

// secCheckLiteralItem scans a literal item for characters Exim changes:
// "$" (expanded), "\" (escape), single "^" (NUL) outside PLAIN's two
// separators, and quotes at either end (sent as password characters).
func secCheckLiteralItem(report func(lo, hi int, sev lint.Severity, msg, hint string), item secItem, ord int, mech string) {
	it := item.it
	name := secOrdinal(ord) + " item"
	for _, nd := range item.x.Nodes {
		lo, hi := it.Offset(nd.Start), it.Offset(max(nd.End-1, nd.Start))+1
		switch nd.Kind {
		case ex.NodeDollar:
			report(lo, hi, lint.SeverityError, "the "+name+" contains a '$' that is not followed by a name: expansion fails and every delivery is deferred",
				"write a literal '$' as '\\$' (as '\\\\$' inside a double-quoted value)")
			return
		case ex.NodeVar:
			if !secKnownVars[nd.Name] {
				report(lo, hi, lint.SeverityError, "the "+name+" contains a '$' followed by letters: Exim expands it as a variable (\"unknown variable name\") and every delivery is deferred",
					"write a literal '$' as '\\$' (as '\\\\$' inside a double-quoted value)")
				return
			}
		case ex.NodeEscape:
			if len(nd.Text) < 2 {
				report(lo, hi, lint.SeverityWarning, "the "+name+" ends with a lone backslash, which expansion drops",
					"write a literal backslash as '\\\\' (as '\\\\\\\\' inside a double-quoted value)")
				return
			}
			c := nd.Text[1]
			if c >= 'a' && c <= 'z' && c != 'n' && c != 'r' && c != 't' && c != 'x' || c >= 'A' && c <= 'Z' && c != 'N' {
				report(lo, hi, lint.SeverityWarning, "the "+name+" contains a backslash before a letter: expansion removes the backslash, so the password sent differs from the one written",
					"write a literal backslash as '\\\\' (as '\\\\\\\\' inside a double-quoted value)")
				return
			}
		}
	}
	v := it.Value
	if mech != "PLAIN" && secSingleCarets(v) > 0 {
		report(it.Start, it.End, lint.SeverityWarning, "the "+name+" contains a single '^', which Exim converts to a NUL byte",
			"write a literal '^' as '^^'")
	}
	if len(v) >= 1 && (v[0] == '"' || v[0] == '\'' || v[len(v)-1] == '"' || v[len(v)-1] == '\'') {
		report(it.Start, it.End, lint.SeverityWarning, "the "+name+" starts or ends with a quote character, which is sent as part of the credential (quotes do not protect list items, and surrounding white space is discarded anyway)",
			"remove the quotes; to keep leading or trailing spaces write them as \\x20 (\\\\x20 inside a double-quoted value)")
	}
}

// secSingleCarets counts the '^' that are not part of a '^^' pair.
func secSingleCarets(v string) int {
	c := 0
	for i := 0; i < len(v); i++ {
		if v[i] != '^' {
			continue
		}
		if i+1 < len(v) && v[i+1] == '^' {
			i++
			continue
		}
		c++
	}
	return c
}

func secCount(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
