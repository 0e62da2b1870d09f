package lint

import "iter"

// Role says what a configured value is used for; cross-cutting rules such
// as GEN001 (placeholders) weigh findings by it.
type Role int

const (
	RoleOther      Role = iota
	RoleRouting         // where mail goes: relay hosts, nexthops, routing keys
	RoleCredential      // user names and passwords
)

// Value is one configured value with its place in a file: a parameter
// value, a table key or a table value. Text may be a secret (Role ==
// RoleCredential); rules must never copy it into a message.
type Value struct {
	File       *File
	Start, End int // bytes of Text in File
	Text       string
	Name       string // parameter name, or the table's parameter for table entries
	Role       Role
}

// ValueLister is implemented by units that can enumerate their values
// without rules knowing the MTA's syntax (comments are already excluded).
type ValueLister interface {
	Values() iter.Seq[Value]
}
