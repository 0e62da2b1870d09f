package lint

import (
	"bytes"
	"slices"
	"sort"
	"sync"
	"unsafe"
)

// Kind names a type of input file (SPEC §2).
type Kind string

// Kinds of input known to the engine. Frontends may add others.
const (
	KindPostfixMain   Kind = "postfix-main"
	KindPostfixMaster Kind = "postfix-master"
	KindPostfixMap    Kind = "postfix-map"

	KindExim       Kind = "exim"        // exim.conf, exim4.conf.template, configure, included files
	KindEximSplit  Kind = "exim-split"  // Debian /etc/exim4/conf.d/ and update-exim4.conf.conf
	KindEximCpanel Kind = "exim-cpanel" // cPanel exim.conf.local (@SECTION@ markers), exim.conf.localopts

	KindQmailSmtproutes  Kind = "qmail-smtproutes"
	KindQmailAuthsenders Kind = "qmail-authsenders" // control/authsenders (Hoffmann's qmail-authentication patch)

	KindSendmailMC       Kind = "sendmail-mc"
	KindSendmailCF       Kind = "sendmail-cf"
	KindSendmailAuthinfo Kind = "sendmail-authinfo"
	KindSendmailAccess   Kind = "sendmail-access" // makemap source of the access map (TLS_Srv:, AuthInfo:)
)

// Span is a half-open byte range [Start, End) in a file.
type Span struct{ Start, End int }

// SecretIndex tells which byte ranges of a file hold secrets. Tables with a
// million credentials implement it lazily instead of materialising a slice.
type SecretIndex interface {
	// SecretsIn returns the secret spans that overlap [lo, hi), sorted.
	SecretsIn(lo, hi int) []Span
}

// Spans is a SecretIndex over a sorted slice of spans.
type Spans []Span

// SecretsIn implements SecretIndex.
func (s Spans) SecretsIn(lo, hi int) []Span {
	i := sort.Search(len(s), func(i int) bool { return s[i].End > lo })
	var out []Span
	for ; i < len(s) && s[i].Start < hi; i++ {
		out = append(out, s[i])
	}
	return out
}

// Comment is a comment in the file's own syntax, as the parser found it, with
// the lines an inline suppression written in it would apply to.
type Comment struct {
	Line   int    // 1-based line of the comment
	Column int    // 1-based byte column where the comment text starts
	Text   string // text after the comment marker (# or dnl)
	// FirstLine..LastLine is the directive a "line above" suppression covers:
	// the next logical line (all its physical lines). Zero when nothing follows.
	FirstLine, LastLine int
	// Trailing is true for a comment at the end of a directive line; it then
	// covers its own line.
	Trailing bool
}

// File is one input file with everything the engine needs to report on it.
type File struct {
	Path     string // path as shown to the user
	DiskPath string // path actually read (after --root); "" for stdin
	Kind     Kind   // detected or forced kind
	// Src is the contents. It is never modified once the file is read:
	// Text aliases it, and parsers keep substrings of it.
	Src  []byte
	Info *FileInfo // mode, owner, mtime; nil for stdin and in-memory input
	// Secrets marks byte ranges that must never be printed.
	Secrets SecretIndex
	// Comments are the file's comments, used for inline suppressions.
	Comments []Comment
	// HoldsCredentials marks a file with plaintext credentials whose
	// permissions no MTA-specific rule checks (GEN003 does).
	HoldsCredentials bool
	// Parsed is the parser's AST, for rules and library users.
	Parsed any

	lines     []int // offsets of line starts, built lazily
	linesOnce sync.Once
}

// Text returns Src as a string without copying it. Src is immutable (see
// File), so the string is too; a million-entry table is not held twice.
func (f *File) Text() string {
	if len(f.Src) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(f.Src), len(f.Src))
}

// NewFile returns a File for src shown as path.
func NewFile(path string, kind Kind, src []byte) *File {
	return &File{Path: path, Kind: kind, Src: src}
}

// index builds the line table once; rules run concurrently and all ask
// for positions.
func (f *File) index() { f.linesOnce.Do(f.buildIndex) }

func (f *File) buildIndex() {
	n := bytes.Count(f.Src, []byte{'\n'})
	f.lines = make([]int, 1, n+2)
	for i, c := range f.Src {
		if c == '\n' {
			f.lines = append(f.lines, i+1)
		}
	}
}

// Pos converts a byte offset into a line and byte column (both 1-based).
// Offsets past the end clamp to the end of the file.
func (f *File) Pos(off int) Pos {
	f.index()
	off = max(0, min(off, len(f.Src)))
	i := sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > off }) - 1
	return Pos{Line: i + 1, Column: off - f.lines[i] + 1}
}

// Offset converts a position back into a byte offset.
func (f *File) Offset(p Pos) int {
	f.index()
	if p.Line < 1 {
		return 0
	}
	if p.Line > len(f.lines) {
		return len(f.Src)
	}
	return min(f.lines[p.Line-1]+max(p.Column, 1)-1, len(f.Src))
}

// NumLines returns the number of lines (a final line without newline counts).
func (f *File) NumLines() int {
	f.index()
	if len(f.Src) > 0 && f.Src[len(f.Src)-1] == '\n' {
		return len(f.lines) - 1
	}
	return len(f.lines)
}

// LineSpan returns the byte range of line n without its newline (and CR).
func (f *File) LineSpan(n int) Span {
	f.index()
	if n < 1 || n > len(f.lines) {
		return Span{len(f.Src), len(f.Src)}
	}
	start := f.lines[n-1]
	end := len(f.Src)
	if n < len(f.lines) {
		end = f.lines[n] - 1
	}
	if end > start && f.Src[end-1] == '\r' {
		end--
	}
	return Span{start, end}
}

// MaskedLine returns line n with every secret replaced by Mask. Formatters
// must use it (never Src) to show source.
func (f *File) MaskedLine(n int) string {
	sp := f.LineSpan(n)
	line := f.Src[sp.Start:sp.End]
	if f.Secrets == nil {
		return string(line)
	}
	secrets := f.Secrets.SecretsIn(sp.Start, sp.End)
	if len(secrets) == 0 {
		return string(line)
	}
	var b bytes.Buffer
	last := sp.Start
	for _, s := range secrets {
		s.Start, s.End = max(s.Start, sp.Start), min(s.End, sp.End)
		if s.Start < last {
			s.Start = last
		}
		if s.End <= s.Start {
			continue
		}
		b.Write(f.Src[last:s.Start])
		b.WriteString(Mask)
		last = s.End
	}
	b.Write(f.Src[last:sp.End])
	return b.String()
}

// ContainsSecret reports whether [lo, hi) overlaps a secret.
func (f *File) ContainsSecret(lo, hi int) bool {
	return f.Secrets != nil && len(f.Secrets.SecretsIn(lo, hi)) > 0
}

// At builds a finding for rule on the byte range [start, end) of f.
func (f *File) At(start, end int) Finding {
	if end < start {
		end = start
	}
	return Finding{Path: f.Path, Start: f.Pos(start), End: f.Pos(end)}
}

// WholeFile builds a finding that concerns the file as a whole (permissions,
// staleness): it points at line 1, column 1.
func (f *File) WholeFile() Finding {
	return Finding{Path: f.Path, Start: Pos{1, 1}, End: Pos{1, 1}}
}

// AddSecret marks [start, end) as secret, keeping a Spans index sorted.
// Frontends with their own SecretIndex must not mix it with AddSecret.
func (f *File) AddSecret(start, end int) {
	if end <= start {
		return
	}
	s, _ := f.Secrets.(Spans)
	i, _ := slices.BinarySearchFunc(s, start, func(a Span, t int) int { return a.Start - t })
	s = slices.Insert(s, i, Span{start, end})
	f.Secrets = s
}
