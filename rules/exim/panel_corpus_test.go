package exim_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/ruletest"
	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
	"github.com/smarthost-lint/smarthost-lint/rules"
)

// The panel rules on the real cPanel and DirectAdmin configurations of
// the corpus, laid out as on the servers: the stock files give no finding
// of EX101–EX105 / EX201–EX205 (their only manualroute routers are
// cPanel's own and DirectAdmin's smart_route in exim.routers.pre.conf);
// the seed's DirectAdmin instructions applied to DirectAdmin's exim.conf
// ("add in the routers section", appended after lookuphost) give EX201
// and EX202 on the added router.
type panelWant struct{ file, at, rule string }

// The seed's cPanel blocks, as pasted straight into /etc/exim.conf.
const (
	seedCpanelRouters = `
smarthost_dkim:
  driver = manualroute
  domains = !+local_domains
  require_files = "+/var/cpanel/domain_keys/private/${sender_address_domain}"
  condition = ${if or {{!eq{$sender_address}{}} {!eq{$sender_host_address}{}}}}
  transport = remote_smtp_smart_dkim
  route_list = $domain smtp.example.com::587

smarthost_regular:
  driver = manualroute
  domains = !+local_domains
  condition = ${if or {{!eq{$sender_address}{}} {!eq{$sender_host_address}{}}}}
  transport = remote_smtp_smart_regular
  route_list = $domain smtp.example.com::587
`
	seedCpanelTransports = `
remote_smtp_smart_dkim:
  driver = smtp
  hosts_require_tls = *
  dkim_domain = $sender_address_domain
  dkim_selector = default
  dkim_private_key = "/var/cpanel/domain_keys/private/${dkim_domain}"
  dkim_canon = relaxed
  # Uncomment the line below in case you use a login for authentication
  #hosts_require_auth = *

remote_smtp_smart_regular:
  driver = smtp
  hosts_require_tls = *
  # Uncomment the line below in case you use a login for authentication
  #hosts_require_auth = *


`
	seedCpanelAuth = `
spamexperts_login:
  driver = plaintext
  public_name = LOGIN
  client_send = : user@example.com : secret
`
)

func TestPanelRulesOnCorpus(t *testing.T) {
	corpus := testenv.Corpus(t, "exim")
	const seedRouter = "\nspamexperts_smarthost_router:\n  driver = manualroute\n  domains = ! +local_domains\n  ignore_target_hosts = 127.0.0.0/8\n  condition = \"${perl{check_limits}}\"\n  transport = remote_smtp\n  route_list = $domain smtp.example.com::587\n  no_more\n"
	cases := []struct {
		name  string
		files map[string]string // machine path -> corpus file ("" = empty marker file)
		edit  func(path, text string) string
		want  []panelWant
	}{
		{
			name: "cPanel stock",
			files: map[string]string{
				"etc/exim.conf":            "cpanel-exim-forwarding/exim.conf",
				"etc/exim.conf.local":      "cpanel-exim-forwarding/exim.conf.local",
				"etc/exim.conf.localopts":  "cpanel-exim-forwarding/exim.conf.localopts",
				"usr/local/cpanel/version": "",
			},
		},
		{
			name: "DirectAdmin stock",
			files: map[string]string{
				"etc/exim.conf":                  "directadmin-mxroute/exim.conf",
				"etc/exim.routers.pre.conf":      "directadmin-mxroute/exim.routers.pre.conf",
				"etc/exim.transports.pre.conf":   "directadmin-mxroute/exim.transports.pre.conf",
				"etc/exim.strings.conf.custom":   "directadmin-mxroute/exim.strings.conf.custom",
				"etc/exim.variables.conf.custom": "directadmin-mxroute/exim.variables.conf.custom",
				"usr/local/directadmin/.keep":    "",
			},
		},
		{
			name: "DirectAdmin with the seed router appended to exim.conf",
			files: map[string]string{
				"etc/exim.conf":               "directadmin-mxroute/exim.conf",
				"usr/local/directadmin/.keep": "",
			},
			edit: func(path, text string) string {
				if path != "etc/exim.conf" {
					return text
				}
				// After DirectAdmin's lookuphost router, as "add in the
				// routers section (after begin routers)" is usually done.
				i := strings.Index(text, "\nlookuphost:\n")
				j := i + strings.Index(text[i:], "  no_more\n") + len("  no_more\n")
				return text[:j] + seedRouter + text[j:]
			},
			want: []panelWant{
				{"etc/exim.conf", "\nspamexperts_smarthost_router:", "EX201"},
				{"etc/exim.conf", "\nspamexperts_smarthost_router:", "EX202"},
			},
		},
		{
			name: "cPanel with the seed's blocks edited into exim.conf",
			files: map[string]string{
				"etc/exim.conf":            "cpanel-exim-forwarding/exim.conf",
				"etc/exim.conf.local":      "cpanel-exim-forwarding/exim.conf.local",
				"etc/exim.conf.localopts":  "cpanel-exim-forwarding/exim.conf.localopts",
				"usr/local/cpanel/version": "",
			},
			edit: func(path, text string) string {
				if path != "etc/exim.conf" {
					return text
				}
				text = strings.Replace(text, "\nbegin routers\n", "\nbegin routers\n"+seedCpanelRouters, 1)
				text = strings.Replace(text, "\nbegin transports\n", "\nbegin transports\n"+seedCpanelTransports, 1)
				return strings.Replace(text, "\nbegin authenticators\n", "\nbegin authenticators\n"+seedCpanelAuth, 1)
			},
			want: []panelWant{
				{"etc/exim.conf", "\nsmarthost_dkim:", "EX101"},
				{"etc/exim.conf", "\nsmarthost_dkim:", "EX103"},
				{"etc/exim.conf", "\nsmarthost_regular:", "EX101"},
				{"etc/exim.conf", "\nremote_smtp_smart_dkim:", "EX101"},
				{"etc/exim.conf", "\nremote_smtp_smart_regular:", "EX101"},
				{"etc/exim.conf", "\nspamexperts_login:", "EX101"},
				{"etc/exim.conf", "#hosts_require_auth = *\n\nremote_smtp_smart_regular", "EX105"},
				{"etc/exim.conf", "#hosts_require_auth = *\n\n\n", "EX105"},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			texts := map[string]string{}
			for dst, src := range tc.files {
				text := ""
				if src != "" {
					b, err := os.ReadFile(filepath.Join(corpus, src))
					if err != nil {
						t.Fatal(err)
					}
					text = string(b)
				}
				if tc.edit != nil {
					text = tc.edit(dst, text)
				}
				texts[dst] = text
				panelWrite(t, filepath.Join(root, dst), text)
			}
			var want []string
			for _, w := range tc.want {
				i := strings.Index(texts[w.file], w.at)
				if i < 0 {
					t.Fatalf("%q not in %s", w.at, w.file)
				}
				i += strings.IndexFunc(w.at, func(r rune) bool { return r != '\n' })
				want = append(want, fmt.Sprintf("%s:%d %s", w.file, strings.Count(texts[w.file][:i], "\n")+1, w.rule))
			}
			res := ruletest.LintDir(t, rules.Default(), root)
			var got []string
			for _, f := range res.Findings {
				if strings.HasPrefix(f.Rule, "EX1") || strings.HasPrefix(f.Rule, "EX2") {
					rel, _ := filepath.Rel(root, f.Path)
					got = append(got, fmt.Sprintf("%s:%d %s", rel, f.Start.Line, f.Rule))
				}
			}
			slices.Sort(got)
			slices.Sort(want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
