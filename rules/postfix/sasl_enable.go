package postfix

import (
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// saslContexts are the places SMTP client SASL settings are decided: main.cf
// (service "") and every master.cf smtp(8) service that overrides one of
// params with -o. main.cf counts only while some SMTP client service uses
// it unchanged (or there is no master.cf to tell).
func (m credModel) saslContexts(params ...string) []string {
	var out []string
	mainUsed := m.s.Master == nil
	if m.s.Master != nil {
		smtpServices := 0
		for _, svc := range m.s.Master.Services {
			if svc.Type != "unix" || !m.smtpClient(svc.Name) {
				continue
			}
			smtpServices++
			overrides := false
			for _, o := range svc.Overrides {
				for _, p := range params {
					if o.Name == p {
						overrides = true
					}
				}
			}
			if overrides {
				out = append(out, svc.Name)
			} else {
				mainUsed = true
			}
		}
		if smtpServices == 0 {
			mainUsed = true
		}
	}
	if mainUsed {
		out = append([]string{""}, out...)
	}
	return out
}

// enabledByOverride reports whether some smtp(8) service turns SASL on with
// -o while taking its password maps from main.cf.
func (m credModel) enabledByOverride() bool {
	if m.s.Master == nil {
		return false
	}
	for _, svc := range m.s.Master.Services {
		if !m.smtpClient(svc.Name) {
			continue
		}
		v := m.s.GetFor(svc.Name, "smtp_sasl_auth_enable")
		if v.Override != nil && v.Enabled() && m.s.GetFor(svc.Name, "smtp_sasl_password_maps").Override == nil {
			return true
		}
	}
	return false
}

// pf006 — SASL enabled but no password map.
var pf006 = &lint.Rule{
	ID: "PF006", MTA: Name, Severity: lint.SeverityError,
	Title: "smtp_sasl_auth_enable = yes without smtp_sasl_password_maps",
	Check: checkPF006,
}

func checkPF006(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main == nil {
		return
	}
	m := newCredModel(s)
	seen := map[credSpan]bool{}
	for _, svc := range m.saslContexts("smtp_sasl_auth_enable", "smtp_sasl_password_maps") {
		enable := s.GetFor(svc, "smtp_sasl_auth_enable")
		maps := s.GetFor(svc, "smtp_sasl_password_maps")
		if !enable.Enabled() || strings.TrimSpace(maps.Expanded) != "" {
			continue
		}
		// Point at what makes the combination: the -o that empties the
		// maps or enables SASL, else the main.cf switch.
		at := enable
		if maps.Override != nil && enable.Override == nil {
			at = maps
		}
		f, start, end := at.Span()
		if seen[credSpan{f, start, end}] {
			continue
		}
		seen[credSpan{f, start, end}] = true
		fd := f.At(start, end)
		where := ""
		if svc != "" {
			where = " for master.cf service " + svc
		}
		fd.Message = "smtp_sasl_auth_enable = yes" + where + " but smtp_sasl_password_maps is empty"
		if maps.Set && maps.Raw != "" {
			fd.Message += " (" + maps.Raw + " expands to nothing)"
		}
		fd.Message += ": smtp(8) stops with \"fatal: specify a password table via the `smtp_sasl_password_maps' configuration parameter\" and mail stays queued"
		fd.Hint = "add smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd (and run postmap on it), or set smtp_sasl_auth_enable = no for IP-authorised relaying"
		p.Report(fd)
	}
}

// pf007 — credentials configured but SASL not enabled.
var pf007 = &lint.Rule{
	ID: "PF007", MTA: Name, Severity: lint.SeverityError,
	Title: "password map or sender-dependent authentication without smtp_sasl_auth_enable = yes",
	Check: checkPF007,
}

func checkPF007(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main == nil {
		return
	}
	m := newCredModel(s)
	seen := map[credSpan]bool{}
	for _, svc := range m.saslContexts("smtp_sasl_auth_enable", "smtp_sasl_password_maps", "smtp_sender_dependent_authentication") {
		enable := s.GetFor(svc, "smtp_sasl_auth_enable")
		if _, valid := Bool(enable.Expanded); !valid || enable.Enabled() {
			continue // PF024 reports an invalid boolean
		}
		if svc == "" && m.enabledByOverride() {
			continue // main.cf's maps serve the service that enables SASL
		}
		maps := s.GetFor(svc, "smtp_sasl_password_maps")
		sender := s.GetFor(svc, "smtp_sender_dependent_authentication")
		var at Value
		switch {
		case strings.TrimSpace(maps.Expanded) != "" && maps.Set:
			at = maps
		case sender.Enabled():
			at = sender
		default:
			continue
		}
		f, start, end := at.Span()
		if seen[credSpan{f, start, end}] {
			continue
		}
		seen[credSpan{f, start, end}] = true
		fd := f.At(start, end)
		state := "is not set (default no)"
		if enable.Set {
			state = "= " + enable.Raw
		}
		where := ""
		if svc != "" {
			where = " for master.cf service " + svc
		}
		fd.Message = at.Name + " is set" + where + " but smtp_sasl_auth_enable " + state + ": the Postfix SMTP client never authenticates, the credentials are ignored"
		fd.Hint = "add smtp_sasl_auth_enable = yes"
		if at.Param != nil && at.File == s.MainFile {
			var edit lint.TextEdit
			if enable.Param != nil && enable.Override == nil {
				edit = credSetValue(f, enable.Param, "yes")
			} else {
				ls := credLineStart(f.Src, at.Param.NamePos.Offset)
				nl := "\n"
				if e := credLineEnd(f.Src, ls); e >= 2 && f.Src[e-1] == '\n' && f.Src[e-2] == '\r' {
					nl = "\r\n"
				}
				edit = lint.TextEdit{Start: ls, End: ls, NewText: "smtp_sasl_auth_enable = yes" + nl}
			}
			if enable.Override == nil {
				fd.Fix = &lint.Fix{Description: "enable SMTP client authentication", Edits: []lint.TextEdit{edit}}
			}
		}
		p.Report(fd)
	}
}
