package exim

import (
	"fmt"
	"path"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// daStockTransports are the smtp transports of DirectAdmin's own
// exim.conf ("SpamBlockerTechnology" 4.5.x).
var daStockTransports = map[string]bool{"remote_smtp": true, "remote_smtp_forward_transport": true}

// isDirectAdmin reports whether the unit is a DirectAdmin installation:
// the frontend saw the SpamBlocker header or /usr/local/directadmin, or the
// unit is one of DirectAdmin's include files linted alone (their names,
// exim.routers.pre.conf and the like, exist only there).
func isDirectAdmin(s *Setup) bool {
	return s.DirectAdmin != nil || (s.Part != "" && s.Root != nil && isPartName(path.Base(s.Root.Path)))
}

// checkDirectAdminEdits is EX201. DirectAdmin's exim.conf is replaced by
// CustomBuild (`./build exim_conf`, observed in DirectAdmin's public
// scripts, not a documented policy), while the files it includes
// survive: /etc/exim.routers.pre.conf (after `begin routers`, before
// lookuphost), /etc/exim.transports.pre.conf and
// /etc/exim.authenticators.post.conf.
func checkDirectAdminEdits(p *lint.Pass) {
	s := setupOf(p)
	if s == nil || s.DirectAdmin == nil || s.Part != "" || path.Base(s.Config.Path) != "exim.conf" {
		return
	}
	main := s.Config.Path
	const why = "DirectAdmin's CustomBuild replaces /etc/exim.conf on updates (./build exim_conf), while the files it includes are kept"
	for _, r := range smarthostRouters(s) {
		if definedIn(r.Driver, main) {
			reportDriver(p, s, r.Driver, 0,
				fmt.Sprintf("smarthost router %s is written in /etc/exim.conf: %s", r.Name, why),
				"move it to /etc/exim.routers.pre.conf, which exim.conf includes right after `begin routers`, before lookuphost")
		}
	}
	for _, t := range smarthostTransports(s) {
		if definedIn(t.Driver, main) && !daStockTransports[t.Name] {
			reportDriver(p, s, t.Driver, 0,
				fmt.Sprintf("smarthost transport %s is written in /etc/exim.conf: %s", t.Name, why),
				"move it to /etc/exim.transports.pre.conf, which exim.conf includes right after `begin transports`")
		}
	}
	for _, a := range s.ClientAuthenticators() {
		if definedIn(a.Driver, main) {
			reportDriver(p, s, a.Driver, 0,
				fmt.Sprintf("client authenticator %s is written in /etc/exim.conf: %s", a.Name, why),
				"move it to /etc/exim.authenticators.post.conf, which exim.conf includes after its own authenticators")
		}
	}
}

// checkDirectAdminLimits is EX203: DirectAdmin enforces its sending
// limits with `condition = "${perl{check_limits}}"` on its own remote
// routers; a smarthost router before them without it bypasses them.
func checkDirectAdminLimits(p *lint.Pass) {
	s := setupOf(p)
	if s == nil || !isDirectAdmin(s) {
		return
	}
	for _, r := range smarthostRouters(s) {
		limited := false
		for _, c := range r.Conditions {
			if strings.Contains(c.Value.S, "check_limits") {
				limited = true
			}
		}
		if !limited {
			reportDriver(p, s, r.Driver, 0,
				fmt.Sprintf("smarthost router %s has no condition = \"${perl{check_limits}}\": mail it routes bypasses DirectAdmin's per-user and per-domain sending limits", r.Name),
				"add condition = \"${perl{check_limits}}\" to the router (as the seed's DirectAdmin router has), unless the limits should not apply to smarthost mail")
		}
	}
}
