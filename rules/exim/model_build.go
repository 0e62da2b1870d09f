package exim

import (
	"net/netip"
	"strconv"
	"strings"

	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// build fills the routers, transports, authenticators and routes from
// s.Config.
func (s *Setup) build() {
	for _, d := range s.Config.Drivers("transports") {
		s.Transports = append(s.Transports, newTransport(d))
	}
	for i, d := range s.Config.Drivers("routers") {
		s.Routers = append(s.Routers, s.newRouter(d, i))
	}
	for _, d := range s.Config.Drivers("authenticators") {
		s.Authenticators = append(s.Authenticators, newAuthenticator(d))
	}
	for _, r := range s.Routers {
		s.Routes = append(s.Routes, s.routesOf(r)...)
	}
}

func (s *Setup) newRouter(d *ex.Driver, i int) *Router {
	r := &Router{Driver: d, Name: d.Name, Type: d.DriverType(), Index: i, More: true, HostFindFailed: "freeze"}
	r.Domains = d.Option("domains")
	r.Senders = d.Option("senders")
	r.LocalParts = d.Option("local_parts")
	r.Conditions = d.OptionsNamed("condition")
	r.RequireFiles = d.Option("require_files")
	r.VerifyOnly = boolOpt(d, "verify_only", false)
	r.More = boolOpt(d, "more", true)
	r.Unseen = boolOpt(d, "unseen", false)
	if o := d.Option("transport"); o != nil && o.HasValue {
		r.TransportOpt = o
		r.TransportName = o.Value.S
		if !isExpanded(r.TransportName) {
			r.Transport = s.Transport(r.TransportName)
		}
	}
	if o := d.Option("host_find_failed"); o != nil && o.HasValue {
		r.HostFindFailed = o.Value.S
	}
	if r.Type == "manualroute" {
		r.RouteList = d.Option("route_list")
		r.RouteData = d.Option("route_data")
		if r.RouteList != nil && r.RouteList.HasValue {
			r.Rules = parseRouteList(r.RouteList.Value.S)
		}
	}
	return r
}

// boolOpt returns the boolean an option is set to, or def when it is unset
// or not a boolean value.
func boolOpt(d *ex.Driver, name string, def bool) bool {
	o := d.Option(name)
	if o == nil {
		return def
	}
	if v, ok := o.Bool(); ok {
		return v
	}
	return def
}

func newTransport(d *ex.Driver) *Transport {
	t := &Transport{Driver: d, Name: d.Name, Type: d.DriverType(), Protocol: "smtp", Port: 25, PortKnown: true}
	if o := d.Option("protocol"); o != nil && o.HasValue {
		t.Protocol = o.Value.S
	}
	// ch. 30 `port`: default "smtp", or "smtps" when protocol is smtps
	// (submissions is the later synonym).
	if t.Protocol == "smtps" || t.Protocol == "submissions" {
		t.Port = 465
	}
	if o := d.Option("port"); o != nil && o.HasValue {
		t.PortOpt = o
		t.Port, t.PortKnown = portNumber(o.Value.S)
	}
	hm := func(name string) *HostMatch {
		o := d.Option(name)
		if o == nil || !o.HasValue {
			return &HostMatch{}
		}
		l, _ := ex.ParseList(o.Value.S)
		return &HostMatch{Opt: o, List: l}
	}
	t.HostsRequireTLS = hm("hosts_require_tls")
	t.HostsAvoidTLS = hm("hosts_avoid_tls")
	t.HostsRequireAuth = hm("hosts_require_auth")
	t.HostsTryAuth = hm("hosts_try_auth")
	t.TLSVerifyHosts = hm("tls_verify_hosts")
	if o := d.Option("hosts"); o != nil && o.HasValue {
		t.Hosts = o
	}
	return t
}

// servicePorts are the service names Debian's /etc/services maps for the
// ports a smarthost uses; Exim looks names up with getservbyname.
var servicePorts = map[string]int{"smtp": 25, "submission": 587, "smtps": 465, "submissions": 465, "urd": 465}

// portNumber reads a `port` option value: a number or a service name.
func portNumber(v string) (int, bool) {
	v = strings.TrimSpace(v)
	if n, err := strconv.Atoi(v); err == nil {
		return n, true
	}
	if p, ok := servicePorts[v]; ok {
		return p, true
	}
	return 0, false
}

// clientOptions say which options make an authenticator a client, per
// driver (spec ch. 34–42): any one of them set suffices.
var clientOptions = map[string][]string{
	"plaintext":      {"client_send"},
	"cram_md5":       {"client_secret"},
	"spa":            {"client_username", "client_password"},
	"external":       {"client_send"},
	"gsasl":          {"client_username", "client_password"},
	"heimdal_gssapi": {},
	"cyrus_sasl":     {},
	"dovecot":        {},
	"tls":            {},
}

// serverOptions make an authenticator a server.
var serverOptions = []string{"server_condition", "server_prompts", "server_secret", "server_socket", "server_mech", "server_param1", "server_password", "server_hostname", "server_service"}

// secretOptionNames are authenticator options whose values are credentials.
var secretOptionNames = map[string]bool{
	"client_send": true, "client_secret": true, "client_password": true, "server_secret": true, "server_password": true,
}

func newAuthenticator(d *ex.Driver) *Authenticator {
	a := &Authenticator{Driver: d, Name: d.Name, Type: d.DriverType(), PublicName: d.Name}
	if o := d.Option("public_name"); o != nil && o.HasValue {
		a.PublicName = o.Value.S
	}
	for _, n := range clientOptions[a.Type] {
		if o := d.Option(n); o != nil && o.HasValue {
			a.Client = true
		}
	}
	// cram_md5 needs client_name too, but Exim defaults it to the primary
	// host name, so client_secret alone makes a client (ch. 37).
	for _, n := range serverOptions {
		if o := d.Option(n); o != nil && o.HasValue {
			a.Server = true
		}
	}
	for _, o := range d.Options {
		if secretOptionNames[o.Name] && o.HasValue {
			a.Secrets = append(a.Secrets, o)
		}
	}
	return a
}

// routesOf returns the smarthost routes of a router: manualroute rules and
// route_data, or a transport with its own hosts list.
func (s *Setup) routesOf(r *Router) []*Route {
	var out []*Route
	switch {
	case r.Type == "manualroute" && r.RouteList != nil:
		for _, rule := range r.Rules {
			t := r.Transport
			if rule.TransportName != "" {
				t = s.Transport(rule.TransportName)
			}
			rt := &Route{Router: r, Rule: rule, Transport: t}
			for _, h := range rule.Hosts.Hosts {
				if groupMark(h) {
					continue
				}
				rt.Hosts = append(rt.Hosts, RouteHost{
					Name: h.Host, Item: h, In: r.RouteList,
					Start: rule.HostOffset(h.Item.Start), End: rule.HostOffset(h.Item.End),
				})
			}
			out = append(out, rt)
		}
	case r.Type == "manualroute" && r.RouteData != nil && r.RouteData.HasValue:
		v := r.RouteData.Value.S
		rt := &Route{Router: r, Transport: r.Transport}
		if !isExpanded(v) {
			rule := parseRouteData(v)
			rt.Rule = rule
			if rule.TransportName != "" {
				rt.Transport = s.Transport(rule.TransportName)
			}
			for _, h := range rule.Hosts.Hosts {
				if groupMark(h) {
					continue
				}
				rt.Hosts = append(rt.Hosts, RouteHost{
					Name: h.Host, Item: h, In: r.RouteData,
					Start: rule.HostOffset(h.Item.Start), End: rule.HostOffset(h.Item.End),
				})
			}
		}
		out = append(out, rt)
	case r.Transport != nil && r.Transport.Hosts != nil && r.Transport.Type == "smtp" && r.Type != "dnslookup":
		v := r.Transport.Hosts.Value.S
		rt := &Route{Router: r, Transport: r.Transport}
		if hl, _ := ex.ParseHostList(v); hl != nil && !isExpanded(v) {
			for _, h := range hl.Hosts {
				if groupMark(h) {
					continue
				}
				rt.Hosts = append(rt.Hosts, RouteHost{Name: h.Host, Item: h, In: r.Transport.Hosts, Start: h.Item.Start, End: h.Item.End})
			}
		}
		out = append(out, rt)
	default:
		return nil
	}
	kept := out[:0]
	for _, rt := range out {
		if rt.Transport != nil && rt.Transport.Type != "smtp" || rt.local() {
			continue // lmtp/pipe to a local service, or a loopback relay (cPanel's jail router)
		}
		rt.resolve()
		kept = append(kept, rt)
	}
	return kept
}

// groupMark reports whether a host-list item is "+", which divides the
// list into groups that hosts_randomize / randomize shuffle separately
// (spec ch. 20.5, ch. 30 hosts_randomize; Exim's test 0190). It is not a
// host: [exp 4.96 -bt] "smtp.x::587:+:192.0.2.7::587" routes to the two
// hosts only.
func groupMark(h *ex.HostItem) bool { return strings.TrimSpace(h.Item.Value) == "+" }

// local reports whether every host of a route is this machine.
func (rt *Route) local() bool {
	if len(rt.Hosts) == 0 {
		return false
	}
	for _, h := range rt.Hosts {
		n := strings.ToLower(h.Name)
		if a, err := netip.ParseAddr(n); err == nil && a.IsLoopback() || n == "localhost" {
			continue
		}
		return false
	}
	return true
}

// resolve fills the effective ports and the TLS/AUTH answers.
func (rt *Route) resolve() {
	t := rt.Transport
	for i := range rt.Hosts {
		h := &rt.Hosts[i]
		switch {
		case h.Item != nil && h.Item.Port != "":
			h.Port, h.PortFromList, h.PortKnown = h.Item.PortNum, true, true
		case t != nil:
			h.Port, h.PortKnown = t.Port, t.PortKnown
		default:
			h.Port, h.PortKnown = 25, false
		}
	}
	if t == nil {
		rt.TLSRequired, rt.AuthRequired, rt.AuthTried = Maybe, Maybe, Maybe
		return
	}
	rt.TLSRequired = t.HostsRequireTLS.MatchesAll(rt.Hosts)
	if t.HostsAvoidTLS.MatchesAll(rt.Hosts) == Yes {
		rt.TLSRequired = No
	}
	rt.AuthRequired = t.HostsRequireAuth.MatchesAll(rt.Hosts)
	rt.AuthTried = t.HostsTryAuth.MatchesAll(rt.Hosts)
}
