package exim

import (
	"fmt"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// needsTransport are the router drivers Exim refuses without a transport
// (`a transport is required for this router` [exp 4.96 -bV]).
var needsTransport = map[string]bool{"accept": true, "dnslookup": true, "ipliteral": true}

// checkRouterTransport is EX017: a router's transport is looked up only
// at routing time (rf_get_transport.c): `exim -bV` accepts a name that
// no transport has, and every delivery then defers with `transport "x"
// not found in y router` [exp]. Route_list rules may name a transport
// too (ch. 20.3). A router of a driver that needs a transport and has
// none is refused at startup.
func checkRouterTransport(p *lint.Pass) {
	s := setupOf(p)
	if s == nil || s.Part != "" {
		return
	}
	names := make([]string, 0, len(s.Transports))
	for _, t := range s.Transports {
		names = append(names, t.Name)
	}
	for _, r := range s.Routers {
		if r.TransportOpt != nil && r.Transport == nil && !isExpanded(r.TransportName) {
			if fd, _, ok := s.AtValue(r.TransportOpt); ok {
				fd.Message = fmt.Sprintf("transport %q not found: router %s names a transport that is not defined; Exim starts, then defers every message this router takes", r.TransportName, r.Name)
				fd.Hint = hintTransport(r.TransportName, names)
				p.Report(fd)
			}
		}
		for _, rule := range r.Rules {
			if rule.TransportName == "" || s.Transport(rule.TransportName) != nil {
				continue
			}
			i := len(rule.Options) - 1
			for j, w := range rule.Options {
				if w == rule.TransportName {
					i = j
				}
			}
			if fd, _, ok := s.At(r.RouteList.Value, rule.OptionStart[i], rule.OptionStart[i]+len(rule.TransportName)); ok {
				fd.Message = fmt.Sprintf("%q in route_list of router %s is neither a routing option nor a defined transport: routing fails for these domains", rule.TransportName, r.Name)
				fd.Hint = hintTransport(rule.TransportName, names)
				p.Report(fd)
			}
		}
		if r.TransportOpt == nil && needsTransport[r.Type] {
			if fd, f, ok := s.AtPos(r.Driver.NamePos, len(r.Name)); ok && !s.hasError(f, fd.Start.Line) {
				fd.Message = fmt.Sprintf("%s router %s has no transport: Exim refuses the configuration (a transport is required for this router)", r.Type, r.Name)
				fd.Hint = "add `transport = remote_smtp` (or the name of your smtp transport)"
				p.Report(fd)
			}
		}
	}
}

func hintTransport(name string, names []string) string {
	if c := nearest(name, names); len(c) > 0 {
		return fmt.Sprintf("did you mean %q? Otherwise define transport %s in `begin transports`", c[0], name)
	}
	return fmt.Sprintf("define transport %s in `begin transports`, or name one of the existing transports", name)
}
