package qmail

import (
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	qp "github.com/smarthost-lint/smarthost-lint/parsers/qmail"
)

// syntaxRule is QM001. qmail-control(5): "Trailing spaces and tabs are
// allowed in any control file" — and nothing else: control_readfile
// (control.c) strips only trailing ' ', '\t', '\n' (a '\r' stays), a
// comment is a line whose first byte is '#', and constmap_init keys on the
// text before the first ':' and skips lines without one. qmail-remote(8):
// "Each route has the form domain:relay, without any extra spaces."
var syntaxRule = &lint.Rule{
	ID:       "QM001",
	MTA:      Name,
	Severity: lint.SeverityError,
	Title:    "control file line not read as intended (spaces, CR, no colon, indented comment)",
	Check:    checkSyntax,
}

func checkSyntax(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Routes != nil {
		checkLines(p, s.RoutesFile, s.Routes.Lines, "smtproutes")
		for _, r := range s.Routes.Routes {
			checkBrackets(p, s.RoutesFile, r)
			checkEmptyHost(p, s.RoutesFile, r)
		}
	}
	if s.Auth != nil {
		checkLines(p, s.AuthFile, s.Auth.Lines, "authsenders")
	}
}

func checkLines(p *lint.Pass, f *lint.File, lines []*qp.Line, what string) {
	for _, ln := range lines {
		if ln.Kind != qp.LineData {
			continue
		}
		if checkIndent(p, f, ln) {
			continue
		}
		for _, rec := range ln.Records {
			if !rec.Colon {
				checkNoColon(p, f, rec, what)
				continue
			}
			checkSpaces(p, f, rec)
		}
		checkCR(p, f, ln)
	}
}

// checkIndent reports leading white space; it returns true for an
// indented "comment", which has nothing else worth reporting.
func checkIndent(p *lint.Pass, f *lint.File, ln *qp.Line) bool {
	n := 0
	for n < len(ln.Text) && isSpace(ln.Text[n]) {
		n++
	}
	if n == 0 {
		return false
	}
	fd := f.At(ln.Pos.Offset, ln.Pos.Offset+n)
	fd.Fix = &lint.Fix{Description: "remove the leading white space", Safe: true,
		Edits: []lint.TextEdit{{Start: ln.Pos.Offset, End: ln.Pos.Offset + n}}}
	rest := ln.Text[n:]
	comment := strings.HasPrefix(rest, "#")
	switch {
	case comment:
		fd.Message = "this is not a comment: qmail treats a line as a comment only when '#' is its very first byte; indented, it is read as data"
		fd.Hint = "start the comment with '#' in column 1"
	case strings.HasPrefix(rest, ":"):
		fd.Message = "leading white space becomes part of the domain, so this is not the default route: qmail-remote looks up the key " + shownRange(f, ln.Pos.Offset, ln.Pos.Offset+n) + " and no domain matches it"
		fd.Hint = "start the line with ':' in column 1"
	default:
		fd.Message = "leading white space becomes part of the domain key, so no recipient domain ever matches this line"
		fd.Hint = "start the line with the domain in column 1"
	}
	p.Report(fd)
	return comment
}

func checkNoColon(p *lint.Pass, f *lint.File, rec *qp.Record, what string) {
	if strings.TrimLeft(rec.Text, " \t") == "" || strings.HasPrefix(strings.TrimLeft(rec.Text, " \t"), "#") {
		return
	}
	fd := at(f, &rec.Field)
	fd.Message = "no ':' in this line: qmail ignores it silently (constmap_init skips entries without a colon)"
	switch what {
	case "authsenders":
		fd.Message = "no ':' in this line: qmail-remote reads authsenders with constmap_init(..., flagcolon=1), which skips entries without a colon, so these credentials are never used"
		fd.Hint = "write sender:relay:port|user|password (a leading ':' for all senders)"
	default:
		fd.Hint = "write domain:relay:port, e.g. example.com:smtp.example.net:587 (or :smtp.example.net:587 for all mail)"
	}
	p.Report(fd)
}

// checkSpaces reports white space next to a ':' and inside the key.
func checkSpaces(p *lint.Pass, f *lint.File, rec *qp.Record) {
	var edits []lint.TextEdit
	lo, hi := -1, -1
	span := func(a, b int) {
		if a >= b {
			return
		}
		edits = append(edits, lint.TextEdit{Start: a, End: b})
		if lo < 0 || a < lo {
			lo = a
		}
		hi = max(hi, b)
	}
	src := f.Src
	sep := rec.Sep.Offset
	// Around the first ':' (the leading white space of the line is
	// reported by checkIndent).
	a := sep
	for a > rec.Line.Pos.Offset && isSpace(src[a-1]) {
		a--
	}
	if a > rec.Line.Pos.Offset && a > rec.Pos.Offset {
		span(a, sep)
	}
	b := sep + 1
	for b < rec.End.Offset && isSpace(src[b]) {
		b++
	}
	span(sep+1, b)
	// Around the port ':' of the relay.
	if rec.Value != nil {
		v := rec.Value.Text
		if i := strings.IndexByte(v, ':'); i >= 0 && i < strings.IndexAny(v+"|", "|") && !strings.ContainsAny(strings.TrimSpace(v[:i]), " \t") {
			c := rec.Value.Pos.Offset + i
			a := c
			for a > b && isSpace(src[a-1]) {
				a--
			}
			span(a, c)
			e := c + 1
			for e < rec.End.Offset && isSpace(src[e]) {
				e++
			}
			span(c+1, e)
		}
	}
	if len(edits) > 0 {
		fd := f.At(lo, hi)
		fd.Message = "white space around ':' is kept by qmail: it becomes part of the domain key or the relay host (" + shownRange(f, rec.Pos.Offset, rec.End.Offset) + "), so the route does not work"
		fd.Hint = "write domain:relay:port without any spaces"
		fd.Fix = &lint.Fix{Description: "remove the white space around ':'", Safe: true, Edits: edits}
		p.Report(fd)
	}
	if rec.Key != nil {
		k := strings.TrimRight(strings.TrimLeft(rec.Key.Text, " \t"), " \t")
		if i := strings.IndexAny(k, " \t"); i >= 0 {
			off := rec.Key.Pos.Offset + strings.Index(rec.Key.Text, k) + i
			fd := f.At(off, off+1)
			fd.Message = "white space inside the domain " + shown(f, rec.Key) + ": a domain key is one word; no recipient domain matches it"
			fd.Hint = "put one domain per line: domain:relay:port"
			p.Report(fd)
		}
	}
}

// checkCR reports a carriage return qmail keeps at the end of the line
// (CRLF files): it ends up in the relay host (or the key) unless a port
// comes last, where scan_ulong stops at it harmlessly.
func checkCR(p *lint.Pass, f *lint.File, ln *qp.Line) {
	kept := ln.Kept.Offset
	if kept == ln.Pos.Offset || f.Src[kept-1] != '\r' {
		return
	}
	last := ln.Records[len(ln.Records)-1]
	what := ""
	switch {
	case !last.Colon:
		return // ignored anyway (checkNoColon)
	case last.Value == nil:
		return // the CR is in the key: "domain\r:" cannot happen (CR ends the record)
	default:
		v := last.Value.Text
		if i := strings.IndexAny(v, ":|"); i >= 0 && v[i] == ':' && qp.ScanUlong(v[i+1:]) != 0 && !strings.ContainsAny(v[i+1:], "| \t") {
			return // "relay:587\r": scan_ulong stops at the CR; GEN009 still reports the line ending
		}
		what = "the relay becomes " + shown(f, last.Value) + " with a carriage return at its end, a host name that does not resolve"
		if strings.ContainsAny(v, "| \t") {
			// Only a real credential dialect has a password last: in
			// "relay : 587" the spaces are a spacing mistake (QM001
			// reports them) and the CR sits in the port text.
			what = "the text at the end of the line keeps a carriage return (" + shown(f, last.Value) + ")"
			if words := strings.Fields(v); strings.Contains(v, "|") || (len(words) >= 3 && !spacedColon(v)) {
				what = "the password at the end of the line ends in a carriage return and never matches"
			}
		}
		if v == "\r" {
			what = "the relay becomes \"\\r\" instead of empty, so qmail-remote looks up a host named \"\\r\" instead of the MX records"
		}
	}
	fd := f.At(kept-1, kept)
	fd.Message = "Windows (CRLF) line ending: qmail strips only trailing spaces and tabs, so " + what
	fd.Hint = "convert the file to Unix line endings (dos2unix)"
	fd.Fix = &lint.Fix{Description: "remove the carriage return", Safe: true, Edits: []lint.TextEdit{{Start: kept - 1, End: kept}}}
	p.Report(fd)
}

// checkBrackets reports a bracketed host name: qmail-remote accepts
// brackets only around a dotted IPv4 address (ip_scanbracket in dns.c);
// "[smtp.example.com]" is looked up as a name, brackets included.
func checkBrackets(p *lint.Pass, f *lint.File, r *qp.Route) {
	rl := EffectiveRelay(r)
	h := rl.HostText()
	if len(h) < 2 || h[0] != '[' || h[len(h)-1] != ']' || isIPv4(h[1:len(h)-1]) || strings.Contains(h, ":") {
		return
	}
	fd := at(f, rl.Host)
	fd.Message = "qmail-remote accepts brackets only around an IPv4 address; " + shown(f, rl.Host) + " is looked up as a host name with the brackets and never resolves (the Postfix [host] form does not carry over)"
	fd.Hint = "write the host without brackets: " + strings.Trim(shown(f, rl.Host), "\"[]") + " (qmail-remote never does MX lookups for a relay anyway)"
	fd.Fix = &lint.Fix{Description: "remove the brackets", Edits: []lint.TextEdit{
		{Start: rl.Host.Pos.Offset, End: rl.Host.Pos.Offset + 1},
		{Start: rl.Host.End.Offset - 1, End: rl.Host.End.Offset},
	}}
	p.Report(fd)
}

// checkEmptyHost reports "domain::587": the relay is not empty, so
// qmail-remote does not look up MX records; it takes an empty host name
// with port 587 and asks DNS for its A record. What that does was not run
// (RULES.md §8), hence a warning.
func checkEmptyHost(p *lint.Pass, f *lint.File, r *qp.Route) {
	rl := EffectiveRelay(r)
	if r.MX() || rl.Host != nil || rl.PortSep == nil {
		return
	}
	fd := f.At(r.Sep.Offset, rl.PortSep.Offset+1)
	fd.Severity = lint.SeverityWarning
	fd.Message = "empty relay host with a port: this is not \"look up MX records as usual\" (that needs an empty relay, domain:); qmail-remote resolves an empty host name instead (outcome not verified with a real qmail)"
	fd.Hint = "name the relay (domain:relay:port), or write domain: for MX delivery on port 25"
	p.Report(fd)
}

func isIPv4(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 3 || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// spacedColon reports white space next to a ':' ("relay : 587"), the
// spacing mistake, as opposed to Clegg's "relay:587 user password".
func spacedColon(v string) bool {
	return strings.Contains(v, " :") || strings.Contains(v, ": ") || strings.Contains(v, "\t:") || strings.Contains(v, ":\t")
}
