package exim

import (
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// AUTH towards the smarthost: EX019 (authenticator unused / missing),
// EX021 (duplicate client public_name), EX023 (no hide), EX025
// (per-sender credentials for all senders).

// checkAuthUse: ch. 33.5 "When the smtp transport connects to a server
// that announces support for authentication, and the host matches an entry
// in either of these options [hosts_require_auth, hosts_try_auth], Exim
// (as a client) tries to authenticate"; with hosts_require_auth and no
// successful authenticator "a temporary error is generated, and delivery
// is deferred".
func checkAuthUse(p *lint.Pass) {
	s := p.Unit.(*Setup)
	clients := s.ClientAuthenticators()
	if len(clients) > 0 {
		// (a) credentials defined, but the smarthost transport never asks
		// for AUTH: both lists unset (a set list that misses the host is
		// EX030's).
		ex105 := map[*Transport]bool{}
		for _, t := range smarthostTransports(s) {
			ex105[t] = commentedAuthLine(s, t) != nil
		}
		for _, g := range secSmarthostTransports(s) {
			if g.T.HostsRequireAuth.Set() || g.T.HostsTryAuth.Set() {
				continue
			}
			if ex105[g.T] {
				continue // a commented-out `#hosts_require_auth`: EX105 reports it (the seed's cPanel text)
			}
			fd, ok := secDriverFinding(s, g.T.Driver)
			if !ok {
				continue
			}
			fd.Message = "client authenticator " + clients[0].Name + " is defined but transport " + g.T.Name +
				" has neither hosts_require_auth nor hosts_try_auth: Exim never authenticates to " + secHostNames(g.Hosts) +
				" and the smarthost will refuse to relay"
			fd.Hint = "add `hosts_require_auth = *` to transport " + g.T.Name
			fd.Fix = secInsertOption(s, g.T.Driver, "hosts_require_auth = *")
			if fd.Fix != nil {
				fd.Fix.Safe = false // the smarthost might relay by IP; let the user decide
			}
			p.Report(fd)
		}
		return
	}
	// (b) AUTH required, nothing to authenticate with.
	for _, t := range s.Transports {
		if t.Type != "smtp" || !t.HostsRequireAuth.Set() {
			continue
		}
		fd, _, ok := s.AtOption(t.HostsRequireAuth.Opt)
		if !ok {
			continue
		}
		fd.Message = "transport " + t.Name + " sets hosts_require_auth but no authenticator can act as a client (no client_send, client_secret or client_username): every delivery to a matching host is deferred"
		fd.Hint = "add a client authenticator in `begin authenticators` (plaintext with public_name = LOGIN or PLAIN and client_send), or remove hosts_require_auth for IP-authorised relaying"
		p.Report(fd)
	}
}

// checkDuplicatePublicName: auths_init() in readconf.c refuses two client
// authenticators with the same public name [exp 4.96: "two client
// authenticators (spamexperts_login and login) have the same public name
// (LOGIN)"]; a server-only and a client-only one may share it.
func checkDuplicatePublicName(p *lint.Pass) {
	s := p.Unit.(*Setup)
	first := map[string]*Authenticator{}
	for _, a := range s.ClientAuthenticators() {
		key := strings.ToUpper(a.PublicName)
		prev, dup := first[key]
		if !dup {
			first[key] = a
			continue
		}
		var fd lint.Finding
		var ok bool
		if o := a.Option("public_name"); o != nil {
			fd, _, ok = s.AtValue(o)
		} else {
			fd, ok = secDriverFinding(s, a.Driver)
		}
		if !ok {
			continue
		}
		fd.Message = "two client authenticators (" + prev.Name + " and " + a.Name + ") have the same public name (" + key +
			"): Exim refuses to start with this configuration"
		fd.Hint = "keep one client authenticator per mechanism: delete or rename " + prev.Name + " or " + a.Name +
			" (a server-only authenticator may share the name)"
		p.Report(fd)
	}
}

// secLiteralCredential reports whether an option value holds credential
// text written in the configuration (not only looked up at run time):
// literal text at the top level or in the branches of ${if …} (the
// Debian-style guard `${if !eq{$tls_out_cipher}{}{: user : pass}fail}`),
// not counting list separators, "^", a leading "<c" and the word "fail".
func secLiteralCredential(v string) bool {
	x, _ := ex.ParseExpansion(v)
	lit := 0
	var walk func(ns []*ex.Node, top bool)
	walk = func(ns []*ex.Node, top bool) {
		for i, n := range ns {
			switch n.Kind {
			case ex.NodeText, ex.NodeEscape, ex.NodeProtected, ex.NodeDollar:
				t := n.Text
				if top && i == 0 {
					// A "<c" separator change at the start is syntax.
					t = strings.TrimLeft(t, " \t")
					if len(t) >= 2 && t[0] == '<' {
						t = t[2:]
					}
				}
				t = strings.Trim(t, " \t\r\n:^;")
				if !top && t == "fail" {
					t = ""
				}
				lit += len(t)
			case ex.NodeVar:
				if top {
					lit++ // "pa$word": an unescaped $ in a literal password
				}
			case ex.NodeItem:
				if _, rest := n.IfParts(); n.Name == "if" {
					walk(rest, false)
				}
			case ex.NodeGroup:
				walk(n.Children, false)
			}
		}
	}
	walk(x.Nodes, true)
	return lit > 0
}

// checkHide: ch. 6.11 "To stop non-admin users from using the -bP command
// line option to read these values, you can precede the option settings
// with the word "hide"".
func checkHide(p *lint.Pass) {
	s := p.Unit.(*Setup)
	for _, a := range s.Authenticators {
		for _, o := range a.Secrets {
			if o.Hide || !o.HasValue || !secLiteralCredential(o.Value.S) {
				continue
			}
			fd, _, ok := s.AtOption(o)
			if !ok {
				continue
			}
			fd.Message = o.Name + " of authenticator " + a.Name + " holds a literal credential without `hide`: any local user can read it with `exim -bP authenticators`"
			fd.Hint = "write `hide " + o.Written + " = …` (or look the credential up from a file readable only by root and the Exim group)"
			if f := s.FileOf(o.NamePos); f != nil && o.NamePos.Offset <= len(f.Src) && strings.HasPrefix(string(f.Src[o.NamePos.Offset:]), o.Written) &&
				o.Pos == o.NamePos {
				fd.Fix = &lint.Fix{Description: "hide the value from exim -bP", Safe: !secGenerated(s, f),
					Edits: []lint.TextEdit{{Start: o.NamePos.Offset, End: o.NamePos.Offset, NewText: "hide "}}}
			}
			p.Report(fd)
		}
	}
}

// secSenderKeyed reports whether an expansion looks credentials up by the
// sender (the seed's ${lookup{$sender_address_domain}lsearch{/etc/exim_spamexperts}}),
// and returns the lookup's file.
func secSenderKeyed(v string) (path string, ok bool) {
	if !strings.Contains(v, "sender_address") {
		return "", false
	}
	x, _ := ex.ParseExpansion(v)
	for _, l := range x.Lookups() {
		if l.Key == nil {
			continue
		}
		for _, k := range l.Key.Children {
			if k.Kind == ex.NodeVar && strings.HasPrefix(k.Name, "sender_address") {
				return l.Path, true
			}
		}
	}
	return "", false
}

// checkPerSenderCredentials: the seed's per-domain credentials
// (client_send from an lsearch keyed by $sender_address_domain) with a
// router that sends every remote address to the smarthost and
// hosts_require_auth: a sender whose domain is not in the file gets a
// failed lookup, AUTH fails and the message is deferred (seed: "If
// authentication details for the sending domain cannot be found ..., the
// message cannot be delivered!"). The seed's "Limiting Outgoing for
// certain senders" adds the condition that avoids it.
func checkPerSenderCredentials(p *lint.Pass) {
	s := p.Unit.(*Setup)
	var file string
	var keyed *Authenticator
	for _, a := range s.ClientAuthenticators() {
		for _, o := range a.Secrets {
			if path, ok := secSenderKeyed(o.Value.S); ok {
				file, keyed = path, a
			}
		}
	}
	if keyed == nil {
		return
	}
	seen := map[*Router]bool{}
	for _, g := range secSmarthostTransports(s) {
		if g.T.HostsRequireAuth.MatchesAll(g.Hosts) == No {
			continue
		}
		for _, rt := range g.Routes {
			r := rt.Router
			if seen[r] || r.Senders != nil || len(r.Conditions) > 0 || r.RequireFiles != nil {
				continue
			}
			seen[r] = true
			fd, ok := secDriverFinding(s, r.Driver)
			if !ok {
				continue
			}
			src := "a lookup keyed by the sender"
			if file != "" {
				src = file
			}
			fd.Message = "router " + r.Name + " sends mail from every sender to the smarthost, but authenticator " + keyed.Name +
				" takes the credentials per sender from " + src + " and transport " + g.T.Name +
				" requires AUTH: mail from a sender (domain) missing there cannot authenticate and is deferred"
			if file == "" {
				fd.Hint = "limit the router to the senders that have credentials (senders = … or condition = …)"
			} else {
				fd.Hint = "limit the router to the senders that have credentials: `condition = ${lookup{$sender_address_domain}lsearch{" + file + "}{true}{false}}`"
			}
			p.Report(fd)
		}
	}
}
