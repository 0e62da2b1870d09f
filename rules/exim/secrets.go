package exim

import (
	"bytes"
	"errors"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

var errNoFollow = errors.New("includes are not followed (--no-follow)")

// markSecret marks every byte of t's text as secret in the files they
// really come from (an option value may be spread over continuation lines
// and macro definitions).
func (s *Setup) markSecret(t ex.Text) {
	if len(t.S) == 0 {
		return
	}
	// Walk the text and group consecutive source bytes per file.
	var cur *lint.File
	lo, hi := -1, -1
	flush := func() {
		if cur != nil && hi > lo {
			cur.AddSecret(lo, hi)
		}
	}
	for i := 0; i < len(t.S); {
		path, start, end := t.Span(i, i+1)
		f := s.byPath[path]
		if end <= start {
			end = start + 1
		}
		if f != cur || start != hi {
			flush()
			cur, lo = f, start
		}
		hi = end
		i++
	}
	flush()
}

// lsearchFile finds the files of single-key lookups in an expansion, such
// as the seed's ${lookup{$sender_address_domain}lsearch{/etc/exim_spamexperts}}.
var lsearchFile = lazyRegexp(`(?:n?wild)?lsearch\*?(?:,[^{]*)?\{\s*(/[^}\s$]+)\s*\}`)

// markSecrets marks credentials in the unit's files (GEN005): the values
// of client_send, client_secret, server_secret and similar options, every
// `hide` option value, and the values of lsearch files read by client
// options. Files holding literal credentials get HoldsCredentials so GEN003
// checks their permissions.
func (s *Setup) markSecrets(l *lint.Loader) {
	s.markConfigSecrets(l, s.Config)
	// With exim.conf as the unit's configuration, the blocks of
	// exim.conf.local beside it hold credentials too.
	if s.Cpanel != nil && s.Cpanel.Generated != nil {
		for _, b := range s.Cpanel.Blocks {
			if b.Config != nil {
				s.markConfigSecrets(l, b.Config)
			}
		}
	}
}

func (s *Setup) markConfigSecrets(l *lint.Loader, cfg *ex.Config) {
	mark := func(o *ex.Option, credential bool) {
		if !o.HasValue || len(o.Value.S) == 0 {
			return
		}
		s.markSecret(o.Value)
		if credential && !onlyExpansion(o.Value.S) {
			if f := s.FileOf(o.Value.Pos(0)); f != nil {
				f.HoldsCredentials = true
			}
		}
	}
	for _, o := range cfg.Main.Options {
		if o.Hide {
			mark(o, false)
		}
	}
	for _, l := range cfg.Lists {
		if l.Hide && len(l.Value.S) > 0 {
			s.markSecret(l.Value)
		}
	}
	for _, sec := range cfg.Sections {
		for _, d := range sec.Drivers {
			for _, o := range d.Options {
				switch {
				case secretOptionNames[o.Name]:
					mark(o, true)
				case o.Hide:
					mark(o, false)
				}
				if secretOptionNames[o.Name] && l.Follow() {
					for _, m := range lsearchFile().FindAllStringSubmatch(o.Value.S, -1) {
						s.addCredentialTable(l, m[1])
					}
				}
			}
		}
	}
}

// onlyExpansion reports whether a credential value is entirely looked up
// at run time (no literal secret in the config), like Debian's
// `client_send = "<; ${if ...{${extract{...}{${lookup{...}}}}}}"`.
func onlyExpansion(v string) bool {
	v = strings.TrimSpace(v)
	v = strings.TrimLeft(v, "<;: ^")
	return strings.HasPrefix(v, "${") && strings.HasSuffix(v, "}")
}

// addCredentialTable reads an lsearch file used by a client authenticator
// into the unit: its values are secrets and its permissions matter (GEN003).
func (s *Setup) addCredentialTable(l *lint.Loader, p string) {
	if _, ok := s.byPath[p]; ok {
		return
	}
	f, err := l.Open(p, lint.KindExim)
	if err != nil || lint.Binary(f.Src) {
		return
	}
	f.Kind = lint.KindExim
	f.HoldsCredentials = true
	markLsearchValues(f)
	s.credentialTables = append(s.credentialTables, f)
	s.addFile(f, p)
}

// markLsearchValues marks the data part of every lsearch line: the key
// ends at the first colon or white space (ch. 9.3); continuation lines
// (leading white space) are data too.
func markLsearchValues(f *lint.File) {
	src := f.Src
	for off := 0; off < len(src); {
		end := bytes.IndexByte(src[off:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += off
		}
		line := src[off:end]
		trim := bytes.TrimLeft(line, " \t")
		switch {
		case len(trim) == 0 || trim[0] == '#':
		case len(trim) < len(line):
			f.AddSecret(off+len(line)-len(trim), end)
		default:
			k := bytes.IndexAny(line, ": \t")
			if k > 0 {
				f.AddSecret(off+k+1, end)
			}
		}
		off = end + 1
	}
}
