package postfix

import (
	"strconv"
	"strings"
)

// Dest is one SMTP destination (nexthop) as smtp(8) "SMTP DESTINATION
// SYNTAX" defines it: domain, domain:port, [host], [host]:port,
// [ipv6:addr]:port.
type Dest struct {
	Raw       string // as written
	Host      string // without brackets and port ("ipv6:" prefix removed)
	Port      string // as written after the colon, "" when absent
	Bracketed bool   // [host]: no MX lookup
	IPv6      bool
	// PortNum is the TCP port the client connects to: the number, or the
	// service resolved through known_tcp_ports; 25 when no port is given;
	// 0 when it cannot be resolved.
	PortNum int
	// Problem describes why smtp(8) would reject the destination; "" when
	// the syntax is valid.
	Problem string
}

// knownTCPPorts mirrors the default known_tcp_ports of Postfix ≥ 3.6
// ("lmtp=24, smtp=25, smtps=submissions=465, submission=587"), which Postfix
// consults before /etc/services.
var knownTCPPorts = map[string]int{"lmtp": 24, "smtp": 25, "smtps": 465, "submissions": 465, "submission": 587}

// ParseDest parses one destination token.
func ParseDest(s string) Dest {
	d := Dest{Raw: s, PortNum: 25}
	if s == "" {
		d.Problem = "empty destination"
		return d
	}
	rest := s
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			d.Problem = "unbalanced '[': missing ']'"
			return d
		}
		d.Bracketed = true
		d.Host = s[1:end]
		rest = s[end+1:]
		if lower := strings.ToLower(d.Host); strings.HasPrefix(lower, "ipv6:") {
			d.IPv6 = true
			d.Host = d.Host[len("ipv6:"):]
		}
		if strings.ContainsAny(d.Host, "[]") {
			d.Problem = "nested brackets"
			return d
		}
		if !d.IPv6 && strings.Contains(d.Host, ":") {
			if strings.Count(d.Host, ":") >= 2 {
				// [exp] postfix-e2e.sh 3.7.11: [2001:db8::1]:587 is accepted
				// like [ipv6:2001:db8::1]:587, although smtp(8) documents
				// only the ipv6: form.
				d.IPv6 = true
			} else {
				d.Problem = "port inside the brackets: write [" + strings.SplitN(d.Host, ":", 2)[0] + "]:" + strings.SplitN(d.Host, ":", 2)[1]
				return d
			}
		}
		if rest != "" && rest[0] != ':' {
			d.Problem = "unexpected text after ']'"
			return d
		}
	} else {
		if strings.Contains(s, "]") {
			d.Problem = "unbalanced ']'"
			return d
		}
		if strings.Count(s, ":") >= 2 {
			d.Problem = "more than one ':' (a bare IPv6 address must be written as [ipv6:addr], a transport prefix belongs in transport(5), not here)"
			return d
		}
		host, port, ok := strings.Cut(s, ":")
		d.Host = host
		if ok {
			rest = ":" + port
		} else {
			rest = ""
		}
	}
	if d.Host == "" {
		d.Problem = "empty host name"
		return d
	}
	if strings.ContainsAny(d.Host, `"'#`) {
		d.Problem = "quote or '#' in the host name"
		return d
	}
	if rest != "" {
		d.Port = rest[1:]
		switch {
		case d.Port == "":
			d.Problem = "empty port after ':'"
			d.PortNum = 0
		case strings.HasPrefix(d.Port, ":"):
			d.Problem = "'::' before the port (that is Exim syntax; Postfix wants one ':')"
			d.PortNum = 0
		default:
			if n, err := strconv.Atoi(d.Port); err == nil {
				d.PortNum = n
				if n <= 0 || n > 65535 {
					d.Problem = "port " + d.Port + " out of range 1-65535"
				}
			} else if n, ok := knownTCPPorts[strings.ToLower(d.Port)]; ok {
				d.PortNum = n
			} else {
				d.PortNum = 0
				for _, c := range d.Port {
					if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
						d.Problem = "invalid port " + strconv.Quote(d.Port)
						break
					}
				}
			}
		}
	}
	return d
}

// IsIP reports whether the host is a literal address.
func (d Dest) IsIP() bool {
	if d.IPv6 {
		return true
	}
	parts := strings.Split(d.Host, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if n, err := strconv.Atoi(p); err != nil || n < 0 || n > 255 {
			return false
		}
	}
	return true
}

// Canonical is the form the documented setup wants: [host]:587.
func (d Dest) Canonical(port int) string {
	h := d.Host
	if d.IPv6 {
		h = "ipv6:" + h
	}
	return "[" + h + "]:" + strconv.Itoa(port)
}

// splitList splits a Postfix list value at commas and whitespace, keeping
// brace groups ({...}) whole, and returns each item with its byte offset.
func splitList(s string) []item {
	var out []item
	depth := 0
	start := -1
	for i := 0; i <= len(s); i++ {
		sep := i == len(s)
		if !sep {
			c := s[i]
			switch {
			case c == '{':
				depth++
			case c == '}':
				if depth > 0 {
					depth--
				}
			case depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r'):
				sep = true
			}
		}
		if sep {
			if start >= 0 {
				out = append(out, item{s[start:i], start})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	return out
}

type item struct {
	Text string
	Off  int
}
