package postfix

import "testing"

func TestEffectiveTLSLevel(t *testing.T) {
	tests := []struct {
		name string
		in   tlsInputs
		want string
		src  tlsSource
	}{
		{"nothing set, Postfix 3.7 default", tlsInputs{Compat: "3.6"}, "none", tlsFromDefault},
		{"compatibility 0", tlsInputs{Compat: "0"}, "none", tlsFromDefault},
		{"compatibility 3.11 default", tlsInputs{Compat: "3.11"}, "may", tlsFromDefault},
		{"compatibility 3.12", tlsInputs{Compat: "3.12"}, "may", tlsFromDefault},
		{"compatibility 4", tlsInputs{Compat: "4"}, "may", tlsFromDefault},
		{"compatibility 3.9 is older than 3.11", tlsInputs{Compat: "3.9"}, "none", tlsFromDefault},
		{"explicit encrypt", tlsInputs{Level: "encrypt"}, "encrypt", tlsFromLevel},
		{"explicit level is case-folded", tlsInputs{Level: " Encrypt "}, "encrypt", tlsFromLevel},
		{"explicit may", tlsInputs{Level: "may"}, "may", tlsFromLevel},
		{"explicit level beats legacy", tlsInputs{Level: "none", EnforceTLS: "yes"}, "none", tlsFromLevel},
		{"explicit level beats compatibility default", tlsInputs{Level: "none", Compat: "3.11"}, "none", tlsFromLevel},
		{"legacy use_tls", tlsInputs{UseTLS: "yes"}, "may", tlsFromLegacy},
		{"legacy use_tls YES", tlsInputs{UseTLS: "YES"}, "may", tlsFromLegacy},
		{"legacy use_tls no", tlsInputs{UseTLS: "no"}, "none", tlsFromDefault},
		{"legacy enforce (peername default yes)", tlsInputs{EnforceTLS: "yes"}, "verify", tlsFromLegacy},
		{"legacy enforce, peername no", tlsInputs{EnforceTLS: "yes", EnforcePeername: "no"}, "encrypt", tlsFromLegacy},
		{"legacy enforce beats use_tls", tlsInputs{EnforceTLS: "yes", UseTLS: "yes"}, "verify", tlsFromLegacy},
		{"legacy beats compatibility default", tlsInputs{EnforceTLS: "yes", Compat: "3.11"}, "verify", tlsFromLegacy},
		{"invalid legacy boolean is off", tlsInputs{UseTLS: "true"}, "none", tlsFromDefault},
		{"policy beats everything", tlsInputs{Level: "encrypt", Policy: "may", PolicyFound: true}, "may", tlsFromPolicy},
		{"policy with attributes", tlsInputs{Level: "may", Policy: "secure match=nexthop", PolicyFound: true}, "secure", tlsFromPolicy},
		{"policy upper case", tlsInputs{Policy: "ENCRYPT", PolicyFound: true}, "encrypt", tlsFromPolicy},
		{"no policy entry", tlsInputs{Level: "encrypt", Policy: "may"}, "encrypt", tlsFromLevel},
	}
	for _, tt := range tests {
		got, src := effectiveTLSLevel(tt.in)
		if got != tt.want || src != tt.src {
			t.Errorf("%s: effectiveTLSLevel(%+v) = %q, %v; want %q, %v", tt.name, tt.in, got, src, tt.want, tt.src)
		}
	}
}

func TestTLSMandatory(t *testing.T) {
	for level, want := range map[string]bool{
		"": false, "none": false, "may": false, "dane": false,
		"encrypt": true, "dane-only": true, "fingerprint": true, "verify": true, "secure": true,
	} {
		if got := tlsMandatory(level); got != want {
			t.Errorf("tlsMandatory(%q) = %v, want %v", level, got, want)
		}
	}
}

func TestCompatAtLeast(t *testing.T) {
	tests := []struct {
		level string
		want  bool
	}{
		{"3.11", true}, {"3.11.1", true}, {"3.12", true}, {"4", true}, {"10", true},
		{"3.6", false}, {"3.10", false}, {"3", false}, {"2", false}, {"0", false}, {"", false}, {"x", false},
	}
	for _, tt := range tests {
		if got := compatAtLeast(tt.level, 3, 11); got != tt.want {
			t.Errorf("compatAtLeast(%q, 3, 11) = %v, want %v", tt.level, got, tt.want)
		}
	}
}

func TestCredServerKeys(t *testing.T) {
	tests := []struct {
		dest string
		want []string
	}{
		{"[smtp.x]:587", []string{"[smtp.x]:587", "smtp.x"}},
		{"[SMTP.X]:submission", []string{"[smtp.x]:submission", "smtp.x"}},
		{"[smtp.x]", []string{"[smtp.x]", "smtp.x"}},
		{"smtp.x:587", []string{"smtp.x:587"}}, // the MX host name is not knowable
		{"[192.0.2.10]:587", []string{"[192.0.2.10]:587", "192.0.2.10"}},
		{"[ipv6:2001:db8::1]:587", []string{"[ipv6:2001:db8::1]:587", "2001:db8::1", "ipv6:2001:db8::1"}},
	}
	for _, tt := range tests {
		got := credServerKeys(ParseDest(tt.dest))
		if len(got) != len(tt.want) {
			t.Errorf("credServerKeys(%q) = %q, want %q", tt.dest, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("credServerKeys(%q) = %q, want %q", tt.dest, got, tt.want)
				break
			}
		}
	}
}

func TestSASLMechanismFilter(t *testing.T) {
	tests := []struct {
		filter              string
		noAnon, noPlaintext bool
	}{
		{"", false, false},
		{"plain, login", true, false},
		{"PLAIN LOGIN", true, false},
		{"cram-md5", true, true},
		{"plain, anonymous", false, false},
		{"!gssapi, static:all", false, false},
		{"hash:/etc/postfix/mechs", false, false},
	}
	for _, tt := range tests {
		if got := saslFilterExcludesAnonymous(tt.filter); got != tt.noAnon {
			t.Errorf("saslFilterExcludesAnonymous(%q) = %v, want %v", tt.filter, got, tt.noAnon)
		}
		if got := saslFilterExcludesPlaintext(tt.filter); got != tt.noPlaintext {
			t.Errorf("saslFilterExcludesPlaintext(%q) = %v, want %v", tt.filter, got, tt.noPlaintext)
		}
	}
}
