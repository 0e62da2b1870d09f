// Package docs embeds the rule documentation (docs/rules/ID.md) so that
// `smarthost-lint explain ID` works from a single binary, and so that tests
// can run every doc's bad and good example through the linter.
package docs

import (
	"embed"
	"io/fs"
	"strings"
)

//go:embed rules/*.md
var files embed.FS

// Rule returns the Markdown documentation of rule id.
func Rule(id string) (string, bool) {
	b, err := fs.ReadFile(files, "rules/"+id+".md")
	if err != nil {
		return "", false
	}
	return string(b), true
}

// IDs lists the rule IDs that have a documentation page.
func IDs() []string {
	ents, _ := fs.ReadDir(files, "rules")
	var ids []string
	for _, e := range ents {
		if id, ok := strings.CutSuffix(e.Name(), ".md"); ok && id != "README" {
			ids = append(ids, id)
		}
	}
	return ids
}

// BaseURL is where the rule pages are published; SARIF helpUri and the
// `explain` footer point here.
const BaseURL = "https://github.com/smarthost-lint/smarthost-lint/blob/main/docs/rules/"

//go:generate go run ../internal/gen/ruleindex -o rules/README.md
