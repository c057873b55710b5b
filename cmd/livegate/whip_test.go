package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/livegate/livegate/internal/testbrowser"
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

// TestWHIPPlaysInHLSJSInChromium is the viewer's side of a WHIP
// broadcast: hls.js 1.7 in headless Chromium plays the live stream, with
// the publisher's Opus decoded as AAC, and then its recording to the end.
// (Safari's native player cannot run here; it plays H.264 with AAC in
// MPEG-TS, which is what this checks hls.js demuxes.)
func TestWHIPPlaysInHLSJSInChromium(t *testing.T) {
	ffmpeg := testenv.Tool(t, "ffmpeg")
	b := testbrowser.Start(t)
	e := startE2E(t, t.TempDir())
	video, audio, err := testmedia.WHIPMedia(ffmpeg, testmedia.ClipPath(), 3) // 18 s
	if err != nil {
		t.Fatal(err)
	}
	c, err := testmedia.DialWHIP(e.base+"/whip/demo", "demo-stream-key", true)
	if err != nil {
		t.Fatal(err)
	}
	defer c.PC.Close()
	sent := make(chan error, 1)
	go func() { sent <- c.Send(context.Background(), video, audio) }()
	e.eventually("the first segment listed", func() bool {
		code, _, body := e.get("/live/demo/source/index.m3u8")
		return code == 200 && strings.Contains(string(body), ".ts")
	})

	b.Open(testbrowser.HLSPlayer(t, e.base+"/live/demo/index.m3u8", 1))
	b.Poll("live playback with sound", 30*time.Second,
		`const s = window.state && window.state(); return !!s && s.time >= 4 && s.audioBytes > 0 && s.videoBytes > 0`,
		testbrowser.StateScript)
	var live testbrowser.HLSState
	b.MustEval(&live, testbrowser.StateScript)
	if len(live.Fatal) > 0 || live.MediaError != "" || live.Width != 640 || live.Height != 360 {
		t.Errorf("live playback: %+v", live)
	}
	if live.Codecs["audio"] != "mp4a.40.2" || !strings.HasPrefix(live.Codecs["video"], "avc1.") {
		t.Errorf("hls.js buffered codecs %v, want avc1 and mp4a.40.2", live.Codecs)
	}
	t.Logf("live: %.1f s played, %d audio bytes decoded, non-fatal hls.js events %v", live.Time, live.AudioBytes, live.Errors)

	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	if code, err := c.Delete(); err != nil || code != http.StatusOK {
		t.Fatalf("DELETE: %d %v", code, err)
	}
	e.ended("demo")
	rec := e.recordings("demo").Recordings
	if len(rec) != 1 {
		t.Fatalf("recordings %+v", rec)
	}
	b.Open(testbrowser.HLSPlayer(t, e.base+"/vod/demo/"+rec[0].ID+"/index.m3u8", 4))
	b.Poll("the recording played to its end", 30*time.Second,
		`const s = window.state && window.state(); return !!s && s.ended`, testbrowser.StateScript)
	var vod testbrowser.HLSState
	b.MustEval(&vod, testbrowser.StateScript)
	if len(vod.Fatal) > 0 || vod.MediaError != "" || vod.Time < 17 || vod.AudioBytes == 0 {
		t.Errorf("replay: %+v (recording of %.1f s)", vod, rec[0].Duration)
	}
}
