package exim

import (
	"fmt"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// listKinds maps the options (and ACL conditions) holding lists to the
// kind of named list a "+name" item in them refers to (spec ch. 10.5).
func listKind(name string) string {
	switch {
	case name == "domains" || name == "sender_domains" || name == "relay_to_domains" || strings.HasSuffix(name, "_domains"):
		return "domainlist"
	case name == "local_parts":
		return "localpartlist"
	case name == "senders" || name == "recipients":
		return "addresslist"
	case name == "hosts" || strings.HasPrefix(name, "hosts_") || strings.HasSuffix(name, "_hosts") || name == "ignore_target_hosts":
		return "hostlist"
	}
	return ""
}

// specialItems are "+word" items with a meaning of their own in lists
// (ch. 10.14 host lists, ch. 10.19 caseful address lists).
var specialItems = map[string]bool{"ignore_defer": true, "include_defer": true, "ignore_unknown": true, "include_unknown": true, "caseful": true}

var aclCondition = lazyRegexp(`^\s*(?:(?:accept|deny|defer|discard|drop|require|warn)\s+)?!?\s*(domains|sender_domains|hosts|senders|recipients|local_parts)\s*=\s*(.*)$`)

// listOption is an option that takes a named list of each kind (for the
// "+name" items inside list definitions).
var listOption = map[string]string{"domainlist": "domains", "hostlist": "hosts", "addresslist": "senders", "localpartlist": "local_parts"}

// matchACLCondition is aclCondition().FindStringSubmatchIndex(t) without
// a regexp (most ACL lines are rejected in a few bytes): the condition
// name t[name:nameEnd] and the value t[value:]. After an optional verb
// and white space, an optional "!" and white space, the name as a whole
// word, white space, "=", white space; the value runs to the end and may
// not hold a newline ("." does not match one). TestACLMatchers compares
// it with the regexp.
func matchACLCondition(t string) (name, nameEnd, value int, ok bool) {
	i := skipRESpace(t, 0)
	j := i
	for j < len(t) && isWordByte(t[j]) {
		j++
	}
	switch t[i:j] {
	case "accept", "deny", "defer", "discard", "drop", "require", "warn":
		if j < len(t) && isRESpace(t[j]) {
			i = skipRESpace(t, j)
		}
	}
	if i < len(t) && t[i] == '!' {
		i++
	}
	i = skipRESpace(t, i)
	j = i
	for j < len(t) && isWordByte(t[j]) {
		j++
	}
	switch t[i:j] {
	case "domains", "sender_domains", "hosts", "senders", "recipients", "local_parts":
	default:
		return 0, 0, 0, false
	}
	k := skipRESpace(t, j)
	if k >= len(t) || t[k] != '=' {
		return 0, 0, 0, false
	}
	k = skipRESpace(t, k+1)
	if strings.IndexByte(t[k:], '\n') >= 0 {
		return 0, 0, 0, false
	}
	return i, j, k, true
}

// checkNamedLists is EX014: a "+name" item must name a list defined with
// domainlist/hostlist/addresslist/localpartlist of the right kind.
// [exp 4.96 -bt] `domains = ! +local_domains` without the definition
// passes -bV and then defers every address (`domains check lookup or
// other defer`).
func checkNamedLists(p *lint.Pass) {
	s := setupOf(p)
	if s == nil || s.Fragment() {
		return // the list may be defined in the part we do not have
	}
	for _, inc := range s.Config.Includes {
		if !inc.Read && !inc.IfExists {
			return // the list may be defined in the file that was not read
		}
	}
	check := func(name string, t ex.Text, lo, hi int, v string) {
		kind := listKind(name)
		if kind == "" || isExpanded(v) {
			return
		}
		if strings.IndexByte(v, '+') < 0 {
			return // no "+name" item without a "+"
		}
		l := s.parsedList(v)
		for _, it := range l.Items {
			if it.Named == "" || specialItems[it.Named] || s.List(kind, it.Named) != nil {
				continue
			}
			fd, _, ok := s.At(t, lo+it.BodyStart, lo+it.End)
			if !ok {
				continue
			}
			fd.Message = fmt.Sprintf("%s refers to +%s, but no `%s %s = ...` is defined: Exim defers every address this list is checked for", name, it.Named, kind, it.Named)
			for _, other := range s.Config.Lists {
				if other.Name == it.Named {
					fd.Message = fmt.Sprintf("%s refers to +%s, which is a %s, not a %s: Exim defers every address this list is checked for", name, it.Named, other.Kind, kind)
				}
			}
			fd.Hint = fmt.Sprintf("define `%s %s = ...` in the main section", kind, it.Named)
			p.Report(fd)
		}
	}
	opt := func(o *ex.Option) {
		if o.HasValue {
			check(o.Name, o.Value, 0, len(o.Value.S), o.Value.S)
		}
	}
	for _, o := range s.Config.Main.Options {
		opt(o)
	}
	for _, nl := range s.Config.Lists {
		check(listOption[nl.Kind], nl.Value, 0, len(nl.Value.S), nl.Value.S)
	}
	for _, sec := range s.Config.Sections {
		for _, d := range sec.Drivers {
			for _, o := range d.Options {
				opt(o)
			}
		}
		if sec.Name != "acl" {
			continue
		}
		for _, line := range sec.Lines {
			ns, ne, vs, ok := matchACLCondition(line.Text.S)
			if !ok {
				continue
			}
			t := line.Text.S
			check(t[ns:ne], line.Text, vs, len(t), t[vs:])
		}
	}
}
