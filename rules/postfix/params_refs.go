package postfix

import (
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// undefinedRefRule is PF027: "$name" where nothing defines name. postconf(5):
// "An undefined parameter value is replaced with the empty value"; postconf
// warns "undefined parameter: name" [exp 3.7.11].
var undefinedRefRule = &lint.Rule{
	ID:       "PF027",
	MTA:      Name,
	Severity: lint.SeverityWarning,
	Title:    "reference to an undefined $parameter",
	Check:    checkUndefinedRefs,
}

// criticalParam reports whether a parameter decides where and how mail
// reaches the smarthost (RULES.md PF022).
func criticalParam(name string) bool {
	switch name {
	case "relayhost", "transport_maps", "sender_dependent_relayhost_maps", "default_transport", "relay_transport":
		return true
	}
	return strings.HasPrefix(name, "smtp_sasl_") || strings.HasPrefix(name, "smtp_tls_")
}

// emptyEffect says what an empty value of a smarthost-critical parameter
// does.
func emptyEffect(name string) string {
	switch name {
	case "relayhost":
		return "mail goes straight to the recipients' MX hosts instead of through the smarthost"
	case "smtp_sasl_password_maps":
		return "the SMTP client has no credentials (with smtp_sasl_auth_enable = yes it stops with \"specify a password table\")"
	case "transport_maps", "sender_dependent_relayhost_maps":
		return "its routing entries are not used"
	case "default_transport", "relay_transport":
		return "Postfix has no transport for that mail"
	case "smtp_tls_security_level":
		return "TLS falls back to the default level (none before Postfix 3.11)"
	}
	return "it loses its setting"
}

func checkUndefinedRefs(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main == nil && s.Master == nil {
		return
	}
	n := namesOf(s)
	if s.Main != nil {
		for _, prm := range s.Main.Params() {
			if s.Main.Lookup(prm.Name) != prm {
				continue // an overridden duplicate is never evaluated (PF022)
			}
			paramRefs(prm.Value, func(name string, i, j int, cond bool) {
				if n.defined(name) {
					return
				}
				fd := s.MainFile.At(prm.OffsetOf(i), prm.OffsetOf(j))
				describeUndefined(&fd, name, prm.Name, cond, s.Get(prm.Name).Expanded)
				p.Report(fd)
			})
		}
	}
	if s.Master != nil {
		for _, svc := range s.Master.Services {
			for _, o := range svc.Overrides {
				if svc.Override(o.Name) != o {
					continue
				}
				base := o.ValuePos.Offset
				paramRefs(o.Value, func(name string, i, j int, cond bool) {
					if n.defined(name) {
						return
					}
					fd := s.MasterFile.At(base+i, base+j)
					describeUndefined(&fd, name, o.Name, cond, s.GetFor(svc.Name, o.Name).Expanded)
					p.Report(fd)
				})
			}
		}
	}
}

func describeUndefined(fd *lint.Finding, ref, param string, cond bool, expanded string) {
	if cond {
		fd.Message = "$" + ref + " is never defined, so the condition on it in " + param + " always takes the \"empty\" branch"
	} else {
		fd.Message = "$" + ref + " is not defined anywhere (not in main.cf, not a Postfix parameter): Postfix replaces it with the empty value"
		if criticalParam(param) && strings.TrimSpace(expanded) == "" {
			fd.Message += ", so " + param + " becomes empty and " + emptyEffect(param)
		}
	}
	if sugg := nearestDefined(ref); sugg != "" {
		fd.Hint = "did you mean $" + sugg + "? Otherwise define " + ref + " = ... in main.cf"
	} else {
		fd.Hint = "define " + ref + " = ... in main.cf, or write the value directly"
	}
}

// nearestDefined suggests a built-in parameter for a misspelled $name.
func nearestDefined(name string) string {
	lname := strings.ToLower(name)
	if _, ok := paramDefaults()[lname]; ok && lname != name {
		return lname
	}
	best, bestD := "", 3
	for cand := range paramDefaults() {
		if d := len(cand) - len(lname); d >= bestD || -d >= bestD {
			continue
		}
		if d := editDistance(lname, cand, bestD); d < bestD || (d == bestD && cand < best) {
			best, bestD = cand, d
		}
	}
	if best == "" || bestD > 2 || (bestD == 2 && len(name) < 10) {
		return ""
	}
	return best
}
