package clientaddr

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"
)

func req(remote string, h map[string]string) *http.Request {
	r, _ := http.NewRequest("GET", "http://x/", nil)
	r.RemoteAddr = remote
	for k, v := range h {
		r.Header.Set(k, v)
	}
	return r
}

func TestOf(t *testing.T) {
	res := &Resolver{Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}}
	cases := []struct {
		remote string
		h      map[string]string
		want   string
	}{
		{"192.0.2.1:5", map[string]string{"X-Forwarded-For": "203.0.113.9"}, "192.0.2.1"}, // untrusted peer: header ignored
		{"10.1.1.1:5", map[string]string{"X-Forwarded-For": "203.0.113.9"}, "203.0.113.9"},
		{"10.1.1.1:5", map[string]string{"X-Forwarded-For": "6.6.6.6, 203.0.113.9, 10.2.2.2"}, "203.0.113.9"}, // spoofed first entry ignored
		{"10.1.1.1:5", map[string]string{"X-Forwarded-For": "garbage"}, "10.1.1.1"},
		{"10.1.1.1:5", map[string]string{"X-Forwarded-For": "6.6.6.6, junk, 10.2.2.2"}, "10.1.1.1"},                             // nothing readable beyond the trusted hop
		{"10.1.1.1:5", map[string]string{"X-Forwarded-For": "10.3.3.3"}, "10.1.1.1"},                                            // every hop trusted: the peer
		{"10.1.1.1:5", map[string]string{"X-Forwarded-For": "6.6.6.6, 203.0.113.9", "Forwarded": "for=1.2.3.4"}, "203.0.113.9"}, // a client's own Forwarded is not read
		{"[::ffff:192.0.2.7]:5", nil, "192.0.2.7"},
		{"10.1.1.1:5", nil, "10.1.1.1"},
	}
	for _, c := range cases {
		if got := res.Of(req(c.remote, c.h)).String(); got != c.want {
			t.Errorf("Of(%s, %v) = %s, want %s", c.remote, c.h, got, c.want)
		}
	}
	fwd := &Resolver{Trusted: res.Trusted, Forwarded: true}
	for _, c := range []struct {
		h    map[string]string
		want string
	}{
		{map[string]string{"Forwarded": `for=192.0.2.60;proto=http, for="[2001:db8::1]:4711"`}, "2001:db8::1"},
		{map[string]string{"Forwarded": `For="[2001:db8::2]"`, "X-Forwarded-For": "1.1.1.1"}, "2001:db8::2"},
		{map[string]string{"X-Forwarded-For": "1.1.1.1"}, "::1"}, // X-Forwarded-For is not read
	} {
		if got := fwd.Of(req("[::1]:5", c.h)).String(); got != c.want {
			t.Errorf("Forwarded: Of(%v) = %s, want %s", c.h, got, c.want)
		}
	}
	var none *Resolver
	if got := none.Of(req("10.1.1.1:5", map[string]string{"X-Forwarded-For": "1.2.3.4"})).String(); got != "10.1.1.1" {
		t.Errorf("a nil resolver trusts no proxy, got %s", got)
	}
}

func TestGroups(t *testing.T) {
	for _, c := range []struct{ a, viewer, host string }{
		{"192.0.2.77", "192.0.2.0/24", "192.0.2.77/32"},
		{"2001:db8:aa:bbcc:1:2:3:4", "2001:db8:aa:bb00::/56", "2001:db8:aa:bbcc::/64"},
		{"::ffff:10.0.0.1", "10.0.0.0/24", "10.0.0.1/32"},
	} {
		a := netip.MustParseAddr(c.a)
		if got := Viewer(a).String(); got != c.viewer {
			t.Errorf("Viewer(%s) = %s, want %s", c.a, got, c.viewer)
		}
		if got := Host(a).String(); got != c.host {
			t.Errorf("Host(%s) = %s, want %s", c.a, got, c.host)
		}
	}
}

// FuzzOf: whatever the headers say, the client is the peer or an address
// the headers name, and never a trusted proxy unless every named hop is one.
func FuzzOf(f *testing.F) {
	f.Add("10.0.0.1:1", "1.2.3.4, 10.0.0.2", "")
	f.Add("10.0.0.1:1", "", `for=1.2.3.4;by=x, for="[::1]:80"`)
	f.Add("192.0.2.1:1", "1.1.1.1", "for=2.2.2.2")
	f.Add("[::1]:1", strings.Repeat("1.1.1.1,", 500), "")
	xffRes := &Resolver{Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}}
	fwdRes := &Resolver{Trusted: xffRes.Trusted, Forwarded: true}
	f.Fuzz(func(t *testing.T, remote, xff, fwd string) {
		res, named := xffRes, xForwardedFor([]string{xff})
		if len(fwd)%2 == 1 { // both kinds of resolver, from one corpus
			res, named = fwdRes, forwarded([]string{fwd})
		}
		h := map[string]string{}
		if xff != "" {
			h["X-Forwarded-For"] = xff
		}
		if fwd != "" {
			h["Forwarded"] = fwd
		}
		r := req(remote, h)
		got := res.Of(r)
		peer := Peer(r)
		if got == peer {
			return
		}
		if !res.TrustsPeer(peer) {
			t.Fatalf("untrusted peer %v, but client %v from headers", peer, got)
		}
		found := false
		for _, hop := range named { // the header the resolver reads, and no other
			found = found || hop == got
		}
		if !found {
			t.Fatalf("client %v is neither the peer nor in the header read", got)
		}
		if res.TrustsPeer(got) {
			t.Fatalf("client %v is a trusted proxy", got)
		}
		_ = Viewer(got)
		_ = Host(got)
	})
}
