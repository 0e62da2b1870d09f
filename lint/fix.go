package lint

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
)

// FixLeaksSecret reports whether applying fix would show a secret of f
// outside its place: an edit whose new text contains the bytes of one of
// the file's secrets. Rules must not copy secrets into fixes; formatters
// and --diff check anyway and drop such a fix.
func (f *File) FixLeaksSecret(fix *Fix) bool {
	if fix == nil || f.Secrets == nil {
		return false
	}
	var text []string
	for _, e := range fix.Edits {
		if e.NewText != "" {
			text = append(text, e.NewText)
		}
	}
	if len(text) == 0 {
		return false
	}
	for _, s := range f.Secrets.SecretsIn(0, len(f.Src)) {
		if s.End <= s.Start || s.End > len(f.Src) {
			continue
		}
		secret := f.Src[s.Start:s.End]
		for _, t := range text {
			if strings.Contains(t, string(secret)) {
				return true
			}
		}
	}
	return false
}

// PlannedFix is a fix chosen for one file, with the finding it comes from.
type PlannedFix struct {
	Finding Finding
	Fix     *Fix
}

// FixPlan is what applying the fixes of one file gives.
type FixPlan struct {
	File    *File
	Applied []PlannedFix // fixes whose edits are in New, in order
	// Skipped are fixes left out: they overlap an applied fix, are not
	// safe (when only safe fixes were asked for), or would leak a secret.
	Skipped []SkippedFix
	New     []byte // the file's contents with the applied fixes
}

// SkippedFix is a fix that a plan leaves out, with the reason.
type SkippedFix struct {
	PlannedFix
	Reason string
}

// Skip reasons.
const (
	SkipUnsafe  = "not safe to apply without review"
	SkipOverlap = "overlaps another fix; run again after this one is applied"
	SkipSecret  = "would copy a secret"
	SkipInvalid = "edit outside the file"
	SkipSyntax  = "the file has a syntax error; fix that first"
)

// PlanFixes groups the fixes of res by file and applies them in memory.
// With unsafe false only fixes marked Safe are applied. Fixes are taken
// in finding order (path, line, column, rule), and a fix whose edits touch
// a line that an already accepted fix touches is skipped whole (see
// linesOverlap), so the result is deterministic and every applied fix is
// applied entirely; fixing again after re-linting applies the rest. A fix identical
// to one already accepted (two findings suggesting the same change) is
// applied once. No fix is applied to a file with a syntax error (a finding
// of a *000 rule): edits computed from a partial parse could do damage.
// Files without fixes are not in the plan; plans are sorted by path.
func PlanFixes(res *Result, unsafe bool) []*FixPlan {
	broken := map[string]bool{}
	for _, fd := range res.Findings {
		if strings.HasSuffix(fd.Rule, "000") {
			broken[fd.Path] = true
		}
	}
	byPath := map[string]*File{}
	for _, f := range res.Files {
		if _, ok := byPath[f.Path]; !ok {
			byPath[f.Path] = f
		}
	}
	plans := map[string]*FixPlan{}
	var order []string
	type edit struct {
		TextEdit
		fix int
	}
	accepted := map[string][]edit{}
	for _, fd := range res.Findings {
		if fd.Fix == nil || len(fd.Fix.Edits) == 0 {
			continue
		}
		f := byPath[fd.Path]
		if f == nil {
			continue
		}
		p := plans[fd.Path]
		if p == nil {
			p = &FixPlan{File: f}
			plans[fd.Path] = p
			order = append(order, fd.Path)
		}
		pf := PlannedFix{Finding: fd, Fix: fd.Fix}
		skip := func(reason string) { p.Skipped = append(p.Skipped, SkippedFix{pf, reason}) }
		switch {
		case broken[fd.Path]:
			skip(SkipSyntax)
			continue
		case !fd.Fix.Safe && !unsafe:
			skip(SkipUnsafe)
			continue
		case !editsValid(f, fd.Fix.Edits):
			skip(SkipInvalid)
			continue
		case f.FixLeaksSecret(fd.Fix):
			skip(SkipSecret)
			continue
		}
		if duplicateFix(p, fd.Fix) {
			continue
		}
		clash := false
		for _, e := range fd.Fix.Edits {
			for _, a := range accepted[fd.Path] {
				if editsOverlap(e, a.TextEdit) || linesOverlap(f, e, a.TextEdit) {
					clash = true
				}
			}
		}
		// Two edits of the same fix may not overlap either.
		es := fd.Fix.Edits
		for i := range es {
			for j := i + 1; j < len(es); j++ {
				if editsOverlap(es[i], es[j]) {
					clash = true
				}
			}
		}
		if clash {
			skip(SkipOverlap)
			continue
		}
		for _, e := range fd.Fix.Edits {
			accepted[fd.Path] = append(accepted[fd.Path], edit{e, len(p.Applied)})
		}
		p.Applied = append(p.Applied, pf)
	}
	slices.Sort(order)
	var out []*FixPlan
	for _, path := range order {
		p := plans[path]
		var edits []TextEdit
		for _, e := range accepted[path] {
			edits = append(edits, e.TextEdit)
		}
		p.New = ApplyEdits(p.File.Src, edits)
		out = append(out, p)
	}
	return out
}

func editsValid(f *File, es []TextEdit) bool {
	for _, e := range es {
		if e.Start < 0 || e.End < e.Start || e.End > len(f.Src) {
			return false
		}
	}
	return true
}

// editsOverlap reports whether two edits touch the same bytes. Two
// insertions at the same offset overlap too: their order would be a guess.
func editsOverlap(a, b TextEdit) bool {
	if a.Start == a.End && b.Start == b.End {
		return a.Start == b.Start
	}
	return a.Start < b.End && b.Start < a.End
}

// linesOverlap reports whether two edits touch a common line. Fixes are
// computed from one parse of the file: a second fix on a line that another
// fix changes (an indented line that is re-parsed once the indentation is
// gone, a host that gets both brackets and a port) is left for the next
// pass, which sees the file as it then is.
func linesOverlap(f *File, a, b TextEdit) bool {
	al, ah := editLines(f, a)
	bl, bh := editLines(f, b)
	return al <= bh && bl <= ah
}

// editLines is the first and last line an edit touches. Deleting up to the
// start of a line does not touch that line.
func editLines(f *File, e TextEdit) (int, int) {
	lo, hi := f.Pos(e.Start), f.Pos(e.End)
	if e.End > e.Start && hi.Column == 1 {
		hi.Line--
	}
	return lo.Line, max(hi.Line, lo.Line)
}

func duplicateFix(p *FixPlan, fix *Fix) bool {
	for _, a := range p.Applied {
		if slices.Equal(a.Fix.Edits, fix.Edits) {
			return true
		}
	}
	return false
}

// ApplyEdits returns src with the edits applied. The edits must not
// overlap (see PlanFixes); they may come in any order.
func ApplyEdits(src []byte, edits []TextEdit) []byte {
	es := slices.Clone(edits)
	slices.SortStableFunc(es, func(a, b TextEdit) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
	})
	var b bytes.Buffer
	b.Grow(len(src))
	last := 0
	for _, e := range es {
		b.Write(src[last:e.Start])
		b.WriteString(e.NewText)
		last = e.End
	}
	b.Write(src[last:])
	return b.Bytes()
}
