package postfix

import (
	"path/filepath"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	pf "github.com/smarthost-lint/smarthost-lint/parsers/postfix"
)

// This file holds what the routing rules (PF001–PF005, PF017, PF021,
// PF025, PF030, PF031, PF033, PF034) share: every explicit nexthop of the
// setup with the master.cf services that deliver to it, and the transport
// table entries that move mail away from relayhost. Names carry a "route"
// prefix so that they cannot collide with the other rule files of the
// package. routeModel.services (which transport delivers relayhost mail)
// is general and could move into the Setup model.

// routeRoute is one destination (nexthop) mail is sent to, with where it
// is written and the transports that deliver to it.
type routeRoute struct {
	DestRef
	// Services are the master.cf transports whose smtp(8) processes connect
	// to the destination.
	Services []string
	// Entry is the table entry for transport, sender-dependent relayhost
	// and sender-dependent transport routes.
	Entry *pf.TableEntry
	// Group identifies the value the destination is an item of; Index is
	// the item's place in it (relayhost = a, b: two items of one group).
	Group, Index int
	// Owner names the rule that reports the value as a whole, so that the
	// destination rules stay silent: "PF021" for items from a trailing
	// '#' on, "PF025" for items of a value wrapped in quotes.
	Owner string
	// Exact is set when [Start, End) holds exactly Raw, so sub-spans (the
	// port) can be computed and fixes written.
	Exact bool
}

// routeBypass is a transport table entry with a transport and an empty
// nexthop: transport(5) "A non-null transport field with a null nexthop
// field resets the nexthop information to the recipient domain", so the
// matching mail goes to the recipient's MX hosts, not to relayhost.
// [exp] postfix-e2e.sh 3.7.11, relayhost = [smtp.example.com]:587: the
// transport entries "remote.example.net smtp:" and "remote.example.net
// smtp" (no colon) both made smtp(8) look up remote.example.net itself;
// "remote.example.net :" kept relayhost. In
// sender_dependent_default_transport_maps an empty nexthop keeps relayhost
// ([exp] "sender@oracle.test smtp:" delivered to relayhost), so only
// transport_maps has bypasses.
type routeBypass struct {
	Map       *MapRef
	Entry     *pf.TableEntry
	Transport string
}

// routeModel is the routing view of one Setup, computed once for all
// routing rules (a million-entry transport table is walked once).
type routeModel struct {
	Routes []routeRoute
	Bypass []routeBypass
	// DefaultTransport and RelayTransport are the transport names of
	// default_transport and relay_transport; their nexthops (after ':')
	// are in DefaultNext and RelayNext.
	DefaultTransport, DefaultNext string
	RelayTransport, RelayNext     string
	// RelayClass is set when relay_domains lists domains, so that
	// relay_transport delivers some mail (postconf(5) #relay_transport).
	RelayClass bool
	// Base are the transports that deliver mail whose nexthop is relayhost
	// or a sender-dependent relayhost.
	Base []string
}

// routing returns the routing model of s, built once per setup.
func routing(s *Setup) *routeModel {
	return s.Memo("routing", func() any { return buildRouting(s) }).(*routeModel)
}

// routeStockServices are the service names of Postfix's stock master.cf
// (Debian's master.cf.dist for 3.7), used when no master.cf was read.
var routeStockServices = map[string]string{
	"smtp": "smtp", "relay": "smtp", "lmtp": "lmtp",
	"pickup": "pickup", "cleanup": "cleanup", "qmgr": "qmgr", "tlsmgr": "tlsmgr", "rewrite": "trivial-rewrite",
	"bounce": "bounce", "defer": "bounce", "trace": "bounce", "verify": "verify", "flush": "flush",
	"proxymap": "proxymap", "proxywrite": "proxymap", "showq": "showq", "error": "error", "retry": "error",
	"discard": "discard", "local": "local", "virtual": "virtual", "anvil": "anvil", "scache": "scache",
	"postlog": "postlogd", "maildrop": "pipe", "uucp": "pipe", "ifmail": "pipe", "bsmtp": "pipe",
	"scalemail-backend": "pipe", "mailman": "pipe",
}

// routeCommand returns the command (daemon program) of a transport: from
// master.cf when it was read, else from the stock master.cf. ok is false
// when the transport is not defined.
func routeCommand(s *Setup, transport string) (cmd string, ok bool) {
	if s.Master != nil {
		svc := s.Service(transport)
		if svc == nil {
			return "", false
		}
		return filepath.Base(svc.Command), true
	}
	cmd, ok = routeStockServices[transport]
	return cmd, ok
}

// routeProto returns "smtp" or "lmtp" for a transport run by smtp(8) or
// lmtp(8) (whose parameters are smtp_* or lmtp_*), "" for any other
// program. A transport no master.cf defines is assumed to be smtp(8)
// unless it is a stock non-SMTP name (PF017 reports undefined ones).
func routeProto(s *Setup, transport string) string {
	cmd, ok := routeCommand(s, transport)
	if !ok {
		if s.Master == nil {
			return "smtp"
		}
		return ""
	}
	switch cmd {
	case "smtp", "lmtp":
		return cmd
	}
	return ""
}

// routeSplitTransport splits a transport(5) result (or default_transport)
// into transport and nexthop at the first ':'.
func routeSplitTransport(v string) (tr, next string) {
	tr, next, _ = strings.Cut(strings.TrimSpace(v), ":")
	return strings.TrimSpace(tr), strings.TrimSpace(next)
}

// routeParseDest is ParseDest with one correction: a bracketed IPv6
// address without the "ipv6:" prefix is accepted. [exp] postfix-e2e.sh
// 3.7.11: relayhost = [2001:db8::1]:587 and [ipv6:2001:db8::1]:587 behave
// the same (both reach the address lookup), while the unbracketed
// 2001:db8::1 is fatal ("valid hostname or network address required in
// server description").
func routeParseDest(raw string) Dest {
	d := ParseDest(raw)
	if d.Problem != "" && strings.HasPrefix(raw, "[") && strings.HasPrefix(d.Problem, "IPv6 address must be written") {
		d2 := ParseDest("[ipv6:" + raw[1:])
		if d2.Problem == "" {
			d2.Raw = raw
			return d2
		}
	}
	return d
}

func buildRouting(s *Setup) *routeModel {
	m := &routeModel{}
	if s.Main == nil {
		return m
	}
	m.DefaultTransport, m.DefaultNext = routeSplitTransport(s.Get("default_transport").Expanded)
	m.RelayTransport, m.RelayNext = routeSplitTransport(s.Get("relay_transport").Expanded)
	if m.DefaultTransport == "" {
		m.DefaultTransport = "smtp"
	}
	if m.RelayTransport == "" {
		m.RelayTransport = "relay"
	}
	// relay_domains defaults to $mydestination below compatibility level 2
	// and to empty above it; either way no remote domain is in the relay
	// class unless it is written.
	if rd := s.Get("relay_domains"); rd.Set && strings.TrimSpace(rd.Expanded) != "" {
		m.RelayClass = true
	}
	addBase := func(tr string) {
		if routeProto(s, tr) == "" {
			return
		}
		for _, b := range m.Base {
			if b == tr {
				return
			}
		}
		m.Base = append(m.Base, tr)
	}
	if m.DefaultNext == "" {
		addBase(m.DefaultTransport)
	}
	if m.RelayClass && m.RelayNext == "" {
		addBase(m.RelayTransport)
	}
	sdd := s.MapsOf("", "sender_dependent_default_transport_maps")
	for _, t := range sdd {
		if t.Table == nil {
			continue
		}
		for i := range t.Table.Entries {
			tr, next := routeSplitTransport(t.Table.Entries[i].Value)
			if next == "" && tr != "" && !strings.Contains(tr, "$") && !routeLooksLikeHost(tr) {
				addBase(tr)
			}
		}
	}

	group := 0
	add := func(r routeRoute) {
		r.Group = group
		m.Routes = append(m.Routes, r)
	}
	// relayhost, default_transport and relay_transport come from the model.
	lastVia := ""
	for _, d := range s.mainCFDestinations() {
		var services []string
		switch d.Via {
		case "relayhost":
			services = m.Base
		case "default_transport", "relay_transport":
			if d.Via == "relay_transport" && !m.RelayClass {
				continue // no mail uses relay_transport
			}
			if routeProto(s, d.Transport) != "smtp" {
				continue // error:text, discard:, local: — not a destination
			}
			services = []string{d.Transport}
		default:
			continue // table routes are parsed below, with their entries
		}
		if d.Via != lastVia {
			group++
			lastVia = d.Via
		}
		d.Dest = routeParseDest(d.Raw)
		add(routeRoute{DestRef: d, Services: services, Exact: routeExact(d.In, d.Start, d.End, d.Raw)})
	}
	// Tables: transport_maps and sender_dependent_default_transport_maps
	// results are transport:nexthop; sender_dependent_relayhost_maps
	// results are destinations like relayhost.
	for _, t := range s.MapsOf("", "transport_maps") {
		m.tableRoutes(s, t, "transport_maps", &group)
	}
	for _, t := range sdd {
		m.tableRoutes(s, t, "sender_dependent_default_transport_maps", &group)
	}
	for _, t := range s.MapsOf("", "sender_dependent_relayhost_maps") {
		if t.Table == nil {
			continue
		}
		for i := range t.Table.Entries {
			e := &t.Table.Entries[i]
			v := strings.TrimSpace(e.Value)
			if v == "" || strings.EqualFold(v, "DUNNO") {
				continue
			}
			group++
			m.addItems(t, e, "sender_dependent_relayhost_maps", "", e.Value, 0, m.Base, group)
		}
	}
	m.markOwners()
	return m
}

// tableRoutes adds the routes (and bypasses) of a transport(5)-format
// table.
func (m *routeModel) tableRoutes(s *Setup, t *MapRef, via string, group *int) {
	if t.Table == nil {
		return
	}
	for i := range t.Table.Entries {
		e := &t.Table.Entries[i]
		if routeRegexpType(t.Type) && routeRegexpControl(e.Key) {
			continue
		}
		tr, next, _ := strings.Cut(e.Value, ":")
		tr = strings.TrimSpace(tr)
		if strings.Contains(tr, "$") || strings.Contains(e.Value, "$") && routeRegexpType(t.Type) {
			continue // regexp substitution: not knowable statically
		}
		if tr != "" {
			if _, ok := routeCommand(s, tr); !ok && (s.Master != nil || routeLooksLikeHost(tr)) {
				continue // PF017: not a transport
			}
		}
		services := []string{tr}
		if tr == "" {
			// ":nexthop" keeps the address class's transport.
			services = []string{m.DefaultTransport}
			if m.RelayClass && m.RelayTransport != m.DefaultTransport {
				services = append(services, m.RelayTransport)
			}
		}
		proto := ""
		for _, svc := range services {
			if p := routeProto(s, svc); p != "" {
				proto = p
			}
		}
		if proto != "smtp" {
			continue // local:, error:text, discard:, lmtp:unix:/path, pipe(8) transports
		}
		if strings.TrimSpace(next) == "" {
			if tr != "" && via == "transport_maps" {
				m.Bypass = append(m.Bypass, routeBypass{Map: t, Entry: e, Transport: tr})
			}
			continue
		}
		*group++
		off := len(e.Value) - len(next)
		m.addItems(t, e, via, tr, next, off, services, *group)
	}
}

// addItems splits a nexthop list (Postfix ≥ 3.5: comma or whitespace)
// written at e.Value[off:] into routes.
func (m *routeModel) addItems(t *MapRef, e *pf.TableEntry, via, tr, list string, off int, services []string, group int) {
	exact := e.ValueEnd-e.ValueOffset == len(e.Value)
	for n, it := range splitList(list) {
		r := routeRoute{
			DestRef: DestRef{Dest: routeParseDest(it.Text), Via: via, Key: e.Key, Transport: tr, In: t.Source, Map: t},
			Entry:   e, Services: services, Group: group, Index: n, Exact: exact,
		}
		if exact {
			r.Start = e.ValueOffset + off + it.Off
			r.End = r.Start + len(it.Text)
		} else {
			r.Start, r.End = e.ValueOffset, e.ValueEnd
		}
		m.Routes = append(m.Routes, r)
	}
}

// markOwners hands items of values with a trailing comment (PF021) or
// wrapped in quotes (PF025) to those rules.
func (m *routeModel) markOwners() {
	rs := m.Routes
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && rs[j].Group == rs[i].Group {
			j++
		}
		first, last := rs[i].Raw, rs[j-1].Raw
		if q := first[0]; (q == '"' || q == '\'') && last[len(last)-1] == q && (j-i > 1 || len(first) > 1) {
			for k := i; k < j; k++ {
				rs[k].Owner = "PF025"
			}
		}
		comment := false
		for k := i; k < j; k++ {
			if strings.HasPrefix(rs[k].Raw, "#") {
				comment = true
			}
			if comment {
				rs[k].Owner = "PF021"
			}
		}
		i = j
	}
}

// routeExact reports whether f[start:end] is exactly raw.
func routeExact(f *lint.File, start, end int, raw string) bool {
	return f != nil && start >= 0 && end <= len(f.Src) && end-start == len(raw) && string(f.Src[start:end]) == raw
}

// routeRegexpType reports table types whose results may hold $n
// substitutions.
func routeRegexpType(typ string) bool { return typ == "regexp" || typ == "pcre" }

// routeRegexpControl tells the if/endif lines of regexp(5) and pcre(5)
// tables, which the table parser sees as entries.
func routeRegexpControl(key string) bool {
	return strings.EqualFold(key, "if") || strings.EqualFold(key, "endif") || strings.EqualFold(key, "!if")
}

// routeLooksLikeHost tells a transport field that is really a nexthop
// ("[smtp.example.com]" or "smtp.example.com" before the first ':').
func routeLooksLikeHost(tr string) bool {
	return strings.ContainsAny(tr, "[].")
}

// routeTarget is the smarthost routes are compared with.
type routeTarget struct {
	// Hosts from --smarthost (ByHost: compare hosts only) or the relayhost
	// destinations (host and port).
	Dests  []Dest
	ByHost bool
	// Name describes the target for messages.
	Name string
}

// routeTargetOf returns the expected smarthost: --smarthost when given,
// else the (valid) relayhost destinations; ok is false when there is
// neither.
func routeTargetOf(p *lint.Pass, m *routeModel) (routeTarget, bool) {
	if h := strings.TrimSpace(p.Settings.Smarthost); h != "" {
		d := routeParseDest(h)
		if d.Problem != "" || d.Host == "" {
			d = Dest{Raw: h, Host: strings.Trim(h, "[]")}
		}
		return routeTarget{Dests: []Dest{d}, ByHost: true, Name: "the expected smarthost " + d.Host}, true
	}
	var t routeTarget
	var names []string
	for _, r := range m.Routes {
		if r.Via == "relayhost" && r.Problem == "" && r.Owner == "" {
			t.Dests = append(t.Dests, r.Dest)
			names = append(names, r.Raw)
		}
	}
	if len(t.Dests) == 0 {
		return t, false
	}
	t.Name = "relayhost " + strings.Join(names, ", ")
	return t, true
}

// routeHostEqual compares host names case-insensitively, ignoring a
// trailing dot.
func routeHostEqual(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(a, "."), strings.TrimSuffix(b, "."))
}

// matches reports whether d is (one of) the target destination(s).
func (t routeTarget) matches(d Dest) bool {
	for _, x := range t.Dests {
		if routeHostEqual(x.Host, d.Host) && (t.ByHost || x.PortNum == d.PortNum) {
			return true
		}
	}
	return false
}

// routeDescribe says where a route is written, for messages.
func routeDescribe(r routeRoute) string {
	switch r.Via {
	case "relayhost":
		return "relayhost"
	case "default_transport", "relay_transport":
		return r.Via + " = " + r.Transport + ":" + r.Raw
	case "sender_dependent_relayhost_maps":
		return "sender_dependent_relayhost_maps entry " + r.Key
	case "sender_dependent_default_transport_maps":
		return "sender_dependent_default_transport_maps entry " + r.Key
	}
	return "transport_maps entry " + r.Key
}

// routeWhose says whose mail a route carries.
func routeWhose(r routeRoute) string {
	switch r.Via {
	case "relayhost":
		return "mail"
	case "default_transport":
		return "mail to remote domains"
	case "relay_transport":
		return "mail to relay_domains"
	case "sender_dependent_relayhost_maps", "sender_dependent_default_transport_maps":
		if r.Key == "<>" {
			return "bounces (null sender)"
		}
		return "mail from " + r.Key
	}
	if r.Key == "*" {
		return "all mail"
	}
	return "mail to " + r.Key
}

// routeSpan is a byte range in a file, for de-duplicating findings.
type routeSpan struct {
	f          *lint.File
	start, end int
}

// routeLineStart returns the offset of the start of the line holding off.
func routeLineStart(src []byte, off int) int {
	for off > 0 && src[off-1] != '\n' {
		off--
	}
	return off
}

// routeMainParam returns the main.cf parameter name is set by (nil when it
// is a default).
func routeMainParam(s *Setup, name string) *pf.Param {
	if s.Main == nil {
		return nil
	}
	return s.Main.Lookup(name)
}
