package lint_test

import (
	"fmt"

	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/rules"
)

// Lint a configuration held in memory: the kind is detected from the name
// (or pass it), findings come back as values, nothing is printed.
func ExampleRunSource() {
	src := []byte("relayhost = [smtp.provider.test]:587\n" +
		"smtp_sasl_auth_enable = true\n" +
		"smtp_tls_security_level = encrypt\n")
	res, err := lint.RunSource(lint.Options{Registry: rules.Default(), NoFollow: true}, "main.cf", "", src)
	if err != nil {
		panic(err)
	}
	for _, f := range res.Findings {
		if f.Rule == "PF024" {
			fmt.Printf("%s:%d:%d: %s [%s]\n  hint: %s\n", f.Path, f.Start.Line, f.Start.Column, f.Severity, f.Rule, f.Hint)
		}
	}
	// Output:
	// main.cf:2:25: error [PF024]
	//   hint: write smtp_sasl_auth_enable = yes
}

// Apply the safe fixes of a result in memory, as a control panel would
// before writing a configuration (WriteFixes writes them to disk instead).
func ExamplePlanFixes() {
	src := []byte("relayhost = [smtp.provider.test]:587\n" +
		"  smtp_tls_security_level = encrypt\n" +
		"smtp_sasl_auth_enable = true\n")
	res, err := lint.RunSource(lint.Options{Registry: rules.Default(), NoFollow: true}, "main.cf", "", src)
	if err != nil {
		panic(err)
	}
	for _, plan := range lint.PlanFixes(res, false) {
		for _, a := range plan.Applied {
			fmt.Printf("%s: %s\n", a.Finding.Rule, a.Fix.Description)
		}
		fmt.Print(string(plan.New))
	}
	// Output:
	// PF020: remove the indentation
	// PF024: write yes
	// relayhost = [smtp.provider.test]:587
	// smtp_tls_security_level = encrypt
	// smtp_sasl_auth_enable = yes
}
