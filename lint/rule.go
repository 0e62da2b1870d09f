package lint

import (
	"fmt"
	"regexp"
	"slices"
	"time"
)

// Rule is a check with its metadata. Rule packages list their rules in one
// visible slice; a Registry composes them.
type Rule struct {
	ID       string   // fixed ID from RULES.md, e.g. PF008
	Title    string   // one line, shown by `rules`
	Severity Severity // default severity; a rule may report some findings at another level
	// MTA is the Frontend name whose units the rule checks; "" runs the rule
	// on every unit (the GEN rules).
	MTA string
	// Check inspects one unit and reports through the pass. Nil for rules
	// reported by the engine or the loader (parse errors, suppressions).
	Check func(p *Pass)
}

var ruleID = regexp.MustCompile(`^(PF|EX|QM|SM|GEN)[0-9]{3}$`)

// Unit is what rules check: the files of one MTA setup (main.cf with its
// master.cf and maps), loaded and modelled by a Frontend.
type Unit interface {
	// MTA is the Frontend name.
	MTA() string
	// Files lists every file of the unit, the root first.
	Files() []*File
}

// Settings are the user's expectations about the setup.
type Settings struct {
	Smarthost string // expected relay host ("" = accept whatever is configured)
	Port      int    // expected port (default 587)
}

// Pass is handed to a rule's Check for one unit.
type Pass struct {
	Rule     *Rule
	Unit     Unit
	Settings Settings
	FS       FileSystem
	Now      time.Time
	found    []Finding
}

// Report records a finding for the pass's rule. A zero Severity means the
// rule's default.
func (p *Pass) Report(f Finding) {
	f.Rule = p.Rule.ID
	if f.Severity == SeverityNone {
		f.Severity = p.Rule.Severity
	}
	p.found = append(p.found, f)
}

// Frontend adds support for one MTA: it recognises its files and loads them
// into a Unit (parsing, following references, building the model).
type Frontend interface {
	Name() string
	// Kinds lists the kinds this frontend reads.
	Kinds() []Kind
	// Detect returns the kind of the file at path given its first bytes, or
	// "" when the file is not one of this MTA's.
	Detect(path string, head []byte) Kind
	// IsRoot reports whether a file of kind k starts a unit of its own
	// before other files are considered (main.cf before the maps it loads).
	IsRoot(k Kind) bool
	// Load parses f and whatever it references (through l) into a unit.
	// Problems (parse errors, unreadable referenced files) are reported
	// through l.Report.
	Load(l *Loader, f *File) Unit
}

// Registry holds the rules and frontends of one engine instance.
type Registry struct {
	rules     []*Rule
	byID      map[string]*Rule
	frontends []Frontend
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{byID: map[string]*Rule{}} }

// AddRules registers rules; it panics on a malformed or duplicate ID, which
// is a programming error caught by every test.
func (r *Registry) AddRules(rules ...*Rule) {
	for _, rule := range rules {
		if !ruleID.MatchString(rule.ID) {
			panic(fmt.Sprintf("lint: malformed rule ID %q", rule.ID))
		}
		if _, dup := r.byID[rule.ID]; dup {
			panic(fmt.Sprintf("lint: rule %s registered twice", rule.ID))
		}
		if rule.Severity < SeverityInfo || rule.Title == "" {
			panic(fmt.Sprintf("lint: rule %s needs a title and a severity", rule.ID))
		}
		r.byID[rule.ID] = rule
		r.rules = append(r.rules, rule)
	}
	slices.SortFunc(r.rules, func(a, b *Rule) int { return compareIDs(a.ID, b.ID) })
}

func compareIDs(a, b string) int {
	order := func(id string) int {
		for i, p := range []string{"GEN", "PF", "EX", "QM", "SM"} {
			if len(id) >= len(p) && id[:len(p)] == p && id[len(p)] >= '0' && id[len(p)] <= '9' {
				return i
			}
		}
		return 9
	}
	if oa, ob := order(a), order(b); oa != ob {
		return oa - ob
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// AddFrontend registers an MTA frontend.
func (r *Registry) AddFrontend(f Frontend) { r.frontends = append(r.frontends, f) }

// Rules returns every rule sorted by ID.
func (r *Registry) Rules() []*Rule { return slices.Clone(r.rules) }

// Rule returns the rule with the given ID.
func (r *Registry) Rule(id string) (*Rule, bool) { rule, ok := r.byID[id]; return rule, ok }

// Frontends returns the registered frontends.
func (r *Registry) Frontends() []Frontend { return slices.Clone(r.frontends) }

// Detect finds the kind of a file from its name and first bytes. Names
// are asked first, of every frontend, so that a file one MTA knows by name
// is never claimed by another's content heuristics (and no frontend scans
// the content of a file another one already recognised).
func (r *Registry) Detect(path string, head []byte) (Kind, Frontend) {
	for _, f := range r.frontends {
		if k := f.Detect(path, nil); k != "" {
			return k, f
		}
	}
	for _, f := range r.frontends {
		if k := f.Detect(path, head); k != "" {
			return k, f
		}
	}
	return "", nil
}

// FrontendFor returns the frontend that reads kind k.
func (r *Registry) FrontendFor(k Kind) Frontend {
	for _, f := range r.frontends {
		if slices.Contains(f.Kinds(), k) {
			return f
		}
	}
	return nil
}

// Kinds lists every kind the registered frontends read.
func (r *Registry) Kinds() []Kind {
	var ks []Kind
	for _, f := range r.frontends {
		ks = append(ks, f.Kinds()...)
	}
	return ks
}
