package postfix

import (
	"reflect"
	"strings"
	"testing"
)

// overridesOf returns "service/type/name" -> value, last one wins.
func overridesOf(m *MasterCF) map[string]string {
	out := map[string]string{}
	for _, s := range m.Services {
		for _, o := range s.Overrides {
			out[s.Name+"/"+s.Type+"/"+o.Name] = o.Value
		}
	}
	return out
}

func TestMasterFacts(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		services  []string // name/type
		overrides map[string]string
		fatal     string
		warnings  []string // substrings of non-fatal problems, in order
	}{
		{
			name:      "plain entry",
			in:        "smtp      inet  n       -       y       -       -       smtpd\n",
			services:  []string{"smtp/inet"},
			overrides: map[string]string{},
		},
		{
			name: "-o forms",
			in: "submission inet n - y - - smtpd\n  -o syslog_name=postfix/submission\n  -osmtpd_tls_security_level=encrypt\n" +
				"  -o { smtpd_client_restrictions = permit_sasl_authenticated, reject }\n  -o smtpd_recipient_restrictions=\n" +
				"  -vo smtpd_sasl_auth_enable=yes\n",
			services: []string{"submission/inet"},
			overrides: map[string]string{
				"submission/inet/syslog_name":                  "postfix/submission",
				"submission/inet/smtpd_tls_security_level":     "encrypt",
				"submission/inet/smtpd_client_restrictions":    "permit_sasl_authenticated, reject",
				"submission/inet/smtpd_recipient_restrictions": "",
				"submission/inet/smtpd_sasl_auth_enable":       "yes",
			},
		},
		{
			name:      "the daemon's getopt reads -oNAME with an o in NAME whole",
			in:        "submission inet n - y - - smtpd -osmtpd_helo_required=yes\n",
			services:  []string{"submission/inet"},
			overrides: map[string]string{"submission/inet/smtpd_helo_required": "yes"},
		},
		{
			name:      "options end at the first non-option word and at --",
			in:        "relay unix - - y - - smtp -o a=1 -- -o b=2\nx unix - - y - - pipe flags=R -o c=3\n",
			services:  []string{"relay/unix", "x/unix"},
			overrides: map[string]string{"relay/unix/a": "1"},
		},
		{
			name:      "-n takes a value",
			in:        "relay unix - - y - - smtp -n relay -o a=1\n",
			services:  []string{"relay/unix"},
			overrides: map[string]string{"relay/unix/a": "1"},
		},
		{
			name:      "last -o of a name wins",
			in:        "relay unix - - y - - smtp -o a=1 -o a=2\n",
			services:  []string{"relay/unix"},
			overrides: map[string]string{"relay/unix/a": "2"},
		},
		{
			name:      "comments and blank lines inside an entry",
			in:        "relay unix - - y - - smtp\n# c\n\n  -o a=1\n",
			services:  []string{"relay/unix"},
			overrides: map[string]string{"relay/unix/a": "1"},
		},
		{
			name:      "wakeup N? and unix-dgram",
			in:        "qmgr unix n - n 300? 1 qmgr\npostlog unix-dgram n - n - 1 postlogd\n",
			services:  []string{"qmgr/unix", "postlog/unix-dgram"},
			overrides: map[string]string{},
		},
		{
			name:      "CRLF",
			in:        "relay unix - - y - - smtp\r\n  -o a=1\r\n",
			services:  []string{"relay/unix"},
			overrides: map[string]string{"relay/unix/a": "1"},
		},
		{
			name:      "bad -o values are warnings",
			in:        "smtp inet n - y - - smtpd -o g -o =h -o {i j = k} -o {x = y\n",
			services:  []string{"smtp/inet"},
			overrides: map[string]string{"smtp/inet/x": "y"},
			warnings:  []string{`invalid "-o g"`, `invalid "-o =h"`, `invalid "-o {i j = k}"`, `missing '}'`},
		},
		{
			name:      "text after } is a warning",
			in:        "smtp inet n - y - - smtpd -o {x = y}z\n",
			services:  []string{"smtp/inet"},
			overrides: map[string]string{"smtp/inet/x": "y"},
			warnings:  []string{"syntax error after '}'"},
		},
		{
			name:      "-o without a value",
			in:        "smtp inet n - y - - smtpd -o\n",
			services:  []string{"smtp/inet"},
			overrides: map[string]string{},
			warnings:  []string{"option -o requires a value"},
		},
		{
			name:      "indented first line dropped",
			in:        "  smtp inet n - y - - smtpd\nrelay unix - - y - - smtp\n",
			services:  []string{"relay/unix"},
			overrides: map[string]string{},
			warnings:  []string{msgIndented},
		},
		{name: "fewer than 8 fields", in: "relay unix - - y - -\n", overrides: map[string]string{}, fatal: "bad field count"},
		{name: "postconf -P syntax", in: "submission/inet/smtpd_sasl_security_options=noanonymous\n", overrides: map[string]string{}, fatal: "bad field count"},
		{name: "bad type", in: "smtp tcp n - y - - smtpd\n", services: []string{"smtp/tcp"}, overrides: map[string]string{}, fatal: `invalid type field "tcp"`},
		{name: "bad private", in: "smtp inet x - y - - smtpd\n", services: []string{"smtp/inet"}, overrides: map[string]string{}, fatal: `invalid private field "x"`},
		{name: "bad wakeup", in: "smtp inet n - y a - smtpd\n", services: []string{"smtp/inet"}, overrides: map[string]string{}, fatal: `invalid wakeup field "a"`},
		{name: "bad maxproc", in: "smtp inet n - y - 1x smtpd\n", services: []string{"smtp/inet"}, overrides: map[string]string{}, fatal: `invalid process_limit field "1x"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseMaster("master.cf", []byte(tc.in))
			var svcs []string
			for _, s := range m.Services {
				svcs = append(svcs, s.Name+"/"+s.Type)
			}
			if !reflect.DeepEqual(svcs, tc.services) {
				t.Errorf("services = %q, want %q", svcs, tc.services)
			}
			if got := overridesOf(m); !reflect.DeepEqual(got, tc.overrides) {
				t.Errorf("overrides = %q, want %q", got, tc.overrides)
			}
			if (err != nil) != (tc.fatal != "") || (err != nil && !strings.Contains(err.Error(), tc.fatal)) {
				t.Errorf("err = %v, want %q", err, tc.fatal)
			}
			var warnings []string
			for _, p := range m.Problems {
				if !p.Fatal {
					warnings = append(warnings, p.Msg)
				}
			}
			if len(warnings) != len(tc.warnings) {
				t.Fatalf("warnings = %q, want %q", warnings, tc.warnings)
			}
			for i, w := range tc.warnings {
				if !strings.Contains(warnings[i], w) {
					t.Errorf("warning %d = %q, want %q", i, warnings[i], w)
				}
			}
		})
	}
}

func TestMasterFieldsAndPositions(t *testing.T) {
	src := "# c\nsmarthost unix - - n - - smtp\n  -o relayhost=[smtp.x]:587 -o { smtp_sasl_auth_enable = yes }\n" +
		"maildrop unix - n n - - pipe\n  flags=DRXhu user=vmail argv=/usr/bin/maildrop -d ${recipient} {an arg}\n"
	m, err := ParseMaster("master.cf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	s := m.Lookup("smarthost", "unix")
	if s == nil || s.Private != "-" || s.Chroot != "n" || s.Command != "smtp" || len(s.Fields) != 8 || len(s.Continuations) != 1 {
		t.Fatalf("service %+v", s)
	}
	if s.Pos.Line != 2 || s.EndPos.Line != 3 || s.Fields[7].Pos.Column != 26 {
		t.Errorf("positions %v %v %v", s.Pos, s.EndPos, s.Fields[7].Pos)
	}
	o := s.Override("relayhost")
	if o == nil || o.Value != "[smtp.x]:587" || src[o.NamePos.Offset:o.NameEnd.Offset] != "relayhost" ||
		src[o.ValuePos.Offset:o.ValueEnd.Offset] != "[smtp.x]:587" || src[o.Pos.Offset:o.Pos.Offset+2] != "-o" {
		t.Errorf("override %+v", o)
	}
	b := s.Override("smtp_sasl_auth_enable")
	if b == nil || !b.Braced || b.Value != "yes" || src[b.ValuePos.Offset:b.ValueEnd.Offset] != "yes" ||
		src[b.EndPos.Offset-1] != '}' || src[b.NamePos.Offset:b.NameEnd.Offset] != "smtp_sasl_auth_enable" {
		t.Errorf("braced override %+v", b)
	}
	d := m.Lookup("maildrop", "")
	var args []string
	for _, a := range d.Args {
		args = append(args, a.Value)
	}
	want := []string{"flags=DRXhu", "user=vmail", "argv=/usr/bin/maildrop", "-d", "${recipient}", "an arg"}
	if !reflect.DeepEqual(args, want) || d.Args[5].Raw != "{an arg}" {
		t.Errorf("args = %q", args)
	}
	if len(d.Overrides) != 0 {
		t.Errorf("pipe arguments are not daemon options: %+v", d.Overrides)
	}
	if len(m.Comments) != 1 || m.Comments[0].Next != 2 {
		t.Errorf("comments %+v", m.Comments)
	}
}

func TestMasterFixtures(t *testing.T) {
	m, err := ParseMaster("master-overrides.cf", fixture(t, "master-overrides.cf"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Services) != 8 {
		t.Errorf("%d services", len(m.Services))
	}
	want := map[string]string{
		"submission/inet/syslog_name":                  "postfix/submission",
		"submission/inet/smtpd_tls_security_level":     "encrypt",
		"submission/inet/smtpd_sasl_auth_enable":       "yes",
		"submission/inet/smtpd_client_restrictions":    "permit_sasl_authenticated, reject",
		"submission/inet/smtpd_recipient_restrictions": "",
		"submission/inet/smtpd_helo_required":          "yes",
		"relay/unix/smtp_helo_timeout":                 "5",
		"relay/unix/smtp_connect_timeout":              "5",
		"smarthost/unix/relayhost":                     "[smtp.x]:587",
		"smarthost/unix/smtp_sasl_auth_enable":         "yes",
		"smarthost/unix/smtp_sasl_password_maps":       "hash:/etc/postfix/sasl_passwd",
	}
	if got := overridesOf(m); !reflect.DeepEqual(got, want) {
		t.Errorf("overrides:\n got %q\nwant %q", got, want)
	}
	for _, f := range []string{"master-bad-fields.cf", "master-bad-type.cf"} {
		if _, err := ParseMaster(f, fixture(t, f)); err == nil {
			t.Errorf("%s: no error", f)
		}
	}
	m, err = ParseMaster("master-bad-o.cf", fixture(t, "master-bad-o.cf"))
	if err != nil || len(m.Problems) != 2 || overridesOf(m)["smtp/inet/missing"] != "brace" {
		t.Errorf("master-bad-o.cf: %v %v", err, m.Problems)
	}
}

func TestMasterDeepBraces(t *testing.T) {
	src := "smtp inet n - y - - smtpd " + strings.Repeat("{", 100000) + "\n"
	m, err := ParseMaster("master.cf", []byte(src))
	if err == nil || len(m.Services) != 0 {
		t.Errorf("err = %v", err)
	}
}

// checkMaster verifies the invariants every ParseMaster result has.
func checkMaster(t *testing.T, src string, m *MasterCF, err error) {
	t.Helper()
	if m == nil {
		t.Fatalf("%q: nil AST", src)
	}
	if (err != nil) != (m.Err() != nil) {
		t.Fatalf("%q: err %v but Err() %v", src, err, m.Err())
	}
	for _, p := range m.Problems {
		if p.Pos.Offset < 0 || p.EndPos.Offset < p.Pos.Offset || p.EndPos.Offset > len(src) {
			t.Fatalf("%q: problem %+v out of range", src, p)
		}
	}
	for _, s := range m.Services {
		if len(s.Fields) != 8 {
			t.Fatalf("%q: %d fields", src, len(s.Fields))
		}
		for _, f := range append(append([]*Field(nil), s.Fields...), s.Args...) {
			if f.Raw == "" || f.EndPos.Offset > len(src) || f.Pos.Offset > f.EndPos.Offset {
				t.Fatalf("%q: field %+v", src, f)
			}
		}
		for _, o := range s.Overrides {
			if o.NameEnd.Offset > len(src) || o.ValueEnd.Offset > len(src) || o.NamePos.Offset > o.NameEnd.Offset || o.ValuePos.Offset > o.ValueEnd.Offset {
				t.Fatalf("%q: override %+v", src, o)
			}
			if n := src[o.NamePos.Offset:o.NameEnd.Offset]; n != o.Name && !strings.ContainsAny(n, "\n") {
				t.Fatalf("%q: override name %q at %q", src, o.Name, n)
			}
		}
	}
}
