package postfix

import (
	"strings"
	"sync"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// invalidBoolRule is PF024. get_mail_conf_bool() accepts only "yes" and
// "no" (strcasecmp) and otherwise calls msg_fatal("bad boolean
// configuration: %s = %s") [src global/mail_conf_bool.c]: the daemon that
// reads the parameter dies, although postconf prints the value without
// complaint [exp].
var invalidBoolRule = &lint.Rule{
	ID:       "PF024",
	MTA:      Name,
	Severity: lint.SeverityError,
	Title:    "boolean parameter with a value other than yes or no",
	Check:    checkBooleans,
}

// boolParams are the boolean parameters: those whose `postconf -d`
// default is yes or no, or a compatibility-level expression choosing
// between {yes} and {no} (append_dot_mydomain, smtputf8_enable, ...).
// smtpd_forbid_bare_newline defaults to no but also takes normalize and
// reject (postconf(5) of 3.7.11, the SMTP smuggling backport).
var boolParams = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for name, def := range paramDefaults() {
		if name == "smtpd_forbid_bare_newline" {
			continue
		}
		if def == "yes" || def == "no" || strings.Contains(def, "{yes}") || strings.Contains(def, "{no}") {
			m[name] = true
		}
	}
	return m
})

// boolSynonyms are values people write for yes and no; the fix for them
// is unambiguous.
var boolSynonyms = map[string]string{
	"true": "yes", "on": "yes", "1": "yes", "y": "yes", "enable": "yes", "enabled": "yes",
	"false": "no", "off": "no", "0": "no", "n": "no", "disable": "no", "disabled": "no",
}

func checkBooleans(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main != nil {
		for _, prm := range s.Main.Params() {
			if !boolParams()[prm.Name] || s.Main.Lookup(prm.Name) != prm {
				continue
			}
			v := s.Get(prm.Name)
			if _, ok := Bool(v.Expanded); ok {
				continue
			}
			_, start, end := v.Span()
			reportBool(p, s.MainFile, prm.Name, prm.Value, v.Expanded, start, end, "")
		}
	}
	if s.Master != nil {
		for _, svc := range s.Master.Services {
			for _, o := range svc.Overrides {
				if !boolParams()[o.Name] || svc.Override(o.Name) != o {
					continue
				}
				v := s.GetFor(svc.Name, o.Name)
				if _, ok := Bool(v.Expanded); ok {
					continue
				}
				_, start, end := v.Span()
				reportBool(p, s.MasterFile, o.Name, o.Value, v.Expanded, start, end, svc.Name)
			}
		}
	}
}

func reportBool(p *lint.Pass, f *lint.File, name, raw, expanded string, start, end int, service string) {
	if start == end {
		// Empty value: point at the name (Value.Span does for main.cf).
		start = max(0, start-1)
	}
	fd := f.At(start, end)
	daemon := "the Postfix daemon that reads it stops"
	if service != "" {
		daemon = "the " + service + " service stops"
	}
	shown := strings.TrimSpace(expanded)
	switch {
	case shown == "":
		fd.Message = name + " is a boolean but its value is empty: " + daemon + " with \"fatal: bad boolean configuration: " + name + " = \""
	case raw != expanded:
		fd.Message = name + " is a boolean but " + raw + " expands to " + quoteName(shown) + ": " + daemon + " with \"fatal: bad boolean configuration\" (only yes and no are accepted)"
	default:
		fd.Message = name + " is a boolean but its value is " + quoteName(shown) + ": " + daemon + " with \"fatal: bad boolean configuration: " + name + " = " + shown + "\" (only yes and no are accepted)"
	}
	want, ok := boolSynonyms[strings.ToLower(shown)]
	if ok && raw == expanded && strings.TrimSpace(raw) == shown {
		fd.Hint = "write " + name + " = " + want
		if string(f.Src[start:end]) == shown {
			fd.Fix = &lint.Fix{Description: "write " + want, Safe: true, Edits: []lint.TextEdit{{Start: start, End: end, NewText: want}}}
		}
	} else {
		fd.Hint = "write " + name + " = yes or " + name + " = no"
	}
	p.Report(fd)
}
