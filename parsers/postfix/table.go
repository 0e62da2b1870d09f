package postfix

import (
	"fmt"
	"unicode/utf8"
)

// Table sources are read twice in this package: ParseTableGrammar uses the
// participle grammars (the reference) and ParseTable is a single-pass byte
// scanner (table_scan.go) for million-line files. Both must build the same
// Table for every input; the tests and FuzzParseTable compare them.
//
// What postmap does with a logical line (src/postmap/postmap.c,
// postmap_body() of Postfix 3.7, after readllines()):
//  1. with smtputf8_enable = yes (the default since compatibility_level 1)
//     a line that is not ASCII and not valid UTF-8 is skipped;
//  2. the line is a C string: a NUL byte ends it;
//  3. the key ends at the first whitespace outside double quotes (a
//     backslash protects the next byte); an open quote skips the line;
//  4. the value is the rest with the whitespace around it removed;
//  5. no key or no value: "expected format: key whitespace value", skipped;
//  6. a key ending in ':' is stored with a warning ("is this an alias
//     file?").
//
// Keys are folded to lower case when stored and looked up (fixed-string
// tables: hash, btree, lmdb, cdb, dbm, texthash); duplicates are skipped
// with a warning, so the first entry wins.

const (
	msgNonUTF8     = "non-UTF-8 input: postmap ignores this line (with smtputf8_enable = yes, the default since compatibility_level 1)"
	msgUnbalanced  = `unbalanced '"': postmap ignores this line`
	msgFormat      = "expected format: key whitespace value: postmap ignores this line"
	msgAliasFormat = `record is in "key: value" format; is this an alias file?`
	msgNULTable    = "NUL byte: postmap ignores the rest of the logical line"
)

// asciiC reports whether s is ASCII up to its first NUL byte (Postfix's
// allascii() on a C string).
func asciiC(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == 0:
			return true
		case c >= 0x80:
			return false
		}
	}
	return true
}

// trimSpaceRight returns len(s) without trailing isspace() bytes.
func trimSpaceRight(s string) int {
	n := len(s)
	for n > 0 && isSpace(s[n-1]) {
		n--
	}
	return n
}

// ParseTableGrammar parses a table source with the participle grammars. It
// is the reference for ParseTable, which returns the same Table faster.
func ParseTableGrammar(filename string, src []byte) (*Table, error) {
	s := string(src)
	ls := splitLines(filename, s)
	t := &Table{Pos: ls.pos(0), EndPos: ls.pos(len(s)), Filename: filename, Comments: ls.comments, Problems: ls.problems, index: &tableIndex{}}
	for _, l := range ls.groups {
		if l.dropped {
			t.Indented = true
			t.Problems = append(t.Problems, droppedProblem(ls.pos, s, l))
			continue
		}
		grammarEntry(t, ls, l)
	}
	return t, t.Err()
}

func grammarEntry(t *Table, ls *lineSet, l *logicalLine) {
	whole := func(msg string) {
		t.Problems = append(t.Problems, &Problem{Pos: ls.pos(l.start()), EndPos: ls.pos(l.end(ls.src)), Msg: msg})
	}
	if !asciiC(l.text) && !utf8.ValidString(l.text) {
		whole(msgNonUTF8)
		return
	}
	text, nul := cutNUL(ls, l, "postmap")
	if nul != nil {
		t.Problems = append(t.Problems, nul)
	}
	ast, err := tableKeyParser().ParseString("", text)
	if err != nil || ast == nil {
		whole(fmt.Sprintf("internal error: %v", err))
		return
	}
	keyEnd := 0
	for _, k := range ast.Key {
		if k.Open != nil {
			whole(msgUnbalanced)
			return
		}
		keyEnd = k.EndPos.Offset
	}
	vlo, vhi := keyEnd, keyEnd
	if ast.Value != nil {
		vlo = ast.Value.Pos.Offset
		vhi = vlo + trimSpaceRight(ast.Value.Text)
	}
	if keyEnd == 0 || vhi == vlo {
		whole(msgFormat)
		return
	}
	key := text[:keyEnd]
	if key[len(key)-1] == ':' {
		t.Problems = append(t.Problems, &Problem{Pos: ls.pos(l.fileStart(0)), EndPos: ls.pos(l.fileEnd(keyEnd)), Msg: msgAliasFormat})
	}
	t.Entries = append(t.Entries, TableEntry{
		Pos: ls.pos(l.start()), EndPos: ls.pos(l.end(ls.src)),
		Key: key, Value: text[vlo:vhi],
		KeyOffset: l.fileStart(0), ValueOffset: l.fileStart(vlo), ValueEnd: l.fileEnd(vhi),
		Continued: len(l.parts) > 1,
	})
}

// Lookup returns the entry postmap -q finds for key in a fixed-string
// table (hash, btree, lmdb, cdb, dbm, texthash): keys compare after case
// folding and the first of duplicate entries wins. It returns nil when
// there is none. The index is built on first use; do not change Entries
// afterwards.
func (t *Table) Lookup(key string) *TableEntry {
	if t.index == nil {
		// A Table not made by this package: no index to share.
		k := FoldKey(key)
		for i := range t.Entries {
			if FoldKey(t.Entries[i].Key) == k {
				return &t.Entries[i]
			}
		}
		return nil
	}
	t.index.once.Do(func() {
		m := make(map[string]int, len(t.Entries))
		for i := range t.Entries {
			k := FoldKey(t.Entries[i].Key)
			if _, dup := m[k]; !dup {
				m[k] = i
			}
		}
		t.index.m = m
	})
	if i, ok := t.index.m[FoldKey(key)]; ok {
		return &t.Entries[i]
	}
	return nil
}

// LookupExact returns the first entry whose key is exactly key (no case
// folding, as for a table opened without folding), or nil.
func (t *Table) LookupExact(key string) *TableEntry {
	for i := range t.Entries {
		if t.Entries[i].Key == key {
			return &t.Entries[i]
		}
	}
	return nil
}

// Duplicate is an entry postmap skips ("duplicate entry") because an
// earlier entry has the same key after case folding.
type Duplicate struct {
	First *TableEntry // the entry postmap keeps
	Dup   *TableEntry // the later entry it skips
}

// Duplicates returns every later duplicate with the first entry of its
// key, in file order.
func (t *Table) Duplicates() []Duplicate {
	var out []Duplicate
	first := make(map[string]int, len(t.Entries))
	for i := range t.Entries {
		k := FoldKey(t.Entries[i].Key)
		if j, dup := first[k]; dup {
			out = append(out, Duplicate{First: &t.Entries[j], Dup: &t.Entries[i]})
			continue
		}
		first[k] = i
	}
	return out
}
