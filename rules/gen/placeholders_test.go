package gen

import (
	"slices"
	"strconv"
	"testing"
)

func TestScanPlaceholders(t *testing.T) {
	type match struct {
		text    string
		markup  bool
		example string
	}
	for _, tc := range []struct {
		value, name string
		want        []match
	}{
		{"**SMARTHOST**:587", "relayhost", []match{{"**SMARTHOST**", true, ""}}},
		{"[SMARTHOST]:587", "relayhost", []match{{"SMARTHOST", false, ""}}},
		{"[smarthost1]:587", "relayhost", []match{{"smarthost1", false, ""}}},
		{`USERNAME:PASSWORD"`, "smtp_sasl_password_maps", []match{{"USERNAME", false, ""}, {"PASSWORD", false, ""}}},
		{"smtp.smarthostname.example.com", "", []match{{"smtp.smarthostname.example.com", false, ""}}},
		{"outgoing@example.com:THEPASSWORD", "", []match{{"outgoing@example.com", false, "example.com"}, {"THEPASSWORD", false, ""}}},
		{"@Example.NET", "", []match{{"@Example.NET", false, "example.net"}}},
		{"[smtp.example.org.]:587", "", []match{{"smtp.example.org", false, "example.org"}}},
		{": **username@example.com** : **yourUserPassword", "", []match{{"**username@example.com**", true, ""}, {"**", true, ""}, {"yourUserPassword", false, ""}}},
		{"NAME OF CONNECTOR", "", []match{{"NAME OF CONNECTOR", false, ""}}},
		// Not placeholders.
		{"smarthost:[relay.provider.net]:587", "transport_maps", nil},
		{"smarthost", "default_transport", nil},
		{"SMARTHOST:587", "relayhost", []match{{"SMARTHOST", false, ""}}},
		{"smarthost:587", "relayhost", []match{{"smarthost", false, ""}}},
		{"hash:/etc/postfix/password", "smtp_sasl_password_maps", nil},
		{"$smtp_sasl_password_maps", "proxy_read_maps", nil},
		{"passwords.example.company.com", "", nil},
		{"notexample.com myexample.net", "", nil},
		{"PASSWORD_HERE SMTPPASSWORD", "", nil},
	} {
		var got []match
		scanPlaceholders(tc.value, tc.name, func(h hit) {
			got = append(got, match{tc.value[h.i:h.j], h.markup, h.example})
		})
		if !slices.Equal(got, tc.want) {
			t.Errorf("scanPlaceholders(%q) = %v, want %v", tc.value, got, tc.want)
		}
	}
}

func TestTypographicQuotes(t *testing.T) {
	for _, tc := range []struct {
		in          string
		first, last int
	}{
		{"“[smtp.x]:587”", 0, len("“[smtp.x]:587”")},
		{"‘encrypt’", 0, len("‘encrypt’")},
		{"Anna’s relay", -1, -1},
		{"plain", -1, -1},
		{"–dash", -1, -1},
	} {
		first, last := typographicQuotes(tc.in)
		if first != tc.first || last != tc.last {
			t.Errorf("typographicQuotes(%q) = %d,%d, want %d,%d", tc.in, first, last, tc.first, tc.last)
		}
	}
}

// BenchmarkScanPlaceholders scans the keys and values of a 1,000,000-entry
// sasl_passwd (GEN001's share of linting one).
func BenchmarkScanPlaceholders(b *testing.B) {
	var vals []string
	for i := range 1_000_000 {
		id := strconv.Itoa(1e7 + i)[1:]
		vals = append(vals, "[smtp"+id+".relay-provider.net]:587", "u"+id+"@shop-domain.org:Pw"+id+"xyzA")
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, v := range vals {
			scanPlaceholders(v, "smtp_sasl_password_maps", func(hit) { n++ })
		}
		if n != 0 {
			b.Fatal(n)
		}
	}
}
