package output

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fatih/color"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// TextOptions configure the text formatter.
type TextOptions struct {
	// Color turns ANSI colours on. The caller decides (--color, NO_COLOR,
	// whether stdout is a terminal); the package-wide color.NoColor is
	// never consulted.
	Color bool
	// Quiet prints findings only, without the summary line (-q).
	Quiet bool
}

// Snippets of very long lines (a one-line map with a million entries, a
// minified file) are cut to a window around the span so that one finding
// cannot flood the terminal.
const (
	snippetMax  = 160 // bytes of the source line shown at most
	snippetLead = 40  // bytes shown before the span when the line is cut
	ellipsis    = "…"
)

// palette holds colour instances local to one call, each switched on or off
// explicitly so the result never depends on global state.
type palette struct {
	sev       map[lint.Severity]*color.Color
	id        *color.Color
	underline *color.Color
}

func newPalette(on bool) *palette {
	p := &palette{
		sev: map[lint.Severity]*color.Color{
			lint.SeverityError:   color.New(color.FgRed, color.Bold),
			lint.SeverityWarning: color.New(color.FgYellow, color.Bold),
			lint.SeverityInfo:    color.New(color.FgCyan),
		},
		id:        color.New(color.Faint),
		underline: color.New(color.FgGreen),
	}
	for _, c := range []*color.Color{p.sev[lint.SeverityError], p.sev[lint.SeverityWarning], p.sev[lint.SeverityInfo], p.id, p.underline} {
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	return p
}

func (p *palette) severity(s lint.Severity) string {
	if c, ok := p.sev[s]; ok {
		return c.Sprint(s.String())
	}
	return s.String()
}

// Text writes res for a person: for each finding
//
//	path:line:col: severity: message [ID]
//	    <source line, secrets masked>
//	    ^~~~
//	    hint: <hint>
//
// and then, unless opts.Quiet, a summary line.
func Text(w io.Writer, res *lint.Result, opts TextOptions) error {
	p := newPalette(opts.Color)
	files := filesByPath(res.Files)
	bw := bufio.NewWriter(w)
	for _, fd := range res.Findings {
		fmt.Fprintf(bw, "%s:%d:%d: %s: %s %s\n", fd.Path, fd.Start.Line, fd.Start.Column,
			p.severity(fd.Severity), fd.Message, p.id.Sprint("["+fd.Rule+"]"))
		if line, pad, mark, ok := snippet(files[fd.Path], fd); ok {
			if line == "" {
				bw.WriteString("\n")
			} else {
				bw.WriteString("    " + line + "\n")
			}
			bw.WriteString("    " + pad + p.underline.Sprint(mark) + "\n")
		}
		if fd.Hint != "" {
			bw.WriteString("    hint: " + strings.ReplaceAll(fd.Hint, "\n", "\n          ") + "\n")
		}
	}
	if !opts.Quiet {
		s := lint.Summarize(res.Findings)
		fmt.Fprintf(bw, "%s, %s, %s in %s\n",
			plural(s.Error, "error"), plural(s.Warning, "warning"), plural(s.Info, "info"),
			plural(len(res.Files), "file"))
	}
	return bw.Flush()
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func filesByPath(files []*lint.File) map[string]*lint.File {
	m := make(map[string]*lint.File, len(files))
	for _, f := range files {
		if _, dup := m[f.Path]; !dup {
			m[f.Path] = f
		}
	}
	return m
}

// snippet returns the source line of fd (secrets masked, control characters
// neutralised, cut to a window when long) and the underline beneath its
// span: pad (spaces, and tabs where the line has them, so it lines up) and
// mark (^~~~). Spans that run over several lines are underlined to the end of the
// first. ok is false when there is nothing to show: the file is unknown,
// the position lies outside it, or the finding concerns the whole file.
func snippet(f *lint.File, fd lint.Finding) (line, pad, mark string, ok bool) {
	if f == nil {
		return "", "", "", false
	}
	whole := lint.Pos{Line: 1, Column: 1}
	if fd.Start == whole && fd.End == whole {
		return "", "", "", false
	}
	n := fd.Start.Line
	if n < 1 || n > f.NumLines() {
		return "", "", "", false
	}
	sp := f.LineSpan(n)
	clamp := func(off int) int { return max(sp.Start, min(off, sp.End)) }
	rawStart := clamp(sp.Start + fd.Start.Column - 1)
	rawEnd := sp.End
	if fd.End.Line == n {
		rawEnd = clamp(sp.Start + fd.End.Column - 1)
	}
	rawEnd = max(rawEnd, rawStart)

	masked := f.MaskedLine(n)
	ms := maskedOffset(f, sp, rawStart, false)
	me := max(maskedOffset(f, sp, rawEnd, true), ms)

	lo, hi := 0, len(masked)
	if hi > snippetMax {
		lo = max(0, ms-snippetLead)
		for lo > 0 && !utf8.RuneStart(masked[lo]) {
			lo--
		}
		hi = min(len(masked), lo+snippetMax)
		for hi < len(masked) && hi > ms && !utf8.RuneStart(masked[hi]) {
			hi--
		}
		hi = max(hi, ms)
		me = min(me, hi)
	}

	var src, under strings.Builder
	if lo > 0 {
		src.WriteString(ellipsis)
		under.WriteByte(' ')
	}
	width := 0
	for i, r := range masked[lo:hi] {
		switch {
		case r == '\t':
		case r == utf8.RuneError, unicode.IsControl(r):
			// A config may hold escape sequences or binary junk; never
			// send them to the terminal. One rune in, one rune out keeps
			// the underline aligned.
			r = utf8.RuneError
		}
		src.WriteRune(r)
		switch off := lo + i; {
		case off < ms:
			if r == '\t' {
				under.WriteByte('\t')
			} else {
				under.WriteByte(' ')
			}
		case off < me:
			width++
		}
	}
	if hi < len(masked) {
		src.WriteString(ellipsis)
	}
	return src.String(), under.String(), "^" + strings.Repeat("~", max(width-1, 0)), true
}

// maskedOffset maps the file offset off (within line span sp) to a byte
// offset in f.MaskedLine of that line, where each secret is replaced by
// lint.Mask. An offset inside a secret maps to the start of its mask, or to
// the end of the mask when end is true (the end of a span that covers part
// of a secret underlines all of the mask). It walks the secrets exactly as
// MaskedLine does.
func maskedOffset(f *lint.File, sp lint.Span, off int, end bool) int {
	if f.Secrets == nil {
		return off - sp.Start
	}
	shift := 0
	last := sp.Start
	for _, s := range f.Secrets.SecretsIn(sp.Start, sp.End) {
		s.Start, s.End = max(s.Start, sp.Start), min(s.End, sp.End)
		s.Start = max(s.Start, last)
		if s.End <= s.Start {
			continue
		}
		if off < s.Start || (off == s.Start && !end) {
			break
		}
		if off < s.End || (off == s.End && end) {
			pos := s.Start - sp.Start + shift
			if end && off > s.Start {
				pos += len(lint.Mask)
			}
			return pos
		}
		shift += len(lint.Mask) - (s.End - s.Start)
		last = s.End
	}
	return off - sp.Start + shift
}
