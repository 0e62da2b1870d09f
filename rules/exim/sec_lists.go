package exim

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// Tricky-but-valid syntax worth a note: EX031 (continuations), EX032
// (list edges), EX033 (sender regexes), EX034 (route_list $domain).

// secGlue is what may sit between the last byte of one physical line and
// the first byte of its continuation in the file: the backslash right
// after the word, trailing white space, comment lines, leading white
// space (ch. 6.2: "trailing white space after the backslash and leading
// white space at the start of continuation lines is ignored").
var secGlue = lazyRegexp(`^\\[ \t\r]*\n(?:[ \t]*#[^\n]*\n)*[ \t]*$`)

func secAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// checkGluedContinuation: a word at the end of a line, a backslash right
// after it, and an indented word on the next line become one word
// ("abc\" + "  def" is "abcdef"): the indentation of the continuation line
// is dropped, only white space before the backslash survives.
func checkGluedContinuation(p *lint.Pass) {
	s := p.Unit.(*Setup)
	check := func(t ex.Text, name string) {
		if len(t.S) < 2 {
			return
		}
		a, b := t.Pos(0), t.End()
		if a.File != b.File || a.Line == b.Line {
			return
		}
		f := s.FileOf(a)
		if f == nil || a.Offset > b.Offset || b.Offset > len(f.Src) {
			return
		}
		// Scan the value's own bytes in the file: a line ending with a
		// word and a backslash, continued (after comment lines) by a line
		// whose first byte after the indentation is a word character.
		src := f.Src[:b.Offset]
		for off := a.Offset; off < len(src); {
			nl := bytes.IndexByte(src[off:], '\n')
			if nl < 0 {
				break
			}
			nl += off
			line := bytes.TrimRight(src[off:nl], " \t\r")
			lineStart := off
			off = nl + 1
			n := len(line)
			if n < 2 || line[n-1] != '\\' || !secAlnum(line[n-2]) || (n >= 3 && line[n-3] == '\\') {
				continue // "\\n\\": the letter ends an escape sequence
			}
			next := off
			for next < len(src) {
				e := bytes.IndexByte(src[next:], '\n')
				if e < 0 {
					e = len(src)
				} else {
					e += next
				}
				body := bytes.TrimLeft(src[next:e], " \t")
				if len(body) > 0 && body[0] == '#' {
					next = e + 1
					continue
				}
				if len(body) == 0 || !secAlnum(body[0]) {
					break
				}
				word := lineStart + n - 2 // the last byte of the word
				if !secGlue().Match(src[word+1 : e-len(body)]) {
					break
				}
				cont := f.Pos(e - len(body))
				fd := f.At(word, word+2)
				fd.Message = "the value of " + name + " continues on line " + strconv.Itoa(cont.Line) +
					" right after a word: Exim drops the indentation of continuation lines, so the last word of line " +
					strconv.Itoa(f.Pos(word).Line) + " and the first word of line " + strconv.Itoa(cont.Line) + " are joined with no space"
				fd.Hint = "put a space before the backslash if the words are separate (`word \\`)"
				p.Report(fd)
				break
			}
		}
	}
	secEachOption(s, func(_ *ex.Driver, o *ex.Option) {
		if o.HasValue {
			check(o.Value, o.Name)
		}
	})
	for _, nl := range s.Config.Lists {
		check(nl.Value, nl.Kind+" "+nl.Name)
	}
}

// checkListEdges: spec 6.21/6.22 — "An empty item at the end of a list is
// always ignored", "a : : b" has an empty middle item, and "senders = :"
// is the list holding only the empty sender (bounces).
func checkListEdges(p *lint.Pass) {
	s := p.Unit.(*Setup)
	check := func(t ex.Text, name string) {
		v := t.S
		if strings.Contains(v, "${") || strings.Contains(v, "\\N") {
			return // expanded lists: separators may come from the expansion
		}
		if strings.IndexByte(v, ':') < 0 && strings.IndexByte(v, '<') < 0 {
			// Every finding below is about a separator: without ":" and
			// without "<" (a separator change) the list has none.
			return
		}
		l := s.parsedList(v)
		report := func(lo, hi int, msg, hint string) {
			fd, _, ok := s.At(t, lo, hi)
			if !ok {
				return
			}
			fd.Message = msg
			fd.Hint = hint
			p.Report(fd)
		}
		sep := string([]byte{l.Sep})
		if len(l.Items) == 1 && l.Items[0].Value == "" {
			if name == "senders" {
				report(l.Items[0].Start, l.Items[0].Start+1, "senders = "+sep+" is a list with one empty item: it matches only the empty sender, i.e. bounces",
					"this is right for a router meant for bounces only; to match every sender remove the senders option")
			}
			return
		}
		for i, it := range l.Items {
			if it.Value == "" && i < len(l.Items)-1 {
				report(it.Start, it.Start+1, "empty item in "+name+": a "+sep+" with nothing but white space before it adds an item that matches only an empty value (in a host list: local submissions without a sending host; in senders: the empty sender of bounces)",
					"remove the extra "+sep+" if that is not intended (write "+sep+sep+" without a space for a literal "+sep+")")
			}
		}
		if n := len(l.Items); n > 0 {
			last := l.Items[n-1]
			rest := v[last.End:]
			if k := strings.IndexByte(rest, l.Sep); k >= 0 && last.Value != "" {
				report(last.End+k, last.End+k+1, "trailing "+sep+" in "+name+" is ignored (an empty item at the end of a list is always ignored)",
					"remove the trailing separator")
			}
		}
	}
	secEachOption(s, func(_ *ex.Driver, o *ex.Option) {
		if o.HasValue && secListOptions[o.Name] && !o.Hide {
			check(o.Value, o.Name)
		}
	})
	for _, nl := range s.Config.Lists {
		if !nl.Hide {
			check(nl.Value, nl.Kind+" "+nl.Name)
		}
	}
}

// secSimpleSenderRegex is "^.*@domain" as the seed writes it.
var secSimpleSenderRegex = lazyRegexp(`^\^\.\*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$`)

// checkSenderRegex: ch. 10.20 "If (after expansion) a pattern starts with
// "^", a regular expression match is done against the complete address";
// the seed's `^.*@domain1.com` also matches user@domain1Xcom and
// user@domain1.com.attacker.example.
func checkSenderRegex(p *lint.Pass) {
	s := p.Unit.(*Setup)
	check := func(t ex.Text, name string) {
		l, _ := ex.ParseList(t.S)
		for _, it := range l.Items {
			if it.Negated || !strings.HasPrefix(it.Body, "^") && !strings.HasPrefix(it.Body, `\N^`) {
				continue // a broad negated item only excludes more
			}
			x, _ := ex.ParseExpansion(it.Body)
			re, ok := ex.Literal(x.Nodes)
			if !ok || !strings.HasPrefix(re, "^") {
				continue
			}
			at := strings.LastIndexByte(re, '@')
			if at < 0 {
				continue
			}
			dom := re[at+1:]
			if !secLiteralDomain().MatchString(dom) {
				continue // "@.*" and the like: any domain on purpose
			}
			var problems []string
			if secUnescapedDot(dom) {
				problems = append(problems, "'.' matches any character")
			}
			if !strings.HasSuffix(dom, "$") {
				problems = append(problems, "without a final '$' it also matches longer domains such as "+strings.TrimSuffix(strings.ReplaceAll(dom, `\.`, "."), "$")+".attacker.example")
			}
			if len(problems) == 0 {
				continue
			}
			fd, f, ok := s.At(t, it.BodyStart, it.End)
			if !ok {
				continue
			}
			fd.Message = "the " + name + " regular expression matches more addresses than the domain it names: " + strings.Join(problems, ", and ")
			if m := secSimpleSenderRegex().FindStringSubmatch(it.Body); m != nil {
				fd.Hint = "write `*@" + m[1] + "` (a plain domain match)"
				if path, lo, hi := t.Span(it.BodyStart, it.End); path != "" && hi <= len(f.Src) && string(f.Src[lo:hi]) == it.Body {
					fd.Fix = &lint.Fix{Description: "match the domain exactly", Safe: false,
						Edits: []lint.TextEdit{{Start: lo, End: hi, NewText: "*@" + m[1]}}}
				}
			} else {
				fd.Hint = `escape the dots and anchor the end, inside \N…\N so expansion leaves them alone: \N^.*@domain\.com$\N`
			}
			p.Report(fd)
		}
	}
	for _, r := range s.Routers {
		if r.Senders != nil && r.Senders.HasValue {
			check(r.Senders.Value, "senders")
		}
	}
	for _, nl := range s.Config.Lists {
		if nl.Kind == "addresslist" {
			check(nl.Value, "addresslist "+nl.Name)
		}
	}
}

// secLiteralDomain is a regex domain part that names a domain: labels
// joined by dots (escaped or not), optionally anchored.
var secLiteralDomain = lazyRegexp(`^[A-Za-z0-9-]+(?:\\?\.[A-Za-z0-9-]+)+\$?$`)

func secUnescapedDot(re string) bool {
	for i := 0; i < len(re); i++ {
		switch re[i] {
		case '\\':
			i++
		case '.':
			return true
		}
	}
	return false
}

// checkDomainPattern: manualroute expands the route_list domain pattern
// before matching (match_isinlist), so `$domain` matches every domain, as
// `*` does [src, exp].
func checkDomainPattern(p *lint.Pass) {
	s := p.Unit.(*Setup)
	for _, r := range s.Routers {
		if r.RouteList == nil {
			continue
		}
		for _, rule := range r.Rules {
			if rule.Pattern != "$domain" && rule.Pattern != "${domain}" {
				continue
			}
			fd, f, ok := s.At(r.RouteList.Value, rule.PatternStart, rule.PatternEnd)
			if !ok {
				continue
			}
			fd.Message = "route_list pattern " + rule.Pattern + " is expanded before matching, so it matches every domain: the rule is the same as `*`"
			fd.Hint = "write `*` to say it plainly (or a domain name to route only that domain)"
			if path, lo, hi := r.RouteList.Value.Span(rule.PatternStart, rule.PatternEnd); path != "" && hi <= len(f.Src) && string(f.Src[lo:hi]) == rule.Pattern {
				fd.Fix = &lint.Fix{Description: "write * for every domain", Safe: !secGenerated(s, f),
					Edits: []lint.TextEdit{{Start: lo, End: hi, NewText: "*"}}}
			}
			p.Report(fd)
		}
	}
}
