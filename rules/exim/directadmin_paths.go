package exim

import (
	"fmt"
	"path"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// daVirtualDir holds DirectAdmin's per-domain tables (domains, domainips,
// helo_data, domainowners, DKIM keys).
const daVirtualDir = "/etc/virtual/"

// checkDirectAdminPaths is EX204: pieces of DirectAdmin's configuration
// (the seed's DirectAdmin section, or a copied DirectAdmin exim.conf) on
// an Exim that is not DirectAdmin's. `${perl{...}}` without perl_startup
// is EX026; only DirectAdmin's check_limits with perl_startup set is
// reported here.
func checkDirectAdminPaths(p *lint.Pass) {
	s := setupOf(p)
	if s == nil || isDirectAdmin(s) || s.Config == nil {
		return
	}
	for _, inc := range s.Config.Includes {
		// An existing file is this host's own; its values are checked
		// below like any option.
		if !isDAInclude(inc) || inc.Read {
			continue
		}
		fd, _, ok := s.AtPos(inc.Pos, len(".include"))
		if !ok {
			continue
		}
		fd.Message = fmt.Sprintf("%s is DirectAdmin's DKIM include, but this is not a DirectAdmin server and the file does not exist: the include adds nothing, so this transport does not sign", inc.Written)
		fd.Hint = "write this host's own dkim_domain, dkim_selector and dkim_private_key in the transport instead of the include"
		p.Report(fd)
	}
	perl := s.MainOption("perl_startup") != nil
	eachOption(s.Config, func(o *ex.Option) {
		v := o.Value.S
		if i := strings.Index(v, daVirtualDir); i >= 0 {
			j := i + len(daVirtualDir)
			for j < len(v) && !strings.ContainsRune("{}:; \t\"'", rune(v[j])) {
				j++
			}
			if fd, f, ok := s.At(o.Value, i, j); ok {
				file := v[i:j]
				if holdsSecret(f, o) {
					file = "a file under " + daVirtualDir
				}
				fd.Message = fmt.Sprintf("%s reads %s, one of DirectAdmin's per-domain tables, but this is not a DirectAdmin server: the file does not exist or is not maintained here (a lookup in a missing file fails: \"failed to open ... for linear search\")", o.Name, file)
				fd.Hint = "use a file this host maintains (e.g. under /etc/exim4/ or /etc/exim/), or remove the DirectAdmin-specific lookup"
				p.Report(fd)
			}
		}
		if perl {
			if i := strings.Index(v, "${perl{check_limits}"); i >= 0 {
				if fd, _, ok := s.At(o.Value, i, i+len("${perl{check_limits}")); ok {
					fd.Message = "check_limits is a function of DirectAdmin's /etc/exim.pl, but this is not a DirectAdmin server: the perl call fails unless this host's perl_startup script defines it"
					fd.Hint = "remove the condition (it enforces DirectAdmin's sending limits) or define check_limits in this host's perl_startup script"
					p.Report(fd)
				}
			}
		}
	})
}

// holdsSecret reports whether an option's value is (partly) a secret, so
// no part of it may be quoted in a message.
func holdsSecret(f *lint.File, o *ex.Option) bool {
	if o.Hide {
		return true
	}
	_, start, end := o.Value.Span(0, len(o.Value.S))
	return f.Secrets != nil && len(f.Secrets.SecretsIn(start, end)) > 0
}

// isDAInclude reports whether an include is DirectAdmin's DKIM include.
func isDAInclude(inc *ex.Include) bool {
	return path.Base(inc.Written) == "exim.dkim.conf"
}

// eachOption calls fn for every option setting of a configuration: main
// options, named lists and every driver option.
func eachOption(c *ex.Config, fn func(o *ex.Option)) {
	if c.Main != nil {
		for _, o := range c.Main.Options {
			fn(o)
		}
	}
	for _, l := range c.Lists {
		fn(&ex.Option{Name: l.Kind + " " + l.Name, NamePos: l.NamePos, Value: l.Value, HasValue: true})
	}
	for _, sec := range c.Sections {
		for _, d := range sec.Drivers {
			for _, o := range d.Options {
				fn(o)
			}
		}
	}
}
