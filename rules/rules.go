// Package rules composes every MTA frontend and rule into one lint.Registry.
// It is the single place that lists what smarthost-lint checks; the CLI and
// library users start from Default.
package rules

import (
	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/rules/exim"
	"github.com/smarthost-lint/smarthost-lint/rules/gen"
	"github.com/smarthost-lint/smarthost-lint/rules/postfix"
	"github.com/smarthost-lint/smarthost-lint/rules/qmail"
	"github.com/smarthost-lint/smarthost-lint/rules/sendmail"
)

// Default returns a registry with every frontend and rule.
func Default() *lint.Registry {
	r := lint.NewRegistry()
	r.AddRules(lint.EngineRules...)
	r.AddRules(gen.Rules...)
	r.AddFrontend(postfix.Frontend{})
	r.AddRules(postfix.Rules...)
	r.AddFrontend(exim.Frontend{})
	r.AddRules(exim.Rules...)
	r.AddFrontend(qmail.Frontend{})
	r.AddRules(qmail.Rules...)
	r.AddFrontend(sendmail.Frontend{})
	r.AddRules(sendmail.Rules...)
	return r
}
