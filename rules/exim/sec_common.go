package exim

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// Helpers shared by the TLS/AUTH/credential rules (EX018–EX034).

// secTransportRoutes groups the smarthost routes by the smtp transport
// they use, in transport definition order, so a transport-level problem
// is reported once however many routers or rules reach it.
type secTransportRoutes struct {
	T      *Transport
	Routes []*Route
	Hosts  []RouteHost // every host of every route
}

func secSmarthostTransports(s *Setup) []*secTransportRoutes {
	return s.Memo("sec.transports", func() any {
		byT := map[*Transport]*secTransportRoutes{}
		for _, rt := range s.Routes {
			t := rt.Transport
			if t == nil || t.Type != "smtp" || len(rt.Hosts) == 0 {
				continue // hosts from an expansion (Debian's hubbed_hosts route_data): not a known smarthost
			}
			g := byT[t]
			if g == nil {
				g = &secTransportRoutes{T: t}
				byT[t] = g
			}
			g.Routes = append(g.Routes, rt)
			g.Hosts = append(g.Hosts, rt.Hosts...)
		}
		var out []*secTransportRoutes
		for _, t := range s.Transports {
			if g := byT[t]; g != nil {
				out = append(out, g)
			}
		}
		return out
	}).([]*secTransportRoutes)
}

// secDriverFinding is a finding on a driver instance's name line.
func secDriverFinding(s *Setup, d *ex.Driver) (lint.Finding, bool) {
	fd, _, ok := s.AtPos(d.NamePos, len(d.Name))
	return fd, ok
}

// secAuthConfigured reports whether the transport tries AUTH towards the
// route's hosts with at least one client authenticator defined.
func secAuthConfigured(s *Setup, g *secTransportRoutes) bool {
	if len(s.ClientAuthenticators()) == 0 {
		return false
	}
	return g.T.HostsRequireAuth.MatchesAll(g.Hosts) != No || g.T.HostsTryAuth.MatchesAll(g.Hosts) != No
}

// secTLSGuarded reports whether an authenticator refuses to send
// credentials without TLS: its client_condition or client_send tests
// $tls_out_cipher (Debian's shipped client authenticators do:
// `client_send = "<; ${if !eq{$tls_out_cipher}{}{…}fail}"`).
func secTLSGuarded(a *Authenticator) bool {
	for _, name := range []string{"client_condition", "client_send", "client_secret", "client_password"} {
		o := a.Option(name)
		if o == nil || !o.HasValue || !strings.Contains(o.Value.S, "tls_out_cipher") {
			continue
		}
		if x, _ := ex.ParseExpansion(o.Value.S); x != nil && x.TestsVar("tls_out_cipher") {
			return true
		}
	}
	return false
}

// secInsertOption builds a safe fix that inserts "name = value" as a new
// line right after the transport's `driver` line, with that line's
// indentation, when the driver line is plain text in a real file.
func secInsertOption(s *Setup, d *ex.Driver, line string) *lint.Fix {
	drv := d.Option("driver")
	if drv == nil {
		return nil
	}
	f := s.FileOf(drv.NamePos)
	if f == nil {
		return nil
	}
	src := f.Src
	at := drv.NamePos.Offset
	if at < 0 || at > len(src) || !strings.HasPrefix(string(src[at:]), drv.Written) {
		return nil
	}
	// The driver option must be one physical line: its value ends on the
	// line where the name is.
	if end := drv.Value.End(); drv.HasValue && (end.File != drv.NamePos.File || end.Line != drv.NamePos.Line) {
		return nil
	}
	bol := at
	for bol > 0 && src[bol-1] != '\n' {
		bol--
	}
	indent := string(src[bol:at])
	if strings.TrimLeft(indent, " \t") != "" {
		return nil
	}
	eol := at
	for eol < len(src) && src[eol] != '\n' {
		eol++
	}
	text := indent + line + "\n"
	if eol == len(src) {
		text = "\n" + indent + line
	} else {
		eol++
	}
	return &lint.Fix{
		Description: "add `" + line + "` to transport " + d.Name,
		Safe:        true,
		Edits:       []lint.TextEdit{{Start: eol, End: eol, NewText: text}},
	}
}

// secRootDir returns the directory the configuration's absolute paths are
// resolved under (the --root of the run), from the root file's disk path
// and the path the configuration knows it by.
func secRootDir(s *Setup) (string, bool) {
	if s.Root == nil || s.Root.DiskPath == "" {
		return "", false
	}
	for p, f := range s.byPath {
		if f != s.Root || !strings.HasPrefix(p, "/") {
			continue
		}
		disk := filepath.Clean(s.Root.DiskPath)
		suffix := filepath.FromSlash(p)
		if strings.HasSuffix(disk, suffix) {
			return strings.TrimSuffix(disk, suffix), true
		}
	}
	return "", false
}

// secConfigHomes are where Exim configurations live on a machine; a
// configuration linted from anywhere else (a copy in a repository, the
// corpus) is not on its machine, so the files it names cannot be checked.
var secConfigHomes = []string{"/etc/", "/usr/exim/", "/usr/local/etc/exim/", "/usr/local/exim/", "/var/lib/exim4/"}

// secStat stats an absolute path written in the configuration; known is
// false when the unit's root directory cannot be told (stdin input) or the
// configuration is not in its place on a machine (or under --root).
func secStat(p *lint.Pass, s *Setup, path string) (info *lint.FileInfo, known bool, err error) {
	root, ok := secRootDir(s)
	if !ok {
		return nil, false, nil
	}
	home := false
	for _, h := range secConfigHomes {
		home = home || strings.HasPrefix(s.rootPath(), h)
	}
	if !home {
		return nil, false, nil
	}
	info, err = p.FS.Stat(filepath.Join(root, filepath.FromSlash(path)))
	return info, true, err
}

// secEachOption calls f for every option setting of the configuration
// (main part and every driver) with the driver it belongs to (nil for the
// main part).
func secEachOption(s *Setup, f func(d *ex.Driver, o *ex.Option)) {
	if s.Config.Main != nil {
		for _, o := range s.Config.Main.Options {
			f(nil, o)
		}
	}
	for _, sec := range s.Config.Sections {
		for _, d := range sec.Drivers {
			for _, o := range d.Options {
				f(d, o)
			}
		}
	}
}

// secOrdinal names the n-th (1-based) list item in messages, so a rule
// can point at a credential without repeating it.
func secOrdinal(n int) string {
	switch n {
	case 1:
		return "1st"
	case 2:
		return "2nd"
	case 3:
		return "3rd"
	}
	return strconv.Itoa(n) + "th"
}
