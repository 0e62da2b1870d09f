package postfix

import (
	"fmt"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// passwordPermsRule is PF028. SASL_README: "make the file read+write only
// for root" — smtp(8) opens it as root before dropping privileges, so no
// other user needs to read it. postmap copies the group and other read
// bits of the source only when it creates the compiled file, so an
// existing .db keeps whatever mode it had.
var passwordPermsRule = &lint.Rule{
	ID:       "PF028",
	MTA:      Name,
	Severity: lint.SeverityError,
	Title:    "password table or its compiled file readable by other users",
	Check:    checkPasswordPerms,
}

func checkPasswordPerms(p *lint.Pass) {
	s := p.Unit.(*Setup)
	refs := s.Maps
	if s.Standalone != nil && s.Standalone.Param != "" {
		refs = append([]*MapRef{s.Standalone}, refs...)
	}
	seen := map[string]bool{}
	for _, m := range refs {
		if !passwordParams[m.Param] || (m != s.Standalone && !m.FileBased()) {
			continue
		}
		if seen[m.Path] {
			continue
		}
		seen[m.Path] = true
		// Where to report: the source file itself when it was read, else
		// the reference in main.cf or master.cf.
		at := func() lint.Finding {
			if m.Source != nil {
				return m.Source.WholeFile()
			}
			return m.In.At(m.Start, m.End)
		}
		if m.Source == nil && m.In == nil {
			continue
		}
		check := func(path string, info *lint.FileInfo, what string) {
			if info == nil {
				return
			}
			mode := info.Mode.Perm()
			fd := at()
			switch {
			case mode&0o004 != 0:
				fd.Message = fmt.Sprintf("%s %s holds SMTP passwords and every local user can read it (mode %04o)", what, path, mode)
			case mode&0o040 != 0 && info.GID != 0 && !m.Proxy:
				// A proxy: table must be group-readable by mail_owner
				// (PF029 judges that case).
				fd.Severity = lint.SeverityWarning
				fd.Message = fmt.Sprintf("%s %s holds SMTP passwords and group %d can read it (mode %04o)", what, path, info.GID, mode)
			default:
				return
			}
			fd.Hint = "chown root:root " + path + " && chmod 0600 " + path + " (smtp(8) reads it as root; a proxy: table needs 0640 root:postfix instead)"
			p.Report(fd)
		}
		check(m.Path, m.SourceInfo, "the password table")
		for _, c := range m.Compiled {
			check(c.Path, c.Info, "the compiled password table")
		}
	}
}
