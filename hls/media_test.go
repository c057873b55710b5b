package hls

import (
	"encoding/hex"
	"log/slog"
	"testing"
	"time"

	"github.com/livegate/livegate/ingest"
)

// Synthetic media for unit tests: real parameter sets (from testdata/clip.flv)
// and NAL units whose headers are right and whose payloads are filler. The
// segmenter and the MPEG-TS muxer look at NALU types, never inside slices;
// the end-to-end tests in cmd/livegate push real encoded video.
var (
	testSPS, _ = hex.DecodeString("6764001eacd940a02ff970110000030001000003003c0f162d96")
	testPPS, _ = hex.DecodeString("68efbcb0")
	testASC, _ = hex.DecodeString("121056e500")
)

// quiet keeps test output to failures.
var quiet = slog.New(slog.DiscardHandler)

func testTracks(t testing.TB, audio bool) ingest.Tracks {
	t.Helper()
	v, err := ingest.NewH264Track(testSPS, testPPS)
	if err != nil {
		t.Fatal(err)
	}
	tr := ingest.Tracks{Video: v}
	if audio {
		if tr.Audio, err = ingest.NewAACTrack(testASC); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}

// unit is a video or audio unit in decode order.
type unit struct {
	v *ingest.VideoUnit
	a *ingest.AudioUnit
}

// synth makes dur of 30 fps video with a keyframe every gop, starting at
// from, interleaved with 44.1 kHz AAC frames when audio is set.
func synth(from, dur, gop time.Duration, audio bool) []unit {
	const frame = time.Second / 30 // 33.333333 ms: timestamps land off the millisecond, as RTP's do
	aframe := time.Duration(1024) * time.Second / 44100
	var out []unit
	na := from
	perGOP := int(gop / frame)
	n := int((dur + frame/2) / frame)
	for i := range n {
		ts := from + time.Duration(i)*frame
		idr := i%perGOP == 0
		nalus := [][]byte{{0x41, 0x9a, 0x00, 0x01}}
		if idr {
			nalus = [][]byte{testSPS, testPPS, {0x65, 0x88, 0x84, 0x00}}
		}
		out = append(out, unit{v: &ingest.VideoUnit{PTS: ts, DTS: ts, NALUs: nalus, IDR: idr}})
		for audio && na < ts+frame {
			out = append(out, unit{a: &ingest.AudioUnit{PTS: na, AUs: [][]byte{{0x21, 0x10, 0x04, 0x60}}}})
			na += aframe
		}
	}
	return out
}

type writer interface {
	WriteVideo(*ingest.VideoUnit) error
	WriteAudio(*ingest.AudioUnit) error
}

func feed(t testing.TB, w writer, units []unit) {
	t.Helper()
	for _, u := range units {
		var err error
		if u.v != nil {
			err = w.WriteVideo(u.v)
		} else {
			err = w.WriteAudio(u.a)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
