package exim

import (
	"math/rand/v2"
	"testing"
)

// TestNextCandidate compares the word-at-a-time nextCandidate with the
// byte loop it stands for, on random strings rich in the bytes that
// matter (letters around 'A'..'Z', '_', high bytes).
func TestNextCandidate(t *testing.T) {
	slow := func(s string, i int) int {
		for i < len(s) && !isCandidate(s, i) {
			i++
		}
		return i
	}
	alphabet := []byte("@AZ[_`az 0\t\xff\x80\xc0\xdf^")
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200000 {
		b := make([]byte, rng.IntN(40))
		for k := range b {
			if rng.IntN(4) == 0 {
				b[k] = alphabet[rng.IntN(len(alphabet))]
			} else {
				b[k] = byte('a' + rng.IntN(26))
			}
		}
		s := string(b)
		from := 0
		if len(s) > 0 {
			from = rng.IntN(len(s) + 1)
		}
		if got, want := nextCandidate(s, from), slow(s, from); got != want {
			t.Fatalf("nextCandidate(%q, %d) = %d, want %d", s, from, got, want)
		}
	}
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 8; pos++ {
			b := []byte("........x")
			b[pos] = byte(c)
			if got, want := nextCandidate(string(b), 0), slow(string(b), 0); got != want {
				t.Fatalf("byte %#x at %d: nextCandidate = %d, want %d", c, pos, got, want)
			}
		}
	}
}
