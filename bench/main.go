// Command bench measures smarthost-lint side by side with the real MTA tools
// on the same machine, in one run:
//
//	(a) linting a generated 1,000,000-entry sasl_passwd (about 76 MB)
//	    against `postmap hash:` building it;
//	(b) linting each corpus main.cf against `postconf -c DIR -n`;
//	(c) linting the ~3,300-line cPanel exim.conf of the corpus against
//	    `exim -bV -C` on the same file.
//
// It reports median wall time over -n runs, the ratio, and peak RSS of each
// process. Run it from the repository root after
// `sudo bash ../shared/oracles/setup.sh`:
//
//	go run ./bench [-n 5] [-entries 1000000] [-shared ../shared]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	runs := flag.Int("n", 5, "runs per measurement (median reported)")
	entries := flag.Int("entries", 1_000_000, "entries in the generated sasl_passwd")
	shared := flag.String("shared", "../shared", "shared directory (corpus)")
	skipHuge := flag.Bool("skip-huge", false, "skip (a), the million-entry table")
	oracles := flag.String("oracles", "/opt/mta-oracles/bin", "directory with the postconf and postmap wrappers")
	eximBin := flag.String("exim", "/opt/mta-oracles/exim/usr/sbin/exim4", "the real exim binary")
	flag.Parse()
	log.SetFlags(0)

	work, err := os.MkdirTemp("", "smarthost-lint-bench")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(work)

	bin := filepath.Join(work, "smarthost-lint")
	// A static binary (no cgo: pflag and qmail import net) starts about
	// 0.7 ms sooner, which matters next to exim -bV's 5–7 ms.
	build := exec.Command("go", "build", "-o", bin, "./cmd/smarthost-lint")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		log.Fatalf("build: %v", err)
	}
	postmap := filepath.Join(*oracles, "postmap")
	postconf := filepath.Join(*oracles, "postconf")
	for _, p := range []string{postmap, postconf} {
		if _, err := os.Stat(p); err != nil {
			log.Fatalf("%s missing: run `sudo bash ../shared/oracles/setup.sh` first", p)
		}
	}

	fmt.Printf("smarthost-lint benchmark, %d runs each, median wall time, peak RSS\n\n", *runs)

	if !*skipHuge {
		huge(work, *runs, *entries, bin, postmap)
	}
	corpus(work, *runs, *shared, bin, postconf)
	eximCpanel(work, *runs, *shared, bin, *eximBin)
}

// huge is (a): the million-entry credential table against postmap.
func huge(work string, runs, entries int, bin, postmap string) {
	dir := filepath.Join(work, "huge")
	must(os.MkdirAll(dir, 0o755))
	src := filepath.Join(dir, "sasl_passwd")
	size := generate(src, entries)
	fmt.Printf("(a) sasl_passwd with %d entries (%.1f MB)\n", entries, float64(size)/1e6)
	lint := measure(runs, nil, bin, "-q", "--max-size", "1G", "--fail-level", "none", "--type", "postfix-map", src)
	// postmap needs a main.cf; an empty one gives the defaults. Postfix
	// naps on files younger than a second (oracles/README.md): back-date it.
	pfconf := filepath.Join(work, "postfix-conf")
	must(os.MkdirAll(pfconf, 0o755))
	must(os.WriteFile(filepath.Join(pfconf, "main.cf"), nil, 0o644))
	old := time.Now().Add(-time.Minute)
	must(os.Chtimes(filepath.Join(pfconf, "main.cf"), old, old))
	pm := measure(runs, func() { os.Remove(src + ".db") }, postmap, "-c", pfconf, "hash:"+src)
	report("smarthost-lint (map alone)", lint, "postmap hash:", pm)
	main := filepath.Join(dir, "main.cf")
	must(os.WriteFile(main, []byte("relayhost = [smtp0.relay.test]:587\nsmtp_sasl_auth_enable = yes\nsmtp_sasl_password_maps = hash:"+src+"\nsmtp_sasl_security_options = noanonymous\nsmtp_tls_security_level = encrypt\n"), 0o644))
	lintMain := measure(runs, nil, bin, "-q", "--max-size", "1G", "--fail-level", "none", main)
	report("smarthost-lint (main.cf + map)", lintMain, "postmap hash:", pm)
	fmt.Printf("    target: smarthost-lint <= 0.10 x postmap\n\n")
}

// corpus is (b): every corpus main.cf (with its master.cf) against
// postconf -n.
func corpus(work string, runs int, shared, bin, postconf string) {
	mains, _ := filepath.Glob(filepath.Join(shared, "corpus/postfix/*/main.cf"))
	fmt.Printf("(b) corpus main.cf files: %d\n", len(mains))
	var worst float64
	for _, m := range mains {
		d := filepath.Join(work, "pf-"+filepath.Base(filepath.Dir(m)))
		must(os.MkdirAll(d, 0o755))
		copyFile(m, filepath.Join(d, "main.cf"))
		master := filepath.Join(filepath.Dir(m), "master.cf")
		if _, err := os.Stat(master); err == nil {
			copyFile(master, filepath.Join(d, "master.cf"))
		} else {
			must(os.WriteFile(filepath.Join(d, "master.cf"), nil, 0o644))
		}
		// Postfix naps on files younger than a second (oracles/README.md).
		old := time.Now().Add(-time.Minute)
		os.Chtimes(filepath.Join(d, "main.cf"), old, old)
		os.Chtimes(filepath.Join(d, "master.cf"), old, old)
		// Interleave the two commands so both see the same machine load.
		var ls, pcs []result
		for range runs {
			ls = append(ls, measure(1, nil, bin, "-q", "--fail-level", "none", filepath.Join(d, "main.cf")))
			pcs = append(pcs, measure(1, nil, postconf, "-c", d, "-n"))
		}
		l, pc := median(ls), median(pcs)
		r := report(filepath.Base(filepath.Dir(m)), l, "postconf -n", pc)
		worst = max(worst, r)
	}
	fmt.Printf("    worst ratio %.2f (target: < 1, faster than postconf)\n", worst)
}

// lightBuild neutralises the lines of a cPanel exim.conf that Debian's
// exim4-daemon-light 4.96 (no Perl, no spam/SPF scanners, no dovecot
// authenticator, GnuTLS) or a machine without cPanel's users rejects, so
// that `exim -bV` reads as much of the file as it can. Each is a single
// physical line outside any continuation.
var lightBuild = []struct{ re, repl string }{
	{`(?m)^(openssl_options|spamd_address|perl_startup|perl_at_start|system_filter_user|system_filter_group)\b`, "#$1"},
	{`(?m)^(\s*)(spam\s*=|!?spf\s*=|server_socket|user = mailnull)`, "$1#$2"},
	{`(?m)driver = dovecot$`, "driver = plaintext"},
}

// eximCpanel is (c): the corpus cPanel exim.conf against exim -bV. Exim
// stops at its first error, so it is also run on a copy with the lines the
// light build cannot read neutralised (see lightBuild); it reports how far
// into the file each run got.
func eximCpanel(work string, runs int, shared, bin, exim string) {
	src := filepath.Join(shared, "corpus/exim/cpanel-exim-forwarding/exim.conf")
	if _, err := os.Stat(exim); err != nil {
		log.Fatalf("%s missing: run `sudo bash ../shared/oracles/setup.sh` first", exim)
	}
	b, err := os.ReadFile(src)
	must(err)
	fmt.Printf("\n(c) cPanel exim.conf (%d lines)\n", strings.Count(string(b), "\n"))
	orig := filepath.Join(work, "exim.conf")
	must(os.WriteFile(orig, b, 0o644))
	light := string(b)
	for _, n := range lightBuild {
		light = regexp.MustCompile(n.re).ReplaceAllString(light, n.repl)
	}
	must(os.MkdirAll(filepath.Join(work, "light"), 0o755))
	copyPath := filepath.Join(work, "light", "exim.conf")
	must(os.WriteFile(copyPath, []byte(light), 0o644))
	for _, c := range []struct{ name, path string }{{"as stored", orig}, {"light-build copy", copyPath}} {
		var ls, es []result
		for range runs {
			ls = append(ls, measure(1, nil, bin, "-q", "--fail-level", "none", "--no-follow", c.path))
			es = append(es, measureAllowFail(exim, "-bV", "-C", c.path))
		}
		out, err := exec.Command(exim, "-bV", "-C", c.path).CombinedOutput()
		stop := "accepts the file"
		if m := regexp.MustCompile(`error in line (\d+)`).FindSubmatch(out); m != nil {
			stop = "stops at line " + string(m[1])
		} else if err != nil {
			// An error without a line: a driver's settings checked after
			// its section was read.
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			stop = "reads the file, then fails: " + strings.TrimSpace(lines[len(lines)-1])
		}
		fmt.Printf("    %s: exim -bV %s\n", c.name, stop)
		report("smarthost-lint", median(ls), "exim -bV", median(es))
	}
	fmt.Printf("    target: smarthost-lint <= exim -bV (ratio <= 1)\n")
}

// measureAllowFail is measure for a command whose non-zero exit is part
// of the measurement (exim -bV rejecting a config).
func measureAllowFail(name string, args ...string) result {
	cmd := exec.Command(name, args...)
	start := time.Now()
	_ = cmd.Run()
	wall := time.Since(start)
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss
	}
	return result{wall, rss}
}

type result struct {
	wall time.Duration
	rss  int64 // KiB
}

func measure(n int, before func(), name string, args ...string) result {
	var walls []time.Duration
	var rss int64
	for range n {
		if before != nil {
			before()
		}
		cmd := exec.Command(name, args...)
		var stderr strings.Builder
		cmd.Stdout, cmd.Stderr = nil, &stderr
		start := time.Now()
		err := cmd.Run()
		walls = append(walls, time.Since(start))
		if err != nil {
			log.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = max(rss, ru.Maxrss)
		}
	}
	slices.Sort(walls)
	return result{walls[len(walls)/2], rss}
}

// median returns the median wall time and the largest peak RSS.
func median(rs []result) result {
	walls := make([]time.Duration, len(rs))
	var rss int64
	for i, r := range rs {
		walls[i] = r.wall
		rss = max(rss, r.rss)
	}
	slices.Sort(walls)
	return result{walls[len(walls)/2], rss}
}

func report(name string, a result, otherName string, b result) float64 {
	ratio := float64(a.wall) / float64(b.wall)
	fmt.Printf("    %-32s %9s  %7.1f MB | %-14s %9s  %7.1f MB | ratio %.3f\n",
		name, a.wall.Round(time.Millisecond/10), float64(a.rss)/1024, otherName, b.wall.Round(time.Millisecond/10), float64(b.rss)/1024, ratio)
	return ratio
}

// generate writes n entries shaped like real sasl_passwd lines.
func generate(path string, n int) int64 {
	f, err := os.Create(path)
	must(err)
	w := bufio.NewWriterSize(f, 1<<20)
	for i := range n {
		fmt.Fprintf(w, "[smtp%d.relay.test]:587 user%06d@customer.test:%s%06d\n", i, i, strings.Repeat("s3cretpw", 2), i)
	}
	must(w.Flush())
	must(f.Chmod(0o600))
	must(f.Close())
	st, err := os.Stat(path)
	must(err)
	return st.Size()
}

func copyFile(from, to string) {
	b, err := os.ReadFile(from)
	must(err)
	must(os.WriteFile(to, b, 0o644))
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
