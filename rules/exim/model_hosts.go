package exim

import (
	"net/netip"
	"strings"

	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// hostMatchOf parses a host-list value (without an option).
func hostMatchOf(v string) *HostMatch {
	l, _ := ex.ParseList(v)
	return &HostMatch{List: l}
}

// Set reports whether the option is set to a non-empty list.
func (h *HostMatch) Set() bool { return h != nil && h.List != nil && len(h.List.Items) > 0 }

// Matches tells whether host (a name or address as written in the route)
// matches the list, the way match.c tests host lists (ch. 10.13): items are
// tried in order and the first match decides, a negated match means "no".
// "*" and the same name (case-insensitive) match; "*.suffix" matches by
// name; an address matches only the same address. Everything Exim decides
// with DNS or at run time (another name, which may resolve to the host's
// address; an address item against a name; +lists, lookups, regexes,
// expansions) answers Maybe, unless a later certain item decides first.
func (h *HostMatch) Matches(host string) Tri {
	if !h.Set() {
		return No
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	hostAddr, hostErr := netip.ParseAddr(host)
	isAddr := hostErr == nil
	return evalList(h.List.Items, func(it *ex.ListItem) Tri {
		body := strings.ToLower(strings.TrimSpace(it.Body))
		var m Tri
		switch {
		case body == "":
			m = No // an empty item matches only an empty host name
		case body == "*":
			m = Yes
		case it.Named != "" || it.Lookup != nil || strings.HasPrefix(body, "^") || strings.ContainsAny(body, "$"):
			m = Maybe
		case strings.HasPrefix(body, "*"):
			if isAddr {
				m = Maybe
			} else if strings.HasSuffix(host, body[1:]) {
				m = Yes
			}
		default:
			if pfx, err := netip.ParsePrefix(body); err == nil {
				switch {
				case isAddr && pfx.Contains(hostAddr):
					m = Yes
				case !isAddr:
					m = Maybe
				}
				break
			}
			if a, err := netip.ParseAddr(body); err == nil {
				switch {
				case isAddr && a == hostAddr:
					m = Yes
				case !isAddr:
					m = Maybe
				}
				break
			}
			switch {
			case body == host:
				m = Yes
			case strings.Contains(body, "/") || strings.Contains(body, "@"):
				m = Maybe
			default:
				m = Maybe // another name: equal if it resolves to the host's address
			}
		}
		return m
	})
}

// evalList evaluates an Exim list item by item (spec ch. 10): the first
// item that matches decides, a negated one by not matching; an item whose
// outcome is unknown makes every later decision unknown.
func evalList(items []*ex.ListItem, match func(*ex.ListItem) Tri) Tri {
	res := No
	for _, it := range items {
		switch match(it) {
		case Yes:
			if it.Negated {
				if res == Maybe {
					return Maybe
				}
				return No
			}
			if res == Maybe {
				return Maybe
			}
			return Yes
		case Maybe:
			res = Maybe
		}
	}
	// A list that ends in a negated item matches everything the list
	// did not decide ("! +local_domains" takes every remote domain):
	// [exp 4.96 -be] match_domain{a.test}{!b.test} is true,
	// match_domain{a.test}{!b.test : c.test} false.
	if n := len(items); n > 0 && items[n-1].Negated && res == No {
		return Yes
	}
	return res
}

// MatchesAll combines Matches over the hosts of a route: Yes when every
// host matches, No when any certainly does not, else Maybe. No hosts give
// Maybe (the route's hosts are not known), except for an unset list (No)
// and "*" alone (Yes).
func (h *HostMatch) MatchesAll(hosts []RouteHost) Tri {
	if !h.Set() {
		return No
	}
	if len(hosts) == 0 {
		return h.Matches("unknown.invalid")
	}
	res := Yes
	for _, rh := range hosts {
		switch h.Matches(rh.Name) {
		case No:
			return No
		case Maybe:
			res = Maybe
		}
	}
	return res
}
