package sendmail

import (
	"strings"
	"testing"
)

// call finds the first call named name.
func call(mc *MC, name string) *Call {
	for _, c := range mc.Calls {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestParseMC(t *testing.T) {
	tests := []struct {
		name, src string
		call      string   // call to inspect
		args      []string // its argument values (one level unquoted)
		problem   ProblemKind
		problemAt string // text at the problem's start
	}{
		// RULES.md §7 tricky-but-valid inputs.
		{name: "relay prefix", src: "define(`SMART_HOST', `relay:[smtp.x]')dnl\n", call: "define", args: []string{"SMART_HOST", "relay:[smtp.x]"}},
		{name: "esmtp prefix", src: "define(`SMART_HOST', `esmtp:[smtp.x]')dnl\ndefine(`ESMTP_MAILER_ARGS', `TCP $h 587')dnl\n", call: "define", args: []string{"SMART_HOST", "esmtp:[smtp.x]"}},
		{name: "define without dnl", src: "define(`SMART_HOST', `[h]')\nMAILER(smtp)\n", call: "define", args: []string{"SMART_HOST", "[h]"}},
		{name: "dnl comment lines", src: "dnl define(`SMART_HOST', `[h]')\nOSTYPE(`linux')dnl\n", call: "OSTYPE", args: []string{"linux"}},
		{name: "divert preamble", src: "divert(-1)\n# comment\ndivert(0)dnl\nVERSIONID(`x')\n", call: "divert", args: []string{"-1"}},
		// m4 quoting.
		{name: "nested quotes", src: "define(`confDEF_USER_ID', ``8:12'')dnl\n", call: "define", args: []string{"confDEF_USER_ID", "`8:12'"}},
		{name: "quoted comma", src: "FEATURE(`access_db', `hash -T<TMPF> -o /etc/mail/access.db')dnl\n", call: "FEATURE", args: []string{"access_db", "hash -T<TMPF> -o /etc/mail/access.db"}},
		{name: "nested parens", src: "define(`X', (a, b))dnl\n", call: "define", args: []string{"X", "(a, b)"}},
		{name: "leading newline skipped", src: "DAEMON_OPTIONS(\n  `Port=smtp')\n", call: "DAEMON_OPTIONS", args: []string{"Port=smtp"}},
		{name: "dnl inside arguments", src: "define(`X', dnl comment\n`v')dnl\n", call: "define", args: []string{"X", "v"}},
		{name: "hash line is expanded", src: "# define(`SMART_HOST',`[x]')\n", call: "define", args: []string{"SMART_HOST", "[x]"}},
		{name: "straight quotes are text", src: "define('SMART_HOST','[h]')\n", call: "define", args: []string{"'SMART_HOST'", "'[h]'"}},
		{name: "typographic quotes are text", src: "define(`SMART_HOST', ‘[h]’)\n", call: "define", args: []string{"SMART_HOST", "‘[h]’"}},
		{name: "apostrophe in text", src: "# don't (really\nMAILER(`smtp')\n", call: "MAILER", args: []string{"smtp"}},
		{name: "lower-case word is not a call", src: "foo(unbalanced\nMAILER(`smtp')\n", call: "MAILER", args: []string{"smtp"}},
		{name: "dnl must be a word", src: "xdnl FEATURE(`a')\n", call: "FEATURE", args: []string{"a"}},
		{name: "quoted macro is not a call", src: "define(`X', `FEATURE(`y')')\n", call: "define", args: []string{"X", "FEATURE(`y')"}},
		{name: "CRLF", src: "define(`SMART_HOST', `[h]')dnl\r\nMAILER(`smtp')dnl\r\n", call: "define", args: []string{"SMART_HOST", "[h]"}},
		// Errors m4 reports.
		{name: "unclosed quote", src: "define(`SMART_HOST', `[h])dnl\nMAILER(`smtp')\n", problem: EOFInString, problemAt: "`[h]"},
		{name: "missing paren", src: "define(`SMART_HOST', `[h]'dnl\nMAILER(`smtp')\n", problem: EOFInArgList, problemAt: "define("},
		{name: "binary", src: "a\x00b", problem: Binary, problemAt: "\x00"},
		{name: "too deep", src: strings.Repeat("`", MaxDepth+5), problem: TooDeep},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mc, err := ParseMC("t.mc", []byte(tt.src))
			if tt.problem != 0 {
				if err == nil || len(mc.Problems) == 0 || mc.Problems[0].Kind != tt.problem {
					t.Fatalf("problems %+v, err %v; want kind %d", mc.Problems, err, tt.problem)
				}
				if !strings.HasPrefix(err.Error(), "t.mc:") {
					t.Errorf("error %q is not file:line:col", err)
				}
				if tt.problemAt != "" && !strings.HasPrefix(tt.src[mc.Problems[0].Start:], tt.problemAt) {
					t.Errorf("problem at %q, want %q", tt.src[mc.Problems[0].Start:], tt.problemAt)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			c := call(mc, tt.call)
			if c == nil {
				t.Fatalf("no call %s in %+v", tt.call, mc.Calls)
			}
			var got []string
			for _, a := range c.Args {
				got = append(got, a.Value)
				if tt.src[a.Start:a.End] != a.Raw {
					t.Errorf("arg raw %q != src[%d:%d]", a.Raw, a.Start, a.End)
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.args, "|") {
				t.Errorf("args %q, want %q", got, tt.args)
			}
		})
	}
}

func TestDnlAndHashLines(t *testing.T) {
	src := "dnl define(`A', `1')\n# define(`B', `2')\ndefine(`C', `3')dnl trailing\n"
	mc, _ := ParseMC("t.mc", []byte(src))
	var names []string
	for _, c := range mc.Calls {
		names = append(names, c.ArgValue(0))
	}
	// dnl removes A; '#' does not remove B (cf.m4 disables m4 comments).
	if strings.Join(names, ",") != "B,C" {
		t.Errorf("calls %v, want B,C", names)
	}
}
