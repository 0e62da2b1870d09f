package exim

import (
	"slices"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

//go:generate go run ../../internal/gen/eximoptions -data ../../internal/gen/eximoptions/data -o options_gen.go

// Rules lists every Exim rule: structure and routing, TLS/AUTH and
// credentials, then the cPanel and DirectAdmin variants.
var Rules = slices.Concat(structureRules, routingRules, securityRules, panelRules)

// structureRules check that Exim would read the configuration at all
// (EX000–EX008). The parser's fatal errors are reported while loading
// (Setup.reportErrors) under these IDs; rules without a Check exist only
// through that path.
var structureRules = []*lint.Rule{
	{ID: "EX000", MTA: Name, Severity: lint.SeverityError, Title: "file cannot be parsed as an Exim configuration"},
	{ID: "EX001", MTA: Name, Severity: lint.SeverityError, Title: "section structure error (begin lines, options in the wrong part)", Check: checkMainOptionInDriver},
	{ID: "EX002", MTA: Name, Severity: lint.SeverityError, Title: "unknown, repeated or misplaced option, or driver missing", Check: checkOptions},
	{ID: "EX003", MTA: Name, Severity: lint.SeverityError, Title: "invalid or duplicate driver instance name", Check: checkDriverNames},
	{ID: "EX004", MTA: Name, Severity: lint.SeverityError, Title: "continuation line broken by an empty line", Check: checkBrokenContinuation},
	{ID: "EX005", MTA: Name, Severity: lint.SeverityWarning, Title: "'#' after a value is data, not a comment", Check: checkTrailingHash},
	{ID: "EX006", MTA: Name, Severity: lint.SeverityError, Title: "macro pitfalls: substring names, accidental substitution, use before definition", Check: checkMacros},
	{ID: "EX007", MTA: Name, Severity: lint.SeverityError, Title: "include problems: missing file, relative .include_if_exists, loops", Check: checkIncludes},
	{ID: "EX008", MTA: Name, Severity: lint.SeverityError, Title: "unbalanced .ifdef/.else/.endif"},
}

// routingRules check where mail goes (EX009–EX017).
var routingRules = []*lint.Rule{
	{ID: "EX009", MTA: Name, Severity: lint.SeverityError, Title: "host list port syntax in route_list or hosts (host::587)", Check: checkHostPorts},
	{ID: "EX010", MTA: Name, Severity: lint.SeverityError, Title: "smarthost reached on the wrong port", Check: checkSmarthostPort},
	{ID: "EX011", MTA: Name, Severity: lint.SeverityError, Title: "unresolvable or placeholder smarthost in route_list", Check: checkSmarthostHost},
	{ID: "EX012", MTA: Name, Severity: lint.SeverityError, Title: "manualroute needs exactly one of route_list and route_data", Check: checkManualrouteSource},
	{ID: "EX013", MTA: Name, Severity: lint.SeverityError, Title: "smarthost router unreachable or placed before local delivery", Check: checkRouterOrder},
	{ID: "EX014", MTA: Name, Severity: lint.SeverityError, Title: "reference to an undefined named list", Check: checkNamedLists},
	{ID: "EX015", MTA: Name, Severity: lint.SeverityInfo, Title: "no_more with per-domain route_list bounces other domains", Check: checkNoMore},
	{ID: "EX016", MTA: Name, Severity: lint.SeverityWarning, Title: "seed's null-sender condition leaves local bounces to the next router", Check: checkNullSender},
	{ID: "EX017", MTA: Name, Severity: lint.SeverityError, Title: "router uses a transport that does not exist", Check: checkRouterTransport},
}
