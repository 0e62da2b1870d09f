package sendmail

import (
	"reflect"
	"testing"
)

func TestParseCF(t *testing.T) {
	src := "##### built by root@h on Thu\n#####  $Id: authinfo.m4,v 1.10 x $\nDS[smtp.x]\nD{name}val\nKauthinfo hash /etc/mail/authinfo\nO AuthMechanisms=LOGIN PLAIN\nOA/etc/aliases\nMrelay,\t\tP=[IPC], F=mDFMuXa8k, S=EnvFromSMTP/HdrFromSMTP,\n\t\tA=TCP $h 587\nMesmtp, P=[IPC], A=TCP $h\nCwlocalhost\nR$+\t$: $1\n"
	cf, err := ParseCF("sendmail.cf", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if cf.BuiltBy == "" || len(cf.IDs) != 1 || cf.IDs[0] != "authinfo.m4" {
		t.Errorf("headers: %q %v", cf.BuiltBy, cf.IDs)
	}
	if d := cf.Macro("S"); d == nil || d.Value != "[smtp.x]" || src[d.ValueStart:d.ValueStart+len(d.Value)] != d.Value {
		t.Errorf("DS = %+v", d)
	}
	if d := cf.Macro("name"); d == nil || d.Value != "val" {
		t.Errorf("D{name} = %+v", d)
	}
	if k := cf.Map("authinfo"); k == nil || k.Value != "hash /etc/mail/authinfo" {
		t.Errorf("K = %+v", k)
	}
	if o := cf.Option("AuthMechanisms"); o == nil || o.Value != "LOGIN PLAIN" || src[o.ValueStart:o.ValueStart+len(o.Value)] != o.Value {
		t.Errorf("O = %+v", o)
	}
	for _, tc := range []struct{ mailer, port string }{{"relay", "587"}, {"esmtp", "25"}} {
		m := cf.MailerNamed(tc.mailer)
		if m == nil {
			t.Fatalf("no mailer %s", tc.mailer)
		}
		if p, ok := m.Mailer.Port(); !ok || p != tc.port {
			t.Errorf("%s port %q %v", tc.mailer, p, ok)
		}
		a := m.Mailer.Fields["A"]
		if src[a.Start:a.End] != a.Value {
			t.Errorf("A= span %q != %q", src[a.Start:a.End], a.Value)
		}
	}
	// An empty DS is valid syntax (RULES.md §7).
	cf, err = ParseCF("x.cf", []byte("DS\n"))
	if err != nil || cf.Macro("S") == nil || cf.Macro("S").Value != "" {
		t.Errorf("empty DS: %v %+v", err, cf.Macro("S"))
	}
	// A line that is not a command is reported.
	cf, err = ParseCF("x.cf", []byte("DS[h]\n\xef\xbb\xbfDS\n"))
	if err == nil || cf.Problems[0].Kind != UnknownLine || cf.Problems[0].Line != 2 {
		t.Errorf("unknown line: %v %+v", err, cf.Problems)
	}
}

// compareCF checks the line scanner against the participle grammar.
func compareCF(t testing.TB, src string) {
	ref, err := cfParser().ParseString("sendmail.cf", src)
	if err != nil {
		t.Fatalf("%q: grammar: %v", src, err)
	}
	if got := scanCFAST("sendmail.cf", src); !reflect.DeepEqual(got, ref) {
		t.Fatalf("%q: trees differ:\n scanner %+v\n grammar %+v", src, got, ref)
	}
}

func TestCFScannerMatchesGrammar(t *testing.T) {
	for _, src := range []string{
		"", "\n", " ", " \n", "\t\r\n", "#x", "#x\n", "DS\n", "DS", "Mrelay,\n\tA=TCP\n  x\nDS\n", " orphan\nDS\n", "\r\n", "\rDS\n",
		"DS\n\n\tcont after blank\n", "DS\n#c\n\tcont after comment\n", "a\r\n \r\n", "x\n   ",
	} {
		compareCF(t, src)
	}
}
