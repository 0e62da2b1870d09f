package qmail

import (
	"strings"
	"testing"
)

// TestParseSmtproutes covers RULES.md §7's tricky-valid qmail inputs and
// the §4.1 reading rules.
func TestParseSmtproutes(t *testing.T) {
	type route struct {
		key, host string
		port      uint16
		mx        bool
	}
	tests := []struct {
		name    string
		src     string
		routes  []route
		ignored int
		probs   int
	}{
		{"default route", ":smtp.x:587\n", []route{{"", "smtp.x", 587, false}}, 0, 0},
		{"wildcard", ".example.com:relay\n", []route{{".example.com", "relay", 25, false}}, 0, 0},
		{"empty relay is MX", "example.com:\n", []route{{"example.com", "", 25, true}}, 0, 0},
		{"bracketed ip", "example.com:[192.0.2.1]:587\n", []route{{"example.com", "[192.0.2.1]", 587, false}}, 0, 0},
		{"bare ip", "example.com:192.0.2.1\n", []route{{"example.com", "192.0.2.1", 25, false}}, 0, 0},
		{"upper-case key", "EXAMPLE.COM:relay:587\n", []route{{"EXAMPLE.COM", "relay", 587, false}}, 0, 0},
		{"trailing spaces and tabs stripped", "example.com:relay:587 \t \n", []route{{"example.com", "relay", 587, false}}, 0, 0},
		{"comments and empty lines", "# routes\n\n:relay:587\n   \n", []route{{"", "relay", 587, false}}, 0, 0},
		{"no final newline", ":relay:587", []route{{"", "relay", 587, false}}, 0, 0},
		{"CR kept in host", ":relay\r\n", []route{{"", "relay\r", 25, false}}, 0, 0},
		{"CR after port ignored by scan_ulong", ":relay:587\r\n", []route{{"", "relay", 587, false}}, 0, 0},
		{"leading space kept in key", " example.com:relay\n", []route{{" example.com", "relay", 25, false}}, 0, 0},
		{"indented hash is data", "  # note: x\n", []route{{"  # note", " x", 25, false}}, 0, 0},
		{"no colon ignored", "example.com relay\n", nil, 1, 0},
		{"port by scan_ulong", "a:h:587x\nb:h:submission\nc:h:\n", []route{{"a", "h", 587, false}, {"b", "h", 0, false}, {"c", "h", 0, false}}, 0, 0},
		{"port wraps to 16 bits", "a:h:100000\n", []route{{"a", "h", 34464, false}}, 0, 0},
		{"empty host with port", "a::42\n", []route{{"a", "", 42, false}}, 0, 0},
		{"exim double colon", "a:h::587\n", []route{{"a", "h", 0, false}}, 0, 0},
		{"NUL splits a line", "a:h\x00b:k\n", []route{{"a", "h", 25, false}, {"b", "k", 25, false}}, 0, 1},
		{"NUL first skips the line", "\x00a:h\n", nil, 0, 1},
		{"escape sequence", ":h\x1b[0m:587\n", []route{{"", "h\x1b[0m", 587, false}}, 0, 1},
		{"clegg credentials", "d:1.2.3.4:587 user secret\n", []route{{"d", "1.2.3.4", 587, false}}, 0, 0},
		{"sagredo credentials", ":relay:587|user|pass\n", []route{{"", "relay", 587, false}}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ParseSmtproutes("smtproutes", []byte(tt.src))
			if len(s.Routes) != len(tt.routes) {
				t.Fatalf("got %d routes, want %d", len(s.Routes), len(tt.routes))
			}
			for i, w := range tt.routes {
				r := s.Routes[i]
				if r.KeyText() != w.key || r.Relay.HostText() != w.host || r.Relay.Number() != w.port || r.MX() != w.mx {
					t.Errorf("route %d = %q %q %d mx=%v, want %+v", i, r.KeyText(), r.Relay.HostText(), r.Relay.Number(), r.MX(), w)
				}
				// Positions point at the text they carry.
				for _, fd := range []*Field{r.Key, r.Value, r.Relay.Host} {
					if fd != nil && tt.src[fd.Pos.Offset:fd.End.Offset] != fd.Text {
						t.Errorf("field %q at %d-%d does not match the source", fd.Text, fd.Pos.Offset, fd.End.Offset)
					}
				}
			}
			if len(s.Ignored) != tt.ignored {
				t.Errorf("ignored = %d, want %d", len(s.Ignored), tt.ignored)
			}
			if len(s.Problems) != tt.probs {
				t.Errorf("problems = %v, want %d", s.Problems, tt.probs)
			}
		})
	}
}

func TestCredentials(t *testing.T) {
	s := ParseSmtproutes("smtproutes", []byte("d:1.2.3.4:587 -user pass word\n:relay:587|u|p|q\nx:h|u\n"))
	c := s.Routes[0].Clegg
	if c == nil || c.HostPort.Text != "1.2.3.4:587" || c.User.Text != "-user" || c.Password.Text != "pass word" {
		t.Errorf("clegg = %+v", c)
	}
	p := s.Routes[1].Pipe
	if p == nil || p.User.Text != "u" || p.Password.Text != "p|q" || s.Routes[1].Pipe.Relay.Number() != 587 {
		t.Errorf("pipe = %+v", p)
	}
	if p := s.Routes[2].Pipe; p == nil || p.User.Text != "u" || p.Password != nil {
		t.Errorf("pipe without password = %+v", p)
	}
	if pos := s.Routes[1].Pipe.Password.Pos; pos.Line != 2 || pos.Column != 14 {
		t.Errorf("password position = %v", pos)
	}
}

func TestLookup(t *testing.T) {
	s := ParseSmtproutes("smtproutes", []byte("inside.af.mil:firewall.af.mil:26\n.af.mil:\n:heaven.af.mil\nDUP.example:a\ndup.example:b\n"))
	tests := []struct{ host, key, relay string }{
		{"inside.af.mil", "inside.af.mil", "firewall.af.mil"},
		{"INSIDE.AF.MIL", "inside.af.mil", "firewall.af.mil"},
		{"x.inside.af.mil", ".af.mil", ""},
		{"af.mil", "", "heaven.af.mil"},
		{"example.org", "", "heaven.af.mil"},
		{"dup.example", "dup.example", "b"},
	}
	for _, tt := range tests {
		r := s.Lookup(tt.host)
		if r == nil || r.KeyText() != tt.key && FoldKey(r.KeyText()) != tt.key || r.Relay.HostText() != tt.relay {
			t.Errorf("Lookup(%q) = %+v, want key %q relay %q", tt.host, r, tt.key, tt.relay)
		}
	}
	if r := ParseSmtproutes("s", []byte("a.example:h\n")).Lookup("b.example"); r != nil {
		t.Errorf("Lookup without a default = %+v, want nil", r)
	}
}

func TestParseAuthsenders(t *testing.T) {
	src := "@example.com|generic|passwd\ninfo@example.com:smtp.example.com:26|other|otherpw\n:mailrelay.example.com:587|e=mc2|testpass\n"
	a := ParseAuthsenders("authsenders", []byte(src))
	if len(a.Entries) != 2 || len(a.Ignored) != 1 {
		t.Fatalf("entries %d ignored %d", len(a.Entries), len(a.Ignored))
	}
	e := a.Entries[0]
	if e.KeyText() != "info@example.com" || e.Relay.HostText() != "smtp.example.com" || e.Relay.Number() != 26 || e.Auth.User.Text != "other" || e.Auth.Password.Text != "otherpw" {
		t.Errorf("entry 0 = %+v", e)
	}
	if a.Ignored[0].Auth == nil || a.Ignored[0].Auth.Password.Text != "passwd" {
		t.Errorf("ignored line credentials not found")
	}
	if e := a.Entries[1]; e.KeyText() != "" || e.Auth.User.Text != "e=mc2" || e.Relay.Number() != 587 {
		t.Errorf("entry 1 = %+v", e)
	}
}

// TestProblemError checks the file:line:col form of problems.
func TestProblemError(t *testing.T) {
	s := ParseSmtproutes("control/smtproutes", []byte(":relay:587\nx:h\x00y:z\n"))
	if len(s.Problems) != 1 {
		t.Fatalf("problems = %v", s.Problems)
	}
	if got := s.Problems[0].Error(); !strings.HasPrefix(got, "control/smtproutes:2:4: NUL byte") {
		t.Errorf("Error() = %q", got)
	}
}
