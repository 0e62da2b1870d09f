package sendmail

import (
	"encoding/base64"
	"fmt"
	"io/fs"
	"net/netip"
	"path/filepath"
	"strings"
	"time"

	"github.com/smarthost-lint/smarthost-lint/lint"
	smp "github.com/smarthost-lint/smarthost-lint/parsers/sendmail"
)

var authRules = []*lint.Rule{
	{ID: "SM009", MTA: Name, Severity: lint.SeverityError, Title: "authinfo map not built, stale, or built with another type", Check: checkMapBuilt},
	{ID: "SM010", MTA: Name, Severity: lint.SeverityError, Title: "AuthInfo entry syntax that sendmail cannot use", Check: checkAuthSyntax},
	{ID: "SM011", MTA: Name, Severity: lint.SeverityError, Title: "no AuthInfo key matches the smart host", Check: checkAuthKey},
	{ID: "SM012", MTA: Name, Severity: lint.SeverityWarning, Title: "client mechanisms exclude PLAIN and LOGIN", Check: checkMechanisms},
	{ID: "SM013", MTA: Name, Severity: lint.SeverityError, Title: "AUTH to the smart host without required TLS", Check: checkAuthTLS},
	{ID: "SM014", MTA: Name, Severity: lint.SeverityError, Title: "authinfo files readable by other users", Check: checkAuthPerms},
}

// mapGrace is how much older than its source a compiled map may be before
// it counts as stale (the same 100 s PF018 and GEN008 use, so that an
// edit followed by makemap a moment later does not flap).
const mapGrace = 100 * time.Second

// authMapRef is the map that holds the AuthInfo entries: the authinfo map,
// else the access map when it has AuthInfo: entries.
func (s *Setup) authMapRef() *MapRef {
	if s.AuthinfoMap != nil {
		return s.AuthinfoMap
	}
	if s.AccessMap != nil && len(s.AuthEntries()) > 0 {
		return s.AccessMap
	}
	return nil
}

// checkMapBuilt is SM009: sendmail reads the compiled map (hash/btree:
// <path>.db, cdb: .cdb, dbm: .dir/.pag), never the text source.
func checkMapBuilt(p *lint.Pass) {
	s := p.Unit.(*Setup)
	m := s.authMapRef()
	if m == nil || m.Source == "" || m.File == nil || !s.follow {
		return
	}
	sufs := compiledSuffixes(m.Type)
	if sufs == nil {
		return
	}
	src, srcErr := p.FS.Stat(s.path(m.Source))
	fd := m.File.At(m.Start, m.End)
	build := fmt.Sprintf("makemap %s %s < %s", m.Type, m.Source, m.Source)
	fd.Hint = "build it: " + build
	for _, suf := range sufs {
		db, err := p.FS.Stat(s.path(m.Source + suf))
		if err != nil {
			other := ""
			for _, t := range []string{"hash", "cdb", "dbm"} {
				for _, os := range compiledSuffixes(t) {
					if os != suf {
						if _, err := p.FS.Stat(s.path(m.Source + os)); err == nil {
							other = m.Source + os
						}
					}
				}
			}
			switch {
			case other != "":
				fd.Message = fmt.Sprintf("the %s map is declared as %s, so sendmail opens %s, but only %s exists: makemap was run with another map type", m.Name, m.Type, m.Source+suf, other)
			case srcErr != nil:
				fd.Message = fmt.Sprintf("neither the %s map %s nor its source %s exists: sendmail finds no AuthInfo entry and sends mail unauthenticated", m.Name, m.Source+suf, m.Source)
				fd.Hint = "create " + m.Source + " with the AuthInfo: line and run " + build
			default:
				fd.Message = fmt.Sprintf("%s was never built: sendmail reads %s, not the text source, so it has no AuthInfo entries and sends mail unauthenticated", m.Source, m.Source+suf)
			}
			p.Report(fd)
			return
		}
		if srcErr == nil && src.ModTime.Sub(db.ModTime) > mapGrace {
			fd.Message = fmt.Sprintf("%s is older than its source %s (%s): sendmail still uses the old entries", filepath.Base(m.Source+suf), m.Source, src.ModTime.Sub(db.ModTime).Round(time.Second))
			fd.Hint = "rebuild it: " + build
			p.Report(fd)
			return
		}
	}
}

// authMaps are the loaded map sources whose AuthInfo entries are read.
func (s *Setup) authMaps() []*MapFile {
	var out []*MapFile
	for _, m := range []*MapFile{s.Authinfo, s.Access} {
		if m != nil && m.Parsed != nil {
			out = append(out, m)
		}
	}
	return out
}

// checkAuthSyntax is SM010 (cf/README "Providing SMTP AUTH Data when
// sendmail acts as Client"): the value is a list of "TDstring" tokens,
// T in U I P R M, D ':' (text) or '=' (base64); "User id or
// authentication id must exist as well as the password".
func checkAuthSyntax(p *lint.Pass) {
	s := p.Unit.(*Setup)
	for _, m := range s.authMaps() {
		checkAuthFile(p, m)
	}
}

// checkAuthFile checks the AuthInfo lines of one map source.
func checkAuthFile(p *lint.Pass, m *MapFile) {
	f := m.File
	for _, pr := range m.Parsed.Problems {
		if pr.Kind == smp.LeadingSpace && strings.Contains(strings.ToLower(f.Text()[pr.Start:pr.End]), "authinfo:") {
			fd := f.At(pr.Start, pr.Start+1)
			fd.Message = "this AuthInfo line starts with whitespace: makemap rejects it (\"syntax error (leading space)\") and the entry is not in the map"
			fd.Hint = "remove the leading whitespace"
			t := strings.TrimLeft(f.Text()[pr.Start:pr.End], " \t\v\f\r")
			fd.Fix = &lint.Fix{Description: "remove the leading whitespace", Safe: true, Edits: []lint.TextEdit{{Start: pr.Start, End: pr.End - len(t)}}}
			p.Report(fd)
		}
	}
	for _, e := range m.Parsed.Entries {
		if isAuthInfoKey(e.Key) {
			checkAuthEntry(p, f, e)
		}
	}
}

func checkAuthEntry(p *lint.Pass, f *lint.File, e *smp.MapEntry) {
	host := e.Key[len("AuthInfo:"):]
	if strings.HasSuffix(host, ":") {
		fd := f.At(e.KeyStart, e.KeyStart+len(e.Key))
		fd.Message = fmt.Sprintf("the key ends with ':' (%s): makemap stores it as %s, which no lookup ever asks for", e.Key, strings.ToLower(e.Key))
		fd.Hint = "write the key as AuthInfo:<smart host> with no colon after the host"
		fd.Fix = &lint.Fix{Description: "remove the trailing colon", Safe: true, Edits: []lint.TextEdit{{Start: e.KeyStart + len(e.Key) - 1, End: e.KeyStart + len(e.Key)}}}
		p.Report(fd)
	}
	var user, pass bool
	for _, t := range e.Tokens {
		if t.Text == "\r" {
			continue
		}
		bad := func(msg, hint string) {
			fd := f.At(t.Start, t.End)
			fd.Message, fd.Hint = msg, hint
			p.Report(fd)
		}
		if !t.Quoted {
			bad("AuthInfo tokens must be in double quotes: with an unquoted token sendmail does not use the entry and sends the mail without AUTH",
				`write each token as "U:user" "P:password" "M:PLAIN"`)
			continue
		}
		if !t.Closed {
			bad("this token's double quote is never closed", `close the token with "`)
			continue
		}
		switch t.Tag {
		case 'U', 'I':
			user = true
		case 'P':
			pass = true
		case 'R', 'M':
		default:
			what := "a token without a tag"
			if t.Tag != 0 {
				what = fmt.Sprintf("the tag %q", string(t.Tag))
			}
			bad(fmt.Sprintf("unknown AuthInfo token (%s): each token must start with U, I, P, R or M followed by ':' or '='", what), `use "U:", "I:", "P:", "R:" or "M:"`)
			continue
		}
		if t.Sep == '=' {
			if _, err := base64.StdEncoding.DecodeString(t.Data); err != nil {
				what := "value"
				if t.Tag == 'P' {
					what = "password"
				}
				bad(fmt.Sprintf("\"%c=\" means the %s is base64, but it is not valid base64", t.Tag, what), fmt.Sprintf("write \"%c:\" for plain text, or encode the %s with base64", t.Tag, what))
			}
		}
		if strings.ContainsRune(t.Data, '\r') {
			bad("a carriage return inside the quotes is sent as part of the value", "convert the file to Unix line endings (dos2unix)")
		}
	}
	if !user || !pass {
		fd := f.At(e.Start, e.End)
		missing := "password (\"P:\")"
		if !user {
			missing = "user (\"U:\" or \"I:\")"
			if !pass {
				missing += " and password (\"P:\")"
			}
		}
		if !allQuoted(e) {
			return // the unquoted token is the problem reported above
		}
		fd.Message = "this AuthInfo entry has no " + missing + ": cf/README \"User id or authentication id must exist as well as the password\", so sendmail does not authenticate"
		fd.Hint = `write AuthInfo:<host> "U:user" "P:password" "M:PLAIN LOGIN"`
		p.Report(fd)
	}
}

func allQuoted(e *smp.MapEntry) bool {
	for _, t := range e.Tokens {
		if !t.Quoted && t.Text != "\r" {
			return false
		}
	}
	return true
}

// checkAuthKey is SM011: with FEATURE(`authinfo') sendmail makes three
// exact lookups, AuthInfo:{server_name}, AuthInfo:{server_addr} and
// AuthInfo: (cf/README); {server_name} is the host without brackets
// [exp auth-key-probe.sh]. When nothing matches, the mail goes out
// without AUTH.
func checkAuthKey(p *lint.Pass) {
	s := p.Unit.(*Setup)
	h := s.Smart
	if h.Empty() || h.Name == "" || s.authMapRef() == nil || s.AuthSource() == nil {
		return
	}
	entries := s.AuthEntries()
	if s.AuthFor(h) != nil {
		return
	}
	src := s.AuthSource().File
	if len(entries) == 0 {
		if s.AuthinfoMap == nil {
			return
		}
		fd := src.WholeFile()
		fd.Message = fmt.Sprintf("the authinfo map has no AuthInfo: entry at all, so sendmail sends mail to %s without AUTH", h.Host)
		fd.Hint = fmt.Sprintf(`add AuthInfo:%s "U:user" "P:password" "M:PLAIN LOGIN" and rebuild the map`, h.Name)
		p.Report(fd)
		return
	}
	for _, e := range entries {
		key := e.Key[len("AuthInfo:"):]
		fd := src.At(e.KeyStart, e.KeyStart+len(e.Key))
		why := ""
		switch k := strings.ToLower(key); {
		case strings.HasPrefix(k, "["):
			why = "sendmail looks up the host without brackets"
		case strings.HasSuffix(k, ":"):
			why = "the trailing ':' is part of the key"
		case strings.HasSuffix(k, ".") && strings.TrimSuffix(k, ".") == h.Name:
			why = "sendmail strips the trailing dot before the lookup"
		case strings.TrimSuffix(strings.TrimPrefix(strings.SplitN(k, "]", 2)[0], "["), ":") == h.Name || strings.HasPrefix(k, h.Name+":"):
			why = "the key has more than the host name"
		}
		if _, err := netip.ParseAddr(key); err == nil && why == "" {
			fd.Severity = lint.SeverityWarning
			fd.Message = fmt.Sprintf("%s matches only if %s resolves to %s (the {server_addr} lookup); sendmail sends without AUTH otherwise", e.Key, h.Name, key)
			fd.Hint = fmt.Sprintf("key the entry by the smart host name: AuthInfo:%s", h.Name)
			p.Report(fd)
			continue
		}
		if !h.Bracketed {
			fd.Severity = lint.SeverityWarning
			fd.Message = fmt.Sprintf("%s does not match %s; the smart host has no brackets, so {server_name} is whatever MX host it resolves to (not checked: needs DNS)", e.Key, h.Name)
		} else {
			fd.Message = fmt.Sprintf("%s never matches the smart host %s (sendmail looks up AuthInfo:%s, then its address, then AuthInfo:)", e.Key, h.Host, h.Name)
			if why != "" {
				fd.Message += ": " + why
			}
			fd.Message += "; the mail goes out without AUTH"
		}
		fd.Hint = fmt.Sprintf("write the key as AuthInfo:%s", h.Name)
		if why != "" {
			fd.Fix = &lint.Fix{Description: "key the entry by the smart host name", Safe: true, Edits: []lint.TextEdit{{Start: e.KeyStart, End: e.KeyStart + len(e.Key), NewText: "AuthInfo:" + h.Name}}}
		}
		p.Report(fd)
	}
}

// mechanisms returns the client mechanism list: AuthMechanisms from the
// .mc (confAUTH_MECHANISMS) or the .cf.
func (s *Setup) mechanisms() (string, bool) {
	if s.MC != nil {
		if d := s.MCDefine("confAUTH_MECHANISMS"); d != nil {
			return d.Value, true
		}
		return "", false
	}
	if s.CF != nil {
		if o := s.CF.Option("AuthMechanisms"); o != nil {
			return o.Value, true
		}
	}
	return "", false
}

func hasPlainLogin(list string) bool {
	for _, w := range strings.Fields(strings.ToUpper(list)) {
		if w == "PLAIN" || w == "LOGIN" {
			return true
		}
	}
	return false
}

// checkMechanisms is SM012: without "M:" the client offers AuthMechanisms,
// default "EXTERNAL GSSAPI KERBEROS_V4 DIGEST-MD5 CRAM-MD5" (cf/README),
// which lacks the PLAIN and LOGIN that smarthosts offer after STARTTLS.
func checkMechanisms(p *lint.Pass) {
	s := p.Unit.(*Setup)
	l := s.AuthFor(s.Smart)
	if s.Smart.Empty() || l == nil {
		return
	}
	for _, t := range l.Entry.Tokens {
		if t.Tag == 'M' {
			if hasPlainLogin(t.Data) {
				return
			}
			fd := s.AuthSource().File.At(t.Start, t.End)
			fd.Message = fmt.Sprintf("the mechanism list %q has neither PLAIN nor LOGIN, which is what smarthosts offer over TLS", t.Data)
			fd.Hint = `write "M:PLAIN LOGIN"`
			p.Report(fd)
			return
		}
	}
	list, set := s.mechanisms()
	if hasPlainLogin(list) {
		return
	}
	e := l.Entry
	fd := s.AuthSource().File.At(e.Start, e.End)
	if set {
		fd.Message = fmt.Sprintf("this entry has no \"M:\" token, so sendmail offers AuthMechanisms (%s), which has neither PLAIN nor LOGIN", strings.TrimSpace(list))
	} else {
		fd.Message = "this entry has no \"M:\" token and confAUTH_MECHANISMS is not set, so sendmail offers the default EXTERNAL GSSAPI KERBEROS_V4 DIGEST-MD5 CRAM-MD5, without PLAIN or LOGIN"
	}
	fd.Hint = `add "M:PLAIN LOGIN" to the entry (or PLAIN LOGIN to confAUTH_MECHANISMS, which also changes what the local server advertises)`
	p.Report(fd)
}

// checkAuthTLS is SM013. sendmail tries STARTTLS but does not require
// it; requiring it takes an access-map entry TLS_Srv:<host> ENCR:<bits>
// (cf/README "TLS_Srv:secure.domain ENCR:112") with FEATURE(`access_db').
// cf/README also asks for PrivacyOptions goaway when the client uses
// PLAIN or LOGIN.
func checkAuthTLS(p *lint.Pass) {
	s := p.Unit.(*Setup)
	l := s.AuthFor(s.Smart)
	if s.Smart.Empty() || l == nil {
		return
	}
	af := s.AuthSource().File
	switch {
	case s.AccessMap != nil && s.Access == nil:
		if s.follow {
			fd := af.At(l.Entry.KeyStart, l.Entry.KeyStart+len(l.Entry.Key))
			fd.Severity = lint.SeverityWarning
			fd.Message = fmt.Sprintf("the access map source %s could not be read, so whether it requires TLS for %s (TLS_Srv:%s ENCR:112) was not checked", s.AccessMap.Source, s.Smart.Name, s.Smart.Name)
			fd.Hint = "lint the access map source too, or make sure it has a TLS_Srv entry for the smart host"
			p.Report(fd)
		}
	case !s.tlsRequired(s.Smart.Name):
		fd := af.At(l.Entry.KeyStart, l.Entry.KeyStart+len(l.Entry.Key))
		if s.AccessMap == nil && s.Access == nil {
			fd.Message = fmt.Sprintf("AUTH to %s is configured but nothing requires TLS, and there is no access map (FEATURE(`access_db')) to require it: if STARTTLS fails the password goes out in clear", s.Smart.Name)
		} else {
			fd.Message = fmt.Sprintf("AUTH to %s is configured but the access map has no TLS_Srv:%s entry: sendmail uses STARTTLS only when offered, so the password can go out in clear", s.Smart.Name, s.Smart.Name)
		}
		fd.Hint = fmt.Sprintf("add \"TLS_Srv:%s ENCR:112\" to the access map source (FEATURE(`access_db') needed) and rebuild it", s.Smart.Name)
		p.Report(fd)
	}
	if s.MC == nil && s.CF == nil {
		return
	}
	privacy, where, ps, pe := s.privacy()
	words := strings.Split(strings.ToLower(privacy), ",")
	for _, w := range words {
		switch strings.TrimSpace(w) {
		case "goaway", "noverb":
			return
		}
	}
	var fd lint.Finding
	switch {
	case where != nil:
		fd = where.At(ps, pe)
	case s.MCFile != nil:
		fd = s.MCFile.WholeFile()
	default:
		fd = s.CFFile.WholeFile()
	}
	fd.Severity = lint.SeverityWarning
	fd.Message = "the client authenticates with a password but PrivacyOptions lacks goaway/noverb: cf/README says ordinary users must then be kept from seeing verbose output"
	fd.Hint = "add goaway (or at least noverb) to confPRIVACY_FLAGS"
	p.Report(fd)
}

// privacy returns PrivacyOptions and where they are set.
func (s *Setup) privacy() (string, *lint.File, int, int) {
	if s.MC != nil {
		if d := s.MCDefine("confPRIVACY_FLAGS"); d != nil {
			start, end := d.Call.Start, d.Call.End
			if a := d.Call.Arg(1); a != nil {
				start, end = a.Start, a.End
			}
			return d.Value, d.File, start, end
		}
		return "", nil, 0, 0
	}
	if o := s.CF.Option("PrivacyOptions"); o != nil {
		return o.Value, s.CFFile, o.ValueStart, o.End
	}
	return "", nil, 0, 0
}

// tlsRequired reports whether the access map source has a TLS_Srv entry
// for host (or one of its parent domains, or the TLS_Srv: default) with
// an ENCR requirement.
func (s *Setup) tlsRequired(host string) bool {
	if s.Access == nil || s.Access.Parsed == nil {
		return false
	}
	for _, e := range s.Access.Parsed.Entries {
		k := strings.ToLower(e.Key)
		if !strings.HasPrefix(k, "tls_srv:") {
			continue
		}
		d := k[len("tls_srv:"):]
		if (d == "" || d == host || strings.HasSuffix(host, "."+d)) && strings.Contains(strings.ToUpper(e.Value), "ENCR:") {
			return true
		}
	}
	return false
}

// checkAuthPerms is SM014. cf/README: the map "contains sensitive
// information" and must be unreadable by everyone but root; "It is not
// checked whether the map is actually group/world-unreadable".
//
// The containing directory only matters in one direction: the seed's
// `chmod 700 auth` keeps everyone else out even if a file in it is 0644
// (no search permission on the directory), so such a file is a warning
// (protected by the directory alone), not an error. A 0755 directory
// around 0600 files exposes only the file names, not the passwords, and
// is the stock layout (Debian's /etc/mail is 0755), so it is not reported.
func checkAuthPerms(p *lint.Pass) {
	s := p.Unit.(*Setup)
	for _, m := range s.authMaps() {
		f := m.File
		hasPass := false
		for _, e := range m.Parsed.Entries {
			if isAuthInfoKey(e.Key) {
				hasPass = true
			}
		}
		if !hasPass {
			continue
		}
		if f.Info != nil && f.Info.Mode.Perm()&0o077 != 0 {
			fd := f.WholeFile()
			fd.Message = fmt.Sprintf("this file holds AuthInfo passwords and other users can read it (mode %04o)", f.Info.Mode.Perm())
			fd.Hint = "chmod 600 " + f.Path
			dirGuard(p, &fd, f.DiskPath, f.Info.Mode.Perm())
			p.Report(fd)
		}
		ref := s.AuthinfoMap
		if m == s.Access {
			ref = s.AccessMap
		}
		if ref == nil || ref.Source == "" || !s.follow {
			continue
		}
		for _, suf := range compiledSuffixes(ref.Type) {
			db := ref.Source + suf
			if st, err := p.FS.Stat(s.path(db)); err == nil && st.Mode.Perm()&0o077 != 0 {
				fd := f.WholeFile()
				fd.Message = fmt.Sprintf("the compiled map %s holds the same passwords and other users can read it (mode %04o)", db, st.Mode.Perm())
				fd.Hint = "chmod 600 " + db
				dirGuard(p, &fd, s.path(db), st.Mode.Perm())
				p.Report(fd)
			}
		}
	}
}

// dirGuard downgrades an SM014 finding to a warning when the directory
// holding the file denies search permission to every class the file mode
// opens it to (group: no g+x; others: no o+x), as after the
// seed's `chmod 700 auth`: the passwords are then protected by the
// directory alone, and a later chmod of the directory exposes them.
func dirGuard(p *lint.Pass, fd *lint.Finding, disk string, mode fs.FileMode) {
	if disk == "" {
		return
	}
	dir := filepath.Dir(disk)
	st, err := p.FS.Stat(dir)
	if err != nil || !st.Mode.IsDir() {
		return
	}
	dm := st.Mode.Perm()
	groupIn := mode&0o070 != 0 && dm&0o010 != 0
	otherIn := mode&0o007 != 0 && dm&0o001 != 0
	if groupIn || otherIn {
		return
	}
	fd.Severity = lint.SeverityWarning
	fd.Message += fmt.Sprintf(", but its directory (mode %04o) lets no one else in: only the directory protects the passwords", dm)
}
