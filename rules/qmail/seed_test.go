package qmail

import (
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/ruletest"
)

// TestSeedSetups lints the seed's qmail setups (testdata/qmail/seed):
// good-* are what an admin following the page correctly writes
// (**SMARTHOST** replaced by the real smarthost, the example domain by a
// real one) and must give no error or warning from any rule — the seed's
// IP-authorised route on vanilla qmail is at most information (QM006);
// bad-* are the page's text as written and must give exactly the error
// and warning findings in want.txt (all rules, not one).
func TestSeedSetups(t *testing.T) {
	ruletest.CheckSetups(t, registry(), "../../testdata/qmail/seed", 4)
}
