package exim

import (
	"strconv"
	"strings"
)

// Host lists with ports, as manualroute's route_list/route_data and the
// smtp transport's hosts option read them (host_build_hostlist and
// host_item_get_port in src/host.c). The list is split with the list rules
// first, so "host:587" is two hosts ("host" and "587") and "host::587" is
// the one item "host:587"; then a port is taken from the end of an item
// when the item is "[address]:digits" or "name:digits" with no other colon
// (Exim 4.96 -bt, RULES.md §3.2 EX009: "h::0587" → port 587, "h::" → host
// "h:", "h::587::25" → host "h:587:25", "h::587x" → host "h:587x",
// "::587" → host ":587"; a named port such as "::submission" is not read
// as a port). A "/MX" suffix on a name asks for its MX records.

// HostList is a parsed host list.
type HostList struct {
	List  *List
	Hosts []*HostItem
}

// HostItem is one host of a host list.
type HostItem struct {
	Item *ListItem // the list item it came from
	// Host is the name or address without brackets, port and /MX;
	// HostStart and HostEnd are its offsets in the parsed string.
	Host               string
	HostStart, HostEnd int
	Bracketed          bool // written "[address]"
	// Port is the digits after the port colon ("" if none); PortNum its
	// value; PortStart/PortEnd its offsets.
	Port               string
	PortNum            int
	PortStart, PortEnd int
	MX                 bool // "/MX" suffix
	// Colon is set when Host still contains a ':' (an unbracketed IPv6
	// address, or a port written in a way Exim does not read as a port:
	// "h:submission", "h:587x", "h:587:25", ":587").
	Colon bool
	// Digits is set when the whole item is digits: the trailing half of
	// "host:587" written with a single colon.
	Digits bool
}

// ParseHostList parses s as a host list: list rules, then a port and /MX
// on each item.
func ParseHostList(s string) (*HostList, error) { return parseHostList(subText{s: s}) }

func parseHostList(m subText) (*HostList, error) {
	l, err := parseList(m, 0)
	hl := &HostList{List: l}
	for _, it := range l.Items {
		hl.Hosts = append(hl.Hosts, newHostItem(it))
	}
	return hl, err
}

func subDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func newHostItem(it *ListItem) *HostItem {
	v := it.Value
	h := &HostItem{Item: it, PortNum: -1}
	hostLo, hostHi := 0, len(v)
	portLo, portHi := -1, -1
	if strings.HasPrefix(v, "[") {
		if k := strings.IndexByte(v, ']'); k > 0 {
			rest := v[k+1:]
			if strings.HasPrefix(rest, ":") && subDigits(rest[1:]) {
				portLo, portHi = k+2, len(v)
				hostHi = k + 1
			}
			if portLo >= 0 || rest == "" {
				h.Bracketed = true
				hostLo, hostHi = 1, k
			}
		}
	} else if c := strings.IndexByte(v, ':'); c > 0 && strings.Count(v, ":") == 1 && subDigits(v[c+1:]) {
		portLo, portHi = c+1, len(v)
		hostHi = c
	}
	if portLo >= 0 {
		h.Port = v[portLo:portHi]
		h.PortStart, h.PortEnd = it.Offset(portLo), it.endOffset(portHi)
		if n, err := strconv.Atoi(h.Port); err == nil {
			h.PortNum = n
		} else {
			h.PortNum = 1 << 30 // absurdly many digits: not a port number
		}
	}
	if !h.Bracketed && hostHi-hostLo > 3 && strings.EqualFold(v[hostHi-3:hostHi], "/mx") {
		h.MX = true
		hostHi -= 3
	}
	h.Host = v[hostLo:hostHi]
	h.HostStart, h.HostEnd = it.Offset(hostLo), it.endOffset(hostHi)
	h.Colon = !h.Bracketed && strings.Contains(h.Host, ":")
	h.Digits = subDigits(v)
	return h
}
