package output

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// GitHub writes one GitHub Actions workflow command per finding, which the
// runner turns into an annotation on the file and line:
//
//	::error file=main.cf,line=2,col=13,endColumn=29,title=PF001::message
//
// error and warning findings become ::error and ::warning, info findings
// ::notice. A finding over several lines carries endLine instead of
// endColumn (GitHub only uses columns on one line); a whole-file finding
// carries line=1 only. The hint follows the message on its own line.
// Columns count bytes, as everywhere in lint. Values are escaped as the
// runner unescapes them (actions/toolkit, command.ts): %, CR and LF in the
// message; also : and , in properties.
func GitHub(w io.Writer, res *lint.Result) error {
	bw := bufio.NewWriter(w)
	for _, fd := range res.Findings {
		cmd := "notice"
		switch fd.Severity {
		case lint.SeverityError:
			cmd = "error"
		case lint.SeverityWarning:
			cmd = "warning"
		}
		props := []string{"file=" + escapeProperty(fd.Path), fmt.Sprintf("line=%d", max(fd.Start.Line, 1))}
		whole := lint.Pos{Line: 1, Column: 1}
		if fd.Start != whole || fd.End != whole {
			props = append(props, fmt.Sprintf("col=%d", max(fd.Start.Column, 1)))
			if fd.End.Line > fd.Start.Line {
				props = append(props, fmt.Sprintf("endLine=%d", fd.End.Line))
			} else {
				props = append(props, fmt.Sprintf("endColumn=%d", max(fd.End.Column, fd.Start.Column, 1)))
			}
		}
		props = append(props, "title="+escapeProperty(fd.Rule))
		msg := fd.Message
		if fd.Hint != "" {
			msg += "\nhint: " + fd.Hint
		}
		fmt.Fprintf(bw, "::%s %s::%s\n", cmd, strings.Join(props, ","), escapeData(msg))
	}
	return bw.Flush()
}

// escapeData escapes a workflow command's message.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command property value.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
