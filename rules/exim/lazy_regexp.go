package exim

import (
	"regexp"
	"sync"
)

// lazyRegexp compiles pattern on first use. Package-level regexps would
// otherwise be compiled at start-up by every run of the command, whether
// or not it reads a file of this kind.
func lazyRegexp(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}
