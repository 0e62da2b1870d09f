package postfix

import (
	"fmt"
	"strings"
)

// Limits for one master.cf entry: deeper {} nesting or longer entries are
// reported as a fatal problem instead of being parsed (Postfix has no such
// limits; real entries are a few hundred bytes with at most one level).
const (
	masterMaxNesting = 256
	masterMaxEntry   = 1 << 16
)

// ParseMaster parses a master.cf. It always returns an AST; the error is
// non-nil exactly when the AST has a fatal problem (the first one).
//
// Logical lines are as in main.cf (readllines()). Each one is split into
// words at " \t\r\n" outside {} (argv_splitq()), then checked and
// normalised as postconf does (src/postconf/postconf_master.c):
//   - fewer than 8 words is fatal ("bad field count");
//   - a bad type (inet, unix, unix-dgram, fifo, pass), private, unpriv or
//     chroot (y, n, -), wakeup (-, N or N?) or maxproc (-, N) is fatal;
//   - the words after the command are read as the daemon reads them
//     (getopt with "+cdDi:lm:n:o:s:St:uvVz"): options up to the first
//     non-option word or "--", where -i -m -n -o -s -t take a value, the
//     rest of the word or the next word. So "-o name=value",
//     "-oname=value", "-vo name=value" and "-o { name = value }" (Postfix
//     >= 3.0) all give an Override. A -o value that is not name=value is
//     ignored by postconf but stops the service at start-up
//     (single_server.c: "invalid -o option value"): a non-fatal problem.
//     Brace problems are postconf warnings, also non-fatal.
//
// postconf -P differs in one corner: it splits "-oNAME=VALUE" at the
// first 'o' inside NAME ("-osmtpd_helo_required=yes" shows as
// "_required = yes", verified with postconf 3.7.11), while the daemon's
// getopt() gets "smtpd_helo_required=yes"; the AST follows the daemon.
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
	if len(text) > masterMaxEntry {
		problem(0, len(text), true, fmt.Sprintf("master.cf entry longer than %d bytes: not parsed", masterMaxEntry))
		return nil, probs
	}
	if braceDepth(text) > masterMaxNesting {
		problem(0, len(text), true, fmt.Sprintf("{} nested more than %d levels deep: %s", masterMaxNesting, quoted))
		return nil, probs
	}
	words := masterWordsFast(text)
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

	// The words after the command; {} words lose their braces in Value.
	rest := words[8:]
	for _, w := range rest {
		f := field(w)
		if strings.HasPrefix(w.text, "{") {
			lo, hi, _ := extpar(w.text)
			f.Value = w.text[lo:hi]
		}
		svc.Args = append(svc.Args, f)
	}
	// The daemon reads its options with getopt("+cdDi:lm:n:o:s:St:uvVz")
	// (single_server.c and friends): options end at the first word that
	// is not an option or at "--"; -i -m -n -o -s -t take a value, the
	// rest of the word or else the next word.
	for i := 0; i < len(rest); i++ {
		w := rest[i]
		if w.text == "--" || w.text[0] != '-' || w.text == "-" {
			break
		}
		for j := 1; j < len(w.text); j++ {
			c := w.text[j]
			if strings.IndexByte(daemonValueOptions, c) < 0 {
				continue
			}
			optLo := w.lo
			if j > 1 {
				optLo = w.lo + j
			}
			var v masterWord
			switch {
			case j+1 < len(w.text):
				v = masterWord{text: w.text[j+1:], lo: w.lo + j + 1, hi: w.hi}
			case i+1 < len(rest):
				i++
				v = rest[i]
			default:
				problem(w.lo, w.hi, false, fmt.Sprintf("option -%c requires a value (the %s service will not start)", c, svc.Name))
			}
			if c == 'o' && v.text != "" {
				if o := override(ls, l, svc.Name, optLo, v, problem); o != nil {
					svc.Overrides = append(svc.Overrides, o)
				}
			}
			break
		}
	}
	return svc, probs
}

// daemonValueOptions are the daemon options that take a value.
const daemonValueOptions = "imnost"

// override parses the value word v of a -o option that starts at optLo.
func override(ls *lineSet, l *logicalLine, service string, optLo int, v masterWord, problem func(lo, hi int, fatal bool, msg string)) *Override {
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
	a := splitAssignmentFast(inner)
	if !a.ok {
		problem(optLo, v.hi, false, fmt.Sprintf("invalid \"-o %s\" option value: %s (postconf ignores it; the %s service will not start)",
			v.text, a.msg, service))
		return nil
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
	return o
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

// masterWordsGrammar splits a master.cf entry into words with the
// grammar (masterParser): the definition of argv_splitq()'s {} grouping.
func masterWordsGrammar(text string) ([]masterWord, error) {
	ast, err := masterParser().ParseString("", text)
	if err != nil || ast == nil {
		return nil, fmt.Errorf("internal error: %v", err)
	}
	words := make([]masterWord, 0, len(ast.Words))
	for _, w := range ast.Words {
		words = append(words, masterWord{text: text[w.Pos.Offset:w.EndPos.Offset], lo: w.Pos.Offset, hi: w.EndPos.Offset})
	}
	return words, nil
}

// masterWordsFast computes what masterWordsGrammar computes, by hand: a
// word ends at a blank outside {}, '{' opens a group, '}' closes one (and
// is an ordinary character outside any), an unclosed group runs to the end.
// Linting a whole setup spent most of its time in the grammar's reflection;
// TestMasterWordsFast and FuzzMasterWords hold the two to the same result.
func masterWordsFast(text string) []masterWord {
	blank := func(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
	var out []masterWord
	i := 0
	for {
		for i < len(text) && blank(text[i]) {
			i++
		}
		if i >= len(text) {
			return out
		}
		start, depth := i, 0
		for ; i < len(text) && (depth > 0 || !blank(text[i])); i++ {
			switch text[i] {
			case '{':
				depth++
			case '}':
				if depth > 0 {
					depth--
				}
			}
		}
		out = append(out, masterWord{text: text[start:i], lo: start, hi: i})
	}
}
