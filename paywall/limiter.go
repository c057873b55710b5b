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
// does not exist), never a malformed body or a dropped connection (an
// attempt in flight holds a place until it ends), and they count against
// the party that failed: a client host (an IPv4
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
	// InFlight bounds a party's attempts under way at once (default 64):
	// a failure is only known once its work is done, so without it a
	// party could start hundreds before its first failure counted. It is
	// far above Max because honest viewers behind one NAT open sessions
	// together at an event's start.
	InFlight int
	Now      func() time.Time

	mu      sync.Mutex
	clients map[string]*strikes
	swept   time.Time
}

type strikes struct {
	n        int // failures in this window
	inFlight int // attempts not yet ended
	since    time.Time
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

// Attempt starts an attempt before the expensive work (signature
// recovery, a read from the chain): false, and how long to wait, when the
// party has failed Max times this window or has InFlight attempts under
// way. End every attempt that was let through with End.
func (l *Limiter) Attempt(party string) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	s := l.strikesOf(party, now)
	inFlight := l.InFlight
	if inFlight <= 0 {
		inFlight = 64
	}
	switch {
	case s.n >= l.Max:
		return false, s.since.Add(l.Window).Sub(now)
	case s.inFlight >= inFlight:
		return false, time.Second
	}
	s.inFlight++
	return true, 0
}

// End ends an attempt: a failed authentication counts, and its caller is
// held back Delay (or until ctx ends); anything else (accepted, or
// refused for another reason) counts for nothing.
func (l *Limiter) End(ctx context.Context, party string, failed bool) {
	if l == nil {
		return
	}
	l.mu.Lock()
	if s, ok := l.clients[party]; ok {
		s.inFlight = max(s.inFlight-1, 0)
		if failed {
			s.n++
		}
	}
	l.mu.Unlock()
	if !failed || l.Delay <= 0 {
		return
	}
	t := time.NewTimer(l.Delay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// strikesOf is the party's count in its current window, a new one if
// its window has passed. Call with l.mu held.
func (l *Limiter) strikesOf(party string, now time.Time) *strikes {
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
	if !ok {
		s = &strikes{since: now}
		l.clients[party] = s
	} else if now.Sub(s.since) > l.Window { // a new window; attempts under way carry over
		s.n, s.since = 0, now
	}
	return s
}
