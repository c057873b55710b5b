package hls

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livegate/livegate/ingest"
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

// pricedLLFixture is newLLFixture for a priced stream whose gate keeps
// what it is asked.
func pricedLLFixture(t *testing.T, lead time.Duration) (*llFixture, *recordingGate) {
	t.Helper()
	gate := &recordingGate{}
	f := newLLFixture(t, Options{Keys: &Keyring{Store: &memSecrets{}}, OnSegment: gate.onSegment}, lead)
	mux := http.NewServeMux()
	(&Origin{Streams: map[string]*Stream{"demo": f.s}, Archive: f.s.archive, Gate: gate}).Register(mux)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f, gate
}

func (g *recordingGate) refs() []SegmentRef {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]SegmentRef(nil), g.asked...)
}

// lastKeyURI is the URI of a playlist's last EXT-X-KEY.
func lastKeyURI(t *testing.T, raw string) string {
	t.Helper()
	i := strings.LastIndex(raw, `#EXT-X-KEY:METHOD=AES-128,URI="`)
	if i < 0 {
		t.Fatalf("no key in\n%s", raw)
	}
	rest := raw[i+len(`#EXT-X-KEY:METHOD=AES-128,URI="`):]
	return rest[:strings.IndexByte(rest, '"')]
}

// A key bought while its segment is being cut (a low-latency viewer buys
// it with the first part) is sold provisionally at the target duration
// less the cut's rounding: no more than the segment then lasts, since a
// segment is cut at the first keyframe past the target, unless its
// publisher leaves in the middle of it. Every segment's end is told
// (Options.OnSegment) with its final duration, so the gate can refund
// the difference (paywall's TestGateRefundsASegmentThatEndedShort).
func TestLLKeyOfTheOpenSegmentCostsTheTarget(t *testing.T) {
	f, gate := pricedLLFixture(t, 1500*time.Millisecond)
	p := f.playlist(SourceRendition, "")
	open := p.segs[len(p.segs)-1]
	if !open.open {
		t.Fatalf("no open segment:\n%s", p.raw)
	}
	if a := f.get(open.key.uri); a.status != 200 {
		t.Fatalf("key %s: %d", open.key.uri, a.status)
	}
	f.feedThroughCut() // the segment ends at the next keyframe, whole
	if a := f.get(open.key.uri); a.status != 200 {
		t.Fatalf("key %s once whole: %d", open.key.uri, a.status)
	}
	refs := gate.refs()
	if len(refs) != 2 {
		t.Fatalf("the gate was asked %+v", refs)
	}
	if during, after := refs[0].Duration, refs[1].Duration; during != time.Second-tolerance || during > after {
		t.Errorf("segment %d: sold as %v while open, %v once whole; want the target less %v, no more than whole", open.seq, during, after, tolerance)
	}
	if !refs[0].Provisional || refs[1].Provisional {
		t.Errorf("segment %d: provisional while open %v, once whole %v", open.seq, refs[0].Provisional, refs[1].Provisional)
	}
	endOf := func(seq uint64) SegmentRef {
		t.Helper()
		gate.mu.Lock()
		defer gate.mu.Unlock()
		for _, e := range gate.ended {
			if e.Seq == seq {
				return e
			}
		}
		t.Fatalf("segment %d's end was not told; told %+v", seq, gate.ended)
		return SegmentRef{}
	}
	if e := endOf(open.seq); e.Duration != refs[1].Duration || e.Recording != refs[1].Recording || e.Stream != "demo" {
		t.Errorf("segment %d's end told as %+v; sold whole as %+v", open.seq, e, refs[1])
	}

	// The publisher leaves in the middle of the next segment.
	f.feedUntil("a part of the next segment", func(v *llSnap) bool { return !v.segs[len(v.segs)-1].done() })
	p = f.playlist(SourceRendition, "")
	open = p.segs[len(p.segs)-1]
	if !open.open {
		t.Fatalf("no open segment:\n%s", p.raw)
	}
	f.get(open.key.uri)
	f.pub.Close(nil)
	f.get(open.key.uri)
	refs = gate.refs()
	during, after := refs[2].Duration, refs[3].Duration
	t.Logf("the publisher's last segment %d: sold as %v while open, %v once whole", open.seq, during, after)
	if during != time.Second-tolerance || after >= during || !refs[2].Provisional || refs[3].Provisional {
		t.Errorf("segment %d: %+v while open, %+v once whole", open.seq, refs[2], refs[3])
	}
	if e := endOf(open.seq); e.Duration != after {
		t.Errorf("the publisher's last segment %d ended as %+v, sold whole as %v", open.seq, e, after)
	}
}

// Just after a cut the playlist hints the next segment's first part,
// with that segment's key before it. A request for that key waits until
// the segment starts (and is then sold), or is refused without a charge
// if it does not start within the wait: no key is sold for a segment that
// never comes.
func TestLLNextSegmentsKeyWaitsForTheSegment(t *testing.T) {
	f, gate := pricedLLFixture(t, 1500*time.Millisecond)
	f.feedThroughCut()
	p := f.playlist(SourceRendition, "")
	last := p.segs[len(p.segs)-1]
	if last.open || p.hint != fmt.Sprintf("%d.0.m4s", last.seq+1) {
		t.Fatalf("just after a cut:\n%s", p.raw)
	}
	uri := lastKeyURI(t, p.raw)
	if want := strings.TrimSuffix(last.key.uri, fmt.Sprint(last.seq)) + fmt.Sprint(last.seq+1); uri != want {
		t.Fatalf("the key before the hint is %s, want %s", uri, want)
	}
	base := waiting()
	req := f.start(uri)
	held(t, base+1)
	if req.answered() || len(gate.refs()) != 0 {
		t.Fatalf("the next segment's key was answered before the segment began: %+v", gate.refs())
	}
	f.feedUntil("the next segment", func(v *llSnap) bool { return v.segment(last.seq+1) != nil })
	if a := req.answer(t); a.status != 200 || len(a.body) != KeySize {
		t.Fatalf("key %s: %d %q", uri, a.status, a.body)
	}
	if refs := gate.refs(); len(refs) != 1 || refs[0].Seq != last.seq+1 || refs[0].Duration != time.Second-tolerance {
		t.Fatalf("the gate was asked %+v", refs)
	}

	// Again, and the publisher stalls: after the wait (three target
	// durations), no such key, and nothing charged.
	f.feedThroughCut()
	p = f.playlist(SourceRendition, "")
	uri = lastKeyURI(t, p.raw)
	req = f.start(uri)
	held(t, base+1)
	if a := req.answer(t); a.status != http.StatusNotFound {
		t.Fatalf("key %s of a segment that did not come: %d %q", uri, a.status, a.body)
	}
	if refs := gate.refs(); len(refs) != 1 {
		t.Fatalf("a key was sold for a segment that never came: %+v", refs)
	}
}

// A publication whose first keyframe came in late (0.3 s here: a slow
// connection, an encoder's first frame) and whose media then came in on
// time has program date times that say when the media came in, from the
// next keyframe on: the clock is not carried 0.3 s ahead of the ingest
// for the whole publication. Both playlists agree.
func TestProgramDateTimeFollowsTheEarliestArrival(t *testing.T) {
	base := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	now := base
	s, _ := newTestStream(t, t.TempDir(), Options{Window: 6, ReconnectGrace: -1, LowLatency: true, Now: func() time.Time { return now }})
	p, err := s.Publish(ingest.PublishInfo{Stream: s.Name, Protocol: "test", Tracks: testTracks(t, true)})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range synth(0, 7*time.Second, time.Second, true) { // a keyframe mid-segment too
		if u.v != nil {
			// in on time, but the first 0.3 s all at once, 0.3 s late
			now = base.Add(max(u.v.DTS, 300*time.Millisecond))
			err = p.WriteVideo(u.v)
		} else {
			err = p.WriteAudio(u.a)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	segs := s.view.Load().renditions[SourceRendition].segs
	if len(segs) < 3 {
		t.Fatalf("%d segments", len(segs))
	}
	for i, seg := range segs {
		want := base.Add(time.Duration(i) * 2 * time.Second)
		if i == 0 {
			want = base.Add(300 * time.Millisecond) // dated when it came in
		}
		if d := seg.Time.Sub(want); d < -time.Millisecond || d > time.Millisecond {
			t.Errorf("segment %d dated %v, came in at %v", seg.Seq, seg.Time.Sub(base), want.Sub(base))
		}
		if g := s.llSnapshot(SourceRendition).segment(seg.Seq); g == nil || !g.Time.Equal(seg.Time) {
			t.Errorf("segment %d: the low-latency one is dated otherwise: %+v", seg.Seq, g)
		}
	}
}

// lateTranscoder gives its first segment back only after the source has
// moved on, so that segment's renditions are given up on live.
type lateTranscoder struct {
	once sync.Once
	gate chan struct{}
}

func (l *lateTranscoder) Transcode(_ context.Context, _ string, seg *Segment, _ RenditionInfo) ([]Transcoded, error) {
	l.once.Do(func() { <-l.gate })
	return []Transcoded{{Name: "low", Data: seg.Data}}, nil
}

// A rendition whose first segment came back too late for the live
// playlists has no low-latency segment yet: its ll.m3u8 is rendered
// empty (a nil store once crashed the transcode worker).
func TestLowLatencyRenditionWhoseFirstSegmentWasLate(t *testing.T) {
	tr := &lateTranscoder{gate: make(chan struct{})}
	s, _ := newTestStream(t, t.TempDir(), Options{Window: 6, ReconnectGrace: -1, LowLatency: true, Transcoder: tr, TranscodeQueue: 10, TranscodeLag: 1})
	publish(t, s, synth(0, 7*time.Second, 2*time.Second, true))
	close(tr.gate)
	waitFor(t, "the rendition's later segments", func() bool {
		v := s.llSnapshot("low")
		return v != nil && v.segment(2) != nil
	})
	p := checkLL(t, s.llSnapshot("low").playlist)
	if p.segment(0) != nil || p.segment(2) == nil {
		t.Errorf("the late segment 0 is listed, or segment 2 is not:\n%s", p.raw)
	}
}
