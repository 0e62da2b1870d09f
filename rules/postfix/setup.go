package postfix

import (
	"bytes"
	"iter"
	"path/filepath"
	"strings"
	"sync"

	"github.com/smarthost-lint/smarthost-lint/lint"
	pf "github.com/smarthost-lint/smarthost-lint/parsers/postfix"
)

// Setup is the model of one Postfix installation as the files describe it:
// main.cf with its effective parameters, master.cf services with their -o
// overrides, and every lookup table they reference. Rules read it; they
// never re-parse files.
type Setup struct {
	MainFile   *lint.File
	Main       *pf.MainCF // nil for a standalone map unit
	MasterFile *lint.File
	Master     *pf.MasterCF
	// Maps lists every type:name reference of a table-valued parameter in
	// main.cf and in master.cf -o overrides, in file order.
	Maps []*MapRef
	// Standalone is the table of a map linted on its own (no main.cf).
	Standalone *MapRef

	// Root is the --root the unit was loaded under ("" for none).
	Root string

	files    []*lint.File
	expanded map[string]expansion
	expandMu sync.Mutex
	memo     lint.Memo
}

// Memo returns the value build computes for key, computing it once per
// Setup. Rules use it for derived views (the routing table, credential
// indexes) that several rules need and that may cost a pass over a table
// with a million entries.
func (s *Setup) Memo(key string, build func() any) any {
	return s.memo.Get(key, build)
}

// MTA implements lint.Unit.
func (s *Setup) MTA() string { return Name }

// Files implements lint.Unit.
func (s *Setup) Files() []*lint.File { return s.files }

// MapRef is one lookup table named by a parameter.
type MapRef struct {
	Param   string // parameter naming the table
	Service string // master.cf service of a -o override; "" for main.cf
	Spec    string // "proxy:hash:/etc/postfix/sasl_passwd" after $name expansion
	Type    string // table type after any proxy: prefix ("hash")
	Proxy   bool
	Path    string // table name: a file path for file-based types
	// In is the file the reference is written in; [Start, End) its bytes
	// there (the whole value when the spec came out of a $name expansion).
	In         *lint.File
	Start, End int
	// Source is the table source when it was read (nil with --no-follow,
	// for non-file types, or when it is missing: see SourceErr).
	Source    *lint.File
	Table     *pf.Table
	SourceErr error
	// SourceInfo is the source file's metadata (nil when missing).
	SourceInfo *lint.FileInfo
	// Compiled are the files postmap builds for indexed types.
	Compiled []Compiled
}

// Compiled is a file postmap builds from a table source.
type Compiled struct {
	Path string
	Info *lint.FileInfo // nil when missing
	Err  error
}

// Value is the effective value of a parameter for the Postfix SMTP client.
type Value struct {
	Name     string
	Raw      string // as written (or the default)
	Expanded string // after $name expansion
	Set      bool   // written in main.cf or a -o override (false: default)
	Param    *pf.Param
	Override *pf.Override
	Service  string
	File     *lint.File
	// Undefined lists $names the expansion referenced but nothing defines.
	Undefined []string
}

// Span returns the bytes of the value in its file, for findings; for a
// default value it points at the start of the file.
func (v Value) Span() (file *lint.File, start, end int) {
	switch {
	case v.Override != nil:
		start = v.Override.ValuePos.Offset
		return v.File, start, start + len(v.Override.Value)
	case v.Param != nil:
		if v.Param.ValuePos.Offset == v.Param.ValueEnd.Offset {
			return v.File, v.Param.NamePos.Offset, v.Param.NameEnd.Offset
		}
		return v.File, v.Param.ValuePos.Offset, v.Param.ValueEnd.Offset
	}
	return v.File, 0, 0
}

// lookup finds name in main.cf (last definition wins) or the defaults.
func (s *Setup) lookup(name string) (string, bool) {
	if s.Main != nil {
		if p := s.Main.Lookup(name); p != nil {
			return p.Value, true
		}
	}
	v, ok := paramDefaults()[name]
	return v, ok
}

const maxExpandDepth = 50

// expand expands $name references the way Postfix does. Rules ask for the
// same few values many times, so results are memoised per Setup.
func (s *Setup) expand(raw string) (string, []string) {
	if !strings.Contains(raw, "$") {
		return raw, nil
	}
	s.expandMu.Lock()
	r, ok := s.expanded[raw]
	s.expandMu.Unlock()
	if ok {
		return r.value, r.undefined
	}
	v, undef := pf.Expand(raw, s.lookup, maxExpandDepth)
	s.expandMu.Lock()
	defer s.expandMu.Unlock()
	if s.expanded == nil {
		s.expanded = map[string]expansion{}
	}
	s.expanded[raw] = expansion{v, undef}
	return v, undef
}

type expansion struct {
	value     string
	undefined []string
}

// Get returns the main.cf value of name (or its default).
func (s *Setup) Get(name string) Value {
	v := Value{Name: name, File: s.MainFile}
	if s.Main != nil {
		if p := s.Main.Lookup(name); p != nil {
			v.Raw, v.Set, v.Param = p.Value, true, p
		}
	}
	if !v.Set {
		v.Raw = paramDefaults()[name]
	}
	v.Expanded, v.Undefined = s.expand(v.Raw)
	return v
}

// GetFor returns the value of name for the master.cf service: its -o
// override when there is one, else the main.cf value (master(5): -o
// overrides main.cf for that service).
func (s *Setup) GetFor(service, name string) Value {
	if svc := s.Service(service); svc != nil {
		for i := len(svc.Overrides) - 1; i >= 0; i-- {
			o := svc.Overrides[i]
			if o.Name == name {
				v := Value{Name: name, Raw: o.Value, Set: true, Override: o, Service: service, File: s.MasterFile}
				v.Expanded, v.Undefined = s.expand(o.Value)
				return v
			}
		}
	}
	return s.Get(name)
}

// Service returns the master.cf service of type unix with that name, or nil.
func (s *Setup) Service(name string) *pf.Service {
	if s.Master == nil {
		return nil
	}
	var found *pf.Service
	for _, svc := range s.Master.Services {
		if svc.Name == name && (svc.Type == "unix" || svc.Type == "") {
			found = svc
		}
	}
	return found
}

// Bool reports a boolean parameter the way Postfix's mail_conf_bool.c
// does: only yes/no, case-insensitive. ok is false for any other value.
func Bool(v string) (val, ok bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "yes":
		return true, true
	case "no":
		return false, true
	}
	return false, false
}

// Enabled is Bool with invalid values treated as "no".
func (v Value) Enabled() bool { b, _ := Bool(v.Expanded); return b }

// MapsOf returns the tables named by param (in main.cf or, with service
// non-empty, in that service's -o override).
func (s *Setup) MapsOf(service, param string) []*MapRef {
	v := s.GetFor(service, param)
	var out []*MapRef
	for _, m := range s.Maps {
		if m.Param != param {
			continue
		}
		if (v.Override != nil && m.Service == service) || (v.Override == nil && m.Service == "") {
			out = append(out, m)
		}
	}
	return out
}

// indexedSuffixes are the files postmap creates per table type
// (DATABASE_README).
var indexedSuffixes = map[string][]string{
	"hash": {".db"}, "btree": {".db"}, "lmdb": {".lmdb"}, "cdb": {".cdb"},
	"dbm": {".dir", ".pag"}, "sdbm": {".dir", ".pag"},
}

// fileTypes are table types whose name is a file the user edits.
var fileTypes = map[string]bool{
	"hash": true, "btree": true, "lmdb": true, "cdb": true, "dbm": true, "sdbm": true,
	"texthash": true, "regexp": true, "pcre": true, "cidr": true,
}

// Indexed reports whether the table type is built by postmap.
func (m *MapRef) Indexed() bool { return indexedSuffixes[m.Type] != nil }

// FileBased reports whether the table name is a file path.
func (m *MapRef) FileBased() bool { return fileTypes[m.Type] }

// parseSpec splits "proxy:hash:/path" into its parts.
func parseSpec(spec string) (typ, name string, proxy bool) {
	typ, name, ok := strings.Cut(spec, ":")
	if !ok {
		return "", spec, false
	}
	if typ == "proxy" {
		proxy = true
		typ, name, ok = strings.Cut(name, ":")
		if !ok {
			return "", name, true
		}
	}
	return typ, name, proxy
}

// tableParam reports whether a parameter takes lookup tables. Postfix names
// them *_maps; a few take tables under other names.
func tableParam(name string) bool {
	return strings.HasSuffix(name, "_maps") || strings.HasSuffix(name, "_checks") || name == "alias_database"
}

// followParams are the tables whose contents the rules read; other tables
// are only checked for being built.
var followParams = map[string]bool{
	"smtp_sasl_password_maps":                 true,
	"transport_maps":                          true,
	"sender_dependent_relayhost_maps":         true,
	"smtp_tls_policy_maps":                    true,
	"sender_dependent_default_transport_maps": true,
}

// passwordParams hold credentials: their table values are secrets.
var passwordParams = map[string]bool{"smtp_sasl_password_maps": true, "lmtp_sasl_password_maps": true}

// DestRef is a smarthost destination with where it was written.
type DestRef struct {
	Dest
	Via        string // relayhost, transport_maps, sender_dependent_relayhost_maps, default_transport, relay_transport
	Key        string // table key for table entries ("" otherwise)
	Transport  string // transport of a transport:nexthop result
	In         *lint.File
	Start, End int
	Map        *MapRef // the table, for table entries
}

// Destinations lists every explicit nexthop mail is relayed to, from the
// routing model: relayhost items, default/relay transport nexthops,
// transport_maps and sender-dependent nexthops. Library callers use it to
// answer "where does mail go"; rules use the routing model itself.
func (s *Setup) Destinations() []DestRef {
	routes := routing(s).Routes
	out := make([]DestRef, len(routes))
	for i, r := range routes {
		out[i] = r.DestRef
	}
	return out
}

// mainCFDestinations lists the nexthops written in main.cf itself: the
// relayhost items and the default_transport/relay_transport nexthops. The
// routing model adds the table routes.
func (s *Setup) mainCFDestinations() []DestRef {
	var out []DestRef
	if s.Main == nil {
		return out
	}
	rh := s.Get("relayhost")
	for _, it := range splitList(rh.Expanded) {
		d := DestRef{Dest: ParseDest(it.Text), Via: "relayhost", In: s.MainFile}
		d.Start, d.End = valueRange(rh, it)
		out = append(out, d)
	}
	// relay_transport delivers only the relay_domains class, which is
	// empty unless written (postconf(5) #relay_transport).
	relayClass := strings.TrimSpace(s.Get("relay_domains").Expanded) != "" && s.Get("relay_domains").Set
	for _, name := range []string{"default_transport", "relay_transport"} {
		if name == "relay_transport" && !relayClass {
			continue
		}
		v := s.Get(name)
		tr, next, ok := strings.Cut(strings.TrimSpace(v.Expanded), ":")
		if !ok || next == "" || nonSMTPTransports[tr] {
			continue
		}
		for _, it := range splitList(next) {
			d := DestRef{Dest: ParseDest(it.Text), Via: name, Transport: tr, In: s.MainFile}
			d.Start, d.End = valueRange(v, item{it.Text, len(tr) + 1 + it.Off})
			out = append(out, d)
		}
	}
	return out
}

// nonSMTPTransports deliver without connecting to a nexthop host: their
// "nexthop" is an error text, a mailbox or nothing.
var nonSMTPTransports = map[string]bool{"error": true, "retry": true, "discard": true, "local": true, "virtual": true, "pipe": true}

// valueRange maps an item of an expanded value back to file bytes: exact
// when the value had no $name, else the whole value.
func valueRange(v Value, it item) (int, int) {
	_, start, end := v.Span()
	if v.Param != nil && v.Raw == v.Expanded && it.Off+len(it.Text) <= len(v.Param.Value) {
		return v.Param.OffsetOf(it.Off), v.Param.OffsetOf(it.Off + len(it.Text))
	}
	return start, end
}

// loadMaps records every table reference of main.cf and master.cf and reads
// the sources the rules need.
func (s *Setup) loadMaps(l *lint.Loader) {
	add := func(param, service, raw string, in *lint.File, start, end int, exact func(off int) int) {
		expanded, _ := s.expand(raw)
		for _, it := range splitList(expanded) {
			typ, name, proxy := parseSpec(it.Text)
			m := &MapRef{Param: param, Service: service, Spec: it.Text, Type: typ, Proxy: proxy, Path: name, In: in, Start: start, End: end}
			if raw == expanded && exact != nil {
				m.Start, m.End = exact(it.Off), exact(it.Off+len(it.Text))
			}
			s.Maps = append(s.Maps, m)
			if typ == "" || !fileTypes[typ] || !filepath.IsAbs(name) {
				continue
			}
			if info, err := l.Stat(name); err == nil {
				m.SourceInfo = info
			} else {
				m.SourceErr = err
			}
			for _, sfx := range indexedSuffixes[typ] {
				c := Compiled{Path: name + sfx}
				c.Info, c.Err = l.Stat(c.Path)
				m.Compiled = append(m.Compiled, c)
			}
			if !followParams[param] || !l.Follow() || m.SourceInfo == nil {
				continue
			}
			f, err := l.Open(name, lint.KindPostfixMap)
			if err != nil {
				m.SourceErr = err
				continue
			}
			m.Source = f
			s.attachTable(l, f)
			m.Table, _ = f.Parsed.(*pf.Table)
			if passwordParams[param] && m.Table != nil {
				f.Secrets = tableSecrets{f.Src}
			}
			s.addFile(f)
		}
	}
	if s.Main != nil {
		for _, p := range s.Main.Params() {
			if !tableParam(p.Name) || s.Main.Lookup(p.Name) != p {
				continue
			}
			add(p.Name, "", p.Value, s.MainFile, p.ValuePos.Offset, p.ValueEnd.Offset, p.OffsetOf)
		}
	}
	if s.Master != nil {
		for _, svc := range s.Master.Services {
			for _, o := range svc.Overrides {
				if tableParam(o.Name) {
					base := o.ValuePos.Offset
					add(o.Name, svc.Name, o.Value, s.MasterFile, base, base+len(o.Value), func(off int) int { return base + off })
				}
			}
		}
	}
	// Credentials written into main.cf or master.cf are secrets too:
	// static:user:pass, inline:{key=user:pass}, and anything in a password
	// parameter that is not a table file (a "user:pass" typed where the
	// table belongs). Over-masking a non-path table name is harmless.
	for _, m := range s.Maps {
		if !passwordParams[m.Param] || m.In == nil || m.End <= m.Start {
			continue
		}
		exact := m.End-m.Start == len(m.Spec)
		switch {
		case m.Type == "static" || m.Type == "inline":
			start := m.Start
			if exact {
				start = m.End - len(m.Path)
			}
			m.In.AddSecret(start, m.End)
			m.In.HoldsCredentials = true
		case !filepath.IsAbs(m.Path):
			m.In.AddSecret(m.Start, m.End)
			if m.Type == "" || !knownMapType(m.Type) {
				m.In.HoldsCredentials = true
			}
		}
	}
}

// attachTable parses a table source once.
func (s *Setup) attachTable(l *lint.Loader, f *lint.File) {
	if f.Parsed != nil {
		return
	}
	t, _ := pf.ParseTableString(f.Path, f.Text())
	f.Parsed = t
	f.Comments = commentsOf(t.Comments)
}

func (s *Setup) addFile(f *lint.File) {
	for _, g := range s.files {
		if g == f {
			return
		}
	}
	s.files = append(s.files, f)
}

// tableSecrets masks the passwords of a credentials table line by line,
// from the source text rather than the parsed entries, so that lines the
// parser dropped (an indented first entry, a key without a value) are
// masked too: on an entry line, everything after the first ':' of the
// value (the whole value when it has no ':'); on an indented line, which
// continues a value or is dropped, everything.
type tableSecrets struct{ src []byte }

func (ts tableSecrets) SecretsIn(lo, hi int) []lint.Span {
	src := ts.src
	lo = max(0, min(lo, len(src)))
	start := bytes.LastIndexByte(src[:lo], '\n') + 1
	var out []lint.Span
	for pos := start; pos < len(src) && pos < hi; {
		end := bytes.IndexByte(src[pos:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += pos
		}
		if sp, ok := lineSecret(src, pos, end); ok && sp.End > lo && sp.Start < hi {
			out = append(out, sp)
		}
		pos = end + 1
	}
	return out
}

// lineSecret returns the secret part of one line of a credentials table.
func lineSecret(src []byte, pos, end int) (lint.Span, bool) {
	for end > pos && (src[end-1] == '\r' || src[end-1] == ' ' || src[end-1] == '\t') {
		end--
	}
	i := pos
	for i < end && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	if i == end || src[i] == '#' {
		return lint.Span{}, false
	}
	if i > pos {
		return lint.Span{Start: i, End: end}, true
	}
	// The key: a "quoted key" may hold whitespace.
	if src[i] == '"' {
		if q := bytes.IndexByte(src[i+1:end], '"'); q >= 0 {
			i += q + 2
		}
	}
	for i < end && src[i] != ' ' && src[i] != '\t' {
		i++
	}
	for i < end && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	if c := bytes.IndexByte(src[i:end], ':'); c >= 0 {
		i += c + 1
	}
	if i >= end {
		return lint.Span{}, false
	}
	return lint.Span{Start: i, End: end}, true
}

// commentsOf converts parser comments to the engine's suppression view.
func commentsOf(cs []*pf.Comment) []lint.Comment {
	out := make([]lint.Comment, 0, len(cs))
	for _, c := range cs {
		lc := lint.Comment{Line: c.Pos.Line, Column: c.Pos.Column + 1, Text: c.Text, FirstLine: c.Next, LastLine: c.Next}
		out = append(out, lc)
	}
	return out
}

// routingParams decide where mail goes; their values are RoleRouting.
var routingParams = map[string]bool{
	"relayhost": true, "default_transport": true, "relay_transport": true, "transport_maps": true,
	"sender_dependent_relayhost_maps": true, "sender_dependent_default_transport_maps": true,
	"smtp_sasl_password_maps": true, "smtp_tls_policy_maps": true, "fallback_relay": true, "smtp_fallback_relay": true,
}

// Values implements lint.ValueLister: main.cf parameter values, master.cf
// -o values and the keys and values of every table that was read.
func (s *Setup) Values() iter.Seq[lint.Value] {
	return func(yield func(lint.Value) bool) {
		if s.Main != nil {
			for _, p := range s.Main.Params() {
				role := lint.RoleOther
				if routingParams[p.Name] {
					role = lint.RoleRouting
				}
				if !yield(lint.Value{File: s.MainFile, Start: p.ValuePos.Offset, End: p.ValueEnd.Offset, Text: p.Value, Name: p.Name, Role: role}) {
					return
				}
			}
		}
		if s.Master != nil {
			for _, svc := range s.Master.Services {
				for _, o := range svc.Overrides {
					role := lint.RoleOther
					if routingParams[o.Name] {
						role = lint.RoleRouting
					}
					start := o.ValuePos.Offset
					if !yield(lint.Value{File: s.MasterFile, Start: start, End: start + len(o.Value), Text: o.Value, Name: o.Name, Role: role}) {
						return
					}
				}
			}
		}
		seen := map[*lint.File]bool{}
		tables := s.Maps
		if s.Standalone != nil {
			tables = append([]*MapRef{s.Standalone}, tables...)
		}
		for _, m := range tables {
			if m.Table == nil || seen[m.Source] {
				continue
			}
			seen[m.Source] = true
			valueRole := lint.RoleRouting
			if passwordParams[m.Param] {
				valueRole = lint.RoleCredential
			}
			for i := range m.Table.Entries {
				e := &m.Table.Entries[i]
				if !yield(lint.Value{File: m.Source, Start: e.KeyOffset, End: e.KeyOffset + len(e.Key), Text: e.Key, Name: m.Param, Role: lint.RoleRouting}) {
					return
				}
				if !yield(lint.Value{File: m.Source, Start: e.ValueOffset, End: e.ValueEnd, Text: e.Value, Name: m.Param, Role: valueRole}) {
					return
				}
			}
		}
	}
}
