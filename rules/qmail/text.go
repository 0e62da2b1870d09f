package qmail

import (
	"strconv"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
	qp "github.com/smarthost-lint/smarthost-lint/parsers/qmail"
)

// shown quotes a field for a message with any secret bytes masked, so a
// relay read the vanilla way ("relay user password") never leaks.
func shown(f *lint.File, fd *qp.Field) string {
	if fd == nil {
		return `""`
	}
	return shownRange(f, fd.Pos.Offset, fd.End.Offset)
}

func shownRange(f *lint.File, start, end int) string {
	var b strings.Builder
	last := start
	if f.Secrets != nil {
		for _, s := range f.Secrets.SecretsIn(start, end) {
			s.Start, s.End = max(s.Start, start), min(s.End, end)
			if s.Start < last {
				s.Start = last
			}
			if s.End <= s.Start {
				continue
			}
			b.Write(f.Src[last:s.Start])
			b.WriteString(lint.Mask)
			last = s.End
		}
	}
	b.Write(f.Src[last:end])
	return strconv.Quote(b.String())
}

// isSpace is what qmail's control files treat as white space worth
// mentioning: qmail itself strips only trailing ' ' and '\t'.
func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// at builds a finding on a field.
func at(f *lint.File, fd *qp.Field) lint.Finding { return f.At(fd.Pos.Offset, fd.End.Offset) }

// deleteLine is an edit removing physical line ln with its newline.
func deleteLine(f *lint.File, ln *qp.Line) lint.TextEdit {
	end := ln.End.Offset
	if end < len(f.Src) {
		end++
	}
	return lint.TextEdit{Start: ln.Pos.Offset, End: end}
}

// dest is where a route sends mail, for comparing routes.
type dest struct {
	mx   bool
	host string // folded
	port uint16
}

func destOf(r *qp.Route) dest {
	if r == nil || r.MX() {
		return dest{mx: true}
	}
	rl := EffectiveRelay(r)
	return dest{host: qp.FoldKey(rl.HostText()), port: rl.Number()}
}

// describe says where a route sends mail, for messages.
func describe(f *lint.File, r *qp.Route) string {
	if r == nil {
		return "directly to the domain's MX hosts (no route matches)"
	}
	if r.MX() {
		return "directly to the domain's MX hosts (line " + strconv.Itoa(r.Line.Pos.Line) + " has an empty relay)"
	}
	rl := EffectiveRelay(r)
	return "to " + shown(f, rl.Host) + " port " + strconv.Itoa(int(rl.Number())) + " (line " + strconv.Itoa(r.Line.Pos.Line) + ")"
}

// smarthostHost folds a host for comparison with --smarthost, ignoring
// brackets around an address.
func smarthostHost(h string) string {
	return qp.FoldKey(strings.TrimSuffix(strings.TrimPrefix(h, "["), "]"))
}

// isSmarthostRoute tells whether a relay is the one the user's setup is
// about: --smarthost when given, else every route with a relay.
func isSmarthostRoute(p *lint.Pass, rl qp.Relay) bool {
	if rl.Host == nil {
		return false
	}
	if p.Settings.Smarthost == "" {
		return true
	}
	return smarthostHost(rl.HostText()) == smarthostHost(p.Settings.Smarthost)
}
