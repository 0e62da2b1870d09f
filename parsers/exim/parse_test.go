package exim

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
)

// TestValid: every grammar fact of RULES.md §3.1 and every tricky-valid
// Exim input of §7 parses without errors, with the value Exim stores.
func TestValid(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		files memFS
		// check: "main:NAME=value", "routers/R:NAME=value", "sections=a,b",
		// "drivers:routers=r1,r2", "list:NAME=value", "macro:NAME=value".
		want []string
	}{
		{"begin case-insensitive and singular", "begin router\nr1:\n driver = accept\nBEGIN Transports\nt1:\n driver = smtp\n",
			nil, []string{"sections=routers,transports", "drivers:routers=r1", "drivers:transports=t1"}},
		{"begin retrys and acls", "begin retrys\n* * F,2h,15m\nbegin acls\nacl_x:\n accept\n", nil, []string{"sections=retry,acl"}},
		{"unindented driver options (seed DA router)", "begin routers\nsmart_route:\ndriver = manualroute\ndomains = ! +local_domains\nroute_list = * smtp.x::587\n",
			nil, []string{"routers/smart_route:driver=manualroute", "routers/smart_route:domains=! +local_domains"}},
		{"hash mid-line is data", "qualify_domain = example.com # not a comment\n", nil, []string{"main:qualify_domain=example.com # not a comment"}},
		{"comment with leading white space", "   # comment\nqualify_domain = x\n", nil, []string{"main:qualify_domain=x"}},
		{"continuation with trailing blanks and comment lines", "headers_add = X-A: 1\\  \n  # comment\n\t  X-B: 2\n", nil,
			[]string{"main:headers_add=X-A: 1X-B: 2"}},
		{"continuation keeps blanks before the backslash", "a_b = one \\\n   two\n", nil, []string{"main:a_b=one two"}},
		{"CRLF line endings", "qualify_domain = x\r\nbegin routers\r\nr1:\r\n  driver = accept\r\n  domains = a : \\\r\n   b\r\n", nil,
			[]string{"main:qualify_domain=x", "routers/r1:domains=a : b"}},
		{"continuation at EOF", "qualify_domain = x\\", nil, []string{"main:qualify_domain=x"}},
		{"booleans", "begin routers\nr:\n driver = accept\n no_more\n not_verify\n unseen\n check_local_user = true\n", nil,
			[]string{"routers/r:more=<bool false>", "routers/r:verify=<bool false>", "routers/r:unseen=<bool true>", "routers/r:check_local_user=true"}},
		{"hide", "begin authenticators\nlogin:\n driver = plaintext\n public_name = LOGIN\n hide client_send = : user : pass\n", nil,
			[]string{"authenticators/login:client_send=: user : pass", "hidden:client_send"}},
		{"client_send with escaped colon and circumflex", "begin authenticators\np:\n driver = plaintext\n client_send = : user : pa::ss^^word\n", nil,
			[]string{"authenticators/p:client_send=: user : pa::ss^^word"}},
		{"quoted values and escapes", `qualify_domain = "a\tb\\c\101\x41\qd"` + "\n", nil, []string{"main:qualify_domain=a\tb\\cAAqd"}},
		{"quoted perl condition", "begin routers\nr:\n driver = accept\n condition = \"${perl{check_limits}}\"\n", nil,
			[]string{"routers/r:condition=${perl{check_limits}}"}},
		{"require_files with +", "begin routers\nr:\n driver = accept\n require_files = \"+/var/cpanel/domain_keys/private/${sender_address_domain}\"\n", nil,
			[]string{"routers/r:require_files=+/var/cpanel/domain_keys/private/${sender_address_domain}"}},
		{"escaped quote at the end is accepted (Exim read_string)", "qualify_domain = \"abc\\\"\n", nil, []string{"main:qualify_domain=abc\""}},
		{"repeated condition and headers_add are kept in order", "begin routers\nr:\n driver = accept\n condition = a\n condition = b\n headers_add = x\n headers_add = y\n", nil,
			[]string{"routers/r:condition=a", "count:routers/r:condition=2", "count:routers/r:headers_add=2"}},
		{"route_list forms", "begin routers\nr:\n driver = manualroute\n route_list = $domain smtp.x::587\nr2:\n driver = manualroute\n route_list = * \"<;; a.x:587 ;; b.x\"\n", nil,
			[]string{"routers/r:route_list=$domain smtp.x::587", "routers/r2:route_list=* \"<;; a.x:587 ;; b.x\""}},
		{"macros and substring replacement", "SMART = smtp.x\nPORT_X = 587\nbegin routers\nr:\n driver = manualroute\n route_list = * SMART::PORT_X\n", nil,
			[]string{"routers/r:route_list=* smtp.x::587", "macro:SMART=smtp.x"}},
		{"macro substring defined later is allowed", "SMARTHOST = a\nSMART = b\nx_y = SMARTHOST SMART\n", nil, []string{"main:x_y=a b"}},
		{"later macro sees earlier replacement", "AB = CD\nCD = z\nx_y = AB\n", nil, []string{"main:x_y=z"}},
		{"earlier macro does not see later replacement", "CD = z\nAB = CD\nx_y = AB\n", nil, []string{"main:x_y=z", "macro:AB=z"}},
		{"redefinition with ==", "FOO = a\nFOO == b\nx_y = FOO\n", nil, []string{"main:x_y=b"}},
		{"macro between drivers", "begin routers\nr1:\n driver = accept\nFOO = x\nr2:\n driver = accept\n domains = FOO\n", nil,
			[]string{"routers/r2:domains=x"}},
		{"macro between ACLs", "begin acl\nacl_a:\n accept\nFOO = 1\nacl_b:\n accept\n", nil, []string{"macro:FOO=1"}},
		{"defines override file macros", "FOO = file\nx_y = FOO\n", nil, []string{"main:x_y=cmd"}},
		{"ifdef family", "FOO = 1\n.ifdef FOO\na_a = 1\n.else\na_a = 2\n.endif\n.ifndef FOO\nb_b = 1\n.elifdef BAR\nb_b = 2\n.elifndef BAR\nb_b = 3\n.endif\n", nil,
			[]string{"main:a_a=1", "main:b_b=3", "count:main:a_a=1", "count:main:b_b=1"}},
		{"ifdef with builtin macro", ".ifdef _HAVE_TLS\nx_y = tls\n.endif\n", nil, []string{"main:x_y=tls"}},
		{"ifdef any substitution on the line", "FOO = 1\n.ifdef xx FOO yy\nx_y = 1\n.endif\n", nil, []string{"main:x_y=1"}},
		{"ifdef tab is not a directive (4.96 tests 't')", "FOO = 1\n.ifdeft FOO\nx_y = 1\n.endif\n", nil, []string{"main:x_y=1"}},
		{"builtin macro in value", "dkim_sign_headers = _DKIM_SIGN_HEADERS\n", nil, []string{"main:dkim_sign_headers=From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:Content-ID:Content-Description:Resent-Date:Resent-From:Resent-Sender:Resent-To:Resent-Cc:Resent-Message-ID:In-Reply-To:References:List-Id:List-Help:List-Unsubscribe:List-Subscribe:List-Post:List-Owner:List-Archive"}},
		{"include relative, quoted, indented", "  .include \"sub/x.conf\"\nbegin routers\n.include_if_exists /etc/missing.conf\nr:\n driver = accept\n", memFS{"/etc/sub/x.conf": "qualify_domain = inc\n"},
			[]string{"main:qualify_domain=inc", "pos:main:qualify_domain=/etc/sub/x.conf:1:1"}},
		{"include inside a transport (DA DKIM)", "begin transports\nremote_smtp:\n driver = smtp\n.include_if_exists /etc/exim.dkim.conf\n", memFS{"/etc/exim.dkim.conf": "dkim_domain = $sender_address_domain\n"},
			[]string{"transports/remote_smtp:dkim_domain=$sender_address_domain", "pos:transports/remote_smtp:dkim_domain=/etc/exim.dkim.conf:1:1"}},
		{"include in the middle of a continuation", "domains_x = a : \\\n.include /etc/more\n  c\n", memFS{"/etc/more": "  b : \\\n"},
			[]string{"main:domains_x=a : b : c"}},
		{"named lists", "domainlist local_domains = @ : localhost\nhide hostlist relay = 192.0.2.0/24\ndomainlist_cache d = x\naddresslist a = x@y\nlocalpartlist l = root\n", nil,
			[]string{"list:local_domains=@ : localhost", "list:relay=192.0.2.0/24", "hidden-list:relay"}},
		{"space after !", "begin routers\nr:\n driver = accept\n domains = ! +local_domains\n", nil, []string{"routers/r:domains=! +local_domains"}},
		{"headers_add continued over three lines (seed cPanel)", "begin transports\nt:\n driver = smtp\n headers_add = X-AuthUser: ${if match {$authenticated_id}{.*@.*}\\  \n   {$authenticated_id} {${if match {$authenticated_id}{.+}\\\n   {$authenticated_id@$primary_hostname}{$authenticated_id}}}}\n", nil,
			[]string{"transports/t:headers_add=X-AuthUser: ${if match {$authenticated_id}{.*@.*}{$authenticated_id} {${if match {$authenticated_id}{.+}{$authenticated_id@$primary_hostname}{$authenticated_id}}}}"}},
		{"empty value", "qualify_domain =\n", nil, []string{"main:qualify_domain="}},
		{"driver name with space before colon", "begin routers\nr1 :\n driver = accept\n", nil, []string{"drivers:routers=r1"}},
		{"senders with partial lookup", "begin routers\nr:\n driver = accept\n senders = *@partial-lsearch;/etc/spamexperts_domains\n", nil,
			[]string{"routers/r:senders=*@partial-lsearch;/etc/spamexperts_domains"}},
		{"blank line ends a continuation; a valid next line is fine", "qualify_domain = a\\\n\nprimary_hostname = b\n", nil,
			[]string{"main:qualify_domain=a", "broken:qualify_domain"}},
		{"empty .include reads the directory: nothing", ".include\nx_y = 1\n", memFS{}, []string{"main:x_y=1"}},
		{"rewrite section raw lines", "begin rewrite\n*@x.example $1@y.example F\n", nil, []string{"sections=rewrite"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Options{}
			if tt.files != nil {
				o.ReadFile = tt.files.read
			}
			if strings.Contains(tt.name, "defines") {
				o.Defines = map[string]string{"FOO": "cmd"}
			}
			c, _ := Parse("/etc/exim.conf", []byte(tt.src), o)
			checkPositions(t, c)
			if len(c.Errors) > 0 {
				t.Fatalf("errors: %v", errStrings(c))
			}
			for _, w := range tt.want {
				checkWant(t, c, w)
			}
		})
	}
}

func findOpt(c *Config, where string) []*Option {
	if where == "main" {
		return c.Main.Options
	}
	sec, drv, _ := strings.Cut(where, "/")
	s := c.Section(sec)
	if s == nil {
		return nil
	}
	if d := s.Driver(drv); d != nil {
		return d.Options
	}
	return nil
}

func checkWant(t *testing.T, c *Config, w string) {
	t.Helper()
	key, val, _ := strings.Cut(w, "=")
	switch {
	case key == "sections":
		var got []string
		for _, s := range c.Sections {
			got = append(got, s.Name)
		}
		if strings.Join(got, ",") != val {
			t.Errorf("sections = %v, want %s", got, val)
		}
	case strings.HasPrefix(key, "drivers:"):
		var got []string
		for _, d := range c.Drivers(strings.TrimPrefix(key, "drivers:")) {
			got = append(got, d.Name)
		}
		if strings.Join(got, ",") != val {
			t.Errorf("%s = %v, want %s", key, got, val)
		}
	case strings.HasPrefix(key, "list:"):
		for _, l := range c.Lists {
			if l.Name == strings.TrimPrefix(key, "list:") {
				if l.Value.S != val {
					t.Errorf("%s = %q, want %q", key, l.Value.S, val)
				}
				return
			}
		}
		t.Errorf("%s missing", key)
	case strings.HasPrefix(w, "hidden-list:"):
		for _, l := range c.Lists {
			if l.Name == strings.TrimPrefix(w, "hidden-list:") && l.Hide {
				return
			}
		}
		t.Errorf("%s: not hidden", w)
	case strings.HasPrefix(w, "hidden:"):
		for _, s := range append([]*Section{c.Main}, c.Sections...) {
			for _, d := range s.Drivers {
				for _, o := range d.Options {
					if o.Name == strings.TrimPrefix(w, "hidden:") && o.Hide {
						return
					}
				}
			}
		}
		t.Errorf("%s: not hidden", w)
	case strings.HasPrefix(w, "broken:"):
		for _, o := range c.Main.Options {
			if o.Name == strings.TrimPrefix(w, "broken:") && o.Line.Broken {
				return
			}
		}
		t.Errorf("%s: not marked broken", w)
	case strings.HasPrefix(key, "macro:"):
		for _, m := range c.Macros {
			if m.Name == strings.TrimPrefix(key, "macro:") {
				if m.Value.S != val {
					t.Errorf("%s = %q, want %q", key, m.Value.S, val)
				}
				return
			}
		}
		t.Errorf("%s missing", key)
	case strings.HasPrefix(key, "count:"):
		where, name, _ := strings.Cut(strings.TrimPrefix(key, "count:"), ":")
		n := 0
		for _, o := range findOpt(c, where) {
			if o.Name == name {
				n++
			}
		}
		if itoa(n) != val {
			t.Errorf("%s = %d, want %s", key, n, val)
		}
	case strings.HasPrefix(key, "pos:"):
		where, name, _ := strings.Cut(strings.TrimPrefix(key, "pos:"), ":")
		for _, o := range findOpt(c, where) {
			if o.Name == name {
				if o.NamePos.String() != val {
					t.Errorf("%s = %s, want %s", key, o.NamePos, val)
				}
				return
			}
		}
		t.Errorf("%s missing", key)
	default:
		where, name, _ := strings.Cut(key, ":")
		for _, o := range findOpt(c, where) {
			if o.Name == name {
				got := o.Value.S
				if strings.HasPrefix(val, "<bool") {
					b, _ := o.Bool()
					got = "<bool false>"
					if b {
						got = "<bool true>"
					}
				}
				if got != val {
					t.Errorf("%s = %q, want %q", key, got, val)
				}
				return
			}
		}
		t.Errorf("%s: option missing", key)
	}
}

// TestErrors: what Exim rejects, with the position we report and Exim's
// wording.
var errorCases = []struct {
	name  string
	src   string
	files memFS
	want  []string
}{
	{"local_scan section (no LOCAL_SCAN_HAS_OPTIONS)", "begin local_scan\n", nil, []string{`1:1 section: local_scan() options not supported: (LOCAL_SCAN_HAS_OPTIONS not defined in Local/Makefile)`}},
	{"too many named lists", "domainlist a1 = x\ndomainlist a2 = x\ndomainlist a3 = x\ndomainlist a4 = x\ndomainlist a5 = x\ndomainlist a6 = x\ndomainlist a7 = x\ndomainlist a8 = x\ndomainlist a9 = x\ndomainlist a10 = x\ndomainlist a11 = x\ndomainlist a12 = x\ndomainlist a13 = x\ndomainlist a14 = x\ndomainlist a15 = x\ndomainlist a16 = x\nhostlist h = y\ndomainlist a17 = x\n", nil, []string{`18:1 syntax: too many named domain lists (max is 16)`}},
	{"named list keyword prefix", "domainlistx a = b\n", nil, []string{`1:1 syntax: unrecognized configuration line`}},
	{"ACL section must start with a name", "begin acl\n  accept\n", nil, []string{`2:3 syntax: missing or malformed ACL name`}},
	{"ACL name after a macro", "begin acl\na1:\n  accept\nFOO = 1\n  deny\n", nil, []string{`5:3 syntax: missing or malformed ACL name`}},
	{"two ACLs with one name", "begin acl\na1:\n  accept\na1:\n  deny\n", nil, []string{`4:1 syntax: there are two ACLs called "a1"`}},
	{"malformed ACL name", "begin acl\na-1:\n  accept\n", nil, []string{`2:1 syntax: missing or malformed ACL name`}},
	{"blanks and a backslash at EOF", "qualify_domain = a\n  \\\n", nil, []string{`2:3 syntax: option setting expected: `}},
	{"comment after blanks and a backslash at EOF", "  \\\n   # indented comment\n", nil, []string{"1:3 syntax: option setting expected: # indented comment\n"}},
	{"hide alone", "hide\n", nil, []string{`1:5 option: main option "" unknown`}},
	{"repeated section", "begin routers\nbegin routers\n", nil, []string{`2:7 section: "routers" section is repeated in the configuration file`}},
	{"unknown section", "begin foo\n", nil, []string{`1:7 section: "foo" is not a known configuration section name`}},
	{"begin without space", "begin\trouters\n", nil, []string{`1:1 section: main option "begin" unknown ("begin" must be followed by a space)`}},
	{"driver before begin", "remote_smtp:\n  driver = smtp\n", nil, []string{`1:1 section: main option "remote_smtp" unknown (a driver instance before any "begin" line)`}},
	{"options right after begin", "begin routers\n driver = accept\n", nil, []string{`2:2 section: router name missing`}},
	{"hyphen in driver name", "begin routers\nremote-smtp:\n driver = accept\n", nil, []string{`2:1 driver-name: router name missing`}},
	{"digit first in driver name", "begin transports\n1smtp:\n driver = smtp\n", nil, []string{`2:1 driver-name: transport name missing`}},
	{"extra characters after colon", "begin routers\nr1: driver = accept\n", nil, []string{`2:5 driver-name: extra characters follow driver name r1`, `2:1 option: no driver defined for router "r1"`}},
	{"duplicate driver", "begin routers\nr1:\n driver = accept\nr1:\n driver = accept\n", nil, []string{`4:1 driver-name: there are two routers called "r1"`}},
	{"no driver", "begin routers\nr1:\n domains = x\n", nil, []string{`2:1 option: no driver defined for router "r1"`}},
	{"macro inside a driver ends it", "begin routers\nr1:\n driver = accept\n FOO = 1\n domains = x\n", nil, []string{`5:2 section: router name missing`}},
	{"blank line in continuation", "qualify_domain = a : \\\n\n   : b\n", nil, []string{`3:4 continuation: option setting expected: : b (the empty line 2 ended the continued line 1)`}},
	{"option setting expected", "@ROUTERSTART@\n", nil, []string{`1:1 syntax: option setting expected: @ROUTERSTART@`}},
	{"missing equals", "qualify_domain x\n", nil, []string{`1:16 option: missing "=" after qualify_domain`}},
	{"negation with value", "no_message_logs = true\n", nil, []string{`1:17 option: extra characters follow boolean option no_message_logs (a no_/not_ prefix takes no value)`}},
	{"missing quote", "qualify_domain = \"abc\n", nil, []string{`1:18 syntax: missing quote at end of string value for qualify_domain`}},
	{"text after quote", "qualify_domain = \"abc\" # x\n", nil, []string{`1:23 syntax: extra characters follow string value for qualify_domain`}},
	{"macro substring conflict", "SMART = a\nSMARTHOST = b\n", nil, []string{`2:1 macro: "SMARTHOST" cannot be defined as a macro because previously defined macro "SMART" is a substring`}},
	{"macro defined twice", "FOO = 1\nFOO = 2\n", nil, []string{`2:1 macro: macro "FOO" is already defined (use "==" if you want to redefine it)`}},
	{"redefine undefined", "FOO == 1\n", nil, []string{`1:1 macro: can't redefine an undefined macro "FOO"`}},
	{"malformed macro", "Foo bar\n", nil, []string{`1:5 macro: malformed macro definition`}},
	{"missing endif", ".ifdef FOO\nx_y = 1\n", nil, []string{`1:1 conditional: Unexpected end of configuration file: .endif missing`}},
	{"endif with CR is ignored (4.96)", "FOO = 1\n.ifdef FOO\r\nqualify_domain = x\n.endif\r\n", nil, []string{`2:1 conditional: Unexpected end of configuration file: .endif missing`}},
	{"endif without ifdef", ".endif\n", nil, []string{`1:1 conditional: .endif without matching .ifdef`}},
	{"else without ifdef", ".else\n", nil, []string{`1:1 conditional: .else without matching .ifdef`}},
	{"nested too deeply", strings.Repeat(".ifdef X\n", 11) + strings.Repeat(".endif\n", 11), nil, []string{`11:1 conditional: .ifdef nested too deeply`}},
	{"include_if_exists relative", ".include_if_exists extra.conf\n", memFS{"/etc/extra.conf": ""}, []string{`1:1 include: .include specifies a non-absolute path "extra.conf"`}},
	{"include missing", ".include /abs/path\n", memFS{}, []string{`1:1 include: failed to open included configuration file /abs/path`}},
	{"include loop", ".include /etc/a\n", memFS{"/etc/a": ".include b\n", "/etc/b": ".include /etc/a\n"}, []string{`/etc/b:1:1 include: include loop: /etc/a includes itself`}},
	{"error in included file", "begin transports\nt:\n driver = smtp\n.include /etc/exim.dkim.conf\n", memFS{"/etc/exim.dkim.conf": "\n  dkim_domain x\n"},
		[]string{`/etc/exim.dkim.conf:2:15 option: missing "=" after dkim_domain`}},
	{"error through a macro points at the line using it", "BAD = \"x\nqualify_domain = BAD\n", nil, []string{`2:1 syntax: missing quote at end of string value for qualify_domain`}},
	{"junk from a macro", "T=0\na T0", nil, []string{`2:1 option: missing "=" after a`}},
	{"duplicate named list", "domainlist a = x\ndomainlist a = y\n", nil, []string{`2:12 syntax: duplicate name "a" for a named domain list`}},
	{"hide with two spaces before domainlist", "hide  domainlist x = a\n", nil, []string{`1:7 syntax: main option "domainlist" unknown`}},
}

func TestErrors(t *testing.T) {
	tests := errorCases
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := parseStr(t, tt.src, tt.files)
			got := errStrings(c)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors:\n got %q\nwant %q", got, tt.want)
			}
			for _, e := range c.Errors {
				if !strings.Contains(e.Error(), ":") {
					t.Errorf("Error() = %q", e.Error())
				}
			}
		})
	}
}

// TestSpan: value spans point at the text in the file, through
// continuations, escapes, includes and macros.
func TestSpan(t *testing.T) {
	src := "HOST = smtp.example.com\nbegin routers\nr:\n driver = manualroute\n route_list = * HOST::587 \\\n   byname\n"
	c := parseStr(t, src, nil)
	o := c.Drivers("routers")[0].Option("route_list")
	if o.Value.S != "* smtp.example.com::587 byname" {
		t.Fatalf("value %q", o.Value.S)
	}
	i := strings.Index(o.Value.S, "smtp.example.com")
	if got := spanText(c, o.Value, i, i+len("smtp.example.com")); got != "smtp.example.com" {
		t.Errorf("macro span = %q", got)
	}
	if p := o.Value.Pos(i); p.Line != 1 || p.Column != 8 {
		t.Errorf("macro pos = %v", p)
	}
	j := strings.Index(o.Value.S, "byname")
	if got := spanText(c, o.Value, j, j+6); got != "byname" {
		t.Errorf("continuation span = %q", got)
	}
	if p := o.Value.Pos(j); p.Line != 6 || p.Column != 4 {
		t.Errorf("continuation pos = %v", p)
	}
	k := strings.Index(o.Value.S, "::587")
	if got := spanText(c, o.Value, k, k+5); got != "::587" {
		t.Errorf("span = %q", got)
	}
	// escapes map to the escape sequence
	c = parseStr(t, `qualify_domain = "a\x41b"`+"\n", nil)
	v := c.Main.Option("qualify_domain").Value
	if v.S != "aAb" {
		t.Fatalf("%q", v.S)
	}
	if got := spanText(c, v, 1, 2); got != `\x41` {
		t.Errorf("escape span = %q", got)
	}
	if got := spanText(c, v, 2, 3); got != "b" {
		t.Errorf("after escape span = %q", got)
	}
}

// TestErrorsOracle: the real Exim rejects every errorCases input (those
// without included files), on the line we report.
func TestErrorsOracle(t *testing.T) {
	if testing.Short() {
		t.Skip("oracle")
	}
	script := testenv.OracleScript(t, "exim-check.sh")
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	for i, tt := range errorCases {
		if tt.files != nil {
			continue
		}
		path := filepath.Join(dir, "c"+itoa(i)+".conf")
		if err := os.WriteFile(path, []byte(tt.src), 0o644); err != nil {
			t.Fatal(err)
		}
		_, msg, line, _, ok := runEximCheck(t, script, path)
		if ok {
			t.Errorf("%s: exim accepts %q", tt.name, tt.src)
			continue
		}
		src, _ := os.ReadFile(path)
		c, _ := Parse(path, src, Options{})
		if line > 0 && errorOnLine(c, path, line) == nil {
			t.Errorf("%s: exim says line %d (%s), we %v", tt.name, line, msg, errStrings(c))
		}
		if line == 0 {
			found := false
			for _, e := range c.Errors {
				found = found || strings.Contains(msg, e.Msg)
			}
			if !found {
				t.Logf("%s: exim %q (no line), we %v", tt.name, msg, errStrings(c))
			}
		}
	}
}
