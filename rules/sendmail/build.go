package sendmail

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/smarthost-lint/smarthost-lint/lint"
	smp "github.com/smarthost-lint/smarthost-lint/parsers/sendmail"
)

var buildRules = []*lint.Rule{
	{ID: "SM001", MTA: Name, Severity: lint.SeverityWarning, Title: "smart host set by editing sendmail.cf while a sendmail.mc exists", Check: checkHandEdit},
	{ID: "SM002", MTA: Name, Severity: lint.SeverityError, Title: "sendmail.cf is older than sendmail.mc", Check: checkStaleCF},
	{ID: "SM015", MTA: Name, Severity: lint.SeverityWarning, Title: "the edited sendmail.cf is not the one sendmail reads", Check: checkInactiveCF},
	{ID: "SM016", MTA: Name, Severity: lint.SeverityInfo, Title: "the .mc cannot be built with the documented m4 command", Check: checkRegenerate},
}

func (s *Setup) path(p string) string {
	if s.root == "" || !filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(s.root, p)
}

func smartText(h *SmartHost) string {
	if h == nil {
		return ""
	}
	return strings.TrimSpace(h.Raw)
}

// mtimeSlack absorbs copies and archives that write the .mc a fraction
// of a second after the .cf (and file systems with 1 s or 2 s mtimes).
const mtimeSlack = 2 * time.Second

// mcNewer reports whether the .mc was modified after the .cf was built.
func (s *Setup) mcNewer() bool {
	return s.MCFile != nil && s.CFFile != nil && s.MCFile.Info != nil && s.CFFile.Info != nil &&
		s.MCFile.Info.ModTime.Sub(s.CFFile.Info.ModTime) > mtimeSlack
}

// checkHandEdit is SM001. cf/README: the .cf is generated from the .mc;
// regenerating (m4, make -C /etc/mail, sendmailconfig) overwrites hand
// edits (seed S12 tells users to edit /etc/sendmail.cf).
func checkHandEdit(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.MC == nil || s.CF == nil {
		return
	}
	mcv, cfv := smartText(s.MCSmart), smartText(s.CFSmart)
	if mcv != cfv && !s.mcNewer() {
		var fd lint.Finding
		if d := s.CF.Macro("S"); d != nil {
			fd = s.CFFile.At(d.Start, d.End)
		} else {
			fd = s.CFFile.WholeFile()
		}
		fd.Severity = lint.SeverityError
		fd.Message = fmt.Sprintf("DS in %s is %q but %s gives %q: the .cf was edited by hand (or the .mc changed without regenerating the .cf), and the next regeneration from the .mc replaces the .cf's value", filepath.Base(s.CFFile.Path), cfv, filepath.Base(s.MCFile.Path), mcv)
		if cfv != "" {
			fd.Hint = "set the smart host in the .mc, define(`SMART_HOST', `" + cfv + "')dnl, and regenerate the .cf"
		} else {
			fd.Hint = "regenerate the .cf from the .mc (make -C /etc/mail, or m4 sendmail.mc > sendmail.cf)"
		}
		p.Report(fd)
		return
	}
	if mcp, cfp, a := s.portsDiffer(); a != nil && !s.mcNewer() {
		fd := s.CFFile.At(a.Start, a.End)
		fd.Severity = lint.SeverityError
		fd.Message = fmt.Sprintf("the smart host's mailer connects to port %s in %s but %s gives port %s: the .cf was edited by hand (or the .mc changed without regenerating the .cf), and the next regeneration from the .mc replaces the .cf's port", cfp, filepath.Base(s.CFFile.Path), filepath.Base(s.MCFile.Path), mcp)
		mailer := "relay"
		if !s.MCSmart.Empty() {
			mailer = s.MCSmart.Mailer
		}
		if want := p.Settings.Port; portNumber(mcp) == want {
			fd.Hint = "regenerate the .cf from the .mc (make -C /etc/mail, or m4 sendmail.mc > sendmail.cf)"
		} else {
			fd.Hint = fmt.Sprintf("set the port in the .mc (define(`%s', `TCP $h %d')dnl before MAILER(`smtp')) and regenerate the .cf", argsNameOr(mailer), want)
		}
		p.Report(fd)
		return
	}
	if s.CF.BuiltBy == "" {
		fd := s.CFFile.WholeFile()
		fd.Message = fmt.Sprintf("%s has no \"##### built by\" header: it was not generated from %s (or was rewritten by hand), so regenerating will replace it", filepath.Base(s.CFFile.Path), filepath.Base(s.MCFile.Path))
		fd.Hint = "make the change in the .mc and regenerate the .cf from it"
		p.Report(fd)
	}
}

// checkStaleCF is SM002: sendmail reads only the .cf; a .mc changed after
// the .cf was built has no effect until it is regenerated.
func checkStaleCF(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if !s.mcNewer() {
		return
	}
	fd := s.MCFile.WholeFile()
	fd.Message = fmt.Sprintf("%s was modified after %s was built (%s later): sendmail still runs the old .cf", filepath.Base(s.MCFile.Path), filepath.Base(s.CFFile.Path), s.MCFile.Info.ModTime.Sub(s.CFFile.Info.ModTime).Round(1e9))
	fd.Hint = "regenerate the .cf (make -C /etc/mail, or m4 sendmail.mc > sendmail.cf with cf.m4 included) and restart or HUP sendmail"
	p.Report(fd)
}

// checkInactiveCF is SM015. Debian 8.17.1.9 `sendmail -d0.10` prints
// "Conf file: /etc/mail/sendmail.cf (default for MTA)" [exp]; the seed
// tells users to edit /etc/sendmail.cf (the pre-8.10 location).
func checkInactiveCF(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.CF == nil || s.CFFile.DiskPath == "" || !s.follow {
		return
	}
	disk := filepath.ToSlash(s.CFFile.DiskPath)
	var other string
	active := false
	switch {
	case strings.HasSuffix(disk, "/etc/mail/sendmail.cf"):
		other, active = strings.TrimSuffix(disk, "/etc/mail/sendmail.cf")+"/etc/sendmail.cf", true
	case strings.HasSuffix(disk, "/etc/sendmail.cf"):
		other = strings.TrimSuffix(disk, "/etc/sendmail.cf") + "/etc/mail/sendmail.cf"
	default:
		return
	}
	src, err := p.FS.ReadFile(filepath.FromSlash(other), 64<<20)
	if err != nil {
		return
	}
	ocf, _ := smp.ParseCF(other, src)
	mine, theirs := "", ""
	if d := s.CF.Macro("S"); d != nil {
		mine = strings.TrimSpace(d.Value)
	}
	if d := ocf.Macro("S"); d != nil {
		theirs = strings.TrimSpace(d.Value)
	}
	if mine == theirs {
		return
	}
	fd := s.CFFile.WholeFile()
	if d := s.CF.Macro("S"); d != nil {
		fd = s.CFFile.At(d.Start, d.End)
	}
	if active {
		fd.Message = fmt.Sprintf("/etc/sendmail.cf also exists with DS %q; sendmail reads this file (/etc/mail/sendmail.cf, DS %q), so edits to /etc/sendmail.cf have no effect", theirs, mine)
	} else {
		fd.Message = fmt.Sprintf("sendmail reads /etc/mail/sendmail.cf (DS %q), not this /etc/sendmail.cf (DS %q): this file has no effect", theirs, mine)
	}
	fd.Hint = "make the change in /etc/mail/sendmail.mc, regenerate /etc/mail/sendmail.cf, and remove the stray /etc/sendmail.cf; `sendmail -d0.10 -bt < /dev/null | grep 'Conf file'` shows the file in use"
	p.Report(fd)
}

// checkRegenerate is SM016: the seed's `m4 sendmail.mc > sendmail.cf`
// works only when the .mc includes the installed cf.m4 (Debian
// /usr/share/sendmail/cf/m4/cf.m4, RHEL /usr/share/sendmail-cf/m4/cf.m4).
func checkRegenerate(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.MC == nil {
		return
	}
	var cfm4 *smp.Call
	for _, c := range s.Includes {
		if strings.HasSuffix(strings.TrimSpace(c.ArgValue(0)), "cf.m4") {
			cfm4 = c
		}
	}
	hasOS := false
	for _, c := range s.MC.Calls {
		if c.Top && c.Name == "OSTYPE" {
			hasOS = true
		}
	}
	if cfm4 == nil {
		if !hasOS && s.FirstMailer == nil {
			// An m4 fragment (a DOMAIN or peers file), not a full .mc.
			return
		}
		fd := s.MCFile.WholeFile()
		fd.Message = "this .mc does not include cf.m4, so `m4 sendmail.mc > sendmail.cf` (the seed's command) copies the macros unexpanded into the .cf"
		fd.Hint = "build it with `m4 /usr/share/sendmail/cf/m4/cf.m4 sendmail.mc > sendmail.cf` (RHEL: /usr/share/sendmail-cf/m4/cf.m4), or on Debian `make -C /etc/mail` / sendmailconfig"
		p.Report(fd)
		return
	}
	path := strings.TrimSpace(cfm4.ArgValue(0))
	if !filepath.IsAbs(path) || !s.follow {
		return
	}
	if _, err := p.FS.Stat(s.path(path)); err == nil {
		return
	}
	fd := s.MCFile.At(cfm4.Start, cfm4.End)
	fd.Message = fmt.Sprintf("%s does not exist on this machine, so `m4 sendmail.mc > sendmail.cf` fails with \"cannot open\": the sendmail-cf package is missing or lives elsewhere", path)
	fd.Hint = "install the sendmail-cf package, or include the cf.m4 path of this distribution (Debian /usr/share/sendmail/cf/m4/cf.m4, RHEL /usr/share/sendmail-cf/m4/cf.m4)"
	p.Report(fd)
}

// portsDiffer compares the port of the smart host's mailer in the .mc and
// in the .cf; it returns the A= field of the .cf when they differ.
func (s *Setup) portsDiffer() (mcPort, cfPort string, a *smp.Field) {
	mailer := "relay"
	if !s.MCSmart.Empty() {
		mailer = s.MCSmart.Mailer
	}
	u := s.mailerFor(mailer)
	l := s.CF.MailerNamed(mailer)
	if !u.Defined || u.Port == "" || l == nil {
		return "", "", nil
	}
	p, ok := l.Mailer.Port()
	if !ok || portNumber(p) == portNumber(u.Port) {
		return "", "", nil
	}
	f := l.Mailer.Fields["A"]
	return u.Port, p, &f
}
