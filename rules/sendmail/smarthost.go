package sendmail

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	smp "github.com/smarthost-lint/smarthost-lint/parsers/sendmail"
)

var smarthostRules = []*lint.Rule{
	{ID: "SM003", MTA: Name, Severity: lint.SeverityWarning, Title: "smart host without [brackets] is looked up by MX", Check: checkBrackets},
	{ID: "SM004", MTA: Name, Severity: lint.SeverityError, Title: "port not set for the mailer the smart host actually uses", Check: checkPort},
}

var plainHost = lazyRegexp(`^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$`)

// checkBrackets is SM003. cf/README: "The [square brackets] turn off MX
// records for this host only"; without them sendmail delivers to the MX
// hosts of the smart host name.
func checkBrackets(p *lint.Pass) {
	s := p.Unit.(*Setup)
	for _, h := range []*SmartHost{s.MCSmart, s.CFSmart} {
		if h.Empty() || h.Bracketed || h.Host == "" {
			continue
		}
		if h == s.CFSmart && s.MCSmart != nil {
			// The .mc is where the fix goes; SM001/SM002 cover the .cf.
			continue
		}
		fd := h.File.At(h.HostStart, h.HostStart+len(h.Host))
		fd.Message = fmt.Sprintf("smart host %s has no [brackets]: sendmail looks up its MX records and delivers to whatever they name instead of this host", h.Host)
		fd.Hint = fmt.Sprintf("write [%s] to connect to the host itself", h.Host)
		if plainHost().MatchString(h.Host) {
			fd.Fix = &lint.Fix{Description: "add brackets", Safe: true, Edits: []lint.TextEdit{{Start: h.HostStart, End: h.HostStart + len(h.Host), NewText: "[" + h.Host + "]"}}}
		}
		p.Report(fd)
	}
}

// portNumber maps a port word of A=TCP $h PORT to a number.
func portNumber(w string) int {
	switch strings.ToLower(w) {
	case "smtp":
		return 25
	case "submission":
		return 587
	case "smtps", "submissions":
		return 465
	}
	n, err := strconv.Atoi(w)
	if err != nil {
		return -1
	}
	return n
}

// checkPort is SM004. The mailer is the SMART_HOST prefix (cf/README:
// "the “mailer:” defaults to relay"); its port is the third word of its
// A= line, filled from *_MAILER_ARGS when MAILER(`smtp') is read; a port
// written into SMART_HOST is ignored ([exp] `[h]:587' connects to 25).
func checkPort(p *lint.Pass) {
	s := p.Unit.(*Setup)
	h := s.Smart
	if h.Empty() || h.File == nil {
		return
	}
	want := p.Settings.Port
	if h.PortSuffix != "" {
		fd := h.File.At(h.HostStart+len(h.Host), h.HostStart+len(h.Host)+len(h.PortSuffix))
		fd.Message = fmt.Sprintf("%q after the smart host is not a port to sendmail: it connects to port 25 without any warning", h.PortSuffix)
		fd.Hint = fmt.Sprintf("remove %s and set the port with define(`%s', `TCP $h %d')dnl before MAILER(`smtp')", h.PortSuffix, argsNameOr(h.Mailer), want)
		fd.Fix = &lint.Fix{Description: "remove the port suffix", Safe: false, Edits: []lint.TextEdit{{Start: fd2start(h), End: fd2start(h) + len(h.PortSuffix)}}}
		p.Report(fd)
	}
	u := s.Relay
	if u == nil || !u.Defined || u.Port == "" {
		return
	}
	got := portNumber(u.Port)
	if got == want {
		return
	}
	fd := h.File.At(h.HostStart, h.HostStart+len(h.Host))
	switch {
	case u.Def != nil:
		if a := u.Def.Call.Arg(1); a != nil && u.Def.File != nil {
			fd = u.Def.File.At(a.Start, a.End)
		}
		fd.Message = fmt.Sprintf("the smart host uses the %s mailer, and %s makes it connect to port %s, not %d", u.Mailer, u.ArgsName, u.Port, want)
	case u.CFLine != nil:
		if a, ok := u.CFLine.Mailer.Fields["A"]; ok {
			fd = s.CFFile.At(a.Start, a.End)
		}
		fd.Message = fmt.Sprintf("the smart host uses the %s mailer, whose A=%s connects to port %s, not %d", u.Mailer, u.Args, u.Port, want)
	default:
		fd.Message = fmt.Sprintf("the smart host uses the %s mailer, and no %s is defined before MAILER(`smtp'): it connects to port 25, not %d", u.Mailer, u.ArgsName, want)
		if other := s.otherMailerWithPort(u.Mailer, want); other != "" {
			fd.Message += fmt.Sprintf(" (%s sets port %d, but only the %s mailer reads it)", other, want, strings.ToLower(strings.TrimSuffix(other, "_MAILER_ARGS")))
		}
		if s.MailerSMTP != nil && !s.definedAfter(u.ArgsName, s.MailerSMTP) {
			// (A define of the same name after MAILER(`smtp') is moved
			// by SM005's fix instead, so the .mc does not end up with two.)
			ls := strings.LastIndexByte(s.MC.Src[:s.MailerSMTP.Start], '\n') + 1
			fd.Fix = &lint.Fix{Description: "define the mailer's port before MAILER(`smtp')", Safe: true, Edits: []lint.TextEdit{{Start: ls, End: ls, NewText: fmt.Sprintf("define(`%s', `TCP $h %d')dnl\n", u.ArgsName, want)}}}
		}
	}
	fd.Hint = fmt.Sprintf("define(`%s', `TCP $h %d')dnl before MAILER(`smtp') and regenerate the .cf (RELAY_MAILER_ARGS also applies to MAIL_HUB and LUSER_RELAY)", argsNameOr(u.Mailer), want)
	p.Report(fd)
}

func fd2start(h *SmartHost) int { return h.HostStart + len(h.Host) }

func argsNameOr(mailer string) string {
	if n := argsName[mailer]; n != "" {
		return n
	}
	return strings.ToUpper(mailer) + "_MAILER_ARGS"
}

// otherMailerWithPort names a *_MAILER_ARGS of another mailer that sets
// the wanted port (a common mix-up: ESMTP_MAILER_ARGS with a plain
// SMART_HOST, which uses the relay mailer).
func (s *Setup) otherMailerWithPort(mailer string, want int) string {
	for _, m := range []string{"relay", "esmtp", "smtp", "smtp8", "dsmtp"} {
		n := argsName[m]
		if m == mailer || s.mailerArgs == nil {
			continue
		}
		if d := s.mailerArgs[n]; d != nil {
			if f := strings.Fields(d.Value); len(f) >= 3 && portNumber(f[2]) == want {
				return n
			}
		}
	}
	return ""
}

// definedAfter reports whether the .mc defines name at top level after
// the call c.
func (s *Setup) definedAfter(name string, c *smp.Call) bool {
	for _, d := range s.MC.Calls {
		if d.Top && d.Name == "define" && d.Start > c.Start && strings.TrimSpace(d.ArgValue(0)) == name {
			return true
		}
	}
	return false
}
