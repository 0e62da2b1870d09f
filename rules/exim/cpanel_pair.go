package exim

import (
	"fmt"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// pairSettings are the transport options that decide how mail reaches the
// smarthost; the DKIM and the regular transport of the seed's cPanel pair
// must agree on them, or TLS/AUTH depend on whether the sender's domain
// has a DKIM key.
var pairSettings = []string{"hosts_require_tls", "hosts_require_auth", "hosts_try_auth", "port", "protocol"}

// checkCpanelPair is EX104: the seed's smarthost_dkim (require_files on
// the domain's key, signing transport remote_smtp_smart_dkim) and
// smarthost_regular (remote_smtp_smart_regular) must form a consistent
// pair. A router whose transport is missing is EX017.
func checkCpanelPair(p *lint.Pass) {
	s := setupOf(p)
	if s == nil {
		return
	}
	var dkim, regular []*Router
	for _, r := range smarthostRouters(s) {
		if r.Transport == nil {
			continue
		}
		if transportDriver(s, r.Transport).Option("dkim_private_key") != nil {
			dkim = append(dkim, r)
		} else {
			regular = append(regular, r)
		}
	}
	for _, r := range dkim {
		d := routerDriver(s, r)
		if d.Option("require_files") == nil {
			// [exp] Exim 4.96: without require_files the DKIM transport
			// logs "unable to open file for reading" for a domain without
			// a key and delivers unsigned; the regular router is unused.
			reportDriver(p, s, d, lint.SeverityWarning,
				fmt.Sprintf("DKIM smarthost router %s has no require_files: it takes all remote mail, so the regular smarthost router is never used and mail from domains without a DKIM key goes out unsigned, with \"unable to open file for reading\" logged for each message", r.Name),
				`add require_files = "+/var/cpanel/domain_keys/private/${sender_address_domain}" as in the seed`)
			continue
		}
		if !routerAfter(regular, r) {
			reportDriver(p, s, d, 0,
				fmt.Sprintf("DKIM smarthost router %s has no regular smarthost router after it: mail from domains without a DKIM key skips it and goes to the next routers (cPanel's lookuphost delivers it directly, not via the smarthost)", r.Name),
				"add the seed's smarthost_regular router (transport remote_smtp_smart_regular) right after it")
		}
	}
	seen := map[[2]*Transport]bool{}
	for _, rd := range dkim {
		for _, rr := range regular {
			pair := [2]*Transport{rd.Transport, rr.Transport}
			if rd.Transport == rr.Transport || seen[pair] {
				continue
			}
			seen[pair] = true
			comparePair(p, s, rd.Transport, rr.Transport)
		}
	}
}

// comparePair reports the settings on which two transports of the pair
// differ, on the transport with the weaker (unset) setting.
func comparePair(p *lint.Pass, s *Setup, a, b *Transport) {
	da, db := transportDriver(s, a), transportDriver(s, b)
	diffs := map[*Transport][]string{}
	for _, name := range pairSettings {
		va, vb := optionText(da, name), optionText(db, name)
		if va == vb {
			continue
		}
		weak, strong, ws, ss := b, a, vb, va
		if va == "" {
			weak, strong, ws, ss = a, b, va, vb
		}
		if strings.HasSuffix(name, "_auth") && hasClientAuth(s) && commentedAuthLine(s, weak) != nil {
			continue // EX105 reports the commented line
		}
		diffs[weak] = append(diffs[weak], fmt.Sprintf("%s (%s here, %s in %s)", name, shown(ws), shown(ss), strong.Name))
	}
	for _, t := range []*Transport{a, b} {
		if len(diffs[t]) == 0 {
			continue
		}
		reportDriver(p, s, transportDriver(s, t), 0,
			fmt.Sprintf("smarthost transport %s differs from its DKIM/regular twin in %s: whether TLS and AUTH are used then depends on whether the sender's domain has a DKIM key", t.Name, strings.Join(diffs[t], ", ")),
			"give remote_smtp_smart_dkim and remote_smtp_smart_regular the same hosts_require_tls, hosts_require_auth/hosts_try_auth, port and protocol")
	}
}

func shown(v string) string {
	if v == "" {
		return "unset"
	}
	return v
}

// optionText is an option's value as written ("" when unset).
func optionText(d *ex.Driver, name string) string {
	if o := d.Option(name); o != nil {
		return strings.TrimSpace(o.Value.S)
	}
	return ""
}

func routerAfter(rs []*Router, r *Router) bool {
	for _, x := range rs {
		if x.Index > r.Index {
			return true
		}
	}
	return false
}

// transportDriver returns the exim.conf.local copy of a transport when
// there is one (the text the admin edits), else the model's.
func transportDriver(s *Setup, t *Transport) *ex.Driver {
	if d, _ := cpanelLocalTransport(s, t.Name); d != nil {
		return d
	}
	return t.Driver
}

// routerDriver is transportDriver for routers.
func routerDriver(s *Setup, r *Router) *ex.Driver {
	if d := cpanelLocalDriver(s, "routers", r.Name); d != nil {
		return d
	}
	return r.Driver
}
