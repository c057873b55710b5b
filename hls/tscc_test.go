package hls

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/livegate/livegate/internal/testmedia"
)

// freshTranscoder makes each rendition segment as a transcoder does: with
// a muxer of its own, whose continuity counters start again at every
// segment. Its output is the source's media, remuxed.
type freshTranscoder struct {
	t    *testing.T
	mu   sync.Mutex
	made int
}

func (f *freshTranscoder) Transcode(_ context.Context, _ string, seg *Segment, _ RenditionInfo) ([]Transcoded, error) {
	var out []*Segment
	s := NewSegmenter(testTracks(f.t, true), time.Hour, time.Hour, func(g *Segment) { out = append(out, g) })
	feed(f.t, s, synth(seg.Start, seg.Duration, 2*time.Second, true))
	s.Flush()
	f.mu.Lock()
	f.made++
	f.mu.Unlock()
	return []Transcoded{{Name: "low", Data: out[0].Data}}, nil
}

// ccRun checks that every PID's continuity counter runs on across a list
// of segments, naming the first break.
func ccRun(t *testing.T, segs [][]byte) {
	t.Helper()
	last := map[uint16]byte{}
	for i, data := range segs {
		for off := 0; off+188 <= len(data); off += 188 {
			p := data[off : off+188]
			pid := uint16(p[1]&0x1f)<<8 | uint16(p[2])
			if p[3]&0x10 == 0 || pid == 0x1fff { // null packets' counters mean nothing
				continue
			}
			cc := p[3] & 0x0f
			if prev, ok := last[pid]; ok && cc != (prev+1)&0x0f {
				t.Fatalf("segment %d, packet %d: PID %d's continuity counter %d after %d", i, off/188, pid, cc, prev)
			}
			last[pid] = cc
		}
	}
}

func TestRenditionContinuityCountersRunAcrossSegments(t *testing.T) {
	tr := &freshTranscoder{t: t}
	s, _ := newTestStream(t, t.TempDir(), Options{Window: 6, ReconnectGrace: -1, Transcoder: tr, TranscodeQueue: 10, TranscodeLag: 10})
	publish(t, s, synth(0, 9*time.Second, 2*time.Second, true))
	waitFor(t, "renditions", func() bool {
		rv := s.view.Load().renditions["low"]
		return rv != nil && rv.segment(3) != nil
	})
	var segs [][]byte
	for seq := range uint64(4) {
		data := s.view.Load().renditions["low"].segment(seq).Data
		if _, err := testmedia.DemuxTS(data); err != nil {
			t.Fatalf("rendition segment %d after renumbering: %v", seq, err)
		}
		segs = append(segs, data)
	}
	ccRun(t, segs)

	// The transcoder's own output restarts its counters at each segment
	// (the check above would fail on it); renumbered, it runs on.
	var raw [][]byte
	for range 2 {
		outs, _ := tr.Transcode(context.Background(), "demo", &Segment{Start: time.Second, Duration: 2 * time.Second}, RenditionInfo{})
		raw = append(raw, outs[0].Data)
	}
	if raw[1][3]&0x0f != raw[0][3]&0x0f {
		t.Fatalf("the double's segments do not start their counters alike: %x, %x", raw[0][3], raw[1][3])
	}
	last := map[uint16]byte{}
	continueCC(raw[0], last)
	continueCC(raw[1], last)
	ccRun(t, raw)
}

func TestContinueCCLeavesOtherBytesAlone(t *testing.T) {
	for _, data := range [][]byte{nil, {1, 2, 3}, make([]byte, 188)} {
		before := append([]byte(nil), data...)
		continueCC(data, map[uint16]byte{})
		if string(before) != string(data) {
			t.Errorf("%d bytes that are not MPEG-TS were changed", len(data))
		}
	}
}
