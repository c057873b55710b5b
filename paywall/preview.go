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

func (p *previews) used(key string) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if u, ok := p.m[key]; ok {
		return u.used
	}
	return 0
}

func (p *previews) add(key string, d time.Duration) {
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
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
