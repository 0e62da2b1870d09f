package postfix

import (
	"strconv"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	pf "github.com/smarthost-lint/smarthost-lint/parsers/postfix"
)

// PF017 (transport table results that do not route), PF030 (routes that
// send mail somewhere other than the smarthost) and PF033 (empty relayhost
// next to sender-dependent relayhosts).

var pf017 = &lint.Rule{
	ID: "PF017", MTA: Name, Severity: lint.SeverityError,
	Title: "transport_maps entry does not route to the smarthost correctly",
	Check: checkPF017,
}

var pf030 = &lint.Rule{
	ID: "PF030", MTA: Name, Severity: lint.SeverityWarning,
	Title: "relayhost overridden for some or all mail",
	Check: checkPF030,
}

var pf033 = &lint.Rule{
	ID: "PF033", MTA: Name, Severity: lint.SeverityInfo,
	Title: "empty relayhost with sender-dependent relaying: other senders and bounces go direct",
	Check: checkPF033,
}

// routeTransportTables are the tables whose results are transport:nexthop.
var routeTransportTables = []string{"transport_maps", "sender_dependent_default_transport_maps"}

// [exp] postfix-e2e.sh 3.7.11: the transport entry "remote.example.net
// [smtp.example.com]:587" (and "... [smtp.example.com]" without a port)
// makes qmgr log "warning: connect to transport private/[smtp.example.com]:
// No such file or directory" and defers the mail ("mail transport
// unavailable", dsn 4.3.0); "remote.example.net smarthost:[h]:587" with no
// smarthost service in master.cf does the same. An "example.net" entry did
// not match mail to remote.example.net (parent_domain_matches_subdomains
// does not list transport_maps by default).
func checkPF017(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main == nil {
		return
	}
	seen := map[*lint.File]bool{}
	for _, param := range routeTransportTables {
		for _, t := range s.MapsOf("", param) {
			if t.Table == nil || t.Source == nil || seen[t.Source] {
				continue
			}
			seen[t.Source] = true
			for i := range t.Table.Entries {
				if e := &t.Table.Entries[i]; !routeRegexpType(t.Type) || !routeRegexpControl(e.Key) {
					routeCheckTransportEntry(p, s, t, e)
				}
			}
			if param == "transport_maps" {
				routeCheckSubdomains(p, s, t)
			}
		}
	}
}

func routeCheckTransportEntry(p *lint.Pass, s *Setup, t *MapRef, e *pf.TableEntry) {
	v := e.Value
	if strings.TrimSpace(v) == "" || routeQuoted(v) || strings.HasPrefix(v, "#") {
		return // PF025 / PF021
	}
	tr, _, _ := strings.Cut(v, ":")
	tr = strings.TrimSpace(tr)
	if tr == "" || strings.Contains(tr, "$") {
		return // ":nexthop" keeps the class's transport; $n: regexp substitution
	}
	if _, ok := routeCommand(s, tr); ok {
		return
	}
	fd := t.Source.At(e.ValueOffset, e.ValueOffset+len(tr))
	switch {
	case routeLooksLikeHost(tr):
		// "example.com [h]:587": transport "[h]", nexthop "587".
		fd.Message = t.Param + " entry " + strconv.Quote(e.Key) + " has the result " + strconv.Quote(v) + " without a transport: the result is transport:nexthop split at the first ':' (transport(5)), so the transport is " + strconv.Quote(tr) + "; qmgr finds no such service and the mail is deferred (\"mail transport unavailable\")"
		fd.Hint = "write " + e.Key + " smtp:" + v + " and re-run postmap"
		if routeExact(t.Source, e.ValueOffset, e.ValueEnd, v) {
			fd.Fix = &lint.Fix{Description: "deliver through the smtp transport", Edits: []lint.TextEdit{{Start: e.ValueOffset, End: e.ValueOffset, NewText: "smtp:"}}}
		}
	case s.Master != nil:
		fd.Message = t.Param + " entry " + strconv.Quote(e.Key) + " names the transport " + strconv.Quote(tr) + ", which master.cf does not define: qmgr cannot connect to private/" + tr + " and the mail is deferred (\"mail transport unavailable\")"
		fd.Hint = "use a transport master.cf defines (smtp or relay), or add a " + tr + " service of type unix running smtp to master.cf"
	default:
		// master.cf was not read: a custom transport may exist.
		return
	}
	p.Report(fd)
}

// routeCheckSubdomains reports transport entries for a domain that route
// to a nexthop while no ".domain" entry covers its subdomains: transport(5)
// ".domain ... applies only when the string transport_maps is not listed
// in the parent_domain_matches_subdomains configuration setting".
func routeCheckSubdomains(p *lint.Pass, s *Setup, t *MapRef) {
	if !credFixedTypes[t.Type] {
		return
	}
	pdms := s.Get("parent_domain_matches_subdomains").Expanded
	if routeListHas(pdms, "transport_maps") {
		return // a domain key matches its subdomains too
	}
	keys := map[string]bool{}
	for i := range t.Table.Entries {
		keys[strings.ToLower(t.Table.Entries[i].Key)] = true
	}
	relayDomains := s.Get("relay_domains")
	relaySub := routeListHas(pdms, "relay_domains")
	done := map[*pf.TableEntry]bool{}
	for _, r := range routing(s).Routes {
		e := r.Entry
		if r.Via != "transport_maps" || r.Map != t || done[e] || r.Owner != "" {
			continue // only entries that send mail to a nexthop
		}
		done[e] = true
		k := strings.ToLower(e.Key)
		if k == "*" || strings.HasPrefix(k, ".") || strings.Contains(k, "@") || !strings.Contains(k, ".") || keys["."+k] || routeRegexpType(t.Type) {
			continue
		}
		if d := ParseDest(k); d.IsIP() {
			continue
		}
		_, next := routeSplitTransport(e.Value)
		fd := t.Source.At(e.KeyOffset, e.KeyOffset+len(e.Key))
		fd.Message = "transport_maps entry " + strconv.Quote(e.Key) + " matches " + e.Key + " only, not its subdomains (parent_domain_matches_subdomains does not list transport_maps): mail to sub." + e.Key + " does not go to " + next
		fd.Hint = "if subdomains should take the same route, add the entry ." + e.Key + " " + strings.TrimSpace(e.Value)
		if relayDomains.Set && relaySub && routeListHas(relayDomains.Expanded, k) {
			fd.Severity = lint.SeverityWarning
			fd.Message += "; relay_domains accepts mail for those subdomains (it matches parent domains' subdomains), so they are relayed by another route"
		} else {
			fd.Severity = lint.SeverityInfo
		}
		p.Report(fd)
	}
}

// routeListHas reports whether a comma/whitespace list has the item
// (case-insensitive).
func routeListHas(list, item string) bool {
	for _, it := range splitList(list) {
		if strings.EqualFold(it.Text, item) {
			return true
		}
	}
	return false
}

// checkPF030 reports routes to a destination other than the smarthost:
// --smarthost when given, else relayhost. Postfix precedence
// (transport(5)): "the nexthop destination is taken from
// sender_dependent_default_transport_maps, default_transport,
// sender_dependent_relayhost_maps, relayhost, or from the recipient
// domain", and a transport_maps match overrides all of them.
func checkPF030(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main == nil {
		return
	}
	m := routing(s)
	target, ok := routeTargetOf(p, m)
	if !ok {
		return
	}
	fromSettings := target.ByHost
	seen := map[routeSpan]bool{}
	for _, r := range m.Routes {
		if r.Owner != "" || r.Problem != "" || routeProblem(s, r.Dest) != "" || target.matches(r.Dest) {
			continue
		}
		if r.Via == "relayhost" && !fromSettings {
			continue // relayhost is the target
		}
		sp := routeSpan{r.In, r.Start, r.End}
		if seen[sp] {
			continue
		}
		seen[sp] = true
		fd := r.In.At(r.Start, r.End)
		whole := r.Via == "relayhost" || r.Via == "default_transport" || r.Via == "relay_transport" || r.Key == "*"
		if !whole && !fromSettings {
			// A per-domain or per-sender route next to relayhost is usually
			// deliberate; say where the mail goes without alarm.
			fd.Severity = lint.SeverityInfo
		}
		if r.Via == "relayhost" {
			fd.Message = "relayhost " + strconv.Quote(r.Raw) + " is not " + target.Name
		} else {
			fd.Message = routeWhose(r) + " goes to " + strconv.Quote(r.Raw) + " (" + routeDescribe(r) + "), not to " + target.Name
		}
		fd.Hint = "write " + routeTargetDest(p, target) + " there if this mail should go to the smarthost too; otherwise nothing to change"
		if whole {
			fd.Hint = "write " + routeTargetDest(p, target) + " there, or remove the override"
		}
		p.Report(fd)
	}
	for _, b := range m.Bypass {
		fd := b.Map.Source.At(b.Entry.KeyOffset, b.Entry.ValueEnd)
		who := "mail to " + b.Entry.Key
		if b.Entry.Key == "*" {
			who = "all mail"
		} else if !fromSettings {
			fd.Severity = lint.SeverityInfo
		}
		fd.Message = "transport_maps entry " + strconv.Quote(b.Entry.Key+" "+b.Entry.Value) + " has a transport and no nexthop, which \"resets the nexthop information to the recipient domain\" (transport(5)): " + who + " goes to the recipients' MX hosts, not to " + target.Name
		fd.Hint = "write `" + b.Entry.Key + " :` (empty transport and nexthop) to keep relayhost, or `" + b.Entry.Key + " " + b.Transport + ":" + routeTargetDest(p, target) + "`"
		if fromSettings {
			fd.Hint = "write `" + b.Entry.Key + " " + b.Transport + ":" + routeTargetDest(p, target) + "` to send it to the smarthost"
		}
		p.Report(fd)
	}
}

// checkPF033: relayhost empty while sender_dependent_relayhost_maps is
// set. postconf(5) #sender_dependent_relayhost_maps: the table is
// "searched by the envelope sender address and @domain"; a sender with no
// entry (and the null sender, looked up as
// empty_address_relayhost_maps_lookup_key) gets relayhost, which is empty:
// direct delivery to the recipients' MX hosts.
func checkPF033(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main == nil {
		return
	}
	if strings.TrimSpace(s.Get("relayhost").Expanded) != "" {
		return
	}
	param := routeMainParam(s, "sender_dependent_relayhost_maps")
	if param == nil || strings.TrimSpace(s.Get("sender_dependent_relayhost_maps").Expanded) == "" {
		return
	}
	m := routing(s)
	if m.DefaultNext != "" || routeProto(s, m.DefaultTransport) != "smtp" {
		return // default_transport names the nexthop, or does not deliver by SMTP
	}
	for _, t := range s.MapsOf("", "transport_maps") {
		if t.Table == nil {
			continue
		}
		for i := range t.Table.Entries {
			if e := &t.Table.Entries[i]; e.Key == "*" {
				if _, next := routeSplitTransport(e.Value); next != "" {
					return // a wildcard route covers everyone
				}
			}
		}
	}
	bounceKey := strings.TrimSpace(s.Get("empty_address_relayhost_maps_lookup_key").Expanded)
	bounces := true
	known := true
	var names []string
	for _, t := range s.MapsOf("", "sender_dependent_relayhost_maps") {
		names = append(names, t.Spec)
		if t.Table == nil || !credFixedTypes[t.Type] {
			known = false
			continue
		}
		for i := range t.Table.Entries {
			if strings.EqualFold(t.Table.Entries[i].Key, bounceKey) {
				bounces = false
			}
		}
	}
	fd := s.MainFile.At(param.ValuePos.Offset, param.ValueEnd.Offset)
	who := "senders without an entry in " + strings.Join(names, ", ")
	if bounces {
		who += " and bounces (the null sender, looked up as " + bounceKey + ")"
	}
	fd.Message = "relayhost is empty, so " + who + " get no relay host: their mail goes directly to the recipients' MX hosts, not through a smarthost"
	if !known {
		fd.Message += " (the table could not be read, so which senders it lists was not checked)"
	}
	fd.Hint = "if all mail should leave through the smarthost, set relayhost = [smarthost]:587 as the default; keep it empty only if direct delivery is intended"
	p.Report(fd)
}

// routeTargetDest is the destination to write for the target smarthost.
func routeTargetDest(p *lint.Pass, t routeTarget) string {
	if t.ByHost {
		return t.Dests[0].Canonical(p.Settings.Port)
	}
	return t.Dests[0].Raw
}
