package exim

import (
	"fmt"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// checkDriverNames is EX003: "Driver instance names ... can be any
// sequence of letters, digits, and underscores (starting with a letter)
// and must be unique among drivers of the same type" (spec ch. 6.23).
// A hyphen gives `router name missing`, a second instance of a name
// `there are two routers called "x"` [exp]. The parser reports bad names
// (code driver-name); this check adds the duplicates it does not see.
func checkDriverNames(p *lint.Pass) {
	s := setupOf(p)
	if s == nil {
		return
	}
	for _, sec := range s.Config.Sections {
		singular, ok := driverSections[sec.Name]
		if !ok {
			continue
		}
		seen := map[string]int{}
		for _, d := range sec.Drivers {
			if d.Name == "" {
				continue
			}
			line, dup := seen[d.Name]
			if !dup {
				seen[d.Name] = d.NamePos.Line
				continue
			}
			fd, f, ok := s.AtPos(d.NamePos, len(d.Name))
			if !ok || s.hasError(f, fd.Start.Line) {
				continue
			}
			fd.Message = fmt.Sprintf("there are two %ss called %q: Exim refuses the configuration", singular, d.Name)
			fd.Hint = fmt.Sprintf("rename one of them (the other is at line %d) and the references to it", line)
			p.Report(fd)
		}
	}
}
