package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// SegmentInfo is what a node says of a segment it published, at
// GET /cluster/segment/{stream}/{recording}/{seq}.
type SegmentInfo struct {
	DurationNs  int64 `json:"durationNs"`
	Provisional bool  `json:"provisional"` // still being cut: DurationNs is its target
}

// Segments finds the durations of finished segments published on other
// nodes, so that this node can price and sell their keys itself, and
// remembers them (a finished segment never changes). A segment still
// being cut is not this node's to sell: its price is provisional, and
// only its ingest node hears when it ends and refunds the difference.
type Segments struct {
	Registry *Registry
	Client   *http.Client // default: 2 s timeout

	mu      sync.Mutex
	known   map[segmentKey]time.Duration
	order   []segmentKey             // oldest first, for eviction
	unknown map[segmentKey]time.Time // asked lately and not finished: not asked again until then
}

type segmentKey struct {
	stream, recording string
	seq               uint64
}

// rememberSegments bounds the durations kept: a few minutes of every
// stream's segments. A segment the ingest node did not know, or was still
// cutting, is not asked about again for askAgain, so that requests for
// keys that do not exist cost the ingest node one question each at most
// per askAgain; at most rememberSegments of these are kept.
const (
	rememberSegments = 8192
	askAgain         = time.Second
)

// Duration is a finished segment's duration, from the stream's ingest
// node (or what it said before).
func (s *Segments) Duration(ctx context.Context, stream, recording string, seq uint64) (time.Duration, bool) {
	k := segmentKey{stream, recording, seq}
	now := time.Now()
	s.mu.Lock()
	d, ok := s.known[k]
	until, asked := s.unknown[k]
	s.mu.Unlock()
	if ok {
		return d, true
	}
	if asked && now.Before(until) {
		return 0, false
	}
	o, ok := s.Registry.Owner(stream)
	if !ok {
		return 0, false
	}
	info, err := s.ask(ctx, o, k)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil || info.Provisional || info.DurationNs <= 0 {
		if s.unknown == nil || len(s.unknown) >= rememberSegments {
			s.unknown = map[segmentKey]time.Time{} // forget them all: they are a second's worth
		}
		s.unknown[k] = now.Add(askAgain)
		return 0, false
	}
	delete(s.unknown, k)
	d = time.Duration(info.DurationNs)
	if s.known == nil {
		s.known = map[segmentKey]time.Duration{}
	}
	if _, had := s.known[k]; !had {
		if len(s.order) >= rememberSegments {
			delete(s.known, s.order[0])
			s.order = s.order[1:]
		}
		s.order = append(s.order, k)
	}
	s.known[k] = d
	return d, true
}

// ask asks the ingest node about a segment.
func (s *Segments) ask(ctx context.Context, o Owner, k segmentKey) (SegmentInfo, error) {
	c := s.Client
	if c == nil {
		c = &http.Client{Timeout: 2 * time.Second}
	}
	u := o.URL + "/cluster/segment/" + url.PathEscape(k.stream) + "/" + url.PathEscape(k.recording) + "/" + strconv.FormatUint(k.seq, 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return SegmentInfo{}, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return SegmentInfo{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return SegmentInfo{}, fmt.Errorf("%s: %s", u, resp.Status)
	}
	var info SegmentInfo
	err = json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&info)
	return info, err
}
