package ruletest

import "testing"

func TestUnescapeHex(t *testing.T) {
	for in, want := range map[string]string{
		`a\x1b[0m`: "a\x1b[0m",
		`\x00\x7F`: "\x00\x7f",
		`a\xZZ`:    `a\xZZ`,
		`end\x1`:   `end\x1`,
		`\\x41`:    `\A`,
		`plain`:    "plain",
	} {
		if got := unescapeHex(in); got != want {
			t.Errorf("unescapeHex(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDocExamplesEscaped(t *testing.T) {
	md := "## Bad\n```a/b escaped mode=0600\nx\\x1by\n```\n## Good\n```a/b\nx\\x1by\n```\n"
	bad, good, err := DocExamples(md)
	if err != nil {
		t.Fatal(err)
	}
	if f := bad.Files[0]; f.Content != "x\x1by\n" || f.Facts != "mode=0600" {
		t.Errorf("escaped block: %q facts %q", f.Content, f.Facts)
	}
	if f := good.Files[0]; f.Content != "x\\x1by\n" {
		t.Errorf("plain block changed: %q", f.Content)
	}
}
