package postfix

import (
	"fmt"
	"reflect"
	"testing"
)

func TestScratch(t *testing.T) {
	for _, in := range []string{
		"relayhost = [a]:587,\n# c\n\n   [b]:587\n",
		"  indented = 1\n   more\nrelayhost = x\r\n",
		"foo bar = x\n",
		"=x\n",
		"a=\nb = 1 \t 2\r\n  \t3\n",
		"x = a\x00b\n",
	} {
		m, err := ParseMain("main.cf", []byte(in))
		fmt.Printf("%q err=%v\n", in, err)
		for _, e := range m.Entries {
			if e.Param != nil {
				p := e.Param
				fmt.Printf("  %q=%q raw=%q vpos=%d-%d segs=%v\n", p.Name, p.Value, p.RawValue, p.ValuePos.Offset, p.ValueEnd.Offset, p.segs)
			} else {
				fmt.Printf("  dropped=%v invalid=%v\n", e.Dropped, e.Invalid)
			}
		}
		for _, p := range m.Problems {
			fmt.Printf("  problem %v fatal=%v\n", p, p.Fatal)
		}
		for _, c := range m.Comments {
			fmt.Printf("  comment %+v\n", *c)
		}
	}
}

func TestScratchMaster(t *testing.T) {
	in := "smtp inet n - y - - smtpd\n  -o smtpd_tls=yes\n  -osmtpd_x=1\n  -o { a_b = c d }\n  -o e=\n  -o { f = }\n  -o g\n  -o =h\n  -o {i j = k}\n -v -o z=1 -- -o x=2 {a b}  c{d e}f\n#c\nsubmission/inet/x=y\n -vox -o y=2\n"
	m, err := ParseMaster("master.cf", []byte(in))
	fmt.Println(err)
	for _, s := range m.Services {
		fmt.Printf("%s %s %s\n", s.Name, s.Type, s.Command)
		for _, a := range s.Args {
			fmt.Printf("  arg %q %q\n", a.Raw, a.Value)
		}
		for _, o := range s.Overrides {
			fmt.Printf("  -o %q=%q %d %d-%d braced=%v\n", o.Name, o.Value, o.NamePos.Offset, o.ValuePos.Offset, o.ValueEnd.Offset, o.Braced)
		}
	}
	for _, p := range m.Problems {
		fmt.Println(" problem", p, p.Fatal)
	}
}

func TestScratchTable(t *testing.T) {
	for _, in := range []string{
		"\"key with space\" v1\nKEY2 V2  \nkey2 dup\nkeyonly\n  \nk3 a\n  b\n# c\n\tc\nk4:\tx\r\n\"unbal x\na\\ b c\nx\\\n",
		"  a 1\n#x\n  b 2\nc 3\n",
		"a\xff 1\nb 2\xfe\nc\x00d 3\ne 4\x00x\n\xc3\x84B 5\n",
		"",
		"a b",
		"\n\n#c\n",
	} {
		g, _ := ParseTableGrammar("t", []byte(in))
		s, _ := ParseTable("t", []byte(in))
		if !reflect.DeepEqual(g, s) {
			t.Errorf("%q differ:\n%#v\n%#v", in, g, s)
		}
		for _, e := range s.Entries {
			fmt.Printf("  %q=%q %d %d %d cont=%v %v-%v\n", e.Key, e.Value, e.KeyOffset, e.ValueOffset, e.ValueEnd, e.Continued, e.Pos, e.EndPos)
		}
		for _, p := range s.Problems {
			fmt.Println("  problem", p)
		}
	}
}

func TestScratchExpand(t *testing.T) {
	vals := map[string]string{"a": "5", "e": "", "b": "$a$a", "r1": "$r2", "r2": "$r1"}
	lookup := func(n string) (string, bool) { v, ok := vals[n]; return v, ok }
	for _, s := range []string{
		"${{$a} < {10} ? {lt} : {ge}}", "${{$a} <level {3.6} ? {lt} : {ge}}", "${{$a} == {5} ? {eq} : {ne}}",
		"${a?{x}:{y}}", "${e?{x}:{y}}", "${a:{x}}", "${undef?yes}${undef:no}", "$$a $a$$", "${a?x:y}", "$(a)b",
		"${a", "x$", "${a-b}", "${{x} == {x}}", "${{a}<{b}?{y}:{n}}", "$b", "$r1", "${a?{x}:{y}z}", "${a?  {x}  }",
		"${{$a}!={5}?{ne}:{eq}}", "${a?$b}", "$a-$(a}", "${a?{x}", "$(a?(x))", "${ a }", "${a ?x}", "${{a} == {a} ? {$b}}",
		"${{a} == {a} : {$b}}", "${{a} == {b} x}", "${{a}=={b}}z", "${a?{x}:y}", "${a?x}{y}", "${a?{x}y}", "$$$a", "${{a}}", "${e:{$a}}",
	} {
		out, undef, err := ExpandErr(s, lookup, 0)
		fmt.Printf("%-40s => %q %v %v\n", s, out, undef, err)
	}
	fmt.Printf("%+v\n", Refs("x $a ${b?{$c}:$d} $(e) ${{$f}=={g}}"))
}
