package gen

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// encodingRule is GEN009: bytes that editors and web pages slip into
// configuration files and that MTAs read differently from what the admin
// sees: a UTF-8 byte-order mark, CRLF line endings, typographic quotes.
var encodingRule = &lint.Rule{
	ID:       "GEN009",
	Title:    "byte-order mark, line endings or typographic quotes the MTA misreads",
	Severity: lint.SeverityWarning,
	Check:    checkEncoding,
}

// encodingPolicy says what a BOM and CRLF line endings do to one kind of
// file. SeverityNone means harmless (not reported). An MTA opts in by
// adding its kinds to encodingPolicies once the effect is verified.
type encodingPolicy struct {
	bom lint.Severity
	// bomEffect explains what the MTA does with the mark in this file; a
	// non-zero severity overrides bom for this file.
	bomEffect func(f *lint.File) (string, lint.Severity)
	crlf      lint.Severity
	crlfWhat  string
}

var encodingPolicies = map[lint.Kind]encodingPolicy{
	// [exp] postconf 3.7.11: `unused parameter: \xEF\xBB\xBFrelayhost=...`,
	// or before a # line `fatal: main.cf, line 1: missing '=' after
	// attribute name`. CRLF is tolerated (CR stripped) [exp].
	lint.KindPostfixMain:   {bom: lint.SeverityError, bomEffect: postfixMainBOM},
	lint.KindPostfixMaster: {bom: lint.SeverityError, bomEffect: postfixMasterBOM},
	// [exp] postmap: the mark becomes part of the first key.
	lint.KindPostfixMap: {bom: lint.SeverityError, bomEffect: postfixMapBOM},
	// [exp] Exim 4.96: fatal `found unexpected BOM (Byte Order Mark)`;
	// CRLF is harmless (isspace) [src].
	lint.KindExim:       {bom: lint.SeverityError, bomEffect: eximBOM},
	lint.KindEximSplit:  {bom: lint.SeverityError, bomEffect: eximBOM},
	lint.KindEximCpanel: {bom: lint.SeverityError, bomEffect: eximBOM},
	// [exp] m4 passes the mark into the .cf, where sendmail warns
	// `unknown configuration line` and ignores that line.
	lint.KindSendmailMC: {bom: lint.SeverityWarning, bomEffect: func(*lint.File) (string, lint.Severity) {
		return "m4 copies it into the generated .cf, where sendmail ignores the first line as an unknown configuration line", 0
	}},
	// [exp] makemap keeps the \r at the end of every value; after a
	// closing quote it is harmless (AUTH works, password without CR), a
	// \r inside quotes is sent as part of the value (SM010 reports that).
	lint.KindSendmailAuthinfo: {crlf: lint.SeverityWarning, crlfWhat: "makemap keeps the carriage return at the end of every value: harmless after a closing quote, but part of the value when a token's quote is not closed before it"},
	// The access map source: same makemap reading.
	lint.KindSendmailAccess: {crlf: lint.SeverityWarning, crlfWhat: "makemap keeps the carriage return at the end of every value (RELAY\\r, ENCR:112\\r), so the entries do not mean what they say"},
	// qmail (not run; control.c control_readfile, RULES.md GEN009):
	// only trailing spaces and tabs are stripped, so a \r stays in the
	// relay host (QM001 reports each line), and a BOM becomes part of the
	// first line: the first key, or a '#' comment that is no longer one.
	lint.KindQmailSmtproutes: {bom: lint.SeverityError, bomEffect: func(f *lint.File) (string, lint.Severity) {
		switch rest := f.Src[len(utf8BOM):]; {
		case bytes.HasPrefix(rest, []byte("#")):
			return "qmail reads it as part of the first line, so the comment there no longer has '#' as its first byte and is read as data (qmail was not run to confirm)", lint.SeverityWarning
		case bytes.HasPrefix(rest, []byte(":")):
			return "qmail reads it as part of the first line, so the default route gets the three bytes as its domain and no longer matches: mail not routed by other lines goes directly to MX hosts (qmail was not run to confirm)", 0
		}
		return "qmail reads it as part of the first line, so the first domain starts with three invisible bytes and never matches (qmail was not run to confirm)", 0
	}, crlf: lint.SeverityWarning, crlfWhat: "qmail strips only trailing spaces and tabs, so every line keeps its carriage return, which ends up in the relay host or password (qmail was not run to confirm)"},
	lint.KindQmailAuthsenders: {bom: lint.SeverityError, bomEffect: func(*lint.File) (string, lint.Severity) {
		return "qmail reads it as part of the first line, so the first sender starts with three invisible bytes and never matches (qmail was not run to confirm)", 0
	}, crlf: lint.SeverityWarning, crlfWhat: "qmail strips only trailing spaces and tabs, so every password keeps a trailing carriage return (qmail was not run to confirm)"},
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func checkEncoding(p *lint.Pass) {
	for _, f := range p.Unit.Files() {
		pol, ok := encodingPolicies[f.Kind]
		if !ok {
			continue
		}
		if pol.bom != lint.SeverityNone && bytes.HasPrefix(f.Src, utf8BOM) {
			fd := f.At(0, len(utf8BOM))
			effect, sev := pol.bomEffect(f)
			fd.Severity = cmpOr(sev, pol.bom)
			fd.Message = "the file starts with a UTF-8 byte-order mark: " + effect
			fd.Hint = "save the file without a byte-order mark (UTF-8 without BOM, or plain ASCII)"
			fd.Fix = &lint.Fix{Description: "remove the byte-order mark", Safe: true, Edits: []lint.TextEdit{{Start: 0, End: len(utf8BOM)}}}
			p.Report(fd)
		}
		if pol.crlf != lint.SeverityNone {
			if i := bytes.Index(f.Src, []byte("\r\n")); i >= 0 {
				fd := f.At(i, i+1)
				fd.Severity = pol.crlf
				fd.Message = "the file has Windows (CRLF) line endings: " + pol.crlfWhat
				fd.Hint = "convert the file to Unix line endings (dos2unix)"
				p.Report(fd)
			}
		}
	}
	vl, ok := p.Unit.(lint.ValueLister)
	if !ok {
		return
	}
	for v := range vl.Values() {
		if v.File == nil || strings.IndexByte(v.Text, 0xE2) < 0 {
			continue
		}
		if _, ok := encodingPolicies[v.File.Kind]; !ok {
			continue
		}
		first, last := typographicQuotes(v.Text)
		if first < 0 {
			continue
		}
		start, end := valueOffsets(v, first, last)
		if overlapsSecret(v.File, start, end) {
			// A password may contain any character; it is not ours to judge.
			continue
		}
		fd := v.File.At(start, end)
		what := "the value"
		if v.Name != "" {
			what = "the value of " + v.Name
		}
		fd.Message = fmt.Sprintf("typographic quote %s in %s: the MTA does not treat it as a quote, it becomes part of the value", v.Text[first:first+3], what)
		fd.Hint = "delete the typographic quotes (probably pasted from a web page or word processor); plain values need no quotes"
		p.Report(fd)
	}
}

// typographicQuotes returns the byte range from the first to the end of
// the last typographic quote (“ ” ‘ ’) used as a quote, or -1. A ’
// between two letters is an apostrophe ("Mike’s"), not a quote.
func typographicQuotes(s string) (first, last int) {
	first, last = -1, -1
	for i := 0; i+2 < len(s); i++ {
		if s[i] != 0xE2 || s[i+1] != 0x80 {
			continue
		}
		switch s[i+2] {
		case 0x9C, 0x9D, 0x98:
		case 0x99:
			if i > 0 && isLetter(s[i-1]) && i+3 < len(s) && isLetter(s[i+3]) {
				continue
			}
		default:
			continue
		}
		if first < 0 {
			first = i
		}
		last = i + 3
	}
	return first, last
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// firstLine returns the first line of src after the BOM, without CR/LF.
func firstLine(f *lint.File) string {
	s := f.Src[len(utf8BOM):]
	if i := bytes.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimRight(string(s), "\r")
}

func cmpOr(a, b lint.Severity) lint.Severity {
	if a != lint.SeverityNone {
		return a
	}
	return b
}

func postfixMainBOM(f *lint.File) (string, lint.Severity) {
	line := firstLine(f)
	name := line[:len(line)-len(strings.TrimLeft(line, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"))]
	if name == "" || !strings.Contains(line, "=") {
		return "Postfix reads the first line as a parameter without '=' and stops (fatal: missing '=' after attribute name), so no Postfix program starts", 0
	}
	return "Postfix reads it as part of the first parameter name, so " + name + " is not set (postconf: unused parameter: \\xEF\\xBB\\xBF" + name + "=...)", 0
}

// [exp] postconf 3.7.11 -M with a BOM before master.cf's first comment:
// `fatal: file master.cf: line 1: bad field count`.
func postfixMasterBOM(*lint.File) (string, lint.Severity) {
	return "Postfix reads it as part of the first line, so a first comment line becomes a malformed service entry (fatal: master.cf: line 1: bad field count) and a first service gets a garbled name", 0
}

// [exp] postmap 3.7.11: a BOM before a # line turns that line into an
// entry with a garbled key; other entries are unaffected.
func postfixMapBOM(f *lint.File) (string, lint.Severity) {
	line := strings.TrimSpace(firstLine(f))
	if strings.HasPrefix(line, "#") || line == "" {
		return "the first line is no longer a comment: postmap stores it as an entry with a garbled key (harmless until that line becomes an entry)", lint.SeverityWarning
	}
	return "postmap stores it as part of the first key, so that entry never matches a lookup", 0
}

func eximBOM(*lint.File) (string, lint.Severity) {
	return "Exim refuses to start (found unexpected BOM (Byte Order Mark))", 0
}
