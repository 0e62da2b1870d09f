package output

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// testSARIFOptions describe two of the fixture's rules, so the golden file
// shows both a described rule and one added from its results only.
var testSARIFOptions = SARIFOptions{
	Version: "test",
	Rules: []*lint.Rule{
		{ID: "GEN003", Title: "plaintext credentials in a group- or world-readable file", Severity: lint.SeverityError},
		{ID: "PF001", Title: "relayhost without brackets", Severity: lint.SeverityWarning, MTA: "postfix"},
		{ID: "PF050", Title: "a rule without results", Severity: lint.SeverityInfo, MTA: "postfix"},
	},
	HelpURI: func(id string) string { return "https://example.invalid/rules/" + id + ".md" },
	Description: func(id string) string {
		return map[string]string{"PF001": "A relayhost without [] makes Postfix look up MX records."}[id]
	},
}

// TestSARIFSchema validates the SARIF output of every fixture against the
// SARIF 2.1.0 JSON schema vendored in testdata (see testdata/README.md).
func TestSARIFSchema(t *testing.T) {
	raw, err := os.ReadFile("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	// The vendored file must be the 2.1.0 schema: it pins version to 2.1.0.
	if v := doc.(map[string]any)["properties"].(map[string]any)["version"].(map[string]any)["enum"]; len(v.([]any)) != 1 || v.([]any)[0] != "2.1.0" {
		t.Fatalf("vendored schema is not the SARIF 2.1.0 schema: version enum %v", v)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	oneFile := &lint.Result{Files: []*lint.File{lint.NewFile("main.cf", lint.KindPostfixMain, []byte("relayhost = [x]:587\n"))}}
	for name, res := range map[string]*lint.Result{"findings": fixture(t), "empty": {}, "clean": oneFile} {
		out := render(t, "sarif", res)
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s: SARIF output does not validate: %v", name, err)
		}
	}
	// The validator must be able to fail: a result without a message.
	bad := []byte(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"X","level":"loud"}]}]}`)
	inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(bad))
	if sch.Validate(inst) == nil {
		t.Error("an invalid SARIF log validated")
	}
}

// TestSARIFContent checks what code-scanning consumers rely on beyond the
// schema: help URIs, levels, regions in UTF-16 units, fixes.
func TestSARIFContent(t *testing.T) {
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID, HelpURI          string
						DefaultConfiguration struct{ Level string }
					}
				}
			}
			Results []struct {
				RuleID    string
				RuleIndex int
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, StartColumn, EndLine, EndColumn int }
					}
				}
				Fixes []json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(render(t, "sarif", fixture(t)), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	rules := run.Tool.Driver.Rules
	if rules[0].ID != "GEN003" || rules[1].HelpURI != "https://example.invalid/rules/PF001.md" || rules[1].DefaultConfiguration.Level != "warning" {
		t.Errorf("rules = %+v", rules[:2])
	}
	for _, r := range run.Results {
		if rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s has ruleIndex %d (%s)", r.RuleID, r.RuleIndex, rules[r.RuleIndex].ID)
		}
		reg := r.Locations[0].PhysicalLocation.Region
		switch r.RuleID {
		case "PF097":
			// "ünïcode" starts at byte column 34 of "mynetworks = 127.0.0.0/8 # café ünïcode here":
			// é is two bytes but one UTF-16 unit, so the column is 33.
			if reg.StartColumn != 33 || reg.EndColumn != 40 {
				t.Errorf("PF097 region %+v, want columns 33..40 in UTF-16 units", reg)
			}
		case "PF001":
			if len(r.Fixes) != 1 || r.Level != "warning" {
				t.Errorf("PF001: level %s, %d fixes", r.Level, len(r.Fixes))
			}
		case "PF099":
			if r.Level != "note" {
				t.Errorf("info finding has level %s", r.Level)
			}
		}
	}
}

// TestGitHubEscaping checks the workflow-command escaping of properties and
// data, and that every line is one command.
func TestGitHubEscaping(t *testing.T) {
	f := lint.NewFile("dir,with:odd%name/main.cf", lint.KindPostfixMain, []byte("x = y\n"))
	fd := f.At(0, 1)
	fd.Rule, fd.Severity, fd.Message, fd.Hint = "PF001", lint.SeverityInfo, "100% wrong\r\nreally", "write: a, b"
	var b bytes.Buffer
	if err := GitHub(&b, &lint.Result{Files: []*lint.File{f}, Findings: []lint.Finding{fd}}); err != nil {
		t.Fatal(err)
	}
	want := "::notice file=dir%2Cwith%3Aodd%25name/main.cf,line=1,col=1,endColumn=2,title=PF001::100%25 wrong%0D%0Areally%0Ahint: write: a, b\n"
	if got := b.String(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestCheckstyleParses reads the XML back as reviewdog's checkstyle parser
// does (the same element and attribute names).
func TestCheckstyleParses(t *testing.T) {
	var doc struct {
		XMLName xml.Name `xml:"checkstyle"`
		Files   []struct {
			Name   string `xml:"name,attr"`
			Errors []struct {
				Line     int    `xml:"line,attr"`
				Column   int    `xml:"column,attr"`
				Severity string `xml:"severity,attr"`
				Message  string `xml:"message,attr"`
				Source   string `xml:"source,attr"`
			} `xml:"error"`
		} `xml:"file"`
	}
	res := fixture(t)
	if err := xml.Unmarshal(render(t, "checkstyle", res), &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range doc.Files {
		for _, e := range f.Errors {
			n++
			if e.Line < 1 || !strings.HasPrefix(e.Source, "smarthost-lint.") {
				t.Errorf("%s: bad error %+v", f.Name, e)
			}
		}
	}
	if n != len(res.Findings) {
		t.Errorf("%d errors, want %d", n, len(res.Findings))
	}
}
