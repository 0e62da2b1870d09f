package gen

import (
	"bytes"
	"math/bits"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// placeholderRule is GEN001: words and markup of the setup guide that were
// copied into a configuration instead of the real values. The seed page is
// a template ("Replace **SMARTHOST** with your filter hostname"); a host
// that does not resolve makes Postfix, sendmail and qmail defer and Exim
// freeze the message, and a placeholder password never authenticates.
var placeholderRule = &lint.Rule{
	ID:       "GEN001",
	Title:    "placeholder or documentation markup left in the configuration",
	Severity: lint.SeverityError,
	Check:    checkPlaceholders,
}

// placeholderClass says what a placeholder stands for, which decides the hint.
type placeholderClass uint8

const (
	classHost placeholderClass = iota
	classUser
	classPassword
)

// placeholderWords are the seed's (and the DirectAdmin template's) stand-in
// words. They match as whole tokens, case-insensitively (RULES.md §6).
var placeholderWords = []struct {
	word  string
	class placeholderClass
}{
	{"SMARTHOST", classHost},
	{"SMARTHOST1", classHost},
	{"SMARTHOST2", classHost},
	{"RELAYHOSTHERE", classHost},
	{"IPSERVER1", classHost},
	{"IPSERVER2", classHost},
	{"smtp.smarthostname.example.com", classHost},
	{"outgoing.yourprovidername.com", classHost},
	{"CLIENTID", classUser},
	{"USERNAME", classUser},
	{"username@example.com", classUser},
	{"your@email.com", classUser},
	{"PASSWORD", classPassword},
	{"THEPASSWORD", classPassword},
	{"yourUserPassword", classPassword},
	{"yourpass", classPassword},
}

// exampleDomains are reserved for documentation (RFC 2606) or are the
// seed's made-up domains. In routing or credential positions they are
// reported as warnings only: test setups use them on purpose.
var exampleDomains = []string{"example.com", "example.net", "example.org", "domain1.com", "domain2.com", "domain.ext"}

// tokenChar marks the bytes of a token: host names, user names, e-mail
// addresses and placeholder words. Brackets, colons, quotes, commas and
// white space separate tokens, so "[SMARTHOST]:587" yields SMARTHOST and
// `USERNAME:PASSWORD"` yields USERNAME and PASSWORD.
var tokenChar = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range "_.-@" {
		t[c] = true
	}
	return t
}()

// placeholderIndex narrows the candidates before a case-insensitive
// comparison: a bit set of the words with a given length and folded first
// byte, so that most tokens cost one table lookup.
var placeholderMaxLen, placeholderIndex = func() (int, [][256]uint32) {
	hi := 0
	for _, w := range placeholderWords {
		hi = max(hi, len(w.word))
	}
	idx := make([][256]uint32, hi+1)
	for k, w := range placeholderWords {
		idx[len(w.word)][lower(w.word[0])] |= 1 << k
	}
	return hi, idx
}()

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// matchPlaceholder reports whether tok is one of placeholderWords.
func matchPlaceholder(tok string) (placeholderClass, bool) {
	if len(tok) > placeholderMaxLen {
		return 0, false
	}
	last := lower(tok[len(tok)-1])
	for set := placeholderIndex[len(tok)][lower(tok[0])]; set != 0; set &= set - 1 {
		w := placeholderWords[bits.TrailingZeros32(set)]
		if lower(w.word[len(w.word)-1]) == last && strings.EqualFold(w.word, tok) {
			return w.class, true
		}
	}
	return 0, false
}

// exampleDomain returns the documentation domain tok is or belongs to
// (smtp.example.com, user@example.com, @example.com), or "". Most tokens
// are rejected by their last bytes; the rest cost a few byte comparisons
// per candidate domain, with no scan of the token.
func exampleDomain(tok string) string {
	n := len(tok)
	if n < len("domain.ext") || tok[n-4] != '.' {
		return ""
	}
	var cands []string
	switch lower(tok[n-1]) {
	case 'm':
		cands = exampleDomainsCom
	case 't':
		cands = exampleDomainsT
	case 'g':
		cands = exampleDomainsOrg
	default:
		return ""
	}
	for _, d := range cands {
		start := n - len(d)
		if start < 0 || (start > 0 && tok[start-1] != '.' && tok[start-1] != '@') {
			continue
		}
		if strings.EqualFold(tok[start:], d) {
			return d
		}
	}
	return ""
}

// exampleDomains by the last letter of their top-level domain.
var (
	exampleDomainsCom = []string{"example.com", "domain1.com", "domain2.com"}
	exampleDomainsT   = []string{"example.net", "domain.ext"}
	exampleDomainsOrg = []string{"example.org"}
)

// hit is one GEN001 match inside a value, as offsets into the value text.
type hit struct {
	i, j    int
	class   placeholderClass
	markup  bool
	example string // documentation domain, for warnings
}

// scanPlaceholders calls fn for every match in s without allocating.
// name is the parameter or option the value belongs to, used to recognise
// transport names (a transport called "smarthost" is legitimate).
func scanPlaceholders(s, name string, fn func(hit)) {
	// Markup first: "**SMARTHOST**" is one finding, not two. Words inside
	// markup are not reported again; the ranges live in a small array so
	// that the scan does not allocate.
	var marks [4][2]int
	nmarks := 0
	k := -1
	if strings.IndexByte(s, '*') >= 0 {
		k = strings.Index(s, "**")
	}
	for k >= 0 {
		stop := len(s)
		if end := strings.Index(s[k+2:], "**"); end >= 0 {
			stop = k + 2 + end + 2
			// "****" and longer runs close the same marker.
			for stop < len(s) && s[stop] == '*' {
				stop++
			}
			fn(hit{i: k, j: stop, markup: true})
		} else {
			// An unclosed marker: the words after it are reported on their own.
			stop = k + 2
			fn(hit{i: k, j: stop, markup: true})
		}
		if nmarks < len(marks) {
			marks[nmarks] = [2]int{k, stop}
			nmarks++
		} else {
			marks[nmarks-1][1] = stop
		}
		next := strings.Index(s[stop:], "**")
		if next < 0 {
			break
		}
		k = stop + next
	}
	inMarkup := func(i int) bool {
		for _, m := range marks[:nmarks] {
			if i >= m[0] && i < m[1] {
				return true
			}
		}
		return false
	}
	lead := 0
	for lead < len(s) && (s[lead] == ' ' || s[lead] == '\t') {
		lead++
	}
	for i := 0; i < len(s); {
		if !tokenChar[s[i]] {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && tokenChar[s[j]] {
			j++
		}
		tok := s[i:j]
		for len(tok) > 0 && tok[len(tok)-1] == '.' {
			tok = tok[:len(tok)-1]
		}
		n := len(tok)
		// A path component ("/etc/postfix/password") is a file name.
		if n == 0 || (i > 0 && s[i-1] == '/') || (j < len(s) && s[j] == '/') || (nmarks > 0 && inMarkup(i)) {
			i = j
			continue
		}
		// The table lookups and the TLD test reject almost every token
		// before a function call.
		if n <= placeholderMaxLen && placeholderIndex[n][lower(tok[0])] != 0 {
			if class, ok := matchPlaceholder(tok); ok {
				if !transportName(s, name, i, i+n, lead) {
					fn(hit{i: i, j: i + n, class: class})
				}
				i = j
				continue
			}
		}
		if n == 4 && len(s)-j >= len(" of connector") && strings.EqualFold(tok, "name") && strings.EqualFold(s[j:j+len(" of connector")], " of connector") {
			fn(hit{i: i, j: j + len(" of connector"), class: classHost})
			j += len(" of connector")
		} else if n >= len("domain.ext") && tok[n-4] == '.' {
			if d := exampleDomain(tok); d != "" {
				fn(hit{i: i, j: i + n, example: d})
			}
		}
		i = j
	}
}

// transportName reports whether s[i:j] names a transport rather than a
// host: the "transport" of a transport:nexthop value (smarthost:[h]:587),
// or the whole value of a *_transport option. Only an all-lower-case word
// qualifies; the guide writes its placeholders in capitals.
func transportName(s, name string, i, j, lead int) bool {
	if i != lead {
		return false
	}
	for k := i; k < j; k++ {
		if 'A' <= s[k] && s[k] <= 'Z' {
			return false
		}
	}
	if j < len(s) && s[j] == ':' {
		return j+1 >= len(s) || s[j+1] < '0' || s[j+1] > '9'
	}
	return j == len(strings.TrimRight(s, " \t")) && (name == "transport" || strings.HasSuffix(name, "_transport"))
}

func checkPlaceholders(p *lint.Pass) {
	vl, ok := p.Unit.(lint.ValueLister)
	if !ok {
		return
	}
	for v := range vl.Values() {
		if v.File == nil || len(v.Text) == 0 {
			continue
		}
		scanPlaceholders(v.Text, v.Name, func(h hit) {
			if h.example != "" && v.Role == lint.RoleOther {
				return
			}
			start, end := valueOffsets(v, h.i, h.j)
			secret := overlapsSecret(v.File, start, end)
			if h.example != "" && secret {
				// A password is opaque: "example.com" inside one is just text.
				return
			}
			report(p, v, h, start, end, secret)
		})
	}
}

func report(p *lint.Pass, v lint.Value, h hit, start, end int, secret bool) {
	fd := v.File.At(start, end)
	text := v.Text[h.i:h.j]
	switch {
	case h.markup && secret:
		fd.Message = "documentation markup `**` inside the password: the asterisks would be sent as part of it"
		fd.Hint = "remove the ** markers and write the real password"
	case h.markup:
		inner := strings.Trim(text, "*")
		fd.Message = "documentation markup " + quote(text) + " copied from the setup guide: the asterisks are taken literally"
		if inner != "" {
			if _, ok := matchPlaceholder(inner); ok {
				fd.Message += ", and " + quote(inner) + " is itself a placeholder"
			}
			fd.Hint = "replace " + quote(text) + " with the real value (no asterisks)"
		} else {
			fd.Hint = "remove the stray ** marker"
		}
		fd.Fix = &lint.Fix{Description: "remove the ** markers", Safe: true, Edits: markupEdits(v, h, start, end)}
	case h.example != "":
		fd.Severity = lint.SeverityWarning
		if v.Role == lint.RoleCredential {
			fd.Message = "user name " + quote(text) + " uses the documentation domain " + h.example + " (RFC 2606): it is not your smarthost account"
			fd.Hint = "write the user name of your smarthost account"
		} else {
			fd.Message = quote(text) + " is in the documentation domain " + h.example + " (RFC 2606) and cannot be your real smarthost or domain"
			fd.Hint = "replace " + quote(text) + " with the real host or domain, unless this is a test setup"
		}
	case secret || (h.class == classPassword && v.Role == lint.RoleCredential):
		fd.Message = "the password is a documentation placeholder"
		fd.Hint = "write the real password of your smarthost account"
	case h.class == classPassword:
		fd.Message = quote(text) + " is a placeholder for a password, copied from the setup guide"
		fd.Hint = "write the real password of your smarthost account"
	case h.class == classUser:
		fd.Message = quote(text) + " is a placeholder for the user name, copied from the setup guide"
		fd.Hint = "write the user name of your smarthost account"
	default:
		fd.Message = quote(text) + " is a placeholder from the setup guide, not a real host name: the lookup fails and mail is deferred or frozen"
		fd.Hint = "replace " + quote(text) + " with the smarthost host name your provider gave you"
	}
	p.Report(fd)
}

// markupEdits deletes the leading and trailing asterisk runs of a markup hit.
func markupEdits(v lint.Value, h hit, start, end int) []lint.TextEdit {
	text := v.Text[h.i:h.j]
	lead := len(text) - len(strings.TrimLeft(text, "*"))
	trail := len(text) - len(strings.TrimRight(text, "*"))
	if lead == len(text) {
		return []lint.TextEdit{{Start: start, End: end}}
	}
	return []lint.TextEdit{{Start: start, End: start + lead}, {Start: end - trail, End: end}}
}

func quote(s string) string { return "\"" + s + "\"" }

// valueOffsets maps [i, j) of v.Text to file offsets. Values of continued
// lines are joined by the parser, so when the text is not verbatim in the
// file the match is looked up within the value's bytes.
func valueOffsets(v lint.Value, i, j int) (int, int) {
	src := v.File.Src
	if v.Start < 0 || v.End > len(src) || v.Start > v.End {
		return 0, 0
	}
	if v.End-v.Start == len(v.Text) && string(src[v.Start:v.End]) == v.Text {
		return v.Start + i, v.Start + j
	}
	if k := bytes.Index(src[v.Start:v.End], []byte(v.Text[i:j])); k >= 0 {
		return v.Start + k, v.Start + k + j - i
	}
	return v.Start, v.End
}

// overlapsSecret reports whether [lo, hi) overlaps a secret span. It
// checks the spans itself: an index may return every span of the entries
// that overlap the range, not only the secret bytes in it.
func overlapsSecret(f *lint.File, lo, hi int) bool {
	if f.Secrets == nil {
		return false
	}
	if hi == lo {
		hi++
	}
	for _, s := range f.Secrets.SecretsIn(lo, hi) {
		if s.Start < hi && lo < s.End {
			return true
		}
	}
	return false
}
