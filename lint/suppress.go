package lint

import (
	"regexp"
	"strings"
)

// Suppression rule IDs reported by the engine itself.
const (
	RuleUnusedSuppression    = "GEN011"
	RuleMalformedSuppression = "GEN012"
)

// directive is one parsed `smarthost-lint:` comment.
type directive struct {
	file      *File
	c         Comment
	wholeFile bool
	ids       []string
	used      map[string]bool
}

var directiveRE = regexp.MustCompile(`^smarthost-lint:\s*(ignore-file|ignore)\b\s*(.*)$`)

// parseDirectives extracts the suppressions of f; malformed ones become
// GEN012 findings. known tells whether a rule ID exists.
func parseDirectives(f *File, known func(string) bool) ([]*directive, []Finding) {
	var ds []*directive
	var bad []Finding
	for _, c := range f.Comments {
		text := strings.TrimSpace(c.Text)
		if !strings.HasPrefix(text, "smarthost-lint:") {
			continue
		}
		malformed := func(msg, hint string) {
			fd := Finding{Rule: RuleMalformedSuppression, Severity: SeverityWarning, Path: f.Path,
				Start: Pos{c.Line, c.Column}, End: Pos{c.Line, c.Column + len(c.Text)},
				Message: msg, Hint: hint}
			bad = append(bad, fd)
		}
		m := directiveRE.FindStringSubmatch(text)
		if m == nil {
			malformed("malformed suppression comment: expected `smarthost-lint: ignore ID -- reason` or `smarthost-lint: ignore-file ID -- reason`",
				"write `smarthost-lint: ignore PF015 -- why this is fine here`")
			continue
		}
		rest := m[2]
		idsPart, reason, hasReason := strings.Cut(rest, "--")
		if !hasReason || strings.TrimSpace(reason) == "" {
			malformed("suppression without a reason: add `-- reason` after the rule IDs",
				"write `smarthost-lint: "+m[1]+" "+strings.TrimSpace(idsPart)+" -- why this is fine here`")
			continue
		}
		ids := strings.FieldsFunc(idsPart, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
		if len(ids) == 0 {
			malformed("suppression names no rule: list the rule IDs to ignore", "write `smarthost-lint: "+m[1]+" PF015 -- reason`")
			continue
		}
		var unknown []string
		for _, id := range ids {
			if !known(id) {
				unknown = append(unknown, id)
			}
		}
		if len(unknown) > 0 {
			malformed("suppression names unknown rule "+strings.Join(unknown, ", "), "run `smarthost-lint rules` for the list of IDs")
			continue
		}
		if m[1] == "ignore" && c.FirstLine == 0 {
			malformed("suppression comment is not followed by anything it could apply to", "put it on the line above the directive, or use ignore-file")
			continue
		}
		ds = append(ds, &directive{file: f, c: c, wholeFile: m[1] == "ignore-file", ids: ids, used: map[string]bool{}})
	}
	return ds, bad
}

func (d *directive) covers(fd Finding) bool {
	if d.file.Path != fd.Path {
		return false
	}
	if !d.wholeFile && (fd.Start.Line < d.c.FirstLine || fd.Start.Line > d.c.LastLine) {
		return false
	}
	for _, id := range d.ids {
		if id == fd.Rule {
			d.used[id] = true
			return true
		}
	}
	return false
}

// applySuppressions drops the findings covered by inline suppressions and
// adds GEN011/GEN012 findings. With disabled set, suppressions are not
// honoured and each one is reported instead (--no-inline-ignore).
func applySuppressions(files []*File, fs []Finding, known func(string) bool, enabled func(string) bool, disabled bool) []Finding {
	var ds []*directive
	var extra []Finding
	for _, f := range files {
		d, bad := parseDirectives(f, known)
		ds = append(ds, d...)
		extra = append(extra, bad...)
	}
	if disabled {
		for _, d := range ds {
			extra = append(extra, Finding{Rule: RuleUnusedSuppression, Severity: SeverityInfo, Path: d.file.Path,
				Start: Pos{d.c.Line, d.c.Column}, End: Pos{d.c.Line, d.c.Column + len(d.c.Text)},
				Message: "inline suppression not honoured: --no-inline-ignore is in effect",
				Hint:    "fix the finding, or record the exception in .smarthost-lint.yaml `ignore:`"})
		}
		return append(fs, extra...)
	}
	kept := fs[:0]
	for _, fd := range fs {
		suppressed := false
		for _, d := range ds {
			if d.covers(fd) {
				suppressed = true
			}
		}
		if !suppressed {
			kept = append(kept, fd)
		}
	}
	for _, d := range ds {
		for _, id := range d.ids {
			if d.used[id] || !enabled(id) {
				continue
			}
			what := "the line below"
			if d.wholeFile {
				what = "this file"
			} else if d.c.Trailing {
				what = "this line"
			}
			extra = append(extra, Finding{Rule: RuleUnusedSuppression, Severity: SeverityInfo, Path: d.file.Path,
				Start: Pos{d.c.Line, d.c.Column}, End: Pos{d.c.Line, d.c.Column + len(d.c.Text)},
				Message: "suppression of " + id + " matches no finding on " + what,
				Hint:    "remove the stale suppression"})
		}
	}
	return append(kept, extra...)
}

// EngineRules are the rules the engine reports itself (no Check function).
var EngineRules = []*Rule{
	{ID: RuleMultipleMTAs, Severity: SeverityInfo, Title: "more than one MTA is configured"},
	{ID: RuleUnusedSuppression, Severity: SeverityInfo, Title: "inline suppression matches no finding"},
	{ID: RuleMalformedSuppression, Severity: SeverityWarning, Title: "malformed inline suppression comment"},
}
