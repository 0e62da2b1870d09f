package exim

import (
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// routeOptionWords are the keywords manualroute accepts after a rule's
// host list (ch. 20.3); any other word names a transport.
var routeOptionWords = map[string]bool{
	"byname": true, "bydns": true, "randomize": true, "no_randomize": true,
	"ipv4_prefer": true, "ipv6_prefer": true, "ipv4_only": true, "ipv6_only": true,
}

// parseRouteList splits route_list as manualroute.c does: a list with the
// fixed separator ';' (";;" is a literal semicolon), each rule read by
// parseRouteRule.
func parseRouteList(v string) []*RouteRule {
	l, _ := ex.ParseListSep(v, ';')
	var rules []*RouteRule
	for _, it := range l.Items {
		if it.Value == "" {
			continue
		}
		off := make([]int, len(it.Value)+1)
		for i := range off {
			off[i] = it.Offset(i)
		}
		r := parseRouteRule(it.Value, len(rules), off, true)
		rules = append(rules, r)
	}
	return rules
}

func identity(n int) []int {
	off := make([]int, n+1)
	for i := range off {
		off[i] = i
	}
	return off
}

// parseRouteRule reads `pattern hosts options` (pattern omitted for
// route_data) from s, where off maps s's bytes to the option value.
// Pattern and host list are read with string_dequote: a double-quoted
// string (backslash escapes the next byte) or up to white space.
func parseRouteRule(s string, index int, off []int, withPattern bool) *RouteRule {
	r := &RouteRule{Index: index}
	i := 0
	skip := func() {
		for i < len(s) && isSpaceByte(s[i]) {
			i++
		}
	}
	dequote := func() (text string, textOff []int, start, end int, quoted bool) {
		skip()
		start = i
		var b []byte
		if i < len(s) && s[i] == '"' {
			quoted = true
			i++
			for i < len(s) && s[i] != '"' {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b = append(b, s[i])
				textOff = append(textOff, off[i])
				i++
			}
			if i < len(s) {
				i++
			} else {
				r.Unclosed = true
			}
		} else {
			for i < len(s) && !isSpaceByte(s[i]) {
				b = append(b, s[i])
				textOff = append(textOff, off[i])
				i++
			}
		}
		end = i
		textOff = append(textOff, off[min(end, len(off)-1)])
		if quoted && len(textOff) >= 2 {
			textOff[len(textOff)-1] = textOff[len(textOff)-2] + 1
		}
		return string(b), textOff, off[start], off[min(end, len(off)-1)], quoted
	}
	if withPattern {
		var po []int
		r.Pattern, po, _, _, _ = dequote()
		r.PatternStart, r.PatternEnd = po[0], po[len(po)-1]
	}
	var start, end int
	r.HostText, r.hostOff, start, end, r.Quoted = dequote()
	r.HostStart, r.HostEnd = start, end
	r.Hosts, _ = ex.ParseHostList(r.HostText)
	for {
		skip()
		if i >= len(s) {
			break
		}
		w := i
		for i < len(s) && !isSpaceByte(s[i]) {
			i++
		}
		word := s[w:i]
		r.Options = append(r.Options, word)
		r.OptionStart = append(r.OptionStart, off[w])
		if !routeOptionWords[word] && r.TransportName == "" {
			r.TransportName = word
		}
	}
	return r
}

// HostOffset maps an offset in HostText (as ParseHostList reports them) to
// an offset in the option value string.
func (r *RouteRule) HostOffset(i int) int {
	if len(r.hostOff) == 0 {
		return r.HostStart
	}
	i = max(0, min(i, len(r.hostOff)-1))
	return r.hostOff[i]
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
