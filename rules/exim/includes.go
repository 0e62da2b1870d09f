package exim

import (
	"fmt"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// checkIncludes is EX007 for what Exim accepts silently: an
// `.include_if_exists` inside a driver whose file is missing is skipped
// without a word (spec ch. 6.3), so options it was meant to add — such
// as DirectAdmin's DKIM settings in /etc/exim.dkim.conf — are not there
// (info; only for DKIM includes, the case RULES.md names — other optional
// includes are optional by design). Missing `.include` files, relative `.include_if_exists` paths
// and loops are fatal and reported by the parser at load time.
func checkIncludes(p *lint.Pass) {
	s := setupOf(p)
	if s == nil {
		return
	}
	for _, inc := range s.Config.Includes {
		if !inc.IfExists || !inc.Missing || inc.Driver == nil || !strings.Contains(inc.Written, "dkim") {
			continue
		}
		fd, _, ok := s.AtPos(inc.Pos, len(".include_if_exists"))
		if !ok {
			continue
		}
		fd.Severity = lint.SeverityInfo
		fd.Message = fmt.Sprintf("%s does not exist: Exim silently skips it, so the options it would add to %s %s are not set", inc.Written, driverSections[inc.Section], inc.Driver.Name)
		fd.Hint = "create the file, or remove the line if the options are not wanted"
		p.Report(fd)
	}
}
