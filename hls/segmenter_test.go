package hls

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/livegate/livegate/internal/testmedia"
)

func collect(t *testing.T, audio bool, target time.Duration) (*Segmenter, *[]*Segment) {
	t.Helper()
	var segs []*Segment
	s := NewSegmenter(testTracks(t, audio), target, 30*time.Second, func(seg *Segment) { segs = append(segs, seg) })
	return s, &segs
}

func TestSegmenterCutsAtKeyframesAfterTarget(t *testing.T) {
	s, segs := collect(t, true, 2*time.Second)
	feed(t, s, synth(time.Second, 6*time.Second, time.Second, true))
	s.Flush()
	if len(*segs) != 3 {
		t.Fatalf("got %d segments, want 3", len(*segs))
	}
	var total time.Duration
	var lastDTS int64 = -1
	for i, seg := range *segs {
		ts, err := testmedia.DemuxTS(seg.Data)
		if err != nil {
			t.Fatalf("segment %d: %v", i, err)
		}
		first := ts.Video[0]
		if !first.IDR || !first.SPS || !first.PPS {
			t.Errorf("segment %d starts with %+v, want an IDR with SPS and PPS", i, first)
		}
		if lastDTS >= 0 && first.DTS != lastDTS+3000 {
			t.Errorf("segment %d: first DTS %d, want %d (continuous with the previous segment)", i, first.DTS, lastDTS+3000)
		}
		lastDTS = ts.Video[len(ts.Video)-1].DTS
		if len(ts.Video) != 60 {
			t.Errorf("segment %d has %d frames, want 60", i, len(ts.Video))
		}
		if len(ts.Audio) == 0 {
			t.Errorf("segment %d has no audio", i)
		}
		if d := math.Abs(float64(ts.Audio[0]-first.PTS)) / 90; d > 30 {
			t.Errorf("segment %d: audio starts %.1f ms away from video", i, d)
		}
		if d := seg.Start - (time.Second + time.Duration(i)*2*time.Second); d < -time.Microsecond || d > time.Microsecond {
			t.Errorf("segment %d starts at %v", i, seg.Start)
		}
		total += seg.Duration
	}
	if d := total - 6*time.Second; d < -time.Millisecond || d > 30*time.Millisecond {
		t.Errorf("durations add up to %v, want 6s", total)
	}
}

func TestSegmenterWaitsForKeyframeWhenGOPIsLong(t *testing.T) {
	s, segs := collect(t, false, 2*time.Second)
	feed(t, s, synth(time.Second, 9*time.Second, 3*time.Second, false))
	s.Flush()
	if len(*segs) != 3 {
		t.Fatalf("got %d segments, want 3", len(*segs))
	}
	for i, seg := range *segs {
		if d := seg.Duration - 3*time.Second; d < -time.Millisecond || d > 40*time.Millisecond {
			t.Errorf("segment %d lasts %v, want 3s (one GOP)", i, seg.Duration)
		}
	}
}

func TestSegmenterDropsMediaBeforeFirstKeyframe(t *testing.T) {
	s, segs := collect(t, true, 2*time.Second)
	units := synth(time.Second, 4*time.Second, 2*time.Second, true)
	// Lose the first keyframe: everything up to the next one must go.
	units[0].v.IDR = false
	units[0].v.NALUs = [][]byte{{0x41, 0x9a}}
	feed(t, s, units)
	s.Flush()
	if len(*segs) != 1 {
		t.Fatalf("got %d segments, want 1", len(*segs))
	}
	ts, err := testmedia.DemuxTS((*segs)[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	if !ts.Video[0].IDR || ts.Video[0].PTS != ticks(3*time.Second) {
		t.Errorf("segment starts with %+v, want the IDR at 3s", ts.Video[0])
	}
	if ts.Audio[0] < ticks(3*time.Second) {
		t.Errorf("audio from %d kept although no picture could show with it", ts.Audio[0])
	}
}

func TestSegmenterFlushKeepsPartialGOP(t *testing.T) {
	s, segs := collect(t, true, 2*time.Second)
	feed(t, s, synth(time.Second, 3500*time.Millisecond, 2*time.Second, true))
	s.Flush()
	if len(*segs) != 2 {
		t.Fatalf("got %d segments, want 2", len(*segs))
	}
	last := (*segs)[1]
	ts, err := testmedia.DemuxTS(last.Data)
	if err != nil {
		t.Fatal(err)
	}
	if !ts.Video[0].IDR || len(ts.Video) != 45 {
		t.Errorf("partial segment: first IDR %v, %d frames; want IDR and 45", ts.Video[0].IDR, len(ts.Video))
	}
	if d := last.Duration - 1500*time.Millisecond; d < -time.Millisecond || d > 30*time.Millisecond {
		t.Errorf("partial segment lasts %v, want 1.5s", last.Duration)
	}
	s.Flush() // a second flush has nothing to emit
	if len(*segs) != 2 {
		t.Errorf("second flush emitted a segment")
	}
}

func TestSegmenterRefusesEncoderWithoutKeyframes(t *testing.T) {
	var segs []*Segment
	s := NewSegmenter(testTracks(t, false), 2*time.Second, 5*time.Second, func(seg *Segment) { segs = append(segs, seg) })
	units := synth(time.Second, 8*time.Second, 100*time.Second, false)
	var err error
	for _, u := range units {
		if err = s.WriteVideo(u.v); err != nil {
			break
		}
	}
	if !errors.Is(err, ErrNoKeyframe) {
		t.Fatalf("got %v, want ErrNoKeyframe", err)
	}
}

func TestSegmenterRefusesTimestampsGoingBack(t *testing.T) {
	s, _ := collect(t, false, 2*time.Second)
	feed(t, s, synth(time.Second, time.Second, time.Second, false))
	err := s.WriteVideo(synth(500*time.Millisecond, 40*time.Millisecond, time.Second, false)[0].v)
	if err == nil {
		t.Fatal("a unit with an earlier DTS was accepted")
	}
}

func TestSegmenterVideoOnly(t *testing.T) {
	s, segs := collect(t, false, 2*time.Second)
	feed(t, s, synth(time.Second, 2*time.Second, time.Second, false))
	s.Flush()
	ts, err := testmedia.DemuxTS((*segs)[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts.Audio) != 0 || len(ts.Video) != 60 {
		t.Errorf("video-only segment has %d audio frames and %d video frames", len(ts.Audio), len(ts.Video))
	}
}

// A long target with keyframes every few seconds is no reason to give up:
// what counts is the time since the last keyframe.
func TestSegmenterLongTargetIsNotMissingKeyframes(t *testing.T) {
	var segs []*Segment
	s := NewSegmenter(testTracks(t, false), 29*time.Second, 30*time.Second, func(seg *Segment) { segs = append(segs, seg) })
	feed(t, s, synth(time.Second, 70*time.Second, 4*time.Second, false))
	s.Flush()
	if len(segs) < 2 || segs[0].Duration < 29*time.Second {
		t.Errorf("%d segments, first %v", len(segs), segs[0].Duration)
	}
}

// Segments of one publication are one continuous transport stream cut at
// keyframes: every PID's continuity counter runs on from one segment into
// the next (a player reading the playlist as one stream sees no packet
// lost at a boundary), and every segment still opens with PAT and PMT, so
// each decodes on its own.
func TestSegmenterContinuityCountersRunAcrossSegments(t *testing.T) {
	s, segs := collect(t, true, 2*time.Second)
	feed(t, s, synth(time.Second, 9*time.Second, time.Second, true))
	s.Flush()
	if len(*segs) < 3 {
		t.Fatalf("got %d segments, want at least 3", len(*segs))
	}
	last := map[uint16]byte{} // PID -> continuity counter of its last packet with a payload
	for i, seg := range *segs {
		if len(seg.Data) == 0 || len(seg.Data)%188 != 0 {
			t.Fatalf("segment %d: %d bytes, not whole packets", i, len(seg.Data))
		}
		if pid := uint16(seg.Data[1]&0x1f)<<8 | uint16(seg.Data[2]); pid != 0 {
			t.Errorf("segment %d opens with PID %d, want the PAT (0)", i, pid)
		}
		first := map[uint16]bool{}
		for off := 0; off < len(seg.Data); off += 188 {
			p := seg.Data[off : off+188]
			pid := uint16(p[1]&0x1f)<<8 | uint16(p[2])
			cc, payload := p[3]&0x0f, p[3]&0x10 != 0
			if !payload {
				continue
			}
			if prev, ok := last[pid]; ok && cc != (prev+1)&0x0f {
				where := "within"
				if !first[pid] {
					where = "across the boundary into"
				}
				t.Fatalf("PID %d: continuity counter %d after %d, %s segment %d", pid, cc, prev, where, i)
			}
			first[pid] = true
			last[pid] = cc
		}
		if _, err := testmedia.DemuxTS(seg.Data); err != nil {
			t.Errorf("segment %d alone: %v", i, err)
		}
	}
}
