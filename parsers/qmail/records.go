package qmail

import (
	"fmt"
	"sort"
	"strings"
)

// file is a control file split into lines and records, with positions.
type file struct {
	name     string
	src      string
	starts   []int // offset of each line start
	lines    []*Line
	comments []*Comment
	problems []*Problem
}

func (f *file) pos(off int) Pos {
	i := sort.SearchInts(f.starts, off+1) - 1
	if i < 0 {
		i = 0
	}
	return Pos{Offset: off, Line: i + 1, Column: off - f.starts[i] + 1}
}

func (f *file) field(start, end int) *Field {
	return &Field{Pos: f.pos(start), End: f.pos(end), Text: f.src[start:end]}
}

// splitFile reads src as control_readfile does and cuts the stored lines
// into records as constmap_init does.
func splitFile(name, src string) *file {
	f := &file{name: name, src: src, starts: []int{0}}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			f.starts = append(f.starts, i+1)
		}
	}
	var pending []*Comment
	for n, start := range f.starts {
		end := len(src)
		if n+1 < len(f.starts) {
			end = f.starts[n+1] - 1
		}
		if start == len(src) {
			break // the empty text after a final newline is no line
		}
		// striptrailingwhitespace (control.c): '\n', ' ', '\t' only.
		kept := end
		for kept > start && (src[kept-1] == ' ' || src[kept-1] == '\t') {
			kept--
		}
		ln := &Line{Pos: f.pos(start), End: f.pos(end), Kept: f.pos(kept), Text: src[start:end]}
		f.lines = append(f.lines, ln)
		switch {
		case kept == start:
			ln.Kind = LineBlank
		case src[start] == '#':
			ln.Kind = LineComment
			c := &Comment{Pos: ln.Pos, End: ln.End, Text: src[start+1 : end]}
			f.comments = append(f.comments, c)
			pending = append(pending, c)
		case src[start] == 0:
			ln.Kind = LineNul
			f.problem(start, start+1, "NUL byte at the start of the line: qmail skips the whole line; this is not a text file")
		default:
			ln.Kind = LineData
			for _, c := range pending {
				c.Next = ln.Pos.Line
			}
			pending = pending[:0]
			f.records(ln, start, kept)
		}
	}
	return f
}

// records cuts a stored line at NUL bytes and parses each part.
func (f *file) records(ln *Line, start, end int) {
	for i := start; i <= end; i++ {
		if i < end && f.src[i] != 0 {
			continue
		}
		if i < end {
			f.problem(i, i+1, "NUL byte: qmail cuts the line here into two entries; this is not a text file")
		}
		rec := &Record{Field: *f.field(start, i), Line: ln}
		ln.Records = append(ln.Records, rec)
		f.parseRecord(rec)
		start = i + 1
	}
	for i := ln.Pos.Offset; i < end; i++ {
		if c := f.src[i]; c != 0 && c != '\t' && c != '\r' && (c < 0x20 || c == 0x7f) {
			f.problem(i, i+1, fmt.Sprintf("control character 0x%02X: no domain or host name contains it, so this entry cannot work; this is not plain text (a terminal escape sequence or a binary file?)", c))
			break
		}
	}
}

func (f *file) problem(start, end int, msg string) {
	f.problems = append(f.problems, &Problem{File: f.name, Pos: f.pos(start), End: f.pos(end), Msg: msg})
}

// parseRecord fills Key, Sep and Value through the record grammar.
func (f *file) parseRecord(rec *Record) {
	base := rec.Pos.Offset
	if !strings.Contains(rec.Text, ":") {
		return
	}
	ast, err := recordParser().ParseString("", rec.Text)
	if err != nil {
		// The grammar accepts every record with a colon; an error here is
		// a bug, reported as a problem rather than a panic.
		f.problem(base, base+len(rec.Text), "internal parser error: "+err.Error())
		return
	}
	rec.Colon = true
	rec.Sep = f.pos(base + ast.Sep.Pos.Offset)
	if ast.Key != nil {
		rec.Key = f.field(base+ast.Key.Pos.Offset, base+ast.Key.EndPos.Offset)
	}
	if ast.Value != nil {
		rec.Value = f.field(base+ast.Value.Pos.Offset, base+ast.Value.EndPos.Offset)
	}
}

// parseRelay splits relay text (starting at file offset base) into host
// and port through the relay grammar.
func (f *file) parseRelay(base int, text string) Relay {
	var r Relay
	if text == "" {
		return r
	}
	ast, err := relayParser().ParseString("", text)
	if err != nil {
		f.problem(base, base+len(text), "internal parser error: "+err.Error())
		return r
	}
	if ast.Host != nil {
		r.Host = f.field(base+ast.Host.Pos.Offset, base+ast.Host.EndPos.Offset)
	}
	if ast.PortSep != nil {
		p := f.pos(base + ast.PortSep.Pos.Offset)
		r.PortSep = &p
		start := p.Offset + 1
		r.Port = &Port{Field: *f.field(start, base+len(text))}
		if ast.Port != nil {
			r.Port.Digits, r.Port.Rest = ast.Port.Digits, ast.Port.Rest
		}
	}
	return r
}
