package sendmail

import (
	"strings"
	"testing"
)

func BenchmarkParseMakemap(b *testing.B) {
	src := []byte(strings.Repeat("AuthInfo:h \"U:u\" \"P:p\" \"M:PLAIN LOGIN\"\n", 10000))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := ParseMakemap("authinfo", src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseMC(b *testing.B) {
	src := []byte(strings.Repeat("define(`SMART_HOST', `[smtp.example.com]')dnl\n", 2000))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := ParseMC("sendmail.mc", src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseCF(b *testing.B) {
	src := []byte(strings.Repeat("R$* < @ $+ > $*\t\t$#relay $@ ${MTAHost} $: $1 < @ $2 > $3\nDS[smtp.example.com]\n", 5000))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := ParseCF("sendmail.cf", src); err != nil {
			b.Fatal(err)
		}
	}
}
