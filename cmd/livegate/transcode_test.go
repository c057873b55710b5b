package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grafov/m3u8"

	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
)

// TestEndToEndRenditions publishes the testdata clip (640x360) over RTMP
// with the local transcoder and a ladder below it, and plays every
// rendition with ffmpeg's own HLS reader, live and archived.
func TestEndToEndRenditions(t *testing.T) {
	testenv.Tool(t, "ffmpeg")
	ffprobe := testenv.Tool(t, "ffprobe")
	e := startE2EWith(t, t.TempDir(), func(c *Config) {
		c.Transcoder = TranscoderConfig{Mode: "local", Ladder: []string{"P360p30fps16x9", "P240p30fps16x9", "P144p30fps16x9"}}
	})
	e.publishClip("demo")

	master := e.mustGet("/live/demo/index.m3u8")
	mp, _, err := m3u8.DecodeFrom(strings.NewReader(string(master)), true)
	if err != nil {
		t.Fatalf("master: %v\n%s", err, master)
	}
	want := map[string]string{"source/index.m3u8": "640x360", "P240p30fps16x9/index.m3u8": "426x240", "P144p30fps16x9/index.m3u8": "256x144"}
	variants := mp.(*m3u8.MasterPlaylist).Variants
	if len(variants) != 3 {
		t.Fatalf("master lists %d variants, want the source and two renditions (360p is not below the source):\n%s", len(variants), master)
	}
	for _, v := range variants {
		if want[v.URI] != v.Resolution || !strings.HasPrefix(v.Codecs, "avc1.") || !strings.Contains(v.Codecs, "mp4a.40.2") || v.Bandwidth == 0 {
			t.Errorf("variant %s: %+v", v.URI, v.VariantParams)
		}
	}
	src := testmedia.Listed(testmedia.MediaPlaylist(t, e.mustGet("/live/demo/source/index.m3u8")))
	// Every segment went through the transcoder, timed in /metrics.
	prom := e.mustGet("/metrics")
	if got := metric(prom, `livegate_transcode_seconds_count{result="ok",stream="demo"}`); got != fmt.Sprint(len(src)) {
		t.Errorf("/metrics: %q segments transcoded, want %d", got, len(src))
	}
	if metric(prom, `livegate_bitrate_bits_per_second{rendition="P240p30fps16x9",stream="demo"}`) == "" {
		t.Errorf("/metrics has no bit rate for the 240p rendition")
	}
	for _, name := range []string{"P240p30fps16x9", "P144p30fps16x9"} {
		segs := testmedia.Listed(testmedia.MediaPlaylist(t, e.mustGet("/live/demo/"+name+"/index.m3u8")))
		if len(segs) != len(src) {
			t.Fatalf("%s lists %d segments, the source %d", name, len(segs), len(src))
		}
		for i, s := range segs {
			if s.URI != src[i].URI || s.Duration != src[i].Duration {
				t.Errorf("%s segment %d: %s %.3f, source %s %.3f", name, i, s.URI, s.Duration, src[i].URI, src[i].Duration)
			}
			ts, err := testmedia.DemuxTS(e.mustGet("/live/demo/" + name + "/" + s.URI))
			if err != nil || !ts.Video[0].IDR || !ts.Video[0].SPS {
				t.Errorf("%s segment %d: %v, starts with %+v", name, i, err, ts.Video[:1])
			}
		}
	}
	rec := e.recordings("demo").Recordings[0]
	base := strings.TrimSuffix(rec.Playlist, "index.m3u8")
	if vod := string(e.mustGet(rec.Playlist)); !strings.Contains(vod, "P240p30fps16x9/index.m3u8") || !strings.Contains(vod, "P144p30fps16x9/index.m3u8") {
		t.Errorf("the recording's master lacks the renditions:\n%s", vod)
	}
	// ffmpeg plays each rendition from its playlist: every frame decodes.
	for _, u := range []string{
		e.base + "/live/demo/P240p30fps16x9/index.m3u8", e.base + "/live/demo/P144p30fps16x9/index.m3u8",
		e.base + base + "P240p30fps16x9/index.m3u8", e.base + base + "P144p30fps16x9/index.m3u8",
	} {
		out, err := exec.Command(ffprobe, "-v", "error", "-count_frames", "-select_streams", "v",
			"-show_entries", "stream=width,height,nb_read_frames", "-of", "json", u).CombinedOutput()
		var p struct {
			Streams []struct {
				Width, Height int
				Frames        string `json:"nb_read_frames"`
			}
		}
		if err != nil || json.Unmarshal(out, &p) != nil || len(p.Streams) == 0 || p.Streams[0].Frames != "180" {
			t.Errorf("ffprobe %s: %v\n%s", u, err, out)
		}
	}
}

// TestNoFFmpegServesTheSource: the default transcoder (local) without an
// ffmpeg to run still serves the stream, source only, and says why.
func TestNoFFmpegServesTheSource(t *testing.T) {
	e := startE2EWith(t, t.TempDir(), func(c *Config) {
		c.Transcoder = TranscoderConfig{Mode: "local", FFmpeg: "no-such-ffmpeg-on-this-machine", Ladder: []string{"P240p30fps16x9"}}
	})
	if !strings.Contains(e.logs.String(), "ffmpeg not found: serving the source only") {
		t.Errorf("the log does not say why there are no renditions:\n%s", e.logs)
	}
	e.publishClip("demo")
	master := string(e.mustGet("/live/demo/index.m3u8"))
	if !strings.Contains(master, "source/index.m3u8") || strings.Contains(master, "P240p30fps16x9") {
		t.Errorf("master playlist:\n%s", master)
	}
	if n := len(testmedia.Listed(testmedia.MediaPlaylist(t, e.mustGet("/live/demo/source/index.m3u8")))); n != 3 {
		t.Errorf("the source lists %d segments, want the clip's 3", n)
	}
}

// TestPaidRenditions: renditions of a priced stream are sold like its
// source, live and archived, and a segment's seconds are bought once in a
// session whichever renditions the player fetches them in.
func TestPaidRenditions(t *testing.T) {
	testenv.Tool(t, "ffmpeg")
	dir := t.TempDir()
	w := newPaidWorld(t, dir, 1, 1_000_000)
	e := startE2EWith(t, filepath.Join(dir, "data"), func(c *Config) {
		w.configure(c)
		c.Transcoder = TranscoderConfig{Mode: "local", Ladder: []string{"P240p30fps16x9"}}
	})
	e.publishClip("demo")
	const rend = "/live/demo/P240p30fps16x9/0.ts"
	if resp, body := getWith(t, e.base+rend); resp.StatusCode != http.StatusPaymentRequired || resp.Header.Get("Livegate-Price") != "2000" {
		t.Fatalf("a rendition's segment without a token: %d %s", resp.StatusCode, body)
	}
	var s session
	if code, msg := post(t, e.base+"/pay/demo/session", "", w.voucherJSON(0, 2500), &s); code != 200 {
		t.Fatalf("session: %d %s", code, msg)
	}
	masterURL := e.base + "/live/demo/index.m3u8?token=" + url.QueryEscape(s.Token)
	_, master := getWith(t, masterURL)
	variants := uris(t, masterURL, master)
	if len(variants) != 2 || !strings.Contains(variants[1], "/P240p30fps16x9/index.m3u8?token=") {
		t.Fatalf("master playlist URIs: %v", variants)
	}
	_, media := getWith(t, variants[1])
	segs := uris(t, variants[1], media)
	if len(segs) != 3 || !strings.Contains(segs[0], rend+"?token=") {
		t.Fatalf("rendition playlist URIs: %v", segs)
	}
	resp, body := getWith(t, segs[0])
	if resp.StatusCode != 200 || len(body) == 0 || body[0] != 0x47 || resp.Header.Get("Livegate-Spent") != "2000" {
		t.Fatalf("rendition segment 0: %d %v", resp.StatusCode, resp.Header)
	}
	// The same seconds in the source: already bought.
	if resp, _ := getWith(t, e.base+"/live/demo/source/0.ts?token="+url.QueryEscape(s.Token)); resp.StatusCode != 200 || resp.Header.Get("Livegate-Spent") != "2000" {
		t.Errorf("source segment 0 after its rendition: %d spent %s", resp.StatusCode, resp.Header.Get("Livegate-Spent"))
	}
	// The next seconds are not, in any rendition.
	if resp, _ := getWith(t, segs[1]); resp.StatusCode != http.StatusPaymentRequired {
		t.Errorf("rendition segment 1 without credit: %d", resp.StatusCode)
	}
	// Archived renditions are sold too.
	rec := e.recordings("demo").Recordings[0]
	vod := e.base + strings.TrimSuffix(rec.Playlist, "index.m3u8") + "P240p30fps16x9/1.ts"
	if resp, _ := getWith(t, vod); resp.StatusCode != http.StatusPaymentRequired {
		t.Errorf("archived rendition segment without a token: %d", resp.StatusCode)
	}
	if resp, _ := getWith(t, vod+"?token="+url.QueryEscape(s.Token), "Livegate-Voucher", w.voucherHeader(0, 5000)); resp.StatusCode != 200 || resp.Header.Get("Livegate-Spent") != "4000" {
		t.Errorf("archived rendition segment with a top-up: %d spent %s", resp.StatusCode, resp.Header.Get("Livegate-Spent"))
	}
}
