package exim

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// Files and code the expansions depend on: EX024 (lookup files), EX026
// (${perl}), EX027 (DKIM), EX028 (per-domain interface/HELO).

// secListOptions are the options whose values are Exim lists matched
// against domains, addresses or hosts (lookup items "type;file" allowed).
var secListOptions = map[string]bool{
	"domains": true, "senders": true, "local_parts": true,
	"hosts_require_tls": true, "hosts_require_auth": true, "hosts_try_auth": true, "hosts_avoid_tls": true,
	"tls_verify_hosts": true, "tls_try_verify_hosts": true, "ignore_target_hosts": true, "hosts_avoid_esmtp": true,
	"hosts_override": true, "hosts_randomize": true, "hosts_try_fastopen": true, "hosts_try_chunking": true,
}

// secFileRef is a file named by the configuration.
type secFileRef struct {
	opt     *ex.Option
	text    ex.Text // where the path is written (an option value or a named list)
	d       *ex.Driver
	path    string
	lo, hi  int  // offsets of the path in text.S
	guarded bool // inside ${if exists{path}…}
	require bool // a require_files item: missing means the router is skipped
}

func secFileRefs(s *Setup) []secFileRef {
	return s.Memo("sec.filerefs", func() any {
		var out []secFileRef
		add := func(d *ex.Driver, o *ex.Option, t ex.Text, name string) {
			v := t.S
			if strings.Contains(v, "${") && strings.Contains(v, "lookup") {
				x, _ := ex.ParseExpansion(v)
				for _, l := range x.Lookups() {
					if l.Path != "" && !strings.ContainsAny(l.Path, "$") {
						out = append(out, secFileRef{opt: o, text: t, d: d, path: l.Path, lo: l.PathStart, hi: l.PathEnd, guarded: l.Guarded})
					}
				}
			}
			switch {
			case name == "require_files":
				l, _ := ex.ParseList(v)
				for _, it := range l.Items {
					p := strings.TrimPrefix(it.Body, "+")
					if strings.HasPrefix(p, "/") && !strings.ContainsAny(p, "$") {
						lo := it.BodyStart + len(it.Body) - len(p)
						out = append(out, secFileRef{opt: o, text: t, d: d, path: p, lo: lo, hi: it.End, require: true})
					}
				}
			case (secListOptions[name] || o == nil) && strings.IndexByte(v, ';') >= 0: // "type;file" items only
				l, _ := ex.ParseList(v)
				for _, it := range l.Items {
					if lk := it.Lookup; lk != nil && lk.IsFile && !lk.HasExpansion {
						out = append(out, secFileRef{opt: o, text: t, d: d, path: lk.Query, lo: lk.QueryStart, hi: lk.QueryEnd})
					}
				}
			}
		}
		secEachOption(s, func(d *ex.Driver, o *ex.Option) {
			if o.HasValue {
				add(d, o, o.Value, o.Name)
			}
		})
		for _, nl := range s.Config.Lists {
			add(nil, nil, nl.Value, nl.Kind)
		}
		return out
	}).([]secFileRef)
}

// secEximUser is the user the smtp transport and its client authenticator
// run as: exim_user, else the distribution's ([exp] Debian-exim on
// Debian; cPanel's mailnull and DirectAdmin's mail are UNVERIFIED, so
// findings based on them are warnings).
func secEximUser(s *Setup) (name string, verified bool) {
	if o := s.MainOption("exim_user"); o != nil && o.HasValue && !strings.Contains(o.Value.S, "$") {
		return o.Value.S, true
	}
	switch s.Variant {
	case VariantDebian:
		return "Debian-exim", true
	case VariantCpanel:
		return "mailnull", false
	case VariantDirectAdmin:
		return "mail", false
	}
	return "", false
}

func secReadable(info *lint.FileInfo, uid, gid int) bool {
	m := info.Mode.Perm()
	return uid == 0 || m&0o004 != 0 || (info.GID == gid && m&0o040 != 0) || (info.UID == uid && m&0o400 != 0)
}

func checkLookupFiles(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if _, known, _ := secStat(p, s, "/"); !known {
		return // not on its machine: the files cannot be checked
	}
	user, verified := secEximUser(s)
	smarthostRouter := map[*ex.Driver]bool{}
	for _, rt := range s.Routes {
		smarthostRouter[rt.Router.Driver] = true
	}
	guards := secRouterGuards(s)
	seen := map[string]bool{}
	// Permission problems are reported once per file, at its first use,
	// naming every driver that reads it.
	type unreadable struct {
		fd    lint.Finding
		info  *lint.FileInfo
		where []string
		last  secFileRef
	}
	var perms []*unreadable
	permOf := map[string]*unreadable{}
	for _, r := range secFileRefs(s) {
		if r.require && !smarthostRouter[r.d] {
			continue // require_files exists to skip routers; only a smarthost router being skipped matters here
		}
		if !r.guarded && r.d != nil && guards[r.d][r.path] {
			r.guarded = true // the router's own preconditions test the file
		}
		info, known, err := secStat(p, s, r.path)
		if !known {
			return
		}
		where := secWhere(r)
		key := r.path + "\x00" + where
		if seen[key] {
			continue
		}
		seen[key] = true
		fd, ok := secPathFinding(s, r)
		if !ok {
			continue
		}
		switch {
		case err != nil && lint.IsNotExist(err):
			switch {
			case r.require:
				fd.Severity = lint.SeverityInfo
				fd.Message = "require_files names " + r.path + ", which does not exist: " + where + " is skipped for every address while it is missing"
				fd.Hint = "create " + r.path + " or remove it from require_files"
			case r.guarded && r.d != nil && r.d.Section == "routers":
				continue // an optional file of a router (Debian's hubbed_hosts): the guard skips it
			case r.guarded:
				fd.Severity = lint.SeverityInfo
				fd.Message = "lookup file " + r.path + " does not exist; the ${if exists{…}} guard around it makes " + where + " use its fallback"
				fd.Hint = "create " + r.path + " if the per-domain values are wanted"
			default:
				fd.Message = "lookup file " + r.path + " does not exist: the lookup in " + where + " fails when it is expanded" + secFailEffect(r)
				fd.Hint = "create " + r.path + " (lsearch format `key: value`, readable by the Exim user), or guard the lookup with ${if exists{" + r.path + "}{…}{…}}"
			}
			p.Report(fd)
		case err != nil || info.Mode.IsDir():
		case user != "" && r.d != nil && r.d.Section != "routers":
			uid, gid, ok := p.FS.LookupUser(user)
			if ok && secReadable(info, uid, gid) {
				continue
			}
			// Without the user's ids (no passwd in the tree), only a file
			// that no non-root user can read is certain.
			if !ok && (info.UID != 0 || info.Mode.Perm()&0o004 != 0 || (info.GID != 0 && info.Mode.Perm()&0o040 != 0)) {
				continue
			}
			u := permOf[r.path]
			if u == nil {
				u = &unreadable{fd: fd, info: info}
				permOf[r.path] = u
				perms = append(perms, u)
			}
			u.where = append(u.where, where)
			u.last = r
		}
	}
	for _, u := range perms {
		fd := u.fd
		if !verified {
			fd.Severity = lint.SeverityWarning
		}
		path := u.last.path
		fd.Message = "lookup file " + path + " (mode " + secMode(u.info.Mode) + ", owner " + strconv.Itoa(u.info.UID) + ":" + strconv.Itoa(u.info.GID) +
			") is not readable by " + user + ", the user that " + strings.Join(u.where, ", ") + " run as: Exim logs \"failed to open " + path +
			" for linear search: Permission denied\"" + secFailEffect(u.last)
		fd.Hint = "chown root:" + user + " " + path + " and chmod 0640 it"
		p.Report(fd)
	}
}

// secRouterGuards lists, per router, the files its preconditions test:
// exists{…} in domains/senders/local_parts/condition and require_files
// entries (Debian's hubbed_hosts: `domains = ${if exists{CONFDIR/hubbed_hosts}…fail}`
// guards its route_data lookup).
func secRouterGuards(s *Setup) map[*ex.Driver]map[string]bool {
	out := map[*ex.Driver]map[string]bool{}
	for _, r := range s.Routers {
		g := map[string]bool{}
		opts := append([]*ex.Option{r.Domains, r.Senders, r.LocalParts}, r.Conditions...)
		for _, o := range opts {
			if o == nil || !o.HasValue || !strings.Contains(o.Value.S, "exists") {
				continue
			}
			x, _ := ex.ParseExpansion(o.Value.S)
			for _, p := range x.ExistsPaths() {
				g[p] = true
			}
		}
		if o := r.RequireFiles; o != nil && o.HasValue {
			l, _ := ex.ParseList(o.Value.S)
			for _, it := range l.Items {
				g[strings.TrimPrefix(it.Body, "+")] = true
			}
		}
		out[r.Driver] = g
	}
	return out
}

// secPathFinding points at the file name where it is written; when the
// name came out of a macro (Debian's CONFDIR), at the option instead of at
// the macro's definition.
func secPathFinding(s *Setup, r secFileRef) (lint.Finding, bool) {
	path, start, end := r.text.Span(r.lo, r.hi)
	if f := s.byPath[path]; f != nil && start <= end && end <= len(f.Src) && string(f.Src[start:end]) == r.path {
		return f.At(start, end), true
	}
	if r.opt != nil {
		fd, _, ok := s.AtOption(r.opt)
		return fd, ok
	}
	fd, _, ok := s.At(r.text, 0, len(r.text.S))
	return fd, ok
}

func secWhere(r secFileRef) string {
	if r.d == nil {
		if r.opt != nil {
			return "main option " + r.opt.Name
		}
		return "the named list"
	}
	kind := strings.TrimSuffix(r.d.Section, "s")
	return kind + " " + r.d.Name
}

func secFailEffect(r secFileRef) string {
	switch {
	case r.d != nil && r.d.Section == "authenticators":
		return " and the delivery is deferred (ch. 33.5: an expansion failure causes delivery to be deferred)"
	case r.d != nil && r.d.Section == "transports":
		return " and the delivery is deferred"
	case r.d != nil && r.d.Section == "routers":
		return " and routing of the address is deferred"
	}
	return " and the lookup defers the addresses it is used for"
}

func secMode(m fs.FileMode) string { return fmt.Sprintf("%04o", uint32(m.Perm())) }

// checkPerl: ${perl{func}} needs perl_startup and an Exim built with Perl.
// [exp Debian 4.96] exim4-daemon-light: "${perl" encountered, but this
// facility is not included in this binary; exim4-daemon-heavy without
// perl_startup: "A setting of perl_startup is needed when using the Perl
// interpreter"; in a router condition the address then bounced.
func checkPerl(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Part != "" {
		return // an included part linted alone: the main section is not known
	}
	if o := s.MainOption("perl_startup"); o != nil && o.HasValue {
		return
	}
	secEachOption(s, func(d *ex.Driver, o *ex.Option) {
		if !o.HasValue || !strings.Contains(o.Value.S, "${perl") {
			return
		}
		x, _ := ex.ParseExpansion(o.Value.S)
		calls := x.PerlCalls()
		if len(calls) == 0 {
			return
		}
		c := calls[0]
		fd, _, ok := s.At(o.Value, c.Item.Start, c.Item.End)
		if !ok {
			return
		}
		fn := "a Perl function"
		if c.Func != "" {
			fn = "Perl function " + c.Func
		}
		where := "main option " + o.Name
		if d != nil {
			where = strings.TrimSuffix(d.Section, "s") + " " + d.Name + " option " + o.Name
		}
		fd.Message = where + " calls " + fn + " but perl_startup is not set: the expansion fails (\"A setting of perl_startup is needed when using the Perl interpreter\", or no Perl at all in exim4-daemon-light)"
		if o.Name == "condition" && d != nil && d.Section == "routers" {
			fd.Message += "; in a router condition the address bounces as unrouteable"
		}
		fd.Hint = "remove the ${perl{…}} call (DirectAdmin's check_limits exists only with DirectAdmin's /etc/exim.pl), or set perl_startup = do '/path/to/file.pl' on an Exim built with Perl"
		p.Report(fd)
	})
}

// secTaintVars are variables whose values come from the message (tainted
// in Exim >= 4.94): a file name built from them is refused.
var secTaintVars = map[string]bool{
	"sender_address_domain": true, "sender_address": true, "sender_address_local_part": true,
	"domain": true, "local_part": true, "original_domain": true, "original_local_part": true,
	"authenticated_sender": true, "sender_host_name": true,
}

// secTainted reports whether an expansion uses a message-derived variable
// outside a lookup (a lookup's result comes from the file and is not
// tainted, which is how cPanel's template de-taints
// ${lookup{$sender_address_domain}lsearch,ret=key{/etc/localdomains}}).
func secTainted(v string, also map[string]bool) bool {
	x, _ := ex.ParseExpansion(v)
	tainted := false
	x.Walk(func(n *ex.Node, stack []*ex.Node) bool {
		if n.Kind == ex.NodeItem && n.Name == "lookup" {
			return false
		}
		if n.Kind == ex.NodeVar && (secTaintVars[n.Name] || also[n.Name] || strings.HasPrefix(n.Name, "h_") || strings.HasPrefix(n.Name, "header_")) {
			tainted = true
		}
		return !tainted
	})
	return tainted
}

// checkDKIM: signing must happen before relaying if the smarthost does
// not sign; [exp 4.96] a dkim_private_key path built from tainted data
// logs "Tainted filename" and the message goes out unsigned.
func checkDKIM(p *lint.Pass) {
	s := p.Unit.(*Setup)
	for _, g := range secSmarthostTransports(s) {
		key := g.T.Option("dkim_private_key")
		if key == nil || !key.HasValue {
			continue
		}
		fd, _, ok := s.AtOption(key)
		if !ok {
			continue
		}
		also := map[string]bool{}
		if dom := g.T.Option("dkim_domain"); dom != nil && dom.HasValue && secTainted(dom.Value.S, nil) {
			also["dkim_domain"] = true
		}
		if secTainted(key.Value.S, also) {
			fd.Severity = lint.SeverityWarning
			fd.Message = "transport " + g.T.Name + " builds dkim_private_key from message data (the sender's domain): Exim 4.94+ refuses the tainted file name (\"Tainted filename\") and the message is relayed unsigned"
			fd.Hint = "de-taint the domain with a lookup, e.g. dkim_domain = ${lookup{$sender_address_domain}lsearch,ret=key{/etc/localdomains}}, and build the key path from $dkim_domain"
		} else {
			fd.Message = "transport " + g.T.Name + " signs with DKIM before relaying to " + secHostNames(g.Hosts) +
				": the key file must exist and be readable by the Exim user, and the smarthost must not break the signature"
			fd.Hint = "keep the signing here only if the smarthost does not sign; check the key path for every sending domain"
		}
		p.Report(fd)
	}
}

// checkInterface: the seed's cPanel transports choose the source address
// (interface, ch. 30: "must be a list of IP addresses" after expansion)
// and HELO name per sending domain; an IP-authorised smarthost must accept
// every one of them.
func checkInterface(p *lint.Pass) {
	s := p.Unit.(*Setup)
	for _, g := range secSmarthostTransports(s) {
		for _, name := range []string{"interface", "helo_data"} {
			o := g.T.Option(name)
			if o == nil || !o.HasValue || !strings.Contains(o.Value.S, "${") {
				continue
			}
			x, _ := ex.ParseExpansion(o.Value.S)
			lks := x.Lookups()
			if len(lks) == 0 {
				continue
			}
			fd, _, ok := s.AtOption(o)
			if !ok {
				continue
			}
			src := "a lookup"
			if lks[0].Path != "" {
				src = lks[0].Path
			}
			if name == "interface" {
				fd.Message = "transport " + g.T.Name + " picks its source address per sending domain from " + src +
					": the smarthost sees connections from every address listed there, so each must be authorised if it relays by IP"
				fd.Hint = "authorise every address of " + src + " at the smarthost, or drop interface from the smarthost transport"
			} else {
				fd.Message = "transport " + g.T.Name + " picks its HELO name per sending domain from " + src +
					": the smarthost may check HELO names; each must resolve and match the source address"
				fd.Hint = "make sure every HELO name in " + src + " is a valid host name for its address"
			}
			p.Report(fd)
		}
	}
}
