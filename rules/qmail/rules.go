package qmail

import (
	"slices"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// Rules lists every qmail rule, QM000 to QM010. QM000 (input that is not
// text) is reported while loading; its entry carries the metadata.
var Rules = slices.Concat(loadRules, syntaxRules, routingRules, securityRules)

var loadRules = []*lint.Rule{
	{ID: "QM000", MTA: Name, Severity: lint.SeverityError, Title: "control file is not text (NUL bytes, control characters)"},
}

var syntaxRules = []*lint.Rule{syntaxRule, relayFormRule}

var routingRules = []*lint.Rule{portRule, wildcardRule, duplicateRule, defaultRouteRule, localRule}

var securityRules = []*lint.Rule{vanillaRule, dialectRule, permsRule}
