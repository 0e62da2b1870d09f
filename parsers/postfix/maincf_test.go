package postfix

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// mainValues returns name -> effective Value (last wins).
func mainValues(m *MainCF) map[string]string {
	out := map[string]string{}
	for _, p := range m.Params() {
		out[p.Name] = p.Value
	}
	return out
}

// TestMainGrammarFacts covers RULES.md 2.1 (main.cf) and the section-7
// main.cf inputs. The expected values are what postconf -n prints
// (checked with Postfix 3.7.11, see oracle_test.go).
func TestMainGrammarFacts(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    map[string]string // effective values
		raw     map[string]string // RawValue where it differs
		fatal   string            // substring of the fatal error, "" for none
		fatalAt int               // its line
		dropped int               // dropped logical lines
		params  int               // number of Params, -1: len(want)
	}{
		{name: "spaces around =", in: "relayhost = [smtp.x]:587\n", want: map[string]string{"relayhost": "[smtp.x]:587"}},
		{name: "no spaces (main.cf.tls style)", in: "relayhost=[smtp.x]:587\n", want: map[string]string{"relayhost": "[smtp.x]:587"}},
		{name: "empty value", in: "relayhost =\nsmtp_sasl_security_options = \n", want: map[string]string{"relayhost": "", "smtp_sasl_security_options": ""}},
		{name: "trailing whitespace removed", in: "relayhost = [h]:587  \t\n", want: map[string]string{"relayhost": "[h]:587"}},
		{name: "blank and comment lines ignored", in: "\n   \n# c\n\t# indented comment\nrelayhost = h\n", want: map[string]string{"relayhost": "h"}},
		{
			name: "continuation across comment and blank lines",
			in:   "relayhost = [a]:587,\n# c\n\n   [b]:587\n",
			want: map[string]string{"relayhost": "[a]:587, [b]:587"},
			raw:  map[string]string{"relayhost": "[a]:587,   [b]:587"},
		},
		{
			name: "indented parameter is swallowed",
			in:   "foo = hash:/x\n  bar = 1\n",
			want: map[string]string{"foo": "hash:/x bar = 1"},
		},
		{
			name:    "indented first line dropped",
			in:      "  relayhost = [a]:587\n    more\nmyhostname = m\n",
			want:    map[string]string{"myhostname": "m"},
			dropped: 1,
		},
		{name: "all lines indented", in: "  a = 1\n  b = 2\n", want: map[string]string{}, dropped: 1},
		{name: "no trailing comments", in: "relayhost = [h]:587 # relay\n", want: map[string]string{"relayhost": "[h]:587 # relay"}},
		{name: "quotes are data", in: `relayhost = "[h]:587"` + "\n", want: map[string]string{"relayhost": `"[h]:587"`}},
		{name: "missing =", in: "relayhost = a\nsmtp_sasl_auth_enable yes\n", want: map[string]string{"relayhost": "a"}, fatal: "missing '=' after attribute name", fatalAt: 2},
		{name: "name only", in: "relayhost\n", want: map[string]string{}, fatal: "missing '=' after attribute name", fatalAt: 1},
		{name: "missing name", in: "= x\n", want: map[string]string{}, fatal: "missing attribute name", fatalAt: 1},
		{name: "whitespace inside name", in: "relay host = x\n", want: map[string]string{}, fatal: "missing '=' after attribute name", fatalAt: 1},
		{name: "fatal on a continued line reports its first line", in: "a = 1\nb\n  c\n", want: map[string]string{"a": "1"}, fatal: "missing '='", fatalAt: 2},
		{
			name: "odd names are still parameters",
			in:   "Relayhost = x\nrelay-host = y\nrelay.host=z\n",
			want: map[string]string{"Relayhost": "x", "relay-host": "y", "relay.host": "z"},
		},
		{name: "value with =", in: "a = b = c\n", want: map[string]string{"a": "b = c"}},
		{
			name:   "duplicates: last wins, all kept",
			in:     "relayhost =\nrelayhost = [a]:587\nx = 1\nrelayhost = [b]:587\n",
			want:   map[string]string{"relayhost": "[b]:587", "x": "1"},
			params: 4,
		},
		{
			name: "CRLF",
			in:   "relayhost = [h]:587\r\nmaps = a,\r\n\tb\r\n",
			want: map[string]string{"relayhost": "[h]:587", "maps": "a, b"},
			raw:  map[string]string{"maps": "a,\r\tb"},
		},
		{name: "no final newline", in: "a = 1\nrelayhost = [h]:587", want: map[string]string{"a": "1", "relayhost": "[h]:587"}},
		{name: "empty file", in: "", want: map[string]string{}},
		{
			name: "postconf collapses whitespace runs, not \\v",
			in:   "smtpd_banner = a \t  b\r\x0b c\n",
			want: map[string]string{"smtpd_banner": "a b \x0b c"},
			raw:  map[string]string{"smtpd_banner": "a \t  b\r\x0b c"},
		},
		{name: "\\v and \\f start continuation lines", in: "relayhost = x\n\x0b y\n\fz = 2\n", want: map[string]string{"relayhost": "x\x0b y\fz = 2"}},
		{name: "text after NUL ignored", in: "relayhost = a\x00b\n", want: map[string]string{"relayhost": "a"}},
		{
			name: "expansions are kept verbatim",
			in:   "a = ${config_directory}/x $(b) ${c?{x}:{y}} $$\n",
			want: map[string]string{"a": "${config_directory}/x $(b) ${c?{x}:{y}} $$"},
		},
		{name: "boolean case kept", in: "smtp_sasl_auth_enable = YES\n", want: map[string]string{"smtp_sasl_auth_enable": "YES"}},
		{
			name: "ipv6, service names and lists",
			in:   "relayhost = [ipv6:2001:db8::1]:587, [192.0.2.1]:587 [c.x]:submission\n",
			want: map[string]string{"relayhost": "[ipv6:2001:db8::1]:587, [192.0.2.1]:587 [c.x]:submission"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseMain("main.cf", []byte(tc.in))
			if m == nil {
				t.Fatal("nil AST")
			}
			if got := mainValues(m); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("values = %q, want %q", got, tc.want)
			}
			for name, raw := range tc.raw {
				if p := m.Lookup(name); p == nil || p.RawValue != raw {
					t.Errorf("RawValue(%s) = %+v, want %q", name, p, raw)
				}
			}
			switch {
			case tc.fatal == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tc.fatal != "" && (err == nil || !strings.Contains(err.Error(), tc.fatal)):
				t.Errorf("error = %v, want %q", err, tc.fatal)
			case tc.fatal != "":
				want := "main.cf:" + strconv.Itoa(tc.fatalAt) + ":1: "
				if !strings.HasPrefix(err.Error(), want) {
					t.Errorf("error = %q, want prefix %q", err, want)
				}
			}
			dropped := 0
			for _, e := range m.Entries {
				if e.Dropped != nil {
					dropped++
				}
			}
			if dropped != tc.dropped {
				t.Errorf("dropped = %d, want %d", dropped, tc.dropped)
			}
			want := tc.params
			if want == 0 {
				want = len(tc.want)
			}
			if got := len(m.Params()); got != want {
				t.Errorf("%d params, want %d", got, want)
			}
		})
	}
}

func TestMainPositions(t *testing.T) {
	src := "# head\nrelayhost = [a]:587,\n# c\n\n\t[b]:587\nnext=é\r\n"
	m, err := ParseMain("main.cf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p := m.Lookup("relayhost")
	if p.Pos.Line != 2 || p.Pos.Column != 1 || p.EndPos.Line != 5 || p.EndPos.Column != 9 {
		t.Errorf("param span %v-%v", p.Pos, p.EndPos)
	}
	if p.NamePos.Offset != 7 || p.NameEnd.Offset != 16 {
		t.Errorf("name span %d-%d", p.NamePos.Offset, p.NameEnd.Offset)
	}
	if got := src[p.ValuePos.Offset:p.ValueEnd.Offset]; got != "[a]:587,\n# c\n\n\t[b]:587" {
		t.Errorf("value span %q", got)
	}
	if len(p.Continuations) != 1 || p.Continuations[0].Text != "\t[b]:587" || p.Continuations[0].Pos.Line != 5 {
		t.Errorf("continuations %+v", p.Continuations)
	}
	// Every byte of Value maps to the same byte in the file, the space
	// that replaced the line break to the tab.
	for i := 0; i < len(p.Value); i++ {
		off := p.OffsetOf(i)
		if p.Value[i] == ' ' {
			if !isSpace(src[off]) {
				t.Errorf("OffsetOf(%d) = %d (%q)", i, off, src[off])
			}
			continue
		}
		if src[off] != p.Value[i] {
			t.Errorf("OffsetOf(%d) = %d: %q != %q", i, off, src[off], p.Value[i])
		}
	}
	if p.OffsetOf(len(p.Value)) != p.ValueEnd.Offset || p.OffsetOf(-1) != -1 || p.OffsetOf(len(p.Value)+1) != -1 {
		t.Error("OffsetOf bounds")
	}
	n := m.Lookup("next")
	// Columns count bytes: "é" is two bytes, the CR is not part of the value.
	if n.Value != "é" || n.ValueEnd.Column != 8 || n.EndPos.Column != 8 {
		t.Errorf("next = %q %v %v", n.Value, n.ValueEnd, n.EndPos)
	}
	if len(m.Comments) != 2 || m.Comments[0].Text != " head" || m.Comments[0].Next != 2 || m.Comments[1].Next != 5 {
		t.Errorf("comments %+v %+v", m.Comments[0], m.Comments[1])
	}
	if m.Comments[1].Pos.Column != 1 || m.Comments[1].Pos.Line != 3 {
		t.Errorf("comment pos %v", m.Comments[1].Pos)
	}
}

func TestMainEmptyValuePosition(t *testing.T) {
	src := "relayhost =\nb=\n"
	m, _ := ParseMain("main.cf", []byte(src))
	for _, name := range []string{"relayhost", "b"} {
		p := m.Lookup(name)
		if p.ValuePos != p.ValueEnd || src[p.ValuePos.Offset-1] != '=' {
			t.Errorf("%s: empty value at %v-%v", name, p.ValuePos, p.ValueEnd)
		}
	}
}

func TestMainDroppedAndInvalidEntries(t *testing.T) {
	src := "  indented = 1\n\tmore\nok = 1\nbad line\n"
	m, err := ParseMain("main.cf", []byte(src))
	if err == nil || err.Error() != `main.cf:4:1: missing '=' after attribute name: "bad line"` {
		t.Errorf("err = %v", err)
	}
	if len(m.Entries) != 3 {
		t.Fatalf("%d entries", len(m.Entries))
	}
	d := m.Entries[0]
	if d.Dropped == nil || d.Dropped.Text != "  indented = 1\tmore" || len(d.Lines) != 2 || d.Lines[1].Text != "\tmore" {
		t.Errorf("dropped entry %+v", d)
	}
	if m.Entries[2].Invalid == nil || m.Entries[2].Invalid.Text != "bad line" {
		t.Errorf("invalid entry %+v", m.Entries[2])
	}
	var warn *Problem
	for _, p := range m.Problems {
		if !p.Fatal {
			warn = p
		}
	}
	if warn == nil || !strings.Contains(warn.Msg, msgIndented) || warn.Pos.Line != 1 || warn.EndPos.Line != 2 {
		t.Errorf("warning %+v", warn)
	}
	if m.Err() == nil || m.Err().Error() != err.Error() {
		t.Error("Err() differs from the returned error")
	}
}

func TestMainLookupLastWins(t *testing.T) {
	m, _ := ParseMain("main.cf", []byte("relayhost = a\nrelayhost = b\nx = 1\n"))
	if p := m.Lookup("relayhost"); p == nil || p.Value != "b" || p.Pos.Line != 2 {
		t.Errorf("Lookup = %+v", p)
	}
	if v, ok := m.Get("x"); !ok || v != "1" {
		t.Error("Get(x)")
	}
	if _, ok := m.Get("nope"); ok || m.Lookup("nope") != nil {
		t.Error("Get(nope)")
	}
	if ps := m.Params(); len(ps) != 3 || ps[0].Value != "a" {
		t.Errorf("Params = %v", ps)
	}
}

func TestMainFixtures(t *testing.T) {
	tests := []struct {
		file  string
		want  map[string]string
		fatal bool
	}{
		{file: "main-continuation.cf", want: map[string]string{
			"relayhost":               "[a.x]:587, [b.x]:587, [c.x]:587",
			"smtp_sasl_password_maps": "hash:/etc/postfix/sasl_passwd smtp_sasl_auth_enable = yes",
			"mynetworks":              "127.0.0.0/8 [::1]/128",
		}},
		{file: "main-crlf.cf", want: map[string]string{
			"relayhost":               "[smtp.x]:587",
			"smtp_sasl_auth_enable":   "yes",
			"smtp_sasl_password_maps": "hash:/etc/postfix/sasl_passwd, hash:/etc/postfix/more",
			"smtp_tls_security_level": "encrypt",
		}},
		{file: "main-indented-first.cf", want: map[string]string{"smtp_sasl_password_maps": "hash:/etc/postfix/sasl_passwd"}},
		{file: "main-duplicates.cf", want: map[string]string{
			"relayhost": "[smtp.x]:587", "smtp_sasl_auth_enable": "yes", "Relayhost": "[wrong.x]:25", "relay-host": "[other.x]:25",
		}},
		{file: "main-missing-eq.cf", want: map[string]string{"relayhost": "[smtp.x]:587"}, fatal: true},
		{file: "main-tricky.cf", want: map[string]string{
			"relayhost":                  "[smtp.x]:587",
			"myorigin":                   "",
			"relay_domains":              "[smtp.x]:submission",
			"smtp_fallback_relay":        "[ipv6:2001:db8::1]:587, [192.0.2.1]:587",
			"fallback_transport":         "[a.x]:587, [b.x]:587",
			"default_transport":          "smtp:[a.x]:587 smtp:[b.x]:587",
			"smtp_sasl_password_maps":    "hash:/etc/postfix/sasl_passwd, texthash:/etc/postfix/more",
			"sender_canonical_maps":      "${config_directory}/sasl_passwd",
			"recipient_canonical_maps":   "$(config_directory)/canonical",
			"smtpd_banner":               "${myhostname?{$myhostname ESMTP}:{ESMTP}} $$ $mail_name",
			"smtp_sasl_auth_enable":      "YES",
			"smtp_tls_security_level":    "may",
			"smtp_sasl_security_options": "noanonymous",
			"relay_transport":            "relay # not a comment: part of the value",
			"smtp_helo_name":             `"quoted.example.com"`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			m, err := ParseMain(tc.file, fixture(t, tc.file))
			if (err != nil) != tc.fatal {
				t.Errorf("err = %v", err)
			}
			if got := mainValues(m); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("values:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestMainAnyInput checks that odd input gives an AST with sane positions.
func TestMainAnyInput(t *testing.T) {
	for _, in := range []string{
		"", "\n", "\r\n", "=", "\x00", "a=\x00", "\xff\xfe = \xff", "#", "  ", " x", "a = b\\\n c",
		strings.Repeat("a", 100000) + " = " + strings.Repeat("b ", 50000),
		strings.Repeat("x = 1\n", 2000), strings.Repeat(" \n", 1000) + "a=1",
	} {
		m, err := ParseMain("f", []byte(in))
		checkMain(t, in, m, err)
	}
}

// checkMain verifies the invariants every ParseMain result has.
func checkMain(t *testing.T, src string, m *MainCF, err error) {
	t.Helper()
	if m == nil {
		t.Fatalf("%q: nil AST", src)
	}
	if (err != nil) != (m.Err() != nil) {
		t.Fatalf("%q: err %v but Err() %v", src, err, m.Err())
	}
	inRange := func(what string, lo, hi int) {
		if lo < 0 || hi < lo || hi > len(src) {
			t.Fatalf("%q: %s span %d-%d out of range", src, what, lo, hi)
		}
	}
	for _, p := range m.Problems {
		inRange("problem", p.Pos.Offset, p.EndPos.Offset)
	}
	for _, c := range m.Comments {
		inRange("comment", c.Pos.Offset, c.EndPos.Offset)
		if src[c.Pos.Offset] != '#' || src[c.Pos.Offset+1:c.EndPos.Offset] != c.Text {
			t.Fatalf("%q: comment %+v", src, c)
		}
	}
	for _, e := range m.Entries {
		inRange("entry", e.Pos.Offset, e.EndPos.Offset)
		for _, l := range e.Lines {
			if src[l.Pos.Offset:l.EndPos.Offset] != l.Text {
				t.Fatalf("%q: line %+v", src, l)
			}
		}
		p := e.Param
		if p == nil {
			continue
		}
		inRange("name", p.NamePos.Offset, p.NameEnd.Offset)
		inRange("value", p.ValuePos.Offset, p.ValueEnd.Offset)
		if src[p.NamePos.Offset:p.NameEnd.Offset] != p.Name {
			t.Fatalf("%q: name %q at %v", src, p.Name, p.NamePos)
		}
		if len(p.Continuations) == 0 && src[p.ValuePos.Offset:p.ValueEnd.Offset] != p.RawValue {
			t.Fatalf("%q: raw value %q at %v-%v", src, p.RawValue, p.ValuePos, p.ValueEnd)
		}
		if want := strings.Join(strings.FieldsFunc(p.RawValue, func(r rune) bool { return r < 128 && isSeparator(byte(r)) }), " "); want != p.Value {
			t.Fatalf("%q: Value %q, want %q", src, p.Value, want)
		}
		for i := 0; i < len(p.Value); i++ {
			off := p.OffsetOf(i)
			if off < p.ValuePos.Offset || off >= p.ValueEnd.Offset {
				t.Fatalf("%q: OffsetOf(%d) = %d outside the value", src, i, off)
			}
			if c := p.Value[i]; c != src[off] && !(c == ' ' && isSeparator(src[off])) {
				t.Fatalf("%q: OffsetOf(%d) = %d: %q for %q", src, i, off, src[off], c)
			}
		}
	}
}
