package postfix

import (
	"slices"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/lint"
	pf "github.com/smarthost-lint/smarthost-lint/parsers/postfix"
)

func TestRouteProblem(t *testing.T) {
	s := &Setup{}
	tests := []struct {
		raw  string
		want string // substring of the problem; "" = valid
	}{
		{"[smtp.example.net]:587", ""},
		{"smtp.example.net:587", ""},
		{"smtp.example.net", ""},
		{"[smtp.example.net]:submission", ""},
		{"[192.0.2.1]:587", ""},
		{"[ipv6:2001:db8::1]:587", ""},
		{"[2001:db8::1]:587", ""}, // [exp]: same as [ipv6:...]
		{"[SMARTHOST]:587", ""},
		{"[**SMARTHOST**]:587", ""},    // GEN001's business
		{"[smtp.example.net]:foo", ""}, // may be in /etc/services
		{"smtp:[smtp.example.net]:587", "transport prefix"},
		{"relay:smtp.example.net:587", "transport prefix"},
		{`"[smtp.example.net]:587"`, "quote"},
		{"[smtp.example.net]::587", "'::'"},
		{"[smtp.example.net:587]", "port inside the brackets"},
		{"[smtp.example.net:587", "missing ']'"},
		{"2001:db8::1", "bare IPv6"},
		{"[smtp.example.net]:0", "out of range"},
		{"[smtp.example.net]:65536", "out of range"},
		{"[smtp.example.net]:submision", "did you mean submission"},
		{"[smtp/example.net]:587", "invalid character"},
		{"[smtp.example.net]:", "empty port"},
	}
	for _, tt := range tests {
		got := routeProblem(s, routeParseDest(tt.raw))
		if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("routeProblem(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestRouteRepair(t *testing.T) {
	s := &Setup{}
	tests := []struct {
		raw, want string
		ok        bool
	}{
		{"smtp:[smtp.example.net]:587", "[smtp.example.net]:587", true},
		{"smtp:[smtp.example.net]", "[smtp.example.net]", true},
		{"[smtp.example.net]::587", "[smtp.example.net]:587", true},
		{"[smtp.example.net:587]", "[smtp.example.net]:587", true},
		{"[smtp.example.net:587", "[smtp.example.net]:587", true},
		{`"[smtp.example.net]:587`, "[smtp.example.net]:587", true},
		{`"smtp:[smtp.example.net]:587"`, "[smtp.example.net]:587", true},
		{"[smtp.example.net]:submision", "[smtp.example.net]:submission", true},
		{"2001:db8::1", "[ipv6:2001:db8::1]:587", false},
		{"[smtp.example.net]:70000", "", false},
		{"[a]:[b]", "", false},
	}
	for _, tt := range tests {
		got, ok := routeRepair(s, tt.raw, 587)
		if got != tt.want || ok != tt.ok {
			t.Errorf("routeRepair(%q) = %q, %v; want %q, %v", tt.raw, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRouteNearService(t *testing.T) {
	tests := map[string]string{
		"submision": "submission", "Submissoin": "submission", "smtsp": "smtps",
		"urd": "", "imaps": "", "http": "", "2525x": "",
	}
	for in, want := range tests {
		if got := routeNearService(in); got != want {
			t.Errorf("routeNearService(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRouteQuotedAndHash(t *testing.T) {
	quoted := map[string]bool{
		`"[h]:587"`: true, `'yes'`: true, `"a" -b "c"`: false, `"`: false, `""`: true,
		`[h]:587`: false, `"[h]:587`: false, `'it's'`: false,
	}
	for in, want := range quoted {
		if got := routeQuoted(in); got != want {
			t.Errorf("routeQuoted(%q) = %v, want %v", in, got, want)
		}
	}
	hash := map[string]bool{
		"[h]:587 # relay": true, "# all": true, "see http://x/#faq": false, "a\t#b": true, "a#b": false,
	}
	for in, want := range hash {
		if got := routeHashWord(in) >= 0; got != want {
			t.Errorf("trailing hash in %q = %v, want %v", in, got, want)
		}
	}
}

// routeSetup builds a Setup from main.cf and master.cf text, without
// tables.
func routeSetup(t *testing.T, main, master string) *Setup {
	t.Helper()
	s := &Setup{MainFile: lint.NewFile("main.cf", lint.KindPostfixMain, []byte(main))}
	var err error
	if s.Main, err = pf.ParseMain("main.cf", []byte(main)); err != nil {
		t.Fatal(err)
	}
	if master != "" {
		s.MasterFile = lint.NewFile("master.cf", lint.KindPostfixMaster, []byte(master))
		if s.Master, err = pf.ParseMaster("master.cf", []byte(master)); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestRoutingModel(t *testing.T) {
	const master = "smtp unix - - y - - smtp\nrelay unix - - y - - smtp\nerror unix - - y - - error\nlocal unix - n n - - local\n"
	tests := []struct {
		name, main, master string
		base               []string
		routes             []string // Via Raw Owner
	}{
		{"defaults", "relayhost = [a.example]:587\n", "", []string{"smtp"}, []string{"relayhost [a.example]:587 "}},
		{"relay class", "relayhost = [a.example]:587\nrelay_domains = example.com\n", master, []string{"smtp", "relay"}, []string{"relayhost [a.example]:587 "}},
		{"default nexthop", "relayhost = [a.example]:587\ndefault_transport = smtp:[b.example]:587\n", master, nil,
			[]string{"relayhost [a.example]:587 ", "default_transport [b.example]:587 "}},
		{"error relay transport", "relay_domains = x.example\nrelay_transport = error:relaying is disabled\n", master, []string{"smtp"}, nil},
		{"comment", "relayhost = [a.example]:587 # relay host\n", "", []string{"smtp"},
			[]string{"relayhost [a.example]:587 ", "relayhost # PF021", "relayhost relay PF021", "relayhost host PF021"}},
		{"quoted", "relayhost = \"[a.example]:587, [b.example]:587\"\n", "", []string{"smtp"},
			[]string{"relayhost \"[a.example]:587 PF025", "relayhost [b.example]:587\" PF025"}},
		{"lmtp default", "default_transport = lmtp\nrelayhost = [a.example]:587\n", "lmtp unix - - y - - lmtp\n", []string{"lmtp"}, []string{"relayhost [a.example]:587 "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := buildRouting(routeSetup(t, tt.main, tt.master))
			if !slices.Equal(m.Base, tt.base) {
				t.Errorf("Base = %v, want %v", m.Base, tt.base)
			}
			var got []string
			for _, r := range m.Routes {
				got = append(got, r.Via+" "+r.Raw+" "+r.Owner)
			}
			if !slices.Equal(got, tt.routes) {
				t.Errorf("routes = %q, want %q", got, tt.routes)
			}
		})
	}
}

func TestRoutingCache(t *testing.T) {
	s := routeSetup(t, "relayhost = [a.example]:587\n", "")
	if routing(s) != routing(s) {
		t.Fatal("routing model not cached")
	}
	other := routeSetup(t, "relayhost = [b.example]:587\n", "")
	if routing(other).Routes[0].Raw != "[b.example]:587" {
		t.Fatal("cache returned another Setup's model")
	}
}
