package paywall

import (
	"sync"
	"time"
)

// previews remembers the free preview each viewer (client network) has
// had of each stream, so that opening many channels does not buy free
// viewing: the preview is granted once per viewer and stream, on top of
// the per-channel allowance the ledger keeps.
//
// It lives in memory: a restart grants a viewer its preview again (what
// the ledger keeps per channel still holds). Entries are forgotten a
// previewMemory after their last use, and the table is bounded.
type previews struct {
	mu    sync.Mutex
	m     map[string]*previewUse
	swept time.Time
}

type previewUse struct {
	used time.Duration
	at   time.Time
}

const (
	previewMemory = 24 * time.Hour
	maxPreviews   = 200_000
)

// reserve takes d of the viewer's preview before the charge (so that
// requests in parallel cannot each see it unused): false when the
// viewer's preview is spent. A reservation the charge did not use as free
// media goes back with release.
func (p *previews) reserve(key string, limit, d time.Duration) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	var used time.Duration
	if u, ok := p.m[key]; ok {
		used = u.used
	}
	if used >= limit {
		return false
	}
	p.addLocked(key, d)
	return true
}

// release gives back a reservation.
func (p *previews) release(key string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if u, ok := p.m[key]; ok {
		u.used = max(u.used-d, 0)
	}
}

func (p *previews) addLocked(key string, d time.Duration) {
	now := time.Now()
	if p.m == nil {
		p.m = map[string]*previewUse{}
	}
	if now.Sub(p.swept) > time.Hour || len(p.m) >= maxPreviews {
		for k, u := range p.m {
			if now.Sub(u.at) > previewMemory {
				delete(p.m, k)
			}
		}
		p.swept = now
		if len(p.m) >= maxPreviews { // a flood of networks: forget the oldest half's worth at random
			n := 0
			for k := range p.m {
				if n >= maxPreviews/2 {
					break
				}
				delete(p.m, k)
				n++
			}
		}
	}
	u := p.m[key]
	if u == nil {
		u = &previewUse{}
		p.m[key] = u
	}
	u.used += d
	u.at = now
}
