package postfix

import (
	"strconv"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// PF001–PF003: the syntax and shape of each smarthost destination
// (relayhost items, transport and sender-dependent nexthops,
// default_transport/relay_transport nexthops).

var pf001 = &lint.Rule{
	ID: "PF001", MTA: Name, Severity: lint.SeverityWarning,
	Title: "smarthost destination is not bracketed (MX lookup)",
	Check: checkPF001,
}

var pf002 = &lint.Rule{
	ID: "PF002", MTA: Name, Severity: lint.SeverityError,
	Title: "smarthost port is missing or not the submission port",
	Check: checkPF002,
}

var pf003 = &lint.Rule{
	ID: "PF003", MTA: Name, Severity: lint.SeverityError,
	Title: "malformed smarthost destination",
	Check: checkPF003,
}

// routeLinted returns the routes the destination rules look at: those
// whose value no other rule owns, with valid syntax unless withBad, and,
// when --smarthost names a host, only destinations on that host (PF030
// reports the others).
func routeLinted(p *lint.Pass, withBad bool) (*Setup, []routeRoute) {
	s := p.Unit.(*Setup)
	if s.Main == nil {
		return s, nil
	}
	var out []routeRoute
	want := strings.TrimSpace(p.Settings.Smarthost)
	var target routeTarget
	if want != "" {
		target, _ = routeTargetOf(p, routing(s))
	}
	for _, r := range routing(s).Routes {
		if r.Owner != "" || r.In == nil {
			continue
		}
		if r.Problem != "" || routeProblem(s, r.Dest) != "" {
			if withBad {
				out = append(out, r)
			}
			continue
		}
		if withBad {
			continue
		}
		if want != "" && !target.matches(r.Dest) {
			continue
		}
		out = append(out, r)
	}
	return s, out
}

// routeProblem adds the checks ParseDest leaves out: a transport prefix,
// quote characters, host name characters, and service names Postfix
// cannot resolve without /etc/services. It returns "" for a usable
// destination.
func routeProblem(s *Setup, d Dest) string {
	raw := d.Raw
	if strings.ContainsAny(raw, `"'`) {
		return "quote characters are not syntax in Postfix configuration: they become part of the host name"
	}
	if tr, rest, ok := strings.Cut(raw, ":"); ok && !strings.HasPrefix(raw, "[") {
		if _, known := routeCommand(s, tr); (known || tr == "smtp" || tr == "relay") && (strings.HasPrefix(rest, "[") || strings.Contains(rest, ":")) {
			return "transport prefix " + strconv.Quote(tr+":") + ": this setting takes a destination, not transport:nexthop (that form belongs in transport(5) and default_transport)"
		}
	}
	if d.Problem != "" {
		if !strings.HasPrefix(raw, "[") && strings.Count(raw, ":") >= 2 && strings.Trim(strings.ToLower(raw), "0123456789abcdef:.") == "" {
			return "a bare IPv6 address: it must be enclosed in brackets, [ipv6:" + raw + "]"
		}
		return d.Problem
	}
	if !d.IPv6 && !strings.Contains(d.Host, "**") {
		for _, c := range d.Host {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
				return "invalid character " + strconv.QuoteRune(c) + " in host name " + strconv.Quote(d.Host)
			}
		}
	}
	if d.PortNum == 0 && d.Port != "" {
		if near := routeNearService(d.Port); near != "" {
			// [exp] postfix-e2e.sh 3.7.11: [h]:submision → "fatal:
			// unknown service: submision/tcp".
			return "unknown service " + strconv.Quote(d.Port) + " (did you mean " + near + "?)"
		}
	}
	return ""
}

// routeNearService returns the known_tcp_ports name a misspelt service is
// closest to (one edit for short names, two for long ones), or "".
func routeNearService(name string) string {
	name = strings.ToLower(name)
	best, bestD := "", 99
	for _, k := range []string{"submission", "submissions", "smtps", "smtp"} {
		limit := 1
		if len(k) > 5 {
			limit = 2
		}
		if d := routeEditDistance(name, k); d <= limit && d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// routeEditDistance is the optimal-string-alignment distance: insertions,
// deletions, substitutions and transpositions of neighbours cost 1.
func routeEditDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func checkPF001(p *lint.Pass) {
	_, routes := routeLinted(p, false)
	seen := map[routeSpan]bool{}
	for _, r := range routes {
		if r.Bracketed {
			continue
		}
		sp := routeSpan{r.In, r.Start, r.End}
		if seen[sp] {
			continue
		}
		seen[sp] = true
		fd := r.In.At(r.Start, r.End)
		bracketed := "[" + r.Host + "]"
		if r.Port != "" {
			bracketed += ":" + r.Port
		}
		if r.IsIP() {
			fd.Message = routeDescribe(r) + " " + strconv.Quote(r.Raw) + " is an IP address without brackets: Postfix treats it as a domain name and looks up MX records for it (transport(5): \"The [] form is required when you specify an IP address instead of a hostname.\")"
		} else {
			fd.Message = routeDescribe(r) + " " + strconv.Quote(r.Raw) + " is not bracketed, so Postfix looks up MX records for " + r.Host + " and delivers to whatever they name"
		}
		fd.Hint = "write " + bracketed + " (and key smtp_sasl_password_maps and smtp_tls_policy_maps entries by that exact form)"
		if r.Via == "relayhost" {
			fd.Hint = "write relayhost = " + bracketed + " (and key smtp_sasl_password_maps and smtp_tls_policy_maps entries by that exact form)"
		}
		if r.Exact {
			// Not safe: an unbracketed destination matches other
			// smtp_sasl_password_maps keys (the MX host names).
			fd.Fix = &lint.Fix{Description: "disable the MX lookup for " + r.Host, Edits: []lint.TextEdit{
				{Start: r.Start, End: r.Start, NewText: "["},
				{Start: r.Start + len(r.Host), End: r.Start + len(r.Host), NewText: "]"},
			}}
		}
		p.Report(fd)
	}
}

func checkPF002(p *lint.Pass) {
	s, routes := routeLinted(p, false)
	want := p.Settings.Port
	// The expected port: the submission port of the documented setup, or
	// whatever --port / the configuration file says.
	wantName := "the expected port " + strconv.Itoa(want)
	if want == 587 {
		wantName = "the submission port 587"
	}
	seen := map[routeSpan]bool{}
	for _, r := range routes {
		if r.PortNum == want || r.PortNum == 0 {
			continue // PortNum 0: a service name only /etc/services knows
		}
		if r.PortNum == 465 && routeWrapperOff(s, r) {
			continue // PF004 reports 465 without wrapper mode, with this fix
		}
		table := r.Via == "transport_maps" || r.Via == "sender_dependent_default_transport_maps"
		if table && !r.Bracketed && r.Port == "" && strings.TrimSpace(p.Settings.Smarthost) == "" {
			// "user@x smtp:example.org": ordinary routing to a domain's MX
			// hosts, not a smarthost; PF001 reports the MX lookup.
			continue
		}
		sp := routeSpan{r.In, r.Start, r.End}
		if seen[sp] {
			continue
		}
		seen[sp] = true
		fd := r.In.At(r.Start, r.End)
		fixed := r.Raw
		if r.Port == "" {
			fixed += ":" + strconv.Itoa(want)
		} else {
			fixed = r.Raw[:len(r.Raw)-len(r.Port)] + strconv.Itoa(want)
		}
		if r.Port == "" {
			fd.Message = routeDescribe(r) + " " + strconv.Quote(r.Raw) + " has no port, so Postfix connects to port 25 (smtp), the MTA relay port, not " + wantName
			// A transport or sender-dependent transport nexthop is often a
			// deliberate relay on port 25: a warning unless it is the
			// --smarthost host.
			if table && strings.TrimSpace(p.Settings.Smarthost) == "" {
				fd.Severity = lint.SeverityWarning
			}
		} else {
			fd.Severity = lint.SeverityWarning
			fd.Message = routeDescribe(r) + " " + strconv.Quote(r.Raw) + " uses port " + strconv.Itoa(r.PortNum) + ", not " + wantName
			switch r.PortNum {
			case 25:
				fd.Message += ": port 25 is for MTA-to-MTA relay (RFC 6409)"
			case 465:
				fd.Message += ": port 465 is implicit TLS (submissions), which needs smtp_tls_wrappermode = yes"
			}
		}
		fd.Hint = "write " + fixed
		if want != 25 {
			fd.Hint += " (if this relay really listens on port " + strconv.Itoa(r.PortNum) + ", run smarthost-lint with --port " + strconv.Itoa(r.PortNum) + ")"
		}
		if r.Exact && !s.routeSASLKeyed(r) {
			start := r.End - len(r.Port)
			text := strconv.Itoa(want)
			if r.Port == "" {
				start, text = r.End, ":"+strconv.Itoa(want)
			}
			fd.Fix = &lint.Fix{Description: "connect to port " + strconv.Itoa(want), Edits: []lint.TextEdit{{Start: start, End: r.End, NewText: text}}}
		}
		p.Report(fd)
	}
}

// routeSASLKeyed reports whether a credential table has a key spelled like
// the destination, which a rewritten destination would no longer match.
func (s *Setup) routeSASLKeyed(r routeRoute) bool {
	for _, m := range s.Maps {
		if !passwordParams[m.Param] || m.Table == nil {
			continue
		}
		for i := range m.Table.Entries {
			if strings.EqualFold(m.Table.Entries[i].Key, r.Raw) {
				return true
			}
		}
	}
	return false
}

func checkPF003(p *lint.Pass) {
	s, routes := routeLinted(p, true)
	seen := map[routeSpan]bool{}
	for _, r := range routes {
		sp := routeSpan{r.In, r.Start, r.End}
		if seen[sp] {
			continue
		}
		seen[sp] = true
		problem := routeProblem(s, r.Dest)
		fd := r.In.At(r.Start, r.End)
		fd.Message = routeDescribe(r) + " " + strconv.Quote(r.Raw) + " is not a valid SMTP destination: " + problem + "; smtp(8) exits with a fatal error on it and the mail stays queued"
		fd.Hint = "write it as [host]:" + strconv.Itoa(p.Settings.Port) + " (smtp(8) \"SMTP DESTINATION SYNTAX\")"
		if fixed, ok := routeRepair(s, r.Raw, p.Settings.Port); ok {
			fd.Hint = "write " + fixed
			if r.Exact {
				// A service name corrected by edit distance is a guess.
				safe := !strings.HasPrefix(problem, "unknown service")
				fd.Fix = &lint.Fix{Description: "rewrite the destination as " + fixed, Safe: safe, Edits: []lint.TextEdit{{Start: r.Start, End: r.End, NewText: fixed}}}
			}
		} else if fixed != "" {
			fd.Hint = "write " + fixed
		} else if r.Host != "" && r.Bracketed && !strings.ContainsAny(r.Host, `"'#[]`) {
			fd.Hint = "write " + r.Canonical(p.Settings.Port)
		}
		p.Report(fd)
	}
}

// routeRepair rewrites the malformed destinations whose intent is clear:
// smtp:[h]:587 → [h]:587, [h]::587 → [h]:587, [h:587] and [h:587 →
// [h]:587, quote characters dropped. ok is false when the result is only a
// suggestion (a bare IPv6 address: the port is a guess).
func routeRepair(s *Setup, raw string, port int) (fixed string, ok bool) {
	valid := func(c string) bool {
		d := routeParseDest(c)
		return d.Problem == "" && routeProblem(s, d) == "" && (d.Port == "" || d.PortNum != 0)
	}
	if strings.ContainsAny(raw, `"'`) {
		c := strings.NewReplacer(`"`, "", "'", "").Replace(raw)
		if c != "" && valid(c) {
			return c, true
		}
		if c, ok := routeRepair(s, c, port); ok {
			return c, true
		}
		return "", false
	}
	if tr, rest, found := strings.Cut(raw, ":"); found && !strings.HasPrefix(raw, "[") {
		if _, known := routeCommand(s, tr); (known || tr == "smtp" || tr == "relay") && valid(rest) {
			return rest, true
		}
	}
	if !strings.HasPrefix(raw, "[") && strings.Count(raw, ":") >= 2 && strings.Trim(strings.ToLower(raw), "0123456789abcdef:.") == "" {
		return "[ipv6:" + raw + "]:" + strconv.Itoa(port), false
	}
	if d := routeParseDest(raw); d.Problem == "" && d.PortNum == 0 && d.Port != "" {
		if near := routeNearService(d.Port); near != "" {
			return raw[:len(raw)-len(d.Port)] + near, true
		}
	}
	if strings.HasPrefix(raw, "[") {
		if i := strings.Index(raw, "]::"); i > 0 {
			if c := raw[:i+1] + ":" + raw[i+3:]; valid(c) {
				return c, true
			}
		}
		inner := strings.TrimSuffix(raw[1:], "]")
		if !strings.ContainsAny(inner, "[]") && strings.Count(inner, ":") == 1 {
			h, pt, _ := strings.Cut(inner, ":")
			if c := "[" + h + "]:" + pt; valid(c) {
				return c, true
			}
		}
	}
	return "", false
}

// routeWrapperOff reports whether an smtp(8) transport delivering r does
// not use wrapper mode (the PF004 case for port 465).
func routeWrapperOff(s *Setup, r routeRoute) bool {
	for _, svc := range r.Services {
		if routeProto(s, svc) == "smtp" && !s.GetFor(svc, "smtp_tls_wrappermode").Enabled() {
			return true
		}
	}
	return false
}
