package qmail

import (
	"path/filepath"
	"strconv"

	"github.com/smarthost-lint/smarthost-lint/lint"
	qp "github.com/smarthost-lint/smarthost-lint/parsers/qmail"
)

// Name is the frontend name rules use in lint.Rule.MTA.
const Name = "qmail"

// Frontend reads qmail control files.
type Frontend struct{}

// Name implements lint.Frontend.
func (Frontend) Name() string { return Name }

// Kinds implements lint.Frontend.
func (Frontend) Kinds() []lint.Kind {
	return []lint.Kind{lint.KindQmailSmtproutes, lint.KindQmailAuthsenders}
}

// IsRoot implements lint.Frontend: smtproutes loads the authsenders beside it.
func (Frontend) IsRoot(k lint.Kind) bool { return k == lint.KindQmailSmtproutes }

// Detect implements lint.Frontend: qmail control files have fixed names
// and no recognisable content.
func (Frontend) Detect(path string, head []byte) lint.Kind {
	switch filepath.Base(path) {
	case "smtproutes":
		return lint.KindQmailSmtproutes
	case "authsenders":
		return lint.KindQmailAuthsenders
	}
	return ""
}

// Load implements lint.Frontend.
func (Frontend) Load(l *lint.Loader, f *lint.File) lint.Unit {
	s := &Setup{}
	if f.DiskPath != "" {
		s.ControlDir = filepath.Dir(f.DiskPath)
	}
	switch f.Kind {
	case lint.KindQmailAuthsenders:
		if s.ControlDir != "" && l.Follow() {
			if rf, err := l.OpenDisk(filepath.Join(s.ControlDir, "smtproutes"), lint.KindQmailSmtproutes); err == nil && rf.Parsed == nil {
				s.loadRoutes(l, rf)
			}
		}
		s.loadAuth(l, f)
	default:
		s.loadRoutes(l, f)
		if s.ControlDir != "" && l.Follow() {
			if af, err := l.OpenDisk(filepath.Join(s.ControlDir, "authsenders"), lint.KindQmailAuthsenders); err == nil {
				s.loadAuth(l, af)
			}
		}
	}
	if s.ControlDir != "" && l.Follow() {
		s.readLocals(l)
		s.readTLS(l)
		s.readBuild(l)
	}
	s.readAccount(l)
	return s
}

func (s *Setup) loadRoutes(l *lint.Loader, f *lint.File) {
	s.RoutesFile = f
	s.addFile(f)
	r := qp.ParseSmtproutes(f.Path, f.Src)
	f.Parsed = r
	s.Routes = r
	f.Comments = comments(r.Comments)
	for _, rt := range r.Routes {
		c := rt.Pipe
		if c == nil {
			// Only a real Clegg reading: in "relay : 587" the words after
			// the space are a spacing mistake (QM001), not a password.
			c = Clegg(rt)
		}
		if c != nil && c.Password != nil {
			f.AddSecret(c.Password.Pos.Offset, c.Password.End.Offset)
			f.HoldsCredentials = true
		}
	}
	reportProblems(l, f, r.Problems)
}

func (s *Setup) loadAuth(l *lint.Loader, f *lint.File) {
	s.AuthFile = f
	s.addFile(f)
	a := qp.ParseAuthsenders(f.Path, f.Src)
	f.Parsed = a
	s.Auth = a
	f.Comments = comments(a.Comments)
	for _, e := range append(append([]*qp.AuthSender{}, a.Entries...), a.Ignored...) {
		if e.Auth != nil && e.Auth.Password != nil {
			f.AddSecret(e.Auth.Password.Pos.Offset, e.Auth.Password.End.Offset)
			f.HoldsCredentials = true
		}
	}
	reportProblems(l, f, a.Problems)
}

// reportProblems turns input that is not text into QM000 findings, one per
// file (the first problem), as the other frontends do for binary input.
func reportProblems(l *lint.Loader, f *lint.File, ps []*qp.Problem) {
	if len(ps) == 0 {
		return
	}
	p := ps[0]
	fd := f.At(p.Pos.Offset, p.End.Offset)
	fd.Rule, fd.Severity = "QM000", lint.SeverityError
	fd.Message = p.Msg
	if len(ps) > 1 {
		fd.Message += " (and " + strconv.Itoa(len(ps)-1) + " more such bytes)"
	}
	fd.Hint = "write the file as plain ASCII text, one domain:relay:port per line; remove the stray bytes"
	l.Report(fd)
}

// comments converts '#' lines for inline suppressions: a comment covers
// the next route line.
func comments(cs []*qp.Comment) []lint.Comment {
	out := make([]lint.Comment, 0, len(cs))
	for _, c := range cs {
		out = append(out, lint.Comment{Line: c.Pos.Line, Column: c.Pos.Column + 1, Text: c.Text, FirstLine: c.Next, LastLine: c.Next})
	}
	return out
}
