package postfix

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
)

// These tests run the real Postfix 3.7 tools (unpacked by
// ../shared/oracles/setup.sh) on the corpus and the fixtures and compare
// their view of each file with the parsers'. They skip when the oracles
// are not installed (and fail then with SMARTHOST_LINT_REQUIRE_SHARED=1).

// oracleRun runs a program and returns stdout, the de-duplicated stderr
// lines (postconf re-reads main.cf and repeats its warnings) and the exit
// status.
func oracleRun(t *testing.T, stdin string, prog string, args ...string) (string, []string, int) {
	t.Helper()
	cmd := exec.Command(prog, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v", prog, err)
	}
	var lines []string
	seen := map[string]bool{}
	for _, l := range strings.Split(errb.String(), "\n") {
		if l != "" && !seen[l] {
			seen[l] = true
			lines = append(lines, l)
		}
	}
	return out.String(), lines, code
}

// configDir writes main.cf and master.cf into a new directory, back-dated
// so that postconf does not wait for "hot" files to cool down.
func configDir(t *testing.T, mainCF, masterCF []byte) string {
	t.Helper()
	// Not t.TempDir(): its name comes from the test name, and postconf
	// expands $ and {} in config_directory.
	dir, err := os.MkdirTemp("", "pfconf")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	old := time.Now().Add(-time.Minute)
	for name, b := range map[string][]byte{"main.cf": mainCF, "master.cf": masterCF} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// oracleFiles returns the corpus and fixture files of a kind.
func oracleFiles(t *testing.T, kind fileKind) []string {
	var out []string
	for _, f := range append(corpusFiles(t), walkFiles(t, fixtureDir)...) {
		if kindOf(f) == kind {
			out = append(out, f)
		}
	}
	return out
}

var (
	unusedRE   = regexp.MustCompile(`unused parameter: ([^=]*)=`)
	fatalRE    = regexp.MustCompile(`fatal: .*?, line (\d+): `)
	lineWarnRE = regexp.MustCompile(`, line (\d+): `)
)

// parseNameValues reads postconf "name = value" / "name =" output.
func parseNameValues(out string) map[string]string {
	m := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if l == "" {
			continue
		}
		name, value, ok := strings.Cut(l, " = ")
		if !ok {
			name, value = strings.TrimSuffix(l, " ="), ""
		}
		m[name] = value
	}
	return m
}

// TestOracleMainCF compares ParseMain with `postconf -c DIR -n` for every
// main.cf of the corpus and every main-*.cf fixture: the same fatal errors
// (on the same line), the same dropped indented text, and for every
// parameter postconf prints the same value (last definition wins); the
// parameters postconf does not print are those it calls unused.
func TestOracleMainCF(t *testing.T) {
	postconf := testenv.Oracle(t, "postconf")
	for _, f := range oracleFiles(t, kindMain) {
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			src := readFile(t, f)
			dir := configDir(t, src, nil)
			out, stderr, code := oracleRun(t, "", postconf, "-c", dir, "-n")
			m, err := ParseMain("main.cf", src)

			var fatalLine int
			dropped, unused := 0, map[string]bool{}
			for _, l := range stderr {
				switch {
				case strings.Contains(l, "fatal:"):
					if sm := fatalRE.FindStringSubmatch(l); sm != nil {
						fatalLine, _ = strconv.Atoi(sm[1])
					}
				case strings.Contains(l, msgIndented):
					dropped++
				}
				if sm := unusedRE.FindStringSubmatch(l); sm != nil {
					unused[sm[1]] = true
				}
			}
			if (code != 0) != (err != nil) {
				t.Fatalf("postconf exit %d (%q), ParseMain error %v", code, stderr, err)
			}
			if err != nil {
				if p := err.(*Problem); p.Pos.Line != fatalLine {
					t.Errorf("fatal on line %d, postconf says line %d", p.Pos.Line, fatalLine)
				}
				return
			}
			ours := 0
			for _, e := range m.Entries {
				if e.Dropped != nil {
					ours++
				}
			}
			if ours != dropped {
				t.Errorf("%d dropped logical lines, postconf warned %d times", ours, dropped)
			}
			want := parseNameValues(out)
			delete(want, "config_directory")
			for name, value := range want {
				p := m.Lookup(name)
				switch {
				case p == nil:
					t.Errorf("postconf shows %s = %q, the parser has no such parameter", name, value)
				case p.Value != value:
					t.Errorf("%s = %q, postconf shows %q", name, p.Value, value)
				}
			}
			for _, p := range m.Params() {
				if _, ok := want[p.Name]; !ok && !unused[p.Name] {
					t.Errorf("parameter %q: postconf neither shows it nor calls it unused", p.Name)
				}
			}
			if len(want) == 0 && len(m.Params()) > 0 && len(unused) == 0 {
				t.Error("postconf shows nothing")
			}
		})
	}
}

// postconfMangles reports whether postconf -P shows the override o
// differently from the daemon (see ParseMaster): "-oNAME=VALUE" written as
// one word with an 'o' after the option letter.
func postconfMangles(o *Override, src []byte) bool {
	compact := !o.Braced && o.NamePos.Offset == o.Pos.Offset+2
	return compact && bytes.IndexByte(src[o.NamePos.Offset:o.EndPos.Offset], 'o') >= 0
}

// TestOracleMasterCF compares ParseMaster with `postconf -M` (services,
// fatal errors) and `postconf -P` (-o overrides) for every master.cf of
// the corpus and every master-*.cf fixture.
func TestOracleMasterCF(t *testing.T) {
	postconf := testenv.Oracle(t, "postconf")
	for _, f := range oracleFiles(t, kindMaster) {
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			src := readFile(t, f)
			dir := configDir(t, nil, src)
			outM, stderr, code := oracleRun(t, "", postconf, "-c", dir, "-M")
			m, err := ParseMaster("master.cf", src)
			if (code != 0) != (err != nil) {
				t.Fatalf("postconf -M exit %d (%q), ParseMaster error %v", code, stderr, err)
			}
			if err != nil {
				for _, l := range stderr {
					if sm := regexp.MustCompile(`line (\d+): bad field count`).FindStringSubmatch(l); sm != nil {
						if n, _ := strconv.Atoi(sm[1]); err.(*Problem).Pos.Line != n || !strings.Contains(err.Error(), "bad field count") {
							t.Errorf("error %v, postconf: %s", err, l)
						}
					}
				}
				return
			}
			var want, got []string
			for _, l := range strings.Split(strings.TrimSpace(outM), "\n") {
				if fs := strings.Fields(l); len(fs) >= 2 {
					want = append(want, fs[0]+"/"+fs[1])
				}
			}
			for _, s := range m.Services {
				got = append(got, s.Name+"/"+s.Type)
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("services\n got %q\nwant %q", got, want)
			}

			outP, _, _ := oracleRun(t, "", postconf, "-c", dir, "-P")
			wantP := parseNameValues(outP)
			mangled := map[string]bool{}
			ours := map[string]string{}
			for _, s := range m.Services {
				for _, o := range s.Overrides {
					if postconfMangles(o, src) {
						mangled[s.Name+"/"+s.Type] = true
						continue
					}
					ours[s.Name+"/"+s.Type+"/"+o.Name] = strings.Join(strings.Fields(o.Value), " ")
				}
			}
			for k, v := range ours {
				if w, ok := wantP[k]; !ok || w != v {
					t.Errorf("%s = %q, postconf -P shows %q (present %v)", k, v, w, ok)
				}
			}
			for k, v := range wantP {
				svc := k[:strings.LastIndexByte(k, '/')]
				if _, ok := ours[k]; !ok && !mangled[svc] {
					t.Errorf("postconf -P shows %s = %q, the parser does not", k, v)
				}
			}
		})
	}
}

// harnessDir is the config directory setup.sh prepares for postmap.
func harnessDir(t *testing.T, postmap string) string {
	dir := filepath.Join(filepath.Dir(filepath.Dir(postmap)), "postfix-harness")
	if _, err := os.Stat(filepath.Join(dir, "main.cf")); err != nil {
		t.Skipf("no postfix harness config at %s", dir)
	}
	return dir
}

// postmapWarnings classifies postmap's warnings as "kind:line" strings.
func postmapWarnings(stderr []string) (warnings []string, duplicates int) {
	for _, l := range stderr {
		line := "0"
		if sm := lineWarnRE.FindStringSubmatch(l); sm != nil {
			line = sm[1]
		}
		switch {
		case strings.Contains(l, "duplicate entry"):
			duplicates++
		case strings.Contains(l, "expected format"):
			warnings = append(warnings, "format:"+line)
		case strings.Contains(l, "unbalanced"):
			warnings = append(warnings, "unbalanced:"+line)
		case strings.Contains(l, "is this an alias file"):
			warnings = append(warnings, "alias:"+line)
		case strings.Contains(l, "non-UTF-8"):
			warnings = append(warnings, "utf8:"+line)
		case strings.Contains(l, msgIndented):
			warnings = append(warnings, "indented:0")
		}
	}
	sort.Strings(warnings)
	return warnings, duplicates
}

// ourWarnings classifies the table's problems like postmapWarnings.
func ourWarnings(tab *Table) []string {
	var out []string
	for _, p := range tab.Problems {
		line := strconv.Itoa(p.Pos.Line)
		switch {
		case strings.HasPrefix(p.Msg, msgFormat):
			out = append(out, "format:"+line)
		case strings.HasPrefix(p.Msg, msgUnbalanced):
			out = append(out, "unbalanced:"+line)
		case strings.HasPrefix(p.Msg, msgAliasFormat):
			out = append(out, "alias:"+line)
		case strings.HasPrefix(p.Msg, msgNonUTF8):
			out = append(out, "utf8:"+line)
		case strings.HasPrefix(p.Msg, msgIndented):
			out = append(out, "indented:0")
		}
	}
	sort.Strings(out)
	return out
}

// TestOracleTables builds every table of the corpus and the table fixtures
// with the real postmap (hash) and compares the stored entries (postmap
// -s) and postmap's warnings with ParseTable.
func TestOracleTables(t *testing.T) {
	postmap := testenv.Oracle(t, "postmap")
	harness := harnessDir(t, postmap)
	for _, f := range oracleFiles(t, kindTable) {
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			src := readFile(t, f)
			tmp := filepath.Join(t.TempDir(), "table")
			if err := os.WriteFile(tmp, src, 0o644); err != nil {
				t.Fatal(err)
			}
			_, stderr, code := oracleRun(t, "", postmap, "-c", harness, "hash:"+tmp)
			if code != 0 {
				t.Fatalf("postmap exit %d: %q", code, stderr)
			}
			dump, _, _ := oracleRun(t, "", postmap, "-c", harness, "-s", "hash:"+tmp)
			stored := map[string]string{}
			for _, l := range strings.Split(dump, "\n") {
				if k, v, ok := strings.Cut(l, "\t"); ok {
					stored[k] = v
				}
			}
			tab, _ := ParseTable("table", src)
			ours := map[string]string{}
			for _, e := range tab.Entries {
				k := FoldKey(e.Key)
				if _, dup := ours[k]; !dup {
					ours[k] = e.Value
				}
			}
			for k, v := range stored {
				if ours[k] != v {
					t.Errorf("postmap stores %q = %q, parser has %q", k, v, ours[k])
				}
			}
			for k, v := range ours {
				if _, ok := stored[k]; !ok {
					t.Errorf("parser has %q = %q, postmap does not store it", k, v)
				}
			}
			warnings, dups := postmapWarnings(stderr)
			if got := ourWarnings(tab); strings.Join(got, " ") != strings.Join(warnings, " ") {
				t.Errorf("problems %q, postmap warned %q", got, warnings)
			}
			if dups != len(tab.Duplicates()) {
				t.Errorf("%d duplicates, postmap warned about %d", len(tab.Duplicates()), dups)
			}
		})
	}
}

// TestOracleTableQueries asks postmap -q for the keys RULES.md talks about:
// a quoted key with spaces, case folding, the first of duplicate keys and
// a continued value.
func TestOracleTableQueries(t *testing.T) {
	postmap := testenv.Oracle(t, "postmap")
	harness := harnessDir(t, postmap)
	src := fixture(t, "sasl_passwd")
	tmp := filepath.Join(t.TempDir(), "sasl_passwd")
	if err := os.WriteFile(tmp, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := oracleRun(t, "", postmap, "-c", harness, "hash:"+tmp); code != 0 {
		t.Fatalf("postmap: %q", stderr)
	}
	tab, _ := ParseTable("sasl_passwd", src)
	for _, key := range []string{
		`"key with space"`, "key with space", "SMTP.EXAMPLE.COM", "smtp.example.com", "[DUP.x]:587",
		"[cont.x]:587", "smtp.trailing.x", "relay.x", "[smtp.x]:587", "smtp.x", "nope",
	} {
		out, stderr, code := oracleRun(t, "", postmap, "-c", harness, "-q", key, "hash:"+tmp)
		var want *string
		switch code {
		case 0:
			v := strings.TrimSuffix(out, "\n")
			want = &v
		case 1:
		default:
			t.Fatalf("postmap -q %q: exit %d %q", key, code, stderr)
		}
		e := tab.Lookup(key)
		switch {
		case want == nil && e != nil:
			t.Errorf("Lookup(%q) = %q, postmap finds nothing", key, e.Value)
		case want != nil && (e == nil || e.Value != *want):
			t.Errorf("Lookup(%q) = %+v, postmap -q gives %q", key, e, *want)
		}
	}
}

// TestOracleExpand compares Expand with `postconf -x` on the expansion
// forms of RULES.md 2.1.
func TestOracleExpand(t *testing.T) {
	postconf := testenv.Oracle(t, "postconf")
	defs := "a = 5\ne =\nb = $a$a\nr1 = $r2\nr2 = $r1\n"
	for _, expr := range []string{
		"$a", "${a}", "$(a)b", "$b", "$$a $a$$", "$$$a", "${a?{x}:{y}}", "${e?{x}:{y}}", "${a:{x}}", "${e:{$a}}",
		"${undef?yes}${undef:no}", "${a?x:y}", "${a?$b}", "${a?  {x}  }", "${a ?x}", "${ a }", "${a?{x}:y}",
		"${a?x}{y}", "$(a?(x))", "${{$a} == {5} ? {eq} : {ne}}", "${{$a}!={5}?{ne}:{eq}}", "${{$a} < {10} ? {lt} : {ge}}",
		"${{a}<{b}?{y}:{n}}", "${{$a} <level {3.6} ? {lt} : {ge}}", "${{x} == {x}}", "${{a}=={b}}z",
		"${a", "x$", "${a-b}", "${a?{x}:{y}z}", "${a?{x}y}", "${{a} == {b} x}", "${{a}}", "$r1",
	} {
		t.Run(expr, func(t *testing.T) {
			t.Parallel()
			mainCF := defs + "smtpd_banner = " + expr + "\n"
			dir := configDir(t, []byte(mainCF), nil)
			out, stderr, code := oracleRun(t, "", postconf, "-c", dir, "-xh", "smtpd_banner")
			m, err := ParseMain("main.cf", []byte(mainCF))
			if err != nil {
				t.Fatal(err)
			}
			got, _, eerr := ExpandErr(m.Lookup("smtpd_banner").Value, m.Get, 0)
			if (code != 0) != (eerr != nil) {
				t.Fatalf("postconf exit %d (%q), Expand error %v", code, stderr, eerr)
			}
			if want := strings.Join(strings.Fields(out), " "); code == 0 && strings.Join(strings.Fields(got), " ") != want {
				t.Errorf("Expand = %q, postconf -x = %q", got, strings.TrimSuffix(out, "\n"))
			}
		})
	}
}
