package postfix

import (
	"slices"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

//go:generate go run ../../internal/gen/postfixparams -shared ../../../shared -o params_gen.go

// Rules are every Postfix rule, PF000 to PF035. PF000 (unparsable input)
// and PF026 (line without '=') are reported while loading; their entries
// here carry the metadata.
var Rules = slices.Concat(loadRules, routingRules, credentialRules, fileRules)

var loadRules = []*lint.Rule{
	{ID: "PF000", MTA: Name, Severity: lint.SeverityError, Title: "file cannot be parsed as Postfix configuration"},
}
