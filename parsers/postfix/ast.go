package postfix

import (
	"fmt"
	"sort"
	"sync"

	"github.com/alecthomas/participle/v2/lexer"
)

// Every node carries Pos (first byte) and EndPos (one past the last byte).
// Offsets are byte offsets into the source, Line is 1-based and Column is
// the 1-based byte (not rune) column.

// Line is one physical line of a file.
type Line struct {
	Pos, EndPos lexer.Position
	Text        string // without the newline and without a CR before it
}

// Comment is a comment line: its first non-whitespace character is '#'.
// Postfix has no trailing comments, so '#' anywhere else is data.
type Comment struct {
	Pos, EndPos lexer.Position // Pos is the position of the '#'
	Text        string         // the text after '#', untrimmed (a CR before the newline removed)
	// Next is the 1-based line number of the next physical line that is
	// neither a comment nor blank, or 0 at the end of the file. Comments
	// inside a continued logical line point at its next continuation line.
	Next int
}

// Problem is a syntax problem. Fatal problems are those that make the real
// Postfix tool (postconf, master, postmap) refuse the file; the others are
// warnings Postfix prints while it goes on, or input it silently ignores.
type Problem struct {
	Pos, EndPos lexer.Position
	Fatal       bool
	Msg         string
}

// Error formats the problem as file:line:col: message.
func (p *Problem) Error() string {
	if p.Pos.Filename == "" {
		return fmt.Sprintf("%d:%d: %s", p.Pos.Line, p.Pos.Column, p.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", p.Pos.Filename, p.Pos.Line, p.Pos.Column, p.Msg)
}

// firstFatal returns the first fatal problem in file order, or nil.
func firstFatal(ps []*Problem) error {
	var first *Problem
	for _, p := range ps {
		if p.Fatal && (first == nil || p.Pos.Offset < first.Pos.Offset) {
			first = p
		}
	}
	if first == nil {
		return nil
	}
	return first
}

// MainCF is a parsed main.cf.
type MainCF struct {
	Pos, EndPos lexer.Position
	Filename    string
	Entries     []*Entry // one per logical line, in file order
	Comments    []*Comment
	Problems    []*Problem
}

// Entry is one logical line of main.cf: a physical line that starts with
// non-whitespace text plus the continuation lines (lines starting with
// whitespace) after it. Exactly one of Param, Dropped and Invalid is set.
type Entry struct {
	Pos, EndPos lexer.Position
	Param       *Param
	// Dropped is a logical line Postfix ignores with "logical line must
	// not start with whitespace": the indented text at the top of the file
	// (before any parameter). Text is the joined logical line.
	Dropped *Line
	// Invalid is a logical line Postfix rejects (fatal problem), for
	// example a line without '='. Text is the joined logical line.
	Invalid *Line
	// Lines are the physical lines of the logical line without the
	// comment and blank lines inside it.
	Lines []*Line
}

// Param is a "name = value" logical line.
type Param struct {
	Pos, EndPos      lexer.Position // whole logical line, continuation lines included
	Name             string         // as written (names outside [A-Za-z0-9_] are kept: rules report them)
	NamePos, NameEnd lexer.Position
	// Value is the value as `postconf -n` shows it: continuation lines
	// joined, leading and trailing whitespace removed and every run of
	// space, tab, CR or newline turned into one space (postconf's output
	// normalisation; the values rules compare against).
	Value string
	// RawValue is the value the Postfix daemons see: the physical lines
	// concatenated as they are (a continuation line keeps its leading
	// whitespace, the newline goes), leading and trailing whitespace
	// removed. It differs from Value only in inner whitespace.
	RawValue           string
	ValuePos, ValueEnd lexer.Position // span of the value in the file (equal when the value is empty)
	// Continuations are the physical continuation lines of the parameter
	// (not the first line), so a rule can say that an indented "bar = 1"
	// line was swallowed.
	Continuations []*Line

	segs []segment // maps Value bytes to file offsets
}

// segment maps Value[val:val+n] to the file bytes [file, file+n).
type segment struct{ val, file, n int }

// OffsetOf returns the file byte offset of Value[i]; for i == len(Value)
// it returns the end offset of the value. It returns -1 when i is out of
// range. A space that stands for a run of whitespace (or a line break)
// maps to the first whitespace byte of the run.
func (p *Param) OffsetOf(i int) int {
	switch {
	case i < 0 || i > len(p.Value):
		return -1
	case i == len(p.Value):
		return p.ValueEnd.Offset
	}
	k := sort.Search(len(p.segs), func(k int) bool { return p.segs[k].val+p.segs[k].n > i })
	if k == len(p.segs) {
		return -1
	}
	s := p.segs[k]
	return s.file + (i - s.val)
}

// Params returns the parameters in file order, duplicates included.
func (m *MainCF) Params() []*Param {
	var out []*Param
	for _, e := range m.Entries {
		if e.Param != nil {
			out = append(out, e.Param)
		}
	}
	return out
}

// Lookup returns the effective definition of name: the last one, as
// Postfix keeps only the last instance of a parameter. It returns nil when
// name is not set.
func (m *MainCF) Lookup(name string) *Param {
	for i := len(m.Entries) - 1; i >= 0; i-- {
		if p := m.Entries[i].Param; p != nil && p.Name == name {
			return p
		}
	}
	return nil
}

// Get returns the effective Value of name; ok is false when it is not set.
// Its signature fits Expand's lookup argument.
func (m *MainCF) Get(name string) (value string, ok bool) {
	if p := m.Lookup(name); p != nil {
		return p.Value, true
	}
	return "", false
}

// Err returns the first fatal problem (the error ParseMain returned).
func (m *MainCF) Err() error { return firstFatal(m.Problems) }

// MasterCF is a parsed master.cf.
type MasterCF struct {
	Pos, EndPos lexer.Position
	Filename    string
	Services    []*Service
	Comments    []*Comment
	Problems    []*Problem
}

// Err returns the first fatal problem (the error ParseMaster returned).
func (m *MasterCF) Err() error { return firstFatal(m.Problems) }

// Lookup returns the first service with that name and type ("" matches any
// type), or nil.
func (m *MasterCF) Lookup(name, typ string) *Service {
	for _, s := range m.Services {
		if s.Name == name && (typ == "" || s.Type == typ) {
			return s
		}
	}
	return nil
}

// Service is one master.cf entry (a logical line).
type Service struct {
	Pos, EndPos                                                   lexer.Position
	Name, Type, Private, Unpriv, Chroot, Wakeup, Maxproc, Command string
	Fields                                                        []*Field // the 8 fixed fields, in order
	// Args are the words after the command, as written; a word in {}
	// braces has Value without the braces (and without the whitespace
	// just inside them).
	Args []*Field
	// Overrides are the -o name=value options, in order (the last one of
	// a name wins).
	Overrides []*Override
	// Continuations are the physical continuation lines of the entry.
	Continuations []*Line
}

// Override returns the effective -o override of name for the service (the
// last one), or nil.
func (s *Service) Override(name string) *Override {
	for i := len(s.Overrides) - 1; i >= 0; i-- {
		if s.Overrides[i].Name == name {
			return s.Overrides[i]
		}
	}
	return nil
}

// Field is one whitespace-separated word of a master.cf entry.
type Field struct {
	Pos, EndPos lexer.Position
	Value       string // Raw, or for a {...} argument the text inside the braces
	Raw         string // as written
}

// Override is a "-o name=value" or "-o { name = value }" option.
type Override struct {
	Pos, EndPos       lexer.Position // from the -o to the end of the value word
	Name, Value       string
	NamePos, ValuePos lexer.Position
	NameEnd, ValueEnd lexer.Position
	Braced            bool // written as -o { name = value } (Postfix >= 3.0)
}

// Table is a parsed lookup-table source (postmap input: sasl_passwd,
// transport, sender_relay, access, ...).
type Table struct {
	Pos, EndPos lexer.Position
	Filename    string
	// Entries are the entries postmap stores, in file order (duplicates
	// included: postmap keeps the first, see Lookup and Duplicates).
	Entries  []TableEntry
	Comments []*Comment
	Problems []*Problem
	// Indented is set when the first logical line starts with whitespace:
	// postmap drops it (with everything up to the next unindented line),
	// so an entirely indented file builds an empty table.
	Indented bool

	index *tableIndex // built by the first Lookup
}

// tableIndex maps folded keys to the first entry with that key.
type tableIndex struct {
	once sync.Once
	m    map[string]int
}

// TableEntry is one "key whitespace value" logical line.
type TableEntry struct {
	Pos, EndPos lexer.Position // whole logical line, continuation lines included
	// Key is the key as postmap stores it before case folding, quotes
	// included ("key with space" keeps its quotes, Postfix >= 3.2).
	Key string
	// Value is the value with surrounding whitespace removed; continuation
	// lines are appended verbatim (with their leading whitespace).
	Value       string
	KeyOffset   int  // byte offset of the key in the source
	ValueOffset int  // byte offset of the value in the source
	ValueEnd    int  // byte offset just after the value
	Continued   bool // the entry spans continuation lines
}

// Err returns the first fatal problem; postmap has none for table
// sources (it warns and skips bad lines), so it is nil.
func (t *Table) Err() error { return firstFatal(t.Problems) }
