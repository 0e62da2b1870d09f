package qmail

import (
	"net"
	"strconv"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	qp "github.com/smarthost-lint/smarthost-lint/parsers/qmail"
)

// relayFormRule is QM010. qmail-remote splits the relay at its first ':'
// and reads the rest as the port (qmail-remote.c main, scan_ulong), and
// dns_ip asks for A records only: an IPv6 address cannot be written, and
// the Exim/Debian "host::587" form gives port 0.
var relayFormRule = &lint.Rule{
	ID:       "QM010",
	MTA:      Name,
	Severity: lint.SeverityError,
	Title:    "relay given as an IPv6 address or with an Exim-style '::port'",
	Check:    checkRelayForm,
}

type relayForm int

const (
	formOK relayForm = iota
	formIPv6
	formDoubleColon
)

// classifyRelay tells the relay forms QM010 reports (QM002 leaves them
// alone: their port is a consequence).
func classifyRelay(r *qp.Route) relayForm {
	if r.Value == nil {
		return formOK
	}
	v := r.Value.Text
	if i := strings.IndexAny(v, " \t|"); i >= 0 {
		v = v[:i]
	}
	if ipv6Literal(v) {
		return formIPv6
	}
	rl := EffectiveRelay(r)
	if rl.Host != nil && rl.Port != nil && strings.HasPrefix(rl.Port.Text, ":") && qp.ScanUlong(rl.Port.Text[1:]) != 0 {
		return formDoubleColon
	}
	return formOK
}

// ipv6Literal recognises "[2001:db8::1]:587", "2001:db8::1",
// "[ipv6:2001:db8::1]" (Postfix) and "[IPv6:...]".
func ipv6Literal(v string) bool {
	v = strings.TrimPrefix(v, "[")
	if len(v) >= 5 && strings.EqualFold(v[:5], "ipv6:") {
		return true
	}
	if i := strings.IndexByte(v, ']'); i >= 0 {
		v = v[:i]
	}
	ip := net.ParseIP(v)
	return ip != nil && strings.Contains(v, ":")
}

func checkRelayForm(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Routes == nil {
		return
	}
	f := s.RoutesFile
	for _, r := range s.Routes.Routes {
		switch classifyRelay(r) {
		case formIPv6:
			rl := r.Relay
			fd := at(f, r.Value)
			if i := strings.IndexAny(r.Value.Text, " \t|"); i >= 0 {
				fd = f.At(r.Value.Pos.Offset, r.Value.Pos.Offset+i)
			}
			fd.Message = "an IPv6 address cannot be a qmail relay: the first ':' ends the host, so qmail-remote looks up the host " + shown(f, rl.Host) + " on port " + strconv.Itoa(int(rl.Number())) + "; it only asks DNS for A records"
			fd.Hint = "use the smarthost's IPv4 address ([192.0.2.10]:587) or a host name with an A record"
			p.Report(fd)
		case formDoubleColon:
			rl := EffectiveRelay(r)
			fd := f.At(rl.PortSep.Offset, rl.Port.Pos.Offset+1)
			fd.Message = "'::' is Exim's host::port syntax; qmail takes the text after the first ':' as the port, scan_ulong stops at the second ':' and the port is 0"
			fd.Hint = "write host:port with a single colon, e.g. " + strings.Trim(shown(f, rl.Host), "\"") + ":" + strconv.Itoa(int(qp.ScanUlong(rl.Port.Text[1:])))
			fd.Fix = &lint.Fix{Description: "use a single ':' before the port", Edits: []lint.TextEdit{{Start: rl.Port.Pos.Offset, End: rl.Port.Pos.Offset + 1}}}
			p.Report(fd)
		}
	}
}
