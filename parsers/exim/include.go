package exim

import (
	"errors"
	"io/fs"
	"path"
	"strings"
)

// include handles a .include or .include_if_exists physical line
// (get_config_line in readconf.c): the name is the rest of the line with
// white space and one pair of surrounding double quotes removed; a
// relative name is taken relative to the directory of the including file
// for .include and is fatal for .include_if_exists; a missing file is
// skipped by .include_if_exists and fatal for .include.
//
// It reports whether the line was an include directive and where Exim's
// buffer ends after it (the end of the name: Exim writes a NUL there).
func (p *parser) include(pl *physLine, ws int) (int, bool) {
	s := pl.t.S
	if !strings.HasPrefix(s[ws:], ".include") {
		return 0, false
	}
	r := s[ws+8:]
	ifExists := false
	switch {
	case len(r) > 0 && isSpace(r[0]), len(r) == 0 && pl.nl:
		r = r[min(1, len(r)):]
	case strings.HasPrefix(r, "_if_exists") && (len(r) > 10 && isSpace(r[10]) || len(r) == 10 && pl.nl):
		ifExists = true
		r = r[min(11, len(r)):]
	default:
		return 0, false
	}
	st := len(s) - len(r)
	st = skipSpace(s, st)
	end := len(s)
	for end > st && isSpace(s[end-1]) {
		end--
	}
	name := s[st:end]
	bufEnd := end
	if len(name) >= 1 && name[0] == '"' && name[len(name)-1] == '"' {
		bufEnd--
		if len(name) == 1 {
			name = ""
		} else {
			name = name[1 : len(name)-1]
		}
	}
	top := p.stack[len(p.stack)-1]
	inc := &Include{
		Pos: pl.t.Pos(ws), IfExists: ifExists, Written: name,
		Section: p.sec.Name, Driver: p.drv,
	}
	p.c.Includes = append(p.c.Includes, inc)
	if !strings.HasPrefix(name, "/") {
		if ifExists {
			p.errAtNoEnd(inc.Pos, "include", ".include specifies a non-absolute path \""+name+"\"")
			return bufEnd, true
		}
		name = top.dir + "/" + name
	}
	inc.Path = path.Clean(name)
	if p.o.ReadFile == nil || strings.HasSuffix(name, "/") {
		// An empty name opens the directory itself, which Exim reads as
		// an empty file.
		return bufEnd, true
	}
	for _, fr := range p.stack {
		if fr.f.Path == inc.Path {
			p.errAtNoEnd(inc.Pos, "include", "include loop: "+inc.Path+" includes itself")
			return bufEnd, true
		}
	}
	if len(p.stack) > p.o.MaxDepth {
		p.errAtNoEnd(inc.Pos, "include", "failed to open included configuration file "+name+" (includes nested more than "+itoa(p.o.MaxDepth)+" deep)")
		return bufEnd, true
	}
	f := p.c.File(inc.Path)
	if f == nil {
		src, err := p.o.ReadFile(inc.Path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				inc.Missing = true
				if ifExists {
					return bufEnd, true
				}
			}
			p.errAtNoEnd(inc.Pos, "include", "failed to open included configuration file "+name)
			return bufEnd, true
		}
		f = &SourceFile{Path: inc.Path, Src: src, Include: inc}
		p.c.Files = append(p.c.Files, f)
	}
	inc.Read = true
	p.stack = append(p.stack, &frame{f: f, dir: dirOf(inc.Path), inc: inc})
	return bufEnd, true
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
