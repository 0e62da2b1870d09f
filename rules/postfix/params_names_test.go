package postfix

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smarthost-lint/smarthost-lint/internal/testenv"
	"github.com/smarthost-lint/smarthost-lint/lint"
	pf "github.com/smarthost-lint/smarthost-lint/parsers/postfix"
)

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"relayhost", "relayhost", 0},
		{"relay_host", "relayhost", 1},
		{"smtp_tls_security_levle", "smtp_tls_security_level", 1}, // transposition
		{"sender_dependant_relayhost_maps", "sender_dependent_relayhost_maps", 1},
		{"abc", "xyz", 3},
		{"", "abc", 3},
	} {
		if got := editDistance(tc.a, tc.b, 10); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
	if got := editDistance("abcdef", "uvwxyz", 2); got != 3 {
		t.Errorf("early exit: got %d, want max+1 = 3", got)
	}
}

func TestSuggestions(t *testing.T) {
	n := namesOf(&Setup{})
	for _, tc := range []struct {
		name string
		want []string
	}{
		// The typical typos of RULES.md PF023.
		{"smtp_sasl_auth_enabled", []string{"smtp_sasl_auth_enable"}},
		{"smtp_sasl_password_map", []string{"smtp_sasl_password_maps"}},
		{"smtp_sasl_security_option", []string{"smtp_sasl_security_options"}},
		{"smtp_tls_security_levels", []string{"smtp_tls_security_level"}},
		{"relay_host", []string{"relayhost"}},
		{"sender_dependant_relayhost_maps", []string{"sender_dependent_relayhost_maps"}},
		{"Relayhost", []string{"relayhost"}},
		{"SMTP_SASL_AUTH_ENABLE", []string{"smtp_sasl_auth_enable"}},
		{"my_own_setting", nil},
	} {
		if got := n.suggestions(tc.name); !slices.Equal(got, tc.want) {
			t.Errorf("suggestions(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestParamRefs(t *testing.T) {
	type ref struct {
		name string
		cond bool
	}
	for _, tc := range []struct {
		in   string
		want []ref
	}{
		{"$myhostname", []ref{{"myhostname", false}}},
		{"hash:${config_directory}/x $(queue_directory)", []ref{{"config_directory", false}, {"queue_directory", false}}},
		{"$$literal", nil},
		{"${use_tls?{encrypt}:{$fallback}}", []ref{{"use_tls", true}, {"fallback", false}}},
		{"${x:default}", []ref{{"x", true}}},
		{"${{$compatibility_level} <level {3.6} ? {no} : {yes}}", []ref{{"compatibility_level", false}}},
	} {
		var got []ref
		paramRefs(tc.in, func(name string, i, j int, cond bool) {
			if tc.in[i:j] != name {
				t.Errorf("%q: offsets [%d,%d) give %q, not %q", tc.in, i, j, tc.in[i:j], name)
			}
			got = append(got, ref{name, cond})
		})
		if !slices.Equal(got, tc.want) {
			t.Errorf("paramRefs(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestIndentedAssignment(t *testing.T) {
	for _, tc := range []struct {
		line         string
		name         string
		spaced, isOK bool
	}{
		{"  smtp_sasl_auth_enable = yes", "smtp_sasl_auth_enable", true, true},
		{"\tbar=1", "bar", false, true},
		{"  submission=587", "submission", false, true},
		{"  [b.example]:587", "", false, false},
		{"relayhost = x", "", false, false},
		{"  reject_unauth_pipelining", "", false, false},
	} {
		lo, hi, spaced, ok := indentedAssignment(tc.line)
		if ok != tc.isOK || (ok && (tc.line[lo:hi] != tc.name || spaced != tc.spaced)) {
			t.Errorf("indentedAssignment(%q) = %d,%d,%v,%v", tc.line, lo, hi, spaced, ok)
		}
	}
}

// TestUnknownParamsMatchPostconf checks PF023 and PF027 against the real
// postconf 3.7.11 on every corpus main.cf: our "unknown parameter" names
// must be exactly the names postconf reports as "unused parameter" (for
// main.cf and for master.cf -o options), and our undefined $names those
// it reports as "undefined parameter".
func TestUnknownParamsMatchPostconf(t *testing.T) {
	script := testenv.OracleScript(t, "postfix-check.sh")
	corpus := testenv.Corpus(t, "postfix")
	dirs, _ := filepath.Glob(filepath.Join(corpus, "*", "main.cf"))
	if len(dirs) == 0 {
		t.Fatal("no corpus main.cf")
	}
	// The rule fixtures too: their expectations were written by hand.
	fixtures, _ := filepath.Glob("../../testdata/postfix/rules/PF02[037]/*/etc/postfix/main.cf")
	dirs = append(dirs, fixtures...)
	reg := lint.NewRegistry()
	reg.AddFrontend(Frontend{})
	reg.AddRules(unknownParamRule, undefinedRefRule)
	for _, mainCF := range dirs {
		dir := filepath.Dir(mainCF)
		name := filepath.Base(dir)
		if name == "postfix" {
			name = filepath.Base(filepath.Dir(filepath.Dir(dir)))
		}
		t.Run(name, func(t *testing.T) {
			var stderr bytes.Buffer
			cmd := exec.Command(script, dir)
			cmd.Stderr = &stderr
			_ = cmd.Run() // exit 3 = warnings
			want := map[string][]string{}
			sc := bufio.NewScanner(&stderr)
			for sc.Scan() {
				// postconf: warning: main.cf: unused parameter: name=value
				// postconf: warning: master.cf: undefined parameter: name
				file := "main.cf"
				if strings.Contains(sc.Text(), "master.cf:") {
					file = "master.cf"
				}
				if _, rest, ok := strings.Cut(sc.Text(), "unused parameter: "); ok {
					name, _, _ := strings.Cut(rest, "=")
					want["PF023 "+file] = append(want["PF023 "+file], name)
				}
				if _, name, ok := strings.Cut(sc.Text(), "undefined parameter: "); ok {
					want["PF027 "+file] = append(want["PF027 "+file], name)
				}
			}
			// main.cf loads the master.cf beside it.
			res, err := lint.Run(lint.Options{Registry: reg}, []string{mainCF})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]string{}
			for _, f := range res.Findings {
				src, err := os.ReadFile(f.Path)
				if err != nil {
					t.Fatal(err)
				}
				file := lint.NewFile(f.Path, "", src)
				start := file.Offset(f.Start)
				end := file.Offset(f.End)
				key := f.Rule + " " + filepath.Base(f.Path)
				if name := string(src[start:end]); !slices.Contains(got[key], name) {
					got[key] = append(got[key], name)
				}
			}
			for _, key := range []string{"PF023 main.cf", "PF023 master.cf", "PF027 main.cf", "PF027 master.cf"} {
				g, w := slices.Sorted(slices.Values(got[key])), slices.Sorted(slices.Values(want[key]))
				if !slices.Equal(g, w) {
					t.Errorf("%s: our names %v, postconf's %v", key, g, w)
				}
			}
		})
	}
}

func TestStaleCompiled(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	at := func(ago string) time.Time {
		d, err := time.ParseDuration(ago)
		if err != nil {
			t.Fatal(err)
		}
		return now.Add(-d)
	}
	for _, tc := range []struct {
		src, db string
		want    bool
	}{
		{"2h", "1h", false},    // built after the edit
		{"1h", "1h", false},    // same second
		{"10m", "3h", true},    // edited long after the build, long ago
		{"30s", "1h", true},    // just edited, but the table is an hour older
		{"40s", "90s", false},  // edit and postmap within the grace period
		{"200s", "250s", true}, // Postfix's own warning: source older than 100 s
	} {
		if got := staleCompiled(at(tc.src), at(tc.db), now); got != tc.want {
			t.Errorf("source %s ago, table %s ago: stale = %v, want %v", tc.src, tc.db, got, tc.want)
		}
	}
}

func TestNeedsFold(t *testing.T) {
	for _, tc := range []struct {
		key  string
		want foldKind
	}{
		{"[smtp.relay-provider.net]:587", foldNone},
		{"@customer-shop.de", foldNone},
		{"[SMTP.relay-provider.net]:587", foldASCII},
		{"abcdefghZ", foldASCII},
		{"abcdefgh@[]`{~", foldNone}, // bytes next to the letter ranges
		{"straße@example.de", foldUnicode},
		{"STRASSE", foldASCII},
	} {
		if got := needsFold(tc.key); got != tc.want {
			t.Errorf("needsFold(%q) = %v, want %v", tc.key, got, tc.want)
		}
	}
}

// TestDuplicateKeysMatchesTable checks the hash-sort search against the
// parser's map-based Table.Duplicates on tables with case variants,
// Unicode keys and repeated keys, small and large.
func TestDuplicateKeysMatchesTable(t *testing.T) {
	var b strings.Builder
	for i := range 70000 { // above the bucket-sort threshold
		switch i % 7 {
		case 0:
			b.WriteString("host" + strconv.Itoa(i) + ".example value\n")
		case 1:
			b.WriteString("HOST" + strconv.Itoa(i-1) + ".EXAMPLE other\n")
		case 2:
			b.WriteString("straße" + strconv.Itoa(i%50) + " v\n")
		case 3:
			b.WriteString("STRASSE" + strconv.Itoa(i%50) + " w\n")
		default:
			b.WriteString("@domain" + strconv.Itoa(i%1000) + ".de value\n")
		}
	}
	for _, src := range []string{"a x\nA y\nb z\na w\n", "", "only one\n", b.String()} {
		tbl, _ := pf.ParseTable("t", []byte(src))
		got := duplicateKeys(tbl.Entries)
		want := tbl.Duplicates()
		if len(got) != len(want) {
			t.Fatalf("%d duplicates, Table.Duplicates has %d", len(got), len(want))
		}
		for i := range got {
			if got[i].Dup != want[i].Dup || got[i].First != want[i].First {
				t.Fatalf("duplicate %d: got %s (first %s), want %s (first %s)", i, got[i].Dup.Key, got[i].First.Key, want[i].Dup.Key, want[i].First.Key)
			}
		}
	}
}
