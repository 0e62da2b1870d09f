package exim

import (
	"strings"
)

// cPanel builds /etc/exim.conf from its template and /etc/exim.conf.local
// (buildeximconf). exim.conf.local is a list of section markers "@NAME@",
// each on a line of its own and followed by the text cPanel injects at
// that point of the template, plus "%RETRYBLOCK%" for the retry rules
// (RULES.md §3.3; the marker list is the one observed in public
// cPanel-targeted tooling).

// CpanelMarkers maps each marker of exim.conf.local to the section of
// exim.conf its text lands in.
var CpanelMarkers = map[string]string{
	"AUTH":              "authenticators",
	"BEGINACL":          "acl",
	"ENDACL":            "acl",
	"CONFIG":            "main",
	"DIRECTOREND":       "routers",
	"DIRECTORMIDDLE":    "routers",
	"DIRECTORSTART":     "routers",
	"POSTMAILCOUNT":     "routers",
	"PREDOTFORWARD":     "routers",
	"PREFILTER":         "routers",
	"PRELOCALUSER":      "routers",
	"PRENOALIASDISCARD": "routers",
	"PREROUTERS":        "routers",
	"PREVALIASNOSTAR":   "routers",
	"PREVALIASSTAR":     "routers",
	"PREVIRTUALUSER":    "routers",
	"ROUTEREND":         "routers",
	"ROUTERMIDDLE":      "routers",
	"ROUTERSTART":       "routers",
	"RETRYEND":          "retry",
	"RETRYSTART":        "retry",
	"REWRITE":           "rewrite",
	"TRANSPORTEND":      "transports",
	"TRANSPORTMIDDLE":   "transports",
	"TRANSPORTSTART":    "transports",
	"%RETRYBLOCK%":      "retry",
}

// CpanelLocal is a parsed exim.conf.local.
type CpanelLocal struct {
	Path   string
	File   *SourceFile
	Blocks []*CpanelBlock
	Errors []*Error // Code "marker"
}

// CpanelBlock is a marker and the text after it up to the next marker.
type CpanelBlock struct {
	Marker    string // "ROUTERSTART" (without the @), or "%RETRYBLOCK%"
	MarkerPos Pos
	Section   string // see CpanelMarkers; "" for an unknown marker
	// Start and End are the byte range of the text in the file (from the
	// line after the marker to the start of the next marker line).
	Start, End int
	TextPos    Pos // position of Start
}

// Empty reports whether the block holds only blank and comment lines.
func (b *CpanelBlock) Empty(l *CpanelLocal) bool {
	for _, ln := range strings.Split(string(l.File.Src[b.Start:b.End]), "\n") {
		t := strings.TrimSpace(ln)
		if t != "" && !strings.HasPrefix(t, "#") {
			return false
		}
	}
	return true
}

// Block returns the first block with that marker, or nil.
func (l *CpanelLocal) Block(marker string) *CpanelBlock {
	for _, b := range l.Blocks {
		if b.Marker == marker {
			return b
		}
	}
	return nil
}

// ParseCpanelLocal splits exim.conf.local into marker blocks. Problems —
// an unknown marker, a marker with other text on its line, text before
// the first marker, a repeated marker — are Errors with Code "marker".
func ParseCpanelLocal(path string, src []byte) *CpanelLocal {
	f := &SourceFile{Path: path, Src: src}
	l := &CpanelLocal{Path: path, File: f}
	seen := map[string]bool{}
	var cur *CpanelBlock
	off := 0
	s := f.str()
	for off < len(s) {
		end := strings.IndexByte(s[off:], '\n')
		next := len(s)
		if end >= 0 {
			end += off
			next = end + 1
		} else {
			end = len(s)
		}
		line := strings.TrimRight(s[off:end], " \t\r")
		trimmed := strings.TrimLeft(line, " \t")
		lead := len(line) - len(trimmed)
		marker, mlen := cpanelMarkerAt(trimmed)
		switch {
		case marker != "" && mlen == len(trimmed) && lead == 0:
			if cur != nil {
				cur.End = off
			}
			cur = &CpanelBlock{Marker: marker, MarkerPos: f.Pos(off), Section: CpanelMarkers[marker], Start: next, TextPos: f.Pos(next)}
			if cur.Section == "" {
				l.Errors = append(l.Errors, &Error{Pos: cur.MarkerPos, Code: "marker", Msg: "unknown exim.conf.local section marker " + cpanelShow(marker)})
			}
			if seen[marker] {
				l.Errors = append(l.Errors, &Error{Pos: cur.MarkerPos, Code: "marker", Msg: "section marker " + cpanelShow(marker) + " appears more than once"})
			}
			seen[marker] = true
			l.Blocks = append(l.Blocks, cur)
		case marker != "" && CpanelMarkers[marker] != "":
			// Only a known marker is a misplaced marker: "@FOO@" inside
			// ordinary text may be data.
			l.Errors = append(l.Errors, &Error{Pos: f.Pos(off + lead), Code: "marker", Msg: "section marker " + cpanelShow(marker) + " must be alone at the start of its line"})
		case cur == nil && trimmed != "" && !strings.HasPrefix(trimmed, "#"):
			l.Errors = append(l.Errors, &Error{Pos: f.Pos(off + lead), Code: "marker", Msg: "text before the first section marker is not placed anywhere in exim.conf"})
		}
		off = next
	}
	if cur != nil {
		cur.End = len(s)
	}
	return l
}

// cpanelMarkerAt finds a marker "@NAME@" (NAME upper case letters) or
// "%RETRYBLOCK%" in s; it returns the marker name and, when s starts
// with it, its length (else 0 with the name found elsewhere in s).
func cpanelMarkerAt(s string) (string, int) {
	if strings.HasPrefix(s, "%RETRYBLOCK%") {
		return "%RETRYBLOCK%", len("%RETRYBLOCK%")
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '@' {
			continue
		}
		j := i + 1
		for j < len(s) && (isUpper(s[j]) || s[j] == '_') {
			j++
		}
		if j > i+1 && j < len(s) && s[j] == '@' {
			if i == 0 {
				return s[1:j], j + 1
			}
			return s[i+1 : j], 0
		}
	}
	if k := strings.Index(s, "%RETRYBLOCK%"); k > 0 {
		return "%RETRYBLOCK%", 0
	}
	return "", 0
}

func cpanelShow(m string) string {
	if strings.HasPrefix(m, "%") {
		return m
	}
	return "@" + m + "@"
}

// ParseBlock parses a block with the Exim grammar of the section it lands
// in; positions point into exim.conf.local. It returns nil for a block
// with an unknown marker.
func (l *CpanelLocal) ParseBlock(b *CpanelBlock, o Options) *Config {
	if b.Section == "" {
		return nil
	}
	// The blocks share l.File: its text and line index are built once,
	// not once per block.
	return parseFragment(l.File, b.Start, b.End, b.Section, o)
}

// ParseFragment parses src[start:end] as text inside the named section
// ("main", "routers", "transports", "authenticators", "acl", "retry",
// "rewrite", "local_scan") of an Exim configuration; positions are those
// of the whole src. The section appears in Config.Sections (or as
// Config.Main) with a zero Begin.
func ParseFragment(path string, src []byte, start, end int, section string, o Options) *Config {
	return parseFragment(&SourceFile{Path: path, Src: src}, start, end, section, o)
}

// parseFragment is ParseFragment on a SourceFile that may already be
// shared with other fragments of the same file.
func parseFragment(f *SourceFile, start, end int, section string, o Options) *Config {
	path, src := f.Path, f.Src
	p := newParser(path, o)
	p.c.Files = append(p.c.Files, f)
	if start < 0 {
		start = 0
	}
	if end > len(src) || end <= 0 {
		end = len(src)
	}
	if start > end {
		start = end
	}
	if section != "main" {
		for _, sn := range sectionNames {
			if sn.name == section {
				sec := &Section{Name: sn.name}
				p.c.Sections = append(p.c.Sections, sec)
				p.had[sn.name] = true
				p.sec = sec
				p.class = sn.class
				switch {
				case sn.class != "":
					p.kind = kindDriver
				case sn.name == "acl":
					p.kind = kindACL
				default:
					p.kind = kindRaw
				}
			}
		}
	}
	if start == end {
		return p.c
	}
	p.stack = []*frame{{f: f, off: start, end: end, dir: dirOf(path)}}
	p.run()
	return p.c
}

// CpanelLocalOpts is a parsed exim.conf.localopts: key=value lines (a key
// alone means an empty value).
type CpanelLocalOpts struct {
	Path    string
	File    *SourceFile
	Entries []*CpanelOpt
}

// CpanelOpt is one line of exim.conf.localopts.
type CpanelOpt struct {
	Key      string
	KeyPos   Pos
	HasEq    bool
	Value    string
	ValuePos Pos
}

// Get returns the value of the last entry for key.
func (l *CpanelLocalOpts) Get(key string) (string, bool) {
	for i := len(l.Entries) - 1; i >= 0; i-- {
		if l.Entries[i].Key == key {
			return l.Entries[i].Value, true
		}
	}
	return "", false
}

// ParseCpanelLocalOpts parses exim.conf.localopts.
func ParseCpanelLocalOpts(path string, src []byte) *CpanelLocalOpts {
	f := &SourceFile{Path: path, Src: src}
	l := &CpanelLocalOpts{Path: path, File: f}
	s := string(src)
	off := 0
	for off < len(s) {
		end := strings.IndexByte(s[off:], '\n')
		next := len(s)
		if end >= 0 {
			end += off
			next = end + 1
		} else {
			end = len(s)
		}
		line := strings.TrimRight(s[off:end], "\r")
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
			e := &CpanelOpt{KeyPos: f.Pos(off)}
			if k := strings.IndexByte(line, '='); k >= 0 {
				e.Key, e.HasEq, e.Value = line[:k], true, line[k+1:]
				e.ValuePos = f.Pos(off + k + 1)
			} else {
				e.Key = line
				e.ValuePos = f.Pos(off + len(line))
			}
			l.Entries = append(l.Entries, e)
		}
		off = next
	}
	return l
}
