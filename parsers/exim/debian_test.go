package exim

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
)

func TestParseDebianConf(t *testing.T) {
	src := "# comment\ndc_eximconfig_configtype='smarthost'\ndc_smarthost='SMTP.Example.com::587'\n" +
		"dc_other_hostnames=\"a.example; b.example\"\ndc_relay_nets=''\ndc_use_split_config=true # trailing\n" +
		"dc_local_interfaces='127.0.0.1 ; ::1'\nMYMACRO='X'\nCFILEMODE='644'\ndc_readhost='r.example'\ndc_hide_mailname='true'\n"
	d := ParseDebianConf("/etc/exim4/update-exim4.conf.conf", []byte(src))
	if len(d.Errors) > 0 {
		t.Fatalf("errors %v", d.Errors)
	}
	if v, _ := d.Get("dc_smarthost"); v != "SMTP.Example.com::587" {
		t.Errorf("dc_smarthost = %q", v)
	}
	if v, _ := d.Get("dc_use_split_config"); v != "true" {
		t.Errorf("dc_use_split_config = %q", v)
	}
	got := map[string]string{}
	var order []string
	for _, m := range d.Macros("mail.example") {
		got[m.Name] = m.Value.S
		order = append(order, m.Name)
	}
	want := map[string]string{
		"MAIN_LOCAL_INTERFACES":    "<; 127.0.0.1 ; ::1",
		"HIDE_MAILNAME":            "1",
		"MAIN_PACKAGE_VERSION":     "4.96-15+deb12u10",
		"MAIN_LOCAL_DOMAINS":       "@:localhost:a.example: b.example",
		"MAIN_RELAY_TO_DOMAINS":    "",
		"ETC_MAILNAME":             "mail.example",
		"LOCAL_DELIVERY":           "mail_spool",
		"MAIN_RELAY_NETS":          ": 127.0.0.1 : ::::1",
		"DCreadhost":               "r.example",
		"DCsmarthost":              "smtp.example.com::587",
		"DC_eximconfig_configtype": "smarthost",
		"DCconfig_smarthost":       "1",
		"MYMACRO":                  "x",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("macros\n got %q\nwant %q", got, want)
	}
	if order[len(order)-1] != "MYMACRO" || order[0] != "MAIN_LOCAL_INTERFACES" {
		t.Errorf("order %v", order)
	}
	// DCsmarthost maps to the value in the file (same length after
	// lower-casing).
	for _, m := range d.Macros("") {
		if m.Name == "DCsmarthost" {
			file, a, b := m.Value.Span(0, len(m.Value.S))
			if file != d.Path || src[a:b] != "SMTP.Example.com::587" {
				t.Errorf("span %s %q", file, src[a:b])
			}
		}
	}
	bad := ParseDebianConf("x", []byte("dc_smarthost='abc\n"))
	if len(bad.Errors) != 1 || bad.Errors[0].Code != "syntax" {
		t.Errorf("unterminated quote: %v", bad.Errors)
	}
	cmd := ParseDebianConf("x", []byte("echo hi\n"))
	if len(cmd.Errors) != 1 {
		t.Errorf("command: %v", cmd.Errors)
	}
}

type fakeEntry struct {
	name string
	mode fs.FileMode
}

func (e fakeEntry) Name() string               { return e.name }
func (e fakeEntry) IsDir() bool                { return e.mode.IsDir() }
func (e fakeEntry) Type() fs.FileMode          { return e.mode.Type() }
func (e fakeEntry) Info() (fs.FileInfo, error) { return nil, fs.ErrNotExist }

func TestDebianPartFiles(t *testing.T) {
	dirs := map[string][]fs.DirEntry{
		"/etc/exim4/conf.d/main": {
			fakeEntry{"00_local", 0}, fakeEntry{"01_x", 0}, fakeEntry{"01_x.rul", 0},
			fakeEntry{"02_y.dpkg-old", 0}, fakeEntry{"03_z~", 0}, fakeEntry{"04-ok", 0}, fakeEntry{"sub", fs.ModeDir},
		},
		"/etc/exim4/conf.d/router": {fakeEntry{"100_a", 0}, fakeEntry{"200_b", 0}},
	}
	rd := func(p string) ([]fs.DirEntry, error) {
		if e, ok := dirs[p]; ok {
			return e, nil
		}
		return nil, fs.ErrNotExist
	}
	got := DebianPartFiles("/etc/exim4", rd)
	want := []string{
		"/etc/exim4/conf.d/main/00_local", "/etc/exim4/conf.d/main/01_x.rul", "/etc/exim4/conf.d/main/04-ok",
		"/etc/exim4/conf.d/router/100_a", "/etc/exim4/conf.d/router/200_b",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

// TestDebianSplitOracle runs the real update-exim4.conf (Debian bookworm
// exim4-config, unpacked under /opt/mta-oracles) on the corpus conf.d and
// template and checks that ParseDebian gives the same configuration as
// parsing the file the script writes: the same macros, sections, driver
// instances and option values. Exim accepts the generated file.
func TestDebianSplitOracle(t *testing.T) {
	corpus := testenv.Corpus(t, "exim")
	testenv.Oracle(t, "postconf") // the unpacked tree
	root := os.Getenv(testenv.OracleEnv)
	if root == "" {
		root = "/opt/mta-oracles"
	}
	script := filepath.Join(root, "exim", "usr", "sbin", "update-exim4.conf")
	if _, err := os.Stat(script); err != nil {
		t.Skip("update-exim4.conf not unpacked")
	}
	for _, tc := range []struct {
		split      bool
		configtype string
	}{{true, "smarthost"}, {false, "smarthost"}, {true, "internet"}, {false, "satellite"}, {true, "none"}} {
		split := tc.split
		name := "template-" + tc.configtype
		if split {
			name = "split-" + tc.configtype
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.CopyFS(filepath.Join(dir, "conf.d"), os.DirFS(filepath.Join(corpus, "debian-exim4-config", "conf.d"))); err != nil {
				t.Fatal(err)
			}
			tpl, _ := os.ReadFile(filepath.Join(corpus, "debian-exim4-config", "exim4.conf.template"))
			os.WriteFile(filepath.Join(dir, "exim4.conf.template"), tpl, 0o644)
			// A file F.rul replaces F; backups are skipped.
			os.WriteFile(filepath.Join(dir, "conf.d", "main", "00_local.dpkg-old"), []byte("broken line\n"), 0o644)
			os.WriteFile(filepath.Join(dir, "conf.d", "main", "00_local"), []byte("LOCALONE = 1\n"), 0o644)
			ue, _ := os.ReadFile(filepath.Join(corpus, "exim4-gmail-conf", "update-exim4.conf.conf"))
			conf := strings.ReplaceAll(string(ue), "dc_use_split_config='false'", "dc_use_split_config='"+map[bool]string{true: "true", false: "false"}[split]+"'")
			conf = strings.ReplaceAll(conf, "dc_eximconfig_configtype='satellite'", "dc_eximconfig_configtype='"+tc.configtype+"'")
			os.WriteFile(filepath.Join(dir, "conf.d", "main", "02_rul"), []byte("RULBASE = 1\n"), 0o644)
			os.WriteFile(filepath.Join(dir, "conf.d", "main", "02_rul.rul"), []byte("RULREPLACED = 1\n"), 0o644)
			// The empty line echo prints after each part ends a
			// continuation left open at the end of a file.
			os.WriteFile(filepath.Join(dir, "conf.d", "main", "98_cont"), []byte("smtp_banner = a \\\n"), 0o644)
			os.WriteFile(filepath.Join(dir, "conf.d", "main", "99_next"), []byte("message_size_limit = 10M\n"), 0o644)
			os.WriteFile(filepath.Join(dir, "update-exim4.conf.conf"), []byte(conf), 0o644)
			out := filepath.Join(dir, "config.autogenerated")
			cmd := exec.Command("bash", script, "-d", dir, "-o", out)
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("update-exim4.conf: %v\n%s", err, b)
			}
			gen, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := Parse(out, gen, Options{ReadFile: os.ReadFile})
			dc := ParseDebianConf(filepath.Join(dir, "update-exim4.conf.conf"), []byte(conf))
			got, err := ParseDebian(DebianOptions{ConfDir: dir, ReadDir: os.ReadDir, Conf: dc}, Options{ReadFile: os.ReadFile})
			if err != nil {
				t.Fatal(err)
			}
			checkPositions(t, got)
			if len(got.Errors) > 0 || len(want.Errors) > 0 {
				t.Errorf("errors: ours %v, generated %v", errStrings(got), errStrings(want))
			}
			if a, b := summary(got), summary(want); a != b {
				al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
				for i := 0; i < len(al) || i < len(bl); i++ {
					var x, y string
					if i < len(al) {
						x = al[i]
					}
					if i < len(bl) {
						y = bl[i]
					}
					if x != y {
						t.Errorf("ParseDebian differs from the generated file at summary line %d:\n ours      %q\n generated %q", i+1, x, y)
						break
					}
				}
			}
			sum := summary(got)
			if split && !strings.Contains(sum, "main smtp_banner=a\n") {
				t.Errorf("continuation across parts not broken")
			}
			if split && (!strings.Contains(sum, "macro RULREPLACED=1") || strings.Contains(sum, "RULBASE")) {
				t.Errorf(".rul not used instead of the file")
			}
			n := len(got.Files)
			if got.File(dc.Path) != nil {
				n--
			}
			if split && n < 30 || !split && n != 1 {
				t.Errorf("%d parts read", n)
			}
			// DCsmarthost's value points into update-exim4.conf.conf.
			for _, m := range got.Macros {
				if m.Name == "DCsmarthost" {
					if f, _, _ := m.Value.Span(0, len(m.Value.S)); f != dc.Path {
						t.Errorf("DCsmarthost maps to %q", f)
					}
				}
			}
			if testing.Short() {
				return
			}
			script := testenv.OracleScript(t, "exim-check.sh")
			os.Chmod(dir, 0o755)
			os.Chmod(filepath.Dir(dir), 0o755)
			ctx := exec.Command("bash", script, out)
			ctx.WaitDelay = 10 * time.Second
			if b, err := ctx.CombinedOutput(); err != nil {
				t.Errorf("exim rejects the generated file: %v\n%s", err, b)
			}
		})
	}
}

// summary renders what a Config means to Exim: macros, sections, drivers
// and option values (not positions or file names).
func summary(c *Config) string {
	var b strings.Builder
	for _, m := range c.Macros {
		if !m.Ignored {
			b.WriteString("macro " + m.Name + "=" + m.Value.S + "\n")
		}
	}
	opts := func(ind string, os []*Option) {
		for _, o := range os {
			b.WriteString(ind + o.Written + "=" + o.Value.S + "\n")
		}
	}
	opts("main ", c.Main.Options)
	for _, l := range c.Lists {
		b.WriteString("list " + l.Kind + " " + l.Name + "=" + l.Value.S + "\n")
	}
	for _, s := range c.Sections {
		b.WriteString("begin " + s.Name + "\n")
		for _, d := range s.Drivers {
			b.WriteString(" " + d.Name + ":\n")
			opts("  ", d.Options)
		}
		for _, l := range s.Lines {
			b.WriteString(" | " + l.Text.S + "\n")
		}
	}
	return b.String()
}
