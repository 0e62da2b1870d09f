package exim

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
)

// memFS is an in-memory file system for includes.
type memFS map[string]string

func (m memFS) read(path string) ([]byte, error) {
	if s, ok := m[path]; ok {
		return []byte(s), nil
	}
	return nil, fs.ErrNotExist
}

// parseStr parses src as /etc/exim.conf with the files of m for includes.
func parseStr(t testing.TB, src string, m memFS) *Config {
	t.Helper()
	o := Options{}
	if m != nil {
		o.ReadFile = m.read
	}
	c, err := Parse("/etc/exim.conf", []byte(src), o)
	if err != nil {
		t.Fatal(err)
	}
	checkPositions(t, c)
	return c
}

// errStrings formats the errors as "line:col code: msg" (file omitted
// when it is the main file).
func errStrings(c *Config) []string {
	var out []string
	for _, e := range c.Errors {
		p := e.Pos
		f := ""
		if p.File != c.Path {
			f = p.File + ":"
		}
		out = append(out, fmt.Sprintf("%s%d:%d %s: %s", f, p.Line, p.Column, e.Code, e.Msg))
	}
	return out
}

// checkPositions checks that every position and every value span lies
// within its file.
func checkPositions(t testing.TB, c *Config) {
	t.Helper()
	files := map[string]*SourceFile{}
	for _, f := range c.Files {
		files[f.Path] = f
	}
	okPos := func(what string, p Pos) {
		if !p.IsValid() {
			return
		}
		f := files[p.File]
		if f == nil {
			t.Errorf("%s: position %v in a file that was not read", what, p)
			return
		}
		if p.Offset < 0 || p.Offset > len(f.Src) {
			t.Errorf("%s: offset %d outside %s (%d bytes)", what, p.Offset, p.File, len(f.Src))
		}
	}
	okText := func(what string, tx Text) {
		for i := 0; i <= len(tx.S); i++ {
			okPos(what, tx.Pos(i))
		}
		// a byte that maps byte for byte is the same byte in the file
		for _, s := range tx.segs {
			if !s.linear() || s.f == nil {
				continue
			}
			for k := 0; k < s.n; k++ {
				if s.off+k >= len(s.f.Src) || s.f.Src[s.off+k] != tx.S[s.at+k] {
					t.Errorf("%s: %q[%d] does not match %s offset %d", what, tx.S, s.at+k, s.f.Path, s.off+k)
					return
				}
			}
		}
		file, a, b := tx.Span(0, len(tx.S))
		if file == "" {
			return
		}
		f := files[file]
		if f == nil || a < 0 || b < a || b > len(f.Src) {
			t.Errorf("%s: span %s:%d-%d out of range", what, file, a, b)
		}
	}
	opts := func(os []*Option) {
		for _, o := range os {
			okPos("option "+o.Name, o.NamePos)
			okText("option "+o.Name, o.Value)
		}
	}
	opts(c.Main.Options)
	for _, s := range c.Sections {
		for _, d := range s.Drivers {
			okPos("driver", d.NamePos)
			opts(d.Options)
		}
		for _, l := range s.Lines {
			okText("line", l.Text)
		}
	}
	for _, m := range c.Macros {
		okText("macro", m.Value)
		for _, u := range m.Uses {
			okPos("macro use", u)
		}
	}
	for _, e := range c.Errors {
		okPos("error", e.Pos)
	}
	for _, l := range c.Lists {
		okText("list", l.Value)
	}
}

// spanText returns the file text a Text span points at.
func spanText(c *Config, tx Text, i, j int) string {
	file, a, b := tx.Span(i, j)
	f := c.File(file)
	if f == nil {
		return "<none>"
	}
	return string(f.Src[a:b])
}

func joinLines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }
