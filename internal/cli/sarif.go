package cli

import (
	"strings"

	"github.com/smarthost-lint/smarthost-lint/docs"
	"github.com/smarthost-lint/smarthost-lint/lint/output"
)

// sarifOptions describe every registered rule to SARIF consumers, with the
// rule page as helpUri and its "What it finds" paragraph as description.
func (c *command) sarifOptions() output.SARIFOptions {
	return output.SARIFOptions{
		Version:        buildVersion(),
		InformationURI: "https://github.com/smarthost-lint/smarthost-lint",
		Rules:          c.reg.Rules(),
		HelpURI:        func(id string) string { return docs.BaseURL + id + ".md" },
		Description:    ruleDescription,
	}
}

// ruleDescription is the first paragraph under "## What it finds" of a rule
// page, joined into one line; "" when the page has none.
func ruleDescription(id string) string {
	doc, ok := docs.Rule(id)
	if !ok {
		return ""
	}
	_, rest, ok := strings.Cut(doc, "\n## What it finds\n")
	if !ok {
		return ""
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimLeft(rest, "\n"), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "|") || strings.HasPrefix(l, "```") {
			break
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, " ")
}
