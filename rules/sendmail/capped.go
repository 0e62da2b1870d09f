package sendmail

import (
	"fmt"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// maxPerKind caps the findings of one kind in one file. A 100,000-line
// map with the same mistake on every line gets the first ones one by one
// and a single finding for the rest, which carries all their fixes, so
// the output stays proportionate to the input.
const maxPerKind = 20

// capped reports findings of one kind up to maxPerKind, then collects
// the rest into one finding.
type capped struct {
	p     *lint.Pass
	n     int
	rest  *lint.Finding
	first int // line of the first collected finding
}

func (c *capped) report(fd lint.Finding) {
	c.n++
	if c.n <= maxPerKind {
		c.p.Report(fd)
		return
	}
	if c.rest == nil {
		r := fd
		if fd.Fix != nil {
			r.Fix = &lint.Fix{Description: fd.Fix.Description, Safe: fd.Fix.Safe, Edits: append([]lint.TextEdit(nil), fd.Fix.Edits...)}
		}
		c.rest, c.first = &r, fd.Start.Line
		return
	}
	if fd.Fix != nil && c.rest.Fix != nil {
		c.rest.Fix.Edits = append(c.rest.Fix.Edits, fd.Fix.Edits...)
	}
}

// flush reports the collected rest, if any.
func (c *capped) flush() {
	if c.rest == nil {
		return
	}
	more := c.n - maxPerKind
	c.rest.Message = fmt.Sprintf("%d more lines from here on (line %d) have the same problem: %s", more, c.first, c.rest.Message)
	c.p.Report(*c.rest)
}
