package rules_test

import (
	"fmt"

	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/rules"
)

// Lint a main.cf held in memory, as a control panel would before writing it.
func Example() {
	src := []byte("relayhost = smtp.provider.test:587\n" +
		"smtp_sasl_auth_enable = yes\n" +
		"smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd\n" +
		"smtp_tls_security_level = encrypt\n")
	res, err := lint.RunSource(lint.Options{Registry: rules.Default(), NoFollow: true}, "main.cf", lint.KindPostfixMain, src)
	if err != nil {
		panic(err)
	}
	for _, f := range res.Findings {
		if f.Rule == "PF001" {
			fmt.Printf("%s:%d:%d: %s [%s]\n", f.Path, f.Start.Line, f.Start.Column, f.Severity, f.Rule)
		}
	}
	// Output:
	// main.cf:1:13: warning [PF001]
}
