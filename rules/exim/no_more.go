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
// routing: mail for every other domain bounces as unrouteable.
func checkNoMore(p *lint.Pass) {
	s := setupOf(p)
	if s == nil {
		return
	}
	for _, r := range s.Routers {
		if r.Type != "manualroute" || r.More || r.Domains != nil || len(r.Rules) == 0 {
			continue
		}
		var pats []string
		all := false
		for _, rule := range r.Rules {
			if catchAll(&Route{Rule: rule}) {
				all = true
			}
			pats = append(pats, rule.Pattern)
		}
		if all {
			continue
		}
		o := r.Option("more")
		fd, _, ok := s.AtOption(o)
		if !ok {
			continue
		}
		fd.Message = fmt.Sprintf("router %s has no_more and a route_list only for %s, without a domains condition: mail for any other domain reaches it, is declined, and no_more makes it bounce (Unrouteable address)", r.Name, strings.Join(pats, ", "))
		fd.Hint = fmt.Sprintf("add `domains = %s` so other domains skip the router, or remove no_more", strings.Join(pats, " : "))
		p.Report(fd)
	}
}
