package sendmail

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestParseMakemap(t *testing.T) {
	tests := []struct {
		name, src string
		key       string
		tags      string // tag letters and separators of the tokens
		data      []string
		problem   ProblemKind
	}{
		// RULES.md §7 tricky-but-valid AuthInfo values.
		{name: "base64 password", src: "AuthInfo:smtp.x \"U:u\" \"P=c2VjcmV0\"\n", key: "AuthInfo:smtp.x", tags: "U:P=", data: []string{"u", "c2VjcmV0"}},
		{name: "I instead of U", src: "AuthInfo:smtp.x \"I:id\" \"P:pw\"\n", key: "AuthInfo:smtp.x", tags: "I:P:", data: []string{"id", "pw"}},
		{name: "mechanism list", src: "AuthInfo:smtp.x \"U:u\" \"P:pw\" \"M:PLAIN LOGIN\"\n", key: "AuthInfo:smtp.x", tags: "U:P:M:", data: []string{"u", "pw", "PLAIN LOGIN"}},
		{name: "default key", src: "AuthInfo: \"U:u\" \"P:pw\"\n", key: "AuthInfo:", tags: "U:P:", data: []string{"u", "pw"}},
		{name: "address key", src: "AuthInfo:192.0.2.10 \"U:u\" \"P:pw\"\n", key: "AuthInfo:192.0.2.10", tags: "U:P:", data: []string{"u", "pw"}},
		{name: "comment and blank", src: "# c\n\nAuthInfo:h \"U:u\" \"P:pw\"\n", key: "AuthInfo:h", tags: "U:P:", data: []string{"u", "pw"}},
		{name: "CR kept after quote", src: "AuthInfo:h \"U:u\" \"P:pw\"\r\n", key: "AuthInfo:h", tags: "U:P:", data: []string{"u", "pw"}},
		{name: "unquoted", src: "AuthInfo:h U:u P:pw\n", key: "AuthInfo:h", tags: "U:P:", data: []string{"u", "pw"}},
		{name: "access entry", src: "TLS_Srv:smtp.x\tENCR:112\n", key: "TLS_Srv:smtp.x", data: []string{"ENCR:112"}},
		// makemap errors.
		{name: "leading space", src: "  AuthInfo:h \"U:u\"\n", problem: LeadingSpace},
		{name: "whitespace-only line", src: " \n", problem: LeadingSpace},
		{name: "no value", src: "AuthInfo:h\n", problem: NoValue},
		{name: "binary", src: "\x00\x06\x15\x61", problem: Binary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mm, err := ParseMakemap("authinfo", []byte(tt.src))
			if tt.problem != 0 {
				if err == nil || mm.Problems[0].Kind != tt.problem {
					t.Fatalf("problems %+v; want %d", mm.Problems, tt.problem)
				}
				return
			}
			if err != nil || len(mm.Entries) != 1 {
				t.Fatalf("err %v entries %+v", err, mm.Entries)
			}
			e := mm.Entries[0]
			if e.Key != tt.key {
				t.Errorf("key %q", e.Key)
			}
			var tags strings.Builder
			var data []string
			for _, tok := range e.Tokens {
				if tok.Tag != 0 {
					tags.WriteByte(tok.Tag)
					tags.WriteByte(tok.Sep)
				}
				data = append(data, strings.TrimRight(tok.Data, "\r"))
				if tt.src[tok.DataStart:tok.DataEnd] != tok.Data {
					t.Errorf("data span %q != %q", tt.src[tok.DataStart:tok.DataEnd], tok.Data)
				}
			}
			if tags.String() != tt.tags || strings.Join(data, "|") != strings.Join(tt.data, "|") {
				t.Errorf("tags %q data %q, want %q %q", tags.String(), data, tt.tags, tt.data)
			}
		})
	}
}

func TestMakemapKeepsCR(t *testing.T) {
	mm, _ := ParseMakemap("a", []byte("k v\r\n"))
	if mm.Entries[0].Value != "v\r" {
		t.Errorf("value %q: makemap keeps the CR", mm.Entries[0].Value)
	}
}

// TestMakemapScannerMatchesGrammar compares the fast scanner with the
// participle grammar on the table inputs and some edge cases (the fuzz
// test does the same on random input).
func TestMakemapScannerMatchesGrammar(t *testing.T) {
	for _, src := range []string{
		"", "\n", "#c", "k v", "k\tv\r\n", " k v\n", "\r\n", "k\n", "k \n", "AuthInfo:h \"U:u\" \"P:p\"\r\n",
		"AuthInfo:h \"U:u\"\"P:p\"", "AuthInfo:h \"M:PLAIN LOGIN", "a b\n\n# c\n\td\ne\xff f\n", "k \"\"",
	} {
		a, aerr := scanMakemap("m", []byte(src))
		b, berr := parseMakemapGrammar("m", []byte(src))
		if !reflect.DeepEqual(a, b) || fmt.Sprint(aerr) != fmt.Sprint(berr) {
			t.Errorf("%q:\n scanner %+v %v\n grammar %+v %v", src, a, aerr, b, berr)
		}
	}
}
