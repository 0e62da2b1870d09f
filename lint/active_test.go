package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// namedFrontend is fakeFrontend under another MTA name, reading files with
// the given suffix; its rule reports every line "bad" as an error.
type namedFrontend struct{ name, suffix string }

type namedUnit struct {
	mta   string
	files []*File
}

func (u *namedUnit) MTA() string    { return u.mta }
func (u *namedUnit) Files() []*File { return u.files }

func (n namedFrontend) Name() string     { return n.name }
func (n namedFrontend) Kinds() []Kind    { return []Kind{Kind(n.name)} }
func (n namedFrontend) IsRoot(Kind) bool { return true }
func (n namedFrontend) Load(l *Loader, f *File) Unit {
	return &namedUnit{n.name, []*File{f}}
}
func (n namedFrontend) Detect(p string, head []byte) Kind {
	if strings.HasSuffix(p, n.suffix) {
		return Kind(n.name)
	}
	return ""
}

func twoMTARegistry() *Registry {
	r := NewRegistry()
	r.AddRules(EngineRules...)
	r.AddFrontend(namedFrontend{"postfix", ".pf"})
	r.AddFrontend(namedFrontend{"exim", ".ex"})
	r.AddRules(&Rule{ID: "GEN001", Severity: SeverityError, Title: "bad line", Check: func(p *Pass) {
		for _, f := range p.Unit.Files() {
			if strings.Contains(string(f.Src), "bad") {
				fd := f.At(0, 3)
				fd.Message = "bad"
				p.Report(fd)
			}
		}
	}})
	return r
}

func TestMultipleMTAs(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(root string) error
		active string // "" = unknown
	}{
		{"sendmail link to exim", func(root string) error {
			return os.Symlink("exim4", filepath.Join(root, "usr/sbin/sendmail"))
		}, "exim"},
		{"alternatives chain to postfix", func(root string) error {
			if err := os.Symlink("/etc/alternatives/mta", filepath.Join(root, "usr/sbin/sendmail")); err != nil {
				return err
			}
			return os.Symlink("/usr/sbin/sendmail.postfix", filepath.Join(root, "etc/alternatives/mta"))
		}, "postfix"},
		{"enabled systemd unit", func(root string) error {
			return os.WriteFile(filepath.Join(root, "etc/systemd/system/multi-user.target.wants/postfix.service"), nil, 0o644)
		}, "postfix"},
		{"sysv runlevel link", func(root string) error {
			return os.WriteFile(filepath.Join(root, "etc/rc2.d/S01exim4"), nil, 0o644)
		}, "exim"},
		{"signs disagree", func(root string) error {
			if err := os.Symlink("exim4", filepath.Join(root, "usr/sbin/sendmail")); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(root, "etc/systemd/system/multi-user.target.wants/postfix.service"), nil, 0o644)
		}, ""},
		{"no signs", func(string) error { return nil }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			for _, d := range []string{"usr/sbin", "etc/alternatives", "etc/systemd/system/multi-user.target.wants", "etc/rc2.d", "etc/conf"} {
				if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			for _, f := range []string{"etc/conf/main.pf", "etc/conf/exim.ex"} {
				if err := os.WriteFile(filepath.Join(root, f), []byte("bad\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := tt.setup(root); err != nil {
				t.Fatal(err)
			}
			res, err := Run(Options{Registry: twoMTARegistry(), Root: root}, []string{filepath.Join(root, "etc/conf")})
			if err != nil {
				t.Fatal(err)
			}
			var gen010 int
			sev := map[string]Severity{}
			for _, f := range res.Findings {
				switch f.Rule {
				case RuleMultipleMTAs:
					gen010++
					if f.Severity != SeverityInfo {
						t.Errorf("GEN010 is %v", f.Severity)
					}
					if tt.active != "" && !strings.Contains(f.Message, mtaTitle(tt.active)+" looks active") {
						t.Errorf("GEN010 message %q does not name %s", f.Message, tt.active)
					}
				case "GEN001":
					sev[filepath.Ext(f.Path)] = f.Severity
				}
			}
			if gen010 != 2 {
				t.Errorf("%d GEN010 findings, want one per configuration", gen010)
			}
			want := map[string]Severity{".pf": SeverityError, ".ex": SeverityError}
			switch tt.active {
			case "postfix":
				want[".ex"] = SeverityInfo
			case "exim":
				want[".pf"] = SeverityInfo
			}
			for ext, s := range want {
				if sev[ext] != s {
					t.Errorf("finding on %s is %v, want %v", ext, sev[ext], s)
				}
			}
			// --disable GEN010 turns off the downgrade too.
			res, _ = Run(Options{Registry: twoMTARegistry(), Root: root, Disable: []string{RuleMultipleMTAs}}, []string{filepath.Join(root, "etc/conf")})
			for _, f := range res.Findings {
				if f.Rule == RuleMultipleMTAs || f.Severity != SeverityError {
					t.Errorf("with GEN010 disabled: %+v", f)
				}
			}
		})
	}
}

// One MTA: no GEN010, whatever the signs say.
func TestSingleMTA(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	os.WriteFile(filepath.Join(root, "etc/main.pf"), []byte("bad\n"), 0o644)
	res, err := Run(Options{Registry: twoMTARegistry(), Root: root}, []string{filepath.Join(root, "etc")})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Rule == RuleMultipleMTAs {
			t.Errorf("GEN010 with one MTA: %s", f.Message)
		}
	}
}
