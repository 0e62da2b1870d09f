package sendmail

import (
	"fmt"
	"strings"
)

// MapEntry is one "key value" line of a makemap source.
type MapEntry struct {
	Line       int
	Start, End int // the line without its newline
	Key        string
	KeyStart   int
	Value      string // rest of the line after the separating whitespace, \r kept (makemap does not strip it)
	ValueStart int
	// Tokens are the whitespace-separated words of Value; for AuthInfo:
	// entries each should be a quoted "T:text" or "T=base64" token.
	Tokens []Token
}

// Token is one word of an AuthInfo right-hand side.
type Token struct {
	Start, End int    // in the file, quotes included
	Text       string // as written
	Quoted     bool   // starts with '"'
	Closed     bool   // quoted and ends with '"'
	// Tag and Sep are the letter and ':' or '=' after the opening quote
	// ("U:", "P="); Data is the text after them, without the closing quote.
	Tag, Sep  byte
	Data      string
	DataStart int
	DataEnd   int
}

// Makemap is a parsed makemap(8) source.
type Makemap struct {
	Src      string
	Entries  []*MapEntry
	Comments []CFComment
	Problems []Problem
}

// ParseMakemap parses a makemap source (authinfo, access, mailertable...)
// as makemap.c reads it: lines whose first byte is '#' and empty lines are
// skipped; a line starting with whitespace is "syntax error (leading
// space)" and skipped; the key ends at the first whitespace and the value
// is the rest of the line after the whitespace; a key without a value is
// skipped with an error. Keys keep their case here (makemap folds them to
// lower case unless -f; callers compare case-insensitively).
func ParseMakemap(name string, src []byte) (*Makemap, error) {
	return scanMakemap(name, src)
}

// parseMakemapGrammar is the participle version of ParseMakemap: the
// reference the scanner (makemap_scan.go) is tested and fuzzed against.
func parseMakemapGrammar(name string, src []byte) (*Makemap, error) {
	s := string(src)
	mm := &Makemap{Src: s}
	add := func(k ProblemKind, start, end int, msg string) {
		line, col := lineCol(s, start)
		mm.Problems = append(mm.Problems, Problem{Kind: k, Start: start, End: end, Line: line, Col: col, Msg: msg})
	}
	if i := strings.IndexByte(s, 0); i >= 0 {
		add(Binary, i, i+1, "NUL byte: this is not a text makemap source (a compiled .db?)")
		return mm, fmt.Errorf("%s", mm.Problems[0].Error(name))
	}
	ast, err := makemapParser().ParseString(name, s)
	if err != nil || ast == nil {
		add(Binary, 0, 0, fmt.Sprintf("cannot read: %v", err))
		return mm, fmt.Errorf("%s", mm.Problems[0].Error(name))
	}
	for _, l := range ast.Lines {
		start := l.Pos.Offset
		end := l.EndPos.Offset
		if end > start && s[end-1] == '\n' {
			end--
		}
		switch {
		case l.Comment != nil:
			mm.Comments = append(mm.Comments, CFComment{Start: start, End: end, Line: l.Pos.Line, Text: s[start:end]})
		case l.Indented != nil:
			add(LeadingSpace, start, end, "syntax error (leading space): makemap skips a line that starts with whitespace")
		case l.Entry != nil:
			e := &MapEntry{Line: l.Pos.Line, Start: start, End: end, KeyStart: start}
			line := s[start:end]
			k := strings.IndexAny(line, " \t\v\f\r")
			if k < 0 {
				k = len(line)
			}
			e.Key = line[:k]
			v := k
			for v < len(line) && strings.IndexByte(" \t\v\f\r", line[v]) >= 0 {
				v++
			}
			e.Value, e.ValueStart = line[v:], start+v
			if e.Value == "" {
				add(NoValue, start, end, fmt.Sprintf("no RHS for LHS %s: makemap skips a key without a value", e.Key))
				continue
			}
			e.Tokens = tokensGrammar(e.Value, e.ValueStart)
			mm.Entries = append(mm.Entries, e)
		}
	}
	if len(mm.Problems) > 0 {
		return mm, fmt.Errorf("%s", mm.Problems[0].Error(name))
	}
	return mm, nil
}

// tokensGrammar splits an AuthInfo value into its words with the
// participle grammar; a quoted token runs to the next '"' (spaces inside
// quotes belong to it: "M:PLAIN LOGIN"). scanTokens is the fast version.
func tokensGrammar(v string, at int) []Token {
	ast, err := tokenParser().ParseString("", v)
	if err != nil || ast == nil {
		return nil
	}
	var out []Token
	for _, t := range ast.Toks {
		out = append(out, makeToken(v, at, t.Pos.Offset, t.EndPos.Offset, t.Quoted != nil))
	}
	return out
}

// makeToken fills a Token for v[start:end] (offsets in v; at is v's
// offset in the file).
func makeToken(v string, at, start, end int, quoted bool) Token {
	tok := Token{Start: at + start, End: at + end, Text: v[start:end]}
	body := tok.Text
	ds := tok.Start
	if quoted {
		tok.Quoted = true
		body = body[1:]
		ds++
		if strings.HasSuffix(body, `"`) {
			tok.Closed = true
			body = body[:len(body)-1]
		}
	}
	if len(body) >= 2 && (body[1] == ':' || body[1] == '=') {
		tok.Tag, tok.Sep = body[0], body[1]
		body, ds = body[2:], ds+2
	}
	tok.Data, tok.DataStart, tok.DataEnd = body, ds, ds+len(body)
	return tok
}

// Lookup returns the entries whose key equals key case-insensitively
// (makemap folds keys to lower case by default), in file order.
func (mm *Makemap) Lookup(key string) []*MapEntry {
	var out []*MapEntry
	for _, e := range mm.Entries {
		if strings.EqualFold(e.Key, key) {
			out = append(out, e)
		}
	}
	return out
}
