package exim

import (
	"fmt"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// checkManualrouteSource is EX012: manualroute's init check "route_list
// or route_data (but not both) must be specified" (manualroute.c) makes
// Exim refuse the configuration [exp 4.96 -bV].
func checkManualrouteSource(p *lint.Pass) {
	s := setupOf(p)
	if s == nil {
		return
	}
	for _, r := range s.Routers {
		if r.Type != "manualroute" {
			continue
		}
		list, data := r.RouteList != nil, r.RouteData != nil
		if list != data {
			continue
		}
		fd, f, ok := s.AtPos(r.Driver.NamePos, len(r.Name))
		if !ok || s.hasError(f, fd.Start.Line) {
			continue
		}
		if list {
			fd.Message = fmt.Sprintf("router %s sets both route_list and route_data: Exim refuses the configuration (route_list or route_data (but not both) must be specified)", r.Name)
			fd.Hint = "keep one of them: route_list = * smtp.provider.example::587 is the usual smarthost form"
		} else {
			fd.Message = fmt.Sprintf("manualroute router %s has neither route_list nor route_data: Exim refuses the configuration", r.Name)
			fd.Hint = "add route_list = * smtp.provider.example::587"
		}
		p.Report(fd)
	}
}
