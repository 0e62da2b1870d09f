package exim

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// dump prints the node tree compactly: text "t", escapes "e", protected
// "p", variables "$name", items "${name …}", groups "{…}".
func dump(ns []*Node) string {
	var b strings.Builder
	for _, n := range ns {
		switch n.Kind {
		case NodeText:
			fmt.Fprintf(&b, "t%q ", n.Text)
		case NodeEscape:
			fmt.Fprintf(&b, "e%q ", n.Text)
		case NodeProtected:
			fmt.Fprintf(&b, "p%q ", n.Text)
		case NodeVar:
			fmt.Fprintf(&b, "$%s ", n.Name)
		case NodeDollar:
			b.WriteString("$! ")
		case NodeItem:
			fmt.Fprintf(&b, "${%s %s}", n.Name, strings.TrimSpace(dump(n.Children)))
			if !n.Closed {
				b.WriteString("!")
			}
			b.WriteString(" ")
		case NodeGroup:
			fmt.Fprintf(&b, "{%s}", strings.TrimSpace(dump(n.Children)))
			if !n.Closed {
				b.WriteString("!")
			}
			b.WriteString(" ")
		}
	}
	return b.String()
}

func TestParseExpansion(t *testing.T) {
	tests := []struct {
		in, want string
		errAt    int // -1: no error
	}{
		{"plain text", `t"plain text"`, -1},
		{"", ``, -1},
		{"$domain", `$domain`, -1},
		{"${domain}x", `$domain t"x"`, -1},
		{"${h_subject:}", `$h_subject:`, -1},
		{"$h_subject: x", `$h_subject: t" x"`, -1},
		{`a\$b`, `t"a" e"\\$" t"b"`, -1},
		{`\x20pass\x20`, `e"\\x20" t"pass" e"\\x20"`, -1},
		{`\N  p${a \N`, `p"  p${a "`, -1},
		{"{top}", `t"{top}"`, -1},
		{"${lc:$local_part}", `${lc t":" $local_part}`, -1},
		{"${lookup{$sender_address_domain}lsearch{/etc/exim_spamexperts}}",
			`${lookup {$sender_address_domain} t"lsearch" {t"/etc/exim_spamexperts"}}`, -1},
		{"${if eq{$tls_out_cipher}{}{no}{yes}}", `${if t" eq" {$tls_out_cipher} {} {t"no"} {t"yes"}}`, -1},
		{"${if exists{/etc/mailips}{${lookup{$sender_address_domain}lsearch*{/etc/mailips}{$value}{}}}{}}",
			`${if t" exists" {t"/etc/mailips"} {${lookup {$sender_address_domain} t"lsearch*" {t"/etc/mailips"} {$value} {}}} {}}`, -1},
		{"${if eq{a}{b}", `${if t" eq" {t"a"} {t"b"}}!`, 0},
		{"x ${lookup{a}lsearch{/p}", `t"x " ${lookup {t"a"} t"lsearch" {t"/p"}}!`, 2},
		{"${if eq{a}{b}{c}", `${if t" eq" {t"a"} {t"b"} {t"c"}}!`, 0},
		{"${if eq{a{b}{c}}", `${if t" eq" {t"a" {t"b"} {t"c"}}}!`, 0},
		{"$h_subject: ${bh_x-y:}", `$h_subject: t" " $bh_x-y:`, -1},
		{"pa$", `t"pa" $!`, 2},
		{"pa$-x", `t"pa" $! t"-x"`, 2},
		{"${perl{check_limits}}", `${perl {t"check_limits"}}`, -1},
		{"a}b", `t"a}b"`, -1},
	}
	for _, tc := range tests {
		x, err := ParseExpansion(tc.in)
		if got := strings.TrimSpace(dump(x.Nodes)); got != tc.want {
			t.Errorf("ParseExpansion(%q)\n got  %s\n want %s", tc.in, got, tc.want)
		}
		switch se, _ := err.(*SyntaxError); {
		case tc.errAt < 0 && err != nil:
			t.Errorf("ParseExpansion(%q): unexpected error %v", tc.in, err)
		case tc.errAt >= 0 && (se == nil || se.Offset != tc.errAt):
			t.Errorf("ParseExpansion(%q): error %v, want one at offset %d", tc.in, err, tc.errAt)
		}
		checkExpansionInvariants(t, tc.in, x)
	}
}

func TestExpansionQueries(t *testing.T) {
	// The seed's cPanel interface option and the Debian client_send guard.
	iface := "${if exists{/etc/mailips}{${lookup{$sender_address_domain}lsearch*{/etc/mailips}{$value}{}}}{}}"
	x, _ := ParseExpansion(iface)
	lks := x.Lookups()
	if len(lks) != 1 || lks[0].Type != "lsearch" || lks[0].Spec != "lsearch*" || lks[0].Path != "/etc/mailips" || !lks[0].Guarded ||
		iface[lks[0].PathStart:lks[0].PathEnd] != "/etc/mailips" {
		t.Errorf("interface lookups: %+v", lks)
	}
	send := "${extract{user}{${lookup{$sender_address_domain}lsearch{ /etc/exim_spamexperts }}}}"
	x, _ = ParseExpansion(send)
	lks = x.Lookups()
	if len(lks) != 1 || lks[0].Path != "/etc/exim_spamexperts" || lks[0].Guarded || send[lks[0].PathStart:lks[0].PathStart+1] != "/" {
		t.Errorf("client_send lookups: %+v", lks)
	}
	deb := "<; ${if !eq{$tls_out_cipher}{}{^${extract{1}{:}{${lookup{$host}nwildlsearch{/etc/exim4/passwd.client}{$value}fail}}}}fail}"
	x, err := ParseExpansion(deb)
	if err != nil {
		t.Fatal(err)
	}
	if !x.TestsVar("tls_out_cipher") || x.TestsVar("host") {
		t.Errorf("Debian guard: vars %+v", x.Vars())
	}
	lks = x.Lookups()
	if len(lks) != 1 || lks[0].Type != "nwildlsearch" || lks[0].Path != "/etc/exim4/passwd.client" {
		t.Errorf("Debian lookups: %+v", lks)
	}
	x, _ = ParseExpansion("${if def:tls_out_cipher {a}{b}}")
	if !x.TestsVar("tls_out_cipher") {
		t.Errorf("def: guard not seen: %+v", x.Vars())
	}
	x, _ = ParseExpansion(`${perl{check_limits}} ${perl{${lc:x}}}`)
	pc := x.PerlCalls()
	if len(pc) != 2 || pc[0].Func != "check_limits" || pc[1].Func != "" {
		t.Errorf("perl calls: %+v", pc)
	}
	x, _ = ParseExpansion("${lookup mysql{select 1}{$value}}")
	if lks := x.Lookups(); len(lks) != 1 || lks[0].Type != "mysql" || lks[0].Path != "" || lks[0].Key != nil {
		t.Errorf("query lookup: %+v", lks)
	}
	x, _ = ParseExpansion("${if and{{exists{/a}}{eq{$x}{}}}{y}{n}}")
	if got := x.ExistsPaths(); len(got) != 0 || !x.TestsVar("x") {
		t.Errorf("and{}: exists %q vars %+v", got, x.Vars())
	}
	x, _ = ParseExpansion("${if exists{/a}{y}{n}}")
	if got := x.ExistsPaths(); !reflect.DeepEqual(got, []string{"/a"}) {
		t.Errorf("exists paths %q", got)
	}
}

func TestExpansionDeepNesting(t *testing.T) {
	s := strings.Repeat("${", 10000)
	x, err := ParseExpansion(s)
	if err == nil || x == nil {
		t.Fatalf("10000 nested items: err %v", err)
	}
	s = strings.Repeat("${if eq{a}{", 30) + strings.Repeat("}}", 30)
	if _, err := ParseExpansion(s); err != nil {
		t.Fatalf("moderate nesting rejected: %v", err)
	}
}

// TestExpansionFastPath: the literal fast path builds what the grammar does.
func TestExpansionFastPath(t *testing.T) {
	for _, s := range []string{"", "a", "a b {c} }", "x\ny", "$h_subject: ${h_x-y:} $bheader_a $lh_ $b_x $host $",
		`\x4 \x4142 \1234 \N a \N b \N \é \`, "a\vb \v ${if eq{a\v}{b}", "${a{b${c}d}e", "}}{{${", "\xff\xfe$\xff{\xff}",
		"${lookup{$sender_address_domain}lsearch*{/etc/mailips}{$value}{}}", `$\N\N$$`} {
		checkExpansionFastPath(t, s)
	}
}

func checkExpansionFastPath(t testing.TB, s string) {
	t.Helper()
	fast, ferr := ParseExpansion(s)
	expansionGrammarOnly = true
	slow, serr := ParseExpansion(s)
	expansionGrammarOnly = false
	if !reflect.DeepEqual(fast, slow) || fmt.Sprint(ferr) != fmt.Sprint(serr) {
		t.Fatalf("%q: fast path %s (%v), grammar %s (%v)", s, dump(fast.Nodes), ferr, dump(slow.Nodes), serr)
	}
}

func checkExpansionInvariants(t testing.TB, s string, x *Expansion) {
	t.Helper()
	prev := 0
	x.Walk(func(n *Node, stack []*Node) bool {
		lo, hi := 0, len(s)
		if len(stack) > 0 {
			lo, hi = stack[len(stack)-1].Start, stack[len(stack)-1].End
		}
		if n.Start < lo || n.End > hi || n.Start > n.End || n.Start < prev {
			t.Fatalf("%q: node %s [%d,%d) outside parent [%d,%d) or before %d", s, dump([]*Node{n}), n.Start, n.End, lo, hi, prev)
		}
		prev = n.Start
		if n.Kind == NodeText && s[n.Start:n.End] != n.Text {
			t.Fatalf("%q: text node %q at [%d,%d)", s, n.Text, n.Start, n.End)
		}
		return true
	})
	for _, l := range x.Lookups() {
		if l.Path != "" && (l.PathStart < l.Item.Start || l.PathEnd > l.Item.End || l.PathStart > l.PathEnd) {
			t.Fatalf("%q: lookup path offsets [%d,%d)", s, l.PathStart, l.PathEnd)
		}
	}
	for _, v := range x.Vars() {
		if v.Start < 0 || v.End > len(s) || v.Start > v.End {
			t.Fatalf("%q: var %q offsets [%d,%d)", s, v.Name, v.Start, v.End)
		}
	}
}

func FuzzParseExpansion(f *testing.F) {
	for _, s := range []string{
		"${if exists{/etc/mailips}{${lookup{$sender_address_domain}lsearch*{/etc/mailips}{$value}{}}}{}}",
		"<; ${if !eq{$tls_out_cipher}{}{^${extract{1}{:}{${lookup{$host}nwildlsearch{/etc/exim4/passwd.client}{$value}fail}}}}fail}",
		`\N${\N $h_x: ${h_y:} \x41 a$`, "${perl{check_limits}}", "{}}{", "${if def:x{a}{b}}",
	} {
		f.Add(s)
	}
	addValueSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			return
		}
		x, _ := ParseExpansion(s)
		checkExpansionInvariants(t, s, x)
		checkExpansionFastPath(t, s)
	})
}
