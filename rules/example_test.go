package rules_test

import (
	"fmt"
	"strings"

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

// Register a custom rule next to the built-in ones: a site policy that mail
// is relayed through the company's own relay only. The rule works for every
// MTA whose unit lists its values (lint.ValueLister), so it needs no
// parser of its own; IDs GEN900-GEN999 are free for site rules.
func Example_customRule() {
	reg := rules.Default()
	reg.AddRules(&lint.Rule{
		ID:       "GEN900",
		Title:    "mail is relayed through a host other than the company relay",
		Severity: lint.SeverityError,
		Check: func(p *lint.Pass) {
			values, ok := p.Unit.(lint.ValueLister)
			if !ok {
				return
			}
			for v := range values.Values() {
				if v.Role != lint.RoleRouting || v.Text == "" || strings.Contains(v.Text, "relay.corp.test") {
					continue
				}
				fd := v.File.At(v.Start, v.End)
				fd.Message = v.Name + " sends mail to " + v.Text + ", not to the company relay"
				fd.Hint = "write " + v.Name + " = [relay.corp.test]:587"
				p.Report(fd)
			}
		},
	})
	src := []byte("relayhost = [smtp.provider.test]:587\nsmtp_tls_security_level = encrypt\n")
	res, err := lint.RunSource(lint.Options{Registry: reg, NoFollow: true}, "main.cf", "", src)
	if err != nil {
		panic(err)
	}
	for _, f := range res.Findings {
		if f.Rule == "GEN900" {
			fmt.Printf("%s:%d:%d: %s: %s [%s]\n", f.Path, f.Start.Line, f.Start.Column, f.Severity, f.Message, f.Rule)
		}
	}
	// Output:
	// main.cf:1:13: error: relayhost sends mail to [smtp.provider.test]:587, not to the company relay [GEN900]
}
