package hls

import (
	"context"
	"net"
	"net/http"
)

// Segments are sent corked (TCP_CORK where the kernel has it): while a
// response is corked the kernel sends only full frames, so the headers
// ride with the first bytes of the body and no small frame goes out
// between two writes. nginx does the same with tcp_nopush. Uncorked, a
// 1 MB segment went out in 41–47 TCP segments instead of 34–36, and
// wrk, receiving, spent 538 µs a request against nginx's 342
// (BENCHMARKS.md, issue 16).

type connKey struct{}

// ConnContext keeps a request's connection in its context, so a handler
// can reach the socket (set it as http.Server.ConnContext).
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

// socketOf finds a request's socket, through the wrappers that say what
// they wrap (NetConn, as tls.Conn and connlimit's connections do).
func socketOf(r *http.Request) net.Conn {
	c, _ := r.Context().Value(connKey{}).(net.Conn)
	for range 8 {
		u, ok := c.(interface{ NetConn() net.Conn })
		if !ok {
			break
		}
		c = u.NetConn()
	}
	return c
}

// corked runs send with the request's socket corked, and uncorks it
// after, which sends what is left at once. Without a socket to cork (a
// test's recorder, another platform), send just runs.
func corked(r *http.Request, send func()) {
	c := socketOf(r)
	if setCork(c, true) {
		defer setCork(c, false)
	}
	send()
}
