package postfix

import (
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// SASL security options (postconf(5)): smtp_sasl_security_options applies
// to sessions without TLS (default "noplaintext, noanonymous");
// smtp_sasl_tls_security_options to TLS sessions (default
// $smtp_sasl_security_options); smtp_sasl_tls_verified_security_options to
// TLS sessions with a verified server certificate (default
// $smtp_sasl_tls_security_options).

// saslServiceTLS summarises the TLS levels of the destinations a SASL
// service reaches.
type saslServiceTLS struct {
	mandatory bool // every destination has mandatory TLS
	unknown   bool // a policy table might change a level
	verified  bool // some destination verifies the certificate
	weak      []string
	level     tlsLevel // of the first weak destination
}

func (m credModel) serviceTLS(service string, rs []credRoute) saslServiceTLS {
	out := saslServiceTLS{mandatory: true}
	add := func(raw string, l tlsLevel) {
		if l.Unknown {
			out.unknown = true
			return
		}
		if l.Level == "verify" || l.Level == "secure" {
			out.verified = true
		}
		if !tlsMandatory(l.Level) {
			if out.mandatory {
				out.level = l
			}
			out.mandatory = false
			if raw != "" {
				out.weak = append(out.weak, raw)
			}
		}
	}
	n := 0
	for _, r := range rs {
		if r.Service != service {
			continue
		}
		n++
		d := r.Dest
		add(r.Raw, m.tlsLevelFor(service, &d))
	}
	if n == 0 {
		add("", m.tlsLevelFor(service, nil))
	}
	return out
}

// saslOptionFix adds an option to a security option list, in main.cf or a
// master.cf -o; nil when the value comes from a $name expansion.
func saslOptionFix(v Value, opt string) *lint.Fix {
	if v.Raw != v.Expanded {
		return nil
	}
	var edit lint.TextEdit
	switch {
	case v.Override != nil:
		start := v.Override.ValuePos.Offset
		if strings.TrimSpace(v.Raw) == "" {
			edit = lint.TextEdit{Start: start, End: start + len(v.Override.Value), NewText: opt}
		} else {
			edit = lint.TextEdit{Start: start + len(v.Override.Value), End: start + len(v.Override.Value), NewText: "," + opt}
		}
	case v.Param != nil:
		if strings.TrimSpace(v.Raw) == "" {
			edit = credSetValue(v.File, v.Param, opt)
		} else {
			edit = lint.TextEdit{Start: v.Param.ValueEnd.Offset, End: v.Param.ValueEnd.Offset, NewText: ", " + opt}
		}
	default:
		return nil
	}
	return &lint.Fix{Description: "add " + opt, Safe: true, Edits: []lint.TextEdit{edit}}
}

func saslOptionsText(v Value) string {
	if strings.TrimSpace(v.Expanded) == "" {
		return v.Name + " is empty"
	}
	if v.Raw != v.Expanded {
		return v.Name + " = " + v.Raw + " (= " + v.Expanded + ")"
	}
	return v.Name + " = " + v.Expanded
}

// pf013 — smtp_sasl_security_options empty or allows anonymous.
var pf013 = &lint.Rule{
	ID: "PF013", MTA: Name, Severity: lint.SeverityWarning,
	Title: "SASL security options allow anonymous authentication",
	Check: checkPF013,
}

func checkPF013(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main == nil {
		return
	}
	m := newCredModel(s)
	rs := m.routes()
	seen := map[credSpan]bool{}
	report := func(v Value, fd lint.Finding) {
		f, start, end := v.Span()
		k := credSpan{f, start, end}
		if seen[k] {
			return
		}
		seen[k] = true
		p.Report(fd)
	}
	for _, svc := range m.saslServices(rs) {
		if saslFilterExcludesAnonymous(s.GetFor(svc, "smtp_sasl_mechanism_filter").Expanded) {
			continue
		}
		tls := m.serviceTLS(svc, rs)
		opts := s.GetFor(svc, "smtp_sasl_security_options")
		tlsOpts := s.GetFor(svc, "smtp_sasl_tls_security_options")
		if !tls.mandatory && !credHasOption(opts.Expanded, "noanonymous") {
			f, start, end := opts.Span()
			fd := f.At(start, end)
			fd.Message = saslOptionsText(opts) + ": without noanonymous the SMTP client may pick an anonymous mechanism, and this applies to every session without TLS"
			if strings.TrimSpace(opts.Expanded) == "" {
				fd.Message = saslOptionsText(opts) + ", which allows anonymous and plaintext mechanisms (PLAIN, LOGIN) on sessions without TLS"
			}
			sev := lint.SeverityError
			if tls.unknown && len(tls.weak) == 0 {
				sev = lint.SeverityWarning
			}
			if len(tls.weak) > 0 {
				fd.Message += "; TLS is not mandatory for " + strings.Join(credUniq(tls.weak), ", ") + " (" + tls.level.describe() + ")"
			} else {
				fd.Message += "; TLS is not mandatory (" + tls.level.describe() + ")"
			}
			fd.Severity = sev
			fd.Hint = "write smtp_sasl_security_options = noanonymous and require TLS with smtp_tls_security_level = encrypt"
			fd.Fix = saslOptionFix(opts, "noanonymous")
			report(opts, fd)
		}
		if credHasOption(tlsOpts.Expanded, "noanonymous") {
			continue
		}
		at := tlsOpts
		if !tlsOpts.Set {
			at = opts // the TLS options inherit $smtp_sasl_security_options
		}
		if !at.Set {
			continue
		}
		f, start, end := at.Span()
		fd := f.At(start, end)
		if at.Name == tlsOpts.Name {
			fd.Message = saslOptionsText(tlsOpts) + ": TLS sessions may use an anonymous SASL mechanism"
			fd.Hint = "write smtp_sasl_tls_security_options = noanonymous"
		} else {
			fd.Message = saslOptionsText(opts) + ", and smtp_sasl_tls_security_options (default $smtp_sasl_security_options) inherits it: TLS sessions may use an anonymous SASL mechanism"
			fd.Hint = "write smtp_sasl_security_options = noanonymous"
		}
		fd.Fix = saslOptionFix(at, "noanonymous")
		report(at, fd)
	}
}

// saslFilterExcludesAnonymous reports whether smtp_sasl_mechanism_filter is
// a plain list of mechanism names without ANONYMOUS: the client then never
// picks an anonymous mechanism, whatever the security options say
// (postconf(5) #smtp_sasl_mechanism_filter). A lookup table (type:name)
// cannot be judged.
func saslFilterExcludesAnonymous(filter string) bool {
	items := splitList(filter)
	if len(items) == 0 {
		return false
	}
	for _, it := range items {
		if strings.Contains(it.Text, ":") || strings.Contains(it.Text, "/") || strings.EqualFold(it.Text, "anonymous") || strings.HasPrefix(it.Text, "!") {
			return false
		}
	}
	return true
}

// saslFilterExcludesPlaintext reports whether smtp_sasl_mechanism_filter
// is a plain list naming neither PLAIN nor LOGIN.
func saslFilterExcludesPlaintext(filter string) bool {
	items := splitList(filter)
	if len(items) == 0 {
		return false
	}
	for _, it := range items {
		if strings.ContainsAny(it.Text, ":/!") || strings.EqualFold(it.Text, "plain") || strings.EqualFold(it.Text, "login") {
			return false
		}
	}
	return true
}

// pf014 — noplaintext in the options that TLS sessions use.
var pf014 = &lint.Rule{
	ID: "PF014", MTA: Name, Severity: lint.SeverityInfo,
	Title: "noplaintext applies to TLS sessions too (PLAIN/LOGIN refused)",
	Check: checkPF014,
}

func checkPF014(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main == nil {
		return
	}
	m := newCredModel(s)
	rs := m.routes()
	seen := map[credSpan]bool{}
	for _, svc := range m.saslServices(rs) {
		if saslFilterExcludesPlaintext(s.GetFor(svc, "smtp_sasl_mechanism_filter").Expanded) {
			continue // PLAIN and LOGIN are filtered out anyway
		}
		tls := m.serviceTLS(svc, rs)
		opts := s.GetFor(svc, "smtp_sasl_security_options")
		tlsOpts := s.GetFor(svc, "smtp_sasl_tls_security_options")
		verOpts := s.GetFor(svc, "smtp_sasl_tls_verified_security_options")
		eff := tlsOpts
		if tls.verified && verOpts.Set {
			eff = verOpts
		}
		if !credHasOption(eff.Expanded, "noplaintext") {
			continue
		}
		// The parameter that introduced noplaintext into the chain.
		var chain string
		var at Value
		switch {
		case eff.Name == verOpts.Name:
			at, chain = verOpts, saslOptionsText(verOpts)
		case tlsOpts.Set:
			at, chain = tlsOpts, saslOptionsText(tlsOpts)
		case opts.Set:
			at, chain = opts, "smtp_sasl_tls_security_options is not set, so it inherits $smtp_sasl_security_options = "+opts.Expanded
		default:
			at = s.GetFor(svc, "smtp_sasl_auth_enable")
			chain = "neither smtp_sasl_security_options nor smtp_sasl_tls_security_options is set, so TLS sessions use the default noplaintext, noanonymous"
		}
		f, start, end := at.Span()
		if seen[credSpan{f, start, end}] {
			continue
		}
		seen[credSpan{f, start, end}] = true
		fd := f.At(start, end)
		fd.Message = chain + ": noplaintext forbids PLAIN and LOGIN even inside TLS; if the smarthost offers only those (the usual case), AUTH fails with \"SASL authentication failure: No worthy mechs found\" (not checkable here: depends on the server's EHLO)"
		fd.Hint = "with mandatory TLS, allow plaintext mechanisms inside TLS only: smtp_sasl_tls_security_options = noanonymous (SASL_README)"
		if !tlsOpts.Set && at.Param != nil && at.File == s.MainFile {
			fd.Fix = &lint.Fix{Description: "allow PLAIN/LOGIN inside TLS", Edits: []lint.TextEdit{credInsertAfter(f, at.Param, "smtp_sasl_tls_security_options = noanonymous")}}
		}
		p.Report(fd)
	}
}
