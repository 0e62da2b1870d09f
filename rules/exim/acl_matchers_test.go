package exim

import (
	"math/rand/v2"
	"testing"
)

// TestACLMatchers checks that the hand-written matchers of acl_words.go
// and named_lists.go agree with the regexps they stand for, on
// hand-picked lines and on random ones built from the bytes that matter.
func TestACLMatchers(t *testing.T) {
	lines := []string{
		"", " ", "acl_check_rcpt:", "  acl_check_rcpt:  ", "acl check:", "x:\v", "x:\f", ":", "a:b",
		"accept", "accept  hosts = :", "acceptx hosts", "deny!", "deny\t!hosts = +relay", "warn\vset",
		"  require verify = sender", "drop", "discard ", "defer message = x", "!authenticated = *",
		"! \tsenders = a", "!!x", "9abc", "_x = 1", "endpass", "deny domains = +local_domains",
		"accept sender_domains=+x", "require local_parts = ^.*[@%!/|]", "warn recipients = a",
		"deny  !  hosts =", "condition = ${if eq{a}{b}}", "accept\n\thosts = x", "deny\r", "deny hosts = a\nb", "deny hosts =\n", "deny hosts = \n x", "hosts=x",
	}
	alphabet := []byte("adenycptwrqiuohsl_!: \t\n\v\f\r=9+AZ.-")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, rng.IntN(24))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		lines = append(lines, string(b))
	}
	words := []string{"accept", "defer", "deny", "discard", "drop", "require", "warn", "hosts", "domains", "sender_domains", "senders", "recipients", "local_parts"}
	for range 20000 {
		s := ""
		for range rng.IntN(4) {
			s += []string{" ", "\t", "!", "=", ":", "x"}[rng.IntN(6)] + words[rng.IntN(len(words))]
		}
		lines = append(lines, s)
	}
	for _, l := range lines {
		if got, want := matchACLName(l), aclName().MatchString(l); got != want {
			t.Errorf("matchACLName(%q) = %v, regexp %v", l, got, want)
		}
		e, ok := matchACLVerb(l)
		if m := aclVerb().FindStringIndex(l); (m != nil) != ok || (ok && m[1] != e) {
			t.Errorf("matchACLVerb(%q) = %d %v, regexp %v", l, e, ok, m)
		}
		ws, we, ok := matchACLWord(l)
		if m := aclWord().FindStringSubmatchIndex(l); (m != nil) != ok || (ok && (m[2] != ws || m[3] != we)) {
			t.Errorf("matchACLWord(%q) = %d %d %v, regexp %v", l, ws, we, ok, m)
		}
		ns, ne, vs, ok := matchACLCondition(l)
		if m := aclCondition().FindStringSubmatchIndex(l); (m != nil) != ok || (ok && (m[2] != ns || m[3] != ne || m[4] != vs || m[5] != len(l))) {
			t.Errorf("matchACLCondition(%q) = %d %d %d %v, regexp %v", l, ns, ne, vs, ok, m)
		}
	}
}

// TestPartWord compares partWord and isMarkerText with the regexps they
// stand for.
func TestPartWord(t *testing.T) {
	pieces := []string{"", ".", "exim", "exim.", ".conf", "conf", "routers", "transports", "authenticators", "acl", "retry", "rewrite", "dkim", "variables", "strings", "router", "pre", "post", ".pre", ".post", "x", "EXIM"}
	rng := rand.New(rand.NewPCG(5, 6))
	names := []string{"exim.conf", "exim.routers.pre.conf", "exim.dkim.conf", "exim.acl.post.conf", "exim.routers..conf", "exim..conf", "exim.routers.pre.post.conf", "exim.strings.conf.custom"}
	for range 50000 {
		s := ""
		for range rng.IntN(6) {
			s += pieces[rng.IntN(len(pieces))]
		}
		names = append(names, s)
	}
	for _, n := range names {
		w, ok := partWord(n)
		m := partName().FindStringSubmatch(n)
		if (m != nil) != ok || (ok && m[1] != w) || isPartName(n) != ok {
			t.Errorf("partWord(%q) = %q %v, regexp %q", n, w, ok, m)
		}
	}
	lines := []string{"", "@", "@@", "@A@", " @A_B@ ", "\t@AUTH@\r", "@a@", "@A@ @B@", "%RETRYBLOCK%", " %RETRYBLOCK% \n", "%RETRYBLOCK%x", "@A@x", "\v@A@", "@A@\v", "x@A@"}
	alphabet := []byte("@%AZ_a \t\r\n\v\fRETRYBLOCK")
	for range 50000 {
		b := make([]byte, rng.IntN(14))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		lines = append(lines, string(b))
	}
	for _, l := range lines {
		if got, want := isMarkerText([]byte(l)), markerLine().MatchString(l); got != want {
			t.Errorf("isMarkerText(%q) = %v, regexp %v", l, got, want)
		}
	}
}
