package main

import (
	"net/http"
	"sync"
	"time"

	"github.com/livegate/livegate/hls"
	"github.com/livegate/livegate/internal/clientaddr"
)

// audienceWindow is how recently a viewer must have fetched a segment to
// count: a bit more than two 2 s segments, so a player between fetches
// still counts.
const audienceWindow = 15 * time.Second

// audience counts each stream's viewers: distinct sessions (on a paid
// stream, by the keys they fetch, since a cache in front may serve their
// segments) or client addresses (on a free one, where viewers behind one
// NAT count once, by segments) within audienceWindow.
type audience struct {
	mu     sync.Mutex
	seen   map[string]map[string]time.Time // stream -> viewer -> last fetch
	pruned time.Time
	now    func() time.Time
}

func newAudience() *audience {
	return &audience{seen: map[string]map[string]time.Time{}, now: time.Now}
}

func (a *audience) saw(stream, viewer string) {
	now := a.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	m := a.seen[stream]
	if m == nil {
		m = map[string]time.Time{}
		a.seen[stream] = m
	}
	m[viewer] = now
	if now.Sub(a.pruned) > audienceWindow { // bound the map without a reader
		a.prune(now)
	}
}

// counts returns the viewers per stream now.
func (a *audience) counts() map[string]int {
	now := a.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.prune(now)
	out := map[string]int{}
	for stream, m := range a.seen {
		out[stream] = len(m)
	}
	return out
}

// prune forgets the viewers gone. Call with a.mu held.
func (a *audience) prune(now time.Time) {
	cut := now.Add(-audienceWindow)
	for _, m := range a.seen {
		for v, at := range m {
			if at.Before(cut) {
				delete(m, v)
			}
		}
	}
	a.pruned = now
}

// countingGate is the open gate of a server without payments, with the
// audience counted by viewer (client network, behind trusted proxies the
// forwarded client's), as the paywall's gate counts with payments
// (paywall.Gate.Admitted).
type countingGate struct {
	hls.OpenGate
	aud     *audience
	clients *clientaddr.Resolver
}

func (g countingGate) Admit(w http.ResponseWriter, r *http.Request, seg hls.SegmentRef) bool {
	g.aud.saw(seg.Stream, "net:"+clientaddr.Viewer(g.clients.Of(r)).String())
	return true
}
