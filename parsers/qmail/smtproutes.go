package qmail

import "strings"

// Smtproutes is a parsed control/smtproutes.
type Smtproutes struct {
	Lines    []*Line
	Routes   []*Route   // records with a ':', in file order
	Ignored  []*Record  // records without ':' (qmail ignores them)
	Comments []*Comment // '#' lines
	Problems []*Problem // not text: NUL bytes, control characters

	index map[string]*Route // folded key → effective (last) route
}

// Route is one "domain:relay" record.
type Route struct {
	*Record
	// Relay is the vanilla reading of Value: host up to the first ':',
	// port after it.
	Relay Relay
	// Clegg is set when Value has words after white space: Tom Clegg's
	// qmail-remote-auth reads "relay[:port] user password".
	Clegg *Credentials
	// Pipe is set when Value has "|user|password" (sagredo-dev /
	// Hoffmann qmail-authentication).
	Pipe *Credentials
}

// Credentials are the user and password a patch reads from a route.
type Credentials struct {
	HostPort *Field // the relay[:port] part before them
	Relay    Relay  // HostPort split into host and port
	User     *Field
	Password *Field // nil when missing
}

// Domain is the key folded to lower case as constmap compares it.
func (r *Route) Domain() string { return FoldKey(r.KeyText()) }

// MX reports whether the route has an empty relay: qmail-remote then
// looks up MX records as usual ("relay may be empty").
func (r *Route) MX() bool { return r.Value == nil }

// Effective is the relay a qmail-remote with the "|" patch uses: the part
// before '|' when there is one, the vanilla reading otherwise. (Clegg's
// dialect is ambiguous with spacing mistakes; rules decide on it.)
func (r *Route) Effective() Relay {
	if r.Pipe != nil {
		return r.Pipe.Relay
	}
	return r.Relay
}

// FoldKey lower-cases ASCII letters only, as constmap's hash and
// case_diffb do.
func FoldKey(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// ParseSmtproutes parses control/smtproutes. It never fails: qmail accepts
// any bytes; input that is not text is listed in Problems.
func ParseSmtproutes(filename string, src []byte) *Smtproutes {
	f := splitFile(filename, string(src))
	s := &Smtproutes{Lines: f.lines, Comments: f.comments}
	for _, ln := range f.lines {
		for _, rec := range ln.Records {
			if !rec.Colon {
				s.Ignored = append(s.Ignored, rec)
				continue
			}
			rt := &Route{Record: rec}
			if rec.Value != nil {
				rt.Relay = f.parseRelay(rec.Value.Pos.Offset, rec.Value.Text)
				rt.Clegg = cleggCredentials(f, rec.Value)
				rt.Pipe = pipeCredentials(f, rec.Value)
			}
			s.Routes = append(s.Routes, rt)
		}
	}
	s.Problems = f.problems
	s.index = make(map[string]*Route, len(s.Routes))
	for _, r := range s.Routes {
		// constmap_init prepends each entry to its hash chain, so the
		// last record with a key is found first.
		s.index[r.Domain()] = r
	}
	return s
}

// Route returns the effective route for the exact key (folded), if any.
func (s *Smtproutes) Route(key string) (*Route, bool) {
	r, ok := s.index[FoldKey(key)]
	return r, ok
}

// Lookup returns the route qmail-remote uses for recipient domain host:
// the first of host, each ".suffix" of it and the empty key that has a
// route (qmail-remote.c main). Nil means no route: MX delivery. A route
// with an empty relay (MX) is returned too; it ends the search.
func (s *Smtproutes) Lookup(host string) *Route {
	for i := 0; i <= len(host); i++ {
		if i == 0 || i == len(host) || host[i] == '.' {
			if r, ok := s.index[FoldKey(host[i:])]; ok {
				return r
			}
		}
	}
	return nil
}

// cleggCredentials reads "relay[:port] user password" (white space
// separated). The password is the rest after the user.
func cleggCredentials(f *file, v *Field) *Credentials {
	i := strings.IndexAny(v.Text, " \t")
	if i < 0 {
		return nil
	}
	base := v.Pos.Offset
	c := &Credentials{}
	if i > 0 {
		c.HostPort = f.field(base, base+i)
		c.Relay = f.parseRelay(base, v.Text[:i])
	}
	j := i
	for j < len(v.Text) && (v.Text[j] == ' ' || v.Text[j] == '\t') {
		j++
	}
	if j == len(v.Text) {
		return nil // trailing white space is stripped before; only \r-style junk
	}
	k := j
	for k < len(v.Text) && v.Text[k] != ' ' && v.Text[k] != '\t' {
		k++
	}
	c.User = f.field(base+j, base+k)
	for k < len(v.Text) && (v.Text[k] == ' ' || v.Text[k] == '\t') {
		k++
	}
	if k < len(v.Text) {
		c.Password = f.field(base+k, base+len(v.Text))
	}
	return c
}

// pipeCredentials reads "relay[:port]|user|password" as sagredo-dev's
// qmail-remote.c main does: cut at the first '|', the user runs to the
// next '|', the password is the rest.
func pipeCredentials(f *file, v *Field) *Credentials {
	i := strings.IndexByte(v.Text, '|')
	if i < 0 {
		return nil
	}
	base := v.Pos.Offset
	c := &Credentials{}
	if i > 0 {
		c.HostPort = f.field(base, base+i)
	}
	rest := v.Text[i+1:]
	j := strings.IndexByte(rest, '|')
	if j < 0 {
		c.User = f.field(base+i+1, base+len(v.Text))
	} else {
		c.User = f.field(base+i+1, base+i+1+j)
		c.Password = f.field(base+i+2+j, base+len(v.Text))
	}
	c.Relay = f.parseRelay(base, v.Text[:i])
	return c
}
