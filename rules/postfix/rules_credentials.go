package postfix

import "github.com/smarthost-lint/smarthost-lint/lint"

// credentialRules check SMTP AUTH towards the smarthost (RULES.md §2.2,
// §2.3): SASL switched on with a password table, table keys that the
// client's lookup can match, well-formed user:password values, SASL
// security options, and the TLS that protects the credentials.
var credentialRules = []*lint.Rule{
	pf006, pf007, pf008, pf009, pf010, pf011, pf012, pf013, pf014, pf015, pf016, pf029,
}
