package exim

import (
	"iter"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// routingOptions name hosts mail is sent to or TLS/AUTH decisions are
// made for: their values are RoleRouting for GEN001.
var routingOptions = map[string]bool{
	"route_list": true, "route_data": true, "hosts": true, "fallback_hosts": true,
	"hosts_require_tls": true, "hosts_require_auth": true, "hosts_try_auth": true,
	"hosts_avoid_tls": true, "tls_verify_hosts": true, "tls_try_verify_hosts": true,
	"hosts_override": false, "smarthost": true,
}

// credentialOptions hold user names and passwords.
var credentialOptions = map[string]bool{
	"client_send": true, "client_name": true, "client_secret": true, "client_username": true,
	"client_password": true, "server_secret": true,
}

// Values implements lint.ValueLister: every option and named-list value
// with its place in the file, so GEN001 finds placeholders. client_send
// is listed item by item (each is a user name or password).
//
// Two rules (GEN001, GEN009) walk the values: they are listed once per
// Setup and kept.
func (s *Setup) Values() iter.Seq[lint.Value] {
	vals := s.Memo("values", func() any {
		var out []lint.Value
		for v := range s.values() {
			out = append(out, v)
		}
		return out
	}).([]lint.Value)
	return func(yield func(lint.Value) bool) {
		for _, v := range vals {
			if !yield(v) {
				return
			}
		}
	}
}

// values lists the values Values returns.
func (s *Setup) values() iter.Seq[lint.Value] {
	return func(yield func(lint.Value) bool) {
		emit := func(name string, t ex.Text, i, j int, role lint.Role) bool {
			if j <= i {
				return true
			}
			path, start, end := t.Span(i, j)
			f := s.byPath[path]
			if f == nil {
				return true
			}
			return yield(lint.Value{File: f, Start: start, End: end, Text: t.S[i:j], Name: name, Role: role})
		}
		option := func(o *ex.Option) bool {
			// server_prompts are the texts a server sends in its 334
			// challenges: "Username:: : Password::" is the spec's own LOGIN
			// example (ch. 34.3), not a placeholder left from a guide.
			if !o.HasValue || o.Name == "debug_print" || o.Name == "server_prompts" {
				return true
			}
			v := o.Value.S
			switch {
			case o.Name == "client_send":
				l, _ := ex.ParseList(v)
				for _, it := range l.Items {
					if !emit(o.Name, o.Value, it.Start, it.End, lint.RoleCredential) {
						return false
					}
				}
				return true
			}
			role := lint.RoleOther
			switch {
			case credentialOptions[o.Name]:
				role = lint.RoleCredential
			case routingOptions[o.Name]:
				role = lint.RoleRouting
			}
			// ${env{NAME}{…}{default}} items are left out: NAME is an
			// environment variable (devture's exim-relay routes with
			// ${env{SMARTHOST}{$value}{smarthost}}), and what the item gives
			// is only known where Exim runs.
			i := 0
			for _, r := range envItems(v) {
				if !emit(o.Name, o.Value, i, r[0], role) {
					return false
				}
				i = r[1]
			}
			return emit(o.Name, o.Value, i, len(v), role)
		}
		for _, o := range s.Config.Main.Options {
			if o.Name == "keep_environment" || o.Name == "add_environment" {
				continue // names of environment variables, not hosts or users
			}
			if !option(o) {
				return
			}
		}
		for _, l := range s.Config.Lists {
			role := lint.RoleOther
			if l.Kind == "hostlist" {
				role = lint.RoleRouting
			}
			if !emit(l.Name, l.Value, 0, len(l.Value.S), role) {
				return
			}
		}
		configs := []*ex.Config{s.Config}
		if s.Cpanel != nil && s.Cpanel.Generated != nil {
			// exim.conf is the configuration; exim.conf.local's blocks
			// are values in a file of the unit too.
			for _, b := range s.Cpanel.Blocks {
				if b.Config != nil {
					configs = append(configs, b.Config)
				}
			}
		}
		for i, cfg := range configs {
			if i > 0 {
				for _, o := range cfg.Main.Options {
					if !option(o) {
						return
					}
				}
			}
			for _, sec := range cfg.Sections {
				for _, d := range sec.Drivers {
					for _, o := range d.Options {
						if !option(o) {
							return
						}
					}
				}
			}
		}
		if s.Debian != nil && s.Debian.PasswdFile != nil {
			f := s.Debian.PasswdFile
			for _, e := range s.Debian.Passwd {
				for _, v := range []lint.Value{
					{File: f, Start: e.HostStart, End: e.HostEnd, Name: "passwd.client host", Role: lint.RoleRouting},
					{File: f, Start: e.LoginStart, End: e.LoginEnd, Name: "passwd.client login", Role: lint.RoleCredential},
					{File: f, Start: e.PassStart, End: e.PassEnd, Name: "passwd.client password", Role: lint.RoleCredential},
				} {
					if v.End <= v.Start {
						continue
					}
					v.Text = string(f.Src[v.Start:v.End])
					if !yield(v) {
						return
					}
				}
			}
		}
		for _, dc := range s.dcValues {
			if !yield(dc) {
				return
			}
		}
	}
}

// envItems returns the [start, end) ranges of the ${env{…}…} items of an
// expansion string, outermost only, in order.
func envItems(v string) [][2]int {
	if !strings.Contains(v, "${env{") {
		return nil
	}
	x, _ := ex.ParseExpansion(v)
	var out [][2]int
	x.Walk(func(n *ex.Node, stack []*ex.Node) bool {
		if n.Kind == ex.NodeItem && n.Name == "env" {
			out = append(out, [2]int{n.Start, n.End})
			return false
		}
		return true
	})
	return out
}
