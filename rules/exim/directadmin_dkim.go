package exim

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// dkimOption finds an smtp transport dkim_* option setting in an included
// file.
var dkimOption = lazyRegexp(`^\s*(?:hide\s+)?(dkim_[a-z_]+)\s*=`)

// checkDKIMInclude is EX205. The included lines are smtp transport
// options; Exim reads them as if written at the include. Exim 4.96 [exp]:
// main part `main option "dkim_domain" unknown`, router or pipe transport
// `option "dkim_domain" unknown`, ACL `unknown ACL condition/modifier`,
// right after `begin transports` `transport name missing`, each "in line
// 1 of /etc/exim.dkim.conf". With .include_if_exists and no file, Exim
// starts; it fails once the file appears.
func checkDKIMInclude(p *lint.Pass) {
	s := setupOf(p)
	if s == nil || s.Config == nil {
		return
	}
	for _, inc := range s.Config.Includes {
		if !misplacedDKIMInclude(s, inc) {
			continue
		}
		f := s.FileOf(inc.Pos)
		if f == nil {
			continue
		}
		fd := f.At(inc.Pos.Offset, lineEnd(f, inc.Pos.Offset))
		opt := firstDKIMOption(s, inc)
		exim := dkimIncludeError(inc, opt)
		if inc.Read {
			fd.Message = fmt.Sprintf("%s sets smtp transport options (%s) but is included %s: Exim stops with %s (in line 1 of %s)", inc.Written, opt, placeOf(inc), exim, inc.Written)
		} else {
			fd.Severity = lint.SeverityWarning
			fd.Message = fmt.Sprintf("%s is included %s; it holds smtp transport options (dkim_*), so Exim will stop with %s as soon as the file exists", inc.Written, placeOf(inc), exim)
		}
		fd.Hint = "move the include line to the end of the smtp transport that should sign (after hosts_require_tls), before the next transport's name"
		p.Report(fd)
	}
}

// misplacedDKIMInclude reports whether inc pulls DKIM transport options
// (DirectAdmin's /etc/exim.dkim.conf, or any read file setting dkim_*)
// into a place other than an smtp transport. EX000/EX002 skip the errors
// inside such a file: EX205 reports the include line.
func misplacedDKIMInclude(s *Setup, inc *ex.Include) bool {
	if !isDAInclude(inc) && firstDKIMOptionIn(s, inc) == "" {
		return false
	}
	return inc.Section != "transports" || inc.Driver == nil || inc.Driver.DriverType() != "smtp"
}

func firstDKIMOption(s *Setup, inc *ex.Include) string {
	if o := firstDKIMOptionIn(s, inc); o != "" {
		return o
	}
	return "dkim_domain"
}

// firstDKIMOptionIn returns the dkim_* option the included file starts
// with ("" when its first setting is something else, e.g. a whole
// transport such as DirectAdmin's auth_relay in exim.transports.pre.conf,
// or when it was not read).
func firstDKIMOptionIn(s *Setup, inc *ex.Include) string {
	if !inc.Read || inc.Path == "" {
		return ""
	}
	sf := s.Config.File(inc.Path)
	if sf == nil {
		return ""
	}
	sc := bufio.NewScanner(bytes.NewReader(sf.Src))
	for sc.Scan() {
		t := strings.TrimSpace(sc.Text())
		if t == "" || t[0] == '#' {
			continue
		}
		if m := dkimOption().FindStringSubmatch(t); m != nil {
			return m[1]
		}
		return ""
	}
	return ""
}

func placeOf(inc *ex.Include) string {
	switch {
	case inc.Section == "main":
		return "in the main part"
	case inc.Section == "transports" && inc.Driver == nil:
		return "after `begin transports` before any transport name"
	case inc.Driver != nil && inc.Section == "transports":
		return fmt.Sprintf("in transport %s (driver %s, not smtp)", inc.Driver.Name, inc.Driver.DriverType())
	case inc.Driver != nil:
		return fmt.Sprintf("in %s %s", singular(inc.Section), inc.Driver.Name)
	}
	return "in the " + inc.Section + " section"
}

// dkimIncludeError is Exim 4.96's message for opt at the include's place.
func dkimIncludeError(inc *ex.Include, opt string) string {
	switch {
	case inc.Section == "main":
		return fmt.Sprintf("`main option %q unknown`", opt)
	case inc.Section == "transports" && inc.Driver == nil:
		return "`transport name missing`"
	case inc.Section == "routers" && inc.Driver == nil:
		return "`router name missing`"
	case inc.Section == "authenticators" && inc.Driver == nil:
		return "`authenticator name missing`"
	case inc.Section == "acl":
		return "`error in ACL: unknown ACL condition/modifier`"
	case inc.Driver != nil:
		return fmt.Sprintf("`option %q unknown`", opt)
	}
	return "a configuration error"
}

func singular(section string) string {
	switch section {
	case "routers":
		return "router"
	case "transports":
		return "transport"
	case "authenticators":
		return "authenticator"
	}
	return section
}
