package ingest_test

import (
	"context"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/livegate/livegate/hls"
	"github.com/livegate/livegate/ingest"
	"github.com/livegate/livegate/internal/testenv"
)

var quiet = slog.New(slog.DiscardHandler)

func newHub(t *testing.T) *ingest.Hub {
	t.Helper()
	a, err := hls.OpenArchive(t.TempDir(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	var routes []ingest.Route
	for _, name := range []string{"main", "side"} {
		st := hls.NewStream(name, a, hls.Options{ReconnectGrace: -1}, quiet)
		t.Cleanup(func() { _ = st.Close() })
		routes = append(routes, ingest.Route{Stream: name, Key: name + "-key", Target: st})
	}
	h, err := ingest.NewHub(routes, quiet)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func tracks(t *testing.T) ingest.Tracks {
	sps, _ := hex.DecodeString("6764001eacd940a02ff970110000030001000003003c0f162d96")
	v, err := ingest.NewH264Track(sps, []byte{0x68, 0xef, 0xbc, 0xb0})
	if err != nil {
		t.Fatal(err)
	}
	return ingest.Tracks{Video: v}
}

func TestHubAdmitsByKey(t *testing.T) {
	h := newHub(t)
	if _, err := h.Claim(ingest.Credentials{Key: "nope"}, "rtmp", "1.2.3.4:5"); !errors.Is(err, ingest.ErrUnknownKey) {
		t.Errorf("unknown key: %v", err)
	}
	if _, err := h.Claim(ingest.Credentials{Stream: "side", Key: "main-key"}, "rtsp", "x"); !errors.Is(err, ingest.ErrWrongStream) {
		t.Errorf("another stream's key: %v", err)
	}
	s, err := h.Claim(ingest.Credentials{Key: "main-key"}, "rtmp", "1.2.3.4:5")
	if err != nil || s.Stream() != "main" || !h.Live("main") {
		t.Fatalf("claim: %v", err)
	}
	_, err = h.Claim(ingest.Credentials{Stream: "main", Key: "main-key"}, "whip", "6.7.8.9:1")
	if !errors.Is(err, ingest.ErrAlreadyLive) || strings.Contains(err.Error(), "1.2.3.4") {
		t.Errorf("second publisher: %v (the refusal must not name the live publisher)", err)
	}
	if _, err := h.Claim(ingest.Credentials{Key: "side-key"}, "rtmp", "x"); err != nil {
		t.Errorf("the other stream is unaffected: %v", err)
	}
	s.Close(nil)
	if h.Live("main") {
		t.Error("stream still reserved after its session closed")
	}
	if _, err := h.Claim(ingest.Credentials{Key: "main-key"}, "rtmp", "x"); err != nil {
		t.Errorf("claim after release: %v", err)
	}
	h.Close()
	if _, err := h.Claim(ingest.Credentials{Key: "side-key"}, "rtmp", "x"); !errors.Is(err, ingest.ErrClosed) {
		t.Errorf("claim after close: %v", err)
	}
}

func TestSessionLifecycle(t *testing.T) {
	h := newHub(t)
	s, _ := h.Claim(ingest.Credentials{Key: "main-key"}, "rtmp", "x")
	if err := s.WriteVideo(&ingest.VideoUnit{}); err == nil {
		t.Error("media before Start was accepted")
	}
	if err := s.Start(ingest.Tracks{}); !errors.Is(err, ingest.ErrNoVideo) {
		t.Errorf("start without video: %v", err)
	}
	if err := s.Start(tracks(t)); err != nil || !s.Started() {
		t.Fatalf("start: %v", err)
	}
	if err := s.Start(tracks(t)); err == nil {
		t.Error("second Start accepted")
	}
	s.Close(errors.New("gone"))
	s.Close(nil) // harmless
	if err := s.WriteAudio(&ingest.AudioUnit{}); !errors.Is(err, ingest.ErrClosed) {
		t.Errorf("write after close: %v", err)
	}
}

func TestNewHubRefusesBadRoutes(t *testing.T) {
	a, _ := hls.OpenArchive(t.TempDir(), quiet)
	st := hls.NewStream("x", a, hls.Options{}, quiet)
	for name, routes := range map[string][]ingest.Route{
		"no key":    {{Stream: "a", Target: st}},
		"no target": {{Stream: "a", Key: "k"}},
		"same name": {{Stream: "a", Key: "k1", Target: st}, {Stream: "a", Key: "k2", Target: st}},
		"same key":  {{Stream: "a", Key: "k", Target: st}, {Stream: "b", Key: "k", Target: st}},
	} {
		if _, err := ingest.NewHub(routes, quiet); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestTrackParsing(t *testing.T) {
	tr := tracks(t)
	if tr.Video.Width() != 640 || tr.Video.Height() != 360 || tr.Video.Codec() != "avc1.64001e" {
		t.Errorf("video %dx%d %s", tr.Video.Width(), tr.Video.Height(), tr.Video.Codec())
	}
	if _, err := ingest.NewH264Track([]byte{0x67, 0x64}, []byte{0x68}); err == nil {
		t.Error("truncated SPS accepted")
	}
	if _, err := ingest.NewH264Track([]byte{0x67, 0xff, 0xff, 0xff, 0xff, 0xff}, []byte{0x68}); err == nil {
		t.Error("garbage SPS accepted")
	}
	asc, _ := hex.DecodeString("1210")
	a, err := ingest.NewAACTrack(asc)
	if err != nil || a.Codec() != "mp4a.40.2" || a.Config.SampleRate != 44100 {
		t.Errorf("AAC: %v %+v", err, a)
	}
	if _, err := ingest.NewAACTrack([]byte{0xff}); err == nil {
		t.Error("garbage AudioSpecificConfig accepted")
	}
	if got := (ingest.Tracks{Video: tr.Video, Audio: a}).Codecs(); got != "avc1.64001e,mp4a.40.2" {
		t.Errorf("codecs %q", got)
	}
}

// TestWrongKeysLockOutOneClient: wrong keys are counted per client (an
// IPv4 address, an IPv6 /64); past the limit that client is refused at
// once, even with the right key, while every other client publishes; the
// lockout ends with the window.
func TestWrongKeysLockOutOneClient(t *testing.T) {
	h := newHub(t)
	now := time.Unix(1_700_000_000, 0)
	h.FailureDelay, h.FailureLimit, h.FailureWindow = time.Millisecond, 3, time.Minute
	h.Now = func() time.Time { return now }
	guess := func(remote string) error {
		_, err := h.Claim(ingest.Credentials{Stream: "main", Key: "guess"}, "rtmp", remote)
		return err
	}
	for i, remote := range []string{"127.0.0.1:1000", "127.0.0.1:1001", "[::ffff:127.0.0.1]:1002"} {
		if err := guess(remote); !errors.Is(err, ingest.ErrUnknownKey) {
			t.Fatalf("guess %d: %v", i, err)
		}
		now = now.Add(time.Second)
	}
	_, err := h.Claim(ingest.Credentials{Stream: "main", Key: "main-key"}, "rtmp", "127.0.0.1:2000")
	var lo *ingest.LockedOutError
	if !errors.Is(err, ingest.ErrTooManyFailures) || !errors.As(err, &lo) || lo.RetryAfter != 57*time.Second {
		t.Fatalf("a locked-out client with the right key: %v, want refused for 57 s (the oldest guess leaves the window then)", err)
	}
	if !strings.Contains(err.Error(), "too many failed stream keys from this address, retry after 57s") {
		t.Errorf("refusal %q", err)
	}
	s, err := h.Claim(ingest.Credentials{Stream: "main", Key: "main-key"}, "rtmp", "127.0.0.2:2000")
	if err != nil {
		t.Fatalf("another address with the right key: %v", err)
	}
	s.Close(nil)
	// IPv6: one /64 is one client.
	for range 3 {
		_ = guess("[2001:db8::1]:1")
	}
	if err := h.CheckClient("[2001:db8::ffff:1]:9"); !errors.Is(err, ingest.ErrTooManyFailures) {
		t.Errorf("same /64: %v", err)
	}
	if err := h.CheckClient("[2001:db8:0:1::1]:9"); err != nil {
		t.Errorf("another /64: %v", err)
	}
	now = now.Add(time.Minute)
	if s, err := h.Claim(ingest.Credentials{Stream: "main", Key: "main-key"}, "rtmp", "127.0.0.1:3000"); err != nil {
		t.Errorf("after the window: %v", err)
	} else {
		s.Close(nil)
	}
}

// TestWrongKeyWaitsWithoutTheLock: while one wrong key's answer waits,
// other clients are admitted; a canceled context ends the wait.
func TestWrongKeyWaitsWithoutTheLock(t *testing.T) {
	h := newHub(t)
	h.FailureDelay, h.FailureLimit = time.Hour, 1
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := h.ClaimContext(ctx, ingest.Credentials{Key: "guess"}, "whip", "127.0.0.9:1")
		done <- err
	}()
	// Once its failure is counted it is waiting out the hour.
	testenv.Eventually(t, "the wrong key is counted", func() bool { return h.CheckClient("127.0.0.9:2") != nil })
	s, err := h.Claim(ingest.Credentials{Key: "main-key"}, "rtmp", "127.0.0.1:1")
	if err != nil {
		t.Fatalf("another client while a wrong key waits: %v", err)
	}
	s.Close(nil)
	select {
	case err := <-done:
		t.Fatalf("the wrong key was answered before its delay: %v", err)
	default:
	}
	cancel()
	if err := <-done; !errors.Is(err, ingest.ErrUnknownKey) {
		t.Errorf("after cancel: %v", err)
	}
}

func TestClientKey(t *testing.T) {
	for remote, want := range map[string]string{
		"1.2.3.4:5":               "1.2.3.4/32",
		"1.2.3.4":                 "1.2.3.4/32",
		"[::ffff:1.2.3.4]:5":      "1.2.3.4/32",
		"[2001:db8:1:2:3::4]:443": "2001:db8:1:2::/64",
		"2001:db8:1:2::ff":        "2001:db8:1:2::/64",
		"rtsp://camera/x":         "rtsp://camera/x",
	} {
		if got := ingest.ClientKey(remote); got != want {
			t.Errorf("ClientKey(%q) = %q, want %q", remote, got, want)
		}
	}
}
