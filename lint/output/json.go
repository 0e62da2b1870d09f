package output

import (
	"cmp"
	"encoding/json"
	"io"
	"slices"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// JSONVersion is the version field of the JSON document. It changes only if
// a field is removed or renamed, which SPEC §4 rules out; new fields may be
// added at any time.
const JSONVersion = 1

// The JSON document mirrors SPEC §4 field for field. It is built from its
// own types rather than by encoding lint's, so a change in lint cannot
// silently change the published shape.
type jsonReport struct {
	Version  int           `json:"version"`
	Files    []jsonFile    `json:"files"`
	Findings []jsonFinding `json:"findings"`
	Summary  jsonSummary   `json:"summary"`
}

type jsonFile struct {
	Path string    `json:"path"`
	Kind lint.Kind `json:"kind"`
}

type jsonFinding struct {
	Rule      string        `json:"rule"`
	Severity  lint.Severity `json:"severity"`
	Path      string        `json:"path"`
	Line      int           `json:"line"`
	Column    int           `json:"column"`
	EndLine   int           `json:"end_line"`
	EndColumn int           `json:"end_column"`
	Message   string        `json:"message"`
	Hint      string        `json:"hint"`
	Fix       *jsonFix      `json:"fix"`
}

type jsonFix struct {
	Description string     `json:"description"`
	Safe        bool       `json:"safe"`
	Edits       []jsonEdit `json:"edits"`
}

// jsonEdit carries both byte offsets and line/column positions so that a
// consumer can apply or display the edit without reading the file.
type jsonEdit struct {
	Start       int    `json:"start"`
	End         int    `json:"end"`
	StartLine   int    `json:"start_line"`
	StartColumn int    `json:"start_column"`
	EndLine     int    `json:"end_line"`
	EndColumn   int    `json:"end_column"`
	NewText     string `json:"new_text"`
}

type jsonSummary struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
	Info    int `json:"info"`
}

// JSON writes res as the document of SPEC §4:
//
//	{"version": 1,
//	 "files": [{"path", "kind"}],
//	 "findings": [{"rule", "severity", "path", "line", "column",
//	               "end_line", "end_column", "message", "hint", "fix"}],
//	 "summary": {"error", "warning", "info"}}
//
// Files are sorted by path; findings keep the order of res (lint sorts
// them). Every key is always present: "hint" is "" and "fix" is null when
// the rule gives none, and "files" and "findings" are [] when empty. The
// same result always encodes to the same bytes.
func JSON(w io.Writer, res *lint.Result) error {
	rep := jsonReport{
		Version:  JSONVersion,
		Files:    make([]jsonFile, 0, len(res.Files)),
		Findings: make([]jsonFinding, 0, len(res.Findings)),
	}
	for _, f := range res.Files {
		rep.Files = append(rep.Files, jsonFile{Path: f.Path, Kind: f.Kind})
	}
	slices.SortStableFunc(rep.Files, func(a, b jsonFile) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Kind, b.Kind))
	})
	files := filesByPath(res.Files)
	for _, fd := range res.Findings {
		rep.Findings = append(rep.Findings, jsonFinding{
			Rule:      fd.Rule,
			Severity:  fd.Severity,
			Path:      fd.Path,
			Line:      fd.Start.Line,
			Column:    fd.Start.Column,
			EndLine:   fd.End.Line,
			EndColumn: fd.End.Column,
			Message:   fd.Message,
			Hint:      fd.Hint,
			Fix:       encodeFix(files[fd.Path], fd.Fix),
		})
	}
	s := lint.Summarize(res.Findings)
	rep.Summary = jsonSummary{Error: s.Error, Warning: s.Warning, Info: s.Info}

	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// encodeFix serialises the rule's edits as they are. f gives line and
// column positions; when the file is unknown they are 0.
func encodeFix(f *lint.File, fix *lint.Fix) *jsonFix {
	if fix == nil || (f != nil && f.FixLeaksSecret(fix)) {
		// A fix that would copy a secret is not shown (GEN005).
		return nil
	}
	out := &jsonFix{Description: fix.Description, Safe: fix.Safe, Edits: make([]jsonEdit, 0, len(fix.Edits))}
	for _, e := range fix.Edits {
		je := jsonEdit{Start: e.Start, End: e.End, NewText: e.NewText}
		if f != nil {
			s, t := f.Pos(e.Start), f.Pos(e.End)
			je.StartLine, je.StartColumn, je.EndLine, je.EndColumn = s.Line, s.Column, t.Line, t.Column
		}
		out.Edits = append(out.Edits, je)
	}
	return out
}
