package qmail

import "github.com/smarthost-lint/smarthost-lint/lint"

// Rules lists every qmail rule.
var Rules = []*lint.Rule{}
