package exim

import (
	"bytes"
	"path"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// cpanelHeader starts every exim.conf cPanel's buildeximconf writes
// (corpus cpanel-exim-forwarding; RULES.md §3.3 says the exact text is
// UNVERIFIED as a documented format).
var cpanelHeader = []byte("#!!# cPanel Exim 4 Config")

// daHeader is in the first lines of DirectAdmin's SpamBlocker exim.conf.
var daHeader = []byte("SpamBlockerTechnology")

// detectVariant tells cPanel and DirectAdmin installations from plain
// ones (Debian is set by loadDebian before).
func (s *Setup) detectVariant(l *lint.Loader) {
	if s.Variant == VariantDebian {
		return
	}
	head := s.Root.Src[:min(len(s.Root.Src), 4096)]
	exists := func(p string) bool { _, err := l.Stat(p); return err == nil }
	cpHost := exists("/usr/local/cpanel") || exists("/var/cpanel")
	cpHeader := bytes.HasPrefix(head, cpanelHeader)
	rootDir := path.Dir(s.rootPath())
	switch {
	case s.Cpanel != nil:
		s.Variant = VariantCpanel
		s.Cpanel.Host = cpHost
	case s.Root.Kind == lint.KindExim && (cpHeader || cpHost || (s.Part == "" && exists(rootDir+"/exim.conf.local"))):
		s.Variant = VariantCpanel
		s.Cpanel = &Cpanel{Generated: s.Root, Host: cpHost, Header: cpHeader}
		if s.Part == "" {
			s.attachCpanel(l, rootDir, nil)
		}
	case bytes.Contains(head, daHeader) || exists("/usr/local/directadmin"):
		s.Variant = VariantDirectAdmin
		s.DirectAdmin = &DirectAdmin{Header: bytes.Contains(head, daHeader), Host: exists("/usr/local/directadmin")}
		for _, f := range s.files {
			if isPartName(path.Base(f.Path)) {
				s.DirectAdmin.Parts = append(s.DirectAdmin.Parts, f)
			}
		}
	}
}

// rootPath is the path the root file has as the configuration sees it.
func (s *Setup) rootPath() string {
	for p, f := range s.byPath {
		if f == s.Root {
			return p
		}
	}
	return s.Root.Path
}
