package postfix

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	pf "github.com/smarthost-lint/smarthost-lint/parsers/postfix"
)

// PF021 (a '#' comment after a value) and PF025 (a value wrapped in
// quotes): main.cf has neither trailing comments nor quoting, so both end
// up inside the value. [exp] postconf 3.7.11 keeps `# relay` in
// `relayhost = [h]:587 # relay` and the quotes in `relayhost = "[h]:587"`.

var pf021 = &lint.Rule{
	ID: "PF021", MTA: Name, Severity: lint.SeverityError,
	Title: "trailing '#' comment inside a value",
	Check: checkPF021,
}

var pf025 = &lint.Rule{
	ID: "PF025", MTA: Name, Severity: lint.SeverityError,
	Title: "value wrapped in quote characters",
	Check: checkPF025,
}

// routeHashWord returns the index of the first '#' that starts a word (at
// the start of v or after whitespace), or -1. A byte scan: it runs over
// every value of million-entry tables.
func routeHashWord(v string) int {
	for i := 0; i < len(v); {
		j := strings.IndexByte(v[i:], '#')
		if j < 0 {
			return -1
		}
		i += j
		if i == 0 || v[i-1] == ' ' || v[i-1] == '\t' || v[i-1] == '\r' || v[i-1] == '\n' {
			return i
		}
		i++
	}
	return -1
}

// routeFreeText reports parameters whose value is free text (a banner, a
// reply footer): a '#' there is shown to clients rather than breaking
// anything.
func routeFreeText(name string) bool {
	return strings.HasSuffix(name, "_banner") || strings.HasSuffix(name, "_footer") || name == "mail_name"
}

// routeShellParam reports parameters whose value is a command line: the
// shell gives quotes and '#' their meaning there.
func routeShellParam(name string) bool {
	return strings.HasSuffix(name, "_command") || strings.HasSuffix(name, "_path") && !strings.HasSuffix(name, "_maps")
}

// routeValueTables are the tables whose values are destinations, transport
// results or TLS policies: a stray '#' or quote in them breaks routing.
var routeValueTables = map[string]bool{
	"transport_maps": true, "sender_dependent_relayhost_maps": true,
	"sender_dependent_default_transport_maps": true, "smtp_tls_policy_maps": true,
}

func checkPF021(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main != nil {
		for _, prm := range s.Main.Params() {
			if routeShellParam(prm.Name) || s.Main.Lookup(prm.Name) != prm {
				continue // an earlier duplicate is PF022's business
			}
			hash := routeHashWord(prm.Value)
			if hash < 0 {
				continue
			}
			start := prm.OffsetOf(hash)
			end := prm.ValueEnd.Offset
			fd := s.MainFile.At(start, end)
			comment := prm.Value[hash:]
			if routeFreeText(prm.Name) {
				fd.Severity = lint.SeverityWarning
				fd.Message = prm.Name + " contains " + strconv.Quote(comment) + ": main.cf has no trailing comments, so this text is part of the value"
			} else {
				fd.Message = prm.Name + " contains " + strconv.Quote(comment) + ": main.cf has no trailing comments, so '#' and the words after it are part of the value"
				if routingParams[prm.Name] || prm.Name == "relayhost" {
					fd.Message += " (" + prm.Name + " is a list: each word becomes one more item, e.g. a destination Postfix tries)"
				}
			}
			fd.Hint = "move the comment to a line of its own above " + prm.Name
			if f := routeMoveComment(s.MainFile, prm, hash); f != nil {
				fd.Fix = f
			}
			p.Report(fd)
		}
	}
	if s.Master != nil {
		for _, svc := range s.Master.Services {
			for _, o := range svc.Overrides {
				// Only a braced -o { name = value } can hold whitespace.
				hash := routeHashWord(o.Value)
				if hash <= 0 || routeShellParam(o.Name) {
					continue
				}
				start := o.ValuePos.Offset + hash
				fd := s.MasterFile.At(start, o.ValuePos.Offset+len(o.Value))
				fd.Message = "-o " + o.Name + " on service " + svc.Name + " contains " + strconv.Quote(o.Value[hash:]) + ": '#' is part of the value"
				fd.Hint = "remove the comment from the -o value"
				p.Report(fd)
			}
		}
	}
	seen := map[*lint.File]bool{}
	for _, m := range s.Maps {
		if m.Table == nil || m.Source == nil || seen[m.Source] {
			continue
		}
		secret := passwordParams[m.Param]
		if !secret && !routeValueTables[m.Param] {
			continue
		}
		seen[m.Source] = true
		for i := range m.Table.Entries {
			e := &m.Table.Entries[i]
			hash := routeHashWord(e.Value)
			if hash < 0 {
				continue
			}
			start := e.ValueOffset + hash
			if e.Continued {
				start = e.ValueOffset
			}
			fd := m.Source.At(start, e.ValueEnd)
			if secret {
				// Never quote the value: it is the password.
				fd.Severity = lint.SeverityWarning
				fd.Message = "the password of entry " + strconv.Quote(e.Key) + " contains \" #\": map files have no trailing comments, so if this is meant as a comment it is sent as part of the password"
				fd.Hint = "move the comment to a line of its own and re-run postmap"
			} else {
				fd.Message = m.Param + " entry " + strconv.Quote(e.Key) + " contains " + strconv.Quote(e.Value[hash:]) + ": map files have no trailing comments (postmap(1): \"The key and value are processed as is\"), so '#' and the words after it are part of the result"
				// [exp] postfix-e2e.sh 3.7.11: "[h]:587 encrypt # c" in
				// smtp_tls_policy_maps → "malformed attribute/value pair
				// "#"", deferred ("client TLS configuration problem");
				// "d smtp:[h]:587 # c" in transport_maps delivers to [h]:587
				// and keeps "#" and "c" as further nexthops.
				if m.Param == "smtp_tls_policy_maps" {
					fd.Message += ": smtp(8) rejects the policy (\"malformed attribute/value pair\") and defers the mail (\"client TLS configuration problem\")"
				} else {
					fd.Message += ": each word becomes one more nexthop that smtp(8) tries when the first one fails"
				}
				fd.Hint = "move the comment to a line of its own and re-run postmap"
			}
			p.Report(fd)
		}
	}
}

// routeMoveComment moves a trailing comment to its own line above the
// parameter, when the comment runs to the end of the value on the same
// physical line.
func routeMoveComment(f *lint.File, prm *pf.Param, hash int) *lint.Fix {
	start := prm.OffsetOf(hash)
	end := prm.ValueEnd.Offset
	if start < 0 || end > len(f.Src) || start >= end {
		return nil
	}
	if f.ContainsSecret(start, end) {
		return nil // never copy masked bytes into a fix
	}
	comment := string(f.Src[start:end])
	if strings.ContainsAny(comment, "\r\n") {
		return nil // the value goes on on a continuation line
	}
	cut := start
	for cut > prm.ValuePos.Offset && (f.Src[cut-1] == ' ' || f.Src[cut-1] == '\t') {
		cut--
	}
	nl := "\n"
	if e := bytes.IndexByte(f.Src[end:], '\n'); e > 0 && f.Src[end+e-1] == '\r' {
		nl = "\r\n"
	}
	ls := routeLineStart(f.Src, prm.NamePos.Offset)
	return &lint.Fix{
		Description: "move the comment above " + prm.Name,
		Safe:        true,
		Edits: []lint.TextEdit{
			{Start: ls, End: ls, NewText: comment + nl},
			{Start: cut, End: end, NewText: ""},
		},
	}
}

// routeQuoted reports a value wrapped in one kind of quote with no other
// quote of that kind inside ("[h]:587", 'yes').
func routeQuoted(v string) bool {
	if len(v) < 2 {
		return false
	}
	q := v[0]
	return (q == '"' || q == '\'') && v[len(v)-1] == q && strings.IndexByte(v[1:len(v)-1], q) < 0
}

func checkPF025(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main != nil {
		for _, prm := range s.Main.Params() {
			if routeShellParam(prm.Name) || !routeQuoted(prm.Value) || s.Main.Lookup(prm.Name) != prm {
				continue
			}
			fd := s.MainFile.At(prm.ValuePos.Offset, prm.ValueEnd.Offset)
			fd.Message = prm.Name + " = " + prm.Value + ": quotes are not syntax in main.cf, so they are part of the value"
			switch {
			case routeFreeText(prm.Name):
				fd.Severity = lint.SeverityWarning
				fd.Message += " and are shown as they are"
			case prm.Name == "relayhost":
				fd.Message += " (smtp(8) dies with \"fatal: valid hostname or network address required in server description: " + prm.Value + "\")"
			default:
				if _, ok := Bool(prm.Value[1 : len(prm.Value)-1]); ok {
					fd.Message += " (\"bad boolean configuration\" is fatal for the daemons)"
				}
			}
			inner := prm.Value[1 : len(prm.Value)-1]
			fd.Hint = "write " + prm.Name + " = " + inner
			open, close := prm.OffsetOf(0), prm.OffsetOf(len(prm.Value)-1)
			if open >= 0 && close > open && s.MainFile.Src[open] == prm.Value[0] && s.MainFile.Src[close] == prm.Value[0] {
				fd.Fix = &lint.Fix{Description: "remove the quotes", Safe: true, Edits: []lint.TextEdit{
					{Start: open, End: open + 1}, {Start: close, End: close + 1},
				}}
			}
			p.Report(fd)
		}
	}
	if s.Master != nil {
		for _, svc := range s.Master.Services {
			for _, o := range svc.Overrides {
				if routeShellParam(o.Name) || !routeQuoted(o.Value) {
					continue
				}
				start := o.ValuePos.Offset
				end := start + len(o.Value)
				fd := s.MasterFile.At(start, end)
				fd.Message = "-o " + o.Name + "=" + o.Value + " on service " + svc.Name + ": quotes are not syntax in master.cf, so they are part of the value"
				fd.Hint = "write -o " + o.Name + "=" + o.Value[1:len(o.Value)-1] + " (master.cf groups a value with spaces as -o { name = value })"
				if routeExact(s.MasterFile, start, end, o.Value) {
					fd.Fix = &lint.Fix{Description: "remove the quotes", Safe: true, Edits: []lint.TextEdit{
						{Start: start, End: start + 1}, {Start: end - 1, End: end},
					}}
				}
				p.Report(fd)
			}
		}
	}
	seen := map[*lint.File]bool{}
	for _, m := range s.Maps {
		if m.Table == nil || m.Source == nil || seen[m.Source] || !routeValueTables[m.Param] {
			continue
		}
		seen[m.Source] = true
		for i := range m.Table.Entries {
			e := &m.Table.Entries[i]
			if !routeQuoted(e.Value) {
				continue
			}
			fd := m.Source.At(e.ValueOffset, e.ValueEnd)
			fd.Message = m.Param + " entry " + strconv.Quote(e.Key) + " has the result " + e.Value + ": quotes are not syntax in map files (postmap(1): \"The key and value are processed as is\"), so they are part of the result"
			fd.Hint = "write " + e.Key + " " + e.Value[1:len(e.Value)-1] + " and re-run postmap"
			if routeExact(m.Source, e.ValueOffset, e.ValueEnd, e.Value) {
				fd.Fix = &lint.Fix{Description: "remove the quotes", Safe: true, Edits: []lint.TextEdit{
					{Start: e.ValueOffset, End: e.ValueOffset + 1}, {Start: e.ValueEnd - 1, End: e.ValueEnd},
				}}
			}
			p.Report(fd)
		}
	}
}
