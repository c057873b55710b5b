package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
)

// ffmpegPlays has ffmpeg play an HLS URL as a player does (master
// playlist, media playlist, AES-128 keys from the key URIs, segments) and
// decode its video to nothing, for at most a minute. It returns how many
// video frames ffmpeg decoded, or why it failed: a non-zero exit, or an
// error logged (a key it could not fetch, a segment that does not decrypt
// into H.264).
func ffmpegPlays(ffmpeg, playerURL string) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error",
		"-live_start_index", "0", "-i", playerURL,
		"-map", "0:v:0", "-fps_mode", "passthrough", "-f", "null", "-nostats", "-progress", "pipe:1", "-")
	var stderr testenv.LogBuffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("ffmpeg -i %s: %w\n%s", playerURL, err, stderr.String())
	}
	// -progress writes blocks of key=value lines; the last block's frame=
	// is the total.
	frames := -1
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "frame="); ok {
			frames, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	if !strings.Contains(string(out), "progress=end") || frames < 0 {
		return 0, fmt.Errorf("ffmpeg's progress report: %s\nstderr: %s", out, stderr.String())
	}
	if bad := ffmpegErrors(stderr.String()); bad != "" {
		return frames, fmt.Errorf("ffmpeg -i %s reported errors:\n%s", playerURL, bad)
	}
	return frames, nil
}

// ffmpegErrors is what ffmpeg logged at level error. Nothing is let
// through: the segmenter keeps each PID's continuity counter running
// across segments, so ffmpeg's MPEG-TS demuxer, reading a playlist's
// segments as one stream, finds no packet lost at a boundary (before,
// it flagged the last video packet of every segment "corrupt").
func ffmpegErrors(stderr string) string {
	return strings.TrimSpace(stderr)
}

// mustPlay is ffmpegPlays failing the test on an error.
func mustPlay(t *testing.T, playerURL string) int {
	t.Helper()
	n, err := ffmpegPlays(testenv.Tool(t, "ffmpeg"), playerURL)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// keyPrices is what each key of a recording costs, as the key endpoint
// itself says in the 402 it answers a request without a token: the
// duration of the key's segment times the price, rounded up.
func keyPrices(t *testing.T, e *e2e, recording string, segments int) (sum int64) {
	t.Helper()
	for n := range segments {
		resp, _ := getWith(t, e.base+"/key/demo/"+recording+"/"+strconv.Itoa(n))
		price, err := strconv.ParseInt(resp.Header.Get("Livegate-Price"), 10, 64)
		if resp.StatusCode != http.StatusPaymentRequired || err != nil {
			t.Fatalf("key %d without a token: %d, price %q", n, resp.StatusCode, resp.Header.Get("Livegate-Price"))
		}
		sum += price
	}
	return sum
}

// TestPlayerURLPlaysInFFmpeg plays the Player URL `livegate dev` prints
// (the master playlist with a session's token) in ffmpeg, live while the
// clip is being published and then as a recording: ffmpeg's HLS demuxer
// fetches the AES-128 key of each segment from its key URI, with the token
// the playlists carry into it, and decodes every frame of the clip. The
// session is charged each key once: live, the clip's price; replayed with
// the same token, nothing more (a recording's keys are its live keys);
// replayed by another viewer's session, the clip's price again.
//
// ffmpeg 5.1 fetches key URIs without an extension (/key/demo/{rec}/{n})
// over HTTP as they are: its allowed_extensions check covers only file:
// URLs, so no -allowed_extensions is needed.
func TestPlayerURLPlaysInFFmpeg(t *testing.T) {
	ffmpeg := testenv.Tool(t, "ffmpeg")
	dir := t.TempDir()
	w := newPaidWorld(t, dir, 2, 10_000_000_000_000_000) // devWatchURL signs an hour at the dev price
	e := startE2EWith(t, filepath.Join(dir, "data"), w.configure)
	tags, err := testmedia.Clip()
	if err != nil {
		t.Fatal(err)
	}
	want := factsOf(tags).videoFrames

	// Live: the first 3.5 s of the clip, so one segment is listed and the
	// stream goes on; the rest once ffmpeg has bought the first key.
	pub, cut := publishUntil(t, e.rtmp, tags, 3500)
	e.eventually("the first segment listed", func() bool {
		code, _, body := e.get("/live/demo/source/index.m3u8")
		return code == 200 && strings.Contains(string(body), ".ts")
	})
	// The Player URL as the dev banner makes it, paid by viewer 0.
	info := &devInfo{HTTP: e.base, Viewers: []devViewerInfo{{Channel: w.channels[0].Hex()}}}
	state := devState{Viewers: []devViewerState{{Key: hexutil.Encode(crypto.FromECDSA(w.viewers[0]))}}}
	live, err := devWatchURL(e.srv, info, state)
	if err != nil {
		t.Fatal(err)
	}
	type played struct {
		frames int
		err    error
	}
	done := make(chan played, 1)
	go func() {
		n, err := ffmpegPlays(ffmpeg, live)
		done <- played{n, err}
	}()
	spent := func(i int) int64 { return e.srv.pay.ledger.Account(w.channels[i]).Spent.Int64() }
	e.eventually("ffmpeg bought the first key while the stream is live", func() bool { return spent(0) > 0 })
	if !e.srv.hub.Live("demo") {
		t.Fatal("the stream ended before ffmpeg played it")
	}
	if err := pub.SendAll(tags[cut:]); err != nil {
		t.Fatal(err)
	}
	if err := pub.Close(); err != nil {
		t.Fatal(err)
	}
	if p := <-done; p.err != nil {
		t.Fatal(p.err)
	} else if p.frames != want {
		t.Errorf("ffmpeg decoded %d frames of the live stream; the clip has %d", p.frames, want)
	}
	e.ended("demo")
	rec := e.recordings("demo").Recordings[0]
	price := keyPrices(t, e, rec.ID, rec.Segments)
	if rec.Segments != 3 || price != 6015 {
		t.Fatalf("the recording: %d segments, keys costing %d wei", rec.Segments, price)
	}
	if got := spent(0); got != price {
		t.Errorf("ffmpeg's live session was charged %d wei; its %d keys cost %d", got, rec.Segments, price)
	}

	// VOD: the recording's Player URL with the same token costs nothing
	// more; with another viewer's session, the recording's keys again.
	token, _ := url.ParseQuery(strings.SplitN(live, "?", 2)[1])
	vod := e.base + rec.Playlist + "?token=" + url.QueryEscape(token.Get("token"))
	if n := mustPlay(t, vod); n != want {
		t.Errorf("ffmpeg decoded %d frames of the recording; the clip has %d", n, want)
	}
	if got := spent(0); got != price {
		t.Errorf("replaying with the live session's token: spent %d, the live keys cost %d", got, price)
	}
	var s session
	if code, msg := post(t, e.base+"/pay/demo/session", "", w.voucherJSON(1, 10*price), &s); code != 200 {
		t.Fatalf("viewer 1's session: %d %s", code, msg)
	}
	if n := mustPlay(t, e.base+rec.Playlist+"?token="+url.QueryEscape(s.Token)); n != want {
		t.Errorf("ffmpeg decoded %d frames of the recording in a new session; the clip has %d", n, want)
	}
	if got := spent(1); got != price {
		t.Errorf("viewer 1 replaying the recording was charged %d wei; its keys cost %d", got, price)
	}
}
