package hls

import (
	"bytes"
	"testing"
	"time"
)

// A free stream's whole fMP4 segment is its parts' bytes one after the
// other, and stays so while later segments are cut (the whole segment
// once shared its buffer with the next segment's parts).
func TestFreeLowLatencySegmentIsItsParts(t *testing.T) {
	s, _ := newTestStream(t, t.TempDir(), Options{Window: 6, ReconnectGrace: -1, LowLatency: true})
	publish(t, s, synth(0, 9*time.Second, 2*time.Second, true))
	v := s.llSnapshot(SourceRendition)
	checked := 0
	for _, g := range v.segs {
		if !g.done() || g.Parts == nil {
			continue
		}
		var parts []byte
		for _, p := range g.Parts {
			parts = append(parts, p.Data...)
		}
		if !bytes.Equal(parts, g.Data) {
			t.Errorf("segment %d: %d bytes whole, its %d parts %d bytes, not the same", g.Seq, len(g.Data), len(g.Parts), len(parts))
		}
		checked++
	}
	if checked < 3 {
		t.Fatalf("%d finished segments with parts, want 3 or more", checked)
	}
}
