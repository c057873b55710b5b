package paywall

import (
	"context"
	"sync"
	"time"
)

// Limiter slows and then turns away whoever sends forged vouchers:
// signature recovery and a channel's look-up on the chain are the
// expensive part of a voucher, and a forger should not get to make the
// server do them at line rate.
//
// Only authentication failures count (a bad signature, a channel that
// does not exist), never a malformed body or a dropped connection, and
// they count against the party that failed: a client host (an IPv4
// address, an IPv6 /64) for a request without a session, the session's
// channel for a top-up. So one forger behind a NAT or a proxy locks out
// its own address for new sessions, and a viewer whose token and channel
// are in good standing keeps topping up whoever shares its address.
type Limiter struct {
	Max    int           // failures allowed per Window
	Window time.Duration // and then the party waits out the rest of it
	// Delay is how long a failure's answer is held back (default 0: a
	// server sets it; see payments.go). It costs a forger its connection's
	// time, never a lock or anyone else's.
	Delay time.Duration
	Now   func() time.Time

	mu      sync.Mutex
	clients map[string]*strikes
	swept   time.Time
}

type strikes struct {
	n     int
	since time.Time
}

// maxTracked bounds the parties remembered; past it the oldest windows
// are forgotten first (a sweep), then everything (a flood of fresh
// addresses then costs only their own delays).
const maxTracked = 100_000

func (l *Limiter) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

// Blocked reports whether the party is over its limit, and until when.
func (l *Limiter) Blocked(party string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.clients[party]
	if !ok {
		return false, 0
	}
	left := s.since.Add(l.Window).Sub(l.now())
	if left <= 0 {
		delete(l.clients, party)
		return false, 0
	}
	return s.n >= l.Max, left
}

// Failed counts an authentication failure against the party, then holds
// the caller back for Delay (or until ctx ends).
func (l *Limiter) Failed(ctx context.Context, party string) {
	l.count(party)
	if l.Delay <= 0 {
		return
	}
	t := time.NewTimer(l.Delay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

func (l *Limiter) count(party string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if l.clients == nil {
		l.clients = map[string]*strikes{}
	}
	if now.Sub(l.swept) > l.Window || len(l.clients) >= maxTracked { // forget parties whose window has passed
		for k, s := range l.clients {
			if now.Sub(s.since) > l.Window {
				delete(l.clients, k)
			}
		}
		l.swept = now
		if len(l.clients) >= maxTracked {
			clear(l.clients)
		}
	}
	s, ok := l.clients[party]
	if !ok || now.Sub(s.since) > l.Window {
		s = &strikes{since: now}
		l.clients[party] = s
	}
	s.n++
}
