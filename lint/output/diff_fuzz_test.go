package output

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// applyPatch applies the single-file unified diff written by Diff to old,
// checking every context and removed line, as patch(1) would.
func applyPatch(old, patch string) (string, error) {
	oldLines := strings.SplitAfter(old, "\n")
	if oldLines[len(oldLines)-1] == "" {
		oldLines = oldLines[:len(oldLines)-1]
	}
	var out []string
	next := 0 // index of the next old line to copy
	lines := strings.SplitAfter(patch, "\n")
	i := 0
	for i < len(lines) && !strings.HasPrefix(lines[i], "+++ ") {
		i++
	}
	for i++; i < len(lines); i++ {
		l := lines[i]
		if l == "" {
			continue
		}
		switch {
		case strings.HasPrefix(l, "@@ "):
			var a, b, c, d int
			hdr := strings.Fields(l)
			if _, err := fmt.Sscanf(withCount(hdr[1]), "-%d,%d", &a, &b); err != nil {
				return "", fmt.Errorf("bad header %q", l)
			}
			if _, err := fmt.Sscanf(withCount(hdr[2]), "+%d,%d", &c, &d); err != nil {
				return "", fmt.Errorf("bad header %q", l)
			}
			start := a - 1
			if b == 0 {
				start = a
			}
			if start < next || start > len(oldLines) {
				return "", fmt.Errorf("hunk %q out of order", l)
			}
			out = append(out, oldLines[next:start]...)
			next = start
		case l[0] == ' ' || l[0] == '-':
			if next >= len(oldLines) || oldLines[next] != l[1:] && oldLines[next] != strings.TrimSuffix(l[1:], "\n") {
				return "", fmt.Errorf("line %d: %q does not match %q", next+1, l, oldLines[min(next, len(oldLines)-1)])
			}
			if l[0] == ' ' {
				out = append(out, oldLines[next])
			}
			next++
		case l[0] == '+':
			out = append(out, l[1:])
		case strings.HasPrefix(l, `\ No newline at end of file`):
			// Belongs to the previous line, which came without a newline:
			// both the old and the new form are handled by the comparisons.
			if lines[i-1][0] == '+' {
				out[len(out)-1] = strings.TrimSuffix(out[len(out)-1], "\n")
			}
		default:
			return "", fmt.Errorf("unexpected line %q", l)
		}
	}
	out = append(out, oldLines[next:]...)
	return strings.Join(out, ""), nil
}

func withCount(r string) string {
	if !strings.Contains(r, ",") {
		return r + ",1"
	}
	return r
}

// FuzzDiff: for any file and any edits, the diff of the planned fixes,
// applied hunk by hunk with every context line checked, gives exactly the
// planned new contents.
func FuzzDiff(f *testing.F) {
	f.Add("a\nb\nc\n", 2, 3, "B\nx")
	f.Add("a\nb", 0, 3, "")
	f.Add("", 0, 0, "new\n")
	f.Add("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", 8, 12, "")
	f.Fuzz(func(t *testing.T, src string, start, end int, text string) {
		if len(src) > 4096 {
			return
		}
		start = max(0, min(start, len(src)))
		end = max(start, min(end, len(src)))
		file := lint.NewFile("x/main.cf", lint.KindPostfixMain, []byte(src))
		// Two edits: the fuzzed one, and its mirror near the end.
		edits := []lint.TextEdit{{Start: start, End: end, NewText: text}}
		if m := len(src) - end; m > end {
			edits = append(edits, lint.TextEdit{Start: m, End: m + (end - start), NewText: strings.ToUpper(text)})
		}
		plans := planFor(file, edits...)
		var b bytes.Buffer
		if err := Diff(&b, plans); err != nil {
			t.Fatal(err)
		}
		if len(plans) == 0 || !strings.Contains(b.String(), "\n+++ ") {
			return
		}
		got, err := applyPatch(src, b.String())
		if err != nil {
			t.Fatalf("%v\npatch:\n%s", err, b.String())
		}
		if got != string(plans[0].New) {
			t.Fatalf("patched %q, want %q\npatch:\n%s", got, plans[0].New, b.String())
		}
	})
}
