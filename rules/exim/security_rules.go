package exim

import "github.com/smarthost-lint/smarthost-lint/lint"

// securityRules check TLS, AUTH and credentials towards the smarthost
// (EX018–EX034). The checks live in the sec_*.go files, one per concern.
var securityRules = []*lint.Rule{
	{ID: "EX018", MTA: Name, Severity: lint.SeverityError, Title: "TLS not required towards the smarthost", Check: checkTLSRequired},
	{ID: "EX019", MTA: Name, Severity: lint.SeverityError, Title: "client authenticator never used, or AUTH required without one", Check: checkAuthUse},
	{ID: "EX020", MTA: Name, Severity: lint.SeverityError, Title: "AUTH towards the smarthost without mandatory TLS", Check: checkAuthWithoutTLS},
	{ID: "EX021", MTA: Name, Severity: lint.SeverityError, Title: "two client authenticators with the same public_name", Check: checkDuplicatePublicName},
	{ID: "EX022", MTA: Name, Severity: lint.SeverityError, Title: "plaintext client_send item count or escaping", Check: checkClientSend},
	{ID: "EX023", MTA: Name, Severity: lint.SeverityInfo, Title: "literal credential readable with exim -bP (no hide)", Check: checkHide},
	{ID: "EX024", MTA: Name, Severity: lint.SeverityError, Title: "lookup file referenced by the configuration is missing or unreadable", Check: checkLookupFiles},
	{ID: "EX025", MTA: Name, Severity: lint.SeverityWarning, Title: "per-sender credentials but all senders routed to the smarthost", Check: checkPerSenderCredentials},
	{ID: "EX026", MTA: Name, Severity: lint.SeverityError, Title: "${perl{…}} without perl_startup", Check: checkPerl},
	{ID: "EX027", MTA: Name, Severity: lint.SeverityInfo, Title: "DKIM signing in the smarthost transport", Check: checkDKIM},
	{ID: "EX028", MTA: Name, Severity: lint.SeverityInfo, Title: "outbound interface or HELO chosen per domain", Check: checkInterface},
	{ID: "EX029", MTA: Name, Severity: lint.SeverityError, Title: "port 465 without implicit TLS, or implicit TLS on 587", Check: checkImplicitTLS},
	{ID: "EX030", MTA: Name, Severity: lint.SeverityWarning, Title: "hosts_require_tls or hosts_require_auth does not match the smarthost", Check: checkRequireListsMatch},
	{ID: "EX031", MTA: Name, Severity: lint.SeverityInfo, Title: "continuation line glued to the previous word", Check: checkGluedContinuation},
	{ID: "EX032", MTA: Name, Severity: lint.SeverityInfo, Title: "list with empty items or a trailing separator", Check: checkListEdges},
	{ID: "EX033", MTA: Name, Severity: lint.SeverityWarning, Title: "sender regular expression broader than intended", Check: checkSenderRegex},
	{ID: "EX034", MTA: Name, Severity: lint.SeverityInfo, Title: "route_list pattern $domain is the same as *", Check: checkDomainPattern},
}
