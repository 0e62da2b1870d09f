package exim

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// checkHostPorts is EX009: in a host list "either the colon that
// specifies a port must be doubled, or the list separator must be
// changed" (spec ch. 20.5). [exp Exim 4.96 -bt] `smtp.x:587` is two
// hosts, smtp.x on the transport's port and "587" (resolved as 0.0.2.75);
// `h::submission`, `h::`, `h::587x` leave a colon in the host name and
// the lookup fails; unquoted `a::587 : b::587` makes ": b::587" an
// unknown routing option; `"<; a:587 ; b"` is split at route_list's own
// ';' first.
func checkHostPorts(p *lint.Pass) {
	s := setupOf(p)
	if s == nil {
		return
	}
	for _, r := range s.Routers {
		if r.Type != "manualroute" {
			continue
		}
		opt := r.RouteList
		rules := r.Rules
		if opt == nil && r.RouteData != nil && r.RouteData.HasValue && !isExpanded(r.RouteData.Value.S) {
			opt = r.RouteData
			for _, rt := range s.Routes {
				if rt.Router == r && rt.Rule != nil {
					rules = append(rules, rt.Rule)
				}
			}
		}
		if opt == nil || isExpanded(opt.Value.S) {
			continue
		}
		for _, rule := range rules {
			s.checkRuleHosts(p, opt, rule)
		}
	}
	for _, t := range s.Transports {
		if t.Hosts == nil || isExpanded(t.Hosts.Value.S) {
			continue
		}
		hl, _ := ex.ParseHostList(t.Hosts.Value.S)
		s.checkHostItems(p, t.Hosts, hl, func(i int) int { return i })
	}
}

func (s *Setup) checkRuleHosts(p *lint.Pass, opt *ex.Option, rule *RouteRule) {
	if rule.Unclosed {
		if fd, _, ok := s.At(opt.Value, rule.HostStart, rule.HostEnd); ok {
			fd.Message = "the host list's opening quote is not closed within this rule: route_list is split at ';' before quotes are read, so a ';' inside the quoted host list cuts the rule"
			fd.Hint = `double the semicolons ("<;; a.x:587 ;; b.x") or use another separator ("<+ a.x:587 + b.x")`
			p.Report(fd)
		}
		return
	}
	if strings.HasPrefix(rule.HostText, "<;") && !strings.HasPrefix(rule.HostText, "<;;") {
		if fd, _, ok := s.At(opt.Value, rule.HostStart, rule.HostEnd); ok {
			fd.Message = fmt.Sprintf("host list %q uses ';' as separator inside route_list, whose rules are separated by ';' first: the rule is cut there", rule.HostText)
			fd.Hint = `double the semicolons ("<;; a.x:587 ;; b.x") or use another separator ("<+ a.x:587 + b.x")`
			p.Report(fd)
		}
		return
	}
	if len(rule.Options) > 0 && strings.HasPrefix(rule.Options[0], ":") {
		last := len(rule.Options) - 1
		end := rule.OptionStart[last] + len(rule.Options[last])
		if fd, f, ok := s.At(opt.Value, rule.HostStart, end); ok {
			fd.Message = fmt.Sprintf("host list with spaces around ':' must be quoted in route_list: Exim takes %q as the host list and %q as an unknown routing option or transport name", rule.HostText, strings.Join(rule.Options, " "))
			words := append([]string{rule.HostText}, rule.Options...)
			quoted := `"` + strings.Join(words, " ") + `"`
			fd.Hint = "quote the host list: " + quoted
			path, lo, hi := opt.Value.Span(rule.HostStart, end)
			if s.byPath[path] == f && !rule.Quoted && hi-lo == end-rule.HostStart && string(f.Src[lo:hi]) == opt.Value.S[rule.HostStart:end] && allListWords(rule.Options) {
				fd.Fix = &lint.Fix{Description: "quote the host list", Safe: true,
					Edits: []lint.TextEdit{{Start: lo, End: lo, NewText: `"`}, {Start: hi, End: hi, NewText: `"`}}}
			}
			p.Report(fd)
		}
		return
	}
	if rule.Hosts != nil {
		s.checkHostItems(p, opt, rule.Hosts, rule.HostOffset)
	}
}

// allListWords reports whether the words after an unquoted host list are
// all more list (":" items and hosts), not routing options.
func allListWords(ws []string) bool {
	for _, w := range ws {
		if routeOptionWords[w] {
			return false
		}
	}
	return true
}

// checkHostItems checks the items of a host list written in opt; off maps
// offsets of the list string to offsets of the option value.
func (s *Setup) checkHostItems(p *lint.Pass, opt *ex.Option, hl *ex.HostList, off func(int) int) {
	if hl == nil {
		return
	}
	for i, h := range hl.Hosts {
		switch {
		case h.Digits && i > 0 && !hl.Hosts[i-1].Digits && hl.List.Sep == ':':
			prev := hl.Hosts[i-1]
			a, b := off(prev.Item.End), off(h.Item.End)
			fd, f, ok := s.At(opt.Value, a, b)
			if !ok {
				continue
			}
			hostport := prev.Item.Value + ":" + h.Item.Value
			fd.Message = fmt.Sprintf("%q is two hosts for Exim: %q on the transport's port and a host %q (which resolves to a numeric address); a port needs two colons", hostport, prev.Item.Value, h.Item.Value)
			fd.Hint = fmt.Sprintf("write %s::%s", prev.Item.Value, h.Item.Value)
			sep := opt.Value.S[a:off(h.Item.Start)]
			path, lo, hi := opt.Value.Span(a, off(h.Item.Start))
			if sep == ":" && s.byPath[path] == f && hi-lo == 1 && f.Src[lo] == ':' {
				fd.Fix = &lint.Fix{Description: fmt.Sprintf("use %s::%s", prev.Item.Value, h.Item.Value), Safe: true,
					Edits: []lint.TextEdit{{Start: lo, End: hi, NewText: "::"}}}
			}
			p.Report(fd)
		case h.Colon && !isIPv6(h.Host) && !isExpanded(h.Item.Value):
			fd, _, ok := s.At(opt.Value, off(h.Item.Start), off(h.Item.End))
			if !ok {
				continue
			}
			name, port, _ := strings.Cut(h.Host, ":")
			switch {
			case port != "" && !allDigitsStr(port) && !strings.Contains(port, ":"):
				fd.Message = fmt.Sprintf("port %q in %q is not a number: Exim reads the host name %q and the lookup fails (ports in host lists must be numeric)", port, h.Item.Value, h.Host)
				fd.Hint = fmt.Sprintf("write %s::%d", name, servicePorts[port])
				if servicePorts[port] == 0 {
					fd.Hint = fmt.Sprintf("write %s::<port number>", name)
				}
			default:
				fd.Message = fmt.Sprintf("%q is not host::port: Exim reads the host name %q and the lookup fails", h.Item.Value, h.Host)
				fd.Hint = "write host::587 (one host name, two colons, a number)"
			}
			p.Report(fd)
		}
	}
}

func isIPv6(h string) bool {
	a, err := netip.ParseAddr(h)
	return err == nil && a.Is6()
}

func allDigitsStr(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
