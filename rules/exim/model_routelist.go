package exim

import (
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// routeOptionWords are the keywords manualroute accepts after a rule's
// host list (ch. 20.3); any other word names a transport.
var routeOptionWords = map[string]bool{
	"byname": true, "bydns": true, "randomize": true, "no_randomize": true,
	"ipv4_prefer": true, "ipv6_prefer": true, "ipv4_only": true, "ipv6_only": true,
}

// parseRouteList splits route_list with the sub-language parser
// (ex.ParseRouteList: rules split at ';', ";;" a literal semicolon, then
// string_dequote for the pattern and the host list, as manualroute.c).
func parseRouteList(v string) []*RouteRule {
	rl, _ := ex.ParseRouteList(v)
	var rules []*RouteRule
	for _, r := range rl.Rules {
		if !r.Domain.Present {
			continue
		}
		rules = append(rules, routeRule(r, len(rules)))
	}
	return rules
}

// parseRouteData reads a literal route_data value: `hosts options`.
func parseRouteData(v string) *RouteRule {
	r, _ := ex.ParseRoute(v, false)
	return routeRule(r, 0)
}

func routeRule(r *ex.Route, index int) *RouteRule {
	rr := &RouteRule{
		Index:   index,
		Pattern: r.Domain.Text, PatternStart: r.Domain.Start, PatternEnd: r.Domain.End,
		HostText: r.Hosts.Text, HostStart: r.Hosts.Start, HostEnd: r.Hosts.End,
		Quoted: r.Hosts.Quoted, Unclosed: r.Hosts.Unclosed || r.Domain.Unclosed,
		Hosts: r.HostList,
	}
	if rr.Hosts == nil {
		rr.Hosts = &ex.HostList{List: &ex.List{Sep: ':'}}
	}
	for _, o := range r.Options {
		rr.Options = append(rr.Options, o.Text)
		rr.OptionStart = append(rr.OptionStart, o.Start)
		if !routeOptionWords[o.Text] && rr.TransportName == "" {
			rr.TransportName = o.Text
		}
	}
	return rr
}

// HostOffset maps an offset of Hosts (already an offset in the option
// value string) to the option value string.
func (r *RouteRule) HostOffset(i int) int { return i }
