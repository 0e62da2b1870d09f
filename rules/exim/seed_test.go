package exim_test

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/ruletest"
	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
	"github.com/smarthost-lint/smarthost-lint/lint"
	"github.com/smarthost-lint/smarthost-lint/rules"
)

// The setups the seed page documents for generic Exim, cPanel and
// DirectAdmin, written twice: as an administrator following the page
// correctly would (placeholders replaced by real values, the errata of
// RULES.md §1 fixed: S6 hosts_require_auth on the transport really used,
// S7 real credentials, S10 anchored sender patterns) — these must give no
// error or warning at all, since a false alarm on the documented setup is
// the worst bug a linter can have — and as the page's text stands
// (placeholders, markup, errata), which must give exactly the findings
// RULES.md names. Infos are not compared: they are advice.
//
// The correct variants were also delivered end to end with the real Exim
// 4.96 (../shared/oracles/exim-e2e.sh, with `byname` added because the
// harness has no DNS): the generic IP-authorised, SMTP-AUTH and per-sender
// lookup setups (STARTTLS on 587, AUTH LOGIN with the configured or
// looked-up user), and the cPanel and DirectAdmin blocks inside Exim's
// default configuration (their own exim.conf needs Perl, which
// exim4-daemon-light lacks); with SINK_ARGS=--no-starttls the DirectAdmin
// transport (hosts_require_tls = the smarthost's name) defers "a TLS
// session is required, but the server did not offer TLS support".
// TestSeedSetupsOracle below re-checks the generic ones with `exim -bV`.

// seedSmarthost stands in for the provider's host name.
const seedSmarthost = "outgoing.filterprovider.net"

// genericBase is a plain exim.conf shaped like Exim's configure.default:
// the seed's blocks go where the page says ("after begin routers", "after
// begin transports", "after begin authenticators").
const genericBase = `domainlist local_domains = @ : localhost
never_users = root

begin routers
@ROUTERS@
dnslookup:
  driver = dnslookup
  domains = ! +local_domains
  transport = remote_smtp
  ignore_target_hosts = 0.0.0.0 : 127.0.0.0/8
  no_more

system_aliases:
  driver = redirect
  allow_fail
  allow_defer
  data = ${lookup{$local_part}lsearch{/etc/aliases}}
  file_transport = address_file

localuser:
  driver = accept
  check_local_user
  transport = local_delivery

begin transports
@TRANSPORTS@
remote_smtp:
  driver = smtp

local_delivery:
  driver = appendfile
  file = /var/mail/$local_part_data
  delivery_date_add
  envelope_to_add
  return_path_add

address_file:
  driver = appendfile
  delivery_date_add
  envelope_to_add
  return_path_add

begin authenticators
@AUTH@
`

// The seed's generic router and transport (section "Exim"), with the
// smarthost filled in and `domains = ! +local_domains` added so that local
// mail stays local ("If you don't want local mail to be forwarded ...").
const (
	seedRouter = `
spamexperts_smarthost_router:
  driver = manualroute
  domains = ! +local_domains
  # Exclude null sender messages from relaying via the smarthost
  condition = ${if or {{!eq{$sender_address}{}} {!eq{$sender_host_address}{}}}}
  transport = spamexperts_smarthost_transport
  route_list = $domain ` + seedSmarthost + `::587
  no_more
`
	seedTransport = `
spamexperts_smarthost_transport:
  driver = smtp
  hosts_require_tls = *
`
	// S6 fixed: hosts_require_auth on the transport the router uses.
	seedTransportAuth = `
spamexperts_smarthost_transport:
  driver = smtp
  hosts_require_tls = *
  hosts_require_auth = *
`
	// S7 fixed: real credentials.
	seedAuth = `
spamexperts_login:
  driver = plaintext
  public_name = LOGIN
  client_send = : relay@mydomain.net : S3cret-Pass
`
)

// seedReturnPath is the seed's "Rewriting invalid senders" transport
// option, with a real address for validsender@domain.ext.
const seedReturnPath = `  return_path = ${if \
  or { \
  { eq {$return_path} {do_not_reply@intuit.com} } \
  { eq {$return_path} {do_not_reply@appcenter.intuit.com} } \
  { eq {$return_path} {ac@bsgconsulting.com} } \
  { match {$return_path} {\Nprvs=.*=adpdonotreply@adp.com\N} } \
  } \
  {validsender@mydomain.net}{$return_path} \
  }
`

// The seed's text as printed (section "Exim"): indented, placeholders in
// bold markup, the password line broken by a blank line before its
// closing "**", no domains condition; "hosts_require_auth = *" was to be
// appended to transports that do not exist here (S6), so it is missing.
const (
	seedRouterAsPrinted = `

         spamexperts_smarthost_router:
          driver = manualroute
          # Exclude null sender messages from relaying via the smarthost
          condition = ${if or {{!eq{$sender_address}{}} {!eq{$sender_host_address}{}}}}
          transport = spamexperts_smarthost_transport
          route_list = $domain **SMARTHOST**::587
          no_more
`
	seedTransportAsPrinted = `
         spamexperts_smarthost_transport:
          driver = smtp
          hosts_require_tls = *
`
	seedAuthAsPrinted = "\n          spamexperts_login:\n          driver = plaintext\n          public_name = LOGIN\n" +
		"          client_send = : **username@example.com** : **yourUserPassword  \n          \n        **\n"
)

// The cPanel blocks (section "Exim/cPanel") for exim.conf.local, with the
// host filled in; the transports carry the page's interface, helo_data and
// multi-line headers_add. The DKIM key path is built from a de-tainted
// dkim_domain (EX027: the page's `dkim_domain = $sender_address_domain`
// makes Exim ≥ 4.94 refuse the key file and send unsigned).
const (
	cpanelRouters = `smarthost_dkim:
  driver = manualroute
  domains = !+local_domains
  require_files = "+/var/cpanel/domain_keys/private/${sender_address_domain}"
  # Exclude null sender messages from relaying via the smarthost
  condition = ${if or {{!eq{$sender_address}{}} {!eq{$sender_host_address}{}}}} 
  transport = remote_smtp_smart_dkim
  route_list = $domain @HOST@::587

smarthost_regular:
  driver = manualroute
  domains = !+local_domains
  # Exclude null sender messages from relaying via the smarthost
  condition = ${if or {{!eq{$sender_address}{}} {!eq{$sender_host_address}{}}}} 
  transport = remote_smtp_smart_regular
  route_list = $domain @HOST@::587

`
	cpanelTransports = `remote_smtp_smart_dkim:
  driver = smtp
  hosts_require_tls = *
  interface = ${if exists {/etc/mailips}{${lookup{$sender_address_domain}lsearch*{/etc/mailips}{$value}{}}}{}}
  helo_data = ${if exists {/etc/mailhelo}{${lookup{$sender_address_domain}lsearch*{/etc/mailhelo}{$value}{$primary_hostname}}}{$primary_hostname}}
  dkim_domain = @DKIMDOMAIN@
  dkim_selector = default
  dkim_private_key = "/var/cpanel/domain_keys/private/${dkim_domain}"
  dkim_canon = relaxed  
  headers_add = X-AuthUser: ${if match {$authenticated_id}{.*@.*}\  
 {$authenticated_id} {${if match {$authenticated_id}{.+}\  
 {$authenticated_id@$primary_hostname}{$authenticated_id}}}}  
  # Uncomment the line below in case you use a login for authentication  
  @AUTHLINE@  

remote_smtp_smart_regular:
  driver = smtp
  hosts_require_tls = *
  interface = ${if exists {/etc/mailips}{${lookup{$sender_address_domain}lsearch*{/etc/mailips}{$value}{}}}{}}
  helo_data = ${if exists {/etc/mailhelo}{${lookup{$sender_address_domain}lsearch*{/etc/mailhelo}{$value}{$primary_hostname}}}{$primary_hostname}}  
  headers_add = X-AuthUser: ${if match {$authenticated_id}{.*@.*}\  
  {$authenticated_id} {${if match {$authenticated_id}{.+}\  
  {$authenticated_id@$primary_hostname}{$authenticated_id}}}}
 # Uncomment the line below in case you use a login for authentication  
 @AUTHLINE@

`
	detaintedDKIMDomain = "${lookup{$sender_address_domain}lsearch,ret=key{/etc/localdomains}}"
)

// cpanelLocal is an exim.conf.local with every marker and the given blocks.
func cpanelLocal(blocks map[string]string) string {
	var b strings.Builder
	for _, m := range []string{"AUTH", "BEGINACL", "CONFIG", "DIRECTOREND", "DIRECTORMIDDLE", "DIRECTORSTART",
		"ENDACL", "POSTMAILCOUNT", "PREDOTFORWARD", "PREFILTER", "PRELOCALUSER", "PRENOALIASDISCARD",
		"PREROUTERS", "PREVALIASNOSTAR", "PREVALIASSTAR", "PREVIRTUALUSER", "RETRYEND", "RETRYSTART",
		"REWRITE", "ROUTEREND", "ROUTERMIDDLE", "ROUTERSTART", "TRANSPORTEND", "TRANSPORTMIDDLE", "TRANSPORTSTART"} {
		fmt.Fprintf(&b, "@%s@\n%s\n", m, blocks[m])
	}
	return b.String()
}

// daConf is DirectAdmin's exim.conf reduced to what the smarthost setup
// touches: the pre/post includes around the authenticators, routers and
// transports, and lookuphost with check_limits and no_more.
const daConf = `# SpamBlockerTechnology* powered exim.conf, Version 4.5.43
perl_startup = do '/etc/exim.pl'
domainlist local_domains = lsearch;/etc/virtual/domains

begin authenticators

login:
  driver = plaintext
  public_name = LOGIN
  server_prompts = "Username:: : Password::"
  server_condition = "${perl{smtpauth}{${lc:$auth1}}{${auth2}}}"
  server_set_id = ${lc:$auth1}

.include_if_exists /etc/exim.authenticators.post.conf

begin routers

.include_if_exists /etc/exim.routers.pre.conf

lookuphost:
  driver = dnslookup
  domains = ! +local_domains
  ignore_target_hosts = 127.0.0.0/8
  condition = "${perl{check_limits}}"
  transport = remote_smtp
  no_more
@AFTERLOOKUPHOST@
begin transports

.include_if_exists /etc/exim.transports.pre.conf

remote_smtp:
  driver = smtp
.include_if_exists /etc/exim.dkim.conf
@TRANSPORTS@`

// The seed's DirectAdmin router and transport ("Exim/Directadmin"),
// unindented lines and all.
const (
	daRouter = `spamexperts_smarthost_router:
  driver = manualroute
  domains = ! +local_domains
  ignore_target_hosts = 127.0.0.0/8
  condition = "${perl{check_limits}}"
  # Exclude null sender messages from relaying via the smarthost
  condition = ${if or {{!eq{$sender_address}{}} {!eq{$sender_host_address}{}}}}
transport = spamexperts_smarthost_transport   
route_list = $domain @HOST@::587   
no_more
`
	daTransport = `spamexperts_smarthost_transport:
  driver = smtp  
 # In-case your server continues to send outbound over port 25 please add the below line  
  port = 587
  hosts_require_tls = @HOST@
  .include_if_exists /etc/exim.dkim.conf
  hosts_require_auth = *
`
)

// daForceLocal is the seed's DirectAdmin router that relays local mail
// too, with the filter servers' addresses.
func daForceLocal(ips string) string {
	return `spamexperts_smarthost_router:
  driver = manualroute
  ignore_target_hosts = 127.0.0.0/8  
  condition = ${if !inlist{$sender_host_address}{<; ` + ips + `}}
  condition = "${perl{check_limits}}"
  # Exclude null sender messages from relaying via the smarthost
  condition = ${if or {{!eq{$sender_address}{}} {!eq{$sender_host_address}{}}}}
  transport = spamexperts_smarthost_transport
  route_list = $domain ` + seedSmarthost + `::587
  no_more
`
}

type seedSetup struct {
	name  string
	files map[string]string // machine path -> content
	// oracle: the file `exim -bV` must accept (generic setups only).
	oracle string
	// want lists the error and warning findings: file, a substring of the
	// line they are on (its first occurrence), rule.
	want []panelWant
}

func generic(routers, transports, auth string) string {
	r := strings.NewReplacer("@ROUTERS@", routers, "@TRANSPORTS@", transports, "@AUTH@", auth)
	return r.Replace(genericBase)
}

func seedSetups() []seedSetup {
	const conf = "etc/exim/exim.conf"
	// Files a real host has; 0640 root:Debian-exim for what holds
	// credentials (GEN003) and is read by the transport (EX024).
	common := func(m map[string]string) map[string]string {
		m["etc/aliases"] = "postmaster: root\n"
		m["etc/passwd"] = "root:x:0:0:root:/root:/bin/bash\nDebian-exim:x:105:105::/var/spool/exim4:/usr/sbin/nologin\n"
		m["etc/group"] = "root:x:0:\nDebian-exim:x:105:\n"
		m["facts.txt"] = "etc/exim/exim.conf mode=0640 owner=0:105\netc/exim.conf.local mode=0640 owner=0:105\n" +
			"etc/exim.conf mode=0640 owner=0:105\netc/exim.authenticators.post.conf mode=0640 owner=0:105\n" +
			"etc/exim_spamexperts mode=0640 owner=0:105\n"
		return m
	}
	cp := func(host, dkimDomain, authLine, auth string) map[string]string {
		r := strings.NewReplacer("@HOST@", host, "@DKIMDOMAIN@", dkimDomain, "@AUTHLINE@", authLine)
		return common(map[string]string{
			"etc/exim.conf.local": cpanelLocal(map[string]string{
				"ROUTERSTART": r.Replace(cpanelRouters), "TRANSPORTSTART": r.Replace(cpanelTransports), "AUTH": auth,
			}),
			"etc/localdomains":         "mydomain.net\n",
			"usr/local/cpanel/version": "11.110.0.15\n",
		})
	}
	da := func(host string, inEximConf bool) map[string]string {
		r := strings.NewReplacer("@HOST@", host)
		m := common(map[string]string{
			"etc/virtual/domains":         "mydomain.net\n",
			"usr/local/directadmin/.keep": "",
		})
		if inEximConf {
			// "add in the routers section (after begin routers)": below
			// lookuphost, as appending to the section is usually done.
			m["etc/exim.conf"] = strings.NewReplacer("@AFTERLOOKUPHOST@", "\n"+r.Replace(daRouter),
				"@TRANSPORTS@", "\n"+r.Replace(daTransport)).Replace(daConf)
		} else {
			m["etc/exim.conf"] = strings.NewReplacer("@AFTERLOOKUPHOST@", "", "@TRANSPORTS@", "").Replace(daConf)
			m["etc/exim.routers.pre.conf"] = r.Replace(daRouter)
			m["etc/exim.transports.pre.conf"] = r.Replace(daTransport)
			m["etc/exim.authenticators.post.conf"] = seedAuth
		}
		return m
	}
	perSenderAuth := `
spamexperts_login:
  driver = plaintext
  public_name = LOGIN
  client_send = : ${extract{user}{${lookup{$sender_address}lsearch{/etc/exim_spamexperts}}}} : ${extract{pass}{${lookup{$sender_address}lsearch{/etc/exim_spamexperts}}}}
`
	perSenderRouter := strings.Replace(seedRouter, "  transport =",
		"  condition = ${lookup{$sender_address}lsearch{/etc/exim_spamexperts}{true}{false}}\n  transport =", 1)
	return []seedSetup{
		{
			name:   "generic IP authorisation",
			files:  common(map[string]string{conf: generic(seedRouter, seedTransport, "")}),
			oracle: conf,
		},
		{
			name:   "generic SMTP authentication",
			files:  common(map[string]string{conf: generic(seedRouter, seedTransportAuth, seedAuth)}),
			oracle: conf,
		},
		{
			name: "generic specific destination domains",
			files: common(map[string]string{conf: generic(strings.NewReplacer(
				"domains = ! +local_domains", "domains = mydomain.org : mydomain.info",
				"$domain "+seedSmarthost+"::587", "mydomain.org "+seedSmarthost+"::587 ; mydomain.info "+seedSmarthost+"::587",
			).Replace(seedRouter), seedTransport, "")}),
			oracle: conf,
		},
		{
			name: "generic outgoing user per sender",
			files: common(map[string]string{
				conf:                   generic(perSenderRouter, seedTransportAuth, perSenderAuth),
				"etc/exim_spamexperts": "sender1@mydomain.net: user=user1@mydomain.net pass=abc\nsender2@mydomain.net: user=user2@mydomain.net pass=xyz\n",
			}),
			oracle: conf,
		},
		{
			// "individual outgoing accounts" per sender domain, limited to
			// the domains in /etc/spamexperts_domains, plus "Rewriting
			// invalid senders" (return_path over continuation lines).
			name: "generic outgoing user per domain, sender domains file, return_path rewrite",
			files: common(map[string]string{
				conf: generic(strings.Replace(seedRouter, "  transport =",
					"  senders = *@partial-lsearch;/etc/spamexperts_domains\n  transport =", 1),
					strings.TrimSuffix(seedTransportAuth, "\n")+"\n"+seedReturnPath,
					strings.Replace(perSenderAuth, "$sender_address}", "$sender_address_domain}", -1)),
				"etc/spamexperts_domains": "mydomain.net\nmydomain.org\n",
				"etc/exim_spamexperts":    "mydomain.net:    user=user@mydomain.net     pass=abc  \nmydomain.org:    user=user@mydomain.org     pass=xyz\n",
			}),
			oracle: conf,
		},
		{
			name: "generic limited sender domains (S10 fixed)",
			files: common(map[string]string{conf: generic(strings.Replace(seedRouter, "  transport =",
				"  senders = *@mydomain.net : *@mydomain.org\n  transport =", 1), seedTransport, "")}),
			oracle: conf,
		},
		{
			name:  "generic as printed",
			files: common(map[string]string{conf: generic(seedRouterAsPrinted, seedTransportAsPrinted, seedAuthAsPrinted)}),
			want: []panelWant{
				{conf, "spamexperts_smarthost_router:", "EX013"},       // no domains: local mail relayed too
				{conf, "route_list = $domain **SMARTHOST**", "EX011"},  // host lookup fails: frozen
				{conf, "route_list = $domain **SMARTHOST**", "GEN001"}, // markup
				{conf, "spamexperts_smarthost_transport:\n", "EX019"},  // S6: AUTH never attempted
				{conf, "client_send = : **username", "GEN001"},         // S7
				{conf, "client_send = : **username", "GEN001"},         //
				{conf, "client_send = : **username", "GEN001"},         //
				{conf, "\n        **\n", "EX000"},                      // the blank line ended the value
			},
		},
		{
			name: "generic sender regexes as printed (S10)",
			files: common(map[string]string{conf: generic(strings.Replace(seedRouter, "  transport =",
				"  senders = ^.*@domain1.com : ^.*@domain2.com\n  transport =", 1), seedTransport, "")}),
			want: []panelWant{{conf, "senders = ^.*@domain1.com", "EX033"}, {conf, "senders = ^.*@domain1.com", "EX033"}},
		},
		{
			name:  "cPanel IP authorisation",
			files: cp(seedSmarthost, detaintedDKIMDomain, "#hosts_require_auth = *", ""),
		},
		{
			name:  "cPanel SMTP authentication",
			files: cp(seedSmarthost, detaintedDKIMDomain, "hosts_require_auth = *", seedAuth),
		},
		{
			// "Using cPanel's hourly limit option": the same routers under
			// POSTMAILCOUNT instead of ROUTERSTART.
			name: "cPanel with hourly limits (POSTMAILCOUNT)",
			files: func() map[string]string {
				m := cp(seedSmarthost, detaintedDKIMDomain, "hosts_require_auth = *", seedAuth)
				m["etc/exim.conf.local"] = strings.Replace(strings.Replace(m["etc/exim.conf.local"],
					"@POSTMAILCOUNT@\n", "@POSTMAILCOUNT@\n"+strings.ReplaceAll(cpanelRouters, "@HOST@", seedSmarthost), 1),
					"@ROUTERSTART@\n"+strings.ReplaceAll(cpanelRouters, "@HOST@", seedSmarthost), "@ROUTERSTART@\n", 1)
				return m
			}(),
		},
		{
			name: "cPanel as printed",
			files: cp("**SMARTHOST**", "$sender_address_domain", "#hosts_require_auth = *",
				"spamexperts_login:\n  driver = plaintext\n  public_name = LOGIN\n  client_send = : **username@example.com** : **yourUserPassword**\n"),
			want: []panelWant{
				{"etc/exim.conf.local", "route_list = $domain **SMARTHOST**", "EX011"},
				{"etc/exim.conf.local", "route_list = $domain **SMARTHOST**", "GEN001"},
				{"etc/exim.conf.local", "route_list = $domain **SMARTHOST**::587\n\n\n@TRANSPORTEND@", "EX011"},
				{"etc/exim.conf.local", "route_list = $domain **SMARTHOST**::587\n\n\n@TRANSPORTEND@", "GEN001"},
				{"etc/exim.conf.local", "dkim_private_key", "EX027"}, // tainted key path: sent unsigned
				{"etc/exim.conf.local", "  #hosts_require_auth = *  \n\nremote_smtp_smart_regular", "EX105"},
				{"etc/exim.conf.local", " #hosts_require_auth = *\n\n\n", "EX105"},
				{"etc/exim.conf.local", "client_send = : **username", "GEN001"}, // the user's markup
				{"etc/exim.conf.local", "client_send = : **username", "GEN001"}, // the password's
			},
		},
		{
			name:  "DirectAdmin pre/post include files",
			files: da(seedSmarthost, false),
		},
		{
			// "Extra: Force Local deliveries though a smarthost": no domains
			// condition on purpose, mail coming back from the filter
			// servers (IPSERVER1/2) kept out.
			name: "DirectAdmin forcing local deliveries through the smarthost",
			files: func() map[string]string {
				m := da(seedSmarthost, false)
				m["etc/exim.routers.pre.conf"] = daForceLocal("192.0.2.10 ; 192.0.2.11")
				return m
			}(),
		},
		{
			name: "DirectAdmin forcing local deliveries, as printed",
			files: func() map[string]string {
				m := da(seedSmarthost, false)
				m["etc/exim.routers.pre.conf"] = daForceLocal("**IPSERVER1** ;** IPSERVER2**")
				return m
			}(),
			want: []panelWant{
				{"etc/exim.routers.pre.conf", "condition = ${if !inlist", "GEN001"}, // **IPSERVER1**
				{"etc/exim.routers.pre.conf", "condition = ${if !inlist", "GEN001"}, // ** IPSERVER2**
			},
		},
		{
			name:  "DirectAdmin as printed, in exim.conf",
			files: da("**SMARTHOST**", true),
			want: []panelWant{
				{"etc/exim.conf", "spamexperts_smarthost_router:", "EX201"}, // regenerated by DirectAdmin
				{"etc/exim.conf", "spamexperts_smarthost_router:", "EX202"}, // after lookuphost: never reached (S9)
				{"etc/exim.conf", "spamexperts_smarthost_transport:", "EX201"},
				{"etc/exim.conf", "route_list = $domain **SMARTHOST**", "EX011"},
				{"etc/exim.conf", "route_list = $domain **SMARTHOST**", "GEN001"},
				// Same placeholder as the route_list host: it would match,
				// so no EX030; GEN001 and EX011 say it.
				{"etc/exim.conf", "hosts_require_tls = **SMARTHOST**", "GEN001"},
				{"etc/exim.conf", "hosts_require_auth = *", "EX019"}, // no client authenticator in this variant
			},
		},
		{
			// S9: "You MAY have to comment lookuphost": the router is then
			// reached, but locally generated bounces skip it (the seed's
			// null-sender condition) and no remote router is left for them.
			name: "DirectAdmin with lookuphost commented out (S9)",
			files: func() map[string]string {
				m := da(seedSmarthost, true)
				m["etc/exim.conf"] = strings.Replace(m["etc/exim.conf"], `lookuphost:
  driver = dnslookup
  domains = ! +local_domains
  ignore_target_hosts = 127.0.0.0/8
  condition = "${perl{check_limits}}"
  transport = remote_smtp
  no_more`, `#lookuphost:
#  driver = dnslookup
#  domains = ! +local_domains
#  ignore_target_hosts = 127.0.0.0/8
#  condition = "${perl{check_limits}}"
#  transport = remote_smtp
#  no_more`, 1)
				return m
			}(),
			want: []panelWant{
				{"etc/exim.conf", "spamexperts_smarthost_router:", "EX201"},
				{"etc/exim.conf", "spamexperts_smarthost_transport:", "EX201"},
				{"etc/exim.conf", "condition = ${if or", "EX016"}, // bounces unroutable
				{"etc/exim.conf", "hosts_require_auth = *", "EX019"},
			},
		},
		{
			name: "DirectAdmin with the placeholder replaced in route_list only",
			files: func() map[string]string {
				m := da(seedSmarthost, false)
				m["etc/exim.transports.pre.conf"] = strings.Replace(m["etc/exim.transports.pre.conf"],
					"hosts_require_tls = "+seedSmarthost, "hosts_require_tls = **SMARTHOST**", 1)
				return m
			}(),
			want: []panelWant{
				{"etc/exim.transports.pre.conf", "hosts_require_tls", "EX030"}, // never matches: TLS optional
				{"etc/exim.transports.pre.conf", "hosts_require_tls", "GEN001"},
			},
		},
	}
}

func writeSeedSetup(t *testing.T, s seedSetup) string {
	t.Helper()
	root := t.TempDir()
	for p, c := range s.files {
		panelWrite(t, filepath.Join(root, p), c)
	}
	return root
}

func TestSeedSetups(t *testing.T) {
	for _, s := range seedSetups() {
		t.Run(s.name, func(t *testing.T) {
			root := writeSeedSetup(t, s)
			var want []string
			for _, w := range s.want {
				text := s.files[w.file]
				i := strings.Index(text, w.at)
				if i < 0 {
					t.Fatalf("%q not in %s", w.at, w.file)
				}
				i += strings.IndexFunc(w.at, func(r rune) bool { return r != '\n' && r != ' ' })
				want = append(want, fmt.Sprintf("%s:%d %s", w.file, strings.Count(text[:i], "\n")+1, w.rule))
			}
			res := ruletest.LintDir(t, rules.Default(), root)
			var got []string
			for _, f := range res.Findings {
				if f.Severity == lint.SeverityInfo {
					continue
				}
				rel, _ := filepath.Rel(root, f.Path)
				got = append(got, fmt.Sprintf("%s:%d %s", rel, f.Start.Line, f.Rule))
				if len(s.want) == 0 {
					t.Logf("%s:%d: %s: %s [%s]", rel, f.Start.Line, f.Severity, f.Message, f.Rule)
				}
			}
			slices.Sort(got)
			slices.Sort(want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("error/warning findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestSeedSetupsOracle: the real Exim accepts every correct generic setup.
func TestSeedSetupsOracle(t *testing.T) {
	script := testenv.OracleScript(t, "exim-check.sh")
	for _, s := range seedSetups() {
		if s.oracle == "" {
			continue
		}
		t.Run(s.name, func(t *testing.T) {
			root := writeSeedSetup(t, s)
			out, err := exec.Command("bash", script, filepath.Join(root, s.oracle)).CombinedOutput()
			if err != nil {
				t.Fatalf("exim -bV rejects it: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), "spamexperts_smarthost_router: transport = spamexperts_smarthost_transport") {
				t.Errorf("exim -bP does not show the smarthost router:\n%s", out)
			}
		})
	}
}
