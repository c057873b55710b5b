package hls

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
)

// stubTranscoder stands in for the transcoder (ffmpeg behind the Livepeer
// protocol, exercised for real in transcode and cmd/livegate) where a test
// needs one that is slow, down or back on command. Its "rendition" is the
// source segment itself, which is valid MPEG-TS with real parameter sets.
type stubTranscoder struct {
	mu        sync.Mutex
	fail      map[uint64]bool
	gate      chan struct{} // when set, each call from stuckFrom on waits for it
	stuckFrom uint64
	started   chan uint64
}

func (t *stubTranscoder) Transcode(ctx context.Context, _ string, seg *Segment, _ RenditionInfo) ([]Transcoded, error) {
	t.mu.Lock()
	gate, fail := t.gate, t.fail[seg.Seq]
	t.mu.Unlock()
	if t.started != nil {
		t.started <- seg.Seq
	}
	if gate != nil && seg.Seq >= t.stuckFrom {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if fail {
		return nil, errors.New("transcoder down")
	}
	return []Transcoded{{Name: "low", Data: seg.Data}}, nil
}

// upToCut is units up to and including the keyframe at ts, which cuts the
// segment before it.
func upToCut(t *testing.T, units []unit, ts time.Duration) ([]unit, []unit) {
	t.Helper()
	for i, u := range units {
		if u.v != nil && u.v.IDR && (u.v.PTS-ts).Abs() < time.Millisecond {
			return units[:i+1], units[i+1:]
		}
	}
	t.Fatalf("no keyframe at %v", ts)
	return nil, nil
}

func renditionPlaylist(t *testing.T, s *Stream, name string) []string {
	t.Helper()
	rv := s.view.Load().renditions[name]
	if rv == nil {
		t.Fatalf("no rendition %s", name)
	}
	var lines []string
	for _, l := range strings.Split(string(rv.playlist), "\n") {
		if l == "#EXT-X-GAP" || strings.HasSuffix(l, ".ts") {
			lines = append(lines, l)
		}
	}
	return lines
}

func TestRenditionsFollowTheSource(t *testing.T) {
	tr := &stubTranscoder{fail: map[uint64]bool{1: true}}
	// A queue and a lag long enough that no segment is skipped or given
	// up on, however the worker and the (faster than real time) feed
	// interleave.
	s, a := newTestStream(t, t.TempDir(), Options{Window: 10, ReconnectGrace: -1, Transcoder: tr, TranscodeQueue: 10, TranscodeLag: 10})
	publish(t, s, synth(0, 8*time.Second, 2*time.Second, true)).Close(nil)
	got := strings.Join(renditionPlaylist(t, s, "low"), " ")
	if got != "0.ts #EXT-X-GAP 1.ts 2.ts 3.ts" {
		t.Errorf("rendition playlist %q: want the source's numbers, a gap where the transcoder failed", got)
	}
	v := s.view.Load()
	if !strings.Contains(string(v.master), "low/index.m3u8") || len(v.variants) != 2 || v.variants[1].Width != 640 {
		t.Errorf("master:\n%s", v.master)
	}
	if !strings.Contains(string(v.renditions["low"].playlist), "#EXT-X-ENDLIST") {
		t.Error("the ended stream's rendition playlist has no end")
	}
	// The recording holds the rendition too, aligned the same way.
	_, rends, entries, _, err := a.Recordings("demo")[0].view()
	if err != nil || len(rends) != 2 || len(entries["low"]) != 3 {
		t.Fatalf("recording: %v renditions %+v, %d low segments", err, rends, len(entries["low"]))
	}
	aligned := alignToSource(entries[SourceRendition], entries["low"])
	if len(aligned) != 4 || !aligned[1].Gap || aligned[2].Seq != 2 {
		t.Errorf("VOD rendition %+v", aligned)
	}
}

// TestSlowTranscoderNeverHoldsTheSource: with the transcoder stuck, the
// source keeps going live; the oldest segment waiting is skipped when the
// queue is full, a segment stuck with the transcoder is given up on as
// the live edge moves away, and once the transcoder is back, renditions
// resume. A rendition that comes back late reaches only the recording.
func TestSlowTranscoderNeverHoldsTheSource(t *testing.T) {
	tr := &stubTranscoder{gate: make(chan struct{}), started: make(chan uint64, 100)}
	s, a := newTestStream(t, t.TempDir(), Options{Window: 20, ReconnectGrace: -1, Transcoder: tr, TranscodeQueue: 1, TranscodeLag: 3})
	first, rest := upToCut(t, synth(0, 12*time.Second, 2*time.Second, true), 2*time.Second)
	p := publish(t, s, first) // segment 0 cut
	if got := <-tr.started; got != 0 {
		t.Fatalf("the transcoder started with %d", got)
	}
	feed(t, p, rest) // segments 1-4 cut, 5 open
	if n := len(s.view.Load().renditions[SourceRendition].segs); n != 5 {
		t.Fatalf("the source was held back: %d segments live", n)
	}
	// 0 is stuck with the transcoder; 1, 2 and 3 each waited in the queue
	// until the next pushed it out; 4 waits; 0 was given up on when 3 came.
	s.mu.Lock()
	upTo, ok := s.resolved()
	s.mu.Unlock()
	if !ok || upTo != 3 {
		t.Fatalf("resolved up to %d %v, want 3", upTo, ok)
	}
	close(tr.gate)
	testenv.Eventually(t, "4's rendition arrives", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		upTo, ok := s.resolved()
		return ok && upTo == 4
	})
	got := strings.Join(renditionPlaylist(t, s, "low"), " ")
	if got != "#EXT-X-GAP 0.ts #EXT-X-GAP 1.ts #EXT-X-GAP 2.ts #EXT-X-GAP 3.ts 4.ts" {
		t.Errorf("after the stall: %q", got)
	}
	// Back in time for the next segments: renditions resume by themselves.
	units := synth(12*time.Second, 4*time.Second, 2*time.Second, true)
	for i, cut := range []time.Duration{12 * time.Second, 14 * time.Second} { // cut 5, then 6
		var now []unit
		now, units = upToCut(t, units, cut)
		feed(t, p, now)
		want := fmt.Sprintf("%d.ts", 5+i)
		testenv.Eventually(t, "the rendition of "+want+" arrives", func() bool {
			l := renditionPlaylist(t, s, "low")
			return l[len(l)-1] == want
		})
	}
	feed(t, p, units)
	p.Close(nil)
	l := renditionPlaylist(t, s, "low")
	if strings.Join(l[len(l)-3:], " ") != "5.ts 6.ts 7.ts" {
		t.Errorf("after recovery: %q", l)
	}
	seg := s.view.Load().renditions["low"].segment(7)
	if seg == nil {
		t.Fatal("segment 7 of the rendition is not served")
	}
	if _, err := testmedia.DemuxTS(seg.Data); err != nil {
		t.Error(err)
	}
	// 0's rendition came back after the live playlist had given up on it:
	// the recording has it, the live playlist keeps its gap.
	_, _, entries, _, err := a.Recordings("demo")[0].view()
	if err != nil {
		t.Fatal(err)
	}
	var seqs []uint64
	for _, e := range entries["low"] {
		seqs = append(seqs, e.Seq)
	}
	if fmt.Sprint(seqs) != "[0 4 5 6 7]" {
		t.Errorf("the recording's rendition holds %v", seqs)
	}
}

// TestStuckTranscoderNeverStopsTheStream: a transcoder that never answers
// leaves the live renditions as gaps beside the source, in step with it,
// and a recording that ends waits for it only TranscodeDrain.
func TestStuckTranscoderNeverStopsTheStream(t *testing.T) {
	tr := &stubTranscoder{gate: make(chan struct{}), stuckFrom: 1, started: make(chan uint64, 100)}
	s, a := newTestStream(t, t.TempDir(), Options{Window: 6, ReconnectGrace: -1, Transcoder: tr,
		TranscodeQueue: 1, TranscodeLag: 2, TranscodeDrain: 100 * time.Millisecond})
	first, rest := upToCut(t, synth(0, 40*time.Second, 2*time.Second, true), 4*time.Second)
	p := publish(t, s, first) // segments 0 and 1 cut
	testenv.Eventually(t, "0's rendition arrives", func() bool {
		rv := s.view.Load().renditions["low"]
		return rv != nil && rv.segment(0) != nil
	})
	feed(t, p, rest) // up to segment 18
	src := testmedia.MediaPlaylist(t, s.view.Load().renditions[SourceRendition].playlist)
	low := testmedia.MediaPlaylist(t, s.view.Load().renditions["low"].playlist)
	listed := testmedia.Listed(low)
	// The same numbers as the source, at most TranscodeLag behind it.
	srcListed := testmedia.Listed(src)
	if src.SeqNo < 10 || low.SeqNo+2 < src.SeqNo || len(listed) != 6 ||
		listed[len(listed)-1].URI != srcListed[len(srcListed)-2].URI && listed[len(listed)-1].URI != srcListed[len(srcListed)-3].URI {
		t.Fatalf("source from %d, rendition from %d with %d segments:\n%s", src.SeqNo, low.SeqNo, len(listed), s.view.Load().renditions["low"].playlist)
	}
	lines := renditionPlaylist(t, s, "low")
	for i, l := range lines {
		if strings.HasSuffix(l, ".ts") && (i == 0 || lines[i-1] != "#EXT-X-GAP") {
			t.Errorf("%s is listed as media, but no rendition of it was made: %q", l, lines)
		}
	}
	p.Close(nil) // returns once the recording gave up waiting
	recs := a.Recordings("demo")
	if len(recs) != 1 || recs[0].Summary().Live {
		t.Fatalf("the recording did not finish: %+v", recs)
	}
}
