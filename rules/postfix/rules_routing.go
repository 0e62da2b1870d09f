package postfix

import "github.com/smarthost-lint/smarthost-lint/lint"

// routingRules check where mail goes and how the connection to the
// smarthost is made: destination syntax (relayhost.go), values broken by
// comments or quotes (routing_values.go), transport tables and overrides
// (transport.go), TLS mode and policy (tls_mode.go).
var routingRules = []*lint.Rule{
	pf001, pf002, pf003, pf004, pf005, pf017, pf021, pf025, pf030, pf031, pf033, pf034,
}
