package sendmail

import (
	"fmt"
	"strings"
)

// CFLine is one logical line of a sendmail.cf (continuation lines folded
// in). Start and End are byte offsets of the whole logical line without
// its final newline.
type CFLine struct {
	Cmd        byte // first byte: 'D', 'O', 'K', 'M', 'C', 'F', 'S', 'R', ...
	Start, End int
	Line       int
	Text       string // source bytes, continuation lines included
	// Name and Value are the command's fields: D{name}value / Dxvalue
	// (Name "S" for DS), O Name=value (or Oxvalue), Kname rest, Mname,
	// fields; Cxwords / C{name}words; Fxpath.
	Name       string
	Value      string
	ValueStart int // offset of Value in the file
	Mailer     *Mailer
}

// Mailer is an M line: Mname, P=..., F=..., A=...
type Mailer struct {
	Name   string
	Fields map[string]Field // by letter: "P", "F", "A", ...
}

// Field is one key=value field of a mailer definition.
type Field struct {
	Value      string
	Start, End int
}

// Args returns the words of the A= field.
func (m *Mailer) Args() []string { return strings.Fields(m.Fields["A"].Value) }

// Port returns the port of a TCP mailer: the third word of A=TCP $h PORT,
// or 25 when A= has no third word. ok is false when A= is not TCP.
func (m *Mailer) Port() (port string, ok bool) {
	a := m.Args()
	if len(a) < 2 || (a[0] != "TCP" && a[0] != "IPC") {
		return "", false
	}
	if len(a) >= 3 {
		return a[2], true
	}
	return "25", true
}

// CF is a parsed sendmail.cf.
type CF struct {
	Src   string
	Lines []*CFLine
	// BuiltBy is the "##### built by" header m4 writes; "" for a file
	// without it (written by hand or stripped).
	BuiltBy     string
	BuiltByLine int
	// IDs are the m4 files named in "#####  $Id: <file>.m4" headers (which
	// FEATUREs and MAILERs were compiled in).
	IDs      []string
	Comments []CFComment
	Problems []Problem
}

// CFComment is a '#' line.
type CFComment struct {
	Start, End, Line int
	Text             string
}

// cfCommands are the command letters readcf() knows.
const cfCommands = "RSDCFMEHOPTVKQXL"

// ParseCF parses a sendmail.cf.
func ParseCF(name string, src []byte) (*CF, error) {
	s := string(src)
	cf := &CF{Src: s}
	if i := strings.IndexByte(s, 0); i >= 0 {
		line, col := lineCol(s, i)
		cf.Problems = append(cf.Problems, Problem{Kind: Binary, Start: i, End: i + 1, Line: line, Col: col, Msg: "NUL byte: not a text sendmail.cf"})
		return cf, fmt.Errorf("%s", cf.Problems[0].Error(name))
	}
	// scanCFAST builds the tree the participle grammar (cfParser) builds.
	ast := scanCFAST(name, s)
	for _, it := range ast.Items {
		switch {
		case it.Comment != nil:
			c := CFComment{Start: it.Pos.Offset, End: it.Pos.Offset + len(strings.TrimRight(*it.Comment, "\r\n")), Line: it.Pos.Line}
			c.Text = s[c.Start:c.End]
			cf.Comments = append(cf.Comments, c)
			switch {
			case strings.HasPrefix(c.Text, "##### built by "):
				cf.BuiltBy, cf.BuiltByLine = strings.TrimPrefix(c.Text, "##### built by "), c.Line
			case strings.HasPrefix(c.Text, "#####  $Id: "):
				if f := strings.Fields(strings.TrimPrefix(c.Text, "#####  $Id: ")); len(f) > 0 {
					cf.IDs = append(cf.IDs, strings.TrimSuffix(f[0], ",v"))
				}
			}
		case it.Group != nil:
			end := it.EndPos.Offset
			for end > it.Pos.Offset && (s[end-1] == '\n' || s[end-1] == '\r') {
				end--
			}
			l := parseCFLine(s, it.Pos.Offset, end, it.Pos.Line)
			cf.Lines = append(cf.Lines, l)
			if !strings.ContainsRune(cfCommands, rune(l.Cmd)) {
				// readcf(): default: "unknown configuration line"; the
				// line is ignored.
				line, col := lineCol(s, l.Start)
				cf.Problems = append(cf.Problems, Problem{Kind: UnknownLine, Start: l.Start, End: l.End, Line: line, Col: col,
					Msg: fmt.Sprintf("unknown configuration line %q: sendmail ignores it (a .cf line starts with a command letter such as D, O, K, M, C, F, S or R)", l.Text[:min(len(l.Text), 40)])})
			}
		}
	}
	if len(cf.Problems) > 0 {
		return cf, fmt.Errorf("%s", cf.Problems[0].Error(name))
	}
	return cf, nil
}

func parseCFLine(s string, start, end, line int) *CFLine {
	l := &CFLine{Cmd: s[start], Start: start, End: end, Line: line, Text: s[start:end]}
	body, at := l.Text[1:], start+1
	switch l.Cmd {
	case 'D', 'C', 'F':
		// D{name}value or Dxvalue (readcf.c: macid()).
		if strings.HasPrefix(body, "{") {
			if i := strings.IndexByte(body, '}'); i > 0 {
				l.Name, l.Value, l.ValueStart = body[1:i], body[i+1:], at+i+1
				break
			}
		}
		if body != "" {
			l.Name, l.Value, l.ValueStart = body[:1], body[1:], at+1
		}
	case 'O':
		// "O Name=value" (long form) or "Oxvalue" (old single letter).
		if strings.HasPrefix(body, " ") {
			t := strings.TrimLeft(body, " \t")
			off := at + len(body) - len(t)
			name, val, ok := strings.Cut(t, "=")
			l.Name = strings.TrimSpace(name)
			if ok {
				v := strings.TrimLeft(val, " \t")
				l.Value, l.ValueStart = v, off+len(name)+1+len(val)-len(v)
			}
		} else if body != "" {
			l.Name, l.Value, l.ValueStart = body[:1], body[1:], at+1
		}
	case 'K':
		// "Kname type args": the name ends at the first blank. The value
		// must stay a suffix of the line so that its offset is real.
		name, rest := body, ""
		if i := strings.IndexAny(body, " \t"); i >= 0 {
			name, rest = body[:i], body[i+1:]
		}
		l.Name = name
		v := strings.TrimLeft(rest, " \t")
		l.Value, l.ValueStart = v, end-len(v)
	case 'M':
		l.Mailer = parseMailer(body, at)
		l.Name = l.Mailer.Name
	default:
		l.Value, l.ValueStart = body, at
	}
	return l
}

// parseMailer splits "name, P=x, F=y, A=TCP $h 587" at commas
// (readcf.c makemailer(): fields are "key=value" separated by commas;
// spaces around them are skipped).
func parseMailer(body string, at int) *Mailer {
	m := &Mailer{Fields: map[string]Field{}}
	name, rest, _ := strings.Cut(body, ",")
	m.Name = strings.TrimSpace(name)
	off := at + len(name) + 1
	for rest != "" {
		field, next, found := strings.Cut(rest, ",")
		t := strings.TrimLeft(field, " \t\r\n")
		fstart := off + len(field) - len(t)
		if k, v, ok := strings.Cut(t, "="); ok && strings.TrimSpace(k) != "" {
			key := strings.ToUpper(strings.TrimSpace(k)[:1])
			vt := strings.TrimSpace(v)
			vs := fstart + len(k) + 1 + strings.Index(v, vt)
			if vt == "" {
				vs = fstart + len(k) + 1
			}
			m.Fields[key] = Field{Value: vt, Start: vs, End: vs + len(vt)}
		}
		off += len(field) + 1
		if !found {
			break
		}
		rest = next
	}
	return m
}

// Macro returns the last D line defining name ("S" for DS), or nil.
func (cf *CF) Macro(name string) *CFLine {
	var out *CFLine
	for _, l := range cf.Lines {
		if l.Cmd == 'D' && l.Name == name {
			out = l
		}
	}
	return out
}

// Option returns the last O line setting the long option name, or nil.
func (cf *CF) Option(name string) *CFLine {
	var out *CFLine
	for _, l := range cf.Lines {
		if l.Cmd == 'O' && strings.EqualFold(l.Name, name) {
			out = l
		}
	}
	return out
}

// Map returns the K line declaring map name, or nil.
func (cf *CF) Map(name string) *CFLine {
	for _, l := range cf.Lines {
		if l.Cmd == 'K' && l.Name == name {
			return l
		}
	}
	return nil
}

// MailerNamed returns the M line of mailer name, or nil.
func (cf *CF) MailerNamed(name string) *CFLine {
	for _, l := range cf.Lines {
		if l.Cmd == 'M' && l.Name == name {
			return l
		}
	}
	return nil
}
