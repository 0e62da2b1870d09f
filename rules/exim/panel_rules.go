package exim

import "github.com/smarthost-lint/smarthost-lint/lint"

// panelRules check the cPanel (EX1xx) and DirectAdmin (EX2xx) layouts.
var panelRules = []*lint.Rule{}
