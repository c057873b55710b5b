package main

import (
	"strings"
	"testing"
	"time"

	"github.com/livegate/livegate/internal/testbrowser"
	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
)

// publishState is what the publish page reports.
type publishState struct {
	State, Error, Codec string
	BytesSent           int64
}

const publishStateScript = `return window.livegate ? window.livegate.state() : null`

// TestPublishPageGoesLive has headless Chromium's fake camera and
// microphone publish through the publish page, as a broadcaster at an
// event would from a laptop: the page sends H.264 and Opus over WHIP, the
// stream is cut into playable segments with sound, a wrong key is
// refused on the page, and Stop ends the broadcast.
func TestPublishPageGoesLive(t *testing.T) {
	testenv.Tool(t, "ffmpeg") // the server's Opus to AAC
	b := testbrowser.Start(t)
	e := startE2E(t, t.TempDir())

	b.Open(e.base + "/publish/demo")
	b.Poll("the camera preview", 20*time.Second,
		`return document.getElementById('preview').readyState >= 2`, publishStateScript)
	// A wrong key: refused, said on the page, nothing published.
	b.MustEval(nil, `document.getElementById('key').value = 'not-the-key'; document.getElementById('start').click()`)
	b.Poll("the wrong key refused", 20*time.Second,
		`return document.getElementById('msg').textContent.includes('401')`, publishStateScript)
	if code, _, _ := e.get("/live/demo/source/index.m3u8"); code == 200 {
		t.Errorf("a playlist after a refused publish")
	}

	b.MustEval(nil, `document.getElementById('key').value = 'demo-stream-key'; document.getElementById('start').click()`)
	b.Poll("on air", 20*time.Second, `return window.livegate.state().state === 'live'`, publishStateScript)
	e.eventually("three segments from the browser", func() bool {
		code, _, body := e.get("/live/demo/source/index.m3u8")
		return code == 200 && strings.Count(string(body), ".ts") >= 3
	})
	var s publishState
	b.MustEval(&s, publishStateScript)
	if s.Codec != "video/H264" || s.BytesSent == 0 {
		t.Errorf("page state %+v", s)
	}
	shoot(t, b, "publish.png")
	segs := testmedia.Listed(testmedia.MediaPlaylist(t, e.mustGet("/live/demo/source/index.m3u8")))
	for _, seg := range segs {
		ts, err := testmedia.DemuxTS(e.mustGet("/live/demo/source/" + seg.URI))
		if err != nil || len(ts.Video) == 0 || !ts.Video[0].IDR || !ts.Video[0].SPS || len(ts.Audio) == 0 {
			t.Errorf("segment %s: %v, %d video frames, %d audio frames", seg.URI, err, len(ts.Video), len(ts.Audio))
		}
	}
	master := string(e.mustGet("/live/demo/index.m3u8"))
	if !strings.Contains(master, "avc1.") || !strings.Contains(master, "mp4a.40.2") {
		t.Errorf("master playlist:\n%s", master)
	}

	b.MustEval(nil, `document.getElementById('stop').click()`)
	e.ended("demo")
	rec := e.recordings("demo").Recordings
	if len(rec) != 1 || rec[0].Live || rec[0].Segments < 3 {
		t.Fatalf("recordings %+v", rec)
	}
	// What the browser sent plays in hls.js, picture and sound.
	b.Open(testbrowser.HLSPlayer(t, e.base+rec[0].Playlist, 2))
	b.Poll("the broadcast plays", 30*time.Second,
		`const s = window.state && window.state(); return !!s && s.time >= 3 && s.audioBytes > 0 && s.videoBytes > 0`,
		testbrowser.StateScript)
}
