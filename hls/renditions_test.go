package hls

import (
	"context"
	"errors"
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
	mu      sync.Mutex
	fail    map[uint64]bool
	gate    chan struct{} // when set, each call waits for it
	started chan uint64
}

func (t *stubTranscoder) Transcode(ctx context.Context, _ string, seg *Segment, _ RenditionInfo) ([]Transcoded, error) {
	t.mu.Lock()
	gate, fail := t.gate, t.fail[seg.Seq]
	t.mu.Unlock()
	if t.started != nil {
		t.started <- seg.Seq
	}
	if gate != nil {
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
	s, a := newTestStream(t, t.TempDir(), Options{Window: 10, ReconnectGrace: -1, Transcoder: tr})
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
// source keeps going live; segments that find the queue full go out
// without renditions; once it comes back, renditions resume.
func TestSlowTranscoderNeverHoldsTheSource(t *testing.T) {
	tr := &stubTranscoder{gate: make(chan struct{}), started: make(chan uint64, 100)}
	s, _ := newTestStream(t, t.TempDir(), Options{Window: 20, ReconnectGrace: -1, Transcoder: tr, TranscodeQueue: 1})
	p := publish(t, s, synth(0, 12*time.Second, 2*time.Second, true)) // segments 0-4 cut, 5 open
	if n := len(s.view.Load().renditions[SourceRendition].segs); n != 5 {
		t.Fatalf("the source was held back: %d segments live", n)
	}
	<-tr.started // 0 is with the transcoder, 1 waits in the queue, 2-4 were skipped
	close(tr.gate)
	testenv.Eventually(t, "the renditions of 0 and 1 arrive", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		upTo, ok := s.resolved()
		return ok && upTo == 4
	})
	got := strings.Join(renditionPlaylist(t, s, "low"), " ")
	if got != "0.ts 1.ts #EXT-X-GAP 2.ts #EXT-X-GAP 3.ts #EXT-X-GAP 4.ts" {
		t.Errorf("while stuck: %q", got)
	}
	// Back in time for the next segments: renditions resume by themselves.
	feed(t, p, synth(12*time.Second, 4*time.Second, 2*time.Second, true))
	p.Close(nil)
	testenv.Eventually(t, "the renditions catch up", func() bool {
		l := renditionPlaylist(t, s, "low")
		return len(l) > 0 && l[len(l)-1] == "7.ts"
	})
	l := renditionPlaylist(t, s, "low")
	if strings.Join(l[len(l)-3:], " ") != "5.ts 6.ts 7.ts" {
		t.Errorf("after recovery: %q", l)
	}
	if _, err := testmedia.DemuxTS(s.view.Load().renditions["low"].segment(7).Data); err != nil {
		t.Error(err)
	}
}
