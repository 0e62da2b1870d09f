package postfix

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
)

// TestCorpus parses every file of the shared real-world corpus with the
// parser for its kind: main.cf files without fatal problems, master.cf
// files too (except docker-mailserver's postfix-master.cf, which is
// `postconf -P` input, not master.cf), tables with both table parsers
// agreeing.
func TestCorpus(t *testing.T) {
	root := testenv.Corpus(t, "postfix")
	files := corpusFiles(t)
	if len(files) == 0 {
		t.Fatal("empty corpus")
	}
	counts := map[fileKind]int{}
	for _, f := range files {
		src := readFile(t, f)
		name, _ := filepath.Rel(root, f)
		k := kindOf(f)
		counts[k]++
		t.Run(name, func(t *testing.T) {
			switch k {
			case kindMain:
				m, err := ParseMain(name, src)
				checkMain(t, string(src), m, err)
				if err != nil {
					t.Errorf("fatal: %v", err)
				}
				if len(m.Params()) == 0 {
					t.Error("no parameters")
				}
				for _, p := range m.Problems {
					t.Logf("problem: %v", p)
				}
			case kindMaster:
				m, err := ParseMaster(name, src)
				checkMaster(t, string(src), m, err)
				if filepath.Base(f) == "postfix-master.cf" {
					if err == nil {
						t.Error("postconf -P input parsed as master.cf without a fatal problem")
					}
					return
				}
				if err != nil {
					t.Errorf("fatal: %v", err)
				}
				if len(m.Services) == 0 {
					t.Error("no services")
				}
				for _, p := range m.Problems {
					t.Logf("problem: %v", p)
				}
			default:
				tab := parseBoth(t, name, src)
				checkTable(t, string(src), tab)
				t.Logf("%d entries (postfix-src's samples are all comments)", len(tab.Entries))
				for _, p := range tab.Problems {
					t.Logf("problem: %v", p)
				}
			}
		})
	}
	t.Logf("%d main.cf, %d master.cf, %d table files", counts[kindMain], counts[kindMaster], counts[kindTable])
}

// TestCorpusDetails pins a few facts about known corpus files.
func TestCorpusDetails(t *testing.T) {
	root := testenv.Corpus(t, "postfix") + "/"
	tab, _ := ParseTable("relaymap", readFile(t, root+"docker-mailserver/relay-hosts/postfix-relaymap.cf"))
	if len(tab.Entries) != 1 || len(tab.Problems) != 1 || !strings.HasPrefix(tab.Problems[0].Msg, msgFormat) || tab.Problems[0].Pos.Line != 2 {
		t.Errorf("postfix-relaymap.cf: %q %v", entriesOf(tab), tab.Problems)
	}
	m, _ := ParseMain("postfix-main.cf", readFile(t, root+"docker-mailserver/override-configs/postfix-main.cf"))
	if v, _ := m.Get("max_idle"); v != "600s" || len(m.Comments) != 3 {
		t.Errorf("postfix-main.cf: %v %d comments", mainValues(m), len(m.Comments))
	}
	ms, err := ParseMaster("postfix-master.cf", readFile(t, root+"docker-mailserver/override-configs/postfix-master.cf"))
	if err == nil || len(ms.Services) != 0 {
		t.Errorf("postfix-master.cf: %v", err)
	}
}
