package exim

import (
	"strings"

	ex "github.com/smarthost-lint/smarthost-lint/parsers/exim"
)

// errorHint says what to write instead for a parser error (the message
// itself is Exim's own wording, so the hint is all the help a reader gets).
// The cases follow the messages readconf.c prints (RULES.md §3.1).
func errorHint(e *ex.Error) string {
	m := e.Msg
	has := func(s string) bool { return strings.Contains(m, s) }
	switch e.Code {
	case "syntax":
		switch {
		case has("missing quote"):
			return "close the double quote at the end of the value (a value continued with a trailing backslash may span lines), or drop the opening quote"
		case has("extra characters follow string value"):
			return "put the whole value inside one pair of double quotes (escape inner quotes as \\\"), or write it without quotes"
		case has("option setting expected"):
			return "write `name = value`, start a comment line with # at the beginning of the line, or end the previous line with a backslash to continue it"
		case has("ACL"):
			return "start each ACL with a line `name:` and write its statements below it"
		}
		return "fix the line so that Exim can read it; `exim -bV -C FILE` reports the same error"
	case "limit":
		return "shorten the value (split a long list into a named list or a lookup file)"
	case "section":
		switch {
		case has("not a known configuration section name"):
			return "use one of: begin acl, begin authenticators, begin retry, begin rewrite, begin routers, begin transports"
		case has("repeated"):
			return "merge the two parts into one `begin` section"
		case has("local_scan"):
			return "remove the local_scan section: this Exim build has no local_scan options"
		}
		return "put main options before the first `begin` line, and driver options below an instance line `name:` in a routers, transports or authenticators section"
	case "option":
		switch {
		case has("no driver defined"):
			return "add `driver = <type>` (for example manualroute, smtp or plaintext) as the first option of the instance"
		case has("missing \"=\""):
			return "write `name = value` (a boolean may stand alone, as in `no_more`)"
		case has("hide"):
			return "write `hide name = value`"
		}
		return "correct the option name, remove the repeated setting, or move `driver` before the private options"
	case "driver-name":
		switch {
		case has("two "):
			return "rename one of the instances: names must be unique within a section"
		case has("extra characters follow"):
			return "write nothing after the colon of the instance line; options go on the lines below it"
		}
		return "name the instance with letters, digits and underscores, starting with a letter, followed by a colon (for example `smarthost_router:`)"
	case "macro":
		switch {
		case has("is a substring"):
			return "rename the macro so that no earlier macro's name is part of it (or define the longer name first)"
		case has("already defined"):
			return "use `NAME == value` to redefine a macro, or remove the second definition"
		}
		return "define macros in the main part or between drivers as `NAME = value`, with an upper-case name, before their first use"
	case "include":
		switch {
		case has("non-absolute"):
			return "give .include_if_exists an absolute path (only .include resolves a relative name against the including file's directory)"
		case has("failed to open"):
			return "create the file or correct the path; use .include_if_exists for a file that may be absent"
		}
		return "remove the .include that leads back to a file that includes it (or nests too deeply)"
	case "conditional":
		switch {
		case has(".endif missing"):
			return "add the missing .endif: every .ifdef/.ifndef needs one"
		}
		return "remove the stray directive or add the .ifdef/.ifndef it belongs to"
	}
	return "fix the line so that Exim can read it; `exim -bV -C FILE` reports the same error"
}
