package output

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// SARIFSchemaURI is the $schema of the documents SARIF writes: the SARIF
// 2.1.0 schema as published by SchemaStore, which GitHub code scanning and
// the SARIF SDK reference.
const SARIFSchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

// ToolName is the tool.driver.name of SARIF output and the source of
// checkstyle output.
const ToolName = "smarthost-lint"

// SARIFOptions describe the tool to the SARIF consumer. Everything is
// optional; the output is valid SARIF without any of it.
type SARIFOptions struct {
	// Version is tool.driver.version (the build version).
	Version string
	// InformationURI is tool.driver.informationUri.
	InformationURI string
	// Rules are listed in tool.driver.rules, in this order, whether or not
	// they have results, so that a code-scanning service can close alerts
	// of rules that no longer fire. Rules that have results but are not
	// listed are added with their ID only.
	Rules []*lint.Rule
	// HelpURI returns the documentation address of a rule (helpUri).
	HelpURI func(id string) string
	// Description returns the long description of a rule
	// (fullDescription); the rule's title is used when it returns "".
	Description func(id string) string
}

// SARIF types: only the subset of SARIF 2.1.0 this tool produces. Field
// names and nesting follow the specification (OASIS SARIF 2.1.0, §3).
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool       sarifTool     `json:"tool"`
		ColumnKind string        `json:"columnKind"`
		Results    []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri,omitempty"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string         `json:"id"`
		Name                 string         `json:"name,omitempty"`
		ShortDescription     *sarifText     `json:"shortDescription,omitempty"`
		FullDescription      *sarifText     `json:"fullDescription,omitempty"`
		HelpURI              string         `json:"helpUri,omitempty"`
		DefaultConfiguration *sarifRuleConf `json:"defaultConfiguration,omitempty"`
		Properties           *sarifRuleProp `json:"properties,omitempty"`
	}
	sarifRuleConf struct {
		Level string `json:"level"`
	}
	sarifRuleProp struct {
		MTA string `json:"mta,omitempty"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID    string          `json:"ruleId"`
		RuleIndex int             `json:"ruleIndex"`
		Level     string          `json:"level"`
		Message   sarifText       `json:"message"`
		Locations []sarifLocation `json:"locations"`
		Fixes     []sarifFix      `json:"fixes,omitempty"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine   int  `json:"startLine,omitempty"`
		StartColumn int  `json:"startColumn,omitempty"`
		EndLine     int  `json:"endLine,omitempty"`
		EndColumn   int  `json:"endColumn,omitempty"`
		ByteOffset  *int `json:"byteOffset,omitempty"`
		ByteLength  *int `json:"byteLength,omitempty"`
	}
	sarifFix struct {
		Description     sarifText             `json:"description"`
		ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
	}
	sarifArtifactChange struct {
		ArtifactLocation sarifArtifact      `json:"artifactLocation"`
		Replacements     []sarifReplacement `json:"replacements"`
	}
	sarifReplacement struct {
		DeletedRegion   sarifRegion `json:"deletedRegion"`
		InsertedContent *sarifText  `json:"insertedContent,omitempty"`
	}
)

// SARIF writes res as a SARIF 2.1.0 log with one run: tool.driver.rules
// from opts.Rules, one result per finding with its region and, where the
// rule gives one, its fix as a replacement.
//
// Columns are converted to UTF-16 code units (SARIF's default columnKind,
// which GitHub code scanning assumes) from the byte columns lint uses;
// fixes also carry byte offsets. Paths become relative URIs (absolute
// paths become file: URIs). A whole-file finding points at line 1. A fix
// whose inserted text would contain a secret of its file is left out; source
// text is never copied into the log, so secrets cannot leak through it.
func SARIF(w io.Writer, res *lint.Result, opts SARIFOptions) error {
	log := sarifLog{Schema: SARIFSchemaURI, Version: "2.1.0"}
	drv := sarifDriver{Name: ToolName, Version: opts.Version, InformationURI: opts.InformationURI, Rules: []sarifRule{}}
	index := map[string]int{}
	addRule := func(r *lint.Rule) {
		sr := sarifRule{ID: r.ID}
		if r.Title != "" {
			sr.Name = ruleName(r.Title)
			sr.ShortDescription = &sarifText{r.Title}
			full := r.Title
			if opts.Description != nil {
				if d := opts.Description(r.ID); d != "" {
					full = d
				}
			}
			sr.FullDescription = &sarifText{full}
		}
		if opts.HelpURI != nil {
			sr.HelpURI = opts.HelpURI(r.ID)
		}
		if r.Severity >= lint.SeverityInfo {
			sr.DefaultConfiguration = &sarifRuleConf{Level: sarifLevel(r.Severity)}
		}
		if r.MTA != "" {
			sr.Properties = &sarifRuleProp{MTA: r.MTA}
		}
		index[r.ID] = len(drv.Rules)
		drv.Rules = append(drv.Rules, sr)
	}
	for _, r := range opts.Rules {
		if _, dup := index[r.ID]; !dup {
			addRule(r)
		}
	}
	files := filesByPath(res.Files)
	results := make([]sarifResult, 0, len(res.Findings))
	for _, fd := range res.Findings {
		if _, ok := index[fd.Rule]; !ok {
			addRule(&lint.Rule{ID: fd.Rule})
		}
		f := files[fd.Path]
		uri := pathURI(fd.Path)
		text := fd.Message
		if fd.Hint != "" {
			text += "\nHint: " + fd.Hint
		}
		r := sarifResult{
			RuleID:    fd.Rule,
			RuleIndex: index[fd.Rule],
			Level:     sarifLevel(fd.Severity),
			Message:   sarifText{text},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: uri},
				Region:           findingRegion(f, fd),
			}}},
		}
		if fx := sarifFixOf(f, uri, fd.Fix); fx != nil {
			r.Fixes = []sarifFix{*fx}
		}
		results = append(results, r)
	}
	log.Runs = []sarifRun{{Tool: sarifTool{Driver: drv}, ColumnKind: "utf16CodeUnits", Results: results}}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

// sarifLevel maps a severity to a SARIF level (error, warning, note).
func sarifLevel(s lint.Severity) string {
	switch s {
	case lint.SeverityError:
		return "error"
	case lint.SeverityWarning:
		return "warning"
	case lint.SeverityInfo:
		return "note"
	}
	return "none"
}

// ruleName turns a title into the PascalCase identifier SARIF recommends
// for reportingDescriptor.name ("relayhost without brackets" →
// "RelayhostWithoutBrackets").
func ruleName(title string) string {
	var b strings.Builder
	up := true
	for _, r := range title {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		if r < utf8.RuneSelf {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pathURI makes a URI reference of a path: relative paths stay relative
// (resolved against the checkout by code-scanning services), absolute ones
// become file: URIs.
func pathURI(p string) string {
	p = filepath.ToSlash(p)
	u := url.URL{Path: p}
	if strings.HasPrefix(p, "/") {
		u.Scheme = "file"
	}
	s := u.String()
	if u.Scheme == "" && strings.Contains(strings.SplitN(p, "/", 2)[0], ":") {
		// A first segment with a colon would read as a scheme.
		s = "./" + s
	}
	return s
}

// findingRegion is the region of a finding, with columns in UTF-16 code
// units when the file is known.
func findingRegion(f *lint.File, fd lint.Finding) *sarifRegion {
	whole := lint.Pos{Line: 1, Column: 1}
	if fd.Start == whole && fd.End == whole {
		return &sarifRegion{StartLine: 1}
	}
	r := &sarifRegion{
		StartLine:   max(fd.Start.Line, 1),
		StartColumn: utf16Column(f, fd.Start),
		EndLine:     max(fd.End.Line, fd.Start.Line, 1),
		EndColumn:   utf16Column(f, fd.End),
	}
	if r.EndLine == r.StartLine && r.EndColumn < r.StartColumn {
		r.EndColumn = r.StartColumn
	}
	return r
}

// utf16Column converts a byte column into UTF-16 code units, counting the
// bytes of the line before it. An invalid UTF-8 byte counts as one unit (it
// decodes to U+FFFD). Without the file, the byte column is kept.
func utf16Column(f *lint.File, p lint.Pos) int {
	col := max(p.Column, 1)
	if f == nil || p.Line < 1 || p.Line > f.NumLines()+1 {
		return col
	}
	sp := f.LineSpan(p.Line)
	end := min(sp.Start+col-1, len(f.Src))
	if end < sp.Start {
		return col
	}
	units := 0
	for b := f.Src[sp.Start:end]; len(b) > 0; {
		r, n := utf8.DecodeRune(b)
		b = b[n:]
		if r >= 0x10000 {
			units += 2
		} else {
			units++
		}
	}
	return units + 1
}

// sarifFixOf converts a lint fix into a SARIF fix on the artifact uri.
func sarifFixOf(f *lint.File, uri string, fix *lint.Fix) *sarifFix {
	if fix == nil || len(fix.Edits) == 0 || f == nil || f.FixLeaksSecret(fix) {
		return nil
	}
	desc := fix.Description
	if desc == "" {
		desc = "apply the suggested change"
	}
	if !fix.Safe {
		desc += " (review before applying)"
	}
	ch := sarifArtifactChange{ArtifactLocation: sarifArtifact{URI: uri}}
	for _, e := range fix.Edits {
		start, length := e.Start, e.End-e.Start
		s, t := f.Pos(e.Start), f.Pos(e.End)
		rep := sarifReplacement{DeletedRegion: sarifRegion{
			StartLine: s.Line, StartColumn: utf16Column(f, s),
			EndLine: t.Line, EndColumn: utf16Column(f, t),
			ByteOffset: &start, ByteLength: &length,
		}}
		if e.NewText != "" {
			rep.InsertedContent = &sarifText{e.NewText}
		}
		ch.Replacements = append(ch.Replacements, rep)
	}
	return &sarifFix{Description: sarifText{desc}, ArtifactChanges: []sarifArtifactChange{ch}}
}
