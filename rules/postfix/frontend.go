package postfix

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	pf "github.com/smarthost-lint/smarthost-lint/parsers/postfix"
)

// Name is the frontend name rules use in lint.Rule.MTA.
const Name = "postfix"

// Frontend reads Postfix files into a Setup.
type Frontend struct{}

// Name implements lint.Frontend.
func (Frontend) Name() string { return Name }

// Kinds implements lint.Frontend.
func (Frontend) Kinds() []lint.Kind {
	return []lint.Kind{lint.KindPostfixMain, lint.KindPostfixMaster, lint.KindPostfixMap}
}

// IsRoot implements lint.Frontend: main.cf loads its master.cf and maps.
func (Frontend) IsRoot(k lint.Kind) bool { return k == lint.KindPostfixMain }

// mapNames are table sources recognised by name when linted on their own.
var mapNames = regexp.MustCompile(`^(sasl_passw(or)?d|relay_passw(or)?d|.*_passwd|transport|sender_relay|sender_dependent_relayhost(_maps)?|relayhost_map|sender_transport|sender_dependent_default_transport(_maps)?|tls_policy|smtp_tls_policy(_maps)?)$`)

var paramLine = regexp.MustCompile(`(?m)^([a-z0-9_]+)[ \t]*=`)

// Detect implements lint.Frontend.
func (Frontend) Detect(path string, head []byte) lint.Kind {
	base := filepath.Base(path)
	switch {
	case base == "main.cf" || strings.HasPrefix(base, "main.cf."):
		return lint.KindPostfixMain
	case base == "master.cf" || strings.HasPrefix(base, "master.cf."):
		return lint.KindPostfixMaster
	case mapNames.MatchString(base):
		return lint.KindPostfixMap
	}
	// Content: mostly `name = value` lines with names Postfix knows.
	known := 0
	for _, m := range paramLine.FindAllSubmatch(head[:min(len(head), 16384)], -1) {
		if _, ok := paramDefaults()[string(m[1])]; ok {
			known++
		}
	}
	if known >= 3 {
		return lint.KindPostfixMain
	}
	return ""
}

// Load implements lint.Frontend.
func (fe Frontend) Load(l *lint.Loader, f *lint.File) lint.Unit {
	s := &Setup{Root: l.Root()}
	switch f.Kind {
	case lint.KindPostfixMaster:
		// A master.cf means little without its main.cf: load the pair.
		if f.DiskPath != "" {
			if mf, err := l.OpenDisk(filepath.Join(filepath.Dir(f.DiskPath), "main.cf"), lint.KindPostfixMain); err == nil && mf.Parsed == nil {
				s.loadMain(l, mf, f)
				return s
			}
		}
		s.MasterFile = f
		s.addFile(f)
		s.parseMaster(l, f)
		return s
	case lint.KindPostfixMap:
		s.addFile(f)
		if binary(l, f) {
			return s
		}
		s.attachTable(l, f)
		t := f.Parsed.(*pf.Table)
		m := &MapRef{Source: f, Table: t, Path: f.Path, SourceInfo: f.Info}
		if passwordFileName(f.Path) {
			m.Param = "smtp_sasl_password_maps"
			f.Secrets = tableSecrets{f.Src}
		}
		s.Standalone = m
		return s
	}
	s.loadMain(l, f, nil)
	return s
}

// passwordFileName tells a credentials table by its conventional name.
func passwordFileName(p string) bool {
	b := filepath.Base(p)
	return strings.Contains(b, "passw") || strings.Contains(b, "sasl")
}

func binary(l *lint.Loader, f *lint.File) bool {
	if !lint.Binary(f.Src) {
		return false
	}
	off := bytes.IndexByte(f.Src, 0)
	fd := f.At(off, off+1)
	fd.Rule, fd.Severity = "PF000", lint.SeverityError
	fd.Message = "binary data (NUL byte): this is not a Postfix text configuration; lint the source file, not the compiled .db"
	l.Report(fd)
	return true
}

func (s *Setup) loadMain(l *lint.Loader, f, master *lint.File) {
	s.MainFile = f
	s.addFile(f)
	if binary(l, f) {
		return
	}
	ast, _ := pf.ParseMain(f.Path, f.Src)
	f.Parsed = ast
	s.Main = ast
	f.Comments = mainComments(ast)
	for _, p := range ast.Problems {
		fd := f.At(p.Pos.Offset, max(p.EndPos.Offset, p.Pos.Offset))
		fd.Severity = lint.SeverityError
		fd.Message = p.Msg
		if strings.Contains(p.Msg, "missing '='") {
			// PF026 is the specific rule for this fatal error. A password
			// parameter written without '=' still holds its credentials:
			// mask everything after the name.
			line := f.Src[p.Pos.Offset:max(p.EndPos.Offset, p.Pos.Offset)]
			if name, _, ok := bytes.Cut(bytes.TrimLeft(line, " \t"), []byte(" ")); ok && passwordParams[string(name)] {
				at := bytes.Index(line, name) + len(name)
				for at < len(line) && (line[at] == ' ' || line[at] == '\t') {
					at++
				}
				f.AddSecret(p.Pos.Offset+at, p.EndPos.Offset)
			}
			continue
		}
		if !p.Fatal {
			// Dropped indented first lines are PF020's business.
			continue
		}
		fd.Rule = "PF000"
		l.Report(fd)
	}
	if master == nil && f.DiskPath != "" && l.Follow() {
		if mf, err := l.OpenDisk(filepath.Join(filepath.Dir(f.DiskPath), "master.cf"), lint.KindPostfixMaster); err == nil {
			master = mf
		}
	}
	if master != nil {
		s.MasterFile = master
		s.addFile(master)
		s.parseMaster(l, master)
	}
	s.loadMaps(l)
}

func (s *Setup) parseMaster(l *lint.Loader, f *lint.File) {
	if binary(l, f) {
		return
	}
	ast, _ := pf.ParseMaster(f.Path, f.Src)
	f.Parsed = ast
	s.Master = ast
	f.Comments = commentsOf(ast.Comments)
	for _, p := range ast.Problems {
		if !p.Fatal {
			continue
		}
		fd := f.At(p.Pos.Offset, max(p.EndPos.Offset, p.Pos.Offset))
		fd.Rule, fd.Severity, fd.Message = "PF000", lint.SeverityError, p.Msg
		l.Report(fd)
	}
}

// mainComments extends each comment's target to the whole logical line
// that follows it, so a suppression above a continued parameter covers
// its continuation lines too.
func mainComments(ast *pf.MainCF) []lint.Comment {
	cs := commentsOf(ast.Comments)
	ends := map[int]int{}
	for _, e := range ast.Entries {
		ends[e.Pos.Line] = e.EndPos.Line
	}
	for i := range cs {
		if end, ok := ends[cs[i].FirstLine]; ok && end > cs[i].LastLine {
			cs[i].LastLine = end
		}
	}
	return cs
}
