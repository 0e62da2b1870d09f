package sendmail

import (
	"fmt"
	"strings"
)

// Access maps can hold hundreds of thousands of lines, so ParseMakemap is
// a single-pass byte scanner that builds the same Makemap as the
// participle grammar (parseMakemapGrammar); a test and FuzzParseMakemap
// compare the two.

// isMapSpace is isspace() without the newline: what makemap skips.
func isMapSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' }

func scanMakemap(name string, src []byte) (*Makemap, error) {
	s := string(src)
	mm := &Makemap{Src: s}
	add := func(k ProblemKind, start, end, line int, msg string) {
		col := start - (strings.LastIndexByte(s[:start], '\n') + 1) + 1
		mm.Problems = append(mm.Problems, Problem{Kind: k, Start: start, End: end, Line: line, Col: col, Msg: msg})
	}
	if i := strings.IndexByte(s, 0); i >= 0 {
		line, col := lineCol(s, i)
		mm.Problems = append(mm.Problems, Problem{Kind: Binary, Start: i, End: i + 1, Line: line, Col: col, Msg: "NUL byte: this is not a text makemap source (a compiled .db?)"})
		return mm, fmt.Errorf("%s", mm.Problems[0].Error(name))
	}
	line := 0
	for start := 0; start < len(s); {
		line++
		end := strings.IndexByte(s[start:], '\n')
		next := len(s)
		if end < 0 {
			end = len(s)
		} else {
			end += start
			next = end + 1
		}
		switch c := s[start]; {
		case c == '\n':
		case c == '#':
			mm.Comments = append(mm.Comments, CFComment{Start: start, End: end, Line: line, Text: s[start:end]})
		case isMapSpace(c):
			add(LeadingSpace, start, end, line, "syntax error (leading space): makemap skips a line that starts with whitespace")
		default:
			e := &MapEntry{Line: line, Start: start, End: end, KeyStart: start}
			k := start
			for k < end && !isMapSpace(s[k]) {
				k++
			}
			e.Key = s[start:k]
			v := k
			for v < end && isMapSpace(s[v]) {
				v++
			}
			e.Value, e.ValueStart = s[v:end], v
			if e.Value == "" {
				add(NoValue, start, end, line, fmt.Sprintf("no RHS for LHS %s: makemap skips a key without a value", e.Key))
				break
			}
			e.Tokens = scanTokens(e.Value, e.ValueStart)
			mm.Entries = append(mm.Entries, e)
		}
		start = next
	}
	if len(mm.Problems) > 0 {
		return mm, fmt.Errorf("%s", mm.Problems[0].Error(name))
	}
	return mm, nil
}

// scanTokens is tokensGrammar by hand.
func scanTokens(v string, at int) []Token {
	var out []Token
	for i := 0; i < len(v); {
		switch c := v[i]; {
		case isMapSpace(c):
			i++
		case c == '"':
			j := strings.IndexByte(v[i+1:], '"')
			end := len(v)
			if j >= 0 {
				end = i + 1 + j + 1
			}
			out = append(out, makeToken(v, at, i, end, true))
			i = end
		default:
			j := i
			for j < len(v) && !isMapSpace(v[j]) && v[j] != '"' {
				j++
			}
			out = append(out, makeToken(v, at, i, j, false))
			i = j
		}
	}
	return out
}
