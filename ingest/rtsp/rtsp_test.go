package rtsp_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/bluenviron/gortsplib/v4/pkg/format"

	"github.com/livegate/livegate/hls"
	"github.com/livegate/livegate/ingest/rtsp"
	"github.com/livegate/livegate/internal/streamtest"
	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
)

type fixture struct {
	*streamtest.Fixture
	srv  *rtsp.Server
	addr string
}

// newFixture runs a real RTSP server feeding real hls streams "main"
// (key main-key), "side" (side-key) and "cam" (cam-key).
func newFixture(t *testing.T, opts hls.Options) *fixture {
	t.Helper()
	f := &fixture{Fixture: streamtest.New(t, opts, "main", "side", "cam")}
	f.srv = &rtsp.Server{Addr: "127.0.0.1:0", Hub: f.Hub, Logger: f.Log}
	if err := f.srv.Start(); err != nil {
		t.Fatal(err)
	}
	f.addr = f.srv.ListenAddr().String()
	t.Cleanup(f.srv.Close)
	return f
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

func TestPublishRTSP(t *testing.T) {
	f := newFixture(t, hls.Options{ReconnectGrace: -1})
	desc, pkts := clipRTP(t, true, 1)
	c, err := testmedia.PublishRTSP("rtsp://anyone:main-key@"+f.addr+"/main", desc, pkts, false)
	if err != nil {
		t.Fatal(err)
	}
	c.Close() // TEARDOWN
	sum := f.Finished(t, "main")
	if sum.Segments != 3 || sum.Duration < 5.5 || sum.Duration > 6.1 {
		t.Errorf("recording %+v: want 3 segments, about 6 s", sum)
	}
	if n := f.CheckRecording(t, "main", true); n != 3 {
		t.Errorf("%d segments checked, want 3", n)
	}
	if !strings.Contains(f.Logs.String(), `msg="publisher done" stream=main protocol=rtsp`) {
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
				testenv.Eventually(t, "the refusal is logged", func() bool { return strings.Contains(f.Logs.String(), c.log) })
			}
			if f.Hub.Live("main") {
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
	if sum := f.Finished(t, "side"); sum.Segments != 3 {
		t.Errorf("side recorded %d segments, want 3", sum.Segments)
	}
	if n := f.CheckRecording(t, "side", true); n != 3 {
		t.Errorf("%d segments checked, want 3", n)
	}
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
		(&rtsp.Camera{URL: "rtsp://admin:secret@" + camAddr + "/stream1", Stream: "cam", Key: "cam-key", Hub: f.Hub, Logger: f.Log,
			Retry: 100 * time.Millisecond}).Run(ctx)
	}()
	defer func() { cancel(); <-pulled }()
	segments := func() int {
		rv := f.Archive.Recordings("cam")
		if len(rv) == 0 {
			return 0
		}
		return rv[0].Summary().Segments
	}
	testenv.Eventually(t, "the camera's first segment", func() bool { return segments() >= 1 })
	cam.drop()
	testenv.Eventually(t, "the drop is noticed", func() bool { return !f.Hub.Live("cam") })
	cam = startCamera(t, camAddr)
	defer cam.drop()
	// Back within the grace: the same playlist and recording go on, after
	// a discontinuity.
	testenv.Eventually(t, "a segment after the camera is back", func() bool {
		return strings.Contains(string(f.Get(t, "/live/cam/source/index.m3u8")), "#EXT-X-DISCONTINUITY")
	})
	if recs := f.Archive.Recordings("cam"); len(recs) != 1 {
		t.Errorf("%d recordings: a reconnect within the grace continues the same one", len(recs))
	}
	if strings.Contains(f.Logs.String(), "secret") {
		t.Error("the camera's password is in the log")
	}
	cancel()
	<-pulled
	_ = f.Streams["cam"].Close()
	if n := f.CheckRecording(t, "cam", true); n < 2 {
		t.Errorf("%d segments checked, want one before the drop and one after", n)
	}
}
