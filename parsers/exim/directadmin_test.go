package exim

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
)

// TestDirectAdminCorpus: DirectAdmin's exim.conf pulls the smarthost
// router, transport and DKIM options in with .include_if_exists inside
// sections and inside a transport; positions point into those files.
func TestDirectAdminCorpus(t *testing.T) {
	dir := filepath.Join(testenv.Corpus(t, "exim"), "directadmin-mxroute")
	files := map[string]string{
		"/etc/exim.conf":                "exim.conf",
		"/etc/exim.routers.pre.conf":    "exim.routers.pre.conf",
		"/etc/exim.transports.pre.conf": "exim.transports.pre.conf",
		"/etc/exim.variables.conf":      "exim.variables.conf.custom",
		"/etc/exim.strings.conf":        "exim.strings.conf.custom",
	}
	dkim := "dkim_domain = $sender_address_domain\ndkim_selector = x\n"
	read := func(p string) ([]byte, error) {
		if p == "/etc/exim.dkim.conf" {
			return []byte(dkim), nil
		}
		if f, ok := files[p]; ok {
			return os.ReadFile(filepath.Join(dir, f))
		}
		return nil, fs.ErrNotExist
	}
	src, _ := read("/etc/exim.conf")
	c, _ := Parse("/etc/exim.conf", src, Options{ReadFile: read})
	checkPositions(t, c)
	if len(c.Errors) > 0 {
		t.Errorf("errors %v", errStrings(c))
	}
	rs := c.Drivers("routers")
	if len(rs) < 3 || rs[0].Name != "smart_route_forward" || rs[1].Name != "smart_route" {
		t.Fatalf("routers %v", rs)
	}
	if p := rs[1].NamePos; p.File != "/etc/exim.routers.pre.conf" || p.Line != 14 {
		t.Errorf("smart_route at %v", p)
	}
	if conds := rs[1].OptionsNamed("condition"); len(conds) < 1 || conds[0].NamePos.File != "/etc/exim.routers.pre.conf" {
		t.Errorf("conditions %v", conds)
	}
	var remote *Driver
	for _, d := range c.Drivers("transports") {
		if d.Name == "remote_smtp" {
			remote = d
		}
	}
	if remote == nil {
		t.Fatal("no remote_smtp")
	}
	o := remote.Option("dkim_domain")
	if o == nil || o.NamePos.File != "/etc/exim.dkim.conf" || o.NamePos.Line != 1 {
		t.Fatalf("dkim_domain %+v", o)
	}
	var inc *Include
	for _, i := range c.Includes {
		if i.Path == "/etc/exim.dkim.conf" {
			inc = i
			break
		}
	}
	if inc == nil || !inc.Read || inc.Driver == nil || inc.Driver.Name != "remote_smtp" || inc.Section != "transports" {
		t.Errorf("dkim include %+v", inc)
	}
	// the same file included twice is one SourceFile
	n := 0
	for _, f := range c.Files {
		if f.Path == "/etc/exim.dkim.conf" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d copies of exim.dkim.conf in Files", n)
	}
}
