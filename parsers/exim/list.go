package exim

import (
	"fmt"
	"strings"
)

// Exim lists (spec ch. 6.20–6.22) as string_nextinlist() in src/string.c
// reads them:
//
//   - leading white space before an item is skipped (unless white space is
//     the separator); trailing white space of an item is removed, except a
//     space escaped by a backslash;
//   - the separator is ':' unless the list starts with '<' followed by a
//     punctuation or control character, which becomes the separator
//     ("<; a ; b");
//   - a doubled separator is one literal separator character in the item
//     ("a::b" is the item "a:b"), except for control-character separators;
//   - an item that starts with a lone separator is empty ("a : : b" has an
//     empty middle item), and an empty item at the end is ignored ("a :"
//     is one item, ":" alone is one empty item);
//   - match.c then reads "!" (negation, white space allowed after it),
//     "+name" (a named list) and "type;query" (a lookup) in each item.
//
// All offsets are byte offsets into the parsed string; callers map them to
// the file with Text.Span.

// List is a parsed Exim list.
type List struct {
	Sep       byte // the separator in effect
	SepOffset int  // offset of the "<" that changed the separator, -1 if none
	Items     []*ListItem
}

// ListItem is one item of a list.
type ListItem struct {
	// Start and End delimit the item's text in the parsed string after
	// white space trimming (doubled separators still doubled).
	Start, End int
	// Value is the item as Exim returns it: doubled separators undoubled.
	Value string
	// Negated is set for a leading "!"; NegOffset is its offset.
	Negated   bool
	NegOffset int
	// Body is Value without the "!" and the white space after it;
	// BodyStart is its offset in the parsed string.
	Body      string
	BodyStart int
	// Named is the name of a "+name" reference (without the "+"), "" if
	// the item is not one.
	Named string
	// Lookup is set for a "type;query" item such as "lsearch;/etc/x".
	Lookup *ListLookup

	off []int // off[i] is the offset of Value[i] in the parsed string; off[len(Value)] the end
}

// Offset returns the offset in the parsed string of byte i of Value
// (i == len(Value) gives the item's end).
func (it *ListItem) Offset(i int) int {
	if i < 0 {
		i = 0
	}
	if i >= len(it.off) {
		return it.End
	}
	return it.off[i]
}

// endOffset is the offset just after byte i-1 of Value (the end of
// Value[:i]); for i == 0 the item's start.
func (it *ListItem) endOffset(i int) int {
	if i <= 0 {
		return it.Start
	}
	return it.Offset(i-1) + 1
}

// ListLookup is a lookup item of a list ("partial-lsearch;/etc/domains").
type ListLookup struct {
	// Type is the lookup type as written before the ";" with the partial
	// prefix and options stripped ("lsearch", "dbm", "mysql").
	Type string
	// Spec is the whole text before the ";" ("partial2-lsearch*@,ret=key").
	Spec    string
	Partial bool
	// Query is the text after the ";": a file name for single-key lookups.
	Query                string
	QueryStart, QueryEnd int
	SpecStart, SpecEnd   int
	IsFile               bool // Query is an absolute path of a file-based lookup
	HasExpansion         bool // Query contains '$' (expanded before use)
	QueryValueStart      int  // index of Query in the item's Value
}

// SyntaxError is a problem in a sub-language string, at a byte offset into
// that string.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

// maxListLen bounds the strings the list parsers accept; real option
// values are a few KB.
const maxListLen = 1 << 20

// ParseList parses s as an Exim list with the default separator (':') and
// the "<c" separator change. The error is set for input Exim would not
// read as the writer probably meant: an empty "+" name or a "!" with
// nothing after it. The List is always returned.
func ParseList(s string) (*List, error) { return parseList(subText{s: s}, 0) }

// ParseListSep parses s with the fixed separator sep (no "<c" change), as
// Exim does for route_list rules (';').
func ParseListSep(s string, sep byte) (*List, error) { return parseList(subText{s: s}, int(sep)) }

// subText is a string and, for each byte of it, the offset of the byte it
// came from in the original string (nil: identity plus base).
type subText struct {
	s    string
	off  []int // len(s)+1 entries, or nil
	base int
}

func (m subText) at(i int) int {
	if m.off == nil {
		return m.base + i
	}
	if i >= len(m.off) {
		return m.off[len(m.off)-1]
	}
	return m.off[i]
}

func (m subText) slice(i, j int) subText {
	if m.off == nil {
		return subText{s: m.s[i:j], base: m.base + i}
	}
	return subText{s: m.s[i:j], off: m.off[i : j+1]}
}

func subSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func subPunct(c byte) bool {
	return c > ' ' && c < 0x7f && !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9')
}

func subCntrl(c byte) bool { return c < ' ' || c == 0x7f }

// parseList is string_nextinlist() run to the end of m. sep <= 0 allows
// the "<c" change (default ':'); sep > 0 is fixed.
func parseList(m subText, sep int) (*List, error) {
	l := &List{SepOffset: -1}
	s := m.s
	if len(s) > maxListLen {
		return l, &SyntaxError{Offset: 0, Msg: fmt.Sprintf("list longer than %d bytes: not parsed", maxListLen)}
	}
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i] // Exim reads C strings
	}
	i := 0
	skip := func() {
		for i < len(s) && subSpace(s[i]) && int(s[i]) != sep {
			i++
		}
	}
	skip()
	if sep <= 0 {
		if i+1 < len(s) && s[i] == '<' && (subPunct(s[i+1]) || subCntrl(s[i+1])) {
			l.SepOffset = m.at(i)
			sep = int(s[i+1])
			i += 2
			skip()
		} else if i+1 == len(s) && s[i] == '<' {
			// "<" and the terminating NUL: the NUL becomes the
			// separator and the list is empty.
			l.SepOffset, l.Sep = m.at(i), 0
			return l, nil
		} else {
			sep = ':'
		}
	}
	l.Sep = byte(sep)
	var raws []rawItem
	if listGrammarOnly {
		raws = listBodyGrammar(s, i, byte(sep))
	} else {
		raws = listBody(s, i, byte(sep))
	}
	var firstErr error
	for _, r := range raws {
		start := m.at(r.start)
		if r.empty {
			it := &ListItem{Start: start, End: start, off: []int{start}, NegOffset: -1}
			it.BodyStart = it.Start
			l.Items = append(l.Items, it)
			continue
		}
		// Trailing white space, unless escaped by a backslash.
		val := r.val
		n := len(val)
		for n > 0 && subSpace(val[n-1]) && (n == 1 || val[n-2] != '\\') {
			n--
		}
		val = val[:n]
		off := make([]int, 0, n+1)
		for _, k := range r.idx[:n] {
			off = append(off, m.at(k))
		}
		end := start
		if n > 0 {
			end = off[n-1] + 1
		}
		off = append(off, end)
		it := &ListItem{Start: start, End: end, Value: string(val), off: off, NegOffset: -1}
		if err := it.classify(); err != nil && firstErr == nil {
			firstErr = err
		}
		l.Items = append(l.Items, it)
	}
	return l, firstErr
}

// rawItem is an item as string_nextinlist returns it, before trailing
// white space is trimmed: its bytes and their indexes in the string.
type rawItem struct {
	start int // index of the item's first byte (of the separator for an empty item)
	empty bool
	val   []byte
	idx   []int
}

// listGrammarOnly makes the list parsers use the participle grammar
// (list_grammar.go) instead of listBody, so tests can compare them.
var listGrammarOnly = false

// listBody is the loop of string_nextinlist() over s[i:] with separator
// sep: the fast path; the grammar in list_grammar.go says the same.
func listBody(s string, i int, sep byte) []rawItem {
	special := subCntrl(sep)
	skip := func() {
		for i < len(s) && subSpace(s[i]) && s[i] != sep {
			i++
		}
	}
	var out []rawItem
	for {
		skip()
		if i >= len(s) {
			return out
		}
		r := rawItem{start: i}
		if s[i] == sep {
			i++
			if i >= len(s) || s[i] != sep || special {
				r.empty = true
				out = append(out, r)
				continue
			}
		}
		// s[i] is a data character (possibly the second separator of a
		// doubled pair).
		for {
			j := i + 1
			for j < len(s) && s[j] != sep {
				j++
			}
			for k := i; k < j; k++ {
				r.val = append(r.val, s[k])
				r.idx = append(r.idx, k)
			}
			i = j
			if i >= len(s) {
				break
			}
			i++ // past the separator
			if i >= len(s) || s[i] != sep || special {
				break
			}
		}
		out = append(out, r)
	}
}

// classify reads negation, named-list references and lookups as match.c
// (match_check_list, check_string) does.
func (it *ListItem) classify() error {
	v := it.Value
	b := 0
	if strings.HasPrefix(v, "!") {
		it.Negated, it.NegOffset = true, it.Offset(0)
		b = 1
		for b < len(v) && subSpace(v[b]) {
			b++
		}
		if b == len(v) {
			it.Body, it.BodyStart = "", it.Offset(b)
			return &SyntaxError{Offset: it.NegOffset, Msg: `"!" with nothing after it`}
		}
	}
	it.Body, it.BodyStart = v[b:], it.Offset(b)
	body := it.Body
	if strings.HasPrefix(body, "+") {
		it.Named = body[1:]
		if it.Named == "" {
			return &SyntaxError{Offset: it.BodyStart, Msg: `"+" without a list name`}
		}
		return nil
	}
	if semi := strings.IndexByte(body, ';'); semi > 0 {
		spec := body[:semi]
		// In address lists "*@type;query" looks the domain up (ch. 10.20,
		// the seed's senders = *@partial-lsearch;/etc/spamexperts_domains).
		if strings.HasPrefix(spec, "*@") {
			spec, b = spec[2:], b+2
			semi -= 2
		}
		if lt, partial, ok := parseLookupSpec(spec); ok {
			q := v[b+semi+1:]
			qs := b + semi + 1
			for len(q) > 0 && subSpace(q[0]) {
				q, qs = q[1:], qs+1
			}
			it.Lookup = &ListLookup{
				Type: lt, Spec: spec, Partial: partial, Query: q,
				SpecStart: it.Offset(b), SpecEnd: it.endOffset(b + semi),
				QueryStart: it.Offset(qs), QueryEnd: it.endOffset(len(v)),
				IsFile:          lookupFileTypes[lt] && strings.HasPrefix(q, "/"),
				HasExpansion:    strings.Contains(q, "$"),
				QueryValueStart: qs,
			}
		}
	}
	return nil
}

// lookupFileTypes are the single-key lookup types whose query is a file name
// (spec ch. 9.3).
var lookupFileTypes = map[string]bool{
	"cdb": true, "dbm": true, "dbmjz": true, "dbmnz": true, "dsearch": true,
	"iplsearch": true, "json": true, "lsearch": true, "nwildlsearch": true,
	"wildlsearch": true, "lmdb": true,
}

// lookupQueryTypes are the query-style lookup types (spec ch. 9.4).
var lookupQueryTypes = map[string]bool{
	"dnsdb": true, "ibase": true, "ldap": true, "ldapdn": true, "ldapm": true,
	"mysql": true, "nis": true, "nis0": true, "nisplus": true, "oracle": true,
	"passwd": true, "pgsql": true, "redis": true, "sqlite": true, "testdb": true,
	"whoson": true, "spf": true, "psl": true, "readsock": true,
}

// parseLookupSpec reads "partialN(affix)-type*@,opts" (search_findtype_partial
// in search.c) and returns the bare type.
func parseLookupSpec(spec string) (typ string, partial bool, ok bool) {
	s := spec
	if strings.HasPrefix(s, "partial") {
		r := s[len("partial"):]
		for len(r) > 0 && '0' <= r[0] && r[0] <= '9' {
			r = r[1:]
		}
		if strings.HasPrefix(r, "(") {
			if k := strings.IndexByte(r, ')'); k >= 0 {
				r = r[k+1:]
			} else {
				return "", false, false
			}
		}
		if !strings.HasPrefix(r, "-") {
			return "", false, false
		}
		s, partial = r[1:], true
	}
	if k := strings.IndexByte(s, ','); k >= 0 {
		s = s[:k] // ",ret=key" and other options
	}
	s = strings.TrimRight(s, "*@")
	if strings.HasPrefix(s, "net") { // net24-lsearch etc.
		r := s[3:]
		for len(r) > 0 && '0' <= r[0] && r[0] <= '9' {
			r = r[1:]
		}
		if strings.HasPrefix(r, "-") {
			s = r[1:]
		}
	}
	if lookupFileTypes[s] || lookupQueryTypes[s] {
		return s, partial, true
	}
	return "", false, false
}

// Join writes values back as a list with separator sep, doubling the
// separator inside items and protecting what string_nextinlist would
// otherwise trim or drop (used by tests and fixes).
func Join(values []string, sep byte) string {
	var b strings.Builder
	ds := string([]byte{sep, sep})
	if sep != ':' {
		b.WriteByte('<')
		b.WriteByte(sep)
		b.WriteByte(' ')
	}
	for i, v := range values {
		if i > 0 {
			b.WriteByte(' ')
			b.WriteByte(sep)
			b.WriteByte(' ')
		}
		b.WriteString(strings.ReplaceAll(v, string(sep), ds))
	}
	return b.String()
}
