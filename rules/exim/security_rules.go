package exim

import "github.com/smarthost-lint/smarthost-lint/lint"

// securityRules check TLS, AUTH and credentials towards the smarthost
// (EX018–EX034).
var securityRules = []*lint.Rule{}
