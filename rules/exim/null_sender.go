package exim

import (
	"fmt"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
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
			v := strings.Join(strings.Fields(c.Value.S), "")
			if !strings.Contains(v, "!eq{$sender_address}{}") || !strings.Contains(v, "!eq{$sender_host_address}{}") || !strings.Contains(v, "or{") {
				continue
			}
			var next *Router
			for _, q := range s.Routers[r.Index+1:] {
				if q.Remote() && !q.VerifyOnly {
					next = q
					break
				}
			}
			fd, _, ok := s.AtValue(c)
			if !ok {
				continue
			}
			if next != nil {
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
