package qmail

import (
	"fmt"
	"path/filepath"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// permsRule is QM008. qmail-start runs qmail-rspawn, and so qmail-remote,
// as qmailr (prot_uid(auto_uidr)); qmail-remote chdirs to the qmail home
// and reads control/smtproutes at every delivery. When control_readfile
// fails, it exits with temp_control(): "Unable to read control files" and
// the message is deferred, over and over.
var permsRule = &lint.Rule{
	ID:       "QM008",
	MTA:      Name,
	Severity: lint.SeverityError,
	Title:    "control file or control/ directory not readable by qmailr",
	Check:    checkPerms,
}

// canAccess reports whether qmailr has permission bit r (4 read, 1 search)
// on a file, and whether that is certain (false when qmailr is unknown
// and only "other" bits could be judged).
func canAccess(a Account, info *lint.FileInfo, bit uint32) (ok, sure bool) {
	mode := uint32(info.Mode.Perm())
	if mode&bit != 0 {
		return true, true // other
	}
	if a.Known && info.UID == a.UID {
		return mode&(bit<<6) != 0, true
	}
	inGroup := (a.Known && info.GID == a.GID) || (a.Group >= 0 && info.GID == a.Group)
	if inGroup {
		return mode&(bit<<3) != 0, true
	}
	if !a.Known {
		// qmailr is never root; without its uid, an owner or group bit
		// for a non-root owner may still be qmailr's.
		return false, info.UID == 0 && (info.GID == 0 || mode&(bit<<3) == 0)
	}
	return false, true
}

func checkPerms(p *lint.Pass) {
	s := p.Unit.(*Setup)
	who := "qmailr"
	if s.Qmailr.Known {
		who = fmt.Sprintf("qmailr (uid %d, gid %d)", s.Qmailr.UID, s.Qmailr.GID)
	}
	hintFor := func(f *lint.File) string {
		if f.HoldsCredentials {
			return "chown root:qmail " + f.Path + " && chmod 0640 " + f.Path + " (it holds passwords, so not world-readable)"
		}
		return "chmod 0644 " + f.Path
	}
	if s.ControlDir != "" {
		if info, err := p.FS.Stat(s.ControlDir); err == nil && info.Mode.IsDir() {
			if ok, sure := canAccess(s.Qmailr, info, 0o1); !ok && sure {
				f := s.files[0]
				fd := f.WholeFile()
				fd.Message = fmt.Sprintf("%s cannot enter the directory %s (mode %04o, owner %d:%d): qmail-remote cannot read any control file and defers every remote delivery (\"Unable to read control files\")", who, s.ControlDir, info.Mode.Perm(), info.UID, info.GID)
				fd.Hint = "chmod 0755 " + filepath.ToSlash(s.ControlDir)
				p.Report(fd)
				return
			}
		}
	}
	for _, f := range s.files {
		if f.Info == nil {
			continue
		}
		ok, sure := canAccess(s.Qmailr, f.Info, 0o4)
		if ok {
			continue
		}
		fd := f.WholeFile()
		fd.Message = fmt.Sprintf("%s cannot read this file (mode %04o, owner %d:%d): qmail-remote reads it at every delivery and, failing, defers all remote mail (\"Unable to read control files\")", who, f.Info.Mode.Perm(), f.Info.UID, f.Info.GID)
		if !sure {
			fd.Severity = lint.SeverityWarning
			fd.Message = fmt.Sprintf("user qmailr is not in /etc/passwd, so this could not be checked fully, but only the owner (uid %d) or group %d can read this file (mode %04o) and qmail-remote runs as qmailr: if qmailr is neither, all remote mail is deferred", f.Info.UID, f.Info.GID, f.Info.Mode.Perm())
		}
		fd.Hint = hintFor(f)
		p.Report(fd)
	}
}
