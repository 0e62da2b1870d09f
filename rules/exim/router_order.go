package exim

import (
	"fmt"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// checkRouterOrder is EX013: "addresses are passed to individual routers
// one by one, in order" (spec ch. 6.23), so
//
//	(a) a dnslookup (or other remote) router that takes the same domains
//	    before the smarthost router sends mail directly and the smarthost
//	    router is never used for it (Debian's dnslookup, DirectAdmin's
//	    lookuphost — EX202 covers that one);
//	(b) a smarthost router for every domain placed before the local
//	    delivery routers relays local mail too (seed: "If you don't want
//	    local mail to be forwarded, then make sure the local mail router
//	    is before this one").
func checkRouterOrder(p *lint.Pass) {
	s := setupOf(p)
	if s == nil || s.Part != "" {
		return
	}
	reported := map[*Router]bool{}
	for _, rt := range s.Routes {
		r := rt.Router
		if reported[r] || r.VerifyOnly || !catchAll(rt) {
			continue
		}
		reported[r] = true
		for _, q := range s.Routers[:r.Index] {
			if q.VerifyOnly || !takesRemote(q) {
				continue
			}
			if daShadowedBy(s, r) != nil {
				break // EX202 reports DirectAdmin's lookuphost
			}
			if len(q.Conditions) > 0 && len(r.Conditions) > 0 {
				continue // two conditional routers: usually complementary by design
			}
			over := domainsOverlap(q, r)
			if over != Yes {
				continue
			}
			fd, _, ok := s.AtPos(r.Driver.NamePos, len(r.Name))
			if !ok {
				continue
			}
			fd.Message = fmt.Sprintf("smarthost router %s comes after %s router %s (line %d), which already takes the same remote domains: mail is delivered directly and %s is never used", r.Name, q.Type, q.Name, q.Driver.NamePos.Line, r.Name)
			if !unconditional(q) {
				fd.Severity = lint.SeverityWarning
				fd.Message = fmt.Sprintf("smarthost router %s comes after %s router %s (line %d), which takes remote domains whenever its preconditions hold: %s is reached only when they fail", r.Name, q.Type, q.Name, q.Driver.NamePos.Line, r.Name)
			}
			fd.Hint = fmt.Sprintf("move router %s above %s", r.Name, q.Name)
			p.Report(fd)
			break
		}
		if r.Domains == nil && !loopGuard(r) {
			for _, q := range s.Routers[r.Index+1:] {
				if !localDelivery(s, q) {
					continue
				}
				fd, _, ok := s.AtPos(r.Driver.NamePos, len(r.Name))
				if !ok {
					break
				}
				fd.Severity = lint.SeverityWarning
				fd.Message = fmt.Sprintf("smarthost router %s has no domains condition and comes before local delivery router %s (line %d): mail for local users is relayed to the smarthost too", r.Name, q.Name, q.Driver.NamePos.Line)
				fd.Hint = "add `domains = ! +local_domains` to " + r.Name + " (or move it after the local routers)"
				p.Report(fd)
				break
			}
		}
	}
}

// loopGuard reports whether a router keeps mail that comes back from the
// smarthost's own servers out, as the seed's DirectAdmin "Force Local
// deliveries though a smarthost" router does with
// `condition = ${if !inlist{$sender_host_address}{<; IP1 ; IP2}}`: relaying
// local mail through the smarthost is then the point, not an accident.
func loopGuard(r *Router) bool {
	for _, c := range r.Conditions {
		v := strings.Join(strings.Fields(c.Value.S), "")
		for _, g := range []string{"!inlist{$sender_host_address}{", "!match_ip{$sender_host_address}{", "!eq{$sender_host_address}{"} {
			if i := strings.Index(v, g); i >= 0 && i+len(g) < len(v) && v[i+len(g)] != '}' {
				return true
			}
		}
	}
	return false
}

// catchAll reports whether a route takes every domain ("*" or $domain).
func catchAll(rt *Route) bool {
	if rt.Rule == nil {
		return true
	}
	switch rt.Rule.Pattern {
	case "*", "$domain", "${domain}", "":
		return true
	}
	return false
}

// takesRemote reports whether a router delivers remote domains directly
// (dnslookup: MX lookup and delivery to the domain's own servers).
func takesRemote(q *Router) bool {
	return q.Type == "dnslookup"
}

// unconditional reports whether a router has no precondition besides
// domains.
func unconditional(q *Router) bool {
	return q.Senders == nil && len(q.Conditions) == 0 && q.RequireFiles == nil && q.LocalParts == nil &&
		q.Option("check_local_user") == nil
}

// domainsOverlap tells whether q can take domains r is meant for.
func domainsOverlap(q, r *Router) Tri {
	qd, rd := "", ""
	if q.Domains != nil {
		qd = strings.Join(strings.Fields(q.Domains.Value.S), "")
	}
	if r.Domains != nil {
		rd = strings.Join(strings.Fields(r.Domains.Value.S), "")
	}
	switch {
	case qd == "" || qd == rd:
		return Yes
	case rd == "" && strings.HasPrefix(qd, "!") && !strings.Contains(qd[1:], ":"):
		// q takes "all but the local domains", r every domain: q takes
		// every remote one first.
		return Yes
	}
	return Maybe
}

// localDelivery reports whether a router delivers to local mailboxes or
// expands local aliases.
func localDelivery(s *Setup, q *Router) bool {
	if q.Option("check_local_user") != nil {
		return true
	}
	switch q.Type {
	case "redirect":
		return true
	case "accept":
		return q.Transport != nil && q.Transport.Type != "smtp"
	}
	return false
}
