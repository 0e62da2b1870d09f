package sendmail

import (
	"iter"
	"strings"

	"github.com/smarthost-lint/smarthost-lint/lint"
)

// Values implements lint.ValueLister for GEN001: the smart host (.mc and
// .cf), the hosts in AuthInfo: keys, and the user and password tokens.
func (s *Setup) Values() iter.Seq[lint.Value] {
	return func(yield func(lint.Value) bool) {
		for _, h := range []*SmartHost{s.MCSmart, s.CFSmart} {
			if h.Empty() || h.File == nil {
				continue
			}
			if !yield(lint.Value{File: h.File, Start: h.HostStart, End: h.HostStart + len(h.Host), Text: h.Host, Name: h.Source, Role: lint.RoleRouting}) {
				return
			}
		}
		for _, m := range []*MapFile{s.Authinfo, s.Access} {
			if m == nil || m.Parsed == nil {
				continue
			}
			for _, e := range m.Parsed.Entries {
				if !isAuthInfoKey(e.Key) {
					continue
				}
				if host := e.Key[len("AuthInfo:"):]; host != "" {
					if !yield(lint.Value{File: m.File, Start: e.KeyStart + 9, End: e.KeyStart + len(e.Key), Text: host, Name: "AuthInfo", Role: lint.RoleRouting}) {
						return
					}
				}
				for _, t := range e.Tokens {
					switch strings.ToUpper(string(t.Tag)) {
					case "U", "I", "P":
						if !yield(lint.Value{File: m.File, Start: t.DataStart, End: t.DataEnd, Text: t.Data, Name: "AuthInfo " + string(t.Tag), Role: lint.RoleCredential}) {
							return
						}
					}
				}
			}
		}
	}
}
