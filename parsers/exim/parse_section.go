package exim

import "strings"

// handle processes one logical line in the current section.
func (p *parser) handle(l *Line) {
	s := l.Text.S
	if len(s) >= 6 && strings.EqualFold(s[:6], "begin ") {
		p.begin(l)
		return
	}
	if len(s) > 5 && strings.EqualFold(s[:5], "begin") && isSpace(s[5]) && p.kind != kindACL && p.kind != kindRaw {
		// readconf.c tests for "begin" and one literal space; "begin\trouters"
		// is read as an option called "begin".
		msg := "\"begin\" must be followed by a space"
		if p.kind == kindMain {
			msg = "main option \"begin\" unknown (" + msg + ")"
		}
		p.errAt(l.Pos, "section", msg)
		return
	}
	switch p.kind {
	case kindMain:
		p.mainLine(l)
	case kindDriver:
		p.driverLine(l)
	case kindACL:
		// readconf_acl: macro definitions are allowed between ACLs, and
		// after one (and at the start) an ACL name must follow.
		name, rest := readName(s, 0)
		if name != "" && isUpper(name[0]) && rest < len(s) && s[rest] == '=' {
			p.defineMacro(l)
			p.aclNeedName = true
			return
		}
		if name != "" && rest < len(s) && s[rest] == ':' {
			p.aclNeedName = false
			key := "acl\x00" + name
			if p.names == nil {
				p.names = map[string]bool{}
			}
			if p.names[key] {
				p.errAt(l.Pos, "syntax", "there are two ACLs called \""+name+"\"")
			}
			p.names[key] = true
		} else if p.aclNeedName {
			p.errAt(l.Pos, "syntax", "missing or malformed ACL name")
			p.aclNeedName = false
		}
		p.sec.Lines = append(p.sec.Lines, l)
	default:
		p.sec.Lines = append(p.sec.Lines, l)
	}
}

// begin starts a new section (readconf_rest).
func (p *parser) begin(l *Line) {
	s := l.Text.S
	i := skipSpace(s, 6)
	written := s[i:]
	key := strings.ToLower(written)
	if !strings.HasSuffix(key, "s") {
		key += "s"
	}
	name, class := "", ""
	for _, sn := range sectionNames {
		if sn.key == key {
			name, class = sn.name, sn.class
		}
	}
	p.endSection()
	pos := l.Pos
	if name == "" {
		p.errAt(l.Text.Pos(i), "section", "\""+written+"\" is not a known configuration section name")
		// Keep reading into a throw-away section so that its lines do not
		// pollute the previous one.
		p.sec = &Section{Name: "", Begin: pos, Written: written}
		p.kind = kindRaw
		p.class = ""
		return
	}
	sec := &Section{Name: name, Begin: pos, Written: written}
	if name == "local_scan" {
		// Exim as Debian (and most distributions) build it has no
		// local_scan options; the section itself is fatal.
		p.errAt(pos, "section", "local_scan() options not supported: (LOCAL_SCAN_HAS_OPTIONS not defined in Local/Makefile)")
	}
	if p.had[name] {
		p.errAt(l.Text.Pos(i), "section", "\""+written+"\" section is repeated in the configuration file")
	} else {
		p.had[name] = true
	}
	p.c.Sections = append(p.c.Sections, sec)
	p.sec = sec
	p.class = class
	switch {
	case class != "":
		p.kind = kindDriver
	case name == "acl":
		p.kind = kindACL
		p.aclNeedName = true
	default:
		p.kind = kindRaw
	}
}

// endSection finishes the current driver.
func (p *parser) endSection() {
	p.endDriver()
}

func (p *parser) endDriver() {
	if p.drv != nil && !p.drv.Invalid && p.drv.Option("driver") == nil {
		p.errAtNoEnd(p.drv.NamePos, "option", "no driver defined for "+p.class+" \""+p.drv.Name+"\"")
	}
	p.drv = nil
}

func (p *parser) errAtNoEnd(pos Pos, code, msg string) {
	p.c.Errors = append(p.c.Errors, &Error{Pos: pos, Code: code, Msg: msg})
}

// readName is readconf_readname: a letter followed by letters, digits and
// underscores, then white space skipped. It returns the name and the index
// after the white space; a line that does not start with a letter gives
// an empty name and the index of its first non-blank byte.
func readName(s string, i int) (string, int) {
	i = skipSpace(s, i)
	st := i
	if i < len(s) && isAlpha(s[i]) {
		for i < len(s) && isNameChar(s[i]) {
			i++
		}
	}
	name := s[st:i]
	return name, skipSpace(s, i)
}

// mainLine is one logical line of the main part (readconf_main).
func (p *parser) mainLine(l *Line) {
	s := l.Text.S
	if s != "" && isUpper(s[0]) {
		p.defineMacro(l)
		return
	}
	t := 0
	hide := strings.HasPrefix(s, "hide") && len(s) > 4 && isSpace(s[4])
	if hide {
		t = 5 // exactly one white space character: "hide  domainlist" is an option
	}
	for _, k := range [...]string{"domainlist", "hostlist", "addresslist", "localpartlist"} {
		if strings.HasPrefix(s[t:], k) {
			p.namedList(l, k, t+len(k), hide)
			return
		}
	}
	if o := p.option(l, "main"); o != nil {
		p.c.Main.Options = append(p.c.Main.Options, o)
	}
}

// namedList is read_named_list.
func (p *parser) namedList(l *Line, kind string, i int, hide bool) {
	s := l.Text.S
	if strings.HasPrefix(s[i:], "_cache") {
		i += 6
	}
	if i >= len(s) || !isSpace(s[i]) {
		p.errAt(l.Pos, "syntax", "unrecognized configuration line")
		return
	}
	// MAX_NAMED_LIST is 16 per kind in Exim 4.96.
	n := 0
	for _, o := range p.c.Lists {
		if o.Kind == kind {
			n++
		}
	}
	if n >= 16 {
		p.errAt(l.Pos, "syntax", "too many named "+listNoun(kind)+"s (max is 16)")
	}
	i = skipSpace(s, i)
	st := i
	for i < len(s) && isNameChar(s[i]) {
		i++
	}
	nl := &NamedList{Kind: kind, Name: s[st:i], NamePos: l.Text.Pos(st), Pos: l.Pos, Hide: hide, Line: l}
	if p.names == nil {
		p.names = map[string]bool{}
	}
	if key := "list\x00" + kind + "\x00" + nl.Name; p.names[key] {
		p.errAt(nl.NamePos, "syntax", "duplicate name \""+nl.Name+"\" for a named "+listNoun(kind))
	} else {
		p.names[key] = true
	}
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != '=' {
		p.errAt(l.Text.Pos(i), "syntax", "missing '=' after \""+nl.Name+"\"")
		p.c.Lists = append(p.c.Lists, nl)
		return
	}
	i = skipSpace(s, i+1)
	nl.Value, _ = p.readString(l, i, nl.Name)
	p.c.Lists = append(p.c.Lists, nl)
}

func listNoun(kind string) string {
	switch kind {
	case "domainlist":
		return "domain list"
	case "hostlist":
		return "host list"
	case "addresslist":
		return "address list"
	}
	return "local part list"
}

// driverLine is one logical line of routers, transports or authenticators
// (readconf_driver_init).
func (p *parser) driverLine(l *Line) {
	s := l.Text.S
	name, i := readName(s, 0)
	if name != "" && isUpper(name[0]) && i < len(s) && s[i] == '=' {
		// A macro definition ends the current driver instance.
		p.endDriver()
		p.defineMacro(l)
		return
	}
	if i < len(s) && s[i] == ':' {
		p.endDriver()
		if len(name) > 63 {
			p.errAt(l.Pos, "driver-name", "exim item name too long (>64), unable to use \""+name[:63]+"\" (truncated)")
		}
		d := &Driver{Name: name, NamePos: l.Pos, Section: p.sec.Name, Line: l}
		if p.names == nil {
			p.names = map[string]bool{}
		}
		key := p.sec.Name + "\x00" + name
		if p.names[key] {
			p.errAt(l.Pos, "driver-name", "there are two "+p.class+"s called \""+name+"\"")
		}
		p.names[key] = true
		p.sec.Drivers = append(p.sec.Drivers, d)
		p.drv = d
		if j := skipSpace(s, i+1); j < len(s) {
			p.errAt(l.Text.Pos(j), "driver-name", "extra characters follow driver name "+name)
		}
		return
	}
	if p.drv == nil || p.drv.Invalid {
		if strings.HasSuffix(s, ":") && !strings.Contains(s, "=") {
			// e.g. "remote-smtp:": the name stops at '-'. Keep the
			// instance (marked Invalid) so its options are not lost
			// and do not each repeat the error.
			p.endDriver()
			p.errAt(l.Pos, "driver-name", p.class+" name missing")
			d := &Driver{Name: strings.TrimSpace(s[:len(s)-1]), NamePos: l.Pos, Section: p.sec.Name, Invalid: true, Line: l}
			p.sec.Drivers = append(p.sec.Drivers, d)
			p.drv = d
			return
		}
		if p.drv == nil {
			p.errAt(l.Pos, "section", p.class+" name missing")
			return
		}
	}
	if o := p.option(l, p.class); o != nil {
		p.drv.Options = append(p.drv.Options, o)
	}
}
