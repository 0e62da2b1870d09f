package postfix

import "github.com/smarthost-lint/smarthost-lint/lint"

// fileRules check the files themselves: main.cf syntax and parameter
// names, and the lookup tables (built, typed, keyed and protected right).
var fileRules = []*lint.Rule{
	staleMapRule,       // PF018
	mapTypeRule,        // PF019
	indentedParamRule,  // PF020
	duplicateParamRule, // PF022
	unknownParamRule,   // PF023
	invalidBoolRule,    // PF024
	missingEqualsRule,  // PF026
	undefinedRefRule,   // PF027
	passwordPermsRule,  // PF028
	duplicateKeyRule,   // PF032
	indentedTableRule,  // PF035
}
