package postfix

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// pf029 — proxy: wrapper around the password map.
//
// proxy: tables are opened by proxymap(8), which runs as mail_owner; the
// smtp(8) client opens a plain table as root before dropping privileges
// (SASL_README), so proxy: only adds a readability requirement.
// [exp] RULES.md PF029: with proxy:hash: on a 0600 root map proxymap logs
// "open database ...: Permission denied" and the mail is deferred
// (dsn 4.3.0); with the .db at 0640 root:postfix it works.
// [exp] postfix-e2e.sh 3.7.11, proxy:texthash: on a 0600 root source:
// proxymap logs "open database ...: Permission denied", smtp logs "lookup
// error" and no AUTH happens; at 0644 the same table authenticates.
var pf029 = &lint.Rule{
	ID: "PF029", MTA: Name, Severity: lint.SeverityError,
	Title: "proxy: wrapper around the SASL password map",
	Check: checkPF029,
}

func checkPF029(p *lint.Pass) {
	s := p.Unit.(*Setup)
	if s.Main == nil {
		return
	}
	owner := strings.TrimSpace(s.Get("mail_owner").Expanded)
	if owner == "" {
		owner = "postfix"
	}
	uid, gid, userOK := p.FS.LookupUser(owner)
	if !userOK {
		uid = -1
		if g, ok := p.FS.LookupGroup(owner); ok {
			gid = g
		} else {
			gid = -1
		}
	}
	for _, t := range s.Maps {
		if t.Param != "smtp_sasl_password_maps" || !t.Proxy || !t.FileBased() || t.In == nil {
			continue
		}
		// The file proxymap opens: the compiled table of an indexed type,
		// the source of texthash and friends.
		type file struct {
			path string
			info *lint.FileInfo
		}
		var files []file
		if t.Indexed() {
			for _, c := range t.Compiled {
				if c.Info != nil {
					files = append(files, file{c.Path, c.Info})
				}
			}
		} else if t.SourceInfo != nil {
			files = append(files, file{t.Path, t.SourceInfo})
		}
		if len(files) == 0 {
			continue // missing table: PF018
		}
		var unreadable, unknown []string
		var firstBad *lint.FileInfo
		for _, f := range files {
			switch proxyReadable(f.info, uid, gid) {
			case proxyReadNo:
				if firstBad == nil {
					firstBad = f.info
				}
				unreadable = append(unreadable, f.path)
			case proxyReadUnknown:
				unknown = append(unknown, f.path)
			}
		}
		fd := t.In.At(t.Start, t.End)
		fd.Hint = "drop the proxy: prefix (smtp(8) opens the table as root before it drops privileges) and keep the files 0600 root:root"
		if t.In.Src != nil && t.Start+len("proxy:") <= len(t.In.Src) && string(t.In.Src[t.Start:t.Start+len("proxy:")]) == "proxy:" && t.End-t.Start == len(t.Spec) {
			fd.Fix = &lint.Fix{Description: "drop proxy:", Safe: len(unreadable) > 0, Edits: []lint.TextEdit{{Start: t.Start, End: t.Start + len("proxy:")}}}
		}
		switch {
		case len(unreadable) > 0:
			fd.Message = t.Spec + ": proxymap(8) opens this table as mail_owner " + owner + ", who cannot read " + strings.Join(unreadable, ", ") +
				" (mode " + fmt.Sprintf("%04o", firstBad.Mode.Perm()) + ", owner " + strconv.Itoa(firstBad.UID) + ":" + strconv.Itoa(firstBad.GID) + "); every lookup fails and mail to the smarthost is deferred (\"smtp_sasl_password_maps lookup error\")"
		case len(unknown) > 0:
			fd.Severity = lint.SeverityInfo
			fd.Message = t.Spec + ": proxymap(8) opens this table as mail_owner " + owner + "; whether that user can read " + strings.Join(unknown, ", ") +
				" could not be checked (user or owner unknown here). proxy: is not needed for smtp_sasl_password_maps"
		default:
			fd.Severity = lint.SeverityInfo
			fd.Message = t.Spec + ": proxy: works only because mail_owner " + owner + " can read the table, which makes the credentials readable by more than root (PF028); smtp(8) does not need proxy: for smtp_sasl_password_maps"
		}
		p.Report(fd)
	}
}

type proxyRead int

const (
	proxyReadYes proxyRead = iota
	proxyReadNo
	proxyReadUnknown
)

// proxyReadable applies the Unix permission check for a process with the
// given uid and primary gid (Postfix's set_ugid() drops supplementary
// groups).
func proxyReadable(info *lint.FileInfo, uid, gid int) proxyRead {
	perm := info.Mode.Perm()
	if perm&0o004 != 0 {
		return proxyReadYes
	}
	if info.UID == 0 && perm&0o040 == 0 {
		// Only root can read it, and mail_owner is never root (Postfix
		// refuses a privileged mail_owner), whoever it is.
		return proxyReadNo
	}
	if info.UID < 0 || info.GID < 0 || uid < 0 && gid < 0 {
		return proxyReadUnknown
	}
	switch {
	case uid >= 0 && info.UID == uid:
		return proxyBoolRead(perm&0o400 != 0)
	case gid >= 0 && info.GID == gid:
		return proxyBoolRead(perm&0o040 != 0)
	case uid < 0:
		// Only the group is known: the user might own the file.
		return proxyReadUnknown
	}
	return proxyReadNo
}

func proxyBoolRead(ok bool) proxyRead {
	if ok {
		return proxyReadYes
	}
	return proxyReadNo
}
