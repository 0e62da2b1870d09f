package cli

import (
	"bytes"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// The fake MTA lets the CLI be tested on behaviour no real rule may have
// yet: findings of every severity, secrets, load-time errors, inline
// suppressions and the --smarthost and --port settings. Its files are
// `key = value` lines with # comments:
//
//	key = bad        GEN901 error
//	key = iffy       GEN902 warning
//	key = meh        GEN903 info
//	password = X     X is a secret; GEN904 error when shorter than 12 bytes
//	relay = HOST     GEN905 warning when HOST is not --smarthost (if given)
//	port = N         GEN906 warning when N is not --port
//	a line without = GEN900 error, reported while loading
//
// Files named *.fake (or starting with "#fake") are kind fake-conf; the
// fake also claims main.cf as postfix-main so that audit can be tested.
const (
	fakeMTA  = "fake"
	kindFake = lint.Kind("fake-conf")
)

type fakeFrontend struct{}

func (fakeFrontend) Name() string            { return fakeMTA }
func (fakeFrontend) Kinds() []lint.Kind      { return []lint.Kind{kindFake, lint.KindPostfixMain} }
func (fakeFrontend) IsRoot(k lint.Kind) bool { return false }

func (fakeFrontend) Detect(path string, head []byte) lint.Kind {
	switch base := filepath.Base(path); {
	case strings.HasSuffix(base, ".fake"), bytes.HasPrefix(head, []byte("#fake")):
		return kindFake
	case base == "main.cf":
		return lint.KindPostfixMain
	}
	return ""
}

// fakeEntry is one `key = value` line.
type fakeEntry struct {
	key, value string
	start, end int // byte range of value
}

type fakeUnit struct {
	file    *lint.File
	entries []fakeEntry
}

func (u *fakeUnit) MTA() string         { return fakeMTA }
func (u *fakeUnit) Files() []*lint.File { return []*lint.File{u.file} }

func (fakeFrontend) Load(l *lint.Loader, f *lint.File) lint.Unit {
	u := &fakeUnit{file: f}
	var pending []int // comment indexes waiting for the line they cover
	for n := 1; n <= f.NumLines(); n++ {
		sp := f.LineSpan(n)
		line := string(f.Src[sp.Start:sp.End])
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			continue
		case strings.HasPrefix(trimmed, "#"):
			col := strings.Index(line, "#") + 2
			f.Comments = append(f.Comments, lint.Comment{Line: n, Column: col, Text: line[col-1:]})
			pending = append(pending, len(f.Comments)-1)
			continue
		}
		for _, i := range pending {
			f.Comments[i].FirstLine, f.Comments[i].LastLine = n, n
		}
		pending = nil
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			fd := f.At(sp.Start, sp.End)
			fd.Rule, fd.Severity, fd.Message = "GEN900", lint.SeverityError, "line without '='"
			l.Report(fd)
			continue
		}
		value = strings.TrimSpace(value)
		start := sp.Start + len(key) + 1 + strings.Index(line[len(key)+1:], value)
		e := fakeEntry{key: strings.TrimSpace(key), value: value, start: start, end: start + len(value)}
		if e.key == "password" {
			f.AddSecret(e.start, e.end)
		}
		u.entries = append(u.entries, e)
	}
	return u
}

func fakeCheck(p *lint.Pass, match func(e fakeEntry) (msg, hint string, ok bool)) {
	u := p.Unit.(*fakeUnit)
	for _, e := range u.entries {
		if msg, hint, ok := match(e); ok {
			fd := u.file.At(e.start, e.end)
			fd.Message, fd.Hint = msg, hint
			p.Report(fd)
		}
	}
}

func valueRule(id string, sev lint.Severity, value string) *lint.Rule {
	return &lint.Rule{ID: id, MTA: fakeMTA, Severity: sev, Title: "value is " + value, Check: func(p *lint.Pass) {
		fakeCheck(p, func(e fakeEntry) (string, string, bool) {
			return e.key + " is " + value, "write " + e.key + " = good", e.key != "password" && e.value == value
		})
	}}
}

var fakeRules = []*lint.Rule{
	{ID: "GEN900", MTA: fakeMTA, Severity: lint.SeverityError, Title: "fake file cannot be parsed"},
	valueRule("GEN901", lint.SeverityError, "bad"),
	valueRule("GEN902", lint.SeverityWarning, "iffy"),
	valueRule("GEN903", lint.SeverityInfo, "meh"),
	{ID: "GEN904", MTA: fakeMTA, Severity: lint.SeverityError, Title: "weak password", Check: func(p *lint.Pass) {
		fakeCheck(p, func(e fakeEntry) (string, string, bool) {
			return "password is shorter than 12 characters", "use a longer password", e.key == "password" && len(e.value) < 12
		})
	}},
	{ID: "GEN905", MTA: fakeMTA, Severity: lint.SeverityWarning, Title: "relay is not the expected smarthost", Check: func(p *lint.Pass) {
		fakeCheck(p, func(e fakeEntry) (string, string, bool) {
			want := p.Settings.Smarthost
			return "relay is " + e.value + ", expected " + want, "", e.key == "relay" && want != "" && e.value != want
		})
	}},
	{ID: "GEN906", MTA: fakeMTA, Severity: lint.SeverityWarning, Title: "port is not the expected port", Check: func(p *lint.Pass) {
		fakeCheck(p, func(e fakeEntry) (string, string, bool) {
			want := strconv.Itoa(p.Settings.Port)
			return "port is " + e.value + ", expected " + want, "", e.key == "port" && e.value != want
		})
	}},
}

// fakeRegistry returns a registry with the engine rules and the fake MTA.
func fakeRegistry() *lint.Registry {
	r := lint.NewRegistry()
	r.AddRules(lint.EngineRules...)
	r.AddFrontend(fakeFrontend{})
	r.AddRules(fakeRules...)
	return r
}
