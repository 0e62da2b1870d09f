package sendmail

import (
	"slices"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// Rules lists every sendmail rule, SM000 to SM017. SM000 (unreadable
// input) is reported while loading; its entry carries the metadata.
var Rules = slices.Concat(loadRules, m4Rules, buildRules, smarthostRules, authRules, mapRules)

var loadRules = []*lint.Rule{
	{ID: "SM000", MTA: Name, Severity: lint.SeverityError, Title: "file cannot be read as sendmail configuration"},
}
