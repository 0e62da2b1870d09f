package qmail

import (
	"bytes"
	"iter"
	"path/filepath"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	qp "github.com/smarthost-lint/smarthost-lint/parsers/qmail"
)

// Setup is one qmail control directory as qmail-remote sees it.
type Setup struct {
	RoutesFile *lint.File
	Routes     *qp.Smtproutes // nil when only authsenders was read
	AuthFile   *lint.File
	Auth       *qp.Authsenders

	// ControlDir is the directory holding the control files, on disk.
	ControlDir string
	// Locals are the domains qmail-send delivers locally: control/locals
	// (or control/me when locals is missing) and control/virtualdomains.
	Locals []LocalDomain
	// TLS is what the control directory says about Frederik Vermeulen's
	// qmail-tls.
	TLS TLSControl
	// Build is what the qmail-remote binary beside control/ says about
	// STARTTLS and AUTH support.
	Build Build
	// Qmailr is the user qmail-remote runs as.
	Qmailr Account

	files []*lint.File
}

// LocalDomain is a domain that never reaches qmail-remote.
type LocalDomain struct {
	Domain   string // folded; ".example.com" for a virtualdomains wildcard
	Source   string // the file it comes from
	Line     int
	Virtual  bool
	Wildcard bool
}

// TLSControl records the qmail-tls control entries: tlshosts/<host>.pem
// makes qmail-remote require and verify TLS for that host;
// tlshosts/exhaustivelist limits TLS to the listed hosts.
type TLSControl struct {
	Dir        bool            // control/tlshosts/ exists
	Exhaustive bool            // control/tlshosts/exhaustivelist exists
	PEM        map[string]bool // folded host names with a .pem
	NoTLSDir   bool            // control/notlshosts/ exists
}

// Build is what the qmail-remote binary contains. Known is false when the
// binary could not be read (a control directory copied elsewhere).
type Build struct {
	Known     bool
	Path      string
	STARTTLS  bool
	AUTH      bool
	ReadError string
}

// Account is the qmailr user and the qmail group.
type Account struct {
	Known     bool
	UID, GID  int
	Group     int // gid of group "qmail" (conf-groups), -1 if unknown
	GroupName string
}

// MTA implements lint.Unit.
func (s *Setup) MTA() string { return Name }

// Files implements lint.Unit.
func (s *Setup) Files() []*lint.File { return s.files }

func (s *Setup) addFile(f *lint.File) {
	for _, g := range s.files {
		if g == f {
			return
		}
	}
	s.files = append(s.files, f)
}

// Clegg returns a route's credentials when it is written in Tom Clegg's
// dialect "relay[:port] user password": white space after a non-empty
// relay, not next to a ':' (that is a spacing mistake, QM001), and no
// "|" dialect.
func Clegg(r *qp.Route) *qp.Credentials {
	c := r.Clegg
	if c == nil || r.Pipe != nil || c.HostPort == nil || strings.HasSuffix(c.HostPort.Text, ":") || strings.HasPrefix(c.User.Text, ":") {
		return nil
	}
	return c
}

// EffectiveRelay is the relay qmail-remote uses for a route in the
// dialect the route is written in.
func EffectiveRelay(r *qp.Route) qp.Relay {
	if c := Clegg(r); c != nil {
		return c.Relay
	}
	return r.Effective()
}

// binaryMarkers are strings qmail-remote only contains when built with
// the respective support: the SMTP verbs it sends.
var (
	markerTLS  = []byte("STARTTLS")
	markerAUTH = [][]byte{[]byte("AUTH LOGIN"), []byte("AUTH PLAIN"), []byte("AUTH CRAM-MD5")}
)

func (s *Setup) readBuild(l *lint.Loader) {
	s.Build.Path = filepath.Join(filepath.Dir(s.ControlDir), "bin", "qmail-remote")
	b, err := l.FS().ReadFile(s.Build.Path, 64<<20)
	if err != nil {
		s.Build.ReadError = err.Error()
		return
	}
	s.Build.Known = true
	s.Build.STARTTLS = bytes.Contains(b, markerTLS)
	for _, m := range markerAUTH {
		s.Build.AUTH = s.Build.AUTH || bytes.Contains(b, m)
	}
}

func (s *Setup) readTLS(l *lint.Loader) {
	fsys := l.FS()
	if ents, err := fsys.ReadDir(filepath.Join(s.ControlDir, "tlshosts")); err == nil {
		s.TLS.Dir = true
		s.TLS.PEM = map[string]bool{}
		for _, e := range ents {
			n := e.Name()
			if n == "exhaustivelist" {
				s.TLS.Exhaustive = true
			}
			if h, ok := strings.CutSuffix(n, ".pem"); ok {
				s.TLS.PEM[qp.FoldKey(h)] = true
			}
		}
	}
	if st, err := fsys.Stat(filepath.Join(s.ControlDir, "notlshosts")); err == nil && st.Mode.IsDir() {
		s.TLS.NoTLSDir = true
	}
}

// readLocals reads control/locals (control_readfile(..., flagme=1): when
// the file is missing, control/me is used) and control/virtualdomains.
func (s *Setup) readLocals(l *lint.Loader) {
	fsys := l.FS()
	read := func(name string) ([]byte, string, bool) {
		p := filepath.Join(s.ControlDir, name)
		b, err := fsys.ReadFile(p, 16<<20)
		return b, p, err == nil
	}
	b, p, ok := read("locals")
	if !ok {
		b, p, ok = read("me")
	}
	if ok {
		for i, line := range controlLines(b) {
			if line != "" {
				s.Locals = append(s.Locals, LocalDomain{Domain: qp.FoldKey(line), Source: p, Line: i + 1})
			}
		}
	}
	if b, p, ok := read("virtualdomains"); ok {
		// qmail-send reads virtualdomains as a constmap with flagcolon:
		// "user@domain:prefix", "domain:prefix", ".domain:prefix".
		for i, line := range controlLines(b) {
			key, _, found := strings.Cut(line, ":")
			if !found || key == "" || strings.Contains(key, "@") {
				continue
			}
			s.Locals = append(s.Locals, LocalDomain{Domain: qp.FoldKey(key), Source: p, Line: i + 1, Virtual: true, Wildcard: key[0] == '.'})
		}
	}
}

// controlLines returns the lines of a control file as control_readfile
// stores them, by physical line number ("" for skipped lines).
func controlLines(b []byte) []string {
	lines := strings.Split(string(b), "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for i, ln := range lines {
		ln = strings.TrimRight(ln, " \t")
		if ln == "" || ln[0] == '#' || ln[0] == 0 {
			ln = ""
		}
		lines[i] = ln
	}
	return lines
}

// readAccount finds qmailr and group qmail (conf-users / conf-groups
// defaults) in the machine's passwd and group files.
func (s *Setup) readAccount(l *lint.Loader) {
	fsys := l.FS()
	s.Qmailr.Group = -1
	s.Qmailr.GroupName = "qmail"
	if uid, gid, ok := fsys.LookupUser("qmailr"); ok {
		s.Qmailr.Known, s.Qmailr.UID, s.Qmailr.GID = true, uid, gid
	}
	if gid, ok := fsys.LookupGroup("qmail"); ok {
		s.Qmailr.Group = gid
	}
}

// Values implements lint.ValueLister: route keys and relays, and the users
// and passwords of patch dialects (for GEN001).
func (s *Setup) Values() iter.Seq[lint.Value] {
	return func(yield func(lint.Value) bool) {
		val := func(f *lint.File, fd *qp.Field, name string, role lint.Role) bool {
			if fd == nil {
				return true
			}
			return yield(lint.Value{File: f, Start: fd.Pos.Offset, End: fd.End.Offset, Text: fd.Text, Name: name, Role: role})
		}
		creds := func(f *lint.File, c *qp.Credentials, name string) bool {
			return c == nil || (val(f, c.User, name+" user", lint.RoleCredential) && val(f, c.Password, name+" password", lint.RoleCredential))
		}
		if s.Routes != nil {
			for _, r := range s.Routes.Routes {
				host := r.Relay.Host
				c := Clegg(r)
				switch {
				case c != nil:
					host = c.Relay.Host
				case r.Pipe != nil:
					host, c = r.Pipe.Relay.Host, r.Pipe
				}
				if !val(s.RoutesFile, r.Key, "smtproutes domain", lint.RoleRouting) ||
					!val(s.RoutesFile, host, "smtproutes relay", lint.RoleRouting) ||
					!creds(s.RoutesFile, c, "smtproutes") {
					return
				}
			}
		}
		if s.Auth != nil {
			for _, e := range s.Auth.Entries {
				if !val(s.AuthFile, e.Key, "authsenders sender", lint.RoleOther) ||
					!val(s.AuthFile, e.Relay.Host, "authsenders relay", lint.RoleRouting) ||
					!creds(s.AuthFile, e.Auth, "authsenders") {
					return
				}
			}
		}
	}
}
