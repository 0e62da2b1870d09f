package qmail

import (
	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/rules/gen"
)

// registry is the qmail frontend with the engine and GEN rules: what
// rules.Default() runs on qmail units, without importing the other MTAs.
func registry() *lint.Registry {
	reg := lint.NewRegistry()
	reg.AddRules(lint.EngineRules...)
	reg.AddRules(gen.Rules...)
	reg.AddFrontend(Frontend{})
	reg.AddRules(Rules...)
	return reg
}
