package rtmp

import (
	"net"
	"testing"
)

func TestClientKey(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:5000":              "127.0.0.1",
		"[::ffff:10.0.0.7]:1935":      "10.0.0.7",
		"[2001:db8:1:2:3:4:5:6]:1935": "2001:db8:1:2::/64",
		"[2001:db8:1:2:ff::1]:1":      "2001:db8:1:2::/64", // same /64: one client
		"[2001:db8:1:3::1]:1":         "2001:db8:1:3::/64",
	} {
		a, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := clientKey(a); got != want {
			t.Errorf("%s counts as %q, want %q", addr, got, want)
		}
	}
}
