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

// TestPaidRenditions: renditions of a priced stream are encrypted like its
// source, under the same key per segment (live and archived), so a
// segment's seconds are bought once whichever renditions the player
// fetches them in.
func TestPaidRenditions(t *testing.T) {
	testenv.Tool(t, "ffmpeg")
	dir := t.TempDir()
	w := newPaidWorld(t, dir, 1, 1_000_000)
	e := startE2EWith(t, filepath.Join(dir, "data"), func(c *Config) {
		w.configure(c)
		c.Transcoder = TranscoderConfig{Mode: "local", Ladder: []string{"P240p30fps16x9"}}
	})
	e.publishClip("demo")
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
	_, srcBody := getWith(t, variants[0])
	_, media := getWith(t, variants[1])
	src, segs := segmentsOf(t, variants[0], srcBody), segmentsOf(t, variants[1], media)
	if len(segs) != 3 || !strings.HasSuffix(segs[0].uri, "/live/demo/P240p30fps16x9/0.ts") {
		t.Fatalf("rendition playlist: %+v", segs)
	}
	// One key per segment for both renditions, each with its own IV.
	if segs[0].key != src[0].key || segs[0].iv == src[0].iv {
		t.Errorf("segment 0: rendition key %s IV %s, source key %s IV %s", segs[0].key, segs[0].iv, src[0].key, src[0].iv)
	}
	resp, data := getWith(t, segs[0].uri)
	if resp.StatusCode != 200 || len(data) == 0 || data[0] == 0x47 && data[188] == 0x47 {
		t.Fatalf("rendition segment 0: %d, %d bytes, looks clear", resp.StatusCode, len(data))
	}
	resp, key := getWith(t, segs[0].key)
	if resp.StatusCode != 200 || resp.Header.Get("Livegate-Spent") != "2000" {
		t.Fatalf("key 0: %d %v", resp.StatusCode, resp.Header)
	}
	if n, ok := decrypts(t, segs[0], data, key); !ok || n < 50 {
		t.Errorf("rendition segment 0 with its key: %d frames (%v)", n, ok)
	}
	// The same seconds in the source: already bought.
	if resp, _ := getWith(t, src[0].key); resp.StatusCode != 200 || resp.Header.Get("Livegate-Spent") != "2000" {
		t.Errorf("source key 0 after the rendition's: %d spent %s", resp.StatusCode, resp.Header.Get("Livegate-Spent"))
	}
	// The next seconds are not.
	if resp, _ := getWith(t, segs[1].key); resp.StatusCode != http.StatusPaymentRequired {
		t.Errorf("key 1 without credit: %d", resp.StatusCode)
	}
	// Archived renditions are encrypted under the same keys.
	rec := e.recordings("demo").Recordings[0]
	vodURL := e.base + strings.TrimSuffix(rec.Playlist, "index.m3u8") + "P240p30fps16x9/index.m3u8?token=" + url.QueryEscape(s.Token)
	_, vb := getWith(t, vodURL)
	vod := segmentsOf(t, vodURL, vb)
	if len(vod) != 3 || vod[1].key != segs[1].key || vod[1].iv != segs[1].iv {
		t.Fatalf("archived rendition: %+v, live %+v", vod, segs)
	}
	resp, key = getWith(t, vod[1].key, "Livegate-Voucher", w.voucherHeader(0, 5000))
	if resp.StatusCode != 200 || resp.Header.Get("Livegate-Spent") != "4000" {
		t.Errorf("archived key 1 with a top-up: %d spent %s", resp.StatusCode, resp.Header.Get("Livegate-Spent"))
	}
	_, data = getWith(t, vod[1].uri)
	if n, ok := decrypts(t, vod[1], data, key); !ok || n < 50 {
		t.Errorf("archived rendition segment 1 with its key: %d frames (%v)", n, ok)
	}
}
