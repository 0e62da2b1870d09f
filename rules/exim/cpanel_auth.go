package exim

import (
	"fmt"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// commentedAuth matches the seed's commented line `#hosts_require_auth = *`
// (Comment.Text is the text after the '#').
var commentedAuth = lazyRegexp(`^\s*hosts_(require|try)_auth\s*=`)

// checkCommentedAuth is EX105: the seed's cPanel text says "you have to
// uncomment the 2 "hosts_require_auth = *" lines in the transport
// section, and add in the "Section: AUTH"". With an authenticator added
// and the line still commented, Exim never authenticates (spec ch. 33.5).
func checkCommentedAuth(p *lint.Pass) {
	s := setupOf(p)
	if s == nil || !hasClientAuth(s) {
		return
	}
	for _, t := range smarthostTransports(s) {
		c := commentedAuthLine(s, t)
		if c == nil {
			continue
		}
		fd, _, ok := s.AtPos(c.Pos, 1+len(c.Text))
		if !ok {
			continue
		}
		fd.Message = fmt.Sprintf("transport %s still has hosts_require_auth commented out although a client authenticator is defined: Exim authenticates only to hosts in hosts_require_auth or hosts_try_auth, so it never sends the credentials", t.Name)
		fd.Hint = "uncomment the line (remove the #) in every smarthost transport, as the seed says; keep hosts_require_tls = * so the password only goes over TLS"
		fd.Fix = &lint.Fix{Description: "uncomment hosts_require_auth", Safe: true,
			Edits: []lint.TextEdit{{Start: c.Pos.Offset, End: c.Pos.Offset + 1}}}
		p.Report(fd)
	}
}

// commentedAuthLine returns the commented `#hosts_require_auth = ...` (or
// hosts_try_auth) line of a transport that has neither option set, or
// nil. When exim.conf.local defines the transport, its copy is the one
// the admin edits and the one judged. EX019 skips transports for which
// this is non-nil: EX105 reports them.
func commentedAuthLine(s *Setup, t *Transport) *ex.Comment {
	d, c := t.Driver, s.Config
	if ld, lc := cpanelLocalTransport(s, t.Name); ld != nil {
		d, c = ld, lc
	}
	if d == nil || c == nil || d.Option("hosts_require_auth") != nil || d.Option("hosts_try_auth") != nil {
		return nil
	}
	for _, cm := range c.Comments {
		if cm.Driver == d && !cm.Skipped && commentedAuth().MatchString(cm.Text) {
			return cm
		}
	}
	return nil
}

// cpanelLocalTransport returns the exim.conf.local copy of a transport
// and the block config it is in.
func cpanelLocalTransport(s *Setup, name string) (*ex.Driver, *ex.Config) {
	if s.Cpanel == nil {
		return nil, nil
	}
	for _, b := range s.Cpanel.Blocks {
		if b.Config == nil {
			continue
		}
		if d := sectionDriver(b.Config, "transports", name); d != nil {
			return d, b.Config
		}
	}
	return nil, nil
}

// hasClientAuth reports whether a client authenticator exists, in the
// model or in an AUTH block of exim.conf.local not yet rebuilt into
// exim.conf.
func hasClientAuth(s *Setup) bool {
	if len(s.ClientAuthenticators()) > 0 {
		return true
	}
	if s.Cpanel == nil {
		return false
	}
	for _, b := range s.Cpanel.Blocks {
		if b.Config == nil {
			continue
		}
		for _, d := range b.Config.Drivers("authenticators") {
			for _, o := range []string{"client_send", "client_secret", "client_password", "client_username"} {
				if d.Option(o) != nil {
					return true
				}
			}
		}
	}
	return false
}
