package exim

import (
	"strings"

	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// Step is one router an address meets in Trace.
type Step struct {
	Router *Router
	// Takes says whether the router handles the address: Yes when its
	// preconditions hold and it accepts, Maybe when that depends on
	// run-time data (conditions, lookups, DNS), No when it is skipped or
	// declines.
	Takes Tri
	Why   string
	// Route is the smarthost route the address takes at this router, if
	// any.
	Route *Route
}

// Trace answers "where does mail to domain go": the routers in chain order
// up to the first one that certainly takes the address (ch. 3.12: routers
// are tried in order, preconditions first). Routers that may take it
// depending on run-time data are included with Takes = Maybe. "@" in a
// domain list is the primary host name: unless primary_hostname says
// otherwise, the traced domain is assumed not to be this host's name.
func (s *Setup) Trace(domain string) []Step {
	var out []Step
	for _, r := range s.Routers {
		st := Step{Router: r}
		st.Takes, st.Why, st.Route = s.takes(r, domain)
		out = append(out, st)
		if st.Takes == Yes || (st.Takes == No && !r.More && st.Why == "declined") {
			break // handled, or declined with no_more: unrouteable
		}
	}
	return out
}

func (s *Setup) takes(r *Router, domain string) (Tri, string, *Route) {
	if r.VerifyOnly {
		return No, "verify_only", nil
	}
	res := Yes
	if r.Domains != nil {
		switch s.matchDomain(r.Domains.Value.S, domain, 0) {
		case No:
			return No, "domains precondition", nil
		case Maybe:
			res = Maybe
		}
	}
	if r.Senders != nil || r.LocalParts != nil || len(r.Conditions) > 0 || r.RequireFiles != nil || r.Option("check_local_user") != nil {
		res = Maybe
	}
	switch r.Type {
	case "manualroute":
		for _, rt := range s.Routes {
			if rt.Router != r {
				continue
			}
			if rt.Rule == nil {
				return res, "route_data", rt
			}
			switch m := matchPattern(rt.Rule.Pattern, domain); m {
			case Yes:
				return res, "route_list rule " + rt.Rule.Pattern, rt
			case Maybe:
				return Maybe, "route_list rule " + rt.Rule.Pattern, rt
			}
		}
		if len(r.Rules) > 0 {
			return No, "declined", nil // no rule matches: the router declines
		}
		return Maybe, "route_data", nil
	case "accept":
		return res, "accept", nil
	case "dnslookup":
		return min(res, Maybe), "if the domain resolves in the DNS", nil
	}
	return min(res, Maybe), r.Type, nil
}

// matchPattern matches a route_list domain pattern (expanded first, so
// $domain matches everything).
func matchPattern(p, domain string) Tri {
	switch p {
	case "*", "$domain", "${domain}":
		return Yes
	}
	return matchDomainItem(p, domain)
}

// matchDomain evaluates a domain list for domain (spec ch. 10.8): the
// first matching item decides; named lists are followed.
func (s *Setup) matchDomain(list, domain string, depth int) Tri {
	if depth > 8 {
		return Maybe
	}
	l, _ := ex.ParseList(list)
	return evalList(l.Items, func(it *ex.ListItem) Tri {
		var m Tri
		switch {
		case it.Named != "":
			nl := s.List("domainlist", it.Named)
			if nl == nil {
				m = Maybe
			} else {
				m = s.matchDomain(nl.Value.S, domain, depth+1)
			}
		case strings.TrimSpace(it.Body) == "@":
			// The primary host name: known when primary_hostname is set;
			// otherwise Trace assumes the domain is not this host's name.
			if o := s.MainOption("primary_hostname"); o != nil && strings.EqualFold(o.Value.S, domain) {
				m = Yes
			}
		default:
			m = matchDomainItem(it.Body, domain)
		}
		return m
	})
}

// matchDomainItem matches one domain-list item: "*", "*suffix", literal
// names (case-insensitive); "@" (the primary host name), lookups, regexes
// and expansions depend on the host or on data: Maybe.
func matchDomainItem(item, domain string) Tri {
	item = strings.ToLower(strings.TrimSpace(item))
	domain = strings.ToLower(domain)
	switch {
	case item == "*":
		return Yes
	case item == "" || item == "@[]" || item == "@mx_any" || strings.HasPrefix(item, "^") ||
		strings.Contains(item, "$") || strings.Contains(item, ";"):
		return Maybe
	case strings.HasPrefix(item, "*"):
		if strings.HasSuffix(domain, item[1:]) {
			return Yes
		}
		return No
	case item == domain:
		return Yes
	}
	return No
}
