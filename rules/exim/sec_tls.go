package exim

import (
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// TLS towards the smarthost: EX018 (TLS not required), EX020 (AUTH without
// required TLS), EX029 (465 vs implicit TLS), EX030 (require lists that
// miss the smarthost).
//
// EX018 and EX020 describe the same missing `hosts_require_tls` when the
// transport authenticates: it is then reported once, as EX020 (the more
// specific rule: the password itself goes out in clear), unless every
// client authenticator refuses to run without TLS (a $tls_out_cipher
// guard), in which case the message body is still unprotected and EX018
// reports it. A hosts_require_tls that is set but does not match the
// smarthost is EX030's, not EX018's or EX020's.

// secTLSProblem tells whether the transport leaves TLS optional because
// hosts_require_tls is unset or hosts_avoid_tls matches the smarthost;
// avoid is the hosts_avoid_tls option in the second case.
func secTLSProblem(g *secTransportRoutes) (problem bool, avoid *ex.Option) {
	if g.T.HostsAvoidTLS.Set() && g.T.HostsAvoidTLS.MatchesAll(g.Hosts) == Yes {
		return true, g.T.HostsAvoidTLS.Opt
	}
	return !g.T.HostsRequireTLS.Set(), nil
}

// secUnguardedAuth returns the first client authenticator that would send
// a reusable password without TLS, or nil: plaintext (PLAIN, LOGIN) and
// gsasl with PLAIN or LOGIN send it base64-encoded only; CRAM-MD5 and the
// other challenge-response mechanisms do not reveal it.
func secUnguardedAuth(s *Setup) *Authenticator {
	for _, a := range s.ClientAuthenticators() {
		clear := a.Type == "plaintext"
		if a.Type == "gsasl" {
			m := strings.ToUpper(a.PublicName)
			clear = m == "PLAIN" || m == "LOGIN"
		}
		if clear && !secTLSGuarded(a) {
			return a
		}
	}
	return nil
}

func secHostNames(hosts []RouteHost) string {
	var names []string
	seen := map[string]bool{}
	for _, h := range hosts {
		if h.Name != "" && !seen[h.Name] {
			seen[h.Name] = true
			names = append(names, h.Name)
		}
	}
	if len(names) == 0 {
		return "the smarthost"
	}
	return strings.Join(names, ", ")
}

// secTLSFinding locates an EX018/EX020 finding and its fix.
func secTLSFinding(s *Setup, g *secTransportRoutes, avoid *ex.Option) (lint.Finding, bool) {
	if avoid != nil {
		fd, _, ok := s.AtOption(avoid)
		return fd, ok
	}
	fd, ok := secDriverFinding(s, g.T.Driver)
	if ok {
		fd.Fix = secInsertOption(s, g.T.Driver, "hosts_require_tls = *")
	}
	return fd, ok
}

func checkTLSRequired(p *lint.Pass) {
	s := p.Unit.(*Setup)
	for _, g := range secSmarthostTransports(s) {
		problem, avoid := secTLSProblem(g)
		if !problem {
			continue
		}
		auth := secAuthConfigured(s, g)
		if auth && secUnguardedAuth(s) != nil {
			continue // EX020
		}
		fd, ok := secTLSFinding(s, g, avoid)
		if !ok {
			continue
		}
		why := "hosts_require_tls is not set"
		if avoid != nil {
			why = "hosts_avoid_tls matches it"
		}
		fd.Message = "transport " + g.T.Name + " delivers to " + secHostNames(g.Hosts) + " but " + why +
			": Exim uses STARTTLS only when the server offers it and, with tls_tempfail_tryclear (default true), retries in clear after a temporary STARTTLS error, so messages can go out unencrypted"
		if auth {
			fd.Message += " (the password itself is not sent in clear: the client authenticators wait for TLS or use a challenge-response mechanism; the messages are not protected)"
		} else {
			fd.Severity = lint.SeverityWarning
		}
		fd.Hint = "add `hosts_require_tls = *` to transport " + g.T.Name + " (and `tls_verify_hosts = *` to verify the certificate)"
		if avoid != nil {
			fd.Hint = "remove hosts_avoid_tls from transport " + g.T.Name + " and add `hosts_require_tls = *`"
		}
		p.Report(fd)
	}
}

func checkAuthWithoutTLS(p *lint.Pass) {
	s := p.Unit.(*Setup)
	for _, g := range secSmarthostTransports(s) {
		problem, avoid := secTLSProblem(g)
		if !problem || !secAuthConfigured(s, g) {
			continue
		}
		a := secUnguardedAuth(s)
		if a == nil {
			continue // EX018
		}
		fd, ok := secTLSFinding(s, g, avoid)
		if !ok {
			continue
		}
		opt := "hosts_require_auth"
		if g.T.HostsRequireAuth.MatchesAll(g.Hosts) == No {
			opt = "hosts_try_auth"
		}
		why := "hosts_require_tls is not set"
		if avoid != nil {
			why = "hosts_avoid_tls matches the smarthost"
		}
		fd.Message = "transport " + g.T.Name + " authenticates to " + secHostNames(g.Hosts) + " (" + opt + ") with authenticator " + a.Name +
			" but " + why + ": without STARTTLS (or after a temporary STARTTLS error) the " + strings.ToUpper(a.PublicName) +
			" credentials are sent in clear (base64 only)"
		fd.Hint = "add `hosts_require_tls = *` to transport " + g.T.Name
		p.Report(fd)
	}
}

// checkImplicitTLS: ch. 30 `protocol`: "If this option is set to "smtps",
// the default value for the port option changes to "smtps", and the
// transport initiates TLS immediately after connecting ... instead of
// using STARTTLS".
func checkImplicitTLS(p *lint.Pass) {
	s := p.Unit.(*Setup)
	seen := map[[3]int]bool{}
	for _, rt := range s.Routes {
		t := rt.Transport
		if t == nil || t.Type != "smtp" {
			continue
		}
		implicit := t.Protocol == "smtps" || t.Protocol == "submissions"
		for _, h := range rt.Hosts {
			if !h.PortKnown || (h.Port != 465 && h.Port != 587) {
				continue
			}
			var fd lint.Finding
			var ok bool
			switch {
			case h.Port == 465 && !implicit:
				fd, ok = secPortFinding(s, rt, h)
				fd.Message = "port 465 expects TLS immediately after connecting, but transport " + t.Name +
					" speaks plain SMTP and would offer STARTTLS: the connection hangs or fails"
				fd.Hint = "add `protocol = smtps` to transport " + t.Name + ", or use port 587 with STARTTLS (`hosts_require_tls = *`)"
			case h.Port == 587 && implicit:
				o := t.Option("protocol")
				if o == nil {
					continue
				}
				fd, _, ok = s.AtValue(o)
				fd.Message = "transport " + t.Name + " has protocol = " + t.Protocol +
					" (TLS immediately after connecting) but reaches " + h.Name + " on port 587, which expects plain SMTP and STARTTLS"
				fd.Hint = "remove `protocol = " + t.Protocol + "` for port 587 (STARTTLS with `hosts_require_tls = *`), or use port 465"
			default:
				continue
			}
			if !ok {
				continue
			}
			key := [3]int{fd.Start.Line, fd.Start.Column, len(fd.Path)}
			if seen[key] {
				continue
			}
			seen[key] = true
			p.Report(fd)
		}
	}
}

// secPortFinding points at where a host's effective port comes from: the
// port in the host item, else the transport's `port` option, else the
// transport name.
func secPortFinding(s *Setup, rt *Route, h RouteHost) (lint.Finding, bool) {
	if h.PortFromList && h.Item != nil && h.In != nil {
		lo, hi := h.Item.PortStart, h.Item.PortEnd
		if rt.Rule != nil {
			lo, hi = rt.Rule.HostOffset(lo), rt.Rule.HostOffset(hi-1)+1
		}
		fd, _, ok := s.At(h.In.Value, lo, hi)
		return fd, ok
	}
	if rt.Transport.PortOpt != nil {
		fd, _, ok := s.AtValue(rt.Transport.PortOpt)
		return fd, ok
	}
	return secDriverFinding(s, rt.Transport.Driver)
}

// checkRequireListsMatch: a hosts_require_tls / hosts_require_auth list
// that does not match the smarthost leaves TLS / AUTH optional [exp: an
// unresolvable name or a foreign IP in hosts_require_tls delivered in
// clear to a sink without STARTTLS].
func checkRequireListsMatch(p *lint.Pass) {
	s := p.Unit.(*Setup)
	for _, g := range secSmarthostTransports(s) {
		if len(g.Hosts) == 0 {
			continue
		}
		for _, l := range []struct {
			name, what string
			m          *HostMatch
		}{
			{"hosts_require_tls", "TLS", g.T.HostsRequireTLS},
			{"hosts_require_auth", "AUTH", g.T.HostsRequireAuth},
		} {
			if !l.m.Set() {
				continue
			}
			for _, h := range g.Hosts {
				res := l.m.Matches(h.Name)
				if res == Yes || (res == Maybe && !secPlainHostList(l.m.List)) {
					continue
				}
				fd, _, ok := s.AtValue(l.m.Opt)
				if !ok {
					break
				}
				if res == No {
					fd.Message = l.name + " of transport " + g.T.Name + " does not match the smarthost " + h.Name +
						": " + l.what + " stays optional for it"
				} else {
					fd.Severity = lint.SeverityInfo
					fd.Message = l.name + " of transport " + g.T.Name + " names the smarthost " + h.Name +
						" differently: it matches only if the name resolves to the smarthost's address when the transport runs (a name that does not resolve silently leaves " +
						l.what + " optional)"
				}
				fd.Hint = "use `" + l.name + " = *` (or the smarthost's name exactly as in route_list: " + h.Name + ")"
				p.Report(fd)
				break
			}
		}
	}
}

// secPlainHostList reports whether a host list holds only literal names
// and addresses (so a Maybe match is a DNS question, not an expansion or
// lookup we cannot evaluate).
func secPlainHostList(l *ex.List) bool {
	for _, it := range l.Items {
		b := it.Body
		if it.Named != "" || it.Lookup != nil || strings.HasPrefix(b, "^") || strings.ContainsAny(b, "$@/") {
			return false
		}
	}
	return true
}
