package qmail

import (
	"strconv"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	qp "github.com/smarthost-lint/smarthost-lint/parsers/qmail"
)

// wildcardRule is QM003. qmail-remote(8): ".af.mil:" routes "any address
// ending with .af.mil (but not af.mil itself)"; qmail-remote.c looks up
// a.b.c, .b.c, .c, then the empty key, so "example.com:" covers only
// example.com and ".example.com:" only its subdomains.
var wildcardRule = &lint.Rule{
	ID:       "QM003",
	MTA:      Name,
	Severity: lint.SeverityWarning,
	Title:    "'.domain' does not cover the domain itself, 'domain' does not cover its subdomains",
	Check:    checkWildcards,
}

// duplicateRule is QM004: constmap_init prepends every entry to its hash
// chain, so for a key written twice the last line wins.
var duplicateRule = &lint.Rule{
	ID:       "QM004",
	MTA:      Name,
	Severity: lint.SeverityWarning,
	Title:    "route for the same domain written twice (the last line wins)",
	Check:    checkDuplicates,
}

// defaultRouteRule is QM005: "all mail via the smarthost" is the line with
// an empty domain (":relay:port"); qmail has no '*' wildcard.
var defaultRouteRule = &lint.Rule{
	ID:       "QM005",
	MTA:      Name,
	Severity: lint.SeverityError,
	Title:    "no default route, or routes that send some domains elsewhere",
	Check:    checkDefaultRoute,
}

// localRule is QM009: qmail-send delivers domains in control/locals and
// control/virtualdomains locally; their mail never reaches qmail-remote.
var localRule = &lint.Rule{
	ID:       "QM009",
	MTA:      Name,
	Severity: lint.SeverityInfo,
	Title:    "route for a domain that qmail delivers locally",
	Check:    checkLocalRoutes,
}

// effective lists the routes that are in force: the last of each key.
func effective(s *qp.Smtproutes) []*qp.Route {
	var out []*qp.Route
	for _, r := range s.Routes {
		if e, _ := s.Route(r.KeyText()); e == r {
			out = append(out, r)
		}
	}
	return out
}

func checkWildcards(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Routes == nil {
		return
	}
	f := s.RoutesFile
	for _, r := range effective(s.Routes) {
		key := r.Domain()
		switch {
		case key == "" || wildcardAttempt(key) || strings.ContainsAny(key, " \t\r*"):
			continue // no domain, or QM001/QM005's
		case key[0] == '.':
			dom := key[1:]
			if _, ok := s.Routes.Route(dom); ok {
				continue
			}
			other := s.Routes.Lookup(dom)
			if destOf(other) == destOf(r) {
				continue
			}
			fd := at(f, r.Key)
			fd.Message = shown(f, r.Key) + " covers subdomains only, not " + dom + " itself (qmail-remote(8): \"but not af.mil itself\"): mail for " + dom + " goes " + describe(f, other)
			fd.Hint = "add a line for the domain itself, e.g. " + dom + ":<same relay>, if it should use this route too"
			if r.Value != nil && !f.ContainsSecret(r.Value.Pos.Offset, r.Value.End.Offset) {
				fd.Fix = &lint.Fix{Description: "add a route for " + dom + " itself", Edits: []lint.TextEdit{{Start: r.Line.Pos.Offset, End: r.Line.Pos.Offset, NewText: dom + ":" + r.Value.Text + "\n"}}}
			}
			p.Report(fd)
		default:
			if r.MX() {
				continue
			}
			if _, ok := s.Routes.Route("." + key); ok {
				continue
			}
			// Subdomains falling back to the default route are QM005's
			// business; what matters here is subdomain mail leaving
			// directly (MX) while the domain itself uses a relay. Intent
			// is unknowable, hence info.
			sub := "mail." + key
			other := s.Routes.Lookup(sub)
			if other != nil && !other.MX() {
				continue
			}
			fd := at(f, r.Key)
			fd.Severity = lint.SeverityInfo
			fd.Message = shown(f, r.Key) + " routes that exact domain only; its subdomains (e.g. " + sub + ") go " + describe(f, other)
			fd.Hint = "add ." + key + ":<same relay> if subdomains should use this route too"
			if !f.ContainsSecret(r.Value.Pos.Offset, r.Value.End.Offset) {
				fd.Fix = &lint.Fix{Description: "add a route for the subdomains of " + key, Edits: []lint.TextEdit{{Start: r.Line.Pos.Offset, End: r.Line.Pos.Offset, NewText: "." + key + ":" + r.Value.Text + "\n"}}}
			}
			p.Report(fd)
		}
	}
}

func checkDuplicates(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Routes == nil {
		return
	}
	f := s.RoutesFile
	for _, r := range s.Routes.Routes {
		last, _ := s.Routes.Route(r.KeyText())
		if last == r {
			continue
		}
		what := "the route for " + shown(f, r.Key)
		if r.Key == nil {
			what = "the default route (empty domain)"
		}
		fd := f.At(r.Pos.Offset, r.End.Offset)
		fd.Message = what + " is written again on line " + strconv.Itoa(last.Line.Pos.Line) + ", which wins (qmail uses the last line for a domain): this line is ignored; mail goes " + describe(f, last)
		fd.Hint = "keep one line per domain; `echo ... >> smtproutes` appends a second line instead of replacing the first"
		fd.Fix = &lint.Fix{Description: "delete the ignored line", Edits: []lint.TextEdit{deleteLine(f, r.Line)}}
		p.Report(fd)
	}
}

// wildcardAttempt recognises keys people write for "every domain" that
// qmail matches literally.
func wildcardAttempt(key string) bool {
	switch strings.ToLower(key) {
	case "*", "*.*", ".", "*.", ".*", "default", "all", "any", "@":
		return true
	}
	return false
}

func checkDefaultRoute(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Routes == nil {
		return
	}
	f := s.RoutesFile
	def, hasDefault := s.Routes.Route("")
	for _, r := range effective(s.Routes) {
		if r.Key != nil && wildcardAttempt(r.Key.Text) {
			fd := at(f, r.Key)
			fd.Message = "qmail has no wildcard domain: the key " + shown(f, r.Key) + " matches no recipient domain, so this line routes nothing"
			fd.Hint = "a line starting with ':' (empty domain) is the default route for all mail"
			fd.Fix = &lint.Fix{Description: "make it the default route", Edits: []lint.TextEdit{{Start: r.Key.Pos.Offset, End: r.Key.End.Offset}}}
			if hasDefault {
				fd.Fix = nil
			}
			p.Report(fd)
		}
	}
	want := p.Settings.Smarthost
	if !hasDefault {
		if want == "" {
			return // a per-domain setup ("Routing specific domain destinations")
		}
		fd := f.WholeFile()
		fd.Message = "no default route (a line starting with ':'): mail for every domain not listed goes directly to its MX hosts, not via " + want
		fd.Hint = "add the line :" + want + ":" + strconv.Itoa(p.Settings.Port)
		p.Report(fd)
		return
	}
	if def.MX() {
		if want != "" {
			fd := f.At(def.Pos.Offset, def.End.Offset)
			fd.Message = "the default route has an empty relay: all mail goes directly to MX hosts, not via " + want
			fd.Hint = "write :" + want + ":" + strconv.Itoa(p.Settings.Port)
			p.Report(fd)
		}
		return
	}
	if want != "" && !isSmarthostRoute(p, EffectiveRelay(def)) {
		fd := at(f, def.Value)
		fd.Message = "the default route sends all mail " + describe(f, def) + ", not via " + want
		fd.Hint = "write :" + want + ":" + strconv.Itoa(p.Settings.Port)
		p.Report(fd)
	}
	d := destOf(def)
	for _, r := range effective(s.Routes) {
		if r == def || (r.Key != nil && wildcardAttempt(r.Key.Text)) || destOf(r) == d {
			continue
		}
		fd := at(f, r.Key)
		if want == "" || !r.MX() && isSmarthostRoute(p, EffectiveRelay(r)) {
			fd.Severity = lint.SeverityWarning
		}
		fd.Message = "this route overrides the default route for " + shown(f, r.Key) + ": its mail goes " + describe(f, r) + ", not " + describe(f, def)
		fd.Hint = "delete this line if all mail should go through the smarthost"
		p.Report(fd)
	}
}

func checkLocalRoutes(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Routes == nil || len(s.Locals) == 0 {
		return
	}
	f := s.RoutesFile
	for _, r := range effective(s.Routes) {
		key := r.Domain()
		if key == "" {
			continue
		}
		for _, l := range s.Locals {
			match := l.Domain == key || (l.Wildcard && !strings.HasPrefix(key, ".") && strings.HasSuffix(key, l.Domain))
			if !match {
				continue
			}
			what := "control/locals"
			if l.Virtual {
				what = "control/virtualdomains"
			}
			fd := at(f, r.Key)
			fd.Message = shown(f, r.Key) + " is delivered locally (" + what + " line " + strconv.Itoa(l.Line) + "): qmail-send never hands its mail to qmail-remote, so this route is never used"
			fd.Hint = "remove the domain from " + what + " if its mail should leave through the route, or drop the route"
			p.Report(fd)
			break
		}
	}
}
