package exim

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
)

const parserTestdata = "../../testdata/exim/parser"

// eximCorpusRoot is ../shared/corpus/exim when present ("" otherwise):
// the fuzz seeds use it when it is there but do not need it.
func eximCorpusRoot() string {
	shared := os.Getenv(testenv.SharedEnv)
	if shared == "" {
		shared = filepath.Join(testenv.RepoRoot(), "..", "shared")
	}
	dir := filepath.Join(shared, "corpus", "exim")
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return ""
	}
	return dir
}

func addSeeds(f *testing.F) {
	for _, root := range []string{parserTestdata, eximCorpusRoot()} {
		if root == "" {
			continue
		}
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() && !strings.HasSuffix(p, ".json") {
				if b, err := os.ReadFile(p); err == nil {
					f.Add(b)
				}
			}
			return nil
		})
	}
	for _, s := range []string{
		"", "\n", "\\", "\\\n\n x", "begin routers\nr:\n driver = accept\n", "A = B\nB = AA\nC = BBBB\nx = C\n",
		"A = AA\nB = A\n", ".ifdef A\n.elifndef B\n.else\n.endif\n", ".include x\n", "x = \"\\", "x = \"a\\x\"",
		"hide domainlist a = \"b\"\n", "begin acl\nA = 1\nacl:\n accept\n", "\x00\xff\r\n", "@AUTH@\n%RETRYBLOCK%\n",
		"dc_smarthost='a::587'\nX=\"y\\\"\" # c\n",
	} {
		f.Add([]byte(s))
	}
}

// FuzzParse: no panic, no hang (macros that grow lines are capped),
// positions within their files, includes (of the input itself, so loops
// happen) bounded.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		read := func(p string) ([]byte, error) {
			switch p {
			case "/etc/self.conf", "/etc/exim.conf":
				return src, nil
			case "/etc/half.conf":
				return src[:len(src)/2], nil
			}
			return nil, fs.ErrNotExist
		}
		c, err := Parse("/etc/exim.conf", src, Options{ReadFile: read, MaxLine: 1 << 16, Defines: map[string]string{"DEF": "d"}})
		if err != nil {
			t.Fatal(err)
		}
		checkPositions(t, c)
		for _, e := range c.Errors {
			if e.Error() == "" || e.Code == "" {
				t.Fatalf("error %+v", e)
			}
		}
		// the other entry points
		l := ParseCpanelLocal("/etc/exim.conf.local", src)
		for _, b := range l.Blocks {
			if b.Start > b.End || b.End > len(src) {
				t.Fatalf("block %+v", b)
			}
			if bc := l.ParseBlock(b, Options{MaxLine: 1 << 16}); bc != nil {
				checkPositions(t, bc)
			}
		}
		ParseCpanelLocalOpts("x", src)
		d := ParseDebianConf("/etc/exim4/update-exim4.conf.conf", src)
		for _, v := range d.Vars {
			if f, a, b := v.Value.Span(0, len(v.Value.S)); f != "" && (a < 0 || b > len(src) || a > b) {
				t.Fatalf("var span %d-%d", a, b)
			}
		}
		d.Macros("")
	})
}
