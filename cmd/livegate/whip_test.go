package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
)

// TestEndToEndWHIPPublisher publishes the clip from a pion WebRTC client
// through the server's own HTTP port, as a browser or OBS would, and
// plays the result: H.264 as sent, the Opus turned into AAC.
func TestEndToEndWHIPPublisher(t *testing.T) {
	ffmpeg := testenv.Tool(t, "ffmpeg")
	e := startE2E(t, t.TempDir())
	video, audio, err := testmedia.WHIPClip(ffmpeg)
	if err != nil {
		t.Fatal(err)
	}
	c, err := testmedia.DialWHIP(e.base+"/whip/demo", "demo-stream-key", true)
	if err != nil {
		t.Fatal(err)
	}
	defer c.PC.Close()
	if err := c.Send(context.Background(), video, audio); err != nil {
		t.Fatal(err)
	}
	if code, err := c.Delete(); err != nil || code != http.StatusOK {
		t.Fatalf("DELETE: %d %v", code, err)
	}
	e.ended("demo")
	master := string(e.mustGet("/live/demo/index.m3u8"))
	if !strings.Contains(master, "RESOLUTION=640x360") || !strings.Contains(master, "mp4a.40.2") {
		t.Errorf("master:\n%s", master)
	}
	segs := testmedia.Listed(testmedia.MediaPlaylist(t, e.mustGet("/live/demo/source/index.m3u8")))
	if len(segs) != 3 {
		t.Fatalf("%d segments from the 6 s clip", len(segs))
	}
	for _, s := range segs {
		ts, err := testmedia.DemuxTS(e.mustGet("/live/demo/source/" + s.URI))
		if err != nil || !ts.Video[0].IDR || !ts.Video[0].SPS || len(ts.Audio) == 0 {
			t.Errorf("segment %s: %v, starts with %+v, %d audio frames", s.URI, err, ts.Video[:1], len(ts.Audio))
		}
	}
	if rec := e.recordings("demo").Recordings; len(rec) != 1 || rec[0].Live {
		t.Errorf("recordings %+v: want one, finished", rec)
	}
}
