package paywall

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Limiter turns away a client after too many refused vouchers: signature
// recovery is the expensive part of a voucher, and a client sending forged
// ones should not get to make the server do it for free.
type Limiter struct {
	Max    int           // refusals allowed per Window
	Window time.Duration // and then the client waits out the rest of it
	Now    func() time.Time

	mu      sync.Mutex
	clients map[string]*strikes
	swept   time.Time
}

type strikes struct {
	n     int
	since time.Time
}

func (l *Limiter) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

func clientOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Blocked reports whether the client is over its limit, and until when.
func (l *Limiter) Blocked(r *http.Request) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.clients[clientOf(r)]
	if !ok {
		return false, 0
	}
	left := s.since.Add(l.Window).Sub(l.now())
	if left <= 0 {
		delete(l.clients, clientOf(r))
		return false, 0
	}
	return s.n >= l.Max, left
}

// Refused counts a refusal against the client.
func (l *Limiter) Refused(r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if l.clients == nil {
		l.clients = map[string]*strikes{}
	}
	if now.Sub(l.swept) > l.Window { // forget clients whose window has passed
		for k, s := range l.clients {
			if now.Sub(s.since) > l.Window {
				delete(l.clients, k)
			}
		}
		l.swept = now
	}
	c := clientOf(r)
	s, ok := l.clients[c]
	if !ok || now.Sub(s.since) > l.Window {
		s = &strikes{since: now}
		l.clients[c] = s
	}
	s.n++
}
