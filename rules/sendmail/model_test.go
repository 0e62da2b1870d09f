package sendmail

import (
	"testing"

	"github.com/smarthost-lint/smarthost-lint/lint"
	smp "github.com/smarthost-lint/smarthost-lint/parsers/sendmail"
)

func TestParseSmartHost(t *testing.T) {
	tests := []struct {
		raw, mailer, host, name, port string
		explicit, bracketed           bool
	}{
		{"[smtp.x]", "relay", "[smtp.x]", "smtp.x", "", false, true},
		{"relay:[smtp.x]", "relay", "[smtp.x]", "smtp.x", "", true, true},
		{"esmtp:[smtp.x]", "esmtp", "[smtp.x]", "smtp.x", "", true, true},
		{"[smtp.x]:587", "relay", "[smtp.x]", "smtp.x", ":587", false, true},
		{"smtp.x:587", "relay", "smtp.x", "smtp.x", ":587", false, false},
		{"Smtp.X.", "relay", "Smtp.X.", "smtp.x", "", false, false},
		{"[192.0.2.1]", "relay", "[192.0.2.1]", "192.0.2.1", "", false, true},
		{"mailhost.$m", "relay", "mailhost.$m", "mailhost.$m", "", false, false},
	}
	for _, tt := range tests {
		h := parseSmartHost(nil, tt.raw, 10, "SMART_HOST")
		if h.Mailer != tt.mailer || h.Host != tt.host || h.Name != tt.name || h.PortSuffix != tt.port || h.Explicit != tt.explicit || h.Bracketed != tt.bracketed {
			t.Errorf("%q: %+v", tt.raw, h)
		}
		if h.HostStart-10 < 0 || tt.raw[h.HostStart-10:h.HostStart-10+len(h.Host)] != h.Host {
			t.Errorf("%q: host offset %d", tt.raw, h.HostStart)
		}
	}
}

func TestMapSpec(t *testing.T) {
	tests := []struct{ spec, typ, path, source string }{
		{"hash /etc/mail/authinfo", "hash", "/etc/mail/authinfo", "/etc/mail/authinfo"},
		{"hash -o /etc/mail/authinfo.db", "hash", "/etc/mail/authinfo.db", "/etc/mail/authinfo"},
		{"hash -T<TMPF> -o /etc/mail/access.db", "hash", "/etc/mail/access.db", "/etc/mail/access"},
		{"cdb /etc/mail/auth/client-info.cdb", "cdb", "/etc/mail/auth/client-info.cdb", "/etc/mail/auth/client-info"},
		{"ldap -1 -v x", "ldap", "x", ""},
	}
	for _, tt := range tests {
		m := mapSpec("authinfo", tt.spec)
		if m.Type != tt.typ || m.Path != tt.path || m.Source != tt.source {
			t.Errorf("%q: %+v", tt.spec, m)
		}
	}
}

func TestAuthFor(t *testing.T) {
	mc := "define(`SMART_HOST', `[smtp.example.com]')dnl\nFEATURE(`authinfo')dnl\nMAILER(`smtp')dnl\n"
	tests := []struct {
		keys string
		want string // matched key, "" for none
		how  string
	}{
		{"AuthInfo:smtp.example.com", "AuthInfo:smtp.example.com", "server_name"},
		{"AuthInfo:[smtp.example.com]\nAuthInfo:", "AuthInfo:", "default"},
		{"AuthInfo:[smtp.example.com]\nAuthInfo:smtp.example.com:", "", ""},
		{"AuthInfo:example.com", "", ""}, // no parent domains with FEATURE(`authinfo')
	}
	for _, tt := range tests {
		s := loadMC(t, "sendmail.mc", []byte(mc))
		var src string
		for _, k := range splitLines(tt.keys) {
			src += k + ` "U:u" "P:p"` + "\n"
		}
		mm, _ := smp.ParseMakemap("authinfo", []byte(src))
		s.Authinfo = &MapFile{File: lint.NewFile("authinfo", lint.KindSendmailAuthinfo, []byte(src)), Parsed: mm}
		l := s.AuthFor(s.Smart)
		got, how := "", ""
		if l != nil {
			got, how = l.Entry.Key, l.How
		}
		if got != tt.want || how != tt.how {
			t.Errorf("%q: got %q/%q, want %q/%q", tt.keys, got, how, tt.want, tt.how)
		}
	}
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

// TestModelMailerArgs checks the m4 ordering rules the model follows
// (the same cases run through the real m4 in TestOracleTricky).
func TestModelMailerArgs(t *testing.T) {
	tests := []struct{ mc, mailer, port string }{
		{"define(`SMART_HOST', `[h]')dnl\ndefine(`RELAY_MAILER_ARGS', `TCP $h 587')dnl\nMAILER(`smtp')dnl\n", "relay", "587"},
		{"define(`SMART_HOST', `[h]')dnl\nMAILER(`smtp')dnl\ndefine(`RELAY_MAILER_ARGS', `TCP $h 587')dnl\n", "relay", "25"},
		{"define(`SMART_HOST', `esmtp:[h]')dnl\ndefine(`ESMTP_MAILER_ARGS', `TCP $h 587')dnl\nMAILER(`smtp')dnl\n", "esmtp", "587"},
		{"FEATURE(`msp', `[127.0.0.1]', `MSA')dnl\n", "relay", "587"},
	}
	for _, tt := range tests {
		s := loadMC(t, "sendmail.mc", []byte(tt.mc))
		u := s.mailerFor(tt.mailer)
		if !u.Defined || u.Port != tt.port {
			t.Errorf("%q: %+v", tt.mc, u)
		}
	}
}
