// Command smarthost-lint checks mail-server configurations that relay
// outgoing mail through a smarthost. See `smarthost-lint --help`.
package main

import (
	"os"

	"github.com/smarthost-lint/smarthost-lint/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
