package exim

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
)

func TestCpanelLocal(t *testing.T) {
	src := "@AUTH@\n\nspamexperts_login:\n  driver = plaintext\n  public_name = LOGIN\n  hide client_send = : user : pass\n" +
		"@CONFIG@\nqualify_domain = example.com\n" +
		"@ROUTERSTART@\nsmarthost_router:\n  driver = manualroute\n  domains = ! +local_domains\n  transport = smart_tp\n  route_list = * smtp.example.com::587 byname\n" +
		"@TRANSPORTSTART@\nsmart_tp:\n  driver = smtp\n  hosts_require_auth = *\n  #hosts_require_tls = *\n" +
		"@RETRYSTART@\n%RETRYBLOCK%\n* * F,2h,15m\n@ENDACL@\n"
	l := ParseCpanelLocal("/etc/exim.conf.local", []byte(src))
	if len(l.Errors) > 0 {
		t.Fatalf("errors %v", l.Errors)
	}
	var got []string
	for _, b := range l.Blocks {
		got = append(got, b.Marker+"="+b.Section)
	}
	want := []string{"AUTH=authenticators", "CONFIG=main", "ROUTERSTART=routers", "TRANSPORTSTART=transports", "RETRYSTART=retry", "%RETRYBLOCK%=retry", "ENDACL=acl"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("blocks %v", got)
	}
	auth := l.ParseBlock(l.Block("AUTH"), Options{})
	checkPositions(t, auth)
	d := auth.Drivers("authenticators")
	if len(auth.Errors) > 0 || len(d) != 1 || d[0].Name != "spamexperts_login" {
		t.Fatalf("AUTH block: %v %v", errStrings(auth), d)
	}
	cs := d[0].Option("client_send")
	if !cs.Hide || cs.Value.S != ": user : pass" || cs.NamePos.Line != 6 || cs.NamePos.File != "/etc/exim.conf.local" {
		t.Errorf("client_send %+v at %v", cs.Value.S, cs.NamePos)
	}
	cfg := l.ParseBlock(l.Block("CONFIG"), Options{})
	if o := cfg.Main.Option("qualify_domain"); o == nil || o.NamePos.Line != 8 {
		t.Errorf("CONFIG block: %v", cfg.Main.Options)
	}
	tr := l.ParseBlock(l.Block("TRANSPORTSTART"), Options{})
	if len(tr.Comments) != 1 || tr.Comments[0].Driver == nil || tr.Comments[0].Driver.Name != "smart_tp" || tr.Comments[0].Pos.Line != 19 {
		t.Errorf("commented option: %+v", tr.Comments)
	}
	rt := l.ParseBlock(l.Block("RETRYSTART"), Options{})
	if len(rt.Errors) > 0 || len(rt.Sections) != 1 || rt.Sections[0].Name != "retry" {
		t.Errorf("retry: %v", errStrings(rt))
	}
	if !l.Block("ENDACL").Empty(l) || l.Block("AUTH").Empty(l) {
		t.Errorf("Empty()")
	}
}

func TestCpanelLocalErrors(t *testing.T) {
	src := "qualify_domain = x\n@ROUTERSTART@\nr:\n driver = accept\n@FOOBAR@\n  @AUTH@\n@AUTH@ extra\n@ROUTERSTART@\n"
	l := ParseCpanelLocal("/etc/exim.conf.local", []byte(src))
	var got []string
	for _, e := range l.Errors {
		got = append(got, e.Pos.String()+" "+e.Code+": "+e.Msg)
	}
	want := []string{
		"/etc/exim.conf.local:1:1 marker: text before the first section marker is not placed anywhere in exim.conf",
		"/etc/exim.conf.local:5:1 marker: unknown exim.conf.local section marker @FOOBAR@",
		"/etc/exim.conf.local:6:3 marker: section marker @AUTH@ must be alone at the start of its line",
		"/etc/exim.conf.local:7:1 marker: section marker @AUTH@ must be alone at the start of its line",
		"/etc/exim.conf.local:8:1 marker: section marker @ROUTERSTART@ appears more than once",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	// a marker left in a real exim.conf: Exim's own error
	c := parseStr(t, "@ROUTERSTART@\n", nil)
	if e := errStrings(c); len(e) != 1 || e[0] != "1:1 syntax: option setting expected: @ROUTERSTART@" {
		t.Errorf("%v", e)
	}
}

func TestCpanelCorpus(t *testing.T) {
	dir := filepath.Join(testenv.Corpus(t, "exim"), "cpanel-exim-forwarding")
	path := filepath.Join(dir, "exim.conf.local")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l := ParseCpanelLocal(path, src)
	if len(l.Errors) > 0 {
		t.Fatalf("marker errors %v", l.Errors)
	}
	if len(l.Blocks) != 25 {
		t.Errorf("%d blocks", len(l.Blocks))
	}
	b := l.Block("PREVALIASNOSTAR")
	c := l.ParseBlock(b, Options{})
	checkPositions(t, c)
	if len(c.Errors) > 0 {
		t.Errorf("PREVALIASNOSTAR: %v", errStrings(c))
	}
	ds := c.Drivers("routers")
	if len(ds) == 0 || ds[0].Name != "virtual_aliases_nostar_intercept" || ds[0].NamePos.Line != 37 {
		t.Errorf("routers %v", ds)
	}
	for _, bl := range l.Blocks {
		if c := l.ParseBlock(bl, Options{}); c != nil {
			checkPositions(t, c)
		}
	}
	opts := ParseCpanelLocalOpts(filepath.Join(dir, "exim.conf.localopts"), mustRead(t, filepath.Join(dir, "exim.conf.localopts")))
	if v, ok := opts.Get("smarthost_routelist"); !ok || v != "" {
		t.Errorf("smarthost_routelist = %q %v", v, ok)
	}
	if v, _ := opts.Get("rewrite_from"); v != "disable" {
		t.Errorf("rewrite_from = %q", v)
	}
	for _, e := range opts.Entries {
		if e.Key == "dsn_advertise_hosts" && e.HasEq {
			t.Errorf("bare key has '='")
		}
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
