package postfix

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/smarthost-lint/smarthost-lint/lint"
	pf "github.com/smarthost-lint/smarthost-lint/parsers/postfix"
)

// This file holds what the credential and TLS rules (PF006–PF016, PF029)
// share: which SMTP client service delivers to each smarthost destination,
// and an index of the credential tables those services read. The helpers
// are methods of credModel so that they cannot collide with the other rule
// files of the package; the general ones (the service delivering a
// destination, the effective TLS level) could move into the Setup model.

// credModel is a Setup seen by the credential rules.
type credModel struct{ s *Setup }

func newCredModel(s *Setup) credModel { return credModel{s} }

// credRoute is a destination together with the master.cf service whose
// smtp(8) process connects to it. Parameters for that connection are
// s.GetFor(credRoute.Service, name).
type credRoute struct {
	DestRef
	Service string
}

// defaultTransport is the transport name of default_transport ("smtp" by
// default); relayhost and sender_dependent_relayhost_maps only supply the
// nexthop, the default transport delivers.
func (m credModel) defaultTransport() string {
	tr, _, _ := strings.Cut(strings.TrimSpace(m.get("", "default_transport").Expanded), ":")
	if tr = strings.TrimSpace(tr); tr == "" {
		return "smtp"
	}
	return tr
}

// smtpClient reports whether the service runs smtp(8), whose smtp_sasl_*
// parameters the credential rules judge. It reads master.cf (or, without
// one, the stock services) the way the routing model does; a service
// nobody defines is assumed to be one (PF017 reports it).
func (m credModel) smtpClient(service string) bool {
	cmd, ok := routeCommand(m.s, service)
	return cmd == "smtp" || !ok
}

// routes lists the smarthost destinations with each smtp(8) service that
// delivers to them, from the routing model shared with the routing rules,
// skipping destinations with syntax problems (PF003, PF021 and PF025
// report those).
func (m credModel) routes() []credRoute {
	var out []credRoute
	for _, r := range routing(m.s).Routes {
		if r.Problem != "" || r.Owner != "" {
			continue
		}
		for _, svc := range r.Services {
			if m.smtpClient(svc) {
				out = append(out, credRoute{DestRef: r.DestRef, Service: svc})
			}
		}
	}
	return out
}

// saslEnabled reports whether smtp(8) of the service authenticates.
func (m credModel) saslEnabled(service string) bool {
	return m.get(service, "smtp_sasl_auth_enable").Enabled()
}

// senderAuth reports whether the service looks credentials up by sender.
func (m credModel) senderAuth(service string) bool {
	return m.get(service, "smtp_sender_dependent_authentication").Enabled()
}

// saslServices returns the SMTP client services that authenticate: those
// delivering to a destination with smtp_sasl_auth_enable = yes, or the
// default transport when SASL is on and there is no explicit destination.
func (m credModel) saslServices(rs []credRoute) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range rs {
		if !seen[r.Service] && m.saslEnabled(r.Service) {
			seen[r.Service] = true
			out = append(out, r.Service)
		}
	}
	if len(rs) == 0 {
		if def := m.defaultTransport(); m.smtpClient(def) && m.saslEnabled(def) {
			out = append(out, def)
		}
	}
	return out
}

// credFixedTypes are table types looked up by exact, case-folded string:
// their parsed source tells exactly which keys match (DATABASE_README;
// postmap(1) "By default the lookup key is mapped to lowercase").
var credFixedTypes = map[string]bool{
	"hash": true, "btree": true, "lmdb": true, "cdb": true, "dbm": true, "sdbm": true, "texthash": true,
}

// credKey is one table entry with its table.
type credKey struct {
	Map   *MapRef
	Entry *pf.TableEntry
}

// credIndex is what the credential tables of one service contain, as
// smtp_sasl_passwd_lookup() sees it: the tables are searched in order, the
// first match wins, keys are case-folded.
type credIndex struct {
	Maps []*MapRef
	// Known is false when a table cannot be evaluated statically (regexp,
	// ldap, static, inline, a source that was not read): the key rules then
	// stay silent rather than guess.
	Known bool
	// Entries counts the entries of all tables.
	Entries int
	// Sender are the keys of sender lookups (address or @domain keys).
	Sender []credKey
	// Hosts are keys that can only match a server host name (no '@', no
	// brackets, no port).
	Hosts []credKey
	// usersOf lists the user@domain keys per "@domain".
	usersOf map[string][]string
	// sameHost memoises byHost.
	sameHost map[string][]credKey
	// nonASCII is set when a key has non-ASCII bytes: Postfix folds them
	// with full Unicode case folding, so lookups use the table index.
	nonASCII bool
	lookups  atomic.Int32
	mu       sync.Mutex // guards sameHost: rules run concurrently
}

// get is s.GetFor(service, name), memoised for the setup: the rules ask
// for the same few parameters for every destination.
func (m credModel) get(service, name string) Value {
	return m.s.Memo("cred.get\x00"+service+"\x00"+name, func() any { return m.s.GetFor(service, name) }).(Value)
}

// mapsOf is s.MapsOf(service, param), memoised like get.
func (m credModel) mapsOf(service, param string) []*MapRef {
	return m.s.Memo("cred.maps\x00"+service+"\x00"+param, func() any { return m.s.MapsOf(service, param) }).([]*MapRef)
}

// credentials returns the index of the service's smtp_sasl_password_maps:
// PF008, PF010, PF011 and PF015 all need it for every destination, and a
// table may have a million entries, so it is built once per setup.
func (m credModel) credentials(service string) *credIndex {
	maps := m.mapsOf(service, "smtp_sasl_password_maps")
	var id strings.Builder
	id.WriteString("cred.idx\x00")
	for _, t := range maps {
		id.WriteString(t.Spec)
		id.WriteByte(0)
		id.WriteString(t.Service)
		id.WriteByte(0)
	}
	return m.s.Memo(id.String(), func() any { return newCredIndex(maps) }).(*credIndex)
}

// newCredIndex classifies the keys of the tables in one pass without
// allocating per entry: a sasl_passwd may have a million entries, and most
// setups ask only about one or two destinations.
func newCredIndex(maps []*MapRef) *credIndex {
	c := &credIndex{Maps: maps, Known: len(maps) > 0, usersOf: map[string][]string{}, sameHost: map[string][]credKey{}}
	for _, t := range maps {
		if t.Table == nil || !credFixedTypes[t.Type] {
			c.Known = false
			continue
		}
		c.Entries += len(t.Table.Entries)
		for i := range t.Table.Entries {
			e := &t.Table.Entries[i]
			if !c.nonASCII && !isASCII(e.Key) {
				c.nonASCII = true
			}
			r := credKey{t, e}
			switch {
			case strings.IndexByte(e.Key, '@') >= 0:
				c.Sender = append(c.Sender, r)
				k := pf.FoldKey(e.Key)
				if at := strings.LastIndexByte(k, '@'); at > 0 {
					c.usersOf[k[at:]] = append(c.usersOf[k[at:]], e.Key)
				}
			case !strings.ContainsAny(e.Key, "[]:<>\""):
				c.Hosts = append(c.Hosts, r)
			}
		}
	}
	return c
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// scanLimit is how many lookups scan the tables before the index is built:
// a scan costs a few milliseconds on a million entries, the index a few
// hundred.
const scanLimit = 16

// lookup returns the first entry for key over all tables, as maps_find()
// does (each table case-folds, the first duplicate wins). key must be
// folded already.
func (c *credIndex) lookup(key string) (credKey, bool) {
	scan := c.lookups.Add(1) <= scanLimit && !c.nonASCII && isASCII(key)
	for _, t := range c.Maps {
		if t.Table == nil {
			continue
		}
		if !scan {
			if e := t.Table.Lookup(key); e != nil {
				return credKey{t, e}, true
			}
			continue
		}
		es := t.Table.Entries
		for i := range es {
			if len(es[i].Key) == len(key) && strings.EqualFold(es[i].Key, key) {
				return credKey{t, &es[i]}, true
			}
		}
	}
	return credKey{}, false
}

// byHost lists the destination-like and host keys whose host is host
// (folded), memoised per host.
func (c *credIndex) byHost(host string) []credKey {
	c.mu.Lock()
	defer c.mu.Unlock()
	if rs, ok := c.sameHost[host]; ok {
		return rs
	}
	var out []credKey
	for _, t := range c.Maps {
		if t.Table == nil || !credFixedTypes[t.Type] {
			continue
		}
		for i := range t.Table.Entries {
			e := &t.Table.Entries[i]
			k := strings.TrimPrefix(e.Key, "[")
			// Cheap filter before parsing: the key must start with host.
			if len(k) < len(host) || !strings.EqualFold(k[:len(host)], host) && isASCII(k) {
				continue
			}
			if strings.IndexByte(e.Key, '@') >= 0 {
				continue
			}
			if !strings.ContainsAny(e.Key, "[]:<>\"") {
				if pf.FoldKey(e.Key) == host {
					out = append(out, credKey{t, e})
				}
				continue
			}
			if kd := ParseDest(e.Key); kd.Problem == "" && pf.FoldKey(kd.Host) == host {
				out = append(out, credKey{t, e})
			}
		}
	}
	c.sameHost[host] = out
	return out
}

// credServerKeys are the keys smtp_sasl_passwd_lookup() tries for a
// destination besides sender keys (RULES.md §2.2): the server host name —
// for [host] the name inside the brackets — and the destination exactly as
// written, case-folded. For an unbracketed destination the host name comes
// from the MX lookup and is not knowable here; it is left out.
func credServerKeys(d Dest) []string {
	keys := []string{pf.FoldKey(d.Raw)}
	if d.Bracketed {
		h := pf.FoldKey(d.Host)
		keys = append(keys, h)
		if d.IPv6 {
			// UNVERIFIED which form the host name takes for [ipv6:addr] (the
			// oracle's fake smarthost listens on IPv4 only); accept both
			// rather than report a mismatch that may not exist.
			keys = append(keys, "ipv6:"+h)
		}
	}
	return keys
}

// matchServer returns the entry a server key of d hits, if any.
func (c *credIndex) matchServer(d Dest) (credKey, bool) {
	for _, k := range credServerKeys(d) {
		if r, ok := c.lookup(k); ok {
			return r, true
		}
	}
	return credKey{}, false
}

// nearMisses are keys naming the destination's host in a form that does
// not match: "[h]" for "[h]:587", "h:587" for "[h]:587", "[h]:587" for
// "[h]:submission", ...
func (c *credIndex) nearMisses(d Dest) []credKey {
	var out []credKey
	want := map[string]bool{}
	for _, k := range credServerKeys(d) {
		want[k] = true
	}
	for _, r := range c.byHost(pf.FoldKey(d.Host)) {
		// For an unbracketed destination a bare host key may still match:
		// it is the name Postfix connects to when the host has no MX
		// record. That depends on DNS (a warning), not a wrong form.
		if !d.Bracketed && !strings.ContainsAny(r.Entry.Key, "[]:") {
			continue
		}
		if !want[pf.FoldKey(r.Entry.Key)] {
			out = append(out, r)
		}
	}
	return out
}

// credCoverage says how far sender keys give credentials to the senders a
// sender_dependent_relayhost_maps key selects.
type credCoverage int

const (
	coverNone credCoverage = iota
	coverSome              // some addresses of the domain have keys
	coverAll
)

// senderCoverage applies mail_addr_find()'s order (user@domain, then
// @domain; RULES.md §2.2) to the senders selected by the relay-map key.
// [exp] postfix-e2e.sh 3.7.11 with smtp_sender_dependent_authentication =
// yes: key @oracle.test authenticates sender@oracle.test; with both
// sender@oracle.test and @oracle.test the full address wins; with the
// parameter off the @domain key is never used (no AUTH).
func (c *credIndex) senderCoverage(relayKey string) (credCoverage, []string) {
	k := pf.FoldKey(relayKey)
	at := strings.LastIndexByte(k, '@')
	if at < 0 {
		return coverNone, nil
	}
	dom := k[at:]
	if r, ok := c.lookup(dom); ok {
		return coverAll, []string{r.Entry.Key}
	}
	if at > 0 { // a single address
		if r, ok := c.lookup(k); ok {
			return coverAll, []string{r.Entry.Key}
		}
		return coverNone, nil
	}
	if users := c.usersOf[dom]; len(users) > 0 {
		return coverSome, users
	}
	return coverNone, nil
}

// credKeyList formats up to three keys (in file order) for a message.
func credKeyList(keys []string) string {
	more := ""
	if len(keys) > 3 {
		more = " and " + strconv.Itoa(len(keys)-3) + " more"
		keys = keys[:3]
	}
	return "`" + strings.Join(keys, "`, `") + "`" + more
}

// credKeyRefList is credKeyList for table entries.
func credKeyRefList(rs []credKey) string {
	keys := make([]string, 0, 3)
	for _, r := range rs[:min(len(rs), 3)] {
		keys = append(keys, r.Entry.Key)
	}
	s := credKeyList(keys)
	if len(rs) > 3 {
		s += " and " + strconv.Itoa(len(rs)-3) + " more"
	}
	return s
}

// credTableNames lists the table files for a message.
func credTableNames(maps []*MapRef) string {
	names := make([]string, len(maps))
	for i, t := range maps {
		names[i] = t.Path
	}
	return strings.Join(names, ", ")
}

// at builds a finding on a route's destination.
func (r credRoute) at() lint.Finding { return r.In.At(r.Start, r.End) }

// describe names the place a destination was written, for messages.
func (r credRoute) describe() string {
	switch r.Via {
	case "relayhost":
		return "relayhost " + r.Raw
	case "transport_maps":
		return "transport_maps nexthop " + r.Raw + " (entry " + r.Key + ")"
	case "sender_dependent_relayhost_maps":
		return "sender_dependent_relayhost_maps destination " + r.Raw + " (sender " + r.Key + ")"
	}
	return r.Via + " nexthop " + r.Raw
}

// credSpan is a byte range in a file, for de-duplicating findings.
type credSpan struct {
	f          *lint.File
	start, end int
}

// credLineEnd returns the offset just past the newline ending the line that
// contains off (or the end of the file).
func credLineEnd(src []byte, off int) int {
	for i := max(off, 0); i < len(src); i++ {
		if src[i] == '\n' {
			return i + 1
		}
	}
	return len(src)
}

// credLineStart returns the offset of the start of the line containing off.
func credLineStart(src []byte, off int) int {
	for i := min(off, len(src)) - 1; i >= 0; i-- {
		if src[i] == '\n' {
			return i + 1
		}
	}
	return 0
}

// credParamEnd returns the offset just past a main.cf parameter's logical
// line (its last continuation line included).
func credParamEnd(f *lint.File, p *pf.Param) int {
	return credLineEnd(f.Src, max(p.ValueEnd.Offset, p.NameEnd.Offset))
}

// credInsertAfter is an edit adding a line after the parameter's logical
// line.
func credInsertAfter(f *lint.File, p *pf.Param, line string) lint.TextEdit {
	end := credParamEnd(f, p)
	nl := "\n"
	if end > 1 && f.Src[end-1] == '\n' && f.Src[end-2] == '\r' {
		nl = "\r\n"
	}
	if end == len(f.Src) && (end == 0 || f.Src[end-1] != '\n') {
		return lint.TextEdit{Start: end, End: end, NewText: nl + line}
	}
	return lint.TextEdit{Start: end, End: end, NewText: line + nl}
}

// credDeleteParam is an edit removing a main.cf parameter's logical line.
func credDeleteParam(f *lint.File, p *pf.Param) lint.TextEdit {
	return lint.TextEdit{Start: credLineStart(f.Src, p.NamePos.Offset), End: credParamEnd(f, p)}
}

// credHasOption reports whether a SASL security option list contains opt.
func credHasOption(list, opt string) bool {
	for _, it := range splitList(list) {
		if strings.EqualFold(it.Text, opt) {
			return true
		}
	}
	return false
}

// credSetValue is an edit giving a main.cf parameter a new (single-line)
// value; an empty value is replaced from the '=' to the end of the line.
func credSetValue(f *lint.File, p *pf.Param, value string) lint.TextEdit {
	if p.ValueEnd.Offset > p.ValuePos.Offset {
		return lint.TextEdit{Start: p.ValuePos.Offset, End: p.ValueEnd.Offset, NewText: value}
	}
	eq := p.NameEnd.Offset
	for eq < len(f.Src) && f.Src[eq] != '=' && f.Src[eq] != '\n' {
		eq++
	}
	if eq >= len(f.Src) || f.Src[eq] != '=' {
		return lint.TextEdit{Start: p.ValuePos.Offset, End: p.ValuePos.Offset, NewText: value}
	}
	end := eq + 1
	for end < len(f.Src) && f.Src[end] != '\n' && f.Src[end] != '\r' {
		end++
	}
	return lint.TextEdit{Start: eq + 1, End: end, NewText: " " + value}
}
