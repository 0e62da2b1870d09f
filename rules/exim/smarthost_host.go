package exim

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// hostName is a name Exim 4.96 hands to the resolver: its default
// dns_check_names_pattern (`exim -bP dns_check_names_pattern`) is
// (?i)^(?>(?(1)\.|())[^\W](?>[a-z0-9/_-]*[^\W])?)+(\.?)$ — labels of
// letters, digits and underscores at both ends, '/', '_' and '-' inside.
var hostName = lazyRegexp(`^(?i)[a-z0-9_]([a-z0-9/_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9/_-]*[a-z0-9_])?)*\.?$`)

// placeholderHosts are the seed's stand-ins for the smarthost name
// (RULES.md §6 GEN001).
var placeholderHosts = map[string]bool{"smarthost": true, "smarthost1": true, "smarthost2": true, "relayhosthere": true, "ipserver1": true, "ipserver2": true}

// checkSmarthostHost is EX011: a route_list host that cannot resolve
// makes manualroute apply host_find_failed, whose default "freeze"
// "assumes that this state is a serious configuration error" — mail is
// frozen, not bounced (spec ch. 20; [exp] `lookup of host "**SMARTHOST**"
// failed`). With --smarthost, routes to another host are reported too.
func checkSmarthostHost(p *lint.Pass) {
	s := setupOf(p)
	if s == nil {
		return
	}
	var found bool
	var first *RouteHost
	for _, rt := range s.Routes {
		for i := range rt.Hosts {
			h := &rt.Hosts[i]
			if h.Item == nil || h.Item.Digits || isExpanded(h.Item.Item.Value) || h.Colon() {
				continue
			}
			if first == nil {
				first = h
			}
			if p.Settings.Smarthost != "" && sameHost(h.Name, p.Settings.Smarthost) {
				found = true
			}
			problem := ""
			switch {
			case strings.Contains(h.Name, "**") || placeholderHosts[strings.ToLower(h.Name)]:
				problem = "is a placeholder from the setup guide"
			case validHost(h.Name):
				continue
			default:
				problem = "is not a valid host name or address (Exim does not look it up in the DNS; only an /etc/hosts entry could resolve it)"
			}
			fd, _, ok := s.At(h.In.Value, h.Start, h.End)
			if !ok {
				continue
			}
			fd.Message = fmt.Sprintf("smarthost %q %s: the lookup fails and router %s applies host_find_failed = %s", h.Name, problem, rt.Router.Name, rt.Router.HostFindFailed)
			if rt.Router.HostFindFailed == "freeze" {
				fd.Message += " (the default): every message is frozen in the queue"
			}
			fd.Hint = "write the smarthost's real host name, e.g. route_list = * smtp.provider.example::587"
			p.Report(fd)
		}
	}
	if p.Settings.Smarthost != "" && !found && first != nil {
		if fd, _, ok := s.At(first.In.Value, first.Start, first.End); ok {
			fd.Message = fmt.Sprintf("mail is routed to %s, not to the expected smarthost %s", first.Name, p.Settings.Smarthost)
			fd.Hint = fmt.Sprintf("route_list = * %s::%d", p.Settings.Smarthost, p.Settings.Port)
			p.Report(fd)
		}
	}
}

// Colon reports whether the host item kept a colon in its name (EX009's
// business).
func (h *RouteHost) Colon() bool { return h.Item != nil && h.Item.Colon && !isIPv6(h.Name) }

func validHost(h string) bool {
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	return hostName().MatchString(h)
}

// sameHost compares host names as Exim does (case-insensitively, a final
// dot ignored), and a --smarthost given as host:port or [host].
func sameHost(a, b string) bool {
	norm := func(h string) string {
		h = strings.TrimPrefix(h, "[")
		if i := strings.IndexByte(h, ']'); i >= 0 {
			h = h[:i]
		} else if strings.Count(h, ":") == 1 {
			h, _, _ = strings.Cut(h, ":")
		}
		return strings.ToLower(strings.TrimSuffix(h, "."))
	}
	return norm(a) == norm(b)
}
