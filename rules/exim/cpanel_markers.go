package exim

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// markerLine is a cPanel exim.conf.local section marker alone on a line.
var markerLine = lazyRegexp(`^\s*(@[A-Z_]+@|%RETRYBLOCK%)\s*$`)

// checkCpanelMarkers is EX102: marker problems in exim.conf.local (from
// the block parser), and marker lines left in a real Exim file, where
// Exim 4.96 stops with `option setting expected: @ROUTERSTART@` (main
// part) or `router name missing` / `transport name missing` [exp].
func checkCpanelMarkers(p *lint.Pass) {
	s := setupOf(p)
	if s == nil {
		return
	}
	for _, e := range cpanelMarkerErrors(s) {
		f := s.FileOf(e.Pos)
		if f == nil {
			continue
		}
		fd := f.At(e.Pos.Offset, lineEnd(f, e.Pos.Offset))
		fd.Message = e.Msg
		fd.Hint = "use the markers exactly as WHM's Advanced Editor shows the sections (e.g. @ROUTERSTART@), each alone on its line and at most once, with every block below its marker"
		p.Report(fd)
	}
	for _, e := range s.Config.Errors {
		f := s.FileOf(e.Pos)
		if f == nil || f == cpanelLocalFile(s) || !isMarkerLine(f, e.Pos.Line) {
			continue
		}
		start := f.Offset(lint.Pos{Line: e.Pos.Line, Column: 1})
		end := lineEnd(f, start)
		fd := f.At(start, end)
		marker := string(bytes.TrimSpace(f.Src[start:end]))
		fd.Message = fmt.Sprintf("cPanel section marker %s in a real Exim configuration file: Exim stops with %q; markers belong only in /etc/exim.conf.local", marker, e.Msg)
		fd.Hint = "delete the marker line; put the block below it into /etc/exim.conf.local under that marker with WHM's Advanced Editor (EX101)"
		next := end
		if next < len(f.Src) {
			next++ // the newline
		}
		fd.Fix = &lint.Fix{Description: "delete the marker line", Safe: true, Edits: []lint.TextEdit{{Start: start, End: next}}}
		p.Report(fd)
	}
}

// isMarkerError reports whether a configuration error is caused by a
// cPanel marker line left in a real Exim file; EX102 reports it, so EX000
// skips it.
func isMarkerError(s *Setup, e *ex.Error) bool {
	if e.Code == "marker" {
		return true
	}
	f := s.FileOf(e.Pos)
	return f != nil && f != cpanelLocalFile(s) && isMarkerLine(f, e.Pos.Line)
}

func isMarkerLine(f *lint.File, line int) bool {
	if line < 1 {
		return false
	}
	start := f.Offset(lint.Pos{Line: line, Column: 1})
	return isMarkerText(f.Src[start:lineEnd(f, start)])
}

// isMarkerText is markerLine().Match(b) without the regexp: blanks (RE2's
// \s), then @NAME@ (NAME of [A-Z_]) or %RETRYBLOCK%, then blanks.
func isMarkerText(b []byte) bool {
	i, j := 0, len(b)
	for i < j && isRESpace(b[i]) {
		i++
	}
	for j > i && isRESpace(b[j-1]) {
		j--
	}
	m := b[i:j]
	if string(m) == "%RETRYBLOCK%" {
		return true
	}
	if len(m) < 3 || m[0] != '@' || m[len(m)-1] != '@' {
		return false
	}
	for _, c := range m[1 : len(m)-1] {
		if c != '_' && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// lineEnd returns the offset of the end of the line holding off (before
// the newline).
func lineEnd(f *lint.File, off int) int {
	if f == nil {
		return off
	}
	if i := bytes.IndexByte(f.Src[off:], '\n'); i >= 0 {
		return off + i
	}
	return len(f.Src)
}

func cpanelLocalFile(s *Setup) *lint.File {
	if s.Cpanel == nil {
		return nil
	}
	return s.Cpanel.Local
}

// cpanelMarkerErrors returns the marker errors of exim.conf.local, each
// once (a lone exim.conf.local's assembled Config may repeat them).
// Marker lines in real Exim files are handled by checkCpanelMarkers'
// second loop, which offers a fix.
func cpanelMarkerErrors(s *Setup) []*ex.Error {
	local := cpanelLocalFile(s)
	if local == nil {
		return nil
	}
	var out []*ex.Error
	seen := map[string]bool{}
	add := func(e *ex.Error) {
		if e.Code != "marker" || s.FileOf(e.Pos) != local {
			return
		}
		k := fmt.Sprintf("%d:%s", e.Pos.Offset, e.Msg)
		if strings.HasPrefix(e.Msg, "text before the first") {
			// The block parser reports every such line; the first says
			// it, and after a malformed marker they are its consequence.
			if len(out) > 0 {
				return
			}
			k = e.Msg
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	for _, e := range s.Cpanel.Errors {
		add(e)
	}
	for _, e := range s.Config.Errors {
		add(e)
	}
	return out
}
