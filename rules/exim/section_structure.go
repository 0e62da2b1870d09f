package exim

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// checkMainOptionInDriver is EX001 for main options written after the
// first `begin`: "General option settings must always appear at the start
// of the file" (spec ch. 6.23), so Exim reads such a line as an option of
// the driver above it and stops (`option "qualify_domain" unknown` [exp]).
// Unknown and repeated sections, bad begin lines and driver text before
// any begin come from the parser at load time.
func checkMainOptionInDriver(p *lint.Pass) {
	s := setupOf(p)
	if s == nil {
		return
	}
	for _, sec := range s.Config.Sections {
		singular, ok := driverSections[sec.Name]
		if !ok {
			continue
		}
		for _, d := range sec.Drivers {
			private := driverOptions()[sec.Name][d.DriverType()]
			for _, o := range d.Options {
				if _, ok := genericOptions()[sec.Name][o.Name]; ok {
					continue
				}
				if _, ok := private[o.Name]; ok {
					continue
				}
				if _, ok := mainOptions()[o.Name]; !ok {
					continue
				}
				fd, f, ok := s.AtOption(o)
				if !ok || s.hasError(f, fd.Start.Line) {
					continue
				}
				fd.Message = fmt.Sprintf("%s is a main option, but it is written in %s %s (after `begin %s`): Exim reads it as an option of %s and refuses the configuration (option %q unknown)", o.Name, singular, d.Name, sec.Name, d.Name, o.Written)
				fd.Hint = "move the line above the first `begin` line"
				p.Report(fd)
			}
		}
	}
}

// checkBrokenContinuation is EX004: "Comment lines beginning with # (but
// not empty lines) may appear in the middle of a sequence of continuation
// lines" (spec ch. 6.2) — an empty line ends the logical line, and the
// next physical line is read as a new option (a syntax error when it is
// not one) [exp]. The parser marks such lines (Line.Broken).
func checkBrokenContinuation(p *lint.Pass) {
	s := setupOf(p)
	if s == nil {
		return
	}
	// The parser's error for the line after the empty one (Code
	// "continuation": what Exim says when that line is not a valid
	// option), by file and line; the loader leaves it to this check.
	type at struct {
		file string
		line int
	}
	exim := map[at]string{}
	for _, e := range s.Config.Errors {
		if e.Code == "continuation" {
			msg, _, _ := strings.Cut(e.Msg, " (the empty line")
			exim[at{e.Pos.File, e.Pos.Line}] = msg
		}
	}
	report := func(l *ex.Line) {
		if l == nil || !l.Broken {
			return
		}
		f := s.FileOf(l.BreakPos)
		if f == nil || l.BreakPos.Line < 2 {
			return
		}
		sp := f.LineSpan(l.BreakPos.Line - 1)
		line := bytes.TrimRight(f.Src[sp.Start:sp.End], " \t\r")
		fd := f.At(sp.Start+max(len(line)-1, 0), sp.Start+len(line))
		fd.Message = fmt.Sprintf("the line ends in a continuation backslash but the next line is empty: the value ends here and line %d is read as a new option", l.BreakPos.Line+1)
		if msg, ok := exim[at{l.BreakPos.File, l.BreakPos.Line + 1}]; ok {
			fd.Message += fmt.Sprintf(", which Exim rejects (%s)", msg)
		}
		fd.Hint = "remove the empty line (a comment line may stand inside a continuation, an empty one may not)"
		p.Report(fd)
	}
	for _, o := range s.Config.Main.Options {
		report(o.Line)
	}
	for _, nl := range s.Config.Lists {
		report(nl.Line)
	}
	for _, sec := range s.Config.Sections {
		for _, d := range sec.Drivers {
			for _, o := range d.Options {
				report(o.Line)
			}
		}
		for _, l := range sec.Lines {
			report(l)
		}
	}
}

// debianNonConfig returns f when it is a Debian file that is not Exim
// configuration text (update-exim4.conf.conf, passwd.client).
func (s *Setup) debianNonConfig(f *lint.File) *lint.File {
	if d := s.Debian; d != nil && (f == d.UpdateConf || f == d.PasswdFile) {
		return f
	}
	for _, t := range s.credentialTables {
		if t == f {
			return f
		}
	}
	return nil
}
