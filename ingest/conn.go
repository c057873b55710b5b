package ingest

import (
	"errors"
	"log/slog"
	"net"
	"sync/atomic"
	"time"

	"github.com/livegate/livegate/internal/connlimit"
)

// ConnLimits bound what the connections of an ingest listener may hold:
// how many there are, in all and per client (ClientKey), and what a
// connection may do before its publisher is admitted (Admit): every byte
// until then is an anonymous client's.
type ConnLimits struct {
	MaxConns          int // open connections in all (default 256)
	MaxConnsPerClient int // open connections per client (default 8)
	// IdleTimeout ends a connection on which a read waits this long
	// (default 10 s), before admission and after.
	IdleTimeout time.Duration
	// AdmitWithin ends a connection not admitted this long after it was
	// accepted (default 20 s): trickling a byte at a time does not keep
	// one open.
	AdmitWithin time.Duration
	// MaxBytesBeforeAdmit ends a connection that sends more than this
	// before admission (default 64 KiB): a publisher's handshake is a
	// few kilobytes.
	MaxBytesBeforeAdmit int64
}

func (l ConnLimits) withDefaults() ConnLimits {
	if l.MaxConns <= 0 {
		l.MaxConns = 256
	}
	if l.MaxConnsPerClient <= 0 {
		l.MaxConnsPerClient = 8
	}
	if l.IdleTimeout <= 0 {
		l.IdleTimeout = 10 * time.Second
	}
	if l.AdmitWithin <= 0 {
		l.AdmitWithin = 20 * time.Second
	}
	if l.MaxBytesBeforeAdmit <= 0 {
		l.MaxBytesBeforeAdmit = 64 << 10
	}
	return l
}

// Errors a guarded connection's reads end with.
var (
	ErrNotAdmittedInTime  = errors.New("ingest: publisher not admitted in time")
	ErrTooMuchBeforeAdmit = errors.New("ingest: too many bytes before the publisher was admitted")
)

// Listener is a net.Listener that refuses connections over its limits (it
// closes them at once and logs why, at most once per client per 10 s:
// internal/connlimit, as the HTTP listener) and hands out *GuardedConn.
type Listener struct {
	*connlimit.Listener
	limits ConnLimits
}

// Guard wraps ln with limits (zero fields: defaults). protocol names the
// listener in the log.
func Guard(ln net.Listener, limits ConnLimits, protocol string, log *slog.Logger) *Listener {
	if log == nil {
		log = slog.Default()
	}
	limits = limits.withDefaults()
	return &Listener{limits: limits, Listener: &connlimit.Listener{Listener: ln, Name: protocol,
		Total: limits.MaxConns, PerClient: limits.MaxConnsPerClient, Logger: log}}
}

// Accept returns the next connection within the limits.
func (l *Listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &GuardedConn{Conn: c, l: l, admitBy: time.Now().Add(l.limits.AdmitWithin), budget: l.limits.MaxBytesBeforeAdmit}, nil
}

// GuardedConn is a connection from a Listener. Until Admit, its reads are
// bounded in bytes and in time from its accept; always, a read waits at
// most IdleTimeout.
type GuardedConn struct {
	net.Conn // connlimit's: closing it frees its place
	l        *Listener
	admitBy  time.Time
	admitted atomic.Bool
	budget   int64 // bytes left before admission; read only by the reader
}

// Admit lifts the limits before admission, once the publisher is known.
func (c *GuardedConn) Admit() { c.admitted.Store(true) }

// Admit admits c if it is a *GuardedConn.
func Admit(c net.Conn) {
	if g, ok := c.(*GuardedConn); ok {
		g.Admit()
	}
}

func (c *GuardedConn) Read(p []byte) (int, error) {
	now := time.Now()
	deadline := now.Add(c.l.limits.IdleTimeout)
	if !c.admitted.Load() {
		if !now.Before(c.admitBy) {
			return 0, ErrNotAdmittedInTime
		}
		if c.budget <= 0 {
			return 0, ErrTooMuchBeforeAdmit
		}
		if int64(len(p)) > c.budget {
			p = p[:c.budget]
		}
		if c.admitBy.Before(deadline) {
			deadline = c.admitBy
		}
	}
	if err := c.Conn.SetReadDeadline(deadline); err != nil {
		return 0, err
	}
	n, err := c.Conn.Read(p)
	if !c.admitted.Load() {
		c.budget -= int64(n)
	}
	return n, err
}

// SetReadDeadline is left to Read, which sets the deadline its limits
// allow before every read: a caller's own (gortsplib clears it while it
// waits for requests) cannot lift them.
func (c *GuardedConn) SetReadDeadline(time.Time) error { return nil }

// SetDeadline sets the write deadline; see SetReadDeadline.
func (c *GuardedConn) SetDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(t) }
