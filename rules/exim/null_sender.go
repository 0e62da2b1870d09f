package exim

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// checkNullSender is EX016: the seed's
// `condition = ${if or {{!eq{$sender_address}{}} {!eq{$sender_host_address}{}}}}`
// ("Exclude null sender messages") is true unless the sender is empty
// and the message was generated locally, so only local bounces skip the
// smarthost router. A failed condition is a precondition failure, and
// "the setting of more does not affect the behaviour if one of the
// precondition tests fails" (spec ch. 15): those bounces go to the next
// router — delivered directly by a later dnslookup router (info), or
// unroutable when there is none (warning).
func checkNullSender(p *lint.Pass) {
	s := setupOf(p)
	if s == nil || s.Part != "" {
		return
	}
	for _, r := range s.Routers {
		if !r.Remote() {
			continue
		}
		for _, c := range r.Conditions {
			if !nullSenderCondition(c.Value.S) {
				continue
			}
			// The next remote router that takes the bounce: one with the
			// same condition (cPanel's smarthost_dkim/smarthost_regular
			// pair) skips it too.
			// Prefer a router open to any remote domain (no domains, or a
			// list ending in a negation such as "! +local_domains") over
			// one for listed domains only (cPanel's manualmx, domains =
			// lsearch;/etc/manualmx), which takes few bounces.
			// Among those, one without conditions is where most of them
			// end up (cPanel's lookuphost after its conditional dkim_* and
			// autoreply_* routers).
			var next, open, listed *Router
			for _, q := range s.Routers[r.Index+1:] {
				if !q.Remote() || q.VerifyOnly || hasNullSenderCondition(q) {
					continue
				}
				switch {
				case openDomains(q) && len(q.Conditions) == 0:
					next = q
				case openDomains(q) && open == nil:
					open = q
				case listed == nil:
					listed = q
				}
				if next != nil {
					break
				}
			}
			if next == nil {
				next = cmp.Or(open, listed)
			}
			if next == nil && earlierRemote(s, r) != nil {
				// A remote router before this one takes remote mail, bounces
				// included (DirectAdmin's lookuphost when the seed's router
				// is appended after it): they never get here, and that this
				// router is not reached is EX013's / EX202's finding.
				continue
			}
			fd, _, ok := s.AtValue(c)
			if !ok {
				continue
			}
			if next == nil && s.Fragment() {
				// A lone exim.conf.local: cPanel's generated exim.conf
				// follows every router block with its own remote routers
				// (dkim_lookuphost, lookuphost), so bounces go there.
				fd.Severity = lint.SeverityInfo
				fd.Message = fmt.Sprintf("this condition skips router %s only for locally generated bounces (empty sender, no sending host); they go on to the remote routers of the generated exim.conf and are delivered directly, not through the smarthost", r.Name)
				fd.Hint = "fine if direct delivery of bounces is acceptable; otherwise remove the condition"
			} else if next != nil {
				fd.Severity = lint.SeverityInfo
				fd.Message = fmt.Sprintf("this condition skips router %s only for locally generated bounces (empty sender, no sending host); they go to router %s (line %d) and are delivered directly, not through the smarthost", r.Name, next.Name, next.Driver.NamePos.Line)
				fd.Hint = "fine if direct delivery of bounces is acceptable; otherwise remove the condition"
			} else {
				fd.Message = fmt.Sprintf("this condition skips router %s for locally generated bounces (empty sender, no sending host), and no later router delivers remote mail: those bounces cannot be routed", r.Name)
				fd.Hint = "remove the condition, or keep a dnslookup router after " + r.Name + " for bounces"
			}
			p.Report(fd)
		}
	}
}

// nullSenderCondition reports whether a condition is the seed's
// ${if or {{!eq{$sender_address}{}} {!eq{$sender_host_address}{}}}}.
func nullSenderCondition(v string) bool {
	v = strings.Join(strings.Fields(v), "")
	return strings.Contains(v, "!eq{$sender_address}{}") && strings.Contains(v, "!eq{$sender_host_address}{}") && strings.Contains(v, "or{")
}

func hasNullSenderCondition(r *Router) bool {
	for _, c := range r.Conditions {
		if nullSenderCondition(c.Value.S) {
			return true
		}
	}
	return false
}

// earlierRemote returns a remote router before r that takes any remote
// domain without the null-sender condition, or nil.
func earlierRemote(s *Setup, r *Router) *Router {
	for _, q := range s.Routers[:r.Index] {
		if !q.Remote() || q.VerifyOnly || hasNullSenderCondition(q) {
			continue
		}
		if q.Domains == nil || s.matchDomain(q.Domains.Value.S, otherDomain, 0) != No {
			return q
		}
	}
	return nil
}

// openDomains reports whether a router's domains condition is absent or
// ends in a negated item, so it takes any domain the list does not name.
func openDomains(r *Router) bool {
	if r.Domains == nil {
		return true
	}
	l, _ := ex.ParseList(r.Domains.Value.S)
	return len(l.Items) > 0 && l.Items[len(l.Items)-1].Negated
}
