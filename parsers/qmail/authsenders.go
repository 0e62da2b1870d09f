package qmail

// Authsenders is a parsed control/authsenders (Erwin Hoffmann's
// qmail-authentication as in sagredo-dev/qmail): "sender:relay:port|user|
// password". qmail-remote reads it with constmap_init(..., flagcolon=1)
// like smtproutes, so a line without ':' is ignored, and looks the
// envelope sender up by the whole address, then each suffix starting at
// '.' or '@', then the empty key.
type Authsenders struct {
	Lines   []*Line
	Entries []*AuthSender
	// Ignored are records without ':', which qmail-remote never reads;
	// Auth is still filled for "@example.com|user|password" so the
	// password can be masked.
	Ignored  []*AuthSender
	Comments []*Comment
	Problems []*Problem
}

// AuthSender is one entry. Relay is the part before the first '|', split
// into host and port; Auth holds the user and password after it.
type AuthSender struct {
	*Record
	Relay Relay
	Auth  *Credentials // nil without '|'
}

// ParseAuthsenders parses control/authsenders. It never fails.
func ParseAuthsenders(filename string, src []byte) *Authsenders {
	f := splitFile(filename, string(src))
	a := &Authsenders{Lines: f.lines, Comments: f.comments}
	for _, ln := range f.lines {
		for _, rec := range ln.Records {
			if !rec.Colon {
				e := &AuthSender{Record: rec}
				e.Auth = pipeCredentials(f, &rec.Field)
				a.Ignored = append(a.Ignored, e)
				continue
			}
			e := &AuthSender{Record: rec}
			if rec.Value != nil {
				e.Auth = pipeCredentials(f, rec.Value)
				if e.Auth != nil {
					e.Relay = e.Auth.Relay
				} else {
					e.Relay = f.parseRelay(rec.Value.Pos.Offset, rec.Value.Text)
				}
			}
			a.Entries = append(a.Entries, e)
		}
	}
	a.Problems = f.problems
	return a
}
