package exim

import (
	"fmt"
	"strings"
	"testing"
)

func hostsString(h *HostList) string {
	var parts []string
	for _, x := range h.Hosts {
		s := x.Host
		if x.Bracketed {
			s = "[" + s + "]"
		}
		if x.Port != "" {
			s += fmt.Sprintf(" port=%d", x.PortNum)
		}
		if x.MX {
			s += " mx"
		}
		if x.Colon {
			s += " colon"
		}
		if x.Digits {
			s += " digits"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " | ")
}

// The expected results are Exim 4.96 -bt observations recorded in RULES.md
// §3.2 EX009.
func TestParseHostList(t *testing.T) {
	tests := []struct{ in, want string }{
		{"smtp.x::587", "smtp.x port=587"},
		{"smtp.x:587", "smtp.x | 587 digits"},
		{"[192.0.2.10]::587", "[192.0.2.10] port=587"},
		{"192.0.2.10::587", "192.0.2.10 port=587"},
		{"[192.0.2.10]", "[192.0.2.10]"},
		{"h::0587", "h port=587"},
		{"h::", "h: colon"},
		{"h:::587", "h: colon | 587 digits"},
		{"::587", ":587 colon"},
		{"h::587::25", "h:587:25 colon"},
		{"h::587x", "h:587x colon"},
		{"h::submission", "h:submission colon"},
		{"h::99999", "h port=99999"},
		{"<+ a.x:587 + b.x:587", "a.x port=587 | b.x port=587"},
		{"<; a.x:587 ; b.x", "a.x port=587 | b.x"},
		{"mx.example/MX", "mx.example mx"},
		{"mx.example/mx::25", "mx.example port=25 mx"},
		{"a : b", "a | b"},
	}
	for _, tc := range tests {
		h, _ := ParseHostList(tc.in)
		if got := hostsString(h); got != tc.want {
			t.Errorf("ParseHostList(%q) = %q, want %q", tc.in, got, tc.want)
		}
		for _, x := range h.Hosts {
			if x.Port != "" && tc.in[x.PortStart:x.PortEnd] != x.Port {
				t.Errorf("%q: port offsets give %q", tc.in, tc.in[x.PortStart:x.PortEnd])
			}
			if !x.Bracketed && !x.Colon && tc.in[x.HostStart:x.HostEnd] != x.Host {
				t.Errorf("%q: host offsets give %q, want %q", tc.in, tc.in[x.HostStart:x.HostEnd], x.Host)
			}
		}
	}
}

func routeString(rl *RouteList) string {
	var parts []string
	for _, r := range rl.Rules {
		var opts []string
		for _, o := range r.Options {
			opts = append(opts, o.Text)
		}
		q := ""
		if r.Hosts.Quoted {
			q = "q"
		}
		parts = append(parts, fmt.Sprintf("%s {%s}%s [%s] %s", r.Domain.Text, hostsString(r.HostList), q, r.Hosts.Text, strings.Join(opts, ",")))
	}
	return strings.Join(parts, " ; ")
}

func TestParseRouteList(t *testing.T) {
	tests := []struct{ in, want string }{
		{"* smtp.x::587", "* {smtp.x port=587} [smtp.x::587] "},
		{"* smtp.x::587 byname", "* {smtp.x port=587} [smtp.x::587] byname"},
		{"$domain host::587", "$domain {host port=587} [host::587] "},
		{"a.example host::587 ; b.example host2::587", "a.example {host port=587} [host::587]  ; b.example {host2 port=587} [host2::587] "},
		{`* "a.x::587 : b.x::587" randomize byname`, "* {a.x port=587 | b.x port=587}q [a.x::587 : b.x::587] randomize,byname"},
		// Unquoted white space: ": b.x::587" becomes options (Exim: unknown routing option).
		{"* a.x::587 : b.x::587", "* {a.x port=587} [a.x::587] :,b.x::587"},
		// "<; ..." is split by route_list's own ';' first.
		{`* "<; a.x:587 ; b.x"`, `* {}q [<]  ; a.x:587 {} []  ; b.x" {} [] `}, // "<" alone: the NUL is the separator, no hosts
		{`* "<;; a.x:587 ;; b.x"`, "* {a.x port=587 | b.x}q [<; a.x:587 ; b.x] "},
		{`* "<+ a.x:587 + b.x:587"`, "* {a.x port=587 | b.x port=587}q [<+ a.x:587 + b.x:587] "},
		{`* "smtp\x2ex::587"`, "* {smtp.x port=587}q [smtp.x::587] "},
		{"a ;", "a {} [] "},
	}
	for _, tc := range tests {
		rl, _ := ParseRouteList(tc.in)
		if got := routeString(rl); got != tc.want {
			t.Errorf("ParseRouteList(%q)\n got  %q\n want %q", tc.in, got, tc.want)
		}
		checkRouteInvariants(t, tc.in, rl)
	}
	if _, err := ParseRouteList(`* "a.x::587`); err == nil {
		t.Error("unclosed quote: no error")
	}
	if _, err := ParseRouteList(`a ;`); err == nil {
		t.Error("rule without host list: no error")
	}
	r, err := ParseRoute(" smtp.x::587 byname", false)
	if err != nil || hostsString(r.HostList) != "smtp.x port=587" || !r.HasOption("BYNAME") {
		t.Errorf("ParseRoute: %v %q", err, hostsString(r.HostList))
	}
}

func checkRouteInvariants(t testing.TB, s string, rl *RouteList) {
	t.Helper()
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	for _, r := range rl.Rules {
		for _, f := range append([]Field{r.Domain, r.Hosts}, r.Options...) {
			if f.Start < r.Start || f.End > r.End || f.Start > f.End {
				t.Fatalf("%q: field %q [%d,%d) outside rule [%d,%d)", s, f.Text, f.Start, f.End, r.Start, r.End)
			}
		}
		for _, h := range r.HostList.Hosts {
			if h.HostStart < r.Hosts.Start || h.HostEnd > r.Hosts.End || h.HostStart > h.HostEnd {
				t.Fatalf("%q: host %q [%d,%d) outside host list [%d,%d)", s, h.Host, h.HostStart, h.HostEnd, r.Hosts.Start, r.Hosts.End)
			}
		}
	}
}

func FuzzParseRouteList(f *testing.F) {
	for _, s := range []string{"* smtp.x::587", `* "a.x::587 : b.x::587" randomize byname`, "a ; b c", `* "<;; a ;; b"`, `* "x\"y`, `* "\x41\101\t"`} {
		f.Add(s)
	}
	addValueSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		rl, _ := ParseRouteList(s)
		checkRouteInvariants(t, s, rl)
	})
}
