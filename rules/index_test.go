package rules

import (
	"os"
	"testing"
)

// TestRuleIndex keeps docs/rules/README.md in step with the registry.
func TestRuleIndex(t *testing.T) {
	got, err := os.ReadFile("../docs/rules/README.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != Index(Default()) {
		t.Error("docs/rules/README.md is stale: run `go generate ./docs`")
	}
}
