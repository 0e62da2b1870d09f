package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/rules"
)

// TestRulesAndExplainCoverRegistry: `rules` lists every registered rule of
// every MTA in aligned columns, and `explain` prints something for each.
func TestRulesAndExplainCoverRegistry(t *testing.T) {
	inTempDir(t)
	var out, errb bytes.Buffer
	if code := Main([]string{"rules"}, nil, &out, &errb); code != 0 {
		t.Fatalf("rules: exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	reg := rules.Default()
	if len(lines) != len(reg.Rules())+1 {
		t.Fatalf("rules printed %d rows for %d rules", len(lines)-1, len(reg.Rules()))
	}
	titleCol := strings.Index(lines[0], "TITLE")
	for i, r := range reg.Rules() {
		row := lines[i+1]
		if !strings.HasPrefix(row, r.ID+" ") || len(row) < titleCol || !strings.HasPrefix(row[titleCol:], r.Title) {
			t.Errorf("row %q: want %s with its title at column %d", row, r.ID, titleCol)
		}
		out.Reset()
		if code := Main([]string{"explain", strings.ToLower(r.ID)}, nil, &out, &errb); code != 0 {
			t.Errorf("explain %s: exit %d", r.ID, code)
		}
		// Whether the page exists is TestDocs' business (package rules).
		if !strings.Contains(out.String(), r.ID) || !strings.Contains(out.String(), "Online: ") {
			t.Errorf("explain %s:\n%.200s", r.ID, out.String())
		}
	}
}
