package rtmp_test

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	flvtag "github.com/yutopp/go-flv/tag"

	"github.com/livegate/livegate/hls"
	"github.com/livegate/livegate/ingest/rtmp"
	"github.com/livegate/livegate/internal/streamtest"
	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
)

type fixture struct {
	*streamtest.Fixture
	srv  *rtmp.Server
	addr string
}

// newFixture runs a real RTMP server feeding real hls streams "main"
// (key main-key) and "side" (key side-key).
func newFixture(t *testing.T, opts hls.Options, idle time.Duration) *fixture {
	t.Helper()
	return newFixtureWith(t, opts, func(s *rtmp.Server) { s.IdleTimeout = idle })
}

// newFixtureWith lets a test set the server's fields before it starts.
func newFixtureWith(t *testing.T, opts hls.Options, set func(*rtmp.Server)) *fixture {
	t.Helper()
	f := &fixture{Fixture: streamtest.New(t, opts, "main", "side")}
	f.srv = &rtmp.Server{Addr: "127.0.0.1:0", Hub: f.Hub, Logger: f.Log}
	set(f.srv)
	if err := f.srv.Start(); err != nil {
		t.Fatal(err)
	}
	f.addr = f.srv.ListenAddr().String()
	t.Cleanup(func() { _ = f.srv.Close() })
	return f
}

func clip(t *testing.T) []testmedia.Tag {
	t.Helper()
	tags, err := testmedia.Clip()
	if err != nil {
		t.Fatal(err)
	}
	return tags
}

func TestPublishClip(t *testing.T) {
	f := newFixture(t, hls.Options{ReconnectGrace: -1}, 0)
	if err := testmedia.PublishAll(f.addr, "main-key", clip(t)); err != nil {
		t.Fatal(err)
	}
	sum := f.Finished(t, "main")
	if sum.Segments != 3 || sum.Duration < 5.9 || sum.Duration > 6.1 {
		t.Errorf("recording %+v: want 3 segments, 6 s", sum)
	}
	// The recording may finish a moment before the connection's goroutine
	// logs how the publisher left.
	testenv.Eventually(t, "a clean unpublish logged as such", func() bool {
		return strings.Contains(f.Logs.String(), "publisher done")
	})
}

func TestRefusals(t *testing.T) {
	f := newFixture(t, hls.Options{ReconnectGrace: -1}, 0)
	tags := clip(t)
	// A good publisher on "side" runs through all the bad ones.
	good, err := testmedia.Dial(f.addr, "live", "side-key")
	if err != nil {
		t.Fatal(err)
	}
	if err := good.SendAll(tags[:len(tags)/3]); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name, app, key string
		tags           []testmedia.Tag
		log            string
	}{
		{"wrong key", "live", "stolen-key", nil, "unknown stream key"},
		{"wrong application", "other", "main-key", nil, `unknown application \"other\"`},
		{"second publisher", "live", "side-key", nil, "already has a publisher"},
		{"Sorenson video", "live", "main-key",
			[]testmedia.Tag{{Type: flvtag.TagTypeVideo, Body: []byte{0x12, 0, 0, 0, 0}}}, "unsupported codec: video Sorenson H.263"},
		{"MP3 audio", "live", "main-key",
			[]testmedia.Tag{{Type: flvtag.TagTypeAudio, Body: []byte{0x2f, 0xff, 0xfb}}}, "unsupported codec: audio MP3"},
		{"HEVC over enhanced RTMP", "live", "main-key",
			[]testmedia.Tag{{Type: flvtag.TagTypeVideo, Body: []byte{0x90, 'h', 'v', 'c', '1', 1, 2}}}, `video \"hvc1\"`},
		{"malformed AVC header", "live", "main-key",
			[]testmedia.Tag{{Type: flvtag.TagTypeVideo, Body: []byte{0x17, 0, 0, 0, 0, 1, 0x64}}}, "AVC sequence header truncated"},
		{"audio only", "live", "main-key", audioOnly(tags), "no H.264 video"},
		{"an audio flood before any video", "live", "main-key", audioFlood(501), "501 AAC frames and no H.264 sequence header"},
		{"an AAC frame over 64 KiB", "live", "main-key",
			[]testmedia.Tag{{Type: flvtag.TagTypeAudio, Body: append([]byte{0xaf, 1}, make([]byte, 64<<10+1)...)}}, "a body over 65536 bytes"},
		{"an access unit of 257 NALUs", "live", "main-key", manyNALUs(tags, 257), "H.264 frame of more than 256 NALUs"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := testmedia.Dial(f.addr, c.app, c.key)
			if err != nil {
				if c.app != "live" {
					return // refused at connect: fine, check the log below
				}
				t.Fatal(err)
			}
			defer p.Drop()
			for _, tg := range c.tags {
				if p.Send(tg) != nil {
					break
				}
			}
			if !p.Refused(5 * time.Second) {
				t.Error("connection still open")
			}
			testenv.Eventually(t, "the refusal is logged", func() bool { return strings.Contains(f.Logs.String(), c.log) })
			if f.Hub.Live("main") {
				t.Error("main is live after a refused publisher")
			}
		})
	}
	// The good publisher carried on through all of it.
	if err := good.SendAll(tags[len(tags)/3:]); err != nil {
		t.Fatalf("good publisher disturbed: %v", err)
	}
	_ = good.Close()
	if sum := f.Finished(t, "side"); sum.Segments != 3 {
		t.Errorf("side recorded %d segments, want 3", sum.Segments)
	}
}

// audioFlood is an AAC header and n frames, all at time 0, and no video.
func audioFlood(n int) []testmedia.Tag {
	tags := []testmedia.Tag{{Type: flvtag.TagTypeAudio, Body: []byte{0xaf, 0, 0x12, 0x10}}}
	for range n {
		tags = append(tags, testmedia.Tag{Type: flvtag.TagTypeAudio, Body: []byte{0xaf, 1, 0x21, 0x10, 0x04, 0x60, 0x8c, 0x1c}})
	}
	return tags
}

// manyNALUs is the clip's AVC sequence header and a frame of n NALUs.
func manyNALUs(clip []testmedia.Tag, n int) []testmedia.Tag {
	var header testmedia.Tag
	for _, tg := range clip {
		if tg.Type == flvtag.TagTypeVideo && tg.Body[1] == 0 {
			header = tg
			break
		}
	}
	frame := []byte{0x27, 1, 0, 0, 0}
	for range n {
		frame = append(frame, 0, 0, 0, 2, 0x41, 0x9a)
	}
	return []testmedia.Tag{header, {Type: flvtag.TagTypeVideo, Body: frame}}
}

func audioOnly(tags []testmedia.Tag) []testmedia.Tag {
	var out []testmedia.Tag
	for _, tg := range tags {
		if tg.Type == flvtag.TagTypeAudio {
			out = append(out, tg)
		}
	}
	return out
}

func TestGarbageAndSilence(t *testing.T) {
	f := newFixture(t, hls.Options{ReconnectGrace: -1}, 300*time.Millisecond)
	junk := make([]byte, 1537)
	_, _ = rand.Read(junk)
	junk[0] = 0x47 // not RTMP version 3
	for name, payload := range map[string][]byte{"garbage": junk, "silence": nil, "half a handshake": {3, 0, 0}} {
		t.Run(name, func(t *testing.T) {
			c, err := net.Dial("tcp", f.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_, _ = c.Write(payload)
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, err = io.Copy(io.Discard, c)
			if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
				t.Error("server kept the connection open")
			}
		})
	}
	testenv.Eventually(t, "the bad client is logged", func() bool {
		l := f.Logs.String()
		return strings.Contains(l, "not an RTMP client: first byte 0x47") && strings.Contains(l, "nothing received for 300ms")
	})
	if err := testmedia.PublishAll(f.addr, "main-key", clip(t)); err != nil {
		t.Fatal(err)
	}
	if sum := f.Finished(t, "main"); sum.Segments != 3 {
		t.Errorf("after the junk, a good publisher recorded %d segments", sum.Segments)
	}
}

func TestPublisherVanishesMidSegment(t *testing.T) {
	f := newFixture(t, hls.Options{ReconnectGrace: -1}, 0)
	tags := clip(t)
	// Up to 1.5 s into the second segment: 3.5 s of media.
	cut := 0
	for i, tg := range tags {
		if tg.Timestamp >= 3500 {
			cut = i
			break
		}
	}
	p, err := testmedia.Dial(f.addr, "live", "main-key")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SendAll(tags[:cut]); err != nil {
		t.Fatal(err)
	}
	_ = p.Drop()
	sum := f.Finished(t, "main")
	if sum.Segments != 2 || sum.Duration < 3.4 || sum.Duration > 3.6 {
		t.Errorf("recording %+v: want 2 segments, 3.5 s", sum)
	}
	// The stream ends before the connection's handler logs the drop.
	testenv.Eventually(t, "the drop is logged", func() bool {
		return strings.Contains(f.Logs.String(), "connection lost")
	})
}

func TestReconnectContinuesStream(t *testing.T) {
	f := newFixture(t, hls.Options{ReconnectGrace: time.Minute}, 0)
	tags := clip(t)
	p, err := testmedia.Dial(f.addr, "live", "main-key")
	if err != nil {
		t.Fatal(err)
	}
	_ = p.SendAll(tags[:len(tags)/2])
	_ = p.Drop()
	testenv.Eventually(t, "the first publisher is gone", func() bool { return !f.Hub.Live("main") })
	if err := testmedia.PublishAll(f.addr, "main-key", tags); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "the second publisher is gone", func() bool { return !f.Hub.Live("main") })
	if n := len(f.Archive.Recordings("main")); n != 1 {
		t.Errorf("%d recordings, want one spanning the reconnect", n)
	}
}

func TestCloseEndsLivePublishers(t *testing.T) {
	f := newFixture(t, hls.Options{ReconnectGrace: time.Minute}, 0)
	p, err := testmedia.Dial(f.addr, "live", "main-key")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Drop()
	_ = p.SendAll(clip(t)[:200])
	testenv.Eventually(t, "main is live", func() bool { return f.Streams["main"].Live() })
	done := make(chan error)
	go func() { done <- f.srv.Close() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close hung with a publisher connected")
	}
	if f.Hub.Live("main") || f.Streams["main"].Live() {
		t.Error("publication survived the server's Close")
	}
}

// amfBomb is an AMF0 strict array announcing 2^31-1 elements in 5 bytes.
var amfBomb = []byte{0x0a, 0x7f, 0xff, 0xff, 0xff}

// TestHostileAMFDoesNotKillTheServer sends what once made the AMF decoder
// allocate 32 GiB and the process die: before authentication, in the
// connect command, and after it, in stream metadata.
func TestHostileAMFDoesNotKillTheServer(t *testing.T) {
	f := newFixture(t, hls.Options{ReconnectGrace: -1}, 2*time.Second)
	c := handshake(t, f.addr)
	defer c.Close()
	var body bytes.Buffer
	body.Write([]byte{0x02, 0x00, 0x07})
	body.WriteString("connect")
	body.WriteByte(0x00) // transaction id, a number
	_ = binary.Write(&body, binary.BigEndian, float64(1))
	body.Write([]byte{0x03, 0x00, 0x03}) // the command object: {app: <bomb>}
	body.WriteString("app")
	body.Write(amfBomb)
	// chunk basic header fmt 0 csid 3; timestamp; length; type 20 (AMF0 command); stream 0
	hdr := []byte{0x03, 0, 0, 0, 0, 0, byte(body.Len()), 20, 0, 0, 0, 0}
	_, _ = c.Write(append(hdr, body.Bytes()...))
	if _, err := io.Copy(io.Discard, c); err != nil {
		if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
			t.Error("the server kept the connection open")
		}
	}

	// After authentication, in @setDataFrame, the stream goes on.
	tags := clip(t)
	p, err := testmedia.Dial(f.addr, "live", "main-key")
	if err != nil {
		t.Fatal(err)
	}
	bomb := append([]byte{0x02, 0x00, 0x0a}, "onMetaData"...)
	bomb = append(bomb, amfBomb...)
	if err := p.Send(testmedia.Tag{Type: flvtag.TagTypeScriptData, Body: bomb}); err != nil {
		t.Fatal(err)
	}
	if err := p.SendAll(tags); err != nil {
		t.Fatal(err)
	}
	_ = p.Close()
	if sum := f.Finished(t, "main"); sum.Segments != 3 {
		t.Errorf("after the hostile metadata: %d segments, want 3", sum.Segments)
	}
}

// handshake does the client side of an RTMP handshake on a raw socket.
func handshake(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := dialFrom("127.0.0.1", addr)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSlowAndIdleClientsAreCutOff(t *testing.T) {
	f := newFixtureWith(t, hls.Options{ReconnectGrace: -1}, func(s *rtmp.Server) {
		s.PublishTimeout, s.IdleTimeout, s.MaxConns = 400*time.Millisecond, 5*time.Second, 4
	})
	t.Run("trickling bytes without publishing", func(t *testing.T) {
		c := handshake(t, f.addr)
		defer c.Close()
		start := time.Now()
		for time.Since(start) < 5*time.Second {
			if _, err := c.Write([]byte{0x03}); err != nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		testenv.Eventually(t, "the trickler is cut off", func() bool {
			return strings.Contains(f.Logs.String(), "no publish within 400ms of connecting")
		})
	})
	t.Run("publishing nothing playable", func(t *testing.T) {
		p, err := testmedia.Dial(f.addr, "live", "main-key")
		if err != nil {
			t.Fatal(err)
		}
		defer p.Drop()
		var frames []testmedia.Tag
		for _, tg := range clip(t) {
			if tg.Type == flvtag.TagTypeVideo && tg.Body[1] == 1 { // coded frames, never the sequence header
				frames = append(frames, tg)
			}
		}
		for _, tg := range frames {
			if p.Send(tg) != nil {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		testenv.Eventually(t, "the publisher is refused", func() bool {
			return strings.Contains(f.Logs.String(), "nothing playable within 400ms of publishing") && !f.Hub.Live("main")
		})
	})
	t.Run("too many connections", func(t *testing.T) {
		var conns []net.Conn
		for range 6 {
			c, err := net.Dial("tcp", f.addr)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
		}
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		testenv.Eventually(t, "the extra connections are refused", func() bool {
			return strings.Contains(f.Logs.String(), "too many open")
		})
	})
	if err := testmedia.PublishAll(f.addr, "side-key", clip(t)); err != nil {
		t.Fatal(err)
	}
	if sum := f.Finished(t, "side"); sum.Segments != 3 {
		t.Errorf("a good publisher after all that: %d segments", sum.Segments)
	}
}
