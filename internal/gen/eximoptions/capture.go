package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// instanceOptions are the options a driver instance needs before Exim's
// -bV accepts it (found by running the binary): without them the driver's
// init function rejects the instance and -bP prints nothing.
var instanceOptions = map[string][]string{
	"router/accept":            {"transport = t_smtp"},
	"router/dnslookup":         {"transport = t_smtp"},
	"router/ipliteral":         {"transport = t_smtp"},
	"router/manualroute":       {"route_list = * x", "transport = t_smtp"},
	"router/queryprogram":      {"command = /bin/true", "command_user = root"},
	"router/redirect":          {"data = x"},
	"router/iplookup":          {"hosts = localhost", "query = x", "port = 25"},
	"transport/appendfile":     {"file = /tmp/x"},
	"transport/lmtp":           {"socket = /tmp/x"},
	"authenticator/cyrus_sasl": {"server_mech = PLAIN"},
	"authenticator/dovecot":    {"server_socket = /tmp/x"},
}

var macroLine = regexp.MustCompile(`^_(OPT|DRIVER|ACL_COND|ACL_MOD|LOG)_([A-Z0-9_]+)=`)

// capture runs the Exim binary and returns the dump: every option name
// per scope with "bool" for booleans, sorted, with a header recording the
// command and the version.
func capture(bin, pkg string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "eximoptions")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	empty := filepath.Join(dir, "empty.conf")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		return nil, err
	}
	version, err := run(bin, "-bV", "-C", empty)
	if err != nil {
		return nil, fmt.Errorf("exim -bV: %v", err)
	}
	macros, err := run(bin, "-C", empty, "-bP", "macros")
	if err != nil {
		return nil, fmt.Errorf("exim -bP macros: %v", err)
	}
	drivers := map[string][]string{} // router -> [accept ...]
	optMacros := map[string]bool{}   // ROUTER_ACCEPT_TRANSPORT ...
	var aclWords, logWords []string
	for _, line := range strings.Split(macros, "\n") {
		m := macroLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		switch m[1] {
		case "ACL_COND", "ACL_MOD":
			// ACL conditions and modifiers (acl.c's table), as "acl" scope.
			aclWords = append(aclWords, strings.ToLower(m[2]))
			continue
		case "LOG":
			logWords = append(logWords, strings.ToLower(m[2]))
			continue
		}
		if m[1] == "DRIVER" {
			typ, drv, _ := strings.Cut(m[2], "_")
			drivers[strings.ToLower(typ)] = append(drivers[strings.ToLower(typ)], strings.ToLower(drv))
			continue
		}
		optMacros[m[2]] = true
	}

	var out []string
	add := func(scope, name string, isBool bool) {
		kind := "value"
		if isBool {
			kind = "bool"
		}
		out = append(out, scope+" "+name+" "+kind)
	}

	for _, w := range aclWords {
		add("acl", w, false)
	}
	for _, w := range logWords {
		add("log_selector", w, false)
	}

	// Main options: -bP lists every non-hidden one, booleans as bare
	// name or no_name.
	listing, err := run(bin, "-C", empty, "-bP")
	if err != nil {
		return nil, fmt.Errorf("exim -bP: %v", err)
	}
	shown := parseListing(listing)
	for key := range optMacros {
		name, ok := strings.CutPrefix(key, "MAIN_")
		if !ok {
			continue
		}
		name = strings.ToLower(name)
		isBool, ok := shown[name]
		if !ok {
			isBool = probeBool(bin, dir, "no_"+name+"\n")
		}
		add("main", name, isBool)
	}

	for _, typ := range []string{"router", "transport", "authenticator"} {
		drvs := drivers[typ]
		sort.Strings(drvs)
		generic := map[string]bool{}
		for key := range optMacros {
			if name, ok := strings.CutPrefix(key, strings.ToUpper(typ)+"S_"); ok {
				generic[strings.ToLower(name)] = true
			}
		}
		genericDone := false
		for _, drv := range drvs {
			conf, inst := instanceConfig(typ, drv, "")
			listing, err := runConf(bin, dir, conf, "-bP", typ, inst)
			if err != nil {
				return nil, fmt.Errorf("exim -bP %s %s: %v", typ, inst, err)
			}
			shown := parseListing(listing)
			// A line for the driver itself: accept and ipliteral have no
			// private options, hence no _OPT_ macro.
			out = append(out, typ+"/"+drv+" - driver")
			prefix := strings.ToUpper(typ + "_" + drv + "_")
			for key := range optMacros {
				name, ok := strings.CutPrefix(key, prefix)
				if !ok {
					continue
				}
				name = strings.ToLower(name)
				isBool, ok := shown[name]
				if !ok {
					c, _ := instanceConfig(typ, drv, "no_"+name)
					isBool = probeBool(bin, dir, c)
				}
				add(typ+"/"+drv, name, isBool)
			}
			if !genericDone {
				genericDone = true
				for name := range generic {
					isBool, ok := shown[name]
					if !ok {
						c, _ := instanceConfig(typ, drv, "no_"+name)
						isBool = probeBool(bin, dir, c)
					}
					add(typ+"s", name, isBool)
				}
			}
		}
	}
	sort.Strings(out)

	var b bytes.Buffer
	fmt.Fprintf(&b, "# package: %s\n", pkg)
	fmt.Fprintf(&b, "# command: exim -C empty.conf -bP macros (_OPT_* names), exim -C conf -bP [router|transport|authenticator NAME] (booleans)\n")
	for _, line := range strings.Split(version, "\n") {
		if strings.HasPrefix(line, "Exim version ") {
			v, _, _ := strings.Cut(strings.TrimPrefix(line, "Exim version "), " ")
			fmt.Fprintf(&b, "# version: %s\n", v)
		}
		for _, p := range []string{"Authenticators:", "Routers:", "Transports:", "Support for:"} {
			if strings.HasPrefix(line, p) {
				fmt.Fprintf(&b, "# %s\n", line)
			}
		}
	}
	for _, l := range out {
		b.WriteString(l + "\n")
	}
	return b.Bytes(), nil
}

// instanceConfig returns a config defining one instance of drv (plus the
// smtp transport routers refer to) and the instance name; extra is one
// more option line for the instance.
func instanceConfig(typ, drv, extra string) (string, string) {
	inst := typ[:1] + "_" + drv
	var b strings.Builder
	if typ == "router" {
		b.WriteString("begin routers\n")
	}
	if typ == "transport" || typ == "router" {
		if typ == "router" {
			defer b.WriteString("begin transports\nt_smtp:\n  driver = smtp\n")
		} else {
			b.WriteString("begin transports\n")
		}
	}
	if typ == "authenticator" {
		b.WriteString("begin authenticators\n")
	}
	fmt.Fprintf(&b, "%s:\n  driver = %s\n", inst, drv)
	if typ == "authenticator" {
		fmt.Fprintf(&b, "  public_name = X%s\n", strings.ToUpper(drv))
	}
	for _, o := range instanceOptions[typ+"/"+drv] {
		fmt.Fprintf(&b, "  %s\n", o)
	}
	if extra != "" {
		fmt.Fprintf(&b, "  %s\n", extra)
	}
	return b.String(), inst
}

// parseListing reads -bP output: "name = value" or a bare (no_)name for
// booleans.
func parseListing(s string) map[string]bool {
	shown := map[string]bool{}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if name, _, ok := strings.Cut(line, " ="); ok {
			shown[name] = false
			continue
		}
		shown[strings.TrimPrefix(line, "no_")] = true
	}
	return shown
}

// probeBool tells a hidden option's type: Exim accepts no_name only for
// booleans.
func probeBool(bin, dir, conf string) bool {
	_, err := runConf(bin, dir, conf, "-bV")
	return err == nil
}

func runConf(bin, dir, conf string, args ...string) (string, error) {
	p := filepath.Join(dir, "probe.conf")
	if err := os.WriteFile(p, []byte(conf), 0o644); err != nil {
		return "", err
	}
	return run(bin, append([]string{"-C", p}, args...)...)
}

func run(bin string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}
