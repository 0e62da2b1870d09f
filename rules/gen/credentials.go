package gen

import (
	"fmt"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// credentialPermsRule is GEN003: a file with plaintext credentials that
// other users can read. It covers the files no MTA-specific rule checks
// (File.HoldsCredentials): Postfix main.cf/master.cf with static: or
// inline: credentials, Exim configs with a literal client_send, and the
// like. Postfix password tables have their own rule (PF028).
var credentialPermsRule = &lint.Rule{
	ID:       "GEN003",
	Title:    "plaintext credentials in a group- or world-readable file",
	Severity: lint.SeverityError,
	Check:    checkCredentialPerms,
}

// mtaGroups are the groups an MTA's unprivileged processes run as, by
// kind prefix: a credential file may be readable by them (Debian's
// exim4-config installs passwd.client as 0640 root:Debian-exim).
// Postfix reads password tables as root before dropping privileges
// (SASL_README), so no group is needed there.
var mtaGroups = []struct {
	kindPrefix string
	groups     []string
}{
	{"exim", []string{"Debian-exim", "exim", "mail", "mailnull"}},
	{"sendmail", []string{"smmsp"}},
	{"qmail", []string{"qmail", "nofiles"}},
}

func allowedGroup(p *lint.Pass, kind lint.Kind, gid int) bool {
	if gid == 0 {
		return true
	}
	for _, g := range mtaGroups {
		if !strings.HasPrefix(string(kind), g.kindPrefix) {
			continue
		}
		for _, name := range g.groups {
			if id, ok := p.FS.LookupGroup(name); ok && id == gid {
				return true
			}
		}
	}
	return false
}

func checkCredentialPerms(p *lint.Pass) {
	for _, f := range p.Unit.Files() {
		if !f.HoldsCredentials || f.Info == nil {
			continue
		}
		mode := f.Info.Mode.Perm()
		var fd lint.Finding
		if f.Secrets != nil {
			if s := f.Secrets.SecretsIn(0, len(f.Src)); len(s) > 0 {
				fd = f.At(s[0].Start, s[0].End)
			}
		}
		if fd.Path == "" {
			fd = f.WholeFile()
		}
		switch {
		case mode&0o004 != 0:
			fd.Message = fmt.Sprintf("this file holds a plaintext password and every local user can read it (mode %04o)", mode)
		case mode&0o040 != 0 && !allowedGroup(p, f.Kind, f.Info.GID):
			fd.Severity = lint.SeverityWarning
			fd.Message = fmt.Sprintf("this file holds a plaintext password and group %d can read it (mode %04o)", f.Info.GID, mode)
		default:
			continue
		}
		fd.Hint = credentialHint(f)
		p.Report(fd)
	}
}

func credentialHint(f *lint.File) string {
	switch f.Kind {
	case lint.KindPostfixMain, lint.KindPostfixMaster:
		// main.cf must stay world-readable: postdrop, sendmail and
		// postqueue run as the user and read it.
		return "main.cf and master.cf must stay readable by everyone; move the credentials into a table: smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd, with sasl_passwd and sasl_passwd.db mode 0600 root:root"
	}
	for _, g := range mtaGroups {
		if strings.HasPrefix(string(f.Kind), g.kindPrefix) {
			return "chmod 0640 and chown root:" + g.groups[0] + " (or 0600 root:root if the MTA reads it as root)"
		}
	}
	return "chmod 0600 and chown root:root"
}
