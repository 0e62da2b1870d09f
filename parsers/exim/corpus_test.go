package exim

import (
	"bytes"
	"encoding/json"
	"github.com/smarthost-lint/smarthost-lint/internal/eximcorpus"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
)

// The oracle corpus test runs the real `exim -bV -C` (via
// ../shared/oracles/exim-check.sh) on every Exim configuration of
// ../shared/corpus/exim and compares:
//
//   - Exim accepts the file → we report no error;
//   - Exim rejects it at line N → we report an error whose logical line
//     covers line N (Exim names the last physical line of a continued
//     line); or, for errors without a line number, an error with Exim's
//     message;
//   - otherwise the rejection is semantic (an unknown option, a user that
//     does not exist on this machine, …), which the rule layer checks with
//     option tables: it is recorded in
//     testdata/exim/parser/oracle-semantic.json, the line is commented out
//     in the temporary copy and Exim runs again, so that every file is
//     checked to its end. The recorded list must match the JSON file
//     (EXIM_ORACLE_UPDATE=1 rewrites it).
//   - Once Exim accepts the (possibly edited) copy, the routers,
//     transports and authenticators `exim -bP` lists must equal ours, in
//     order.
//
// All 22 exim-src test-confs are used (about 0.3 s each), with the test
// harness placeholders substituted as Exim's runtest does.

// SemanticCase is a rejection by Exim that the parser does not report.
type SemanticCase struct {
	File    string `json:"file"` // corpus-relative, or "<generated>/…"
	Line    int    `json:"line"` // 0 when Exim gave no line
	Message string `json:"message"`
	Text    string `json:"text,omitempty"` // the logical line (first physical line), when known
}

const semanticJSON = "../../testdata/exim/parser/oracle-semantic.json"

var (
	reExitLine  = regexp.MustCompile(`Exim configuration error in line (\d+) of ([^:]+):`)
	reTimestamp = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?( \[\d+\])? `)
)

func TestOracleCorpus(t *testing.T) {
	corpus := testenv.Corpus(t, "exim")
	script := testenv.OracleScript(t, "exim-check.sh")
	// Exim reads included files after dropping privileges (a -C file
	// that is not the built-in one): the directories must be world-readable.
	tmp := t.TempDir()
	for d := tmp; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		_ = os.Chmod(d, 0o755)
	}
	cases := eximcorpus.Copy(t, corpus, tmp)
	clean := func(s string) string { return strings.ReplaceAll(s, tmp, "<tmp>") }
	var semantic []SemanticCase
	checked, ran, values, agreed := 0, 0, 0, 0
	for _, oc := range cases {
		t.Run(oc.Name, func(t *testing.T) {
			ran++
			for iter := 0; iter < 40; iter++ {
				out, msg, line, file, ok := runEximCheck(t, script, oc.Path)
				src, err := os.ReadFile(oc.Path)
				if err != nil {
					t.Fatal(err)
				}
				c, _ := Parse(oc.Path, src, Options{ReadFile: os.ReadFile})
				checkPositions(t, c)
				checked++
				if ok {
					t.Logf("exim accepts (after %d semantic edits)", iter)
					if len(c.Errors) > 0 {
						t.Errorf("exim accepts, we report %v", errStrings(c))
					}
					values += compareBP(t, c, out)
					return
				}
				if line == 0 {
					for _, e := range c.Errors {
						if strings.Contains(msg, e.Msg) {
							t.Logf("agree: exim %q; we %v", msg, e)
							agreed++
							return
						}
					}
					// A check made after reading the file: blank the
					// option the message starts with or names, if any.
					o := optionNamedIn(c, msg)
					sc := SemanticCase{File: oc.Name, Message: clean(msg)}
					if o != nil {
						sc.Text = clean(firstLine(o.Line.Text.S))
					}
					semantic = append(semantic, sc)
					if o == nil || !blankLines(o.Line.Pos.File, o.Line, 0) {
						return
					}
					continue
				}
				if e := errorOnLine(c, file, line); e != nil {
					t.Logf("agree: exim %q at line %d; we %v", msg, line, e)
					agreed++
					// read on: comment the line out and run again
					from, to := e.Pos.Line, line
					if e.End.File == file && e.End.Line > to {
						to = e.End.Line
					}
					if l := logicalLineAt(c, file, line); l != nil && l.Pos.Line < from {
						from = l.Pos.Line
					}
					if !blankLines(file, &Line{Pos: Pos{Line: from}, End: Pos{Line: to}}, line) {
						return
					}
					continue
				}
				l := logicalLineAt(c, file, line)
				sc := SemanticCase{File: oc.Name, Line: line, Message: clean(msg)}
				if file != oc.Path {
					sc.File = oc.Name + " (included " + filepath.Base(file) + ")"
				}
				if l != nil {
					sc.Text = clean(firstLine(l.Text.S))
				}
				semantic = append(semantic, sc)
				if d := driverOfLine(c, l); d != nil && strings.Contains(msg, "driver") {
					// The driver type is not in this Exim build: drop
					// the whole instance.
					l = &Line{Pos: d.NamePos, End: d.Options[len(d.Options)-1].Line.End}
				}
				if !blankLines(file, l, line) {
					return
				}
			}
			t.Errorf("too many semantic rejections")
		})
	}
	t.Logf("%d files, %d exim runs, %d syntax errors found by both, %d semantic rejections, %d option values compared with exim -bP", len(cases), checked, agreed, len(semantic), values)
	if ran == len(cases) {
		compareSemantic(t, semantic)
	}
}

func firstLine(s string) string {
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}

// runEximCheck runs exim-check.sh; msg is Exim's message without the
// timestamp and the "error in line" header.
func runEximCheck(t *testing.T, script, path string) (out, msg string, line int, file string, ok bool) {
	t.Helper()
	cmd := exec.Command("bash", script, path, "nobody@remote.example.net")
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	if err == nil {
		return so.String(), "", 0, "", true
	}
	var parts []string
	for _, l := range strings.Split(se.String(), "\n") {
		if m := reExitLine.FindStringSubmatch(l); m != nil {
			line, _ = strconv.Atoi(m[1])
			file = m[2]
			continue
		}
		l = reTimestamp.ReplaceAllString(l, "")
		l = strings.TrimSpace(l)
		if l == "" || strings.Contains(l, "cwd=") || strings.HasPrefix(l, "Warning: purging the environment") || strings.HasPrefix(l, "Suggested action") || l == "Exim configuration error:" {
			continue
		}
		parts = append(parts, l)
	}
	return so.String(), strings.Join(parts, " "), line, file, false
}

// errorOnLine returns our error whose logical line covers line of file.
func errorOnLine(c *Config, file string, line int) *Error {
	for _, e := range c.Errors {
		if e.Pos.File != file {
			continue
		}
		end := e.End.Line
		if e.End.File != file || end < e.Pos.Line {
			end = e.Pos.Line
		}
		if e.Pos.Line <= line && line <= end {
			return e
		}
	}
	return nil
}

// logicalLineAt finds the option/driver/list/raw line covering line.
func logicalLineAt(c *Config, file string, line int) *Line {
	var all []*Line
	add := func(os []*Option) {
		for _, o := range os {
			all = append(all, o.Line)
		}
	}
	add(c.Main.Options)
	for _, s := range c.Sections {
		for _, d := range s.Drivers {
			add(d.Options)
		}
		all = append(all, s.Lines...)
	}
	for _, l := range c.Lists {
		all = append(all, l.Line)
	}
	for _, l := range all {
		if l != nil && l.Pos.File == file && l.Pos.Line <= line && line <= l.End.Line {
			return l
		}
	}
	return nil
}

// blankLines comments out the physical lines of l (or just line) in file.
func blankLines(file string, l *Line, line int) bool {
	src, err := os.ReadFile(file)
	if err != nil {
		return false
	}
	lines := strings.Split(string(src), "\n")
	from, to := line, line
	if l != nil {
		from, to = l.Pos.Line, l.End.Line
	}
	if from < 1 || to > len(lines) {
		return false
	}
	for i := from - 1; i < to; i++ {
		lines[i] = "# " + lines[i]
	}
	return os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o644) == nil
}

// driverOfLine returns the driver instance whose `driver` option is l.
func driverOfLine(c *Config, l *Line) *Driver {
	if l == nil {
		return nil
	}
	for _, s := range c.Sections {
		for _, d := range s.Drivers {
			if o := d.Option("driver"); o != nil && o.Line == l {
				return d
			}
		}
	}
	return nil
}

// optionNamedIn returns the first option (main, then drivers) whose
// name appears in msg as a word, as in "openssl_options is set but we're
// using GnuTLS" or "unknown log_selector setting: +x".
func optionNamedIn(c *Config, msg string) *Option {
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(msg, func(r rune) bool { return !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }) {
		words[w] = true
	}
	all := append([]*Option(nil), c.Main.Options...)
	for _, s := range c.Sections {
		for _, d := range s.Drivers {
			all = append(all, d.Options...)
		}
	}
	for _, o := range all {
		if strings.Contains(o.Name, "_") && words[o.Name] {
			return o
		}
	}
	return nil
}

// compareBP checks the -bP driver lists exim-check.sh printed.
func compareBP(t *testing.T, c *Config, out string) (compared int) {
	t.Helper()
	for _, kind := range []string{"routers", "transports", "authenticators"} {
		prefix := "--- " + kind + ":"
		found := false
		for _, l := range strings.Split(out, "\n") {
			if !strings.HasPrefix(l, prefix) {
				continue
			}
			found = true
			want := strings.Fields(strings.TrimPrefix(l, prefix))
			var got []string
			for _, d := range c.Drivers(kind) {
				got = append(got, d.Name)
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%s: exim -bP %v, we %v", kind, want, got)
			}
			// driver types agree too (the lines after this header)
			re := regexp.MustCompile(`^  (\S+): driver = (\S+)$`)
			types := map[string]string{}
			block := out[strings.Index(out, l)+len(l):]
			if k := strings.Index(block, "\n--- "); k >= 0 {
				block = block[:k]
			}
			for _, x := range strings.Split(block, "\n") {
				if m := re.FindStringSubmatch(x); m != nil {
					types[m[1]] = m[2]
				}
			}
			for _, d := range c.Drivers(kind) {
				if w, ok := types[d.Name]; !ok || w != d.DriverType() {
					t.Errorf("%s %s: exim driver %q, we %q", kind, d.Name, w, d.DriverType())
				}
			}
			// and the option values exim-check.sh shows, for the
			// options the file sets (the others are defaults)
			reOpt := regexp.MustCompile(`^  (\S+): (\S+) = (.*)$`)
			for _, x := range strings.Split(block, "\n") {
				m := reOpt.FindStringSubmatch(x)
				if m == nil || m[2] == "driver" {
					continue
				}
				var d *Driver
				for _, dd := range c.Drivers(kind) {
					if dd.Name == m[1] {
						d = dd
					}
				}
				if d == nil {
					continue
				}
				if os := d.OptionsNamed(m[2]); len(os) == 1 && os[0].HasValue && os[0].Value.S != m[3] {
					t.Errorf("%s %s: exim %s = %q, we %q", kind, d.Name, m[2], m[3], os[0].Value.S)
				}
				compared++
			}
		}
		if !found {
			t.Errorf("no %s line in exim-check.sh output", kind)
		}
	}
	return compared
}

func compareSemantic(t *testing.T, got []SemanticCase) {
	t.Helper()
	sort.SliceStable(got, func(i, j int) bool {
		if got[i].File != got[j].File {
			return got[i].File < got[j].File
		}
		return got[i].Line < got[j].Line
	})
	if got == nil {
		got = []SemanticCase{}
	}
	b, _ := json.MarshalIndent(got, "", "  ")
	b = append(b, '\n')
	if os.Getenv("EXIM_ORACLE_UPDATE") == "1" {
		if err := os.WriteFile(semanticJSON, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(semanticJSON)
	if err != nil {
		t.Fatalf("%v (run with EXIM_ORACLE_UPDATE=1 to create it)", err)
	}
	if !bytes.Equal(want, b) {
		t.Errorf("semantic rejections differ from %s (EXIM_ORACLE_UPDATE=1 rewrites it):\n%s", semanticJSON, b)
	}
}

// TestValidFiles: the files of testdata/exim/parser/valid parse without
// errors; Exim accepts them and shows the same drivers and values.
func TestValidFiles(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(parserTestdata, "valid", "*.conf"))
	if len(files) == 0 {
		t.Fatal("no files")
	}
	var script string
	if !testing.Short() {
		script = testenv.OracleScript(t, "exim-check.sh")
	}
	for _, f := range files {
		abs, _ := filepath.Abs(f)
		src, err := os.ReadFile(abs)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := Parse(abs, src, Options{ReadFile: os.ReadFile})
		checkPositions(t, c)
		checkGrammar(t, c)
		if len(c.Errors) > 0 {
			t.Errorf("%s: %v", f, errStrings(c))
		}
		if script == "" {
			continue
		}
		out, msg, line, _, ok := runEximCheck(t, script, abs)
		if !ok {
			t.Errorf("%s: exim rejects it at line %d: %s", f, line, msg)
			continue
		}
		if n := compareBP(t, c, out); n < 2 {
			t.Errorf("%s: only %d values compared", f, n)
		}
	}
}
