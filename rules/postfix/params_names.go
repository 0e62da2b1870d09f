package postfix

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	pf "github.com/smarthost-lint/smarthost-lint/parsers/postfix"
)

// unknownParamRule is PF023. postconf(1) calls a main.cf or master.cf -o
// name that Postfix does not know "unused parameter" [exp]; the daemons
// ignore it silently, so a typo such as smtp_sasl_auth_enabled leaves the
// real parameter at its default.
var unknownParamRule = &lint.Rule{
	ID:       "PF023",
	MTA:      Name,
	Severity: lint.SeverityWarning,
	Title:    "unknown, misspelled or wrong-case parameter name",
	Check:    checkUnknownParams,
}

// deliveryCommands are the master.cf commands for which Postfix derives
// per-service parameters (<service>_destination_concurrency_limit, ...);
// only pipe and spawn also get <service>_time_limit
// (postconf/postconf_service.c, pcf_register_service_parameters).
var deliveryCommands = map[string]bool{
	"local": true, "error": true, "virtual": true, "smtp": true, "lmtp": true, "pipe": true, "spawn": true,
}

// debianDeliveryServices are the delivery services of Debian's default
// master.cf (corpus debian-postfix/master.cf.dist) with their commands;
// they stand in when a main.cf is linted without its master.cf, as
// ../shared/oracles/postfix-check.sh does.
var debianDeliveryServices = [][2]string{
	{"smtp", "smtp"}, {"relay", "smtp"}, {"error", "error"}, {"retry", "error"},
	{"local", "local"}, {"virtual", "virtual"}, {"lmtp", "lmtp"},
	{"maildrop", "pipe"}, {"uucp", "pipe"}, {"ifmail", "pipe"}, {"bsmtp", "pipe"},
	{"scalemail-backend", "pipe"}, {"mailman", "pipe"},
}

// legacyDBMSTypes are the table types whose client configuration may live
// in main.cf as <name>_<option> parameters when the table is written as
// type:name without a path (postconf_dbms.c, LEGACY_DBMS_SUPPORT).
var legacyDBMSTypes = map[string]bool{"ldap": true, "mysql": true, "pgsql": true, "sqlite": true, "memcache": true, "mongodb": true}

// paramNames knows which parameter names a Postfix setup uses, the way
// postconf decides "unused parameter" (postconf_user.c): built-in names,
// names derived from master.cf delivery services, and user-defined names
// that some value references as $name (or that smtpd_restriction_classes
// lists).
type paramNames struct {
	s *Setup
	// services maps derived per-service names to true.
	services map[string]bool
	// mainRefs are $names referenced from main.cf values, master.cf -o
	// values and the defaults of parameters main.cf leaves alone, plus
	// restriction class names: they validate main.cf name=value entries.
	mainRefs map[string]bool
	// dbmsPrefixes are "name_" prefixes of legacy DBMS client parameters.
	dbmsPrefixes []string
	// localRefs are, per master.cf service, the $names its own -o values
	// reference; mainOnlyRefs those of main.cf values. Together with the
	// restriction classes they validate -o name=value entries.
	localRefs    map[*pf.Service]map[string]bool
	mainOnlyRefs map[string]bool
	classes      map[string]bool
}

// namesOf returns the name model of s, built once per Setup (PF020,
// PF023 and PF027 share it).
func namesOf(s *Setup) *paramNames {
	return s.Memo("postfix.paramNames", func() any { return buildNames(s) }).(*paramNames)
}

func buildNames(s *Setup) *paramNames {
	n := &paramNames{s: s, services: map[string]bool{}, mainRefs: map[string]bool{}, localRefs: map[*pf.Service]map[string]bool{},
		mainOnlyRefs: map[string]bool{}, classes: map[string]bool{}}
	addService := func(name, command string) {
		command = filepath.Base(command)
		if !deliveryCommands[command] {
			return
		}
		for sfx := range serviceParamSuffixes() {
			if sfx != "time_limit" && command != "spawn" {
				n.services[name+"_"+sfx] = true
			}
		}
		if command == "pipe" || command == "spawn" {
			n.services[name+"_time_limit"] = true
		}
	}
	if s.Master != nil {
		for _, svc := range s.Master.Services {
			addService(svc.Name, svc.Command)
		}
	} else {
		for _, svc := range debianDeliveryServices {
			addService(svc[0], svc[1])
		}
	}
	if s.Main != nil {
		for _, p := range s.Main.Params() {
			paramRefs(p.Value, func(name string, _, _ int, _ bool) {
				n.mainRefs[name] = true
				n.mainOnlyRefs[name] = true
			})
			for _, it := range splitList(p.Value) {
				typ, name, _ := parseSpec(it.Text)
				if legacyDBMSTypes[typ] && name != "" && !strings.Contains(name, "/") {
					n.dbmsPrefixes = append(n.dbmsPrefixes, name+"_")
				}
			}
		}
		// Defaults of parameters left alone may name obsolete parameters
		// for backwards compatibility (virtual_alias_maps = $virtual_maps):
		// setting those is not "unused".
		for name, refs := range defaultRefs() {
			if s.Main.Lookup(name) == nil {
				for _, r := range refs {
					n.mainRefs[r] = true
				}
			}
		}
		for _, it := range splitList(s.Get("smtpd_restriction_classes").Expanded) {
			n.classes[it.Text] = true
			n.mainRefs[it.Text] = true
		}
	}
	if s.Master != nil {
		for _, svc := range s.Master.Services {
			local := map[string]bool{}
			for _, o := range svc.Overrides {
				paramRefs(o.Value, func(name string, _, _ int, _ bool) {
					local[name] = true
					n.mainRefs[name] = true
				})
				if o.Name == "smtpd_restriction_classes" {
					for _, it := range splitList(o.Value) {
						local[it.Text] = true
					}
				}
			}
			n.localRefs[svc] = local
		}
	}
	return n
}

// builtin reports whether Postfix itself defines name (postconf -d, or a
// per-service name of a delivery service in master.cf).
func (n *paramNames) builtin(name string) bool {
	if _, ok := paramDefaults()[name]; ok {
		return true
	}
	return n.services[name]
}

// knownMain reports whether a main.cf name=value entry is used.
func (n *paramNames) knownMain(name string) bool {
	if n.builtin(name) || n.mainRefs[name] {
		return true
	}
	for _, p := range n.dbmsPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// knownOverride reports whether a -o name=value of svc is used: postconf
// validates it by a $name in the same service's -o values or in main.cf.
func (n *paramNames) knownOverride(svc *pf.Service, name string) bool {
	return n.builtin(name) || n.localRefs[svc][name] || n.mainOnlyRefs[name] || n.classes[name]
}

// defined reports whether a $name reference resolves to something: a
// main.cf entry, a master.cf -o entry (postconf accepts a main.cf $name
// that only master.cf defines), or a built-in.
func (n *paramNames) defined(name string) bool {
	if n.builtin(name) {
		return true
	}
	if n.s.Main != nil && n.s.Main.Lookup(name) != nil {
		return true
	}
	if n.s.Master != nil {
		for _, svc := range n.s.Master.Services {
			if svc.Override(name) != nil {
				return true
			}
		}
	}
	return false
}

// paramRefs calls fn for every parameter reference in s, as the parser
// finds them (mac_parse): $name, ${name}, $(name), ${name?value},
// ${name:value} — cond is true for the name these two test — and the
// references nested inside conditional values. [i, j) is the name's byte
// range in s.
func paramRefs(s string, fn func(name string, i, j int, cond bool)) {
	if strings.IndexByte(s, '$') < 0 {
		return
	}
	for _, r := range pf.Refs(s) {
		i, j := r.NameOffset, r.NameOffset+len(r.Name)
		cond := i > r.Offset+1 && j < len(s) && (s[j] == '?' || s[j] == ':')
		fn(r.Name, i, j, cond)
	}
}

func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// suggestions returns the known names nearest to name: the same name in
// another case when there is one, else the names at the smallest edit
// distance within a limit that grows with the length of the name.
func (n *paramNames) suggestions(name string) []string {
	lname := strings.ToLower(name)
	if lname != name && n.builtin(lname) {
		return []string{lname}
	}
	limit := 1
	if len(name) >= 8 {
		limit = 2
	}
	if len(name) >= 20 {
		limit = 3
	}
	best, out := limit+1, []string(nil)
	// A cheap lower bound first: each edit changes the letter counts of
	// the two names by at most two, so half the count difference bounds
	// the distance from below. It spares the quadratic distance for
	// almost every one of the thousand known names.
	var bag [256]int
	for i := 0; i < len(lname); i++ {
		bag[lname[i]]++
	}
	consider := func(cand string) {
		if d := len(cand) - len(lname); d > best || -d > best {
			return
		}
		counts := bag
		for i := 0; i < len(cand); i++ {
			counts[cand[i]]--
		}
		diff := 0
		for _, c := range counts {
			diff += max(c, -c)
		}
		if (diff+1)/2 > best {
			return
		}
		d := editDistance(lname, cand, best)
		switch {
		case d < best:
			best, out = d, []string{cand}
		case d == best && d <= limit:
			out = append(out, cand)
		}
	}
	for cand := range paramDefaults() {
		consider(cand)
	}
	for cand := range n.services {
		consider(cand)
	}
	if best > limit {
		return nil
	}
	sort.Strings(out)
	return out
}

// editDistance is the optimal-string-alignment distance (insertions,
// deletions, substitutions and adjacent transpositions cost 1), giving up
// early with a value > max once every path exceeds max.
func editDistance(a, b string, max int) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func checkUnknownParams(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main == nil && s.Master == nil {
		return
	}
	n := namesOf(s)
	if s.Main != nil {
		for _, prm := range s.Main.Params() {
			if n.knownMain(prm.Name) || strings.HasPrefix(prm.Name, "\uFEFF") {
				// A name behind a byte-order mark is GEN009's finding.
				continue
			}
			reportUnknown(p, n, s.MainFile, prm.Name, prm.NamePos.Offset, prm.NameEnd.Offset, "")
		}
	}
	if s.Master != nil {
		for _, svc := range s.Master.Services {
			for _, o := range svc.Overrides {
				if n.knownOverride(svc, o.Name) {
					continue
				}
				reportUnknown(p, n, s.MasterFile, o.Name, o.NamePos.Offset, o.NameEnd.Offset, svc.Name)
			}
		}
	}
}

func reportUnknown(p *lint.Pass, n *paramNames, f *lint.File, name string, start, end int, service string) {
	fd := f.At(start, end)
	where := "main.cf"
	if service != "" {
		where = "the -o options of master.cf service " + service
	}
	if svc, sfx, ok := n.serviceSuffix(name); ok {
		fd.Message = "unknown parameter " + quoteName(name) + " in " + where + ": Postfix derives <service>_" + sfx + " only for " + suffixServices(sfx) +
			" services, and " + svc + " is not one, so this line has no effect (postconf: unused parameter)"
		fd.Hint = "remove the line, or set the parameter that applies to " + svc + " (see postconf(5))"
		p.Report(fd)
		return
	}
	sugg := n.suggestions(name)
	switch {
	case len(sugg) == 1 && strings.EqualFold(sugg[0], name):
		fd.Message = "parameter names are case-sensitive: " + quoteName(name) + " is not " + sugg[0] + ", so Postfix ignores this line and " + sugg[0] + " keeps its default"
	case len(sugg) > 0:
		fd.Message = "unknown parameter " + quoteName(name) + " in " + where + ": Postfix " + postfixVersion + " has no such parameter and ignores it (postconf: unused parameter); did you mean " + strings.Join(sugg, " or ") + "?"
	default:
		fd.Message = "unknown parameter " + quoteName(name) + " in " + where + ": not a Postfix " + postfixVersion + " parameter and not used as $" + name + " anywhere, so it has no effect (postconf: unused parameter)"
		fd.Hint = "check the spelling against postconf(5), or remove the line; a parameter of a newer Postfix release is ignored by this one"
	}
	if len(sugg) == 1 {
		fd.Hint = "write " + sugg[0]
		set := false
		if service == "" && n.s.Main != nil {
			set = n.s.Main.Lookup(sugg[0]) != nil
		}
		fix := &lint.Fix{Description: "rename " + name + " to " + sugg[0], Safe: !set,
			Edits: []lint.TextEdit{{Start: start, End: end, NewText: sugg[0]}}}
		if set {
			fd.Hint += " (note that " + sugg[0] + " is already set elsewhere in main.cf; keep one definition)"
		}
		fd.Fix = fix
	}
	p.Report(fd)
}

// serviceSuffix splits name into a master.cf service and a per-service
// suffix that Postfix does not derive for that service's command (such
// as smtp_time_limit: only pipe and spawn get _time_limit).
func (n *paramNames) serviceSuffix(name string) (service, suffix string, ok bool) {
	try := func(svc string) bool {
		rest, found := strings.CutPrefix(name, svc+"_")
		if found && serviceParamSuffixes()[rest] {
			service, suffix = svc, rest
			return true
		}
		return false
	}
	if n.s.Master != nil {
		for _, svc := range n.s.Master.Services {
			if try(svc.Name) {
				return service, suffix, true
			}
		}
		return "", "", false
	}
	for _, svc := range debianDeliveryServices {
		if try(svc[0]) {
			return service, suffix, true
		}
	}
	for _, svc := range []string{"pickup", "cleanup", "qmgr", "tlsmgr", "rewrite", "bounce", "defer", "trace", "verify", "flush",
		"proxymap", "proxywrite", "showq", "discard", "anvil", "scache", "postlog"} {
		if try(svc) {
			return service, suffix, true
		}
	}
	return "", "", false
}

func suffixServices(sfx string) string {
	if sfx == "time_limit" {
		return "pipe and spawn"
	}
	return "delivery (local, virtual, smtp, lmtp, error, pipe)"
}

func quoteName(s string) string { return "\"" + s + "\"" }
