package sendmail

import "github.com/smarthost-lint/smarthost-lint/lint"

// Name is the frontend name rules use in lint.Rule.MTA.
const Name = "sendmail"

// Frontend reads sendmail configurations.
type Frontend struct{}

// Name implements lint.Frontend.
func (Frontend) Name() string { return Name }

// Kinds implements lint.Frontend.
func (Frontend) Kinds() []lint.Kind {
	return []lint.Kind{lint.KindSendmailMC, lint.KindSendmailCF, lint.KindSendmailAuthinfo}
}

// IsRoot implements lint.Frontend.
func (Frontend) IsRoot(k lint.Kind) bool { return k == lint.KindSendmailMC }

// Detect implements lint.Frontend.
func (Frontend) Detect(path string, head []byte) lint.Kind { return "" }

// Load implements lint.Frontend.
func (Frontend) Load(l *lint.Loader, f *lint.File) lint.Unit { return nil }
