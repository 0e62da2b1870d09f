// Package sendmail is the sendmail frontend and its rules SM000–SM017
// (docs/RULES.md §5). The frontend recognises sendmail.mc / submit.mc,
// sendmail.cf / submit.cf and the makemap sources of the authinfo and
// access maps; a .mc is the root of a unit and loads the .cf beside it and
// the map sources it references (through the Loader, so --root works).
// model.go evaluates the parsed files into a Setup: the smart host
// (SMART_HOST in m4 order, or DS), the mailer it uses and that mailer's
// port, the authinfo and access maps with the entry each lookup finds,
// and how the .mc and .cf relate. Each rule file holds one concern and
// rules.go lists them.
package sendmail
