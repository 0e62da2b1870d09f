package lint

import (
	"cmp"
	"slices"
)

// Pos is a position in a file: 1-based line, 1-based column counting bytes.
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// TextEdit replaces the bytes [Start, End) of the finding's file with NewText.
// Offsets count bytes from the start of the file.
type TextEdit struct {
	Start   int    `json:"start"`
	End     int    `json:"end"`
	NewText string `json:"new_text"`
}

// Fix is a suggested change to the finding's file. Safe fixes are applied by
// --fix; others are only shown by --diff.
type Fix struct {
	Description string     `json:"description"`
	Safe        bool       `json:"safe"`
	Edits       []TextEdit `json:"edits"`
}

// Finding is one diagnostic. Start is inclusive; End is exclusive (the column
// just past the last byte of the span), as in SARIF. A finding on a whole file
// has Start == End == {1, 1}.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Path     string   `json:"path"`
	Start    Pos      `json:"-"`
	End      Pos      `json:"-"`
	Message  string   `json:"message"`
	Hint     string   `json:"hint,omitempty"`
	Fix      *Fix     `json:"fix,omitempty"`
}

// SortFindings orders findings by path, line, column, rule, then message, so
// that output is deterministic.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Start.Line, b.Start.Line),
			cmp.Compare(a.Start.Column, b.Start.Column),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.End.Line, b.End.Line),
			cmp.Compare(a.End.Column, b.End.Column),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Summary counts findings per severity.
type Summary struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
	Info    int `json:"info"`
}

// Summarize counts fs by severity.
func Summarize(fs []Finding) Summary {
	var s Summary
	for _, f := range fs {
		switch f.Severity {
		case SeverityError:
			s.Error++
		case SeverityWarning:
			s.Warning++
		case SeverityInfo:
			s.Info++
		}
	}
	return s
}

// Fails reports whether any finding is at or above level. SeverityNone never
// fails.
func Fails(fs []Finding, level Severity) bool {
	if level == SeverityNone {
		return false
	}
	for _, f := range fs {
		if f.Severity >= level {
			return true
		}
	}
	return false
}
