package main

import (
	"testing"
	"time"
)

// Viewers count while they fetch and are forgotten 15 s after, even when
// nobody reads the counts (the map stays bounded).
func TestAudienceCountsAndForgets(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	a := newAudience()
	a.now = func() time.Time { return now }
	a.saw("demo", "session:a")
	a.saw("demo", "session:b")
	a.saw("demo", "session:a")
	a.saw("other", "addr:192.0.2.1")
	if c := a.counts(); c["demo"] != 2 || c["other"] != 1 {
		t.Fatalf("counts %v", c)
	}
	now = now.Add(10 * time.Second)
	a.saw("demo", "session:b")
	now = now.Add(10 * time.Second) // a: 20 s ago, b: 10 s ago
	a.saw("demo", "session:c")      // prunes without a reader
	a.mu.Lock()
	n := len(a.seen["demo"]) + len(a.seen["other"])
	a.mu.Unlock()
	if n != 2 {
		t.Errorf("%d viewers kept after pruning, want b and c", n)
	}
	if c := a.counts(); c["demo"] != 2 || c["other"] != 0 {
		t.Errorf("counts %v", c)
	}
}
