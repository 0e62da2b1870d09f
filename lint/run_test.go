package lint

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fakeFrontend reads *.fake files; a line "bad" is a finding of FK001.
type fakeFrontend struct{}

type fakeUnit struct{ files []*File }

func (u *fakeUnit) MTA() string    { return "fake" }
func (u *fakeUnit) Files() []*File { return u.files }

func (fakeFrontend) Name() string                 { return "fake" }
func (fakeFrontend) Kinds() []Kind                { return []Kind{"fake"} }
func (fakeFrontend) IsRoot(Kind) bool             { return true }
func (fakeFrontend) Load(l *Loader, f *File) Unit { return &fakeUnit{[]*File{f}} }
func (fakeFrontend) Detect(path string, head []byte) Kind {
	if strings.HasSuffix(path, ".fake") || strings.HasPrefix(string(head), "fake:") {
		return "fake"
	}
	return ""
}

func fakeRegistry() *Registry {
	r := NewRegistry()
	r.AddRules(EngineRules...)
	r.AddFrontend(fakeFrontend{})
	r.AddRules(&Rule{ID: "PF001", MTA: "fake", Severity: SeverityWarning, Title: "bad line", Check: func(p *Pass) {
		for _, f := range p.Unit.Files() {
			for i, line := range strings.Split(string(f.Src), "\n") {
				if line == "bad" {
					fd := f.At(f.Offset(Pos{i + 1, 1}), f.Offset(Pos{i + 1, 4}))
					fd.Message = "bad"
					p.Report(fd)
				}
			}
		}
	}})
	return r
}

func TestRunWalk(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "a.fake"), []byte("ok\nbad\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "content"), []byte("fake:\nbad\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "readme.txt"), []byte("hello\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "big.bin"), make([]byte, detectHead+1), 0o644))
	must(os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	must(os.Symlink(dir, filepath.Join(dir, "sub", "loop")))         // directory symlink: not followed
	must(os.Symlink("nowhere", filepath.Join(dir, "dangling.fake"))) // dangling: skipped with reason
	must(os.Symlink("a.fake", filepath.Join(dir, "link-to-a.fake"))) // file symlink: followed
	res, err := Run(Options{Registry: fakeRegistry()}, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		rel, _ := filepath.Rel(dir, f.Path)
		got = append(got, rel)
	}
	if strings.Join(got, ",") != "a.fake,content,link-to-a.fake" {
		t.Errorf("findings in %v", got)
	}
	skipped := map[string]string{}
	for _, s := range res.Skipped {
		rel, _ := filepath.Rel(dir, s.Path)
		skipped[rel] = s.Reason
	}
	for _, name := range []string{"readme.txt", "big.bin", "dangling.fake", "sub/loop"} {
		if skipped[name] == "" {
			t.Errorf("%s not reported as skipped (skipped: %v)", name, skipped)
		}
	}
}

func TestRunNamedInputErrors(t *testing.T) {
	dir := t.TempDir()
	reg := fakeRegistry()
	unknown := filepath.Join(dir, "x.txt")
	if err := os.WriteFile(unknown, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"missing": {filepath.Join(dir, "nope.fake")},
		"unknown": {unknown},
	} {
		_, err := Run(Options{Registry: reg}, args)
		var ue *UsageError
		if !errors.As(err, &ue) {
			t.Errorf("%s: err = %v, want a UsageError (exit 2)", name, err)
		}
	}
	if _, err := Run(Options{Registry: reg, Disable: []string{"XX999"}}, nil); err == nil {
		t.Error("unknown rule ID accepted")
	}
	// A forced kind makes an unknown name lintable.
	if _, err := Run(Options{Registry: reg, Type: "fake"}, []string{unknown}); err != nil {
		t.Errorf("--type fake: %v", err)
	}
}

func TestRunSourceOptions(t *testing.T) {
	reg := fakeRegistry()
	src := []byte("bad\n# smarthost-lint: ignore PF001 -- fine\nbad\n")
	res, err := RunSource(Options{Registry: reg, Severities: map[string]Severity{"PF001": SeverityError}}, "x.fake", "", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 2 || res.Findings[0].Severity != SeverityError {
		t.Errorf("findings %+v", res.Findings)
	}
	res, _ = RunSource(Options{Registry: reg, Disable: []string{"PF001"}}, "x.fake", "", src)
	if len(res.Findings) != 0 {
		t.Errorf("disabled rule reported: %+v", res.Findings)
	}
	res, _ = RunSource(Options{Registry: reg, Ignore: []PathIgnore{{Path: "*.fake"}}}, "x.fake", "", src)
	if len(res.Findings) != 0 {
		t.Errorf("config ignore not applied: %+v", res.Findings)
	}
	if _, err := RunSource(Options{Registry: reg}, "stdin", "", []byte("hello")); err == nil {
		t.Error("undetectable stdin accepted without --type")
	}
}

func TestCapPerRule(t *testing.T) {
	mk := func(path, rule string, line int, sev Severity) Finding {
		return Finding{Rule: rule, Severity: sev, Path: path, Start: Pos{Line: line, Column: 1}, End: Pos{Line: line, Column: 2}}
	}
	var fs []Finding
	for i := 1; i <= 5; i++ {
		sev := SeverityWarning
		if i == 5 {
			sev = SeverityError
		}
		fs = append(fs, mk("a", "QM001", i, sev))
	}
	fs = append(fs, mk("a", "QM002", 9, SeverityWarning), mk("b", "QM001", 1, SeverityWarning))
	SortFindings(fs)
	for _, tc := range []struct {
		limit int
		want  []string // path:line rule severity
	}{
		{-1, []string{"a:1 QM001 warning", "a:2 QM001 warning", "a:3 QM001 warning", "a:4 QM001 warning", "a:5 QM001 error", "a:9 QM002 warning", "b:1 QM001 warning"}},
		{2, []string{"a:1 QM001 warning", "a:2 QM001 warning", "a:3 QM001 error", "a:9 QM002 warning", "b:1 QM001 warning"}},
		{5, []string{"a:1 QM001 warning", "a:2 QM001 warning", "a:3 QM001 warning", "a:4 QM001 warning", "a:5 QM001 error", "a:9 QM002 warning", "b:1 QM001 warning"}},
	} {
		got := capPerRule(slices.Clone(fs), tc.limit)
		var s []string
		for _, f := range got {
			s = append(s, fmt.Sprintf("%s:%d %s %s", f.Path, f.Start.Line, f.Rule, f.Severity))
		}
		if !slices.Equal(s, tc.want) {
			t.Errorf("limit %d:\n got  %v\n want %v", tc.limit, s, tc.want)
		}
		if tc.limit == 2 && !strings.Contains(got[2].Message, "3 more QM001 findings") {
			t.Errorf("summary message %q", got[2].Message)
		}
	}
}
