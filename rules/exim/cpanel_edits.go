package exim

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// cpanelStockTransports are the smtp transports cPanel's own template
// defines; a smarthost router may use them without anything having been
// edited into exim.conf.
var cpanelStockTransports = map[string]bool{"remote_smtp": true, "dkim_remote_smtp": true}

// checkCpanelEdits is EX101. cPanel KB "How to Edit the exim.conf File":
// "Any edits that you make directly to the /etc/exim.conf file will only
// work temporarily" — the file is rebuilt from exim.conf.local. A driver
// of the smarthost setup that is in exim.conf but in no block of
// exim.conf.local disappears at the next rebuild.
func checkCpanelEdits(p *lint.Pass) {
	s := setupOf(p)
	if s == nil || s.Cpanel == nil || s.Cpanel.Generated == nil {
		return
	}
	gen := s.Cpanel.Generated
	inGenerated := func(d *ex.Driver) bool { return d != nil && s.FileOf(d.NamePos) == gen }
	routelist, builtinAuth := cpanelBuiltinSmarthost(s.Cpanel.LocalOpts)
	const why = "cPanel rebuilds /etc/exim.conf from /etc/exim.conf.local (WHM save, cPanel updates, buildeximconf), so this block disappears at the next rebuild"
	for _, r := range smarthostRouters(s) {
		if !inGenerated(r.Driver) || cpanelLocalDriver(s, "routers", r.Name) != nil || fromRoutelist(s, r, routelist) {
			continue
		}
		reportDriver(p, s, r.Driver, 0,
			fmt.Sprintf("smarthost router %s is written in /etc/exim.conf but not in /etc/exim.conf.local: %s", r.Name, why),
			"add it in WHM » Exim Configuration Manager » Advanced Editor under \"Section: ROUTERSTART\" (or \"POSTMAILCOUNT\" to keep the hourly limits), which writes /etc/exim.conf.local")
	}
	for _, t := range smarthostTransports(s) {
		if cpanelStockTransports[t.Name] || !inGenerated(t.Driver) || cpanelLocalDriver(s, "transports", t.Name) != nil {
			continue
		}
		reportDriver(p, s, t.Driver, 0,
			fmt.Sprintf("smarthost transport %s is written in /etc/exim.conf but not in /etc/exim.conf.local: %s", t.Name, why),
			"add it in WHM's Advanced Editor under \"Section: TRANSPORTSTART\", which writes /etc/exim.conf.local")
	}
	if builtinAuth {
		return
	}
	for _, a := range s.ClientAuthenticators() {
		if !inGenerated(a.Driver) || cpanelLocalDriver(s, "authenticators", a.Name) != nil {
			continue
		}
		reportDriver(p, s, a.Driver, 0,
			fmt.Sprintf("client authenticator %s is written in /etc/exim.conf but not in /etc/exim.conf.local: %s", a.Name, why),
			"add it in WHM's Advanced Editor under \"Section: AUTH\", which writes /etc/exim.conf.local")
	}
}

// cpanelLocalDriver returns the driver of that section and name defined in
// a block of exim.conf.local, or nil.
func cpanelLocalDriver(s *Setup, section, name string) *ex.Driver {
	if s.Cpanel == nil {
		return nil
	}
	for _, b := range s.Cpanel.Blocks {
		if b.Config == nil {
			continue
		}
		if d := sectionDriver(b.Config, section, name); d != nil {
			return d
		}
	}
	return nil
}

// sectionDriver finds a driver by section and name in a parsed config.
func sectionDriver(c *ex.Config, section, name string) *ex.Driver {
	if sec := c.Section(section); sec != nil {
		return sec.Driver(name)
	}
	return nil
}

// cpanelBuiltinSmarthost reads cPanel's own smarthost settings from
// exim.conf.localopts (WHM Basic Editor: smarthost_routelist,
// smarthost_username): cPanel generates those routers and authenticators
// itself, so they are not hand edits.
func cpanelBuiltinSmarthost(f *lint.File) (routelist string, auth bool) {
	if f == nil {
		return "", false
	}
	sc := bufio.NewScanner(bytes.NewReader(f.Src))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "smarthost_routelist":
			routelist = strings.TrimSpace(v)
		case "smarthost_username":
			auth = strings.TrimSpace(v) != ""
		}
	}
	return routelist, auth
}

// fromRoutelist reports whether a router sends to a host named in cPanel's
// smarthost_routelist setting (so cPanel generated it).
func fromRoutelist(s *Setup, r *Router, routelist string) bool {
	if routelist == "" {
		return false
	}
	for _, rt := range s.Routes {
		if rt.Router != r {
			continue
		}
		for _, h := range rt.Hosts {
			if h.Name != "" && strings.Contains(strings.ToLower(routelist), strings.ToLower(h.Name)) {
				return true
			}
		}
	}
	return false
}

// cpanelLimitRouter is the router of cPanel's template that counts mail
// against the per-domain hourly limits; routers before it bypass them.
const cpanelLimitRouter = "increment_max_emails_per_hour_if_needed"

// checkCpanelLimits is EX103. The seed: "If you are looking to use the
// cPanel outgoing hourly domain limits options, please add the above
// configuration in the "Section: POSTMAILCOUNT" section instead". Routers
// under ROUTERSTART or PREROUTERS come before the counting router.
func checkCpanelLimits(p *lint.Pass) {
	s := setupOf(p)
	if s == nil || s.Cpanel == nil {
		return
	}
	smart := map[string]bool{}
	for _, r := range smarthostRouters(s) {
		smart[r.Name] = true
	}
	if len(smart) == 0 {
		return
	}
	const msg = "smarthost router %s is under @%s@, which cPanel inserts before its %s router: mail it routes is not counted, so the per-domain hourly limits (\"Maximum Hourly Email by Domain Relayed\") do not apply to it"
	const hint = "if the limits should apply to smarthost mail, move the smarthost routers from \"Section: %s\" to \"Section: POSTMAILCOUNT\" in WHM's Advanced Editor"
	inLocal := map[string]bool{}
	for _, b := range s.Cpanel.Blocks {
		if b.Config == nil {
			continue
		}
		first := true
		for _, d := range b.Config.Drivers("routers") {
			inLocal[d.Name] = true
			if first && smart[d.Name] && (b.Marker == "ROUTERSTART" || b.Marker == "PREROUTERS") {
				first = false
				reportDriver(p, s, d, 0, fmt.Sprintf(msg, d.Name, b.Marker, cpanelLimitRouter), fmt.Sprintf(hint, b.Marker))
			}
		}
	}
	// Routers only in the generated exim.conf: judge them by their order.
	limit := s.Router(cpanelLimitRouter)
	if limit == nil {
		return
	}
	for _, r := range s.Routers {
		if r.Index < limit.Index && smart[r.Name] && !inLocal[r.Name] {
			reportDriver(p, s, r.Driver, 0,
				fmt.Sprintf("smarthost router %s comes before cPanel's %s router: mail it routes is not counted, so the per-domain hourly limits do not apply to it", r.Name, cpanelLimitRouter),
				fmt.Sprintf(hint, "ROUTERSTART"))
			return
		}
	}
}
