package exim_test

import (
	"fmt"

	"github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// Walk an Exim configuration: the routers in order, their driver type and,
// for a manualroute router, each route_list rule with its hosts and ports,
// every element with its position in the file.
func ExampleParse() {
	src := []byte(`primary_hostname = mail.example.org

begin routers

send_to_smarthost:
  driver = manualroute
  domains = ! +local_domains
  transport = remote_smtp
  route_list = * smtp.provider.test::587 byname

begin transports

remote_smtp:
  driver = smtp
  hosts_require_tls = *
`)
	cfg, err := exim.Parse("/etc/exim4/exim4.conf", src, exim.Options{})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println("primary_hostname =", cfg.Main.Option("primary_hostname").Value.S)
	for _, r := range cfg.Drivers("routers") {
		fmt.Printf("router %s (%s) at %s\n", r.Name, r.DriverType(), r.NamePos)
		rl := r.Option("route_list")
		if rl == nil {
			continue
		}
		routes, err := exim.ParseRouteList(rl.Value.S)
		if err != nil {
			fmt.Println("  route_list:", err)
			continue
		}
		for _, rule := range routes.Rules {
			for _, h := range rule.HostList.Hosts {
				fmt.Printf("  domains %q -> host %s port %d at %s\n", rule.Domain.Text, h.Host, h.PortNum, rl.Value.Pos(h.HostStart))
			}
		}
	}
	for _, t := range cfg.Drivers("transports") {
		if o := t.Option("hosts_require_tls"); o != nil {
			fmt.Printf("transport %s requires TLS for %q\n", t.Name, o.Value.S)
		}
	}
	// Output:
	// primary_hostname = mail.example.org
	// router send_to_smarthost (manualroute) at /etc/exim4/exim4.conf:5:1
	//   domains "*" -> host smtp.provider.test port 587 at /etc/exim4/exim4.conf:9:18
	// transport remote_smtp requires TLS for "*"
}
