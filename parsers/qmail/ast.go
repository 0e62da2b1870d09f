package qmail

import "fmt"

// Pos is a position in a file: byte offset, 1-based line and 1-based
// byte column.
type Pos struct {
	Offset int
	Line   int
	Column int
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Column) }

// Field is a piece of text with its place in the file; End is exclusive.
type Field struct {
	Pos, End Pos
	Text     string
}

// LineKind says how control_readfile treats a physical line.
type LineKind int

const (
	LineBlank   LineKind = iota // empty after stripping trailing ' ' and '\t'
	LineComment                 // first byte '#'
	LineNul                     // first byte NUL: skipped (control.c tests line.s[0])
	LineData                    // stored: its records go to constmap
)

// Line is one physical line.
type Line struct {
	Pos Pos
	// End is the end of the line without its '\n'; Kept is where
	// the stored text ends, after qmail strips trailing spaces and tabs.
	End, Kept Pos
	Text      string // without the '\n', trailing white space included
	Kind      LineKind
	Records   []*Record
}

// Record is what constmap_init sees: a stored line, or a NUL-separated part
// of one. A record without ':' is ignored by qmail (Key and Sep are then
// unset and Colon is false).
type Record struct {
	Field
	Line  *Line
	Colon bool
	Key   *Field // text before the first ':'; nil when empty
	Sep   Pos    // the first ':'
	Value *Field // text after the first ':'; nil when empty
}

// KeyText is the key ("" for the default route).
func (r *Record) KeyText() string {
	if r.Key == nil {
		return ""
	}
	return r.Key.Text
}

// Relay is a relay host and port as qmail-remote splits them (str_chr at
// the first ':', scan_ulong on the rest).
type Relay struct {
	Host    *Field // nil when empty
	PortSep *Pos   // the ':' before the port; nil when there is none (port 25)
	Port    *Port  // the text after PortSep; nil with PortSep
}

// Port is the text after the relay's ':'.
type Port struct {
	Field
	Digits string // the leading digits scan_ulong reads
	Rest   string // what follows them, ignored by qmail-remote
}

// DefaultPort is PORT_SMTP in qmail-remote.c.
const DefaultPort = 25

// Value is the number scan_ulong computes: leading digits, wrapping like
// the C unsigned long (64 bits), 0 when there are none.
func (p *Port) Value() uint64 { return ScanUlong(p.Text) }

// Number is the port qmail-remote connects to: scan_ulong's value cast to
// unsigned int, then packed into the 16-bit sin_port (timeoutconn.c).
func (r Relay) Number() uint16 {
	if r.PortSep == nil {
		return DefaultPort
	}
	return uint16(r.Port.Value())
}

// HostText is the relay host ("" when empty).
func (r Relay) HostText() string {
	if r.Host == nil {
		return ""
	}
	return r.Host.Text
}

// ScanUlong is scan_ulong.c: decimal digits from the start of s until the
// first non-digit, with C unsigned long wrap-around.
func ScanUlong(s string) uint64 {
	var n uint64
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + uint64(s[i]-'0')
	}
	return n
}

// Comment is a comment line ('#' at byte 0). Text is what follows the '#'.
type Comment struct {
	Pos, End Pos
	Text     string
	// Next is the line of the next data line after the comment (0 if
	// none): what a suppression comment applies to.
	Next int
}

// Problem is input qmail reads but that is not text: a NUL byte or another
// control character inside a stored line. Err formats as file:line:col.
type Problem struct {
	File     string
	Pos, End Pos
	Msg      string
}

func (p *Problem) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Pos.Line, p.Pos.Column, p.Msg)
}
