package exim

import (
	"fmt"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// checkNoMore is EX015: with a `domains` precondition "the router is
// skipped if the domain does not match ... Therefore, no_more would have
// no effect" for other domains (spec ch. 20.8), but a route_list whose
// patterns do not match makes the router decline, and no_more then ends
// routing: mail for every other domain bounces as unrouteable. A domains
// condition only helps when it keeps those other domains out: the seed's
// per-domain route_list on a router with `domains = ! +local_domains`
// still bounces every remote domain not in route_list [exp 4.96 -bt:
// "Unrouteable address"].
func checkNoMore(p *lint.Pass) {
	s := setupOf(p)
	if s == nil {
		return
	}
	for _, r := range s.Routers {
		if r.Type != "manualroute" || r.More || len(r.Rules) == 0 {
			continue
		}
		var pats []string
		all := false
		for _, rule := range r.Rules {
			if catchAll(&Route{Rule: rule}) || matchPattern(rule.Pattern, otherDomain) != No {
				all = true
			}
			pats = append(pats, rule.Pattern)
		}
		if all {
			continue
		}
		// Only a domains list that certainly takes a domain the route_list
		// does not name lets such mail in (an open list such as
		// "! +local_domains"); lookups, expansions and lists naming only the
		// route_list domains keep it out.
		if r.Domains != nil && s.matchDomain(r.Domains.Value.S, otherDomain, 0) != Yes {
			continue
		}
		o := r.Option("more")
		fd, _, ok := s.AtOption(o)
		if !ok {
			continue
		}
		cond := "without a domains condition"
		hint := fmt.Sprintf("add `domains = %s` so other domains skip the router, or remove no_more", strings.Join(pats, " : "))
		if r.Domains != nil {
			cond = fmt.Sprintf("and `domains = %s` also lets other domains in", r.Domains.Value.S)
			hint = fmt.Sprintf("write `domains = %s` so other domains skip the router (and go on to the next one), or remove no_more", strings.Join(pats, " : "))
		}
		fd.Message = fmt.Sprintf("router %s has no_more and a route_list only for %s, %s: mail for any other domain reaches it, is declined, and no_more makes it bounce (Unrouteable address)", r.Name, strings.Join(pats, ", "), cond)
		fd.Hint = hint
		p.Report(fd)
	}
}

// otherDomain stands for "a remote domain the route_list does not name"
// (.invalid is reserved, RFC 2606, so no pattern or local domain names it).
const otherDomain = "unlisted-domain.invalid"
