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
			return "unknown service " + strconv.Quote(d.Port) + " (did you mean " + near + "?): smtp(8) dies with \"fatal: unknown service: " + d.Port + "/tcp\""
		}
	}
	return ""
}

// routeNearService returns the known_tcp_ports name a misspelt service is
// closest to, or "".
func routeNearService(name string) string {
	name = strings.ToLower(name)
	best, bestD := "", 3
	for _, k := range []string{"submission", "submissions", "smtps", "smtp"} {
		if d := routeEditDistance(name, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func routeEditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
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
	wantName := strconv.Itoa(want)
	if want == 587 {
		wantName = "587 (submission)"
	}
	seen := map[routeSpan]bool{}
	for _, r := range routes {
		if r.PortNum == want || r.PortNum == 0 {
			continue // PortNum 0: a service name only /etc/services knows
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
			fd.Message = routeDescribe(r) + " " + strconv.Quote(r.Raw) + " has no port, so Postfix connects to port 25 (smtp), the MTA relay port, not the submission port " + wantName + " of the documented setup"
			// A transport or sender-dependent transport nexthop is often a
			// deliberate relay on port 25: a warning unless it is the
			// --smarthost host.
			if (r.Via == "transport_maps" || r.Via == "sender_dependent_default_transport_maps") && strings.TrimSpace(p.Settings.Smarthost) == "" {
				fd.Severity = lint.SeverityWarning
			}
		} else {
			fd.Severity = lint.SeverityWarning
			fd.Message = routeDescribe(r) + " " + strconv.Quote(r.Raw) + " uses port " + strconv.Itoa(r.PortNum) + ", not the submission port " + wantName
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
		fd.Message = routeDescribe(r) + " " + strconv.Quote(r.Raw) + " is not a valid SMTP destination: " + problem
		fd.Hint = "write [host]:" + strconv.Itoa(p.Settings.Port) + " (smtp(8) \"SMTP DESTINATION SYNTAX\"); smtp(8) exits with a fatal error on this value and the mail stays queued"
		if fixed, ok := routeRepair(s, r.Raw); ok {
			fd.Hint = "write " + fixed
			if r.Exact {
				fd.Fix = &lint.Fix{Description: "rewrite the destination as " + fixed, Safe: true, Edits: []lint.TextEdit{{Start: r.Start, End: r.End, NewText: fixed}}}
			}
		}
		p.Report(fd)
	}
}

// routeRepair rewrites the malformed destinations whose intent is clear:
// smtp:[h]:587 → [h]:587, [h]::587 → [h]:587, [h:587] → [h]:587.
func routeRepair(s *Setup, raw string) (string, bool) {
	if tr, rest, ok := strings.Cut(raw, ":"); ok && !strings.HasPrefix(raw, "[") {
		if _, known := routeCommand(s, tr); known || tr == "smtp" || tr == "relay" {
			if d := routeParseDest(rest); d.Problem == "" && routeProblem(s, d) == "" {
				return rest, true
			}
		}
	}
	if strings.HasPrefix(raw, "[") {
		if i := strings.Index(raw, "]::"); i > 0 {
			fixed := raw[:i+1] + ":" + raw[i+3:]
			if d := routeParseDest(fixed); d.Problem == "" {
				return fixed, true
			}
		}
		if strings.HasSuffix(raw, "]") && strings.Count(raw, ":") == 1 && strings.Count(raw, "[") == 1 && strings.Count(raw, "]") == 1 {
			h, port, _ := strings.Cut(raw[1:len(raw)-1], ":")
			fixed := "[" + h + "]:" + port
			if d := routeParseDest(fixed); d.Problem == "" && d.PortNum != 0 {
				return fixed, true
			}
		}
	}
	return "", false
}
