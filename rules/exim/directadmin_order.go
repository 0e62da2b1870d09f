package exim

import (
	"fmt"
	"path"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// checkDirectAdminOrder is EX202. Routers are tried "one by one, in
// order" (spec ch. 6.23). DirectAdmin's lookuphost (dnslookup, `domains =
// ! +local_domains`, no_more) accepts every remote domain it can resolve
// and delivers it directly, so a smarthost router after it is reached
// only when lookuphost's preconditions fail ([exp] Exim 4.96 -bt -d+route:
// the address goes to lookuphost, the router after it is never
// considered). The seed's "You MAY have to comment lookuphost" is the
// symptom.
func checkDirectAdminOrder(p *lint.Pass) {
	s := setupOf(p)
	if s == nil || !isDirectAdmin(s) {
		return
	}
	for _, r := range smarthostRouters(s) {
		b := daShadowedBy(s, r)
		if b == nil {
			continue
		}
		where := ""
		if b.Driver.NamePos.IsValid() {
			where = fmt.Sprintf(" (%s line %d)", path.Base(b.Driver.NamePos.File), b.Driver.NamePos.Line)
		}
		hint := "move the router into /etc/exim.routers.pre.conf, which exim.conf includes right after `begin routers`, before lookuphost; do not comment lookuphost out (locally generated bounces would be left without a route, EX016)"
		if path.Base(r.Driver.NamePos.File) == "exim.routers.pre.conf" {
			hint = "put the `.include_if_exists /etc/exim.routers.pre.conf` line back right after `begin routers`, before lookuphost, as DirectAdmin's exim.conf has it"
		}
		reportDriver(p, s, r.Driver, 0,
			fmt.Sprintf("smarthost router %s comes after DirectAdmin's dnslookup router %s%s, which accepts every remote domain it can resolve and delivers it directly: %s is never reached for normal outgoing mail", r.Name, b.Name, where, r.Name),
			hint)
	}
}

// daShadowedBy returns the first dnslookup router for remote domains
// (DirectAdmin's lookuphost, lookuphost_forward_router) that comes
// before r, or nil. EX013 skips the routers EX202 reports.
func daShadowedBy(s *Setup, r *Router) *Router {
	if !isDirectAdmin(s) {
		return nil
	}
	for _, b := range s.Routers {
		if b.Index >= r.Index {
			break
		}
		if b.Type == "dnslookup" && !b.VerifyOnly && remoteDomains(b) {
			return b
		}
	}
	return nil
}
