package postfix

import (
	"fmt"
	"hash/maphash"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/smarthost-lint/smarthost-lint/lint"
	pf "github.com/smarthost-lint/smarthost-lint/parsers/postfix"
)

// duplicateKeyRule is PF032. postmap(1): "Duplicate entries are skipped
// and are flagged with a warning" — the first entry of a key wins, after
// the case folding of fixed-string tables [doc, exp postmap 3.7.11].
var duplicateKeyRule = &lint.Rule{
	ID:       "PF032",
	MTA:      Name,
	Severity: lint.SeverityWarning,
	Title:    "duplicate key in a lookup table (postmap keeps the first)",
	Check:    checkDuplicateKeys,
}

// indentedTableRule is PF035: a table source whose first logical line is
// indented. postmap drops it with "logical line must not start with
// whitespace" — and when every line is indented (a snippet pasted from
// the seed) the table is built empty with exit status 0 [exp].
var indentedTableRule = &lint.Rule{
	ID:       "PF035",
	MTA:      Name,
	Severity: lint.SeverityError,
	Title:    "indented lookup-table source: postmap drops the entries",
	Check:    checkIndentedTables,
}

// parsedTables returns each table the unit read once, with the reference
// that decides its type (nil type for a standalone map: the hash default).
func parsedTables(s *Setup) []*MapRef {
	var out []*MapRef
	seen := map[*lint.File]bool{}
	refs := s.Maps
	if s.Standalone != nil {
		refs = append([]*MapRef{s.Standalone}, refs...)
	}
	for _, m := range refs {
		if m.Table == nil || m.Source == nil || seen[m.Source] {
			continue
		}
		seen[m.Source] = true
		out = append(out, m)
	}
	return out
}

// foldsKeys reports whether lookups in the table are case-insensitive
// (fixed-string tables; a standalone source defaults to hash).
func foldsKeys(m *MapRef) bool {
	return m.Type == "" || m.Indexed() || m.Type == "texthash"
}

func checkDuplicateKeys(p *lint.Pass) {
	for _, m := range parsedTables(p.Unit.(*Setup)) {
		if !foldsKeys(m) {
			continue
		}
		f := m.Source
		for _, d := range duplicateKeys(m.Table.Entries) {
			fd := f.At(d.Dup.KeyOffset, d.Dup.KeyOffset+len(d.Dup.Key))
			caseNote := ""
			if d.Dup.Key != d.First.Key {
				caseNote = " (keys are case-insensitive: " + d.First.Key + " and " + d.Dup.Key + " are the same key)"
			}
			fd.Message = fmt.Sprintf("duplicate key %s, first defined on line %d%s: postmap keeps the first entry and skips this one", d.Dup.Key, d.First.Pos.Line, caseNote)
			if d.Dup.Value == d.First.Value {
				fd.Hint = "delete this line; it repeats line " + strconv.Itoa(d.First.Pos.Line)
				fd.Fix = &lint.Fix{Description: "delete the duplicate entry", Safe: true,
					Edits: []lint.TextEdit{deleteLines(f, d.Dup.Pos.Offset, d.Dup.EndPos.Offset)}}
			} else {
				fd.Hint = fmt.Sprintf("keep one entry for this key: if this line holds the value you want, delete line %d", d.First.Pos.Line)
			}
			p.Report(fd)
		}
	}
}

// msgIndented starts the parser's problem for a dropped indented line
// (postmap's own wording).
const msgIndented = "logical line must not start with whitespace"

func checkIndentedTables(p *lint.Pass) {
	for _, m := range parsedTables(p.Unit.(*Setup)) {
		t := m.Table
		if !t.Indented {
			continue
		}
		var prob *pf.Problem
		for _, pr := range t.Problems {
			if strings.HasPrefix(pr.Msg, msgIndented) {
				prob = pr
				break
			}
		}
		if prob == nil {
			continue
		}
		f := m.Source
		start, end := prob.Pos.Offset, prob.EndPos.Offset
		first := f.LineSpan(prob.Pos.Line)
		fd := f.At(first.Start, first.End)
		if passwordParams[m.Param] {
			// The dropped lines are no entries, so nothing masks their
			// passwords: a whole-file finding shows no source line.
			fd = f.WholeFile()
		}
		if len(t.Entries) == 0 {
			fd.Message = "every entry of this table is indented: postmap joins the lines into one logical line that must not start with whitespace, drops it, and builds an empty table (exit status 0), so no lookup ever matches"
		} else {
			lines := "line " + strconv.Itoa(prob.Pos.Line)
			if prob.EndPos.Line > prob.Pos.Line {
				lines = fmt.Sprintf("lines %d-%d", prob.Pos.Line, prob.EndPos.Line)
			}
			fd.Message = "the table starts with indented text (" + lines + "): postmap drops it (\"logical line must not start with whitespace\"), so the entries written there are missing from the table"
		}
		fd.Hint = "remove the leading whitespace and run postmap again"
		if edits, uniform := dedent(f, start, end); len(edits) > 0 {
			fd.Fix = &lint.Fix{Description: "remove the indentation", Safe: uniform, Edits: edits}
		}
		p.Report(fd)
	}
}

// dedent removes the smallest indentation of the content lines in
// [start, end) from each of them, so lines at that indentation become
// entries and deeper ones stay continuations. uniform is true when all
// content lines had the same indentation (the pasted-snippet case).
func dedent(f *lint.File, start, end int) (edits []lint.TextEdit, uniform bool) {
	src := f.Src
	type line struct{ off, indent int }
	var lines []line
	for off := start; off < end; {
		e := off
		for e < len(src) && src[e] != '\n' {
			e++
		}
		i := off
		for i < e && (src[i] == ' ' || src[i] == '\t') {
			i++
		}
		if i < e && src[i] != '#' && src[i] != '\r' {
			lines = append(lines, line{off, i - off})
		}
		off = e + 1
	}
	if len(lines) == 0 {
		return nil, false
	}
	least := lines[0].indent
	uniform = true
	for _, l := range lines {
		if l.indent != lines[0].indent {
			uniform = false
		}
		least = min(least, l.indent)
	}
	for _, l := range lines {
		edits = append(edits, lint.TextEdit{Start: l.off, End: l.off + least})
	}
	return edits, uniform
}

// duplicateKeys returns every entry whose key (after the case folding of
// fixed-string tables) an earlier entry already has, paired with the
// earliest such entry, in file order — what postmap reports as
// "duplicate entry". It is Table.Duplicates without a map of every key:
// for a million-entry table a hash map costs a cache miss per key, so the
// keys' hashes are radix-sorted instead and only entries with equal
// hashes are compared. Nothing is allocated per entry unless a key needs
// Unicode folding.
func duplicateKeys(es []pf.TableEntry) []pf.Duplicate {
	n := len(es)
	if n < 2 {
		return nil
	}
	idxBits := uint(bits.Len(uint(n)))
	mask := uint64(1)<<idxBits - 1
	hs := make([]uint64, n)
	var buf []byte
	for i := range es {
		var h uint64
		h, buf = foldHash(es[i].Key, buf)
		hs[i] = h&^mask | uint64(i)
	}
	hs = sortHashes(hs)
	var out []pf.Duplicate
	for a := 0; a < n; {
		b := a + 1
		for b < n && hs[b]&^mask == hs[a]&^mask {
			b++
		}
		// hs[a:b] share a hash; their indices are ascending.
		for k := a + 1; k < b; k++ {
			dup := int(hs[k] & mask)
			for j := a; j < k; j++ {
				if first := int(hs[j] & mask); foldEqual(es[first].Key, es[dup].Key) {
					out = append(out, pf.Duplicate{First: &es[first], Dup: &es[dup]})
					break
				}
			}
		}
		a = b
	}
	slices.SortFunc(out, func(x, y pf.Duplicate) int { return x.Dup.KeyOffset - y.Dup.KeyOffset })
	return out
}

var keySeed = maphash.MakeSeed()

// foldHash hashes key as Postfix folds it (pf.FoldKey): lower-case ASCII
// keys hash as they are, other ASCII keys are lowered into buf, and only
// non-ASCII keys go through FoldKey.
func foldHash(key string, buf []byte) (uint64, []byte) {
	switch needsFold(key) {
	case foldNone:
		return maphash.String(keySeed, key), buf
	case foldASCII:
		buf = append(buf[:0], key...)
		for i, c := range buf {
			if 'A' <= c && c <= 'Z' {
				buf[i] = c + 'a' - 'A'
			}
		}
		return maphash.Bytes(keySeed, buf), buf
	}
	return maphash.String(keySeed, pf.FoldKey(key)), buf
}

type foldKind uint8

const (
	foldNone foldKind = iota
	foldASCII
	foldUnicode
)

// needsFold classifies a key eight bytes at a time: any byte >= 0x80
// needs Unicode folding, any of 'A'..'Z' ASCII folding.
func needsFold(s string) foldKind {
	const hi = 0x8080808080808080
	kind := foldNone
	i := 0
	for ; i+8 <= len(s); i += 8 {
		b := s[i : i+8]
		w := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		if w&hi != 0 {
			return foldUnicode
		}
		// With all bytes < 0x80 no addition carries into the next byte:
		// the high bit of w+0x3f.. marks bytes >= 'A', of w+0x25.. bytes > 'Z'.
		if (w+0x3f3f3f3f3f3f3f3f)&^(w+0x2525252525252525)&hi != 0 {
			kind = foldASCII
		}
	}
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf:
			return foldUnicode
		case 'A' <= c && c <= 'Z':
			kind = foldASCII
		}
	}
	return kind
}

func foldEqual(a, b string) bool {
	if a == b {
		return true
	}
	return pf.FoldKey(a) == pf.FoldKey(b)
}

// sortHashes sorts hs ascending: one counting pass and one scatter pass
// on the top 16 bits (the hashes are uniform, so buckets hold a handful
// each), then each bucket on its own — two sequential passes instead of
// the random accesses of a comparison sort. It returns the sorted slice,
// which may be a new one.
func sortHashes(hs []uint64) []uint64 {
	if len(hs) < 1<<16 {
		slices.Sort(hs)
		return hs
	}
	count := make([]int, 1<<16+1)
	for _, h := range hs {
		count[h>>48+1]++
	}
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	out := make([]uint64, len(hs))
	next := slices.Clone(count[:1<<16])
	for _, h := range hs {
		b := h >> 48
		out[next[b]] = h
		next[b]++
	}
	for b := range 1 << 16 {
		if lo, hi := count[b], count[b+1]; hi-lo > 1 {
			slices.Sort(out[lo:hi])
		}
	}
	return out
}
