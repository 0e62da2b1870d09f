package qmail

import (
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	qp "github.com/smarthost-lint/smarthost-lint/parsers/qmail"
)

// vanillaRule is QM006. notqmail's qmail-remote.c sends "HELO" and never
// EHLO, so it can neither STARTTLS nor AUTH: the seed's qmail setup
// therefore relies on IP authorisation, in clear on port 587.
var vanillaRule = &lint.Rule{
	ID:       "QM006",
	MTA:      Name,
	Severity: lint.SeverityWarning,
	Title:    "vanilla qmail-remote cannot use TLS or SMTP AUTH",
	Check:    checkVanilla,
}

// dialectRule is QM007: syntax that only a patched qmail-remote reads.
// Tom Clegg's qmail-remote-auth: credentials "after the IP[:PORT] value,
// separated by spaces", AUTH only after STARTTLS unless the user starts
// with '-' (qmailrocks "Understanding smtproutes"). sagredo-dev/Hoffmann:
// "relay:port|user|password" in smtproutes and control/authsenders.
// qmail-tls: control/tlshosts/<host>.pem makes TLS mandatory and verified
// for that host; tlshosts/exhaustivelist limits TLS to listed hosts.
var dialectRule = &lint.Rule{
	ID:       "QM007",
	MTA:      Name,
	Severity: lint.SeverityInfo,
	Title:    "patch-specific syntax: what the patched qmail-remote does with it",
	Check:    checkDialect,
}

// patchEvidence tells whether something other than the credentials
// themselves shows a TLS/AUTH-capable qmail-remote.
func (s *Setup) patchEvidence() (tls, auth bool, why string) {
	if s.Build.Known {
		return s.Build.STARTTLS, s.Build.AUTH, s.Build.Path
	}
	if s.TLS.Dir || s.TLS.NoTLSDir {
		tls, why = true, "control/tlshosts/"
	}
	if s.Auth != nil {
		auth, why = true, "control/authsenders"
	}
	return tls, auth, why
}

// firstCredential is the first password in the setup, for positions.
func (s *Setup) firstCredential() (*lint.File, *qp.Field) {
	if s.Routes != nil {
		for _, r := range s.Routes.Routes {
			c := r.Pipe
			if c == nil {
				c = Clegg(r)
			}
			if c != nil && c.Password != nil {
				return s.RoutesFile, c.User
			}
		}
	}
	if s.Auth != nil {
		for _, e := range s.Auth.Entries {
			if e.Auth != nil && e.Auth.Password != nil {
				return s.AuthFile, e.Auth.User
			}
		}
	}
	return nil, nil
}

func checkVanilla(p *lint.Pass) {
	s := p.Unit.(*Setup)
	tls, auth, why := s.patchEvidence()
	unknown := "the qmail-remote binary could not be read (" + s.Build.Path + "), "
	if f, user := s.firstCredential(); f != nil && !auth {
		fd := at(f, user)
		if s.Build.Known {
			fd.Severity = lint.SeverityError
			fd.Message = s.Build.Path + " contains no AUTH command: it is an unpatched qmail-remote, which sends HELO and never authenticates, so these credentials are not used (mail goes out unauthenticated)"
		} else {
			fd.Severity = lint.SeverityWarning
			fd.Message = unknown + "and no control file of an AUTH patch exists: an unpatched qmail-remote ignores these credentials and never authenticates"
		}
		fd.Hint = "install a qmail-remote with an AUTH patch (and TLS), or have the smarthost authorise this server's IP address and drop the credentials"
		p.Report(fd)
		return
	}
	if tls || s.Routes == nil {
		return
	}
	r := smarthostRoute(p, s.Routes)
	if r == nil {
		return
	}
	f := s.RoutesFile
	fd := f.At(r.Pos.Offset, r.End.Offset)
	// Info, not warning: this is the seed's documented setup ("Ensure the
	// IP address is added as an authorized smarthost (without
	// authentication)") and the only one vanilla qmail can do; RULES.md
	// QM006 (b) allows "warning/info". A warning here would fire on every
	// correct vanilla qmail installation.
	fd.Severity = lint.SeverityInfo
	rl := EffectiveRelay(r)
	if s.Build.Known {
		fd.Message = s.Build.Path + " contains no STARTTLS: qmail-remote speaks plain SMTP (HELO), so mail to " + shown(f, rl.Host) + " travels unencrypted and can only be accepted by IP authorisation"
	} else {
		fd.Message = unknown + "and there is no control/tlshosts/: vanilla qmail-remote sends HELO only (no STARTTLS, no AUTH), so mail to " + shown(f, rl.Host) + " travels unencrypted and can only be accepted by IP authorisation"
	}
	if why != "" && !s.Build.Known {
		fd.Message += " (" + why + " shows an AUTH patch; nothing shows TLS support)"
	}
	fd.Hint = "make sure the smarthost authorises this server's IP address (seed step 1); for encryption use a qmail-remote with the qmail-tls patch"
	p.Report(fd)
}

// smarthostRoute is the route the setup is about: the default route when
// it has a relay, else the first route to the smarthost.
func smarthostRoute(p *lint.Pass, s *qp.Smtproutes) *qp.Route {
	if def, ok := s.Route(""); ok && !def.MX() && EffectiveRelay(def).Host != nil && isSmarthostRoute(p, EffectiveRelay(def)) {
		return def
	}
	for _, r := range effective(s) {
		if !r.MX() && isSmarthostRoute(p, EffectiveRelay(r)) {
			return r
		}
	}
	return nil
}

func checkDialect(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Routes != nil {
		f := s.RoutesFile
		cleggSeen, pipeSeen := false, false
		for _, r := range s.Routes.Routes {
			if c := Clegg(r); c != nil {
				if strings.HasPrefix(c.User.Text, "-") {
					fd := at(f, c.User)
					fd.Severity = lint.SeverityError
					fd.Message = "a '-' before the user name tells Clegg's qmail-remote-auth to send AUTH without STARTTLS: the password goes over the network in clear"
					fd.Hint = "drop the '-' so AUTH waits for STARTTLS (the smarthost must offer it on this port)"
					p.Report(fd)
				}
				if !cleggSeen {
					cleggSeen = true
					fd := at(f, c.User)
					fd.Message = "credentials after the relay are Tom Clegg's qmail-remote-auth syntax; an unpatched qmail-remote ignores them"
					if c.Relay.PortSep == nil {
						fd.Message += " and even takes the whole text as the host name, " + shown(f, r.Value) + ", which does not resolve"
					}
					fd.Hint = "keep this only with a qmail-remote built with that patch; the file must then be 0640 root:qmail"
					p.Report(fd)
				}
			}
			if r.Pipe != nil {
				if r.Pipe.Password == nil {
					fd := at(f, r.Pipe.User)
					fd.Severity = lint.SeverityError
					fd.Message = "one '|' but no second: sagredo's qmail-remote expects relay:port|user|password and reads the password from past the end of this entry"
					fd.Hint = "write relay:port|user|password"
					p.Report(fd)
				} else if !pipeSeen {
					pipeSeen = true
					reportPipe(p, s, f, r.Pipe, "relay:port|user|password is the sagredo-dev/qmail (Hoffmann qmail-authentication) syntax; an unpatched qmail-remote reads the port digits and ignores the rest")
				}
			}
		}
		checkTLSHosts(p, s)
	}
	if s.Auth != nil {
		for _, e := range s.Auth.Entries {
			if e.Auth != nil && e.Auth.Password != nil && e.Relay.Host != nil && !s.TLS.PEM[qp.FoldKey(e.Relay.HostText())] {
				reportPipe(p, s, s.AuthFile, e.Auth, "control/authsenders is read by sagredo-dev/qmail (Hoffmann qmail-authentication)")
				break
			}
		}
		for _, e := range s.Auth.Entries {
			if e.Auth != nil && e.Auth.Password == nil {
				fd := at(s.AuthFile, e.Auth.User)
				fd.Severity = lint.SeverityError
				fd.Message = "one '|' but no second: qmail-remote expects sender:relay:port|user|password"
				fd.Hint = "write sender:relay:port|user|password"
				p.Report(fd)
			}
		}
	}
}

// checkTLSHosts reports, for the smarthost route, what qmail-tls will do
// with it: with exhaustivelist and no <host>.pem there is no TLS at all;
// without a <host>.pem TLS is used when offered but not required.
func checkTLSHosts(p *lint.Pass, s *Setup) {
	if !s.TLS.Dir {
		return
	}
	r := smarthostRoute(p, s.Routes)
	if r == nil {
		return
	}
	f := s.RoutesFile
	rl := EffectiveRelay(r)
	host := qp.FoldKey(rl.HostText())
	if s.TLS.PEM[host] {
		return
	}
	fd := at(f, rl.Host)
	if s.TLS.Exhaustive {
		fd.Severity = lint.SeverityWarning
		fd.Message = "control/tlshosts/exhaustivelist exists and there is no tlshosts/" + host + ".pem: qmail-tls does not even try STARTTLS with " + shown(f, rl.Host) + ", so mail (and any AUTH) goes in clear"
	} else {
		fd.Message = "no control/tlshosts/" + host + ".pem: qmail-tls uses STARTTLS with " + shown(f, rl.Host) + " only when offered and does not verify the certificate; a downgrade sends mail in clear"
	}
	fd.Hint = "put the smarthost's CA certificate in control/tlshosts/" + host + ".pem to make TLS mandatory and verified"
	p.Report(fd)
}

// reportPipe explains the "|user|password" dialect. sagredo-dev's
// qmail-remote.c authenticates whenever the server's EHLO reply offers
// AUTH (smtp_auth), and tls_init gives up silently when STARTTLS is not
// offered unless control/tlshosts/<host>.pem exists: without that file
// the password can go out in clear (warning).
func reportPipe(p *lint.Pass, s *Setup, f *lint.File, c *qp.Credentials, what string) {
	fd := at(f, c.User)
	host := qp.FoldKey(c.Relay.HostText())
	fd.Message = what
	fd.Hint = "keep this only with that qmail-remote; the file must then be 0640 root:qmail"
	if host != "" && !s.TLS.PEM[host] {
		fd.Severity = lint.SeverityWarning
		fd.Message += "; that qmail-remote sends AUTH whenever the server offers it, also when STARTTLS is not offered or stripped, because there is no control/tlshosts/" + host + ".pem to make TLS mandatory"
		fd.Hint = "put the smarthost's CA certificate in control/tlshosts/" + host + ".pem so AUTH only happens over verified TLS"
	}
	p.Report(fd)
}
