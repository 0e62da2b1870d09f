package postfix

import (
	"bytes"
	"io/fs"
	"path"
	"strconv"
	"testing"
	"time"

	"github.com/smarthost-lint/smarthost-lint/lint"
	pf "github.com/smarthost-lint/smarthost-lint/parsers/postfix"
	"github.com/smarthost-lint/smarthost-lint/rules/gen"
)

// memFS is an in-memory lint.FileSystem for benchmarks: no disk I/O, so
// the numbers measure the linter.
type memFS map[string]memFile

type memFile struct {
	data []byte
	info lint.FileInfo
}

func (m memFS) ReadFile(p string, limit int64) ([]byte, error) {
	f, ok := m[path.Clean(p)]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
	}
	return f.data, nil
}

func (m memFS) Stat(p string) (*lint.FileInfo, error) {
	f, ok := m[path.Clean(p)]
	if !ok {
		return nil, &fs.PathError{Op: "stat", Path: p, Err: fs.ErrNotExist}
	}
	info := f.info
	return &info, nil
}

func (m memFS) ReadDir(string) ([]fs.DirEntry, error) { return nil, fs.ErrNotExist }
func (m memFS) LookupUser(string) (int, int, bool)    { return 0, 0, false }
func (m memFS) LookupGroup(name string) (int, bool)   { return 0, name == "root" }

// hugeSaslPasswd returns a sasl_passwd with n entries of 76 bytes each
// (1,000,000 entries: 76 MB) and a main.cf that uses it.
func hugeSaslPasswd(n int) (mainCF, table []byte) {
	var b bytes.Buffer
	b.Grow(n * 76)
	for i := range n {
		// [smtp0000001.relay-provider.net]:587 u0000001@shop-domain.org:Pw0000001xyzA
		id := strconv.Itoa(1e7 + i)[1:]
		b.WriteString("[smtp" + id + ".relay-provider.net]:587 u" + id + "@shop-domain.org:Pw" + id + "xyzA\n")
	}
	mainCF = []byte(`relayhost = [smtp0000000.relay-provider.net]:587
smtp_sasl_auth_enable = yes
smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd
smtp_sasl_security_options = noanonymous
smtp_tls_security_level = encrypt
`)
	return mainCF, b.Bytes()
}

func benchFS(mainCF, table []byte, now time.Time) memFS {
	old := now.Add(-time.Hour)
	return memFS{
		"/etc/postfix/main.cf":        {mainCF, lint.FileInfo{Mode: 0o644, ModTime: old, Size: int64(len(mainCF))}},
		"/etc/postfix/sasl_passwd":    {table, lint.FileInfo{Mode: 0o600, ModTime: old, Size: int64(len(table))}},
		"/etc/postfix/sasl_passwd.db": {nil, lint.FileInfo{Mode: 0o600, ModTime: now.Add(-time.Minute)}},
	}
}

func benchRegistry() *lint.Registry {
	reg := lint.NewRegistry()
	reg.AddRules(lint.EngineRules...)
	reg.AddRules(gen.Rules...)
	reg.AddFrontend(Frontend{})
	reg.AddRules(Rules...)
	return reg
}

// BenchmarkLintHugeSaslPasswd lints a main.cf with a 1,000,000-entry
// sasl_passwd (76 MB) end to end: reading, parsing, the model and every
// rule. SPEC §9: at least as fast as postmap builds the table.
func BenchmarkLintHugeSaslPasswd(b *testing.B) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	mainCF, table := hugeSaslPasswd(1_000_000)
	opts := lint.Options{Registry: benchRegistry(), FS: benchFS(mainCF, table, now), Now: func() time.Time { return now }, MaxSize: 1 << 30}
	b.SetBytes(int64(len(table)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := lint.Run(opts, []string{"/etc/postfix/main.cf"})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Findings) != 0 {
			b.Fatalf("want a clean run, got %d findings, first: %+v", len(res.Findings), res.Findings[0])
		}
	}
}

// BenchmarkHugeSaslPasswdRules times each rule alone on the loaded unit,
// to find the slow one.
func BenchmarkHugeSaslPasswdRules(b *testing.B) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	mainCF, table := hugeSaslPasswd(1_000_000)
	reg := benchRegistry()
	rules := []*lint.Rule{nil} // nil: loading and parsing only, the baseline
	rules = append(rules, reg.Rules()...)
	for _, r := range rules {
		if r != nil && r.Check == nil {
			continue
		}
		name := "load-only"
		if r != nil {
			name = r.ID
		}
		b.Run(name, func(b *testing.B) {
			one := lint.NewRegistry()
			one.AddFrontend(Frontend{})
			if r != nil {
				one.AddRules(r)
			}
			opts := lint.Options{Registry: one, FS: benchFS(mainCF, table, now), Now: func() time.Time { return now }, MaxSize: 1 << 30}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := lint.Run(opts, []string{"/etc/postfix/main.cf"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestHugeSaslPasswdShape(t *testing.T) {
	_, table := hugeSaslPasswd(10)
	if got := len(table) / 10; got != 76 {
		t.Fatalf("entry length %d, want 76", got)
	}
}

// BenchmarkDuplicateKeys compares PF032's hash-sort duplicate search with
// a map of every key (Table.Duplicates) on a parsed 1,000,000-entry table.
func BenchmarkDuplicateKeys(b *testing.B) {
	_, table := hugeSaslPasswd(1_000_000)
	t, _ := pf.ParseTable("sasl_passwd", table)
	b.Run("radix", func(b *testing.B) {
		for b.Loop() {
			if d := duplicateKeys(t.Entries); len(d) != 0 {
				b.Fatal(len(d))
			}
		}
	})
	b.Run("map", func(b *testing.B) {
		for b.Loop() {
			if d := t.Duplicates(); len(d) != 0 {
				b.Fatal(len(d))
			}
		}
	})
}
