package rtsp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/bluenviron/gortsplib/v4/pkg/format"

	"github.com/livegate/livegate/hls"
	"github.com/livegate/livegate/ingest"
	"github.com/livegate/livegate/ingest/rtsp"
	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
)

type fixture struct {
	srv     *rtsp.Server
	hub     *ingest.Hub
	archive *hls.Archive
	streams map[string]*hls.Stream
	logs    *testenv.LogBuffer
	log     *slog.Logger
	addr    string
	origin  string // the HLS origin, http://…
}

// newFixture runs a real RTSP server feeding real hls streams "main"
// (key main-key), "side" (side-key) and "cam" (cam-key).
func newFixture(t *testing.T, opts hls.Options) *fixture {
	t.Helper()
	logs := &testenv.LogBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	a, err := hls.OpenArchive(t.TempDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{archive: a, logs: logs, log: log, streams: map[string]*hls.Stream{}}
	var routes []ingest.Route
	for _, name := range []string{"main", "side", "cam"} {
		st := hls.NewStream(name, a, opts, log)
		f.streams[name] = st
		routes = append(routes, ingest.Route{Stream: name, Key: name + "-key", Target: st})
	}
	if f.hub, err = ingest.NewHub(routes, log); err != nil {
		t.Fatal(err)
	}
	f.srv = &rtsp.Server{Addr: "127.0.0.1:0", Hub: f.hub, Logger: log}
	if err := f.srv.Start(); err != nil {
		t.Fatal(err)
	}
	f.addr = f.srv.ListenAddr().String()
	mux := http.NewServeMux()
	(&hls.Origin{Streams: f.streams, Archive: a, Gate: hls.OpenGate{}, Logger: log}).Register(mux)
	web := httptest.NewServer(mux)
	f.origin = web.URL
	t.Cleanup(func() {
		web.Close()
		f.srv.Close()
		for _, st := range f.streams {
			_ = st.Close()
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs)
		}
	})
	return f
}

func (f *fixture) finished(t *testing.T, stream string) hls.RecordingSummary {
	t.Helper()
	var sum hls.RecordingSummary
	testenv.Eventually(t, stream+"'s recording is finished", func() bool {
		recs := f.archive.Recordings(stream)
		if len(recs) == 0 {
			return false
		}
		sum = recs[len(recs)-1].Summary()
		return !sum.Live && !f.hub.Live(stream)
	})
	return sum
}

func clipRTP(t *testing.T, audio bool, loops int) (*description.Session, []testmedia.RTP) {
	t.Helper()
	m, err := testmedia.ClipMedia()
	if err != nil {
		t.Fatal(err)
	}
	desc, err := m.RTSPDescription(audio)
	if err != nil {
		t.Fatal(err)
	}
	pkts, err := m.Packetize(desc, loops)
	if err != nil {
		t.Fatal(err)
	}
	return desc, pkts
}

// get fetches path from the HLS origin.
func (f *fixture) get(t *testing.T, path string) []byte {
	t.Helper()
	resp, body := testenv.Get(t, http.MethodGet, f.origin+path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	return body
}

// checkSegments plays stream's newest recording from the origin: every
// segment starts with an IDR frame carrying SPS and PPS, and has audio.
// A segment of a frame or two, which a publisher leaving just after a
// keyframe leaves behind, is skipped: mediacommon's demuxer needs audio
// data to read a stream that declares audio.
func (f *fixture) checkSegments(t *testing.T, stream string, audio bool) {
	t.Helper()
	var list struct {
		Recordings []struct{ Playlist string }
	}
	if err := json.Unmarshal(f.get(t, "/vod/"+stream+"/"), &list); err != nil || len(list.Recordings) == 0 {
		t.Fatalf("recordings of %s: %v", stream, err)
	}
	base := strings.TrimSuffix(list.Recordings[len(list.Recordings)-1].Playlist, "index.m3u8") + "source/"
	segs := testmedia.Listed(testmedia.MediaPlaylist(t, f.get(t, base+"index.m3u8")))
	if len(segs) == 0 {
		t.Fatal("an empty recording")
	}
	checked := 0
	for _, seg := range segs {
		if seg.Duration < 0.1 {
			continue
		}
		checked++
		data := f.get(t, base+seg.URI)
		ts, err := testmedia.DemuxTS(data)
		if err != nil || len(ts.Video) == 0 || !ts.Video[0].IDR || !ts.Video[0].SPS || !ts.Video[0].PPS {
			t.Errorf("segment %s (%d bytes, %.3f s): %v, first video %+v", seg.URI, len(data), seg.Duration, err, ts)
			continue
		}
		if audio && len(ts.Audio) == 0 {
			t.Errorf("segment %s has no audio", seg.URI)
		}
	}
	if checked < 2 {
		t.Errorf("only %d segments of %d worth checking", checked, len(segs))
	}
}

func TestPublishRTSP(t *testing.T) {
	f := newFixture(t, hls.Options{ReconnectGrace: -1})
	desc, pkts := clipRTP(t, true, 1)
	c, err := testmedia.PublishRTSP("rtsp://anyone:main-key@"+f.addr+"/main", desc, pkts, false)
	if err != nil {
		t.Fatal(err)
	}
	c.Close() // TEARDOWN
	sum := f.finished(t, "main")
	if sum.Segments != 3 || sum.Duration < 5.5 || sum.Duration > 6.1 {
		t.Errorf("recording %+v: want 3 segments, about 6 s", sum)
	}
	f.checkSegments(t, "main", true)
	if !strings.Contains(f.logs.String(), `msg="publisher done" stream=main protocol=rtsp`) {
		t.Error("a TEARDOWN was not logged as a clean end")
	}
}

func TestRTSPRefusals(t *testing.T) {
	f := newFixture(t, hls.Options{ReconnectGrace: -1})
	desc, pkts := clipRTP(t, true, 1)
	// A good publisher on "side" runs through all the bad ones.
	good, err := testmedia.PublishRTSP("rtsp://u:side-key@"+f.addr+"/side", desc, pkts[:len(pkts)/3], false)
	if err != nil {
		t.Fatal(err)
	}
	vp8 := &description.Session{Medias: []*description.Media{{Type: description.MediaTypeVideo, Formats: []format.Format{&format.VP8{PayloadTyp: 96}}}}}
	h265 := &description.Session{Medias: []*description.Media{{Type: description.MediaTypeVideo, Formats: []format.Format{&format.H265{PayloadTyp: 96}}}}}
	for _, c := range []struct {
		name, url string
		desc      *description.Session
		status    base.StatusCode
		log       string
	}{
		{"wrong key", "rtsp://u:stolen-key@" + f.addr + "/main", desc, base.StatusUnauthorized, "unknown stream key"},
		{"another stream's key", "rtsp://u:side-key@" + f.addr + "/main", desc, base.StatusUnauthorized, "unknown stream key"},
		{"no key", "rtsp://" + f.addr + "/main", desc, base.StatusUnauthorized, ""},
		{"unknown stream", "rtsp://u:main-key@" + f.addr + "/nowhere", desc, base.StatusNotFound, `no stream \"nowhere\"`},
		{"VP8", "rtsp://u:main-key@" + f.addr + "/main", vp8, base.StatusBadRequest, "no H.264 video offered (offered: [VP8])"},
		{"H.265", "rtsp://u:main-key@" + f.addr + "/main", h265, base.StatusBadRequest, "no H.264 video offered (offered: [H265])"},
		{"second publisher", "rtsp://u:side-key@" + f.addr + "/side", desc, base.StatusBadRequest, "already has a publisher"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tcp := gortsplib.TransportTCP
			cl := &gortsplib.Client{Transport: &tcp}
			err := cl.StartRecording(c.url, c.desc)
			if err == nil {
				cl.Close()
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("%d", c.status)) {
				t.Errorf("refused with %v, want status %d", err, c.status)
			}
			if c.log != "" {
				testenv.Eventually(t, "the refusal is logged", func() bool { return strings.Contains(f.logs.String(), c.log) })
			}
			if f.hub.Live("main") {
				t.Error("main is live after a refused publisher")
			}
		})
	}
	// Reading is refused: viewers watch over HLS.
	tcp := gortsplib.TransportTCP
	reader := &gortsplib.Client{Transport: &tcp, Scheme: "rtsp", Host: f.addr}
	if err := reader.Start2(); err != nil {
		t.Fatal(err)
	}
	u, _ := base.ParseURL("rtsp://" + f.addr + "/side")
	if _, _, err := reader.Describe(u); err == nil {
		t.Error("DESCRIBE answered: a reader could play")
	}
	reader.Close()
	// The good publisher carried on through all of it.
	if err := testmedia.SendRTP(good, pkts[len(pkts)/3:], false); err != nil {
		t.Fatalf("good publisher disturbed: %v", err)
	}
	good.Close()
	if sum := f.finished(t, "side"); sum.Segments != 3 {
		t.Errorf("side recorded %d segments, want 3", sum.Segments)
	}
	f.checkSegments(t, "side", true)
}

// camera is an RTSP server playing the clip in a loop in real time, as an
// IP camera does. It is gortsplib's own server, the one MediaMTX runs.
type camera struct {
	srv    *gortsplib.Server
	stream *gortsplib.ServerStream
	stop   chan struct{}
	done   sync.WaitGroup
}

type cameraHandler struct {
	mu     sync.Mutex
	stream *gortsplib.ServerStream
}

func (h *cameraHandler) OnDescribe(*gortsplib.ServerHandlerOnDescribeCtx) (*base.Response, *gortsplib.ServerStream, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return &base.Response{StatusCode: base.StatusOK}, h.stream, nil
}

func (h *cameraHandler) OnSetup(*gortsplib.ServerHandlerOnSetupCtx) (*base.Response, *gortsplib.ServerStream, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return &base.Response{StatusCode: base.StatusOK}, h.stream, nil
}

func (h *cameraHandler) OnPlay(*gortsplib.ServerHandlerOnPlayCtx) (*base.Response, error) {
	return &base.Response{StatusCode: base.StatusOK}, nil
}

func startCamera(t *testing.T, addr string) *camera {
	t.Helper()
	desc, pkts := clipRTP(t, true, 20)
	h := &cameraHandler{}
	c := &camera{srv: &gortsplib.Server{Handler: h, RTSPAddress: addr}, stop: make(chan struct{})}
	var err error
	for range 50 { // the port may still be held by the previous camera's last connection
		if err = c.srv.Start(); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	c.stream = &gortsplib.ServerStream{Server: c.srv, Desc: desc}
	if err := c.stream.Initialize(); err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	h.stream = c.stream
	h.mu.Unlock()
	c.done.Add(1)
	go func() {
		defer c.done.Done()
		start := time.Now()
		for _, p := range pkts {
			select {
			case <-c.stop:
				return
			case <-time.After(time.Until(start.Add(p.At))):
			}
			_ = c.stream.WritePacketRTP(p.Media, p.Pkt)
		}
	}()
	return c
}

// drop is the camera going away: every connection cut.
func (c *camera) drop() {
	close(c.stop)
	c.done.Wait()
	c.stream.Close()
	c.srv.Close()
}

func TestCameraPullReconnects(t *testing.T) {
	f := newFixture(t, hls.Options{ReconnectGrace: 10 * time.Second})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	camAddr := ln.Addr().String()
	ln.Close()
	cam := startCamera(t, camAddr)
	ctx, cancel := context.WithCancel(context.Background())
	pulled := make(chan struct{})
	go func() {
		defer close(pulled)
		(&rtsp.Camera{URL: "rtsp://admin:secret@" + camAddr + "/stream1", Stream: "cam", Key: "cam-key", Hub: f.hub, Logger: f.log,
			Retry: 100 * time.Millisecond}).Run(ctx)
	}()
	defer func() { cancel(); <-pulled }()
	segments := func() int {
		rv := f.archive.Recordings("cam")
		if len(rv) == 0 {
			return 0
		}
		return rv[0].Summary().Segments
	}
	testenv.Eventually(t, "the camera's first segment", func() bool { return segments() >= 1 })
	cam.drop()
	testenv.Eventually(t, "the drop is noticed", func() bool { return !f.hub.Live("cam") })
	before := segments()
	cam = startCamera(t, camAddr)
	defer cam.drop()
	testenv.Eventually(t, "segments after the camera is back", func() bool { return segments() >= before+1 })
	recs := f.archive.Recordings("cam")
	if len(recs) != 1 {
		t.Errorf("%d recordings: a reconnect within the grace continues the same one", len(recs))
	}
	if live := f.get(t, "/live/cam/source/index.m3u8"); !strings.Contains(string(live), "#EXT-X-DISCONTINUITY") {
		t.Errorf("no discontinuity in the live playlist:\n%s", live)
	}
	if strings.Contains(f.logs.String(), "secret") {
		t.Error("the camera's password is in the log")
	}
	cancel()
	<-pulled
	_ = f.streams["cam"].Close()
	f.checkSegments(t, "cam", true)
}
