package hls

import (
	"sync"
	"testing"
	"time"
)

// Status says who publishes, what was cut and each live rendition's bit
// rate; the transcode observer hears every segment, failed ones too.
func TestStatusAndTranscodeObserver(t *testing.T) {
	var mu sync.Mutex
	heard := map[bool]int{}
	tr := &stubTranscoder{fail: map[uint64]bool{1: true}}
	s, _ := newTestStream(t, t.TempDir(), Options{Window: 10, ReconnectGrace: -1, Transcoder: tr, TranscodeQueue: 10,
		OnTranscoded: func(stream string, took time.Duration, ok bool) {
			mu.Lock()
			defer mu.Unlock()
			if stream == "demo" && took > 0 {
				heard[ok]++
			}
		}})
	if st := s.Status(); st.Live || st.Segments != 0 || len(st.Renditions) != 0 {
		t.Fatalf("before publishing: %+v", st)
	}
	p := publish(t, s, synth(0, 8*time.Second, 2*time.Second, true))
	st := s.Status()
	if !st.Live || st.Protocol != "test" || st.Segments != 3 || st.Bytes == 0 {
		t.Errorf("while live: %+v", st)
	}
	p.Close(nil)
	st = s.Status()
	var size uint64
	for _, seg := range s.view.Load().renditions[SourceRendition].segs {
		size += uint64(len(seg.Data))
	}
	if st.Live || st.Protocol != "test" || st.Segments != 4 || st.Bytes != size {
		t.Errorf("after: %+v, want 4 segments of %d bytes", st, size)
	}
	if len(st.Renditions) != 2 || st.Renditions[0].Name != SourceRendition || st.Renditions[1].Name != "low" ||
		st.Renditions[0].Bandwidth <= 0 || st.Renditions[0].Width != 640 {
		t.Errorf("renditions %+v", st.Renditions)
	}
	mu.Lock()
	defer mu.Unlock()
	if heard[true] != 3 || heard[false] != 1 {
		t.Errorf("observer heard %v, want 3 done and 1 failed", heard)
	}
}
