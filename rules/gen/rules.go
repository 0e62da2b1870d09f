package gen

import "github.com/smarthost-lint/smarthost-lint/lint"

// Rules are the GEN rules with a check of their own.
var Rules = []*lint.Rule{placeholderRule, credentialPermsRule, encodingRule}
