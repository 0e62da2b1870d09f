package output

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// diffContext is the number of unchanged lines around a change, as diff -u
// and git use.
const diffContext = 3

// Diff writes the fix plans (lint.PlanFixes) as one unified diff that
// `git apply` and `patch -p1` accept: for each file, "--- a/PATH" and
// "+++ b/PATH" headers and hunks with three lines of context, computed
// line by line with github.com/sergi/go-diff. Absolute paths keep their
// place below a/ and b/ (a/etc/postfix/main.cf), to apply from / .
//
// Before each file's headers, lines starting with "# " say which fixes the
// diff holds and which it leaves out and why (not safe, overlapping); git
// apply and patch skip such lines. Secrets never appear: a hunk whose
// context would show a line holding a secret is cut to less context, and
// a change on such a line is left out of the diff with a note (--fix,
// which writes the file itself, still applies it).
func Diff(w io.Writer, plans []*lint.FixPlan) error {
	bw := bufio.NewWriter(w)
	for _, p := range plans {
		writeFileDiff(bw, p)
	}
	return bw.Flush()
}

// diffLine is one line of a line-level diff.
type diffLine struct {
	op      diffmatchpatch.Operation
	text    string // with its newline, if it has one
	oldLine int    // 1-based line in the old file (equal and delete), else 0
	// Lines of the old and the new file before this one.
	oldBefore, newBefore int
}

// fileDiff is the diff of one file as it is written: the hunks, the fixes
// they show and the fixes left out with the reason.
type fileDiff struct {
	hunks  [][]diffLine
	shown  []lint.PlannedFix
	hidden []lint.PlannedFix // on, or next to, a line holding a secret
	// nextTo marks hidden fixes whose own lines hold no secret but whose
	// hunk could not be shown without a neighbouring secret line.
	nextTo map[int]bool
}

func computeFileDiff(p *lint.FixPlan) fileDiff {
	f := p.File
	var d fileDiff
	d.nextTo = map[int]bool{}
	// A fix that changes a line holding a secret cannot be shown without
	// the secret: leave it out of the diff (--fix writes it).
	var edits []lint.TextEdit
	var candidates []lint.PlannedFix
	for _, a := range p.Applied {
		if fixTouchesSecret(f, a.Fix) {
			d.hidden = append(d.hidden, a)
			continue
		}
		candidates = append(candidates, a)
		edits = append(edits, a.Fix.Edits...)
	}
	if len(edits) == 0 {
		return d
	}
	lines := lineDiff(f.Text(), string(lint.ApplyEdits(f.Src, edits)))
	secret := func(l diffLine) bool {
		if l.oldLine == 0 {
			return false
		}
		sp := f.LineSpan(l.oldLine)
		return f.ContainsSecret(sp.Start, sp.End+1)
	}
	for _, g := range groupChanges(lines, diffContext) {
		d.hunks, _ = appendSafeHunks(d.hunks, 0, lines, g, diffContext, secret)
	}
	// A fix is in the diff when one of the hunks shown changes its lines;
	// the others were in hunks cut for a neighbouring secret line.
	for _, a := range candidates {
		if fixShown(f, a.Fix, d.hunks) {
			d.shown = append(d.shown, a)
		} else {
			d.nextTo[len(d.hidden)] = true
			d.hidden = append(d.hidden, a)
		}
	}
	return d
}

// fixShown reports whether a hunk changes a line that an edit of fix
// covers (an inserted line counts for the line it is inserted before).
func fixShown(f *lint.File, fix *lint.Fix, hunks [][]diffLine) bool {
	for _, e := range fix.Edits {
		lo, hi := f.Pos(e.Start).Line, f.Pos(e.End).Line
		for _, h := range hunks {
			for _, l := range h {
				switch {
				case l.op == diffmatchpatch.DiffEqual:
				case l.oldLine != 0 && l.oldLine >= lo && l.oldLine <= hi:
					return true
				case l.oldLine == 0 && l.oldBefore+1 >= lo && l.oldBefore+1 <= hi+1:
					return true
				}
			}
		}
	}
	return false
}

func writeFileDiff(w *bufio.Writer, p *lint.FixPlan) {
	f := p.File
	d := computeFileDiff(p)
	for _, a := range d.shown {
		fmt.Fprintf(w, "# %s:%d: %s: %s\n", f.Path, a.Finding.Start.Line, a.Finding.Rule, oneLine(a.Fix.Description))
	}
	for i, a := range d.hidden {
		why := "the line holds a secret; --fix applies it"
		if d.nextTo[i] {
			why = "a line next to it holds a secret; --fix applies it"
		}
		fmt.Fprintf(w, "# not in this diff: %s:%d: %s: %s (%s)\n", f.Path, a.Finding.Start.Line, a.Finding.Rule, oneLine(a.Fix.Description), why)
	}
	for _, s := range p.Skipped {
		fmt.Fprintf(w, "# not in this diff: %s:%d: %s: %s (%s)\n", f.Path, s.Finding.Start.Line, s.Finding.Rule, oneLine(s.Fix.Description), s.Reason)
	}
	if len(d.hunks) == 0 {
		return
	}
	fmt.Fprintf(w, "--- %s\n+++ %s\n", diffPath("a", f.Path), diffPath("b", f.Path))
	for _, h := range d.hunks {
		writeHunk(w, h)
	}
}

// DiffShown counts the fixes Diff shows for plans: the applied fixes
// minus those left out because they are on, or next to, a line holding a
// secret (Diff lists those in "# not in this diff" lines).
func DiffShown(plans []*lint.FixPlan) (shown, secret int) {
	for _, p := range plans {
		d := computeFileDiff(p)
		shown += len(d.shown)
		secret += len(d.hidden)
	}
	return shown, secret
}

// fixTouchesSecret reports whether an edit of fix lies on a line that
// holds a secret.
func fixTouchesSecret(f *lint.File, fix *lint.Fix) bool {
	for _, e := range fix.Edits {
		lo, hi := f.Pos(e.Start).Line, f.Pos(e.End).Line
		for n := lo; n <= hi; n++ {
			sp := f.LineSpan(n)
			if f.ContainsSecret(sp.Start, sp.End+1) {
				return true
			}
		}
	}
	return false
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// diffPath prefixes a path for a diff header as git does.
func diffPath(prefix, p string) string {
	return prefix + "/" + strings.TrimLeft(strings.ReplaceAll(p, "\\", "/"), "/")
}

// lineDiff diffs two texts line by line.
func lineDiff(a, b string) []diffLine {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // exact and deterministic, whatever the machine's speed
	ra, rb, table := dmp.DiffLinesToRunes(a, b)
	var out []diffLine
	old, nw := 0, 0
	for _, d := range dmp.DiffMainRunes(ra, rb, false) {
		for _, r := range d.Text {
			l := diffLine{op: d.Type, text: table[r], oldBefore: old, newBefore: nw}
			if d.Type != diffmatchpatch.DiffInsert {
				old++
				l.oldLine = old
			}
			if d.Type != diffmatchpatch.DiffDelete {
				nw++
			}
			out = append(out, l)
		}
	}
	return out
}

// lineRange is a half-open range of indexes into the diff lines.
type lineRange struct{ lo, hi int }

// groupChanges returns the hunks of a diff with ctx lines of context: each
// run of changed lines widened by ctx on both sides, runs that would touch
// or overlap merged.
func groupChanges(lines []diffLine, ctx int) []lineRange {
	var out []lineRange
	for i := 0; i < len(lines); {
		if lines[i].op == diffmatchpatch.DiffEqual {
			i++
			continue
		}
		j := i
		for j < len(lines) && lines[j].op != diffmatchpatch.DiffEqual {
			j++
		}
		s := lineRange{max(0, i-ctx), min(len(lines), j+ctx)}
		if n := len(out); n > 0 && s.lo <= out[n-1].hi {
			out[n-1].hi = s.hi
		} else {
			out = append(out, s)
		}
		i = j
	}
	return out
}

// appendSafeHunks adds the hunk g unless one of its lines holds a secret;
// then it tries again with less context, and leaves out the changes that
// touch a secret line themselves. It returns the hunks and the number of
// left-out changes.
func appendSafeHunks(hunks [][]diffLine, hidden int, lines []diffLine, g lineRange, ctx int, secret func(diffLine) bool) ([][]diffLine, int) {
	clean := true
	for _, l := range lines[g.lo:g.hi] {
		if secret(l) {
			clean = false
			break
		}
	}
	if clean {
		return append(hunks, lines[g.lo:g.hi]), hidden
	}
	if ctx > 1 {
		// Regroup just this part of the diff with less context. Context
		// never crosses into another group (groups are ctx apart at least).
		inner := lines[g.lo:g.hi]
		for _, s := range groupChanges(inner, ctx-1) {
			hunks, hidden = appendSafeHunks(hunks, hidden, lines, lineRange{g.lo + s.lo, g.lo + s.hi}, ctx-1, secret)
		}
		return hunks, hidden
	}
	return hunks, hidden + 1
}

// writeHunk writes one hunk with its @@ header. As in diff -u, a range of
// zero lines names the line before it.
func writeHunk(w *bufio.Writer, h []diffLine) {
	oldN, newN := 0, 0
	for _, l := range h {
		switch l.op {
		case diffmatchpatch.DiffEqual:
			oldN++
			newN++
		case diffmatchpatch.DiffDelete:
			oldN++
		case diffmatchpatch.DiffInsert:
			newN++
		}
	}
	oldStart, newStart := h[0].oldBefore, h[0].newBefore
	if oldN > 0 {
		oldStart++
	}
	if newN > 0 {
		newStart++
	}
	fmt.Fprintf(w, "@@ -%s +%s @@\n", hunkRange(oldStart, oldN), hunkRange(newStart, newN))
	for _, l := range h {
		prefix := " "
		switch l.op {
		case diffmatchpatch.DiffDelete:
			prefix = "-"
		case diffmatchpatch.DiffInsert:
			prefix = "+"
		}
		w.WriteString(prefix)
		w.WriteString(l.text)
		if !strings.HasSuffix(l.text, "\n") {
			w.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

func hunkRange(start, n int) string {
	if n == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}
