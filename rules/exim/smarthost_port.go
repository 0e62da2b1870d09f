package exim

import (
	"fmt"

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
	for _, rt := range s.Routes {
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
				fd, _, ok = s.AtValue(rt.Transport.PortOpt)
				fd.Message = fmt.Sprintf("transport %s sends to port %d, so router %s reaches %s on %d, not %d", tname, h.Port, rt.Router.Name, h.Name, h.Port, want)
				fd.Hint = fmt.Sprintf("set `port = %d` on transport %s, or write %s::%d in %s", want, tname, h.Name, want, h.In.Name)
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
}
