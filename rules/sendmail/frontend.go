package sendmail

import (
	"bytes"
	"path/filepath"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	smp "github.com/smarthost-lint/smarthost-lint/parsers/sendmail"
)

// Name is the frontend name rules use in lint.Rule.MTA.
const Name = "sendmail"

// Frontend reads sendmail configurations.
type Frontend struct{}

// Name implements lint.Frontend.
func (Frontend) Name() string { return Name }

// Kinds implements lint.Frontend.
func (Frontend) Kinds() []lint.Kind {
	return []lint.Kind{lint.KindSendmailMC, lint.KindSendmailCF, lint.KindSendmailAuthinfo, lint.KindSendmailAccess}
}

// IsRoot implements lint.Frontend: the .mc loads its .cf and maps.
func (Frontend) IsRoot(k lint.Kind) bool { return k == lint.KindSendmailMC }

var authInfoLine = lazyRegexp(`(?im)^AuthInfo:\S*[ \t]+"?[UIPRM][:=]`)

// Detect implements lint.Frontend.
func (Frontend) Detect(path string, head []byte) lint.Kind {
	base := filepath.Base(path)
	switch filepath.Ext(base) {
	case ".db", ".cdb", ".dir", ".pag", ".lmdb", ".bak", ".orig":
		// Compiled maps and editor backups are not sources.
		return ""
	case ".mc":
		return lint.KindSendmailMC
	}
	switch {
	case base == "sendmail.cf" || base == "submit.cf":
		return lint.KindSendmailCF
	case base == "authinfo" || base == "client-info":
		return lint.KindSendmailAuthinfo
	case base == "access" && inMailDir(path):
		return lint.KindSendmailAccess
	}
	if head != nil && !lint.Binary(head) && authInfoLine().Match(head) {
		return lint.KindSendmailAuthinfo
	}
	return ""
}

// inMailDir tells /etc/mail/access from any other file called access.
func inMailDir(p string) bool {
	return strings.Contains(filepath.ToSlash(p), "/mail/")
}

// Load implements lint.Frontend.
func (fe Frontend) Load(l *lint.Loader, f *lint.File) lint.Unit {
	s := &Setup{root: l.Root(), follow: l.Follow()}
	switch f.Kind {
	case lint.KindSendmailMC:
		s.loadMC(l, f)
	case lint.KindSendmailCF:
		// A .cf linted on its own is judged with the .mc it is built from
		// (sendmail.cf <- sendmail.mc): that is where SM001/SM002 look.
		if f.DiskPath != "" && l.Follow() {
			mcPath := strings.TrimSuffix(f.DiskPath, ".cf") + ".mc"
			if mf, err := l.OpenDisk(mcPath, lint.KindSendmailMC); err == nil && mf.Parsed == nil {
				mf.Kind = lint.KindSendmailMC
				s.loadMC(l, mf)
				break
			}
		}
		s.loadCF(l, f)
		s.loadMaps(l)
	default:
		m := s.loadMap(l, f, f.Kind)
		if f.Kind == lint.KindSendmailAuthinfo {
			s.Authinfo = m
		} else {
			s.Access = m
		}
	}
	s.build()
	return s
}

func (s *Setup) add(f *lint.File) {
	for _, g := range s.files {
		if g == f {
			return
		}
	}
	s.files = append(s.files, f)
}

func report(l *lint.Loader, f *lint.File, p smp.Problem) {
	fd := f.At(p.Start, max(p.End, p.Start))
	fd.Rule, fd.Severity, fd.Message = "SM000", lint.SeverityError, p.Msg
	switch p.Kind {
	case smp.Binary:
		fd.Hint = "point the linter at the text file (sendmail.mc, sendmail.cf or the makemap source, not the compiled .db), or save the file as plain text"
	case smp.TooDeep:
		fd.Hint = "flatten the nesting of macro calls and quotes; no stock .mc nests this deep"
	case smp.UnknownLine:
		fd.Hint = "delete the line, or start it with the right command letter (DS for the smart host); regenerate the .cf from the .mc rather than editing it"
	default:
		fd.Hint = "fix the syntax at this position"
	}
	l.Report(fd)
}

func (s *Setup) loadMC(l *lint.Loader, f *lint.File) {
	s.MCFile = f
	s.add(f)
	mc, _ := smp.ParseMC(f.Path, f.Src)
	f.Parsed = mc
	s.MC = mc
	for _, p := range mc.Problems {
		if p.Kind == smp.Binary || p.Kind == smp.TooDeep {
			report(l, f, p)
		}
	}
	f.Comments = mcComments(mc)
	if f.DiskPath == "" || !l.Follow() {
		return
	}
	s.followIncludes(l, mc, 0)
	// The .cf beside the .mc: sendmail.mc -> sendmail.cf, submit.mc ->
	// submit.cf (the names Debian's and the stock Makefiles build).
	cfPath := strings.TrimSuffix(f.DiskPath, ".mc") + ".cf"
	if cf, err := l.OpenDisk(cfPath, lint.KindSendmailCF); err == nil && cf.Parsed == nil {
		s.loadCF(l, cf)
	} else if err == nil {
		s.CFFile, s.CF = cf, cf.Parsed.(*smp.CF)
		s.add(cf)
	}
	s.loadMaps(l)
}

func (s *Setup) loadCF(l *lint.Loader, f *lint.File) {
	s.CFFile = f
	s.add(f)
	cf, _ := smp.ParseCF(f.Path, f.Src)
	f.Parsed = cf
	s.CF = cf
	for _, p := range cf.Problems {
		report(l, f, p)
	}
	for _, c := range cf.Comments {
		f.Comments = append(f.Comments, lint.Comment{Line: c.Line, Column: 2, Text: c.Text[1:], FirstLine: c.Line + 1, LastLine: c.Line + 1})
	}
}

// followIncludes reads the files a .mc include()s, except cf.m4 itself
// (the sendmail-cf macros, not configuration). A file that cannot be read
// is skipped: m4 reports "cannot open", SM016 covers the cf.m4 case.
func (s *Setup) followIncludes(l *lint.Loader, mc *smp.MC, depth int) {
	if depth >= maxIncludeDepth {
		return
	}
	for _, c := range mc.Calls {
		if !c.Top || (c.Name != "include" && c.Name != "sinclude") {
			continue
		}
		p := strings.TrimSpace(c.ArgValue(0))
		if !filepath.IsAbs(p) || strings.HasSuffix(p, "cf.m4") {
			continue
		}
		f, err := l.Open(p, lint.KindSendmailMC)
		if err != nil {
			continue
		}
		inc, ok := f.Parsed.(*smp.MC)
		if !ok {
			if f.Parsed != nil {
				continue // already read as another kind
			}
			inc, _ = smp.ParseMC(f.Path, f.Src)
			f.Parsed = inc
			f.Kind = lint.KindSendmailMC
			f.Comments = mcComments(inc)
		}
		if s.included == nil {
			s.included = map[*smp.Call]*lint.File{}
		}
		if _, seen := s.included[c]; seen {
			continue
		}
		s.included[c] = f
		s.add(f)
		s.followIncludes(l, inc, depth+1)
	}
}

// loadMaps opens the authinfo and access sources the configuration names.
func (s *Setup) loadMaps(l *lint.Loader) {
	if !l.Follow() {
		return
	}
	s.resolveMaps()
	if s.AuthinfoMap != nil && s.AuthinfoMap.Source != "" && s.Authinfo == nil {
		if f, err := l.Open(s.AuthinfoMap.Source, lint.KindSendmailAuthinfo); err == nil {
			s.Authinfo = s.loadMap(l, f, lint.KindSendmailAuthinfo)
		} else {
			s.AuthinfoMap.OpenErr = err
		}
	}
	if s.AccessMap != nil && s.AccessMap.Source != "" && s.Access == nil {
		if f, err := l.Open(s.AccessMap.Source, lint.KindSendmailAccess); err == nil {
			s.Access = s.loadMap(l, f, lint.KindSendmailAccess)
		} else {
			s.AccessMap.OpenErr = err
		}
	}
}

func (s *Setup) loadMap(l *lint.Loader, f *lint.File, kind lint.Kind) *MapFile {
	s.add(f)
	m := &MapFile{File: f}
	if mm, ok := f.Parsed.(*smp.Makemap); ok {
		m.Parsed = mm
		return m
	}
	if f.Kind == "" {
		f.Kind = kind
	}
	mm, _ := smp.ParseMakemap(f.Path, f.Src)
	f.Parsed = mm
	m.Parsed = mm
	for _, p := range mm.Problems {
		if p.Kind == smp.Binary {
			report(l, f, p)
		}
	}
	for _, c := range mm.Comments {
		f.Comments = append(f.Comments, lint.Comment{Line: c.Line, Column: 2, Text: c.Text[1:], FirstLine: c.Line + 1, LastLine: c.Line + 1})
	}
	markSecrets(f, mm)
	return m
}

// markSecrets hides every password: the data of "P:" / "P=" tokens, and
// the whole value of an AuthInfo line indented by mistake (makemap skips
// it, but it still holds the password).
func markSecrets(f *lint.File, mm *smp.Makemap) {
	for _, e := range mm.Entries {
		if !isAuthInfoKey(e.Key) {
			continue
		}
		for _, t := range e.Tokens {
			switch t.Tag {
			case 'U', 'I', 'R', 'M':
			case 'P':
				f.AddSecret(t.DataStart, t.DataEnd)
			default:
				// A token without a known tag may be a password typed
				// without its "P:": mask it whole.
				f.AddSecret(t.Start, t.End)
			}
		}
	}
	for _, p := range mm.Problems {
		line := f.Src[p.Start:p.End]
		if i := bytes.Index(bytes.ToLower(line), []byte("authinfo:")); i >= 0 {
			// Everything after the key may be credentials.
			rest := line[i:]
			if k := bytes.IndexAny(rest, " \t"); k >= 0 {
				f.AddSecret(p.Start+i+k, p.End)
			}
		}
	}
	// HoldsCredentials stays false: SM014 checks the permissions of
	// these files together with their compiled maps, so GEN003 would
	// only repeat it.
}

func isAuthInfoKey(k string) bool { return len(k) >= 9 && strings.EqualFold(k[:9], "AuthInfo:") }

// mcComments lists dnl comments for inline suppressions.
func mcComments(mc *smp.MC) []lint.Comment {
	var out []lint.Comment
	for _, n := range mc.Nodes {
		if n.Kind != smp.NodeDnl {
			continue
		}
		text := strings.TrimRight(n.Text[3:], "\r\n")
		c := lint.Comment{Line: n.Line, Column: n.Start - strings.LastIndexByte(mc.Src[:n.Start], '\n') + 3, Text: text}
		lineStart := strings.LastIndexByte(mc.Src[:n.Start], '\n') + 1
		if strings.TrimSpace(mc.Src[lineStart:n.Start]) != "" {
			c.Trailing = true
			c.FirstLine, c.LastLine = n.Line, n.Line
		} else {
			c.FirstLine, c.LastLine = n.Line+1, n.Line+1
		}
		out = append(out, c)
	}
	return out
}
