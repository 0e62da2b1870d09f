package output

import (
	"bufio"
	"encoding/xml"
	"io"
	"slices"
	"strconv"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// Checkstyle writes res as Checkstyle XML, the format reviewdog
// (-f=checkstyle) and Jenkins (warnings-ng, recordIssues checkStyle) read:
//
//	<?xml version="1.0" encoding="UTF-8"?>
//	<checkstyle version="4.3">
//	  <file name="main.cf">
//	    <error line="2" column="13" severity="warning" message="…" source="smarthost-lint.PF001"/>
//	  </file>
//	</checkstyle>
//
// Every linted file gets a <file> element, with no <error> when it is
// clean (as Checkstyle itself reports); files are sorted by name and
// errors keep the order of res. Severities are error, warning and info;
// the hint follows the message after " — hint: ". A whole-file finding has
// line 1 and no column. Characters XML cannot carry (control characters
// from a binary config) are replaced by U+FFFD.
func Checkstyle(w io.Writer, res *lint.Result) error {
	type file struct {
		name   string
		errors []lint.Finding
	}
	byName := map[string]*file{}
	var names []string
	get := func(name string) *file {
		if f, ok := byName[name]; ok {
			return f
		}
		f := &file{name: name}
		byName[name] = f
		names = append(names, name)
		return f
	}
	for _, f := range res.Files {
		get(f.Path)
	}
	for _, fd := range res.Findings {
		f := get(fd.Path)
		f.errors = append(f.errors, fd)
	}
	slices.Sort(names)

	bw := bufio.NewWriter(w)
	bw.WriteString(xml.Header)
	bw.WriteString(`<checkstyle version="4.3">` + "\n")
	for _, name := range names {
		f := byName[name]
		bw.WriteString(`  <file name="` + attr(name) + `"`)
		if len(f.errors) == 0 {
			bw.WriteString("/>\n")
			continue
		}
		bw.WriteString(">\n")
		for _, fd := range f.errors {
			msg := fd.Message
			if fd.Hint != "" {
				msg += " — hint: " + fd.Hint
			}
			bw.WriteString(`    <error line="` + strconv.Itoa(max(fd.Start.Line, 1)) + `"`)
			whole := lint.Pos{Line: 1, Column: 1}
			if fd.Start != whole || fd.End != whole {
				bw.WriteString(` column="` + strconv.Itoa(max(fd.Start.Column, 1)) + `"`)
			}
			bw.WriteString(` severity="` + fd.Severity.String() + `" message="` + attr(msg) +
				`" source="` + attr(ToolName+"."+fd.Rule) + `"/>` + "\n")
		}
		bw.WriteString("  </file>\n")
	}
	bw.WriteString("</checkstyle>\n")
	return bw.Flush()
}

// attr escapes s for a double-quoted XML attribute. xml.EscapeText also
// escapes newlines and tabs (as &#xA; and &#x9;), so multi-line messages
// survive attribute normalisation, and it replaces characters XML 1.0
// forbids.
func attr(s string) string {
	var b bytesBuffer
	_ = xml.EscapeText(&b, []byte(s))
	return string(b)
}

// bytesBuffer is the smallest io.Writer for attr.
type bytesBuffer []byte

func (b *bytesBuffer) Write(p []byte) (int, error) { *b = append(*b, p...); return len(p), nil }
