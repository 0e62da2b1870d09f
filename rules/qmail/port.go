package qmail

import (
	"fmt"
	"strconv"

	"github.com/smarthost-lint/smarthost-lint/lint"
	qp "github.com/smarthost-lint/smarthost-lint/parsers/qmail"
)

// portRule is QM002. qmail-remote(8): "host may include a colon and a port
// number to use instead of the normal SMTP port, 25"; the port is read by
// scan_ulong (leading digits only, none gives 0) and packed into 16 bits
// by timeoutconn. Service names such as "submission" are not looked up.
var portRule = &lint.Rule{
	ID:       "QM002",
	MTA:      Name,
	Severity: lint.SeverityError,
	Title:    "relay port missing, not numeric, or not the expected port",
	Check:    checkPorts,
}

func checkPorts(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Routes != nil {
		for _, r := range s.Routes.Routes {
			if r.MX() || classifyRelay(r) != formOK {
				continue
			}
			checkPort(p, s.RoutesFile, EffectiveRelay(r), "route")
		}
	}
	if s.Auth != nil {
		for _, e := range s.Auth.Entries {
			if e.Value != nil {
				checkPort(p, s.AuthFile, e.Relay, "authenticated relay")
			}
		}
	}
}

func checkPort(p *lint.Pass, f *lint.File, rl qp.Relay, what string) {
	want := p.Settings.Port
	wantText := strconv.Itoa(want)
	// With an empty host ("domain::587", QM001) only the port itself
	// is judged.
	mine := isSmarthostRoute(p, rl)
	host := shown(f, rl.Host)
	if rl.PortSep == nil {
		if rl.Host == nil {
			return
		}
		if !mine || want == qp.DefaultPort {
			return
		}
		fd := at(f, rl.Host)
		fd.Message = fmt.Sprintf("no port: qmail-remote connects to %s on port 25 (\"the normal SMTP port\"), not %d", host, want)
		fd.Hint = "append the port to the relay: " + trimQuotes(host) + ":" + wantText
		fd.Fix = &lint.Fix{Description: "add :" + wantText, Edits: []lint.TextEdit{{Start: rl.Host.End.Offset, End: rl.Host.End.Offset, NewText: ":" + wantText}}}
		p.Report(fd)
		return
	}
	pt := rl.Port
	n := pt.Value()
	fix := func() *lint.Fix {
		if f.ContainsSecret(pt.Pos.Offset, pt.End.Offset) {
			return nil
		}
		return &lint.Fix{Description: "write the port as " + wantText, Edits: []lint.TextEdit{{Start: pt.Pos.Offset, End: pt.Pos.Offset + len(pt.Digits) + len(pt.Rest), NewText: wantText}}}
	}
	switch {
	case pt.Digits == "":
		fd := f.At(rl.PortSep.Offset, pt.End.Offset)
		if rl.Host == nil {
			host = "the relay"
		}
		if pt.Text == "" {
			fd.Message = fmt.Sprintf("empty port after %s: scan_ulong reads no digits, so qmail-remote connects to port 0 and every delivery fails", host)
		} else {
			fd.Message = fmt.Sprintf("port %s is not a number: qmail-remote reads ports with scan_ulong (digits only, no service names), so it connects to port 0 and every delivery fails", shown(f, &pt.Field))
		}
		fd.Hint = "write the port as digits, e.g. :" + wantText
		fd.Fix = fix()
		p.Report(fd)
	case n == 0 || n > 65535:
		fd := at(f, &pt.Field)
		fd.Message = fmt.Sprintf("port %s is not a TCP port; qmail-remote would connect to port %d (the value is cut to 16 bits)", pt.Digits, uint16(n))
		fd.Hint = "use port " + wantText
		fd.Fix = fix()
		p.Report(fd)
	case int(n) != want && mine && rl.Host != nil:
		fd := f.At(pt.Pos.Offset, pt.Pos.Offset+len(pt.Digits))
		fd.Message = fmt.Sprintf("%s %s uses port %d, expected %d", what, host, n, want)
		if n == 465 {
			fd.Message += "; 465 expects TLS from the first byte, which vanilla qmail-remote does not speak (sagredo-dev's TLS build switches to implicit TLS on 465)"
		}
		fd.Hint = "use port " + wantText + " (or pass --port if this port is intended)"
		p.Report(fd)
	case pt.Rest != "" && pt.Rest != "\r" && !f.ContainsSecret(pt.Pos.Offset, pt.End.Offset):
		fd := f.At(pt.Pos.Offset+len(pt.Digits), pt.End.Offset)
		fd.Severity = lint.SeverityWarning
		fd.Message = fmt.Sprintf("text after the port digits is ignored: qmail-remote reads port %d and drops %s", n, shownRange(f, pt.Pos.Offset+len(pt.Digits), pt.End.Offset))
		fd.Hint = "write the port as digits only"
		p.Report(fd)
	}
}

func trimQuotes(s string) string {
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return s
}
