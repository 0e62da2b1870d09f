package postfix

import (
	"sort"
	"strconv"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	pf "github.com/smarthost-lint/smarthost-lint/parsers/postfix"
)

// PF004/PF005 (implicit TLS vs STARTTLS), PF031 (master.cf -o overrides
// on the transports that deliver to the smarthost) and PF034 (TLS policy
// entries keyed differently from the destination). The TLS level comes
// from credModel.tlsLevelFor (tls_level.go), the same computation PF015
// uses.

var pf004 = &lint.Rule{
	ID: "PF004", MTA: Name, Severity: lint.SeverityError,
	Title: "port and TLS mode do not match (465 implicit TLS vs 587 STARTTLS)",
	Check: checkPF004,
}

var pf005 = &lint.Rule{
	ID: "PF005", MTA: Name, Severity: lint.SeverityError,
	Title: "smtp_tls_wrappermode without a mandatory TLS level",
	Check: checkPF005,
}

var pf031 = &lint.Rule{
	ID: "PF031", MTA: Name, Severity: lint.SeverityInfo,
	Title: "master.cf overrides settings for the transport delivering to the smarthost",
	Check: checkPF031,
}

var pf034 = &lint.Rule{
	ID: "PF034", MTA: Name, Severity: lint.SeverityWarning,
	Title: "smtp_tls_policy_maps key does not match the smarthost destination",
	Check: checkPF034,
}

// routeTLSRoutes are the valid routes delivered by smtp(8) (not lmtp),
// with the transports that deliver each.
func routeTLSRoutes(s *Setup) []routeRoute {
	var out []routeRoute
	for _, r := range routing(s).Routes {
		if r.Owner != "" || r.Problem != "" || routeProblem(s, r.Dest) != "" {
			continue
		}
		var svcs []string
		for _, svc := range r.Services {
			if routeProto(s, svc) == "smtp" {
				svcs = append(svcs, svc)
			}
		}
		if len(svcs) == 0 {
			continue
		}
		r.Services = svcs
		out = append(out, r)
	}
	return out
}

// routeWhere says where a parameter value comes from, for messages.
func routeWhere(v Value) string {
	switch {
	case v.Override != nil:
		return "master.cf -o " + v.Name + "=" + v.Raw + " on service " + v.Service
	case v.Set:
		return v.Name + " = " + v.Raw
	}
	return v.Name + " = " + v.Raw + " (the default)"
}

// routeFinding groups the destinations reported at one place.
type routeFinding struct {
	at    routeSpan
	dests []string
	sev   lint.Severity
	// msg builds the message once every destination is known.
	msg  func(dests string, plural bool) string
	hint string
	fix  *lint.Fix
}

type routeFindings struct {
	byAt  map[routeSpan]*routeFinding
	order []routeSpan
}

// add returns the finding at the span, creating it (new reports true).
func (g *routeFindings) add(at routeSpan, dest string) (rf *routeFinding, isNew bool) {
	if g.byAt == nil {
		g.byAt = map[routeSpan]*routeFinding{}
	}
	rf = g.byAt[at]
	if rf == nil {
		rf = &routeFinding{at: at}
		g.byAt[at] = rf
		g.order = append(g.order, at)
		isNew = true
	}
	if dest != "" && !routeHas(rf.dests, dest) {
		rf.dests = append(rf.dests, dest)
	}
	return rf, isNew
}

// report emits the grouped findings.
func (g *routeFindings) report(p *lint.Pass) {
	for _, at := range g.order {
		rf := g.byAt[at]
		fd := at.f.At(at.start, at.end)
		fd.Message = rf.msg(routeQuoteList(rf.dests), len(rf.dests) > 1)
		fd.Hint = rf.hint
		fd.Fix = rf.fix
		if rf.sev != p.Rule.Severity {
			fd.Severity = rf.sev
		}
		p.Report(fd)
	}
}

func routeHas(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func routeQuoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}

// routeWrapOnSTARTTLS reports a destination on a STARTTLS port, where
// wrapper mode is wrong altogether (PF004; PF005 then stays silent).
func routeWrapOnSTARTTLS(d Dest) bool { return d.PortNum == 587 || d.PortNum == 25 }

// [exp] postfix-e2e.sh 3.7.11 against a fake smarthost: relayhost
// [h]:465 without smtp_tls_wrappermode → "timed out while receiving the
// initial server greeting" (deferred, dsn 4.4.2); [h]:587 with
// smtp_tls_wrappermode = yes → "Cannot start TLS: handshake failure"
// (deferred, dsn 4.7.5); [h]:465 (and [h]:smtps) with wrappermode = yes
// and level encrypt → delivered over implicit TLS.
func checkPF004(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main == nil {
		return
	}
	var g routeFindings
	for _, r := range routeTLSRoutes(s) {
		for _, svc := range r.Services {
			wrap := s.GetFor(svc, "smtp_tls_wrappermode")
			on := wrap.Enabled()
			switch {
			case r.PortNum == 465 && !on:
				rf, isNew := g.add(routeSpan{r.In, r.Start, r.End}, r.Raw)
				if !isNew {
					continue
				}
				rf.sev = lint.SeverityError
				r, where := r, routeWhere(wrap)
				rf.msg = func(string, bool) string {
					return routeDescribe(r) + " " + strconv.Quote(r.Raw) + " is port 465, where the server expects TLS from the first byte (SMTPS/submissions), but " + where + ": Postfix waits for a greeting that never comes and the mail is deferred (\"timed out while receiving the initial server greeting\")"
				}
				rf.hint = "use the STARTTLS port, " + r.Canonical(587) + ", or set smtp_tls_wrappermode = yes together with smtp_tls_security_level = encrypt"
			case routeWrapOnSTARTTLS(r.Dest) && on:
				f, start, end := wrap.Span()
				if !wrap.Set {
					f, start, end = r.In, r.Start, r.End
				}
				rf, isNew := g.add(routeSpan{f, start, end}, r.Raw)
				if !isNew {
					continue
				}
				rf.sev = lint.SeverityError
				where := routeWhere(wrap)
				rf.msg = func(dests string, plural bool) string {
					what := "the destination " + dests + " is a STARTTLS port"
					if plural {
						what = "the destinations " + dests + " are STARTTLS ports"
					}
					return where + " makes smtp(8) start TLS immediately (SMTPS), but " + what + " (25/587: the server speaks plain SMTP first and offers STARTTLS): the handshake fails and the mail is deferred (\"Cannot start TLS: handshake failure\")"
				}
				rf.hint = "set smtp_tls_wrappermode = no (STARTTLS on 587 is the documented setup), or use port 465 with wrapper mode"
				if wrap.Param != nil && wrap.Raw == wrap.Expanded {
					rf.fix = &lint.Fix{Description: "use STARTTLS", Edits: []lint.TextEdit{{Start: wrap.Param.ValuePos.Offset, End: wrap.Param.ValueEnd.Offset, NewText: "no"}}}
				}
			}
		}
	}
	g.report(p)
}

// routeLevelOK reports whether a level satisfies wrapper mode:
// postconf(5) #smtp_tls_wrappermode "This mode requires
// "smtp_tls_security_level = encrypt" or stronger."
func routeLevelOK(level string) bool { return tlsMandatory(level) }

// [exp] postfix-e2e.sh 3.7.11, relayhost [h]:465, smtp_tls_wrappermode =
// yes: level may or none → smtp logs 'warning: smtp_tls_wrappermode
// requires "smtp_tls_security_level = encrypt" (or stronger)' and defers
// ("server unavailable or unable to receive mail"); level dane with no
// DNSSEC TLSA records falls back and fails the same way; a policy entry
// "[h]:465 encrypt" with no main.cf level delivers; smtp_enforce_tls = yes
// counts as a mandatory level.
func checkPF005(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main == nil {
		return
	}
	m := credModel{s}
	routes := routeTLSRoutes(s)
	byService := map[string][]routeRoute{}
	var services []string
	for _, r := range routes {
		for _, svc := range r.Services {
			if _, ok := byService[svc]; !ok {
				services = append(services, svc)
			}
			byService[svc] = append(byService[svc], r)
		}
	}
	if len(services) == 0 {
		rm := routing(s)
		if rm.DefaultNext == "" && routeProto(s, rm.DefaultTransport) == "smtp" {
			services = []string{rm.DefaultTransport}
		}
	}
	var g routeFindings
	for _, svc := range services {
		wrap := s.GetFor(svc, "smtp_tls_wrappermode")
		if !wrap.Enabled() {
			continue
		}
		f, start, end := wrap.Span()
		where := routeWhere(wrap)
		check := func(d *Dest, name string) {
			lvl := m.tlsLevelFor(svc, d)
			if lvl.Unknown || routeLevelOK(lvl.Level) {
				return
			}
			rf, isNew := g.add(routeSpan{f, start, end}, name)
			sev := lint.SeverityError
			if lvl.Level == "dane" {
				sev = lint.SeverityWarning
			}
			if sev > rf.sev {
				rf.sev = sev
			}
			if !isNew {
				return
			}
			why := lvl.describe()
			fallback := ""
			if lvl.Level == "dane" {
				fallback = "dane is mandatory only when the server publishes DNSSEC-signed TLSA records; otherwise "
			}
			rf.msg = func(dests string, _ bool) string {
				msg := where + " requires smtp_tls_security_level = encrypt or stronger (postconf(5) #smtp_tls_wrappermode), but " + why + ": " + fallback + "smtp(8) logs 'smtp_tls_wrappermode requires \"smtp_tls_security_level = encrypt\" (or stronger)' and defers the mail"
				if dests != "" {
					msg += " (for " + dests + ")"
				}
				return msg
			}
			rf.hint = "set smtp_tls_security_level = encrypt"
			if lvl.Source == tlsFromPolicy {
				rf.hint = "change the policy entry to `" + lvl.Policy.Entry.Key + " encrypt`"
			}
		}
		rs := byService[svc]
		if len(rs) == 0 {
			check(nil, "")
		}
		for _, r := range rs {
			if routeWrapOnSTARTTLS(r.Dest) {
				continue // PF004: wrapper mode is wrong there altogether
			}
			d := r.Dest
			check(&d, r.Raw)
		}
	}
	g.report(p)
}

// routeClientParam reports an smtp(8) client parameter: it changes how
// the transport delivers (smtp_* / lmtp_* and the per-service names
// "<service>_..." Postfix derives for master.cf services).
func routeClientParam(name, svc string) bool {
	if strings.HasPrefix(name, "smtp_") || strings.HasPrefix(name, "lmtp_") {
		return true
	}
	if rest, ok := strings.CutPrefix(name, svc+"_"); ok && serviceParamSuffixes()[rest] {
		return true
	}
	return false
}

// checkPF031 reports the -o overrides that apply to the mail sent to the
// smarthost; PF004, PF005 and PF015 already evaluate each transport with
// them (Setup.GetFor).
func checkPF031(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main == nil || s.Master == nil {
		return
	}
	target, haveTarget := routeTarget{}, false
	if strings.TrimSpace(p.Settings.Smarthost) != "" {
		target, haveTarget = routeTargetOf(p, routing(s))
	}
	dests := map[string][]string{}
	var services []string
	for _, r := range routeTLSRoutes(s) {
		if haveTarget && !target.matches(r.Dest) {
			continue
		}
		for _, svc := range r.Services {
			if _, ok := dests[svc]; !ok {
				services = append(services, svc)
			}
			if !routeHas(dests[svc], r.Raw) {
				dests[svc] = append(dests[svc], r.Raw)
			}
		}
	}
	sort.Strings(services)
	for _, name := range services {
		svc := s.Service(name)
		if svc == nil {
			continue
		}
		for _, o := range svc.Overrides {
			if !routeClientParam(o.Name, name) || svc.Override(o.Name) != o {
				continue // not a client setting, or a later -o of the name wins
			}
			start := o.NamePos.Offset
			end := o.ValuePos.Offset + len(o.Value)
			if end <= start {
				end = o.ValueEnd.Offset
			}
			fd := s.MasterFile.At(start, end)
			main := s.Get(o.Name)
			if main.Raw == o.Value {
				continue // the same as main.cf: nothing overridden
			}
			was := strconv.Quote(main.Raw)
			switch {
			case main.Raw == "" && !main.Set:
				was = "it empty (the default)"
			case main.Raw == "":
				was = "it empty"
			case !main.Set:
				was += " (the default)"
			}
			fd.Message = "master.cf service " + strconv.Quote(name) + " sets -o " + o.Name + "=" + o.Value + " for the mail it delivers to " + routeQuoteList(dests[name]) + "; main.cf has " + was
			fd.Hint = "this override, not main.cf, decides " + o.Name + " for the smarthost; change it here if main.cf is what you meant"
			p.Report(fd)
		}
	}
}

// checkPF034 finds smtp_tls_policy_maps entries meant for a smarthost
// destination (same host) that are keyed differently from the
// destination as written. [exp] postfix-e2e.sh 3.7.11, relayhost
// [smtp.example.com]:587, sink without STARTTLS, policy "KEY encrypt":
// keys [smtp.example.com]:587 and [SMTP.example.com]:587 defer the mail
// (policy used); keys [smtp.example.com], smtp.example.com and
// [smtp.example.com]:submission deliver in clear (policy not used). With
// relayhost smtp.example.com:587 only the key smtp.example.com:587 applies.
func checkPF034(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main == nil {
		return
	}
	routes := routeTLSRoutes(s)
	written := map[string]bool{}
	for _, r := range routing(s).Routes {
		written[strings.ToLower(r.Raw)] = true
	}
	type miss struct {
		t *MapRef
		e *pf.TableEntry
	}
	reported := map[*pf.TableEntry]bool{}
	for _, r := range routes {
		for _, svc := range r.Services {
			maps := s.MapsOf(svc, "smtp_tls_policy_maps")
			var misses []miss
			matched := false
			for _, t := range maps {
				if t.Table == nil || !credFixedTypes[t.Type] {
					continue
				}
				if tlsPolicyEntry(t, r.Dest) != nil {
					matched = true
					break
				}
				for i := range t.Table.Entries {
					e := &t.Table.Entries[i]
					kd := routeParseDest(e.Key)
					if kd.Problem != "" || !routeHostEqual(kd.Host, r.Host) || written[strings.ToLower(e.Key)] {
						continue
					}
					misses = append(misses, miss{t, e})
				}
			}
			if matched {
				continue
			}
			for _, ms := range misses {
				if reported[ms.e] {
					continue
				}
				reported[ms.e] = true
				fd := ms.t.Source.At(ms.e.KeyOffset, ms.e.KeyOffset+len(ms.e.Key))
				fd.Message = "smtp_tls_policy_maps entry " + strconv.Quote(ms.e.Key) + " is never used for " + routeDescribe(r) + " " + strconv.Quote(r.Raw) + ": the table is looked up by the full nexthop (postconf(5) #smtp_tls_policy_maps: \"This includes any enclosing square brackets and any non-default destination server port suffix.\"), so the level from the configuration applies instead: " + credModel{s}.tlsLevelFor(svc, nil).describe()
				fd.Hint = "key the entry exactly as the destination: " + r.Raw + " " + strings.TrimSpace(ms.e.Value)
				if !r.Bracketed {
					fd.Hint += " (or bracket the destination, " + r.Canonical(r.PortNum) + ", and keep this key; see PF001)"
				}
				fd.Fix = &lint.Fix{Description: "key the policy by " + r.Raw, Edits: []lint.TextEdit{{Start: ms.e.KeyOffset, End: ms.e.KeyOffset + len(ms.e.Key), NewText: r.Raw}}}
				p.Report(fd)
			}
		}
	}
}
