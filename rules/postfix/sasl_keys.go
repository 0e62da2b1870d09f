package postfix

import (
	"strconv"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	pf "github.com/smarthost-lint/smarthost-lint/parsers/postfix"
)

// The SASL lookup-key rules. smtp_sasl_passwd_lookup() (smtp_sasl_glue.c)
// tries, first hit wins: the envelope sender (only with
// smtp_sender_dependent_authentication = yes and a non-empty sender:
// user@domain, then @domain), the server host name, then the destination as
// written. Keys are case-folded (DICT_FLAG_FOLD_FIX).
//
// [exp] auth-key-probe.sh, Postfix 3.7.11, relayhost [SMTP.Example.COM]:587:
// keys "smtp.example.com" and "[smtp.example.com]:587" both authenticate
// alone (lookups are case-folded); together the host key wins. RULES.md §2.2
// records the other rows of the key table (probed the same way).
// [exp] postfix-e2e.sh 3.7.11, nexthop [smtp.example.com]:587 from a
// transport_maps entry and from a sender_dependent_relayhost_maps entry
// (sender auth off): keys "[smtp.example.com]:587" and "smtp.example.com"
// authenticate, "[smtp.example.com]" does not — the same rules as relayhost.
// [exp] same harness (DNS off, so the A record is used), sender-dependent
// relayhost "smtp.example.com" without brackets: key "smtp.example.com"
// authenticates, "[smtp.example.com]" does not (the corpus case
// tarigul-postrelay, which relays unauthenticated).

// keyFinding is one verdict of the key analysis.
type keyFinding struct {
	rule string // PF008, PF010, PF011
	sev  lint.Severity
	fd   lint.Finding
}

// keyVerdicts analyses every destination reached with SASL enabled and
// returns the findings of PF008, PF010 and PF011 (each rule reports its
// own). A destination gets at most one verdict.
func (m credModel) keyVerdicts(st lint.Settings) []keyFinding {
	var out []keyFinding
	nullKey := strings.TrimSpace(m.get("", "empty_address_relayhost_maps_lookup_key").Expanded)
	rs := m.routes()
	for _, r := range rs {
		if !m.saslEnabled(r.Service) {
			continue
		}
		c := m.credentials(r.Service)
		if !c.Known {
			continue
		}
		if _, ok := c.matchServer(r.Dest); ok {
			continue
		}
		senderOn := m.senderAuth(r.Service)
		files := credTableNames(c.Maps)
		fd := r.at()
		near := c.nearMisses(r.Dest)
		nearMsg := func() string {
			return "; " + files + " has " + credKeyRefList(near) + ", which is not the same key"
		}
		if !m.wantsCredentials(r, st) && len(near) == 0 {
			continue
		}
		exact := "the MX host name of " + r.Host + " and `" + r.Raw + "`"
		if r.Bracketed {
			exact = "`" + r.Raw + "` or `" + r.Host + "`"
		}
		mxWarning := func() keyFinding {
			hosts := c.Hosts
			cond := " matches only if it is the name of an MX host of " + r.Host
			if len(hosts) > 1 {
				cond = " match only if one of them is the name of an MX host of " + r.Host
			}
			if same := c.byHost(pf.FoldKey(r.Host)); len(same) > 0 {
				for _, h := range same {
					if !strings.ContainsAny(h.Entry.Key, "[]:") {
						cond = " matches only while " + r.Host + " has no MX record (Postfix then uses its address record and the name " + r.Host + ")"
						hosts = []credKey{h}
						break
					}
				}
			}
			fd.Message = "no key in " + files + " is certain to match " + r.describe() + ": without [brackets] Postfix looks up the MX records of " + r.Host +
				" and tries the MX host name, then `" + r.Raw + "`; " + credKeyRefList(hosts) + cond + " — that depends on DNS"
			fd.Hint = "write the destination as [" + r.Host + "]:" + credPortOr(r.Dest) + " and key the credentials by `" + r.Host + "`, or add the key `" + r.Raw + "`"
			return keyFinding{"PF008", lint.SeverityWarning, fd}
		}
		if r.Via == "sender_dependent_relayhost_maps" && !strings.EqualFold(r.Key, nullKey) {
			cov, keys := c.senderCoverage(r.Key)
			switch {
			case senderOn && cov == coverAll:
				continue
			case len(near) > 0:
				fd.Message = "no key in " + files + " matches " + r.describe() + ": Postfix looks up " + exact + nearMsg()
				fd.Hint = "key the credentials exactly as " + credKeyChoice(r.Dest) + " (then run postmap), or by the sender `" + r.Key + "` with smtp_sender_dependent_authentication = yes"
				out = append(out, keyFinding{"PF008", lint.SeverityError, fd})
			case !r.Bracketed && len(c.Hosts) > 0:
				out = append(out, mxWarning())
			case senderOn && cov == coverSome:
				fd.Message = "sender_dependent_relayhost_maps sends mail from " + r.Key + " to " + r.Raw + ", but " + files + " has credentials only for " + credKeyList(keys) + ": other senders of that domain are relayed without AUTH"
				fd.Hint = "add `" + r.Key + " user:password` or `" + r.Raw + " user:password` to " + files
				out = append(out, keyFinding{"PF010", lint.SeverityWarning, fd})
			case !senderOn && cov != coverNone:
				// PF009 reports the sender keys that the switch ignores.
			default:
				fd.Message = "no credentials for " + r.describe() + ": " + files + " has neither a sender key for " + r.Key + " nor " + credKeyChoice(r.Dest) + ", so Postfix relays this sender's mail without AUTH"
				fd.Hint = "add `" + r.Key + " user:password` (with smtp_sender_dependent_authentication = yes) or `" + r.Raw + " user:password` to " + files + ", then run postmap"
				out = append(out, keyFinding{"PF010", lint.SeverityWarning, fd})
			}
			continue
		}
		// relayhost, transport nexthops, default/relay_transport nexthops,
		// and the null sender's sender_dependent_relayhost_maps entry: every
		// sender (or the null sender) goes there, so only server keys cover.
		switch {
		case len(near) > 0:
			fd.Message = "no key in " + files + " matches " + r.describe() + ": Postfix looks up " + exact + nearMsg()
			fd.Hint = "change the key to " + credKeyChoice(r.Dest) + " and run postmap"
			out = append(out, keyFinding{"PF008", lint.SeverityError, fd})
		case !r.Bracketed && len(c.Hosts) > 0:
			out = append(out, mxWarning())
		case senderOn && len(c.Sender) > 0:
			who := "bounces (null sender) and senders without a key of their own get"
			if r.Via == "sender_dependent_relayhost_maps" {
				who = "the bounces (null sender) this entry routes get"
			}
			fd.Message = "no key in " + files + " matches " + r.describe() + ", only sender keys (" + credKeyRefList(c.Sender) + "): " + who +
				" no credentials, because Postfix never looks up the null sender; an auth-only smarthost rejects them"
			fd.Hint = "add a default `" + r.Raw + " user:password` entry to " + files + " (sender keys still win for their senders)"
			out = append(out, keyFinding{"PF011", lint.SeverityWarning, fd})
		default:
			have := ", and " + files + " is empty"
			if n := c.Entries; n > 0 {
				var some []string
				for _, t := range c.Maps {
					for i := 0; i < len(t.Table.Entries) && len(some) < 3; i++ {
						some = append(some, "`"+t.Table.Entries[i].Key+"`")
					}
				}
				have = ", and " + files + " has only " + strings.Join(some, ", ")
				if n > len(some) {
					have = ", and none of the " + strconv.Itoa(n) + " keys in " + files + " (" + strings.Join(some, ", ") + ", ...) is one of them"
				}
			}
			fd.Message = "no key in " + files + " can match " + r.describe() + ": Postfix looks up " + exact + have + ", so it connects without AUTH"
			fd.Hint = "key the credentials exactly as the destination: `" + r.Raw + " user:password`, then run postmap"
			out = append(out, keyFinding{"PF008", lint.SeverityError, fd})
		}
	}
	return out
}

// credKeyChoice names the keys that certainly match d.
func credKeyChoice(d Dest) string {
	if d.Bracketed {
		return "`" + d.Raw + "` or `" + d.Host + "`"
	}
	return "`" + d.Raw + "`"
}

// wantsCredentials tells destinations that are meant to get SMTP AUTH:
// relayhost and sender-dependent relayhosts always; transport and default
// nexthops only when they look like a submission smarthost (a port other
// than 25, or the --smarthost host) — a plain port-25 nexthop to another
// mail server normally takes mail without AUTH.
func (m credModel) wantsCredentials(r credRoute, st lint.Settings) bool {
	switch {
	case r.Via == "relayhost" || r.Via == "sender_dependent_relayhost_maps":
		return true
	case r.PortNum != 25:
		return true
	}
	return st.Smarthost != "" && strings.EqualFold(r.Host, st.Smarthost)
}

func credPortOr(d Dest) string {
	if d.Port != "" {
		return d.Port
	}
	return "587"
}

func reportKeyVerdicts(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main == nil {
		return
	}
	for _, v := range (newCredModel(s)).keyVerdicts(p.Settings) {
		if v.rule != p.Rule.ID {
			continue
		}
		fd := v.fd
		if v.sev != p.Rule.Severity {
			fd.Severity = v.sev
		}
		p.Report(fd)
	}
}

// pf008 — no sasl_passwd key can match the smarthost destination.
var pf008 = &lint.Rule{
	ID: "PF008", MTA: Name, Severity: lint.SeverityError,
	Title: "no smtp_sasl_password_maps key can match the smarthost destination",
	Check: reportKeyVerdicts,
}

// pf010 — sender_dependent_relayhost_maps entry without credentials.
var pf010 = &lint.Rule{
	ID: "PF010", MTA: Name, Severity: lint.SeverityWarning,
	Title: "sender_dependent_relayhost_maps entry without matching credentials",
	Check: reportKeyVerdicts,
}

// pf011 — no credentials for the null sender / unlisted senders.
var pf011 = &lint.Rule{
	ID: "PF011", MTA: Name, Severity: lint.SeverityWarning,
	Title: "no credentials for the null sender or unlisted senders",
	Check: reportKeyVerdicts,
}

// pf009 — sender-keyed credentials while sender-dependent auth is off.
var pf009 = &lint.Rule{
	ID: "PF009", MTA: Name, Severity: lint.SeverityError,
	Title: "sender-keyed credentials while smtp_sender_dependent_authentication is off",
	Check: checkPF009,
}

func checkPF009(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main == nil {
		return
	}
	m := newCredModel(s)
	seen := map[*lint.File]bool{}
	for _, t := range s.Maps {
		if t.Param != "smtp_sasl_password_maps" || t.Table == nil || t.Source == nil || seen[t.Source] {
			continue
		}
		if m.senderAuthFor(t) {
			continue
		}
		var first *credKey
		var keys []string
		for i := range t.Table.Entries {
			e := &t.Table.Entries[i]
			if !strings.Contains(e.Key, "@") {
				continue
			}
			if first == nil {
				first = &credKey{t, e}
			}
			keys = append(keys, e.Key)
		}
		if first == nil {
			continue
		}
		seen[t.Source] = true
		e := first.Entry
		fd := t.Source.At(e.KeyOffset, e.KeyOffset+len(e.Key))
		n := "this sender key is"
		if len(keys) > 1 {
			n = "these sender keys are"
		}
		fd.Message = credKeyList(keys) + " in " + t.Path + ": " + n + " never looked up, because smtp_sender_dependent_authentication is not yes (Postfix then looks up only the server host name and the destination)"
		fd.Hint = "set smtp_sender_dependent_authentication = yes in main.cf, or key the credentials by the destination (e.g. `[smtp.example.com]:587`)"
		p.Report(fd)
	}
}

// senderAuthFor reports whether some service that reads the table looks
// credentials up by sender.
func (m credModel) senderAuthFor(t *MapRef) bool {
	if t.Service != "" {
		return m.senderAuth(t.Service)
	}
	if m.senderAuth("") {
		return true
	}
	if m.s.Master == nil {
		return false
	}
	for _, svc := range m.s.Master.Services {
		if m.smtpClient(svc.Name) && m.s.GetFor(svc.Name, "smtp_sasl_password_maps").Override == nil && m.senderAuth(svc.Name) {
			return true
		}
	}
	return false
}
