package exim

import (
	"fmt"
	"slices"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// checkSmarthostPort is EX010: the port a smarthost is reached on is the
// host item's own port, which "overrides the port specification on the
// transport" (spec ch. 20.5), else the transport's `port` (default
// "smtp", 25; "smtps", 465, with protocol = smtps — ch. 30). The expected
// port is --port (default 587); 465 with implicit TLS is accepted for the
// default too (RFC 8314 submissions; EX029 checks the TLS mode).
func checkSmarthostPort(p *lint.Pass) {
	s := setupOf(p)
	if s == nil {
		return
	}
	want := p.Settings.Port
	// A transport's port is one finding per router, naming all the hosts
	// it reaches there (Exim's test 0190 has nine hosts on one route).
	type viaPort struct {
		rt    *Route
		port  int
		hosts []string
	}
	var byPort []*viaPort
	for _, rt := range s.Routes {
		var vp *viaPort
		for _, h := range rt.Hosts {
			if !h.PortKnown || h.Port == want || h.Item == nil || h.Item.Digits {
				continue
			}
			if want == 587 && h.Port == 465 && rt.Transport != nil && (rt.Transport.Protocol == "smtps" || rt.Transport.Protocol == "submissions") {
				continue
			}
			if p.Settings.Smarthost != "" && !sameHost(h.Name, p.Settings.Smarthost) {
				continue
			}
			var fd lint.Finding
			var ok bool
			tname := "(none)"
			if rt.Transport != nil {
				tname = rt.Transport.Name
			}
			switch {
			case h.PortFromList:
				fd, _, ok = s.At(h.In.Value, h.Start, h.End)
				fd.Message = fmt.Sprintf("mail to %s goes to port %d (written in %s of router %s), not %d", h.Name, h.Port, h.In.Name, rt.Router.Name, want)
				fd.Hint = fmt.Sprintf("write %s::%d", h.Name, want)
			case rt.Transport != nil && rt.Transport.PortOpt != nil:
				if vp == nil || vp.port != h.Port {
					vp = &viaPort{rt: rt, port: h.Port}
					byPort = append(byPort, vp)
				}
				if !slices.Contains(vp.hosts, h.Name) {
					vp.hosts = append(vp.hosts, h.Name)
				}
				continue
			default:
				fd, _, ok = s.At(h.In.Value, h.Start, h.End)
				fd.Message = fmt.Sprintf("mail to %s goes to port %d: neither the host list nor transport %s gives a port, and the smtp transport's default is 25 (port = smtp); the smarthost expects %d", h.Name, h.Port, tname, want)
				fd.Hint = fmt.Sprintf("write %s::%d in %s, or set `port = %d` on transport %s", h.Name, want, h.In.Name, want, tname)
			}
			if ok {
				p.Report(fd)
			}
		}
	}
	for _, vp := range byPort {
		t := vp.rt.Transport
		fd, _, ok := s.AtValue(t.PortOpt)
		if !ok {
			continue
		}
		in := "route_list"
		if h := vp.rt.Hosts; len(h) > 0 && h[0].In != nil {
			in = h[0].In.Name
		}
		fd.Message = fmt.Sprintf("transport %s sends to port %d, so router %s reaches %s on %d, not %d", t.Name, vp.port, vp.rt.Router.Name, strings.Join(vp.hosts, ", "), vp.port, want)
		fd.Hint = fmt.Sprintf("set `port = %d` on transport %s, or write host::%d for each host in %s", want, t.Name, want, in)
		if len(vp.hosts) == 1 {
			fd.Hint = fmt.Sprintf("set `port = %d` on transport %s, or write %s::%d in %s", want, t.Name, vp.hosts[0], want, in)
		}
		p.Report(fd)
	}
}
