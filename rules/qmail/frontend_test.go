package qmail

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		path string
		want lint.Kind
	}{
		{"/var/qmail/control/smtproutes", lint.KindQmailSmtproutes},
		{"smtproutes", lint.KindQmailSmtproutes},
		{"/var/qmail/control/authsenders", lint.KindQmailAuthsenders},
		{"/var/qmail/control/smtproutes.d/foo.example.net", ""},
		{"/var/qmail/control/locals", ""},
		{"/etc/postfix/main.cf", ""},
	}
	for _, tt := range tests {
		if got := (Frontend{}).Detect(tt.path, nil); got != tt.want {
			t.Errorf("Detect(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, s := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestLoadSiblings checks that authsenders linted on its own brings its
// smtproutes, that --no-follow reads neither siblings nor locals, and that
// passwords are masked and mark the file as holding credentials.
func TestLoadSiblings(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"control/smtproutes":  ":relay.mail.test:587|u1|pw-routes\n",
		"control/authsenders": ":relay.mail.test:587|u2|pw-auth\n",
		"control/locals":      "relay.mail.test\n",
	})
	for _, tt := range []struct {
		arg      string
		noFollow bool
		files    int
		locals   int
	}{
		{"control/authsenders", false, 2, 1},
		{"control/smtproutes", false, 2, 1},
		{"control/smtproutes", true, 1, 0},
	} {
		l := lint.NewLoader(nil, "", tt.noFollow, 0)
		f, err := l.OpenDisk(filepath.Join(dir, tt.arg), (Frontend{}).Detect(tt.arg, nil))
		if err != nil {
			t.Fatal(err)
		}
		s := (Frontend{}).Load(l, f).(*Setup)
		if len(s.Files()) != tt.files || len(s.Locals) != tt.locals {
			t.Errorf("%s noFollow=%v: %d files, %d locals; want %d, %d", tt.arg, tt.noFollow, len(s.Files()), len(s.Locals), tt.files, tt.locals)
		}
		for _, f := range s.Files() {
			if !f.HoldsCredentials || strings.Contains(f.MaskedLine(1), "pw-") {
				t.Errorf("%s: credentials not masked: %q", f.Path, f.MaskedLine(1))
			}
		}
	}
}

// TestSuppression checks that a '#' line above a route suppresses a
// finding on it, and that an indented '#' (data for qmail) does not.
func TestSuppression(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"var/qmail/control/smtproutes": "# smarthost-lint: ignore QM002 -- the relay listens on 25\n:relay.mail.test\n",
	})
	for _, fd := range lintPath(t, filepath.Join(dir, "var/qmail/control/smtproutes"), lint.Settings{Port: 587}) {
		if fd.Rule == "QM002" || fd.Rule == "GEN011" || fd.Rule == "GEN012" {
			t.Errorf("suppression not applied: %s %s", fd.Rule, fd.Message)
		}
	}
}

func TestCanAccess(t *testing.T) {
	qmailr := Account{Known: true, UID: 7791, GID: 2108, Group: 2108}
	unknown := Account{Group: -1}
	info := func(mode fs.FileMode, uid, gid int) *lint.FileInfo {
		return &lint.FileInfo{Mode: mode, UID: uid, GID: gid}
	}
	tests := []struct {
		name     string
		a        Account
		fi       *lint.FileInfo
		ok, sure bool
	}{
		{"world-readable", qmailr, info(0o644, 0, 0), true, true},
		{"root only", qmailr, info(0o600, 0, 0), false, true},
		{"qmail group", qmailr, info(0o640, 0, 2108), true, true},
		{"other group", qmailr, info(0o640, 0, 4), false, true},
		{"owned by qmailr", qmailr, info(0o400, 7791, 0), true, true},
		{"unknown user, root only", unknown, info(0o600, 0, 0), false, true},
		{"unknown user, group bit", unknown, info(0o640, 0, 2108), false, false},
		{"unknown user, other owner", unknown, info(0o600, 1000, 1000), false, false},
	}
	for _, tt := range tests {
		ok, sure := canAccess(tt.a, tt.fi, 0o4)
		if ok != tt.ok || sure != tt.sure {
			t.Errorf("%s: canAccess = %v, %v; want %v, %v", tt.name, ok, sure, tt.ok, tt.sure)
		}
	}
}

// TestMessagesMaskSecrets checks the vanilla reading "relay user
// password" (no port: the host is the whole text) never quotes the
// password into a message.
func TestMessagesMaskSecrets(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"var/qmail/control/smtproutes": "example.org:relay.mail.test mailuser topsecret\n:relay.mail.test :587|u|othersecret\n",
	})
	fds := lintPath(t, filepath.Join(dir, "var/qmail/control/smtproutes"), lint.Settings{Port: 587})
	if len(fds) == 0 {
		t.Fatal("no findings")
	}
	for _, fd := range fds {
		for _, s := range []string{"topsecret", "othersecret"} {
			if strings.Contains(fd.Message, s) || strings.Contains(fd.Hint, s) {
				t.Errorf("%s leaks the password: %s / %s", fd.Rule, fd.Message, fd.Hint)
			}
			if fd.Fix != nil {
				for _, e := range fd.Fix.Edits {
					if strings.Contains(e.NewText, s) {
						t.Errorf("%s fix copies the password", fd.Rule)
					}
				}
			}
		}
	}
}

// dirModeFS reports the control directory with a fixed mode and owner
// (git cannot store them) and knows qmailr.
type dirModeFS struct {
	lint.OSFileSystem
	dir  string
	mode fs.FileMode
}

func (d dirModeFS) Stat(p string) (*lint.FileInfo, error) {
	fi, err := d.OSFileSystem.Stat(p)
	if err != nil {
		return nil, err
	}
	fi.UID, fi.GID = 0, 0
	if filepath.Clean(p) == d.dir {
		fi.Mode = fi.Mode&^fs.ModePerm | d.mode
	} else {
		fi.Mode = fi.Mode&^fs.ModePerm | 0o644
	}
	return fi, nil
}

func (dirModeFS) LookupUser(name string) (int, int, bool) {
	if name == "qmailr" {
		return 7791, 2108, true
	}
	return 0, 0, false
}

func (dirModeFS) LookupGroup(name string) (int, bool) { return 2108, name == "qmail" }

// TestControlDirSearchable checks QM008 on the control/ directory: qmailr
// needs the search (x) bit to reach any control file.
func TestControlDirSearchable(t *testing.T) {
	dir := writeTree(t, map[string]string{"control/smtproutes": ":relay.mail.test:587\n"})
	ctl := filepath.Join(dir, "control")
	for _, tt := range []struct {
		mode fs.FileMode
		want bool
	}{{0o700, true}, {0o750, true}, {0o755, false}, {0o711, false}} {
		res, err := lint.Run(lint.Options{Registry: registry(), FS: dirModeFS{dir: ctl, mode: tt.mode}, Settings: lint.Settings{Port: 587}}, []string{filepath.Join(ctl, "smtproutes")})
		if err != nil {
			t.Fatal(err)
		}
		got := false
		for _, fd := range res.Findings {
			if fd.Rule == "QM008" {
				got = true
			}
		}
		if got != tt.want {
			t.Errorf("control/ mode %04o: QM008 = %v, want %v", tt.mode, got, tt.want)
		}
	}
}
