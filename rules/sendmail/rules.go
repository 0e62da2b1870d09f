package sendmail

import "github.com/smarthost-lint/smarthost-lint/lint"

// Rules lists every sendmail rule.
var Rules = []*lint.Rule{}
