package qmail

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
)

// seedFiles lists the rule fixtures and, when ../shared is present, the
// qmail corpus. Fuzzing must not skip without the corpus, so this does
// not go through testenv.Corpus.
func seedFiles(t testing.TB) []string {
	dirs := []string{filepath.Join(testenv.RepoRoot(), "testdata", "qmail")}
	shared := os.Getenv(testenv.SharedEnv)
	if shared == "" {
		shared = filepath.Join(testenv.RepoRoot(), "..", "shared")
	}
	dirs = append(dirs, filepath.Join(shared, "corpus", "qmail"))
	var out []string
	for _, d := range dirs {
		filepath.WalkDir(d, func(p string, e os.DirEntry, err error) error {
			if err == nil && e.Type().IsRegular() && !strings.HasSuffix(p, ".md") {
				out = append(out, p)
			}
			return nil
		})
	}
	return out
}

func addSeeds(f *testing.F) {
	for _, p := range seedFiles(f) {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b, "foo.example.net")
		}
	}
	for _, s := range []string{"", "\n", ":", "::", "#:a", " #:a", "\x00:a", "a\x00:b", ":h:587\r\n", "a:b:c:d", ".a:b\na:c\n:d", "A:x\na:y"} {
		f.Add([]byte(s), "a")
	}
}

// refLookup is qmail-remote's route lookup written as directly as the C:
// control_readfile (strip trailing ' ', '\t', '\n'; skip empty lines, '#'
// and NUL-first lines; store each line NUL-terminated), constmap_init
// (split at NUL; records without ':' skipped; later records shadow
// earlier ones) and the loop in qmail-remote.c main.
func refLookup(src []byte, host string) (string, bool) {
	var stored []byte
	for _, line := range bytes.SplitAfter(src, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		for len(line) > 0 && (line[len(line)-1] == '\n' || line[len(line)-1] == ' ' || line[len(line)-1] == '\t') {
			line = line[:len(line)-1]
		}
		if len(line) > 0 && line[0] != 0 && line[0] != '#' {
			stored = append(append(stored, line...), 0)
		}
	}
	type entry struct{ key, value string }
	var entries []entry
	for _, rec := range bytes.Split(stored, []byte{0}) {
		k := bytes.IndexByte(rec, ':')
		if k < 0 {
			continue
		}
		entries = append(entries, entry{string(rec[:k]), string(rec[k+1:])})
	}
	find := func(key string) (string, bool) {
		for i := len(entries) - 1; i >= 0; i-- {
			if asciiEqualFold(entries[i].key, key) {
				return entries[i].value, true
			}
		}
		return "", false
	}
	for i := 0; i <= len(host); i++ {
		if i == 0 || i == len(host) || host[i] == '.' {
			if v, ok := find(host[i:]); ok {
				return v, true
			}
		}
	}
	return "", false
}

func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// FuzzParseSmtproutes checks that parsing never panics, that every field
// carries its own source text, and that Lookup agrees with refLookup for
// the fuzzed host and for every key in the file (and a subdomain of it).
func FuzzParseSmtproutes(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte, host string) {
		s := ParseSmtproutes("smtproutes", src)
		text := string(src)
		check := func(fd *Field) {
			if fd == nil {
				return
			}
			if fd.Pos.Offset > fd.End.Offset || fd.End.Offset > len(text) || text[fd.Pos.Offset:fd.End.Offset] != fd.Text {
				t.Fatalf("field %q at %d-%d does not match the source", fd.Text, fd.Pos.Offset, fd.End.Offset)
			}
		}
		hosts := []string{host, "unrouted.invalid"}
		for _, r := range s.Routes {
			check(&r.Field)
			check(r.Key)
			check(r.Value)
			check(r.Relay.Host)
			if r.Relay.Port != nil {
				check(&r.Relay.Port.Field)
			}
			for _, c := range []*Credentials{r.Clegg, r.Pipe} {
				if c != nil {
					check(c.HostPort)
					check(c.User)
					check(c.Password)
				}
			}
			if text[r.Sep.Offset] != ':' {
				t.Fatalf("separator at %d is %q", r.Sep.Offset, text[r.Sep.Offset])
			}
			hosts = append(hosts, r.KeyText(), "x"+r.KeyText(), "x."+r.KeyText())
		}
		for _, h := range hosts {
			want, ok := refLookup(src, h)
			got := s.Lookup(h)
			if ok != (got != nil) {
				t.Fatalf("Lookup(%q) found=%v, reference found=%v", h, got != nil, ok)
			}
			if got != nil {
				v := ""
				if got.Value != nil {
					v = got.Value.Text
				}
				if v != want {
					t.Fatalf("Lookup(%q) = %q, reference %q", h, v, want)
				}
			}
		}
	})
}

// FuzzParseAuthsenders checks that parsing never panics and that every
// field (passwords included, which the frontend masks by these offsets)
// carries its own source text.
func FuzzParseAuthsenders(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte, _ string) {
		a := ParseAuthsenders("authsenders", src)
		text := string(src)
		for _, e := range append(append([]*AuthSender{}, a.Entries...), a.Ignored...) {
			for _, fd := range []*Field{&e.Field, e.Key, e.Value, e.Relay.Host} {
				if fd != nil && text[fd.Pos.Offset:fd.End.Offset] != fd.Text {
					t.Fatalf("field %q does not match the source", fd.Text)
				}
			}
			if e.Auth != nil && e.Auth.Password != nil {
				p := e.Auth.Password
				if text[p.Pos.Offset:p.End.Offset] != p.Text || strings.Contains(p.Text, "\n") {
					t.Fatalf("password field %q wrong", p.Text)
				}
			}
		}
	})
}
