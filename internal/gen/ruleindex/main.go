// Command ruleindex writes docs/rules/README.md, the one-line-per-rule
// index of the rule documentation, from the registry. Run it with
// `go generate ./docs`; rules/TestRuleIndex fails when the index is stale.
package main

import (
	"flag"
	"log"
	"os"

	"github.com/smarthost-lint/smarthost-lint/rules"
)

func main() {
	out := flag.String("o", "rules/README.md", "output file")
	flag.Parse()
	if err := os.WriteFile(*out, []byte(rules.Index(rules.Default())), 0o644); err != nil {
		log.Fatal(err)
	}
}
