package qmail

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
	"github.com/smarthost-lint/smarthost-lint/lint"
)

// lintPath lints one control file (and what the frontend loads with it)
// on the real file system.
func lintPath(t *testing.T, path string, settings lint.Settings) []lint.Finding {
	t.Helper()
	res, err := lint.Run(lint.Options{Registry: registry(), Settings: settings}, []string{path})
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings
}

// metadataRules depend on the checkout's file modes and the machine's
// users, not on the text: they are left out of corpus expectations.
var metadataRules = []string{"GEN003", "QM008"}

// TestCorpus lints every qmail file of the shared corpus (except the
// Qsmtp fixtures, see TestQsmtpAgreement) and compares the findings with
// the list below, each checked by hand against qmail's behaviour (see the
// comments). No file may give QM000.
func TestCorpus(t *testing.T) {
	dir := testenv.Corpus(t, "qmail")
	want := map[string][]string{
		// Per-domain route and the default to the same relay, both
		// without a port: qmail-remote uses 25, not 587. No TLS/AUTH
		// evidence beside it.
		"coretanium-blog/smtproutes": {"1 QM002", "2 QM002", "2 QM006"},
		// Default route to an ISP relay on port 25.
		"freebsdwiki/smtproutes":   {"1 QM002", "1 QM006"},
		"koozali-forum/smtproutes": {"1 QM002", "1 QM006"},
		// The man page's example: inside.af.mil → firewall:26 overrides
		// the default (QM005 warning) on port 26 (QM002); its subdomains
		// go by MX via .af.mil (QM003 info); .af.mil does not cover
		// af.mil, which goes to heaven.af.mil (QM003) and overrides the
		// default with MX delivery (QM005); heaven.af.mil has no port.
		"notqmail-man/smtproutes": {"1 QM002", "1 QM003", "1 QM005", "2 QM003", "2 QM005", "3 QM002", "3 QM006"},
		// sagredo's man page examples concatenated: the same plus a
		// second default route (line 2, overridden by line 4: QM004)
		// with "|user|password" (QM007 info); authsenders lines 1-3 have
		// no ':' and are skipped by constmap_init(flagcolon=1) in
		// sagredo's qmail-remote.c (QM001); line 4 uses port 26 and,
		// like line 2 of smtproutes, would AUTH without mandatory TLS
		// (no control/tlshosts/<host>.pem: QM007 warning).
		"sagredo-qmail/smtproutes":  {"1 QM002", "1 QM003", "1 QM005", "2 QM004", "2 QM007", "3 QM003", "3 QM005", "4 QM002", "4 QM006"},
		"sagredo-qmail/authsenders": {"1 QM001", "2 QM001", "3 QM001", "4 GEN001", "4 QM002", "4 QM007", "5 GEN001"},
	}
	got := map[string][]string{}
	for _, sub := range []string{"coretanium-blog", "freebsdwiki", "koozali-forum", "notqmail-man", "sagredo-qmail"} {
		for _, fd := range lintPath(t, filepath.Join(dir, sub, "smtproutes"), lint.Settings{Port: 587}) {
			rel, _ := filepath.Rel(dir, fd.Path)
			t.Logf("%s:%d:%d %s %s: %s", rel, fd.Start.Line, fd.Start.Column, fd.Rule, fd.Severity, fd.Message)
			if fd.Rule == "QM000" {
				t.Errorf("%s: QM000 on a corpus file", rel)
			}
			if !slices.Contains(metadataRules, fd.Rule) {
				got[filepath.ToSlash(rel)] = append(got[filepath.ToSlash(rel)], strconv.Itoa(fd.Start.Line)+" "+fd.Rule)
			}
		}
	}
	for path := range want {
		if _, err := os.Stat(filepath.Join(dir, path)); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
	for path, w := range want {
		g := slices.Compact(slices.Sorted(slices.Values(got[path])))
		if !slices.Equal(g, w) {
			t.Errorf("%s:\n got  %v\n want %v", path, g, w)
		}
	}
	for path := range got {
		if _, ok := want[path]; !ok {
			t.Errorf("%s: unexpected findings %v", path, got[path])
		}
	}
}

// TestQsmtpAgreement runs the smtproutes fixtures of Qsmtp's test suite
// (corpus/qmail/qsmtp-tests) and checks our findings against the error
// the real Qremote prints for each (errmsg beside the fixture).
//
// Mapping: an errmsg saying "invalid entry" or "invalid port number"
// means the line cannot work, so we must report an error-severity QM000,
// QM001, QM002 or QM010 finding on it; no errmsg, or an errmsg about DNS
// ("cannot find IP address": the entry is fine, the host does not
// resolve, which needs DNS), means we must report none. Qremote is
// stricter than qmail-remote (which silently ignores a line without ':'
// and reads port "a" as 0); both rejections are errors for us too.
// "foo.example.net::42" is valid for Qremote; for qmail-remote an empty
// host with a port is unverified, so QM001 reports it as a warning only.
// The run uses --smarthost smarthost.invalid so that "port is not 587"
// (an expectation, not a syntax error) is not part of the comparison.
// The smtproutes.d/ fixtures are Qsmtp's own per-domain format, which
// qmail-remote never reads: the frontend must not claim those files.
func TestQsmtpAgreement(t *testing.T) {
	dir := filepath.Join(testenv.Corpus(t, "qmail"), "qsmtp-tests")
	cases, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, c := range cases {
		base := filepath.Join(dir, c.Name())
		errmsg, _ := os.ReadFile(filepath.Join(base, "errmsg"))
		t.Run(c.Name(), func(t *testing.T) {
			routes := filepath.Join(base, "control", "smtproutes")
			if _, err := os.Stat(routes); err != nil {
				ents, _ := os.ReadDir(filepath.Join(base, "control", "smtproutes.d"))
				if len(ents) == 0 {
					t.Fatalf("neither control/smtproutes nor control/smtproutes.d")
				}
				for _, e := range ents {
					if k := (Frontend{}).Detect(filepath.Join(base, "control", "smtproutes.d", e.Name()), nil); k != "" {
						t.Errorf("%s detected as %s; qmail-remote does not read smtproutes.d", e.Name(), k)
					}
				}
				return
			}
			checked++
			msg := string(errmsg)
			invalid := strings.Contains(msg, "invalid entry") || strings.Contains(msg, "invalid port number")
			var errs []string
			for _, fd := range lintPath(t, routes, lint.Settings{Port: 587, Smarthost: "smarthost.invalid"}) {
				t.Logf("%d:%d %s %s: %s", fd.Start.Line, fd.Start.Column, fd.Rule, fd.Severity, fd.Message)
				switch fd.Rule {
				case "QM000", "QM001", "QM002", "QM010":
					if fd.Severity == lint.SeverityError && fd.Start.Line == 1 {
						errs = append(errs, fd.Rule)
					}
				}
			}
			if invalid && len(errs) == 0 {
				t.Errorf("Qremote says %q; we report no syntax error", strings.TrimSpace(msg))
			}
			if !invalid && len(errs) > 0 {
				t.Errorf("Qremote accepts the entry (errmsg %q); we report %v", strings.TrimSpace(msg), errs)
			}
		})
	}
	if checked < 5 {
		t.Fatalf("only %d smtproutes fixtures checked", checked)
	}
}
