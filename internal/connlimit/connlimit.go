// Package connlimit caps the connections a listener holds open: in total,
// and per client host (an IPv4 address, an IPv6 /64), so one client
// opening thousands of sockets cannot take every file descriptor and lock
// everyone else out. A refused connection gets a short answer of the
// listener's protocol (if it has one), is closed, and is logged with its
// reason at most once per client per LogEvery.
package connlimit

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/livegate/livegate/internal/clientaddr"
)

// Listener wraps a net.Listener. Set the fields before the first Accept.
type Listener struct {
	net.Listener
	Name      string // for the log: "http", "rtmp", …
	Total     int    // open connections at most (0: no cap)
	PerClient int    // open connections per client host at most (0: no cap)
	// Exempt, when set, exempts a peer from the per-client cap (a trusted
	// reverse proxy carries many clients' connections).
	Exempt func(netip.Addr) bool
	// Refuse, when set, writes the refusal in the listener's protocol
	// (for HTTP: a 503 naming the reason). It runs with a short write
	// deadline and must not read.
	Refuse   func(c net.Conn, reason string)
	Logger   *slog.Logger
	LogEvery time.Duration // default 10 s

	mu         sync.Mutex
	open       int
	per        map[netip.Prefix]int
	logged     map[netip.Prefix]time.Time
	manyLogged time.Time // the last "many clients" line
	swept      time.Time
}

// maxLogged bounds the clients whose last refusal line is remembered.
const maxLogged = 10_000

// Open is the number of connections open now (for tests and metrics).
func (l *Listener) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}

// Accept hands out the next connection within the caps; those over them
// are answered and closed here.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		host := hostOf(c.RemoteAddr())
		if reason := l.admit(host); reason != "" {
			l.refuse(c, host, reason)
			continue
		}
		return &conn{Conn: c, l: l, host: host}, nil
	}
}

func hostOf(a net.Addr) netip.Prefix {
	if ta, ok := a.(*net.TCPAddr); ok {
		if ip, ok := netip.AddrFromSlice(ta.IP); ok {
			return clientaddr.Host(ip.Unmap())
		}
	}
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Prefix{}
	}
	return clientaddr.Host(ap.Addr().Unmap())
}

func (l *Listener) admit(host netip.Prefix) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.Total > 0 && l.open >= l.Total {
		return fmt.Sprintf("the server holds its maximum of %d %s connections", l.Total, l.Name)
	}
	exempt := l.Exempt != nil && host.IsValid() && l.Exempt(host.Addr())
	if l.PerClient > 0 && !exempt && l.per[host] >= l.PerClient {
		return fmt.Sprintf("this client holds its maximum of %d %s connections", l.PerClient, l.Name)
	}
	if l.per == nil {
		l.per = map[netip.Prefix]int{}
	}
	l.open++
	l.per[host]++
	return ""
}

func (l *Listener) release(host netip.Prefix) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if l.per[host]--; l.per[host] <= 0 {
		delete(l.per, host)
	}
}

func (l *Listener) refuse(c net.Conn, host netip.Prefix, reason string) {
	if l.Refuse != nil {
		_ = c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
		l.Refuse(c, reason)
	}
	_ = c.Close()
	every := l.LogEvery
	if every <= 0 {
		every = 10 * time.Second
	}
	now := time.Now()
	l.mu.Lock()
	if l.logged == nil {
		l.logged = map[netip.Prefix]time.Time{}
	}
	if now.Sub(l.swept) > every {
		for k, at := range l.logged {
			if now.Sub(at) > every {
				delete(l.logged, k)
			}
		}
		l.swept = now
	}
	last, seen := l.logged[host]
	quiet := seen && now.Sub(last) < every
	many := false
	switch {
	case quiet:
	case len(l.logged) < maxLogged:
		l.logged[host] = now
	default: // refusing so many clients that one line per interval says it
		quiet = now.Sub(l.manyLogged) < every
		many = !quiet
		if many {
			l.manyLogged = now
		}
	}
	open, per := l.open, l.per[host]
	l.mu.Unlock()
	switch {
	case l.Logger == nil || quiet:
	case many:
		l.Logger.Warn(l.Name+": connections refused from many clients (each logged once per interval until now): "+reason,
			"clients", maxLogged, "interval", every, "open", open)
	default:
		l.Logger.Warn(l.Name+": connection refused: "+reason, "remote", c.RemoteAddr().String(),
			"client", host.String(), "open", open, "fromClient", per)
	}
}

// conn gives its slot back when closed, once.
type conn struct {
	net.Conn
	l    *Listener
	host netip.Prefix
	once sync.Once
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c.host) })
	return err
}

// ReadFrom hands a copy into the connection to the inner one's ReadFrom:
// net/http serves a file through it, and a *net.TCPConn's is sendfile.
// Without it a wrapped connection copies every segment through user
// space.
func (c *conn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c.Conn}, r)
}

// HTTPRefusal answers a refused HTTP connection with 503 and the reason.
func HTTPRefusal(c net.Conn, reason string) {
	body := reason + "\n"
	_, _ = c.Write([]byte("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nRetry-After: 10\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n" + body))
}

// NetConn is the connection underneath, for socket options (as
// tls.Conn.NetConn).
func (c *conn) NetConn() net.Conn { return c.Conn }
