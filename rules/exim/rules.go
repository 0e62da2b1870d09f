package exim

import (
	"slices"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// Rules lists every Exim rule: structure and routing, TLS/AUTH and
// credentials, then the cPanel and DirectAdmin variants.
var Rules = slices.Concat(structureRules, routingRules, securityRules, panelRules)

var structureRules = []*lint.Rule{}

var routingRules = []*lint.Rule{}
