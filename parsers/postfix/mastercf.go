package postfix

import (
	"fmt"
	"strings"
)

// masterMaxNesting bounds {} nesting in a master.cf line: deeper input is
// rejected instead of recursing (Postfix has no limit, real files use 1).
const masterMaxNesting = 256

// ParseMaster parses a master.cf. It always returns an AST; the error is
// non-nil exactly when the AST has a fatal problem (the first one).
//
// Logical lines are as in main.cf (readllines()). Each one is split into
// words at " \t\r\n" outside {} (argv_splitq()), then checked and
// normalised as postconf does (src/postconf/postconf_master.c):
//   - fewer than 8 words is fatal ("bad field count");
//   - a bad type (inet, unix, unix-dgram, fifo, pass), private, unpriv or
//     chroot (y, n, -), wakeup (-, N or N?) or maxproc (-, N) is fatal;
//   - options after the command up to the first non-option word or "--"
//     are scanned for -o: "-o name=value", "-oname=value", "-vo name=value"
//     and "-o { name = value }" (Postfix >= 3.0); a -o value that is not
//     name=value is ignored by postconf but stops the service at start-up
//     (single_server.c: "invalid -o option value"), reported as a
//     non-fatal problem; brace problems are postconf warnings.
func ParseMaster(filename string, src []byte) (*MasterCF, error) {
	s := string(src)
	ls := splitLines(filename, s)
	m := &MasterCF{
		Pos: ls.pos(0), EndPos: ls.pos(len(s)), Filename: filename,
		Comments: ls.comments, Problems: ls.problems,
	}
	for _, l := range ls.groups {
		if l.dropped {
			m.Problems = append(m.Problems, droppedProblem(ls.pos, s, l))
			continue
		}
		svc, probs := parseService(ls, l)
		m.Problems = append(m.Problems, probs...)
		if svc != nil {
			m.Services = append(m.Services, svc)
		}
	}
	return m, m.Err()
}

// masterWord is a word of a master.cf line: text[lo:hi] of the logical line.
type masterWord struct {
	text   string
	lo, hi int
}

// braceDepth returns the maximum {} nesting depth of s.
func braceDepth(s string) int {
	d, maxd := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			d++
			maxd = max(maxd, d)
		case '}':
			if d > 0 {
				d--
			}
		}
	}
	return maxd
}

func parseService(ls *lineSet, l *logicalLine) (*Service, []*Problem) {
	var probs []*Problem
	problem := func(lo, hi int, fatal bool, msg string) {
		probs = append(probs, &Problem{Pos: ls.pos(l.fileStart(lo)), EndPos: ls.pos(l.fileEnd(hi)), Fatal: fatal, Msg: msg})
	}
	text, nul := cutNUL(ls, l, "Postfix")
	if nul != nil {
		probs = append(probs, nul)
	}
	quoted := quoteLine(strings.TrimRight(text, "\r"))
	if braceDepth(text) > masterMaxNesting {
		problem(0, len(text), true, fmt.Sprintf("{} nested more than %d levels deep: %s", masterMaxNesting, quoted))
		return nil, probs
	}
	ast, err := masterParser.ParseString("", text)
	if err != nil || ast == nil {
		problem(0, len(text), true, fmt.Sprintf("internal error: %v", err))
		return nil, probs
	}
	words := make([]masterWord, 0, len(ast.Words))
	for _, w := range ast.Words {
		words = append(words, masterWord{text: text[w.Pos.Offset:w.EndPos.Offset], lo: w.Pos.Offset, hi: w.EndPos.Offset})
	}
	if len(words) < 8 {
		problem(0, len(text), true, "bad field count: a master.cf entry needs service, type, private, unpriv, chroot, wakeup, maxproc and command: "+quoted)
		return nil, probs
	}
	svc := &Service{Pos: ls.pos(l.start()), EndPos: ls.pos(l.end(ls.src))}
	field := func(w masterWord) *Field {
		return &Field{Pos: ls.pos(l.fileStart(w.lo)), EndPos: ls.pos(l.fileEnd(w.hi)), Value: w.text, Raw: w.text}
	}
	for _, w := range words[:8] {
		svc.Fields = append(svc.Fields, field(w))
	}
	svc.Name, svc.Type, svc.Private, svc.Unpriv = words[0].text, words[1].text, words[2].text, words[3].text
	svc.Chroot, svc.Wakeup, svc.Maxproc, svc.Command = words[4].text, words[5].text, words[6].text, words[7].text
	for _, part := range l.parts[1:] {
		svc.Continuations = append(svc.Continuations, ls.line(part))
	}

	// pcf_check_master_entry(): postconf (and master) refuse these.
	invalid := func(i int, name string) {
		problem(words[i].lo, words[i].hi, true, fmt.Sprintf("invalid %s field %q in %s", name, words[i].text, quoted))
	}
	switch svc.Type {
	case "inet", "unix", "unix-dgram", "fifo", "pass":
	default:
		invalid(1, "type")
	}
	for i, name := range []string{"private", "unprivileged", "chroot"} {
		if t := words[2+i].text; len(t) != 1 || !strings.Contains("yn-", t) {
			invalid(2+i, name)
		}
	}
	if w := strings.TrimSuffix(svc.Wakeup, "?"); w != "-" && strings.Trim(w, "0123456789") != "" {
		invalid(5, "wakeup")
	}
	if svc.Maxproc != "-" && strings.Trim(svc.Maxproc, "0123456789") != "" {
		invalid(6, "process_limit")
	}

	// pcf_normalize_daemon_args() and the -o scan of postconf_user.c.
	rest := words[8:]
	for _, w := range rest {
		f := field(w)
		if strings.HasPrefix(w.text, "{") {
			lo, hi, _ := extpar(w.text)
			f.Value = w.text[lo:hi]
		}
		svc.Args = append(svc.Args, f)
	}
	opts := append([]masterWord(nil), rest...)
	for i := 0; i < len(opts); i++ {
		w := opts[i]
		if w.text[0] != '-' || w.text == "--" {
			break
		}
		// Split "-stuffozz" into "-stuff" and "-ozz".
		if k := strings.IndexByte(w.text[min(2, len(w.text)):], 'o'); k >= 0 && len(w.text) > 2 {
			k += 2
			opts[i].text, opts[i].hi = w.text[:k], w.lo+k
			opts = append(opts[:i+1], append([]masterWord{{text: "-" + w.text[k:], lo: w.lo + k - 1, hi: w.hi}}, opts[i+1:]...)...)
			w = opts[i]
		}
		if len(w.text) < 2 || w.text[1] != 'o' {
			continue
		}
		optLo := w.lo
		var v masterWord
		if len(w.text) > 2 {
			// "-oname=value"
			v = masterWord{text: w.text[2:], lo: w.lo + 2, hi: w.hi}
		} else if i+1 < len(opts) {
			i++
			v = opts[i]
		} else {
			break
		}
		o := &Override{}
		lo, hi := 0, len(v.text)
		if strings.HasPrefix(v.text, "{") {
			var msg string
			lo, hi, msg = extpar(v.text)
			if msg != "" {
				problem(v.lo, v.hi, false, msg)
			}
			o.Braced = true
		}
		inner := v.text[lo:hi]
		a := splitAssignment(inner)
		if !a.ok {
			problem(optLo, v.hi, false, fmt.Sprintf("invalid \"-o %s\" option value: %s (postconf ignores it; the %s service will not start)",
				v.text, a.msg, svc.Name))
			continue
		}
		base := v.lo + lo
		o.Name, o.Value = inner[a.nameLo:a.nameHi], inner[a.valLo:a.valHi]
		o.Pos, o.EndPos = ls.pos(l.fileStart(optLo)), ls.pos(l.fileEnd(v.hi))
		o.NamePos, o.NameEnd = ls.pos(l.fileStart(base+a.nameLo)), ls.pos(l.fileEnd(base+a.nameHi))
		if a.valLo == a.valHi {
			off := l.fileEnd(base + a.eq + 1)
			o.ValuePos, o.ValueEnd = ls.pos(off), ls.pos(off)
		} else {
			o.ValuePos, o.ValueEnd = ls.pos(l.fileStart(base+a.valLo)), ls.pos(l.fileEnd(base+a.valHi))
		}
		svc.Overrides = append(svc.Overrides, o)
	}
	return svc, probs
}

// extpar is extpar(&s, "{}", EXTPAR_FLAG_STRIP) from src/util/extpar.c on
// a word that starts with '{': it returns the text inside the braces,
// whitespace-trimmed, as offsets into s, and postconf's warning if the
// braces do not match.
func extpar(s string) (lo, hi int, msg string) {
	level, n := 1, 0
	for i := 1; i < len(s) && n == 0; i++ {
		switch s[i] {
		case '}':
			if level--; level == 0 {
				n = i + 1
			}
		case '{':
			level++
		}
	}
	switch {
	case n == 0:
		lo, hi = 1, len(s)
		msg = fmt.Sprintf("missing '}' in %q", s)
	case n != len(s):
		lo, hi = 1, n-1
		msg = fmt.Sprintf("syntax error after '}' in %q", s)
	default:
		lo, hi = 1, n-1
	}
	for hi > lo && isSpace(s[hi-1]) {
		hi--
	}
	for lo < hi && isSpace(s[lo]) {
		lo++
	}
	return lo, hi, msg
}
