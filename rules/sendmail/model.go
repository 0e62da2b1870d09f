package sendmail

import (
	"net/netip"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	smp "github.com/smarthost-lint/smarthost-lint/parsers/sendmail"
)

// Setup is one sendmail configuration: the .mc (if any), the .cf, and the
// map sources they reference, with the model rules read.
type Setup struct {
	MCFile *lint.File
	MC     *smp.MC
	CFFile *lint.File
	CF     *smp.CF

	// AuthinfoMap and AccessMap are the maps the configuration declares
	// (FEATURE(`authinfo') / Kauthinfo, FEATURE(`access_db') / Kaccess);
	// Authinfo and Access their sources when they could be read (or the
	// file linted on its own).
	AuthinfoMap, AccessMap *MapRef
	Authinfo, Access       *MapFile

	// Defines are the .mc's define() calls in m4 order; Final is the
	// value each name has at the end of the file (what proto.m4 uses for
	// DS and the O options).
	Defines []*Define
	Final   map[string]*Define
	// FirstMailer is the first MAILER() call; MailerSMTP the
	// MAILER(`smtp') call, which fixes the *_MAILER_ARGS values.
	FirstMailer, MailerSMTP *smp.Call
	mailerArgs              map[string]*Define // *_MAILER_ARGS as MAILER(`smtp') saw them
	Includes                []*smp.Call

	MCSmart, CFSmart *SmartHost
	// Smart is the smart host the rules check: the .mc's when there is a
	// .mc (that is where the fix goes), else the .cf's DS.
	Smart *SmartHost
	// Relay is the mailer Smart uses and its port.
	Relay *MailerUse

	// root is --root: paths written in the configuration (map files,
	// cf.m4) are checked under it.
	// included maps an include() call to the file it reads.
	included map[*smp.Call]*lint.File
	root     string
	// follow is false with --no-follow: referenced files (maps, cf.m4,
	// the other sendmail.cf) are then neither read nor looked at.
	follow bool
	files  []*lint.File
}

// MTA implements lint.Unit.
func (s *Setup) MTA() string { return Name }

// Files implements lint.Unit.
func (s *Setup) Files() []*lint.File { return s.files }

// Define is one define() in the .mc.
type Define struct {
	Name        string
	Value       string
	Call        *smp.Call
	File        *lint.File // the .mc, or a file it includes
	AfterMailer bool
}

// SmartHost is a SMART_HOST / DS value split the way sendmail reads it
// (cf/README: "mailer:hostname", the mailer defaults to relay).
type SmartHost struct {
	File       *lint.File
	Start, End int // the value in File
	Raw        string
	Source     string // "SMART_HOST", "DS", "FEATURE(nullclient)"
	Mailer     string // relay, esmtp, smtp, ...
	Explicit   bool   // the mailer was written
	Host       string // host as written, brackets kept, port suffix removed
	HostStart  int
	Name       string // {server_name}: brackets and a trailing dot removed, lower case
	Bracketed  bool
	PortSuffix string // ":587" written after the host; sendmail ignores it [exp]
}

// Empty reports whether no smart host is set.
func (h *SmartHost) Empty() bool { return h == nil || strings.TrimSpace(h.Raw) == "" }

// MailerUse is the mailer a smart host goes through and the port it uses.
type MailerUse struct {
	Mailer   string
	ArgsName string // RELAY_MAILER_ARGS etc.
	Args     string // TCP $h 587
	Port     string // "25" when A= has no third word
	Def      *Define
	CFLine   *smp.CFLine // the .cf M line when read from a .cf
	Defined  bool        // the mailer exists (MAILER(`smtp') / M line)
}

// MapRef is a map declaration: type, flags, path.
type MapRef struct {
	Name       string // authinfo, access
	Type       string // hash, btree, cdb, dbm, text, ldap, ...
	Path       string // as written (may end in .db)
	Source     string // the makemap source: Path without the compiled suffix
	File       *lint.File
	Start, End int
	Feature    bool // from FEATURE() (else from a K line)
	OpenErr    error
}

// MapFile is a makemap source that was read.
type MapFile struct {
	File   *lint.File
	Parsed *smp.Makemap
}

// argsName maps a mailer to the m4 define holding its A= arguments
// (cf/README mailer table; mailer/smtp.m4).
var argsName = map[string]string{
	"smtp": "SMTP_MAILER_ARGS", "esmtp": "ESMTP_MAILER_ARGS", "smtp8": "SMTP8_MAILER_ARGS",
	"dsmtp": "DSMTP_MAILER_ARGS", "relay": "RELAY_MAILER_ARGS",
}

// build evaluates the .mc and .cf into the model.
func (s *Setup) build() {
	if s.MC != nil {
		s.evalMC()
	}
	if s.CF != nil {
		if d := s.CF.Macro("S"); d != nil {
			s.CFSmart = parseSmartHost(s.CFFile, d.Value, d.ValueStart, "DS")
		}
	}
	s.resolveMaps()
	s.Smart = s.CFSmart
	if s.MC != nil {
		s.Smart = s.MCSmart
	}
	if !s.Smart.Empty() {
		s.Relay = s.mailerFor(s.Smart.Mailer)
	}
}

// evalMC walks the top-level macro calls in m4 order, descending into
// the files the .mc include()s (Debian's /etc/mail/m4/*.m4 may hold the
// smart host).
func (s *Setup) evalMC() {
	if s.Final != nil {
		return
	}
	s.Final = map[string]*Define{}
	s.evalCalls(s.MCFile, s.MC, 0)
	if d := s.Final["SMART_HOST"]; d != nil {
		src := "SMART_HOST"
		a := d.Call.Arg(1)
		if d.Call.Name == "FEATURE" {
			src = "FEATURE(`nullclient')"
		}
		start := d.Call.Start
		if a != nil {
			start = a.Start
			if a.Quoted {
				start++
			}
		}
		s.MCSmart = parseSmartHost(d.File, d.Value, start, src)
	}
}

// maxIncludeDepth bounds include() chains (and loops).
const maxIncludeDepth = 8

func (s *Setup) evalCalls(f *lint.File, mc *smp.MC, depth int) {
	main := f == s.MCFile
	for _, c := range mc.Calls {
		if !c.Top {
			continue
		}
		switch c.Name {
		case "define":
			d := &Define{Name: strings.TrimSpace(c.ArgValue(0)), Value: c.ArgValue(1), Call: c, File: f, AfterMailer: s.FirstMailer != nil}
			s.Defines = append(s.Defines, d)
			s.Final[d.Name] = d
		case "undefine":
			delete(s.Final, strings.TrimSpace(c.ArgValue(0)))
		case "include", "sinclude":
			if main {
				s.Includes = append(s.Includes, c)
			}
			if inc := s.included[c]; inc != nil && depth < maxIncludeDepth {
				s.evalCalls(inc, inc.Parsed.(*smp.MC), depth+1)
			}
		case "MAILER":
			if s.FirstMailer == nil && main {
				s.FirstMailer = c
			}
			if strings.TrimSpace(c.ArgValue(0)) == "smtp" {
				s.readSMTPMailer(c)
			}
		case "FEATURE":
			switch strings.TrimSpace(c.ArgValue(0)) {
			case "nullclient":
				// feature/nullclient.m4: define(`SMART_HOST',
				// _NULL_CLIENT_), then MAILER(`local') MAILER(`smtp').
				d := &Define{Name: "SMART_HOST", Value: c.ArgValue(1), Call: c, File: f}
				s.Final["SMART_HOST"] = d
				s.readSMTPMailer(c)
			case "msp":
				// feature/msp.m4: ifelse(_ARG2_, `MSA', define(
				// `RELAY_MAILER_ARGS', `TCP $h 587')), then MAILER(`smtp').
				if strings.TrimSpace(c.ArgValue(2)) == "MSA" {
					s.Final["RELAY_MAILER_ARGS"] = &Define{Name: "RELAY_MAILER_ARGS", Value: "TCP $h 587", Call: c, File: f}
				}
				s.readSMTPMailer(c)
			case "authinfo":
				s.AuthinfoMap = featureMap(f, c, "authinfo", "hash /etc/mail/authinfo")
			case "access_db":
				s.AccessMap = featureMap(f, c, "access", "hash -T<TMPF> /etc/mail/access")
			}
		}
	}
}

// readSMTPMailer records the *_MAILER_ARGS as MAILER(`smtp') (or a
// feature that includes it) sees them: mailer/smtp.m4 fills in `TCP $h'
// for every one not defined yet, and later defines have no effect [exp].
func (s *Setup) readSMTPMailer(c *smp.Call) {
	if s.MailerSMTP != nil {
		return
	}
	s.MailerSMTP = c
	s.mailerArgs = map[string]*Define{}
	for _, n := range argsName {
		s.mailerArgs[n] = s.Final[n]
	}
}

// parseSmartHost splits "mailer:host" (cf/README: "the “mailer:” defaults
// to relay"). The mailer prefix is a leading name followed by ':' that
// is not part of a bracketed host.
func parseSmartHost(f *lint.File, raw string, start int, source string) *SmartHost {
	h := &SmartHost{File: f, Raw: raw, Start: start, End: start + len(raw), Source: source, Mailer: "relay"}
	v := strings.TrimSpace(raw)
	lead := strings.Index(raw, v)
	off := start + max(lead, 0)
	if i := strings.IndexByte(v, ':'); i > 0 && !strings.ContainsAny(v[:i], "[].") {
		h.Mailer, h.Explicit = v[:i], true
		v, off = v[i+1:], off+i+1
	}
	h.Host, h.HostStart = v, off
	if strings.HasPrefix(v, "[") {
		h.Bracketed = true
		if j := strings.IndexByte(v, ']'); j > 0 {
			h.Host = v[:j+1]
			h.PortSuffix = v[j+1:]
		}
	} else if j := strings.IndexByte(v, ':'); j >= 0 {
		h.Host, h.PortSuffix = v[:j], v[j:]
	}
	n := strings.TrimSuffix(strings.TrimPrefix(h.Host, "["), "]")
	h.Name = strings.ToLower(strings.TrimSuffix(n, "."))
	return h
}

// mailerFor returns the mailer a smart host uses and its port: from the
// .mc's *_MAILER_ARGS as MAILER(`smtp') saw them, or from the .cf M line.
func (s *Setup) mailerFor(mailer string) *MailerUse {
	u := &MailerUse{Mailer: mailer, ArgsName: argsName[mailer]}
	if s.MC != nil {
		if s.MailerSMTP == nil || u.ArgsName == "" {
			return u
		}
		u.Defined = true
		u.Args = "TCP $h"
		if d := s.mailerArgs[u.ArgsName]; d != nil {
			u.Def, u.Args = d, d.Value
		}
	} else if s.CF != nil {
		l := s.CF.MailerNamed(mailer)
		if l == nil {
			return u
		}
		u.Defined, u.CFLine, u.Args = true, l, l.Mailer.Fields["A"].Value
	}
	f := strings.Fields(u.Args)
	switch {
	case len(f) >= 3:
		u.Port = f[2]
	case len(f) >= 1 && (f[0] == "TCP" || f[0] == "IPC"):
		u.Port = "25"
	}
	return u
}

// resolveMaps finds the authinfo and access map declarations.
func (s *Setup) resolveMaps() {
	if s.AuthinfoMap != nil || s.AccessMap != nil {
		return
	}
	if s.MC != nil {
		// FEATURE(`authinfo') and FEATURE(`access_db') are read by evalMC.
		s.evalMC()
		return
	}
	if s.CF != nil {
		for _, name := range []string{"authinfo", "access"} {
			l := s.CF.Map(name)
			if l == nil {
				continue
			}
			m := mapSpec(name, l.Value)
			m.File, m.Start, m.End = s.CFFile, l.ValueStart, l.End
			if name == "authinfo" {
				s.AuthinfoMap = m
			} else {
				s.AccessMap = m
			}
		}
	}
}

func featureMap(f *lint.File, c *smp.Call, name, def string) *MapRef {
	spec := strings.TrimSpace(c.ArgValue(1))
	if spec == "" {
		spec = def
	}
	m := mapSpec(name, spec)
	m.File, m.Start, m.End, m.Feature = f, c.Start, c.End, true
	if a := c.Arg(1); a != nil && strings.TrimSpace(a.Value) != "" {
		m.Start, m.End = a.Start, a.End
	}
	return m
}

// mapSpec reads "type [-flags] path" (a K line's or FEATURE's argument).
// sendmail strips a ".db" suffix from hash and btree map paths (map.c
// db_map_open), so `hash -o /etc/mail/authinfo.db' reads the same
// database as `hash /etc/mail/authinfo'.
func mapSpec(name, spec string) *MapRef {
	m := &MapRef{Name: name}
	w := strings.Fields(spec)
	if len(w) == 0 {
		return m
	}
	m.Type = w[0]
	for _, x := range w[1:] {
		if !strings.HasPrefix(x, "-") {
			m.Path = x
		}
	}
	if !strings.HasPrefix(m.Path, "/") {
		// LDAP and sequence maps, or a relative path: no file to check.
		return m
	}
	m.Source = m.Path
	switch m.Type {
	case "hash", "btree":
		m.Source = strings.TrimSuffix(m.Path, ".db")
	case "cdb":
		m.Source = strings.TrimSuffix(m.Path, ".cdb")
	case "dbm":
		m.Source = strings.TrimSuffix(strings.TrimSuffix(m.Path, ".dir"), ".pag")
	}
	return m
}

// compiledSuffixes returns the files makemap writes for a map type.
func compiledSuffixes(typ string) []string {
	switch typ {
	case "hash", "btree":
		return []string{".db"}
	case "cdb":
		return []string{".cdb"}
	case "dbm":
		return []string{".dir", ".pag"}
	}
	return nil
}

// AuthSource returns the map source that holds the AuthInfo: entries:
// the authinfo map with FEATURE(`authinfo'), else the access map (cf/README:
// "the authinfo ruleset looks up ... in the access map" unless the
// authinfo feature provides its own map).
func (s *Setup) AuthSource() *MapFile {
	if s.AuthinfoMap != nil || (s.Authinfo != nil && s.AccessMap == nil) {
		return s.Authinfo
	}
	return s.Access
}

// AuthEntries returns the AuthInfo: entries of the source that sendmail
// consults, the effective one first for duplicate keys (makemap keeps the
// first without -r).
func (s *Setup) AuthEntries() []*smp.MapEntry {
	src := s.AuthSource()
	if src == nil || src.Parsed == nil {
		return nil
	}
	var out []*smp.MapEntry
	for _, e := range src.Parsed.Entries {
		if isAuthInfoKey(e.Key) {
			out = append(out, e)
		}
	}
	return out
}

// Lookup is which AuthInfo entry sendmail finds for the smart host.
type Lookup struct {
	Entry *smp.MapEntry
	How   string // "server_name", "server_addr", "default"
}

// AuthFor performs the authinfo ruleset's three exact lookups (cf/README):
// AuthInfo:{server_name}, AuthInfo:{server_addr}, AuthInfo:. The address is
// known only for an IP literal; keys are compared case-insensitively
// (makemap folds them).
func (s *Setup) AuthFor(h *SmartHost) *Lookup {
	entries := s.AuthEntries()
	find := func(key string) *smp.MapEntry {
		for _, e := range entries {
			if strings.EqualFold(e.Key, key) {
				return e
			}
		}
		return nil
	}
	if h != nil && h.Name != "" {
		if e := find("AuthInfo:" + h.Name); e != nil {
			return &Lookup{e, "server_name"}
		}
		if _, err := netip.ParseAddr(h.Name); err == nil {
			if e := find("AuthInfo:" + h.Name); e != nil {
				return &Lookup{e, "server_addr"}
			}
		}
	}
	if s.AuthinfoMap == nil && h != nil {
		// Without FEATURE(`authinfo') the entries live in the access map,
		// which is looked up "in the same way" as other access entries:
		// parent domains match too (cf/README; the limit of "only up to
		// three lookups" applies to the authinfo feature).
		for d := h.Name; strings.Contains(d, "."); {
			_, d, _ = strings.Cut(d, ".")
			if e := find("AuthInfo:" + d); e != nil {
				return &Lookup{e, "server_name"}
			}
		}
	}
	if e := find("AuthInfo:"); e != nil {
		return &Lookup{e, "default"}
	}
	return nil
}

// MCDefine returns the final .mc define of name, or nil.
func (s *Setup) MCDefine(name string) *Define {
	if s.Final == nil {
		return nil
	}
	return s.Final[name]
}
