// Package clientaddr says who a request comes from: the peer's address,
// or, when the peer is a trusted reverse proxy, the client address that
// proxy forwarded (X-Forwarded-For, Forwarded). Every place that looks at
// a client (connection limits, failure counting, viewer counting,
// charging) asks the same Resolver, so a proxy in front of livegate is
// believed everywhere or nowhere, as MediaMTX's trustedProxies is.
//
// It also names the groups of addresses that are treated as one client:
// a viewer is a client network (an IPv4 /24, an IPv6 /56: what one
// household or office gets), a guesser of keys is one address (an IPv6
// client by its /64, which one host can fill at will).
package clientaddr

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Resolver finds a request's client. The zero value trusts no proxy.
type Resolver struct {
	// Trusted are the proxies whose forwarding header is believed.
	Trusted []netip.Prefix
	// Forwarded reads RFC 7239's Forwarded header instead of
	// X-Forwarded-For. Only one of the two is ever read: a proxy appends
	// to the one it writes and passes the other through as the client
	// sent it, so reading both would let a client name itself.
	Forwarded bool
}

// maxHops bounds how many forwarded addresses are looked at: a header of
// thousands of entries costs a parse each time otherwise.
const maxHops = 32

// Peer is the address at the other end of the connection.
func Peer(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err == nil {
		return ap.Addr().Unmap()
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}

func (res *Resolver) trusted(a netip.Addr) bool {
	if res == nil {
		return false
	}
	for _, p := range res.Trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// TrustsPeer says whether the connection's peer is a trusted proxy (whose
// own connections are not limited per client: it carries many).
func (res *Resolver) TrustsPeer(a netip.Addr) bool { return res.trusted(a) }

// Of is the request's client: the peer, unless the peer is a trusted
// proxy, in which case it is the nearest address in the forwarding chain
// that is not itself a trusted proxy. A malformed header is ignored (the
// peer, a trusted proxy, is then the client).
func (res *Resolver) Of(r *http.Request) netip.Addr {
	peer := Peer(r)
	if !res.trusted(peer) {
		return peer
	}
	var hops []netip.Addr
	if res.Forwarded {
		hops = forwarded(r.Header.Values("Forwarded"))
	} else {
		hops = xForwardedFor(r.Header.Values("X-Forwarded-For"))
	}
	// Walk from the nearest hop back: the first untrusted one is the
	// client as far as trusted proxies can tell; anything before it was
	// written by that client and proves nothing. When every hop is a
	// trusted proxy, the first of them may have been written by a client
	// too: the peer is all that is known.
	for i := len(hops) - 1; i >= 0; i-- {
		if !res.trusted(hops[i]) {
			return hops[i]
		}
	}
	return peer
}

// xForwardedFor reads "client, proxy1, proxy2" over any number of header
// lines, at most maxHops entries (the nearest ones). A malformed entry
// ends the chain there: nothing before it can be trusted.
func xForwardedFor(values []string) []netip.Addr {
	var all []string
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			all = append(all, part)
			if len(all) > 4*maxHops {
				all = all[len(all)-maxHops:]
			}
		}
	}
	if len(all) > maxHops {
		all = all[len(all)-maxHops:]
	}
	return parseHops(all, parseHost)
}

// forwarded reads RFC 7239: "for=192.0.2.60;proto=http, for=\"[2001:db8::1]:4711\"".
func forwarded(values []string) []netip.Addr {
	var all []string
	for _, v := range values {
		for elem := range strings.SplitSeq(v, ",") {
			for pair := range strings.SplitSeq(elem, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok && strings.EqualFold(k, "for") {
					all = append(all, val)
				}
			}
			if len(all) > 4*maxHops {
				all = all[len(all)-maxHops:]
			}
		}
	}
	if len(all) > maxHops {
		all = all[len(all)-maxHops:]
	}
	return parseHops(all, func(s string) (netip.Addr, bool) {
		return parseHost(strings.Trim(strings.TrimSpace(s), `"`))
	})
}

func parseHops(all []string, parse func(string) (netip.Addr, bool)) []netip.Addr {
	hops := make([]netip.Addr, 0, len(all))
	for i := len(all) - 1; i >= 0; i-- {
		a, ok := parse(all[i])
		if !ok {
			break // what lies beyond a malformed entry cannot be read
		}
		hops = append(hops, a)
	}
	// hops holds the nearest first; put it back in header order.
	for i, j := 0, len(hops)-1; i < j; i, j = i+1, j-1 {
		hops[i], hops[j] = hops[j], hops[i]
	}
	return hops
}

// parseHost takes "1.2.3.4", "1.2.3.4:5", "::1", "[::1]" or "[::1]:5".
func parseHost(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		if a, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil {
			return a.Unmap(), true
		}
	}
	return netip.Addr{}, false
}

// Viewer is the network a viewer is counted and charged by: an IPv4 /24,
// an IPv6 /56. An unparseable address is its own network.
func Viewer(a netip.Addr) netip.Prefix {
	return group(a, 24, 56)
}

// Host is what failures are counted by: an IPv4 address, an IPv6 /64.
func Host(a netip.Addr) netip.Prefix {
	return group(a, 32, 64)
}

func group(a netip.Addr, v4, v6 int) netip.Prefix {
	a = a.Unmap()
	bits := v6
	if a.Is4() {
		bits = v4
	}
	p, err := a.Prefix(bits)
	if err != nil {
		return netip.Prefix{}
	}
	return p
}
