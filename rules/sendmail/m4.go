package sendmail

import (
	"fmt"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	smp "github.com/smarthost-lint/smarthost-lint/parsers/sendmail"
)

var m4Rules = []*lint.Rule{
	{ID: "SM005", MTA: Name, Severity: lint.SeverityError, Title: "define, FEATURE or OSTYPE placed after the MAILER() it must precede", Check: checkOrder},
	{ID: "SM006", MTA: Name, Severity: lint.SeverityError, Title: "m4 quoting error: wrong quote characters, unclosed quote or parenthesis", Check: checkQuoting},
	{ID: "SM007", MTA: Name, Severity: lint.SeverityError, Title: "'#' does not comment out m4 macros in a .mc file", Check: checkHashComments},
	{ID: "SM008", MTA: Name, Severity: lint.SeverityInfo, Title: "macro line without dnl leaves a blank line in the generated .cf", Check: checkMissingDnl},
}

// mailerOf maps the prefix of a *_MAILER_* define to the MAILER() that
// reads it (cf/README mailer tables; mailer/*.m4 fill in defaults with
// ifdef when MAILER() is read).
var mailerOf = map[string]string{
	"SMTP": "smtp", "ESMTP": "smtp", "SMTP8": "smtp", "DSMTP": "smtp", "RELAY": "smtp",
	"LOCAL": "local", "PROG": "local", "PROCMAIL": "procmail", "UUCP": "uucp",
	"CYRUS": "cyrus", "CYRUSV2": "cyrusv2", "FAX": "fax", "POP": "pop", "QPAGE": "qpage",
	"MAIL11": "mail11", "PH": "phquery", "USENET": "usenet",
}

var mailerDefine = lazyRegexp(`^([A-Z0-9]+)_MAILER_[A-Z_]+$`)

// checkOrder is SM005. [exp] a define(`RELAY_MAILER_ARGS', ...) after
// MAILER(`smtp') has no effect; cf.m4 itself prints "*** ERROR: FEATURE()
// should be before MAILER()"; cf/README: "It is IMPERATIVE that the OSTYPE
// occur before any MAILER definitions". confAUTH_* defines after MAILER()
// do take effect ([exp] O AuthMechanisms is written from a define placed
// after MAILER(`smtp')), so they are not reported.
func checkOrder(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.MC == nil || s.FirstMailer == nil {
		return
	}
	f := s.MCFile
	seen := map[string]*smp.Call{}
	first := s.FirstMailer
	for _, c := range s.MC.Calls {
		if !c.Top {
			continue
		}
		switch c.Name {
		case "MAILER":
			if m := strings.TrimSpace(c.ArgValue(0)); seen[m] == nil {
				seen[m] = c
			}
		case "define":
			name := strings.TrimSpace(c.ArgValue(0))
			m := mailerDefine().FindStringSubmatch(name)
			if m == nil {
				continue
			}
			mailer := mailerOf[m[1]]
			if mailer == "" {
				mailer = strings.ToLower(m[1])
			}
			if mc := seen[mailer]; mc != nil {
				fd := f.At(c.Start, c.End)
				fd.Message = fmt.Sprintf("%s is defined after MAILER(`%s') on line %d, which has already written the mailer with the default value: this define has no effect", name, mailer, mc.Line)
				fd.Hint = fmt.Sprintf("move this define above MAILER(`%s') and regenerate the .cf", mailer)
				fd.Fix = moveAbove(s.MC.Src, c, mc, fmt.Sprintf("move the define above MAILER(`%s')", mailer))
				p.Report(fd)
			}
		case "FEATURE", "OSTYPE":
			if f := strings.TrimSpace(c.ArgValue(0)); c.Name == "FEATURE" && (f == "nullclient" || f == "msp") {
				// These features read MAILER(`local') and MAILER(`smtp').
				for _, m := range []string{"local", "smtp"} {
					if seen[m] == nil {
						seen[m] = c
					}
				}
			}
			if c.Start > first.Start {
				fd := f.At(c.Start, c.End)
				if c.Name == "FEATURE" {
					fd.Message = fmt.Sprintf("FEATURE(`%s') comes after MAILER() on line %d: cf.m4 reports \"*** ERROR: FEATURE() should be before MAILER()\", and a feature that changes mailers does not apply to the ones already written", strings.TrimSpace(c.ArgValue(0)), first.Line)
				} else {
					fd.Message = fmt.Sprintf("OSTYPE comes after MAILER() on line %d; cf/README: \"It is IMPERATIVE that the OSTYPE occur before any MAILER definitions\"", first.Line)
				}
				fd.Hint = "order the .mc as cf/README says: VERSIONID, OSTYPE, DOMAIN, FEATURE, local defines, MAILER, LOCAL_CONFIG"
				// Not safe: a define between the MAILER() and this line
				// that influences the feature would then come after it.
				if fix := moveAbove(s.MC.Src, c, first, "move it above the first MAILER()"); fix != nil {
					fix.Safe = false
					fd.Fix = fix
				}
				p.Report(fd)
			}
		}
	}
}

// wrongOpen are characters people use as an m4 open quote that m4 treats
// as plain text: the straight quote and typographic quotes.
var wrongOpen = []string{"'", "‘", "’", "“", "´"}

// checkQuoting is SM006.
func checkQuoting(p *lint.Pass) {
	s := p.Unit.(*Setup)
	for _, m := range s.mcFiles() {
		checkQuotingIn(p, m.file, m.mc)
	}
}

func checkQuotingIn(p *lint.Pass, f *lint.File, mc *smp.MC) {
	for _, pr := range mc.Problems {
		// m4 stops at the first of these; later ones are its echoes.
		if pr.Kind != smp.EOFInString && pr.Kind != smp.EOFInArgList {
			continue
		}
		fd := f.At(pr.Start, pr.End)
		if pr.Kind == smp.EOFInString {
			fd.Message = "this ` quote is never closed: m4 fails with \"ERROR: end of file in string\" and no usable .cf is built"
			fd.Hint = "close the quote with ' (m4 quotes are `like this')"
		} else {
			fd.Message = "the ( of this macro call is never closed: m4 fails with \"ERROR: end of file in argument list\" and no usable .cf is built"
			fd.Hint = "add the missing ) at the end of the call"
		}
		p.Report(fd)
		break
	}
	for _, c := range mc.Calls {
		for i, a := range c.Args {
			open := ""
			for _, w := range wrongOpen {
				if strings.HasPrefix(a.Raw, w) {
					open = w
				}
			}
			if open == "" {
				continue
			}
			fd := f.At(a.Start, a.End)
			what := "the straight quote ' is m4's close quote; as an open quote it is plain text"
			if open != "'" {
				what = "typographic quotes are plain text to m4"
			}
			switch {
			case c.Name == "define" && i == 0:
				fd.Message = fmt.Sprintf("define(%s...): %s, so this defines a macro literally named %s and %s stays undefined", a.Raw, what, strings.TrimSpace(a.Raw), strings.Trim(strings.TrimSpace(a.Raw), "'‘’“”´"))
			default:
				fd.Message = fmt.Sprintf("argument %s of %s(): %s, so the quote characters end up in the generated .cf", strings.TrimSpace(a.Raw), c.Name, what)
			}
			fd.Hint = "m4 quotes open with a backtick and close with a straight quote: `like this'"
			if fix := requote(a); fix != nil {
				fd.Fix = fix
			}
			p.Report(fd)
		}
	}
}

var simpleQuoted = lazyRegexp("^(?:'|‘|’|“|´)([^'‘’“”´`]*)(?:'|’|”|´)([ \t]*)$")

// requote rewrites 'x' or ‘x’ as `x' when the argument is just that.
func requote(a *smp.Arg) *lint.Fix {
	m := simpleQuoted().FindStringSubmatch(a.Raw)
	if m == nil {
		return nil
	}
	return &lint.Fix{Description: "use m4 quotes `...'", Safe: true, Edits: []lint.TextEdit{{Start: a.Start, End: a.End, NewText: "`" + m[1] + "'" + m[2]}}}
}

// checkHashComments is SM007: cf/README "M4 macros are expanded even in
// lines that appear to be comments" (cf.m4 turns m4 comments off) [exp].
func checkHashComments(p *lint.Pass) {
	s := p.Unit.(*Setup)
	for _, m := range s.mcFiles() {
		checkHashCommentsIn(p, m.file, m.mc)
	}
}

func checkHashCommentsIn(p *lint.Pass, f *lint.File, mc *smp.MC) {
	src := mc.Src
	done := map[int]bool{}
	for _, c := range mc.Calls {
		if !c.Top || done[c.Line] {
			continue
		}
		ls := strings.LastIndexByte(src[:c.Start], '\n') + 1
		lead := src[ls:c.Start]
		t := strings.TrimLeft(lead, " \t")
		if !strings.HasPrefix(t, "#") {
			continue
		}
		done[c.Line] = true
		hash := ls + len(lead) - len(t)
		fd := f.At(c.Start, c.End)
		fd.Message = fmt.Sprintf("%s() on a line starting with '#' is still expanded by m4: '#' is not a comment in a .mc file, so this line is active", c.Name)
		fd.Hint = "comment it out with dnl (\"dnl # ...\"), or delete the line"
		fd.Fix = &lint.Fix{Description: "prefix the line with dnl", Safe: true, Edits: []lint.TextEdit{{Start: hash, End: hash, NewText: "dnl "}}}
		p.Report(fd)
	}
}

// checkMissingDnl is SM008: text after a top-level call up to the newline
// is copied to the .cf while the diversion is 0 (seed S14): harmless
// blank lines, but the sign of a .mc written without m4 conventions.
func checkMissingDnl(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.MC == nil {
		return
	}
	f := s.MCFile
	discard := false
	var edits []lint.TextEdit
	var first *smp.Node
	for i, n := range s.MC.Nodes {
		if n.Kind != smp.NodeCall {
			continue
		}
		if n.Call.Name == "divert" {
			discard = strings.TrimSpace(n.Call.ArgValue(0)) == "-1"
			continue
		}
		if (n.Call.Name == "include" || n.Call.Name == "sinclude") && strings.HasSuffix(strings.TrimSpace(n.Call.ArgValue(0)), "cf.m4") {
			// cf.m4 ends with divert(0).
			discard = false
			continue
		}
		if n.Call.Name == "VERSIONID" {
			// VERSIONID expands to a "#####  ...  #####" comment line whose
			// newline is the one after the call: with dnl the next .cf line
			// is glued onto the comment [exp].
			continue
		}
		if discard || !n.Call.Closed || i+1 >= len(s.MC.Nodes) {
			continue
		}
		next := s.MC.Nodes[i+1]
		if next.Kind != smp.NodeText || !strings.HasPrefix(strings.TrimLeft(next.Text, " \t\r"), "\n") {
			continue
		}
		if first == nil {
			first = n
		}
		edits = append(edits, lint.TextEdit{Start: n.End, End: n.End, NewText: "dnl"})
	}
	if first == nil {
		return
	}
	fd := f.At(first.Start, first.End)
	fd.Message = "this macro line ends without dnl, so m4 copies its newline into the .cf as a blank line"
	if len(edits) > 1 {
		fd.Message = fmt.Sprintf("%d macro lines (the first here) end without dnl, so m4 copies their newlines into the .cf as blank lines", len(edits))
	}
	fd.Hint = "end macro lines with dnl, as the stock .mc files do"
	fd.Fix = &lint.Fix{Description: "append dnl", Safe: true, Edits: edits}
	p.Report(fd)
}

type mcFile struct {
	file *lint.File
	mc   *smp.MC
}

// mcFiles returns the .mc and the m4 files it includes, in a stable order.
func (s *Setup) mcFiles() []mcFile {
	if s.MC == nil {
		return nil
	}
	out := []mcFile{{s.MCFile, s.MC}}
	for _, f := range s.files {
		if f == s.MCFile {
			continue
		}
		if mc, ok := f.Parsed.(*smp.MC); ok {
			out = append(out, mcFile{f, mc})
		}
	}
	return out
}

// moveAbove returns a fix that moves the macro call c, alone on its line
// (optionally followed by dnl and a comment), to a line of its own just
// before the line of the call target; nil when the line holds more, so
// that nothing else moves with it.
func moveAbove(src string, c, target *smp.Call, desc string) *lint.Fix {
	ls := strings.LastIndexByte(src[:c.Start], '\n') + 1
	le := len(src)
	if i := strings.IndexByte(src[c.End:], '\n'); i >= 0 {
		le = c.End + i + 1
	}
	rest := strings.TrimSpace(src[c.End:le])
	if strings.TrimSpace(src[ls:c.Start]) != "" || (rest != "" && !strings.HasPrefix(rest, "dnl")) {
		return nil
	}
	ts := strings.LastIndexByte(src[:target.Start], '\n') + 1
	if ts >= ls {
		return nil
	}
	moved := src[c.Start:le]
	if rest == "" {
		moved = src[c.Start:c.End] + "dnl\n"
	} else if !strings.HasSuffix(moved, "\n") {
		moved += "\n"
	}
	return &lint.Fix{Description: desc, Safe: true, Edits: []lint.TextEdit{
		{Start: ts, End: ts, NewText: moved},
		{Start: ls, End: le},
	}}
}
