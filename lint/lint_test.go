package lint

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFilePositions(t *testing.T) {
	f := NewFile("x", "", []byte("ab\r\ncd\n\nlast"))
	for _, tc := range []struct {
		off  int
		want Pos
	}{
		{0, Pos{1, 1}}, {1, Pos{1, 2}}, {4, Pos{2, 1}}, {7, Pos{3, 1}}, {8, Pos{4, 1}}, {11, Pos{4, 4}}, {99, Pos{4, 5}}, {-3, Pos{1, 1}},
	} {
		if got := f.Pos(tc.off); got != tc.want {
			t.Errorf("Pos(%d) = %v, want %v", tc.off, got, tc.want)
		}
		if tc.off >= 0 && tc.off <= len(f.Src) {
			if back := f.Offset(tc.want); back != tc.off {
				t.Errorf("Offset(%v) = %d, want %d", tc.want, back, tc.off)
			}
		}
	}
	if n := f.NumLines(); n != 4 {
		t.Errorf("NumLines = %d, want 4", n)
	}
	if sp := f.LineSpan(1); string(f.Src[sp.Start:sp.End]) != "ab" {
		t.Errorf("LineSpan(1) = %q, want CR stripped", f.Src[sp.Start:sp.End])
	}
}

func TestMaskedLine(t *testing.T) {
	src := "key user:secret1\nother user2:topsecret\n"
	f := NewFile("x", "", []byte(src))
	f.AddSecret(strings.Index(src, "secret1"), strings.Index(src, "secret1")+len("secret1"))
	f.AddSecret(strings.Index(src, "topsecret"), len(src)-1)
	if got := f.MaskedLine(1); got != "key user:****" {
		t.Errorf("line 1 = %q", got)
	}
	if got := f.MaskedLine(2); got != "other user2:****" {
		t.Errorf("line 2 = %q", got)
	}
	if !f.ContainsSecret(10, 12) || f.ContainsSecret(0, 3) {
		t.Error("ContainsSecret wrong")
	}
}

func TestSecretFormatting(t *testing.T) {
	s := Secret("hunter2")
	for _, got := range []string{s.String(), s.GoString(), string(must(s.MarshalText()))} {
		if got != Mask {
			t.Errorf("secret printed as %q", got)
		}
	}
	if s.Reveal() != "hunter2" {
		t.Error("Reveal")
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestSortFindings(t *testing.T) {
	fs := []Finding{
		{Rule: "PF002", Path: "b", Start: Pos{1, 1}},
		{Rule: "PF001", Path: "a", Start: Pos{2, 1}},
		{Rule: "PF003", Path: "a", Start: Pos{1, 5}},
		{Rule: "PF001", Path: "a", Start: Pos{1, 5}},
	}
	SortFindings(fs)
	var got []string
	for _, f := range fs {
		got = append(got, f.Path+":"+f.Rule)
	}
	want := []string{"a:PF001", "a:PF003", "a:PF001", "b:PF002"}
	if !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

func TestFails(t *testing.T) {
	fs := []Finding{{Severity: SeverityWarning}}
	for _, tc := range []struct {
		level Severity
		want  bool
	}{{SeverityError, false}, {SeverityWarning, true}, {SeverityInfo, true}, {SeverityNone, false}} {
		if got := Fails(fs, tc.level); got != tc.want {
			t.Errorf("Fails(%v) = %v", tc.level, got)
		}
	}
}

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig("/x/.smarthost-lint.yaml", []byte("smarthost: smtp.x\nport: 2525\nfail-level: error\nrules:\n  PF023: off\n  PF016: info\nignore:\n  - path: \"staging/**\"\n    rules: [GEN001]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Smarthost != "smtp.x" || c.Port != 2525 || c.Rules["PF023"] != "off" || len(c.Ignore) != 1 || c.Dir != "/x" {
		t.Errorf("config = %+v", c)
	}
	for _, bad := range []string{"colour: red\n", "fail-level: loud\n", "rules: {PF001: maybe}\n", "ignore: [{rules: [PF001]}]\n", "port: 70000\n"} {
		if _, err := ParseConfig("c.yaml", []byte(bad)); err == nil {
			t.Errorf("ParseConfig(%q) accepted", bad)
		}
	}
	if _, err := ParseConfig("empty.yaml", nil); err != nil {
		t.Errorf("empty config: %v", err)
	}
}

func TestMatchPath(t *testing.T) {
	for _, tc := range []struct {
		glob, path string
		want       bool
	}{
		{"staging/**", "staging/etc/main.cf", true},
		{"*.cf", "deep/dir/main.cf", true},
		{"etc/postfix/main.cf", "etc/postfix/main.cf", true},
		{"etc/*/main.cf", "other/postfix/main.cf", false},
	} {
		if got := matchPath("", tc.glob, tc.path); got != tc.want {
			t.Errorf("matchPath(%q, %q) = %v", tc.glob, tc.path, got)
		}
	}
}

func TestSuppressions(t *testing.T) {
	reg := NewRegistry()
	reg.AddRules(EngineRules...)
	reg.AddRules(&Rule{ID: "PF001", Severity: SeverityWarning, Title: "t"}, &Rule{ID: "PF002", Severity: SeverityError, Title: "t"})
	known := func(id string) bool { _, ok := reg.Rule(id); return ok }
	all := func(string) bool { return true }
	f := NewFile("main.cf", "", []byte("x\n"))
	f.Comments = []Comment{
		{Line: 1, Column: 2, Text: " smarthost-lint: ignore PF001 -- we know", FirstLine: 2, LastLine: 3},
		{Line: 4, Column: 2, Text: " smarthost-lint: ignore PF002 -- stale", FirstLine: 5, LastLine: 5},
		{Line: 6, Column: 2, Text: " smarthost-lint: ignore PF001", FirstLine: 7, LastLine: 7},
		{Line: 8, Column: 2, Text: " smarthost-lint: ignore PF999 -- x", FirstLine: 9, LastLine: 9},
		{Line: 10, Column: 2, Text: " smarthost-lint: ignore-file PF002 -- whole file", FirstLine: 0},
		{Line: 11, Column: 2, Text: " smarthost-lint: frobnicate", FirstLine: 12},
		{Line: 12, Column: 2, Text: " an ordinary comment", FirstLine: 13},
	}
	fs := []Finding{
		{Rule: "PF001", Path: "main.cf", Start: Pos{3, 1}},  // suppressed (continuation line)
		{Rule: "PF001", Path: "main.cf", Start: Pos{7, 1}},  // its suppression lacks a reason
		{Rule: "PF002", Path: "main.cf", Start: Pos{20, 1}}, // ignore-file
		{Rule: "PF001", Path: "other.cf", Start: Pos{3, 1}}, // other file
	}
	out := applySuppressions([]*File{f}, slices.Clone(fs), known, all, false)
	var got []string
	for _, fd := range out {
		got = append(got, fmt.Sprintf("%s@%s:%d", fd.Rule, fd.Path, fd.Start.Line))
	}
	slices.Sort(got)
	want := []string{"GEN011@main.cf:4", "GEN012@main.cf:11", "GEN012@main.cf:6", "GEN012@main.cf:8", "PF001@main.cf:7", "PF001@other.cf:3"}
	if !slices.Equal(got, want) {
		t.Errorf("after suppression\n got  %v\n want %v", got, want)
	}
	// --no-inline-ignore: nothing is suppressed; each valid suppression is reported.
	out = applySuppressions([]*File{f}, slices.Clone(fs), known, all, true)
	n := 0
	for _, fd := range out {
		if fd.Rule == "PF001" || fd.Rule == "PF002" {
			n++
		}
	}
	if n != len(fs) {
		t.Errorf("--no-inline-ignore kept %d of %d findings", n, len(fs))
	}
}

func TestShorten(t *testing.T) {
	long := strings.Repeat("é", 2000)
	got := shorten(long)
	if len(got) > maxTextLen+10 || !utf8.ValidString(got) || !strings.Contains(got, " … ") {
		t.Errorf("shorten: %d bytes, valid=%v", len(got), utf8.ValidString(got))
	}
	if shorten("short") != "short" {
		t.Error("short text changed")
	}
}
