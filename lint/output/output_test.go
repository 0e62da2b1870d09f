package output

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fatih/color"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// secrets are the credentials in the fixture; no output may contain them.
var secrets = []string{"hunter2secret", "s3cr3t-pass", "tail-secret"}

// span returns the byte range of the n-th (0-based) occurrence of sub in f.
func span(t *testing.T, f *lint.File, sub string, n int) (int, int) {
	t.Helper()
	off := 0
	for i := 0; ; i++ {
		j := bytes.Index(f.Src[off:], []byte(sub))
		if j < 0 {
			t.Fatalf("%q not found %d times in %s", sub, n+1, f.Path)
		}
		if i == n {
			return off + j, off + j + len(sub)
		}
		off += j + len(sub)
	}
}

func secretFile(t *testing.T, f *lint.File, value string) {
	t.Helper()
	s, e := span(t, f, value, 0)
	f.AddSecret(s, e)
}

// fixture builds a result by hand, covering every case the formatters must
// render: secrets before, inside and after a span, tabs before a span,
// multi-byte characters, multi-line spans, whole-file findings, a finding on
// a file that is not in Files, control characters and a very long line.
func fixture(t *testing.T) *lint.Result {
	main := lint.NewFile("etc/postfix/main.cf", lint.KindPostfixMain, []byte(
		"# relay via the smarthost\n"+
			"relayhost = smtp.example.com\n"+
			"smtp_sasl_password_maps = static:user:hunter2secret\n"+
			"\tsmtp_tls_security_level = may\n"+
			"mynetworks = 127.0.0.0/8 # café ünïcode here\n"))
	secretFile(t, main, "hunter2secret")

	pw := lint.NewFile("etc/postfix/sasl_passwd", lint.KindPostfixMap, []byte(
		"[smtp.example.com]:587\tuser@example.com:s3cr3t-pass\n"+
			"other\tbob:tail-secret trailing\r\n"))
	secretFile(t, pw, "s3cr3t-pass")
	secretFile(t, pw, "tail-secret")

	long := lint.NewFile("etc/postfix/long.cf", lint.KindPostfixMain, []byte(
		"mynetworks = "+strings.Repeat("10.0.0.1 ", 60)+"bogus "+strings.Repeat("10.0.0.2 ", 40)+"\n"+
			"banner = \x1b[31mred\x1b[0m here\n"))

	var fs []lint.Finding
	add := func(f *lint.File, rule string, sev lint.Severity, start, end int, msg, hint string, fix *lint.Fix) {
		fd := f.At(start, end)
		fd.Rule, fd.Severity, fd.Message, fd.Hint, fd.Fix = rule, sev, msg, hint, fix
		fs = append(fs, fd)
	}

	s, e := span(t, main, "smtp.example.com", 0)
	add(main, "PF001", lint.SeverityWarning, s, e, "relayhost without brackets: Postfix looks up MX records", "write `relayhost = [smtp.example.com]:587`",
		&lint.Fix{Description: "bracket the host and add the port", Safe: true, Edits: []lint.TextEdit{{Start: s, End: e, NewText: "[smtp.example.com]:587"}}})

	s, e = span(t, main, "static:user:hunter2secret", 0)
	add(main, "PF015", lint.SeverityError, s, e, "credentials written in main.cf are readable by every local user", "move them to /etc/postfix/sasl_passwd",
		&lint.Fix{Description: "use a map", Edits: []lint.TextEdit{{Start: s, End: e, NewText: "hash:/etc/postfix/sasl_passwd"}}})
	s, _ = span(t, main, "static", 0)
	_, e = span(t, main, "user", 0)
	add(main, "PF099", lint.SeverityInfo, s, e, "span before the secret", "", nil)
	s, _ = span(t, main, "ser:hunter2", 0)
	_, e = span(t, main, "hunter2", 0)
	add(main, "PF098", lint.SeverityInfo, s, e, "span ending inside the secret", "", nil)

	s, _ = span(t, main, "may", 0)
	_, e = span(t, main, "mynetworks", 0)
	add(main, "PF002", lint.SeverityWarning, s, e, "span over two lines, after a tab", "first line of the hint\nsecond line of the hint", nil)

	s, e = span(t, main, "ünïcode", 0)
	add(main, "PF097", lint.SeverityInfo, s, e, "span after multi-byte characters", "", nil)

	fs = append(fs, lint.Finding{Rule: "GEN003", Severity: lint.SeverityError, Path: main.Path,
		Start: lint.Pos{Line: 1, Column: 1}, End: lint.Pos{Line: 1, Column: 1},
		Message: "main.cf is world-writable", Hint: "chmod 644 etc/postfix/main.cf"})

	s, e = span(t, pw, "user@example.com", 0)
	add(pw, "PF020", lint.SeverityWarning, s, e, "span after a tab, before a secret", "", nil)
	s, e = span(t, pw, "trailing", 0)
	add(pw, "PF021", lint.SeverityError, s, e, "span after a secret on a CRLF line", "", nil)
	s, e = span(t, pw, "tail-secret", 0)
	add(pw, "PF022", lint.SeverityWarning, s, s, "zero-width span at a secret", "", nil)
	e = pw.LineSpan(2).End
	add(pw, "PF023", lint.SeverityInfo, e, e, "zero-width span at the end of a line", "", nil)

	s, e = span(t, long, "bogus", 0)
	add(long, "PF024", lint.SeverityWarning, s, e, "span in a very long line", "", nil)
	s, e = span(t, long, "red", 0)
	add(long, "PF025", lint.SeverityInfo, s, e, "span after an escape sequence", "", nil)

	fs = append(fs, lint.Finding{Rule: "PF000", Severity: lint.SeverityError, Path: "etc/postfix/unreadable",
		Start: lint.Pos{Line: 3, Column: 4}, End: lint.Pos{Line: 3, Column: 9},
		Message: "finding on a file that is not in Files"})

	lint.SortFindings(fs)
	// Files deliberately out of order: JSON sorts them.
	return &lint.Result{Files: []*lint.File{pw, main, long}, Findings: fs}
}

func render(t *testing.T, name string, res *lint.Result) []byte {
	t.Helper()
	var b bytes.Buffer
	var err error
	switch name {
	case "text":
		err = Text(&b, res, TextOptions{})
	case "text_color":
		err = Text(&b, res, TextOptions{Color: true})
	case "text_quiet":
		err = Text(&b, res, TextOptions{Quiet: true})
	case "json":
		err = JSON(&b, res)
	case "sarif":
		err = SARIF(&b, res, testSARIFOptions)
	case "github":
		err = GitHub(&b, res)
	case "checkstyle":
		err = Checkstyle(&b, res)
	default:
		t.Fatalf("unknown format %s", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func golden(t *testing.T, file string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", file)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run go test -update after checking):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestGolden(t *testing.T) {
	empty := &lint.Result{}
	oneFile := &lint.Result{Files: []*lint.File{lint.NewFile("main.cf", lint.KindPostfixMain, []byte("relayhost = [x]:587\n"))}}
	cases := []struct {
		golden, format string
		res            *lint.Result
	}{
		{"findings.txt", "text", fixture(t)},
		{"findings_color.txt", "text_color", fixture(t)},
		{"findings_quiet.txt", "text_quiet", fixture(t)},
		{"findings.json", "json", fixture(t)},
		{"empty.txt", "text", empty},
		{"empty.json", "json", empty},
		{"clean.txt", "text", oneFile},
		{"clean_quiet.txt", "text_quiet", oneFile},
		{"clean.json", "json", oneFile},
		{"findings.sarif", "sarif", fixture(t)},
		{"empty.sarif", "sarif", empty},
		{"clean.sarif", "sarif", oneFile},
		{"findings.github", "github", fixture(t)},
		{"empty.github", "github", empty},
		{"findings.checkstyle.xml", "checkstyle", fixture(t)},
		{"empty.checkstyle.xml", "checkstyle", empty},
		{"clean.checkstyle.xml", "checkstyle", oneFile},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			got := render(t, c.format, c.res)
			for _, s := range secrets {
				if bytes.Contains(got, []byte(s)) {
					t.Errorf("output contains the secret %q", s)
				}
			}
			if again := render(t, c.format, c.res); !bytes.Equal(got, again) {
				t.Errorf("two runs differ")
			}
			golden(t, c.golden, got)
		})
	}
}

// TestColorIsLocal checks that the caller's choice wins over the global
// color.NoColor, in both directions.
func TestColorIsLocal(t *testing.T) {
	saved := color.NoColor
	t.Cleanup(func() { color.NoColor = saved })
	res := fixture(t)
	for _, global := range []bool{true, false} {
		color.NoColor = global
		for _, on := range []bool{true, false} {
			var b bytes.Buffer
			if err := Text(&b, res, TextOptions{Color: on}); err != nil {
				t.Fatal(err)
			}
			if has := bytes.Contains(b.Bytes(), []byte("\x1b[")); has != on {
				t.Errorf("color.NoColor=%v, Color=%v: escape sequences present = %v", global, on, has)
			}
		}
	}
}

// TestJSONShape decodes the document generically and checks the keys SPEC
// §4 promises, so the golden file cannot drift from the contract unnoticed.
func TestJSONShape(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(render(t, "json", fixture(t)), &doc); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) []string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return ks
	}
	if got, want := keys(doc), []string{"files", "findings", "summary", "version"}; !slices.Equal(got, want) {
		t.Errorf("top-level keys %v, want %v", got, want)
	}
	if doc["version"] != float64(1) {
		t.Errorf("version = %v", doc["version"])
	}
	files := doc["files"].([]any)
	var paths []string
	for _, f := range files {
		paths = append(paths, f.(map[string]any)["path"].(string))
	}
	if !slices.IsSorted(paths) {
		t.Errorf("files not sorted: %v", paths)
	}
	for _, f := range doc["findings"].([]any) {
		fd := f.(map[string]any)
		for _, k := range []string{"rule", "severity", "path", "line", "column", "end_line", "end_column", "message", "hint", "fix"} {
			if _, ok := fd[k]; !ok {
				t.Errorf("finding %v lacks %q", fd["rule"], k)
			}
		}
		if fix, ok := fd["fix"].(map[string]any); ok {
			for _, e := range fix["edits"].([]any) {
				for _, k := range []string{"start", "end", "start_line", "start_column", "end_line", "end_column", "new_text"} {
					if _, ok := e.(map[string]any)[k]; !ok {
						t.Errorf("edit of %v lacks %q", fd["rule"], k)
					}
				}
			}
		}
	}
	sum := doc["summary"].(map[string]any)
	if got, want := keys(sum), []string{"error", "info", "warning"}; !slices.Equal(got, want) {
		t.Errorf("summary keys %v, want %v", got, want)
	}

	var empty map[string]any
	if err := json.Unmarshal(render(t, "json", &lint.Result{}), &empty); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"files", "findings"} {
		if l, ok := empty[k].([]any); !ok || len(l) != 0 {
			t.Errorf("%s in an empty result = %#v, want []", k, empty[k])
		}
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 errors", 1: "1 error", 2: "2 errors"} {
		if got := plural(n, "error"); got != want {
			t.Errorf("plural(%d) = %q, want %q", n, got, want)
		}
	}
}
