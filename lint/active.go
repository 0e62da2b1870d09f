package lint

import (
	"cmp"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// RuleMultipleMTAs is GEN010: more than one MTA is configured. The engine
// reports it (RULES.md §6) and downgrades the findings of the MTAs that
// look inactive to info.
const RuleMultipleMTAs = "GEN010"

// activitySigns say how to recognise an MTA that is in use on a system:
// the systemd unit or SysV init script names that start it, and words in
// the target of the /usr/sbin/sendmail and /etc/alternatives/mta links,
// which every MTA installs as its sendmail(1)-compatible entry point
// (Debian: exim4 links /usr/sbin/sendmail to exim4, sendmail to
// ../lib/sm.bin/sendmail; Red Hat alternatives: /etc/alternatives/mta to
// /usr/sbin/sendmail.postfix or sendmail.sendmail). Keyed by Frontend name.
var activitySigns = map[string]struct {
	services []string
	link     []string
}{
	"postfix":  {services: []string{"postfix"}, link: []string{"postfix"}},
	"exim":     {services: []string{"exim4", "exim"}, link: []string{"exim"}},
	"sendmail": {services: []string{"sendmail"}, link: []string{"sm.bin", "sendmail.sendmail", "libexec/sendmail"}},
	"qmail":    {services: []string{"qmail", "qmail-send", "qmailctl"}, link: []string{"qmail"}},
}

// mtaTitle is how messages name an MTA.
func mtaTitle(name string) string {
	switch name {
	case "postfix":
		return "Postfix"
	case "exim":
		return "Exim"
	}
	return name
}

// activity is what the system under --root says about which MTA runs.
type activity struct {
	active   string   // the one MTA that looks active; "" when unknown
	evidence []string // what was seen, for the message
	where    string   // the root the signs were read under
}

// detectActive reads the activity signs under root for the MTAs in mtas.
// Sign that point at different MTAs cancel out (active stays "").
func detectActive(fsys FileSystem, root string, mtas []string) activity {
	a := activity{where: root}
	votes := map[string]bool{}
	join := func(p string) string { return filepath.Join(root, p) }
	for _, link := range []string{"/usr/sbin/sendmail", "/etc/alternatives/mta"} {
		target, ok := readLinkChain(root, link)
		if !ok {
			continue
		}
		for _, m := range mtas {
			for _, word := range activitySigns[m].link {
				if strings.Contains(target, word) {
					votes[m] = true
					a.evidence = append(a.evidence, link+" → "+target)
				}
			}
		}
	}
	// Enabled systemd units are links in the target's .wants directory;
	// SysV runlevel links are S??name in /etc/rc2.d (Debian's default
	// runlevel) to rc5.d.
	wants := []string{"/etc/systemd/system/multi-user.target.wants"}
	for _, dir := range append(wants, "/etc/rc2.d", "/etc/rc3.d", "/etc/rc5.d") {
		ents, err := fsys.ReadDir(join(dir))
		if err != nil {
			continue
		}
		for _, e := range ents {
			name := e.Name()
			if strings.HasPrefix(dir, "/etc/rc") {
				if len(name) < 4 || name[0] != 'S' {
					continue
				}
				name = name[3:]
			} else {
				name = strings.TrimSuffix(name, ".service")
			}
			for _, m := range mtas {
				if slices.Contains(activitySigns[m].services, name) {
					votes[m] = true
					a.evidence = append(a.evidence, path.Join(dir, e.Name()))
				}
			}
		}
	}
	if len(votes) == 1 {
		for m := range votes {
			a.active = m
		}
	}
	return a
}

// readLinkChain follows a symbolic link (and links it points to) inside
// root and returns the final target as seen on the audited system.
func readLinkChain(root, p string) (string, bool) {
	cur, followed := p, false
	for range 8 {
		t, err := os.Readlink(filepath.Join(root, cur))
		if err != nil {
			break
		}
		followed = true
		if !path.IsAbs(t) {
			t = path.Join(path.Dir(cur), t)
		}
		cur = t
	}
	return cur, followed
}

// standardPlace reports whether a path read without --root is a system
// location, so that the running system's signs describe it. A copy of
// configurations in a repository is not judged by the machine linting it.
func standardPlace(p string) bool {
	for _, dir := range []string{"/etc/", "/usr/", "/var/"} {
		if strings.HasPrefix(p, dir) {
			return true
		}
	}
	return false
}

// multipleMTAs reports GEN010 when the units belong to more than one MTA
// and returns the files of the MTAs that look inactive, whose findings
// postprocess downgrades to info.
func multipleMTAs(opts *Options, l *Loader, units []Unit) ([]Finding, map[string]string) {
	var mtas []string
	roots := map[string][]*File{}
	for _, u := range units {
		fs := u.Files()
		if len(fs) == 0 {
			continue
		}
		if _, ok := roots[u.MTA()]; !ok {
			mtas = append(mtas, u.MTA())
		}
		roots[u.MTA()] = append(roots[u.MTA()], fs[0])
	}
	if len(mtas) < 2 {
		return nil, nil
	}
	slices.Sort(mtas)
	root := opts.Root
	if root == "" {
		root = "/"
		for _, m := range mtas {
			for _, f := range roots[m] {
				if !standardPlace(f.DiskPath) {
					root = ""
				}
			}
		}
	}
	var act activity
	if root != "" {
		act = detectActive(l.fs.FS, root, mtas)
	}
	names := make([]string, len(mtas))
	for i, m := range mtas {
		names[i] = mtaTitle(m)
	}
	both := strings.Join(names, " and ")
	if len(names) > 2 {
		both = strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	}
	var out []Finding
	inactive := map[string]string{}
	for _, m := range mtas {
		for _, f := range roots[m] {
			fd := f.WholeFile()
			fd.Rule, fd.Severity = RuleMultipleMTAs, SeverityInfo
			switch {
			case act.active == "":
				fd.Message = both + " are " + allOrBoth(len(mtas)) + " configured here and it is not clear which one handles outgoing mail"
				if root == "" {
					fd.Message += " (activity is only judged under --root or at the system's own paths)"
				} else {
					fd.Message += " (no single MTA is named by the /usr/sbin/sendmail link, /etc/alternatives/mta or an enabled service"
					if len(act.evidence) > 0 {
						fd.Message += ": " + strings.Join(act.evidence, ", ")
					}
					fd.Message += ")"
				}
				fd.Hint = "remove the configuration of the MTA that is not in use, so that only the active one is checked"
			case act.active == m:
				fd.Message = both + " are configured; " + mtaTitle(m) + " looks active (" + strings.Join(act.evidence, ", ") + "), so the findings for the others are reported as info"
				fd.Hint = "remove the configuration of the MTA that is not in use"
			default:
				fd.Message = both + " are configured; " + mtaTitle(act.active) + " looks active (" + strings.Join(act.evidence, ", ") + "), so the findings for " + mtaTitle(m) + " are reported as info"
				fd.Hint = "if " + mtaTitle(m) + " is the MTA you use, make it the active one (its service enabled, /usr/sbin/sendmail pointing to it); otherwise remove its configuration"
			}
			out = append(out, fd)
		}
	}
	if act.active != "" {
		for _, u := range units {
			if u.MTA() == act.active {
				continue
			}
			for _, f := range u.Files() {
				inactive[f.Path] = u.MTA()
			}
		}
	}
	slices.SortFunc(out, func(a, b Finding) int { return cmp.Compare(a.Path, b.Path) })
	return out, inactive
}

func allOrBoth(n int) string {
	if n == 2 {
		return "both"
	}
	return "all"
}

// downgradeInactive turns the findings on files of inactive MTAs into info
// findings, saying so. Credential exposure (GEN003) keeps its severity: a
// readable password file is a leak whichever MTA runs.
func downgradeInactive(fs []Finding, inactive map[string]string) {
	if len(inactive) == 0 {
		return
	}
	for i := range fs {
		f := &fs[i]
		m, ok := inactive[f.Path]
		if !ok || f.Rule == RuleMultipleMTAs || f.Rule == "GEN003" || f.Severity <= SeverityInfo {
			continue
		}
		f.Message += " (" + f.Severity.String() + " reported as info: " + mtaTitle(m) + " looks inactive, see GEN010)"
		f.Severity = SeverityInfo
	}
}
