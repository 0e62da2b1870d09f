package exim

import "github.com/smarthost-lint/smarthost-lint/lint"

// Rules lists every Exim rule.
var Rules = []*lint.Rule{}
