package ingest

import (
	"net"
	"net/netip"

	"github.com/livegate/livegate/internal/clientaddr"
)

// ClientKey is what a remote address ("host:port" or a bare host) counts
// as when failures and connections are counted: an IPv4 client by its
// address, an IPv6 client by its /64, which one host can fill with
// addresses at will. Something that is not an address (a camera URL, a
// test's label) is its own client.
func ClientKey(remote string) string {
	a, ok := ParseRemote(remote)
	if !ok {
		return remote
	}
	return clientaddr.Host(a).String()
}

// ParseRemote reads the address out of "host:port", "[v6]:port" or a bare
// host, IPv4-mapped IPv6 addresses as IPv4.
func ParseRemote(remote string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(remote); err == nil {
		return ap.Addr().Unmap(), true
	}
	host := remote
	if h, _, err := net.SplitHostPort(remote); err == nil {
		host = h
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}
