package output_test

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/lint/output"
	"github.com/smarthost-lint/smarthost-lint/rules"
)

// Lint a main.cf held in memory and format the findings as SARIF 2.1.0,
// for GitHub code scanning or any other SARIF consumer.
func ExampleSARIF() {
	reg := rules.Default()
	src := []byte("relayhost = smtp.provider.test:587\nsmtp_tls_security_level = encrypt\n")
	res, err := lint.RunSource(lint.Options{Registry: reg, NoFollow: true}, "etc/postfix/main.cf", "", src)
	if err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	err = output.SARIF(&buf, res, output.SARIFOptions{
		Rules:   reg.Rules(),
		HelpURI: func(id string) string { return "https://example.invalid/rules/" + id },
	})
	if err != nil {
		panic(err)
	}

	// Read a few fields back to show the shape.
	var log struct {
		Version string
		Runs    []struct {
			Results []struct {
				RuleID    string
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, StartColumn int }
					}
				}
				Fixes []json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		panic(err)
	}
	fmt.Println("SARIF", log.Version)
	for _, r := range log.Runs[0].Results {
		loc := r.Locations[0].PhysicalLocation
		fmt.Printf("%s %s %s:%d:%d fixes=%d\n", r.RuleID, r.Level, loc.ArtifactLocation.URI, loc.Region.StartLine, loc.Region.StartColumn, len(r.Fixes))
	}
	// Output:
	// SARIF 2.1.0
	// PF001 warning etc/postfix/main.cf:1:13 fixes=1
}
