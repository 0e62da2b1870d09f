package postfix_test

import (
	"fmt"

	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/rules/postfix"
)

// The model answers "where does mail go" without any rule: load a main.cf
// held in memory and list its smarthost destinations.
func ExampleSetup_Destinations() {
	src := []byte("relayhost = [smtp.provider.test]:587\n" +
		"default_transport = smtp\n")
	l := lint.NewLoader(nil, "", true, 0)
	f := lint.NewFile("main.cf", lint.KindPostfixMain, src)
	setup := postfix.Frontend{}.Load(l, f).(*postfix.Setup)
	for _, d := range setup.Destinations() {
		fmt.Printf("%s: host %s, port %d, MX lookup: %v\n", d.Via, d.Host, d.PortNum, !d.Bracketed)
	}
	// Output:
	// relayhost: host smtp.provider.test, port 587, MX lookup: false
}
