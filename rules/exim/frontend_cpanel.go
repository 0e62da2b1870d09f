package exim

import (
	"bytes"
	"path"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// loadCpanel loads cPanel's exim.conf.local / exim.conf.localopts. With
// /etc/exim.conf beside them the unit is that configuration (the local
// file's blocks are attached); alone, the configuration is assembled from
// the blocks, each parsed as the section its marker lands in.
func loadCpanel(l *lint.Loader, f *lint.File) *Setup {
	cp := configPath(l, f)
	dir := path.Dir(cp)
	if l.Follow() {
		if gf, err := l.Open(dir+"/exim.conf", lint.KindExim); err == nil && !lint.Binary(gf.Src) {
			gf.Kind = lint.KindExim
			return loadConfig(l, gf, "")
		}
	}
	s := newSetup(f)
	s.Variant = VariantCpanel
	s.Cpanel = &Cpanel{}
	s.addFile(f, cp)
	s.attachCpanel(l, dir, f)
	s.finish(l, s.assembleBlocks())
	return s
}

// attachCpanel reads exim.conf.local and exim.conf.localopts from dir (one
// of them may be the file already read) and parses the blocks.
func (s *Setup) attachCpanel(l *lint.Loader, dir string, have *lint.File) {
	c := s.Cpanel
	open := func(name string) (*lint.File, string) {
		p := dir + "/" + name
		if have != nil && path.Base(have.Path) == name {
			return have, p
		}
		if !l.Follow() {
			return nil, p
		}
		g, err := l.Open(p, lint.KindEximCpanel)
		if err != nil || lint.Binary(g.Src) {
			return nil, p
		}
		g.Kind = lint.KindEximCpanel
		return g, p
	}
	if lf, p := open("exim.conf.local"); lf != nil {
		c.Local = lf
		s.addFile(lf, p)
		lf.HoldsCredentials = bytes.Contains(lf.Src, []byte("client_send")) || bytes.Contains(lf.Src, []byte("client_secret"))
		loc := ex.ParseCpanelLocal(p, lf.Src)
		c.LocalParsed = loc
		c.Errors = loc.Errors
		for _, b := range loc.Blocks {
			blk := &CpanelBlock{Marker: b.Marker, Section: b.Section, Line: b.MarkerPos.Line, Block: b}
			blk.Config = loc.ParseBlock(b, ex.Options{ReadFile: s.reader(l)})
			c.Blocks = append(c.Blocks, blk)
		}
	}
	if of, p := open("exim.conf.localopts"); of != nil {
		c.LocalOpts = of
		s.addFile(of, p)
		c.LocalOptsParsed = ex.ParseCpanelLocalOpts(p, of.Src)
	}
}

// cpanelRouterOrder is the order cPanel's template places the router
// markers in (PREROUTERS first, then ROUTERSTART, ..., ROUTEREND), as
// observed in cPanel-generated configurations.
var cpanelRouterOrder = []string{"PREROUTERS", "ROUTERSTART", "DIRECTORSTART", "PREVALIASNOSTAR", "PREVALIASSTAR", "PRENOALIASDISCARD", "PREVIRTUALUSER", "POSTMAILCOUNT", "ROUTERMIDDLE", "DIRECTORMIDDLE", "PREDOTFORWARD", "PREFILTER", "PRELOCALUSER", "DIRECTOREND", "ROUTEREND"}

// assembleBlocks merges the blocks of a lone exim.conf.local into one
// Config: main options, then routers in template order, transports and
// authenticators in file order.
func (s *Setup) assembleBlocks() *ex.Config {
	cfg := &ex.Config{Main: &ex.Section{Name: "main"}}
	secs := map[string]*ex.Section{}
	section := func(name string) *ex.Section {
		if sec := secs[name]; sec != nil {
			return sec
		}
		sec := &ex.Section{Name: name}
		secs[name] = sec
		cfg.Sections = append(cfg.Sections, sec)
		return sec
	}
	rank := func(m string) int {
		for i, r := range cpanelRouterOrder {
			if r == m {
				return i
			}
		}
		return len(cpanelRouterOrder)
	}
	blocks := append([]*CpanelBlock(nil), s.Cpanel.Blocks...)
	// Stable insertion sort of the router blocks by template order.
	for i := 1; i < len(blocks); i++ {
		for j := i; j > 0 && blocks[j].Section == "routers" && blocks[j-1].Section == "routers" && rank(blocks[j].Marker) < rank(blocks[j-1].Marker); j-- {
			blocks[j], blocks[j-1] = blocks[j-1], blocks[j]
		}
	}
	for _, b := range blocks {
		if b.Config == nil {
			continue
		}
		bc := b.Config
		cfg.Files = append(cfg.Files, bc.Files...)
		cfg.Macros = append(cfg.Macros, bc.Macros...)
		cfg.Lists = append(cfg.Lists, bc.Lists...)
		cfg.Includes = append(cfg.Includes, bc.Includes...)
		cfg.Conds = append(cfg.Conds, bc.Conds...)
		cfg.Comments = append(cfg.Comments, bc.Comments...)
		cfg.Errors = append(cfg.Errors, bc.Errors...)
		cfg.Main.Options = append(cfg.Main.Options, bc.Main.Options...)
		for _, sec := range bc.Sections {
			dst := section(sec.Name)
			dst.Drivers = append(dst.Drivers, sec.Drivers...)
			dst.Lines = append(dst.Lines, sec.Lines...)
		}
	}
	return cfg
}
