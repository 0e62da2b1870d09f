package cli

import (
	"encoding/json"
	"fmt"
	"runtime/debug"
	"strings"
	"text/tabwriter"

	"github.com/smarthost-lint/smarthost-lint/docs"
)

// rules lists every registered rule, as a table or as JSON.
func (c *command) rules(args []string) (int, error) {
	if err := noArgs("rules", args); err != nil {
		return exitUsage, err
	}
	if f := c.flags.format; f != "text" && f != "json" {
		return exitUsage, usagef("rules --format: use text or json, not %s", f)
	}
	type ruleInfo struct {
		ID       string `json:"id"`
		Severity string `json:"severity"`
		MTA      string `json:"mta"`
		Title    string `json:"title"`
		HelpURI  string `json:"help_uri"`
	}
	var list []ruleInfo
	for _, r := range c.reg.Rules() {
		list = append(list, ruleInfo{ID: r.ID, Severity: r.Severity.String(), MTA: r.MTA, Title: r.Title, HelpURI: docs.BaseURL + r.ID + ".md"})
	}
	if c.flags.format == "json" {
		if list == nil {
			list = []ruleInfo{}
		}
		enc := json.NewEncoder(c.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			Version int        `json:"version"`
			Rules   []ruleInfo `json:"rules"`
		}{1, list}); err != nil {
			return exitUsage, fmt.Errorf("write output: %w", err)
		}
		return exitOK, nil
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tMTA\tTITLE")
	for _, r := range list {
		mta := r.MTA
		if mta == "" {
			mta = "any"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, mta, r.Title)
	}
	if err := tw.Flush(); err != nil {
		return exitUsage, fmt.Errorf("write output: %w", err)
	}
	return exitOK, nil
}

// explain prints the documentation page of one rule.
func (c *command) explain(args []string) (int, error) {
	if len(args) != 1 {
		return exitUsage, usagef("explain needs exactly one rule ID, e.g. `%s explain PF001`", progName)
	}
	id := strings.ToUpper(strings.TrimSpace(args[0]))
	doc, ok := docs.Rule(id)
	rule, known := c.reg.Rule(id)
	switch {
	case ok:
		fmt.Fprint(c.stdout, doc)
		if !strings.HasSuffix(doc, "\n") {
			fmt.Fprintln(c.stdout)
		}
	case known:
		// Every rule should have a page (SPEC §5); say what we know
		// rather than fail when one is missing.
		mta := rule.MTA
		if mta == "" {
			mta = "any MTA"
		}
		fmt.Fprintf(c.stdout, "%s: %s\n\nSeverity: %s. Checks: %s.\nThis rule has no documentation page yet.\n", rule.ID, rule.Title, rule.Severity, mta)
	default:
		return exitUsage, fmt.Errorf("unknown rule %q (see `%s rules`)", args[0], progName)
	}
	fmt.Fprintf(c.stdout, "\nOnline: %s%s.md\n", docs.BaseURL, id)
	return exitOK, nil
}

// version prints the module version the binary was built from.
func (c *command) version(args []string) (int, error) {
	if err := noArgs("version", args); err != nil {
		return exitUsage, err
	}
	fmt.Fprintf(c.stdout, "%s %s\n", progName, buildVersion())
	return exitOK, nil
}

// buildVersion is the main module's version as recorded by the Go tool
// (set by `go install module@version`), or "devel" for a local build.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" || bi.Main.Version == "(devel)" {
		return "devel"
	}
	return bi.Main.Version
}
