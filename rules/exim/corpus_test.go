package exim

import (
	"bytes"
	"github.com/smarthost-lint/smarthost-lint/internal/eximcorpus"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/rules/gen"
)

// TestCorpusAgainstExim lints every Exim configuration of
// ../shared/corpus/exim with the whole frontend and rule set and compares
// with the real Exim 4.96 (`exim -bV -C`):
//
//   - Exim accepts the file → we report no error that claims Exim refuses
//     the configuration (EX000–EX004, EX006–EX008, EX012, and EX002/EX003/
//     EX017 startup checks), and our model's routers (in order, with their
//     driver and transport), transports (driver, port) and authenticators
//     (driver, public name) equal what `exim -bP` prints;
//   - Exim rejects it at line N → we report an error on the logical line
//     that ends at N; without a line number (driver checks at the end of
//     reading), an error whose message contains Exim's; then the line (or
//     driver) is commented out in the copy and Exim runs again, so every
//     file is checked to its end.
//
// Rejections that depend on this Exim build or machine, not on the text,
// are allowed and logged: an option, ACL condition or driver only the
// heavy build knows (our tables, which include exim4-daemon-heavy, know
// them), a user or group this machine lacks, GnuTLS-only checks.
// Test-suite configs get the placeholders Exim's runtest substitutes.
func TestCorpusAgainstExim(t *testing.T) {
	corpus := testenv.Corpus(t, "exim")
	testenv.OracleScript(t, "exim-check.sh")
	exim := eximBinary()
	tmp := t.TempDir()
	for d := tmp; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		_ = os.Chmod(d, 0o755) // Exim reads -C files after dropping privileges
	}
	reg := testRegistry()
	files := 0
	for _, c := range eximcorpus.Copy(t, corpus, tmp) {
		t.Run(c.Name, func(t *testing.T) {
			files++
			for iter := 0; iter < 40; iter++ {
				msg, file, line, ok := eximV(exim, c.Path)
				res, err := lint.Run(lint.Options{Registry: reg, Settings: lint.Settings{Port: 587}}, []string{c.Path})
				if err != nil {
					t.Fatal(err)
				}
				if ok {
					for _, f := range res.Findings {
						if f.Severity == lint.SeverityError && refusalRule(f) {
							t.Errorf("exim accepts, we report %s:%d %s %s", f.Path, f.Start.Line, f.Rule, f.Message)
						}
					}
					compareModel(t, exim, reg, c.Path)
					t.Logf("exim accepts after %d edits", iter)
					return
				}
				if env := environmental(msg, file); env != "" {
					t.Logf("allowed (%s): %s:%d %s", env, filepath.Base(file), line, msg)
				} else if !reported(res.Findings, file, line, msg) {
					t.Errorf("exim rejects %s:%d (%s); we report nothing there", filepath.Base(file), line, msg)
				} else {
					t.Logf("agree: exim rejects %s:%d (%s)", filepath.Base(file), line, msg)
				}
				if !commentOut(t, file, line, msg) {
					return
				}
			}
			t.Errorf("too many rejections")
		})
	}
	t.Logf("%d corpus configurations checked against exim -bV", files)
}

func eximBinary() string {
	root := os.Getenv(testenv.OracleEnv)
	if root == "" {
		root = "/opt/mta-oracles"
	}
	return filepath.Join(root, "exim/usr/sbin/exim4")
}

func testRegistry() *lint.Registry {
	reg := lint.NewRegistry()
	reg.AddRules(lint.EngineRules...)
	reg.AddRules(gen.Rules...)
	reg.AddFrontend(Frontend{})
	reg.AddRules(Rules...)
	return reg
}

// refusalRule reports whether a finding claims that Exim refuses the
// configuration at start-up.
func refusalRule(f lint.Finding) bool {
	switch f.Rule {
	case "EX000", "EX001", "EX003", "EX004", "EX006", "EX007", "EX008", "EX012":
		return true
	case "EX002":
		return true
	case "EX017":
		return strings.Contains(f.Message, "refuses")
	}
	return false
}

var (
	reEximLine = regexp.MustCompile(`Exim configuration error in line (\d+) of ([^:]+):`)
	reStamp    = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?( \[\d+\])? `)
)

// eximV runs exim -bV -C path and returns Exim's message and position.
func eximV(exim, path string) (msg, file string, line int, ok bool) {
	cmd := exec.Command(exim, "-bV", "-C", path)
	var se bytes.Buffer
	cmd.Stderr = &se
	if cmd.Run() == nil {
		return "", "", 0, true
	}
	var parts []string
	for _, l := range strings.Split(se.String(), "\n") {
		if m := reEximLine.FindStringSubmatch(l); m != nil {
			line, _ = strconv.Atoi(m[1])
			file = m[2]
			continue
		}
		l = strings.TrimSpace(reStamp.ReplaceAllString(l, ""))
		if l == "" || strings.HasPrefix(l, "Warning: purging") || strings.HasPrefix(l, "Suggested action") ||
			strings.HasPrefix(l, "LOG: PANIC") || strings.Contains(l, "panic log") || strings.Contains(l, "cwd=") || l == "Exim configuration error:" {
			continue
		}
		parts = append(parts, l)
	}
	if file == "" {
		file = path
	}
	return strings.Join(parts, " "), file, line, false
}

var (
	reUnknownOpt  = regexp.MustCompile(`option "([a-z0-9_]+)" unknown`)
	reUnknownCond = regexp.MustCompile(`unknown ACL condition/modifier in "(?:(?:accept|defer|deny|discard|drop|require|warn)\s+)?!?\s*([a-z_]+)`)
	reNoDriver    = regexp.MustCompile(`cannot find (router|transport|authenticator) driver "([a-z0-9_]+)"`)
)

// environmental tells a rejection that depends on this build or machine.
func environmental(msg, file string) string {
	if m := reInstance.FindStringSubmatch(msg); m != nil && strings.Contains(msg, `"user" or "check_local_user" must be set`) {
		if lo, hi := instanceLines(file, firstNonEmpty(m[1:])); lo > 0 && regexp.MustCompile(`(?m)^\s*user\s*=`).MatchString(strings.Join(fileLines(file)[lo-1:hi], "\n")) {
			return "the router's user does not exist on this machine"
		}
	}
	switch {
	case strings.Contains(msg, "was not found") && (strings.Contains(msg, "user ") || strings.Contains(msg, "group ")):
		return "user or group missing on this machine"
	case strings.Contains(msg, "we're using GnuTLS"):
		return "OpenSSL-only option on a GnuTLS build"
	}
	if m := reUnknownOpt.FindStringSubmatch(msg); m != nil && heavyOnly(m[1]) {
		return "option of exim4-daemon-heavy"
	}
	if m := reUnknownOpt.FindStringSubmatch(msg); m != nil && buildOptional(m[1]) {
		return "option of an optional build feature (we warn)"
	}
	if m := reUnknownCond.FindStringSubmatch(msg); m != nil {
		if fl, ok := aclWords()[m[1]]; ok && fl&optExim4DaemonLight == 0 {
			return "ACL condition of exim4-daemon-heavy"
		}
	}
	if strings.Contains(msg, "failed to open") && strings.Contains(msg, "/aux-var/") {
		return "file of Exim's test harness"
	}
	if m := reNoDriver.FindStringSubmatch(msg); m != nil {
		if _, ok := driverOptions()[m[1]+"s"][m[2]]; ok || unlistedDrivers[m[2]] {
			return "driver not in exim4-daemon-light"
		}
	}
	return ""
}

// heavyOnly reports whether an option is known to the heavy build only.
func heavyOnly(name string) bool {
	check := func(fl optFlags, ok bool) bool { return ok && fl&optExim4DaemonLight == 0 }
	if fl, ok := mainOptions()[name]; check(fl, ok) {
		return true
	}
	for _, m := range genericOptions() {
		if fl, ok := m[name]; check(fl, ok) {
			return true
		}
	}
	for _, drvs := range driverOptions() {
		for _, m := range drvs {
			if fl, ok := m[name]; check(fl, ok) {
				return true
			}
		}
	}
	return false
}

// reported reports whether we have an error on Exim's line (a logical
// line that ends there), or, without a line, an error naming the same
// thing.
func reported(fs []lint.Finding, file string, line int, msg string) bool {
	start := line
	if line > 0 {
		if src, err := os.ReadFile(file); err == nil {
			lines := strings.Split(string(src), "\n")
			for start > 1 && start-2 < len(lines) && strings.HasSuffix(strings.TrimRight(lines[start-2], " \t\r"), `\`) {
				start--
			}
		}
	}
	for _, f := range fs {
		if f.Severity != lint.SeverityError || !strings.HasPrefix(f.Rule, "EX") {
			continue
		}
		if line > 0 && filepath.Clean(f.Path) == filepath.Clean(file) && f.Start.Line >= start && f.Start.Line <= line {
			return true
		}
		if line == 0 && strings.Contains(msg, strings.SplitN(f.Message, ":", 2)[0]) {
			return true
		}
		if line == 0 && sameComplaint(f.Message, msg) {
			return true
		}
	}
	return false
}

// sameComplaint matches our message against Exim's for checks Exim makes
// after reading the file (no line number): both name the same instance
// and the same problem.
func sameComplaint(ours, exim string) bool {
	for _, key := range []string{"a transport is required for this router", "route_list or route_data (but not both) must be specified", "there are two", "no driver defined"} {
		if strings.Contains(ours, key) && strings.Contains(exim, key) {
			return true
		}
	}
	return false
}

var reDriverName = regexp.MustCompile(`^\s*[A-Za-z][A-Za-z0-9_]*:\s*$`)

// commentOut replaces Exim's offending logical line (or, for a driver
// that this build lacks, the whole instance) with comment lines, keeping
// line numbers. It returns false when there is no line to remove.
func commentOut(t *testing.T, file string, line int, msg string) bool {
	if line <= 0 {
		// A check made after reading: remove the instance or the main
		// option the message names.
		lines := fileLines(file)
		if m := reInstance.FindStringSubmatch(msg); m != nil {
			if lo, hi := instanceLines(file, firstNonEmpty(m[1:])); lo > 0 {
				return blank(t, file, lines, lo, hi)
			}
		}
		if name, _, _ := strings.Cut(msg, " "); mainOptions()[name] != 0 {
			re := regexp.MustCompile(`^\s*` + name + `\s*=`)
			for i, l := range lines {
				if re.MatchString(l) {
					return blank(t, file, lines, i+1, i+1)
				}
			}
		}
		return false
	}
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	if line > len(lines) {
		return false
	}
	if m := reNoUser.FindStringSubmatch(msg); m != nil {
		// Keep the option, with an account this machine has.
		lines[line-1] = regexp.MustCompile(`\b`+regexp.QuoteMeta(m[2])+`\b`).ReplaceAllString(lines[line-1], "root")
		return blank(t, file, lines, 0, -1)
	}
	start, end := line, line
	for start > 1 && strings.HasSuffix(strings.TrimRight(lines[start-2], " \t\r"), `\`) {
		start--
	}
	if strings.Contains(msg, "unknown ACL condition") {
		// Keep the statement: replace the condition, not its verb.
		if m := aclVerb().FindString(lines[start-1]); m != "" {
			lines[start-1] = m + " condition = true"
			start++
		}
	}
	if strings.Contains(msg, "driver") {
		for start > 1 && !reDriverName.MatchString(lines[start-1]) {
			start--
		}
		for end < len(lines) && !reDriverName.MatchString(lines[end]) && !strings.HasPrefix(strings.TrimSpace(strings.ToLower(lines[end])), "begin ") {
			end++
		}
	}
	return blank(t, file, lines, start, end)
}

// blank replaces lines lo..hi (1-based) with comments and writes file.
func blank(t *testing.T, file string, lines []string, lo, hi int) bool {
	for i := lo; i <= hi && i <= len(lines); i++ {
		lines[i-1] = "# removed by the corpus test"
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return true
}

var reNoUser = regexp.MustCompile(`(user|group) (\S+) was not found`)

// reInstance finds the driver instance an Exim message names.
var reInstance = regexp.MustCompile(`for (\w+) (?:router|transport|authenticator)|(\w+) (?:router|transport|authenticator):|(?:routers|transports|authenticators) called "(\w+)"|(?:router|transport|authenticator) "(\w+)"`)

func firstNonEmpty(ss []string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func fileLines(file string) []string {
	b, _ := os.ReadFile(file)
	return strings.Split(string(b), "\n")
}

// instanceLines returns the lines of the last definition of a driver
// instance (its name line to the line before the next instance or begin).
func instanceLines(file, name string) (lo, hi int) {
	lines := fileLines(file)
	re := regexp.MustCompile(`^\s*` + regexp.QuoteMeta(name) + `:\s*$`)
	for i, l := range lines {
		if re.MatchString(l) {
			lo = i + 1
		}
	}
	if lo == 0 {
		return 0, 0
	}
	hi = lo
	for hi < len(lines) && !reDriverName.MatchString(lines[hi]) && !strings.HasPrefix(strings.ToLower(strings.TrimSpace(lines[hi])), "begin ") {
		hi++
	}
	return lo, hi
}

// compareModel checks our router chain, transports and authenticators
// against `exim -bP`.
func compareModel(t *testing.T, exim string, reg *lint.Registry, path string) {
	t.Helper()
	l := lint.NewLoader(nil, "", false, 0)
	f, err := l.OpenDisk(path, "")
	if err != nil {
		t.Fatal(err)
	}
	f.Kind, _ = reg.Detect(path, f.Src)
	s, ok := Frontend{}.Load(l, f).(*Setup)
	if !ok {
		t.Fatalf("no Setup for %s", path)
	}
	bp := func(args ...string) []string {
		out, err := exec.Command(exim, append([]string{"-C", path, "-bP"}, args...)...).Output()
		if err != nil {
			t.Fatalf("exim -bP %v: %v", args, err)
		}
		return strings.Split(strings.TrimSpace(string(out)), "\n")
	}
	list := func(kind string) []string {
		var out []string
		for _, n := range bp(kind + "_list") {
			out = append(out, strings.Fields(n)...)
		}
		return out
	}
	opts := func(kind, name string) map[string]string {
		m := map[string]string{}
		for _, l := range bp(kind, name) {
			if k, v, ok := strings.Cut(l, " = "); ok {
				m[k] = v
			} else if k, ok := strings.CutSuffix(l, " ="); ok {
				m[k] = ""
			}
		}
		return m
	}
	var ours []string
	for _, r := range s.Routers {
		ours = append(ours, r.Name)
	}
	if want := list("router"); !slices.Equal(ours, want) {
		t.Errorf("routers: ours %v, exim -bP %v", ours, want)
	} else {
		for _, r := range s.Routers {
			o := opts("router", r.Name)
			if o["driver"] != r.Type || o["transport"] != r.TransportName {
				t.Errorf("router %s: ours driver=%s transport=%q, exim driver=%s transport=%q", r.Name, r.Type, r.TransportName, o["driver"], o["transport"])
			}
		}
	}
	ours = nil
	for _, tr := range s.Transports {
		ours = append(ours, tr.Name)
	}
	if want := list("transport"); !slices.Equal(ours, want) {
		t.Errorf("transports: ours %v, exim -bP %v", ours, want)
	} else {
		for _, tr := range s.Transports {
			o := opts("transport", tr.Name)
			if o["driver"] != tr.Type {
				t.Errorf("transport %s: ours driver=%s, exim %s", tr.Name, tr.Type, o["driver"])
			}
			if tr.Type == "smtp" && tr.PortKnown {
				if p, ok := portNumber(o["port"]); ok && p != tr.Port {
					t.Errorf("transport %s: ours port %d, exim port = %s", tr.Name, tr.Port, o["port"])
				}
			}
		}
	}
	ours = nil
	for _, a := range s.Authenticators {
		ours = append(ours, a.Name)
	}
	if want := list("authenticator"); !slices.Equal(ours, want) {
		t.Errorf("authenticators: ours %v, exim -bP %v", ours, want)
	} else {
		for _, a := range s.Authenticators {
			o := opts("authenticator", a.Name)
			if o["driver"] != a.Type || o["public_name"] != a.PublicName {
				t.Errorf("authenticator %s: ours driver=%s public_name=%s, exim %s %s", a.Name, a.Type, a.PublicName, o["driver"], o["public_name"])
			}
		}
	}
}
