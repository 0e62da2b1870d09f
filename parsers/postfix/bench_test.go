package postfix

import (
	"fmt"
	"testing"
)

// saslTable generates an n-entry sasl_passwd like
// "[smtp123456.example.com]:587 user123456@example.com:secretpassword123456".
func saslTable(n int) []byte {
	b := make([]byte, 0, n*76)
	for i := 0; i < n; i++ {
		b = fmt.Appendf(b, "[smtp%06d.example.com]:587 user%06d@example.com:secretpassword%06d\n", i, i, i)
	}
	return b
}

// BenchmarkParseTable parses a generated 1,000,000-entry sasl_passwd
// (about 76 MB); see the package documentation for the numbers.
func BenchmarkParseTable(b *testing.B) {
	src := saslTable(1_000_000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		t, err := ParseTable("sasl_passwd", src)
		if err != nil || len(t.Entries) != 1_000_000 {
			b.Fatalf("got %d entries, %v", len(t.Entries), err)
		}
	}
}

// BenchmarkParseTableGrammar is the participle reference on 10,000 entries.
func BenchmarkParseTableGrammar(b *testing.B) {
	src := saslTable(10_000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseTableGrammar("sasl_passwd", src); err != nil {
			b.Fatal(err)
		}
	}
}
