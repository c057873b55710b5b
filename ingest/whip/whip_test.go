package whip_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/livegate/livegate/hls"
	"github.com/livegate/livegate/ingest/whip"
	"github.com/livegate/livegate/internal/streamtest"
	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
)

type fixture struct {
	*streamtest.Fixture
	srv *whip.Server
	url string // http://127.0.0.1:port
}

func newFixture(t *testing.T, ffmpeg string, iceTimeout time.Duration) *fixture {
	t.Helper()
	return newFixtureWith(t, hls.Options{ReconnectGrace: -1}, &whip.Server{FFmpeg: ffmpeg, ICETimeout: iceTimeout})
}

// newFixtureWith serves srv, its Hub, Logger and Loopback filled in, on
// streams made with opts.
func newFixtureWith(t *testing.T, opts hls.Options, srv *whip.Server, streams ...string) *fixture {
	t.Helper()
	if len(streams) == 0 {
		streams = []string{"main", "side"}
	}
	f := &fixture{Fixture: streamtest.New(t, opts, streams...), srv: srv}
	srv.Hub, srv.Logger, srv.Loopback = f.Hub, f.Log, true
	if err := srv.Initialize(); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	f.srv.Register(mux)
	web := httptest.NewServer(mux)
	f.url = web.URL
	t.Cleanup(func() {
		f.srv.Close()
		web.Close()
	})
	return f
}

func clip(t *testing.T, ffmpeg string) ([]testmedia.RTP, []testmedia.Frame) {
	t.Helper()
	video, audio, err := testmedia.WHIPClip(ffmpeg)
	if err != nil {
		t.Fatal(err)
	}
	return video, audio
}

func TestPublishWHIP(t *testing.T) {
	ffmpeg := testenv.Tool(t, "ffmpeg")
	f := newFixture(t, ffmpeg, 0)
	video, audio := clip(t, ffmpeg)
	c, err := testmedia.DialWHIP(f.url+"/whip/main", "main-key", true)
	if err != nil {
		t.Fatal(err)
	}
	defer c.PC.Close()
	if !strings.HasPrefix(c.Location, f.url+"/whip/main/") {
		t.Errorf("Location %q", c.Location)
	}
	if err := c.Send(context.Background(), video, audio); err != nil {
		t.Fatal(err)
	}
	if code, err := c.Delete(); err != nil || code != http.StatusOK {
		t.Fatalf("DELETE: %d %v", code, err)
	}
	sum := f.Finished(t, "main")
	if sum.Segments < 3 || sum.Duration < 5.5 || sum.Duration > 6.2 {
		t.Errorf("recording %+v: want the clip's 6 s in 3 segments", sum)
	}
	if n := f.CheckRecording(t, "main", true); n < 3 {
		t.Errorf("%d segments checked", n)
	}
	// The Opus became AAC on the publisher's clock: in step with the
	// picture, and all of it.
	audioFrames := 0
	for i, seg := range testmedia.Listed(testmedia.MediaPlaylist(t, f.Get(t, "/live/main/source/index.m3u8"))) {
		ts, err := testmedia.DemuxTS(f.Get(t, "/live/main/source/"+seg.URI))
		if err != nil || len(ts.Audio) == 0 {
			t.Fatalf("segment %s: %v, %d audio frames", seg.URI, err, len(ts.Audio))
		}
		audioFrames += len(ts.Audio)
		if d := ts.Audio[0] - ts.Video[0].PTS; i == 0 && (d < -3600 || d > 3600) {
			t.Errorf("audio starts %.1f ms from the picture, want within 40 ms", float64(d)/90)
		}
	}
	if secs := float64(audioFrames) * 1024 / 48000; secs < 5.8 {
		t.Errorf("%.2f s of AAC from the clip's 6.04 s of Opus", secs)
	}
	master := string(f.Get(t, "/live/main/index.m3u8"))
	if !strings.Contains(master, "mp4a.40.2") || !strings.Contains(master, "RESOLUTION=640x360") {
		t.Errorf("master playlist:\n%s", master)
	}
	if !strings.Contains(f.Logs.String(), `msg="publisher done" stream=main protocol=whip`) {
		t.Error("DELETE was not logged as a clean end")
	}
	if code, _ := c.Delete(); code != http.StatusNotFound {
		t.Errorf("a second DELETE: %d, want 404", code)
	}
}

func TestWHIPRefusals(t *testing.T) {
	ffmpeg := testenv.Tool(t, "ffmpeg")
	f := newFixture(t, ffmpeg, time.Second)
	video, audio := clip(t, ffmpeg)
	// A good publisher on "side" runs through all the bad ones.
	done := f.goodPublisher(t, video, audio)

	_, offer, err := testmedia.WHIPOffer(true)
	if err != nil {
		t.Fatal(err)
	}
	vp8 := vp8Offer(t)
	for _, c := range []struct {
		name, path, key, ctype, body string
		code                         int
		log                          string
	}{
		{"no key", "/whip/main", "", "application/sdp", offer, 401, "send the stream key"},
		{"wrong key", "/whip/main", "stolen-key", "application/sdp", offer, 401, "unknown stream key"},
		{"another stream's key", "/whip/main", "side-key", "application/sdp", offer, 401, "does not belong to this stream"},
		{"not SDP", "/whip/main", "main-key", "application/json", `{"sdp": 1}`, 415, "not \\\"application/json\\\""},
		{"malformed SDP", "/whip/main", "main-key", "application/sdp", "v=0\r\nthis is not SDP\r\n", 400, "malformed SDP offer"},
		{"no H.264", "/whip/main", "main-key", "application/sdp", vp8, 400, "no H.264 in the offer (video offered: [VP8])"},
		{"second publisher", "/whip/side", "side-key", "application/sdp", offer, 409, "already has a publisher"},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, f.url+c.path, strings.NewReader(c.body))
			req.Header.Set("Content-Type", c.ctype)
			if c.key != "" {
				req.Header.Set("Authorization", "Bearer "+c.key)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(body), "127.0.0.1") || strings.Contains(string(body), "another") ||
				strings.Contains(string(body), "belong") {
				t.Errorf("the refusal tells of another client or stream: %q", body)
			}
			if resp.StatusCode != c.code {
				t.Errorf("%d, want %d", resp.StatusCode, c.code)
			}
			if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Error("no CORS header on a refusal: a page could not read why")
			}
			testenv.Eventually(t, "the refusal is logged", func() bool { return strings.Contains(f.Logs.String(), c.log) })
			if f.Hub.Live("main") {
				t.Error("main is live after a refused publisher")
			}
		})
	}
	// An offer whose publisher never connects: the stream is held only
	// until the ICE timeout.
	code, _, _, err := testmedia.PostWHIP(f.url+"/whip/main", "main-key", offer)
	if err != nil || code != http.StatusCreated {
		t.Fatalf("offer: %d %v", code, err)
	}
	if !f.Hub.Live("main") {
		t.Error("main is not held while its publisher connects")
	}
	testenv.Eventually(t, "the unconnected session is dropped", func() bool {
		return !f.Hub.Live("main") && strings.Contains(f.Logs.String(), "ICE did not connect within 1s")
	})
	// DELETE of nothing.
	req, _ := http.NewRequest(http.MethodDelete, f.url+"/whip/main/0123456789abcdef", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("DELETE of an unknown session: %v %v", resp.StatusCode, err)
	}
	done("good publisher disturbed") // it carried on through all of it
}

// goodPublisher publishes the clip on "side" over WHIP while a test sends
// bad requests; the function it returns waits for it, checks it was not
// disturbed (what names the failure), ends it and checks its recording.
func (f *fixture) goodPublisher(t *testing.T, video []testmedia.RTP, audio []testmedia.Frame) func(what string) {
	t.Helper()
	good, err := testmedia.DialWHIP(f.url+"/whip/side", "side-key", true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = good.PC.Close() })
	sent := make(chan error, 1)
	go func() { sent <- good.Send(context.Background(), video, audio) }()
	return func(what string) {
		t.Helper()
		if err := <-sent; err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if code, err := good.Delete(); err != nil || code != http.StatusOK {
			t.Fatalf("DELETE: %d %v", code, err)
		}
		if sum := f.Finished(t, "side"); sum.Segments < 3 {
			t.Errorf("side recorded %d segments, want 3", sum.Segments)
		}
		f.CheckRecording(t, "side", true)
	}
}

// vp8Offer is a real offer with only a VP8 video track.
func vp8Offer(t *testing.T) string {
	t.Helper()
	m := &webrtc.MediaEngine{}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, PayloadType: 96}, webrtc.RTPCodecTypeVideo); err != nil {
		t.Fatal(err)
	}
	pc, err := webrtc.NewAPI(webrtc.WithMediaEngine(m)).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	tr, _ := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "v", "s")
	if _, err := pc.AddTrack(tr); err != nil {
		t.Fatal(err)
	}
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	return offer.SDP
}

func TestWHIPWithoutFFmpegKeepsTheVideo(t *testing.T) {
	ffmpeg := testenv.Tool(t, "ffmpeg")
	f := newFixture(t, "no-such-ffmpeg-here", 0)
	video, audio := clip(t, ffmpeg)
	c, err := testmedia.DialWHIP(f.url+"/whip/main", "main-key", true)
	if err != nil {
		t.Fatal(err)
	}
	defer c.PC.Close()
	if err := c.Send(context.Background(), video, audio); err != nil {
		t.Fatal(err)
	}
	_, _ = c.Delete()
	if sum := f.Finished(t, "main"); sum.Segments < 3 {
		t.Errorf("%d segments", sum.Segments)
	}
	f.CheckRecording(t, "main", false)
	if master := string(f.Get(t, "/live/main/index.m3u8")); strings.Contains(master, "mp4a") {
		t.Errorf("audio announced without a way to make it:\n%s", master)
	}
	if !strings.Contains(f.Logs.String(), "Opus audio dropped: no ffmpeg to turn it into AAC") {
		t.Error("the missing audio is not explained in the log")
	}
}

// TestWHIPAsksForKeyframes: a publisher whose keyframes come further
// apart than the segment target (the clip has one a second, the target
// here is half that) is asked for more, with PLI.
func TestWHIPAsksForKeyframes(t *testing.T) {
	ffmpeg := testenv.Tool(t, "ffmpeg")
	f := newFixtureWith(t, hls.Options{ReconnectGrace: -1, Segment: 500 * time.Millisecond},
		&whip.Server{FFmpeg: ffmpeg, Segment: 500 * time.Millisecond})
	video, audio := clip(t, ffmpeg)
	c, err := testmedia.DialWHIP(f.url+"/whip/main", "main-key", true)
	if err != nil {
		t.Fatal(err)
	}
	defer c.PC.Close()
	if err := c.Send(context.Background(), video, audio); err != nil {
		t.Fatal(err)
	}
	// Each second, 500 ms pass without a keyframe: the server asks, at
	// most once per 500 ms, so about 6 times in the clip's 6 s.
	if n := c.PLIs.Load(); n < 3 || n > 14 {
		t.Errorf("%d keyframe requests in 6 s", n)
	}
	_, _ = c.Delete()
	f.Finished(t, "main")
}
