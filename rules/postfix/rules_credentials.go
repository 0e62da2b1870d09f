package postfix

import "github.com/smarthost-lint/smarthost-lint/lint"

var credentialRules = []*lint.Rule{}
