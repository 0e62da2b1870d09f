package postfix

import (
	"strconv"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	pf "github.com/smarthost-lint/smarthost-lint/parsers/postfix"
)

// tlsSource says which setting decided the TLS security level.
type tlsSource int

const (
	tlsFromDefault tlsSource = iota // nothing set: the version/compatibility default
	tlsFromLevel                    // smtp_tls_security_level (main.cf or master.cf -o)
	tlsFromLegacy                   // smtp_enforce_tls / smtp_use_tls
	tlsFromPolicy                   // an smtp_tls_policy_maps entry for the destination
)

// tlsInputs are the settings that decide the TLS level of one delivery,
// already resolved for the service (-o over main.cf) and $name-expanded.
type tlsInputs struct {
	Level           string // smtp_tls_security_level
	UseTLS          string // smtp_use_tls
	EnforceTLS      string // smtp_enforce_tls
	EnforcePeername string // smtp_tls_enforce_peername ("" = default yes)
	Compat          string // compatibility_level
	// Policy is the value of the smtp_tls_policy_maps entry keyed by the
	// destination; PolicyFound tells an empty table result from none.
	Policy      string
	PolicyFound bool
}

// effectiveTLSLevel computes the level smtp(8) uses, in the order of
// smtp_tls_policy.c: a policy-table entry for the nexthop overrides the
// global level; the global level is smtp_tls_security_level when non-empty,
// else the obsolete switches (smtp_enforce_tls → verify, or encrypt with
// smtp_tls_enforce_peername = no; smtp_use_tls → may), else none. [src
// global_tls_level()] Postfix ≥ 3.11 defaults the level to may when
// compatibility_level ≥ 3.11 (postconf.proto, RELEASE_NOTES-3.11).
// [exp] postconf 3.7.11 accepts compatibility_level = 3.11 silently and
// keeps the default empty: the rule trusts the level as a statement of the
// installed version.
func effectiveTLSLevel(in tlsInputs) (string, tlsSource) {
	if in.PolicyFound {
		lvl, _, _ := strings.Cut(strings.TrimSpace(in.Policy), " ")
		return strings.ToLower(strings.TrimSpace(lvl)), tlsFromPolicy
	}
	if lvl := strings.ToLower(strings.TrimSpace(in.Level)); lvl != "" {
		return lvl, tlsFromLevel
	}
	if on, _ := Bool(in.EnforceTLS); on {
		if peer, ok := Bool(in.EnforcePeername); ok && !peer {
			return "encrypt", tlsFromLegacy
		}
		return "verify", tlsFromLegacy
	}
	if on, _ := Bool(in.UseTLS); on {
		return "may", tlsFromLegacy
	}
	if compatAtLeast(in.Compat, 3, 11) {
		return "may", tlsFromDefault
	}
	return "none", tlsFromDefault
}

// compatAtLeast compares a compatibility_level ("3.6", "2", "3.11.1")
// numerically with major.minor.
func compatAtLeast(level string, major, minor int) bool {
	parts := strings.Split(strings.TrimSpace(level), ".")
	ma, err := strconv.Atoi(parts[0])
	if err != nil {
		return false
	}
	mi := 0
	if len(parts) > 1 {
		if mi, err = strconv.Atoi(parts[1]); err != nil {
			return false
		}
	}
	return ma > major || ma == major && mi >= minor
}

// tlsValidLevel tells the levels Postfix accepts; anything else is fatal
// ("invalid TLS security level") and not judged by PF015.
func tlsValidLevel(level string) bool {
	switch level {
	case "none", "may", "encrypt", "dane", "dane-only", "fingerprint", "verify", "secure":
		return true
	}
	return false
}

// tlsMandatory reports whether the level never lets a session continue in
// clear (postconf(5) #smtp_tls_security_level).
func tlsMandatory(level string) bool {
	switch level {
	case "encrypt", "dane-only", "fingerprint", "verify", "secure":
		return true
	}
	return false
}

// tlsLevel is the effective level for one destination and where it was
// decided.
type tlsLevel struct {
	Level  string
	Source tlsSource
	// Value is the parameter that decided (tlsFromLevel, tlsFromLegacy).
	Value Value
	// Policy is the table entry that decided (tlsFromPolicy).
	Policy credKey
	// Unknown is set when a policy table that cannot be read statically
	// (regexp, ldap, a source that was not read, the legacy
	// smtp_tls_per_site) might hold an entry for the destination.
	Unknown bool
}

// tlsLevelFor gathers the inputs of effectiveTLSLevel for the service and
// destination (nil: direct delivery, no policy lookup) and evaluates it.
// [exp] postfix-e2e.sh 3.7.11, fake smarthost without STARTTLS: a master.cf
// "-o smtp_tls_security_level=encrypt" on the smtp service defers the mail
// although main.cf says may; a policy entry "[smtp.example.com]:587
// encrypt" for relayhost [smtp.example.com]:587 defers it too, while the
// key "[smtp.example.com]" (no port) is not used and the mail goes out in
// clear.
func (m credModel) tlsLevelFor(service string, d *Dest) tlsLevel {
	get := func(name string) Value { return m.get(service, name) }
	level, legacyUse, legacyEnforce := get("smtp_tls_security_level"), get("smtp_use_tls"), get("smtp_enforce_tls")
	in := tlsInputs{
		Level:      level.Expanded,
		UseTLS:     legacyUse.Expanded,
		EnforceTLS: legacyEnforce.Expanded,
		Compat:     get("compatibility_level").Expanded,
	}
	if p := get("smtp_tls_enforce_peername"); p.Set {
		in.EnforcePeername = p.Expanded
	}
	var out tlsLevel
	if d == nil && len(m.mapsOf(service, "smtp_tls_policy_maps")) > 0 {
		out.Unknown = true // some destinations may have a policy entry
	}
	if d != nil {
		maps := m.mapsOf(service, "smtp_tls_policy_maps")
		if len(maps) == 0 && strings.TrimSpace(get("smtp_tls_per_site").Expanded) != "" {
			out.Unknown = true
		}
		for _, t := range maps {
			if t.Table == nil || !credFixedTypes[t.Type] {
				out.Unknown = true
				break
			}
			if e := tlsPolicyEntry(t, *d); e != nil {
				in.Policy, in.PolicyFound = e.Value, true
				out.Policy = credKey{t, e}
				out.Unknown = false
				break
			}
		}
	}
	out.Level, out.Source = effectiveTLSLevel(in)
	switch out.Source {
	case tlsFromLevel, tlsFromDefault:
		out.Value = level
	case tlsFromLegacy:
		out.Value = legacyUse
		if on, _ := Bool(legacyEnforce.Expanded); on {
			out.Value = legacyEnforce
		}
	}
	if out.Source == tlsFromPolicy {
		out.Unknown = false
	}
	if !tlsValidLevel(out.Level) {
		out.Unknown = true
	}
	return out
}

// tlsPolicyEntry finds the policy entry smtp(8) uses for the destination:
// the nexthop exactly as written (postconf(5) #smtp_tls_policy_maps: "This
// includes any enclosing square brackets and any non-default destination
// server port suffix"), then, for a bare domain, its parent domains as
// ".domain" keys.
func tlsPolicyEntry(t *MapRef, d Dest) *pf.TableEntry {
	if e := t.Table.Lookup(d.Raw); e != nil {
		return e
	}
	if d.Bracketed || d.Port != "" {
		return nil
	}
	h := d.Host
	for i := strings.IndexByte(h, '.'); i >= 0; {
		if e := t.Table.Lookup(h[i:]); e != nil {
			return e
		}
		j := strings.IndexByte(h[i+1:], '.')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return nil
}

// describe says where the level came from, for messages.
func (l tlsLevel) describe() string {
	switch l.Source {
	case tlsFromPolicy:
		return "the smtp_tls_policy_maps entry `" + l.Policy.Entry.Key + "` says " + l.Level
	case tlsFromLevel:
		if l.Value.Override != nil {
			return "master.cf sets -o smtp_tls_security_level=" + l.Value.Raw + " for service " + l.Value.Service
		}
		return "smtp_tls_security_level = " + l.Level
	case tlsFromLegacy:
		return l.Value.Name + " = " + l.Value.Raw + " gives level " + l.Level
	}
	state := "is not set"
	if l.Value.Set {
		state = "is empty"
	}
	if l.Level == "may" {
		return "smtp_tls_security_level " + state + ", which means may at compatibility_level 3.11 and later"
	}
	return "smtp_tls_security_level " + state + ", which means none before Postfix 3.11"
}

// tlsLevelWhy explains the weakness of a non-mandatory level.
func tlsLevelWhy(level string) string {
	switch level {
	case "may":
		return "may uses TLS only when the server offers STARTTLS and retries in clear when the handshake fails"
	case "dane":
		return "dane is mandatory only when the smarthost publishes DNSSEC-signed TLSA records; otherwise it is may"
	}
	return "none never uses STARTTLS"
}

// pf015 — SMTP AUTH without mandatory TLS.
var pf015 = &lint.Rule{
	ID: "PF015", MTA: Name, Severity: lint.SeverityError,
	Title: "SMTP AUTH (or the smarthost) without mandatory TLS",
	Check: checkPF015,
}

func checkPF015(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main == nil {
		return
	}
	m := newCredModel(s)
	type group struct {
		fd    lint.Finding
		dests []string
		sev   lint.Severity
		auth  bool
		level tlsLevel
		fix   *lint.Fix
		order int
	}
	groups := map[credSpan]*group{}
	var order []credSpan
	for _, r := range m.routes() {
		if on := m.get(r.Service, "smtp_tls_wrappermode"); on.Enabled() {
			continue // implicit TLS: PF004/PF005 judge the level
		}
		auth := m.saslEnabled(r.Service) && m.mayAuthenticate(r)
		if !auth && !m.smarthostLike(r, p.Settings) {
			continue
		}
		d := r.Dest
		lvl := m.tlsLevelFor(r.Service, &d)
		if lvl.Unknown || tlsMandatory(lvl.Level) {
			continue
		}
		sev := lint.SeverityError
		switch {
		case !auth && lvl.Level == "dane":
			continue
		case !auth, lvl.Level == "dane":
			sev = lint.SeverityWarning
		}
		var at credSpan
		var fix *lint.Fix
		switch lvl.Source {
		case tlsFromPolicy:
			e := lvl.Policy.Entry
			at = credSpan{lvl.Policy.Map.Source, e.KeyOffset, e.ValueEnd}
		case tlsFromLevel, tlsFromLegacy:
			f, start, end := lvl.Value.Span()
			at = credSpan{f, start, end}
			if lvl.Source == tlsFromLevel && lvl.Value.Param != nil && lvl.Value.Raw == lvl.Value.Expanded {
				fix = &lint.Fix{Description: "require TLS for every SMTP delivery", Edits: []lint.TextEdit{credSetValue(f, lvl.Value.Param, "encrypt")}}
			}
		default:
			if lv := m.get(r.Service, "smtp_tls_security_level"); lv.Set {
				// Written but empty: the place to fix.
				f, start, end := lv.Span()
				at = credSpan{f, start, end}
				if lv.Param != nil {
					fix = &lint.Fix{Description: "require TLS for every SMTP delivery", Edits: []lint.TextEdit{credSetValue(f, lv.Param, "encrypt")}}
				}
				break
			}
			v := m.get(r.Service, "smtp_sasl_auth_enable")
			if !auth || !v.Set {
				at = credSpan{r.In, r.Start, r.End}
				break
			}
			f, start, end := v.Span()
			at = credSpan{f, start, end}
			if v.Param != nil {
				fix = &lint.Fix{Description: "require TLS for every SMTP delivery", Edits: []lint.TextEdit{credInsertAfter(f, v.Param, "smtp_tls_security_level = encrypt")}}
			}
		}
		g := groups[at]
		if g == nil {
			g = &group{fd: at.f.At(at.start, at.end), sev: sev, auth: auth, level: lvl, fix: fix}
			groups[at] = g
			order = append(order, at)
		}
		if sev > g.sev {
			g.sev = sev
		}
		g.auth = g.auth || auth
		g.dests = append(g.dests, r.Raw)
	}
	for _, at := range order {
		g := groups[at]
		fd := g.fd
		fd.Severity = g.sev
		what := "mail to the smarthost " + strings.Join(credUniq(g.dests), ", ")
		if g.auth {
			what = "SMTP AUTH to " + strings.Join(credUniq(g.dests), ", ")
		}
		fd.Message = what + " is not protected by mandatory TLS: " + g.level.describe() + " (" + tlsLevelWhy(g.level.Level) + ")"
		if g.auth {
			fd.Message += ", so the password can be sent in clear"
		} else {
			fd.Message += ", so the mail crosses the network in clear"
		}
		hint := "set smtp_tls_security_level = encrypt"
		if len(g.dests) == 1 {
			hint += ", or require it for this destination only with the smtp_tls_policy_maps entry `" + g.dests[0] + " encrypt`"
		}
		if g.level.Source == tlsFromPolicy {
			hint = "change the policy entry to `" + g.level.Policy.Entry.Key + " encrypt` (or verify/secure with a CA file)"
		}
		fd.Hint = hint
		fd.Fix = g.fix
		p.Report(fd)
	}
}

// smarthostLike tells a relay destination the IP-authorised smarthost
// setup expects to be encrypted: relayhost, the submission port, or the
// host named by --smarthost. Plain transport nexthops to internal relays are
// left alone.
func (m credModel) smarthostLike(r credRoute, st lint.Settings) bool {
	if r.Via == "relayhost" || r.Via == "sender_dependent_relayhost_maps" || r.PortNum == 587 {
		return true
	}
	return st.Smarthost != "" && strings.EqualFold(r.Host, st.Smarthost)
}

// mayAuthenticate reports whether some credentials can be found for the
// destination (or the tables cannot be judged): only then does SMTP AUTH
// happen there.
func (m credModel) mayAuthenticate(r credRoute) bool {
	c := m.credentials(r.Service)
	if !c.Known {
		return true
	}
	if _, ok := c.matchServer(r.Dest); ok {
		return true
	}
	if !r.Bracketed && len(c.Hosts) > 0 {
		return true // the MX host name may match
	}
	return m.senderAuth(r.Service) && len(c.Sender) > 0
}

func credUniq(xs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// pf016 — obsolete TLS switches.
var pf016 = &lint.Rule{
	ID: "PF016", MTA: Name, Severity: lint.SeverityWarning,
	Title: "obsolete smtp_use_tls / smtp_enforce_tls / smtp_tls_enforce_peername",
	Check: checkPF016,
}

var tlsLegacyParams = []string{"smtp_use_tls", "smtp_enforce_tls", "smtp_tls_enforce_peername"}

func checkPF016(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main == nil {
		return
	}
	// A master.cf that sets any of these per service makes main.cf edits
	// change more than they seem to: no fixes then.
	masterTouches := false
	if s.Master != nil {
		for _, svc := range s.Master.Services {
			for _, o := range svc.Overrides {
				if o.Name == "smtp_tls_security_level" || o.Name == "smtp_use_tls" || o.Name == "smtp_enforce_tls" || o.Name == "smtp_tls_enforce_peername" {
					masterTouches = true
				}
			}
		}
	}
	level := s.Get("smtp_tls_security_level")
	setCount := 0
	for _, name := range tlsLegacyParams {
		if s.Get(name).Set {
			setCount++
		}
	}
	for _, name := range tlsLegacyParams {
		v := s.Get(name)
		if !v.Set {
			continue
		}
		f, start, end := v.Span()
		fd := f.At(start, end)
		if lvl := strings.TrimSpace(level.Expanded); lvl != "" {
			fd.Message = name + " is obsolete and has no effect: smtp_tls_security_level = " + lvl + " overrides it"
			if conflict := tlsLegacyConflict(name, v.Expanded, lvl); conflict != "" {
				fd.Message += "; the two disagree (" + conflict + ")"
			}
			fd.Hint = "delete the " + name + " line; smtp_tls_security_level alone decides"
			if !masterTouches && v.Param != nil {
				fd.Fix = &lint.Fix{Description: "delete obsolete " + name, Safe: true, Edits: []lint.TextEdit{credDeleteParam(f, v.Param)}}
			}
			p.Report(fd)
			continue
		}
		in := tlsInputs{UseTLS: s.Get("smtp_use_tls").Expanded, EnforceTLS: s.Get("smtp_enforce_tls").Expanded}
		if pn := s.Get("smtp_tls_enforce_peername"); pn.Set {
			in.EnforcePeername = pn.Expanded
		}
		eq, _ := effectiveTLSLevel(in)
		fd.Message = name + " is obsolete since Postfix 2.3 (Postfix 3.9 and later warn that support will be removed); the settings mean smtp_tls_security_level = " + eq
		fd.Hint = "replace the obsolete switches with smtp_tls_security_level = " + eq
		if !masterTouches && v.Param != nil && setCount == 1 && v.Raw == v.Expanded {
			_, ok := Bool(v.Expanded)
			if ok {
				edit := lint.TextEdit{Start: credLineStart(f.Src, v.Param.NamePos.Offset), End: credParamEnd(f, v.Param)}
				if name == "smtp_tls_enforce_peername" {
					fd.Fix = &lint.Fix{Description: "delete " + name + " (it has no effect without smtp_enforce_tls = yes)", Safe: true, Edits: []lint.TextEdit{edit}}
				} else {
					nl := "\n"
					if edit.End >= 2 && f.Src[edit.End-1] == '\n' && f.Src[edit.End-2] == '\r' {
						nl = "\r\n"
					} else if edit.End == len(f.Src) && (len(f.Src) == 0 || f.Src[len(f.Src)-1] != '\n') {
						nl = ""
					}
					edit.NewText = "smtp_tls_security_level = " + eq + nl
					fd.Fix = &lint.Fix{Description: "replace " + name + " with smtp_tls_security_level", Safe: true, Edits: []lint.TextEdit{edit}}
				}
			}
		}
		p.Report(fd)
	}
	// master.cf -o uses of the switches.
	if s.Master == nil {
		return
	}
	for _, svc := range s.Master.Services {
		for _, o := range svc.Overrides {
			if o.Name != "smtp_use_tls" && o.Name != "smtp_enforce_tls" && o.Name != "smtp_tls_enforce_peername" {
				continue
			}
			start := o.ValuePos.Offset
			fd := s.MasterFile.At(o.NamePos.Offset, start+len(o.Value))
			lvl := strings.TrimSpace(s.GetFor(svc.Name, "smtp_tls_security_level").Expanded)
			if lvl != "" {
				fd.Message = "-o " + o.Name + " on service " + svc.Name + " is obsolete and has no effect: smtp_tls_security_level = " + lvl + " overrides it"
			} else {
				fd.Message = "-o " + o.Name + " on service " + svc.Name + " is obsolete since Postfix 2.3"
			}
			fd.Hint = "use -o smtp_tls_security_level=... instead"
			p.Report(fd)
		}
	}
}

// tlsLegacyConflict describes a contradiction between an obsolete switch
// and the level that overrides it, or "".
func tlsLegacyConflict(name, value, level string) string {
	on, ok := Bool(value)
	if !ok {
		return ""
	}
	switch name {
	case "smtp_use_tls":
		if on && level == "none" {
			return "smtp_use_tls = yes asks for TLS, the level disables it"
		}
	case "smtp_enforce_tls":
		if on && !tlsMandatory(level) {
			return "smtp_enforce_tls = yes asks for mandatory TLS, the level " + level + " does not require it"
		}
		if !on && tlsMandatory(level) {
			return "smtp_enforce_tls = no, but the level " + level + " makes TLS mandatory"
		}
	}
	return ""
}
