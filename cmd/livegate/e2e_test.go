package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/grafov/m3u8"
	flvtag "github.com/yutopp/go-flv/tag"

	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
)

type e2e struct {
	t    *testing.T
	srv  *server
	logs *testenv.LogBuffer
	base string // http://127.0.0.1:port
	rtmp string // 127.0.0.1:port
	rtsp string // 127.0.0.1:port
	data string
}

var testStreams = []StreamConfig{
	{Name: "demo", Key: "demo-stream-key"},
	{Name: "stage2", Key: "stage2-stream-key"},
}

// startE2E runs the whole server on loopback ports, on data dir data.
func startE2E(t *testing.T, data string) *e2e {
	t.Helper()
	return startE2EWith(t, data, nil)
}

// startE2EWith runs the server with the test config changed by edit.
func startE2EWith(t *testing.T, data string, edit func(*Config)) *e2e {
	t.Helper()
	cfg := defaultConfig()
	cfg.HTTP, cfg.RTMP, cfg.RTSP, cfg.Data = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0", data
	cfg.ReconnectGrace = 0
	cfg.Streams = testStreams
	cfg.Transcoder.Mode = "none" // the source only, unless a test is about renditions
	if edit != nil {
		edit(&cfg)
	}
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	logs := &testenv.LogBuffer{}
	srv, err := newServer(cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	e := &e2e{t: t, srv: srv, logs: logs, base: "http://" + srv.httpAddr(), rtmp: srv.rtmpAddr(), rtsp: srv.rtspAddr(), data: data}
	t.Cleanup(func() {
		e.close()
		if t.Failed() {
			t.Logf("server log:\n%s", logs)
		}
	})
	return e
}

func (e *e2e) close() {
	if e.srv != nil {
		if err := e.srv.Close(); err != nil {
			e.t.Errorf("close: %v", err)
		}
		e.srv = nil
	}
}

func (e *e2e) get(path string) (int, http.Header, []byte) {
	e.t.Helper()
	resp, err := http.Get(e.base + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

func (e *e2e) mustGet(path string) []byte {
	e.t.Helper()
	code, _, b := e.get(path)
	if code != 200 {
		e.t.Fatalf("GET %s: %d %s", path, code, b)
	}
	return b
}

// publishClip publishes the testdata clip to stream over RTMP, with the
// stream's test key, and waits for the stream to end.
func (e *e2e) publishClip(stream string) {
	e.t.Helper()
	tags, err := testmedia.Clip()
	if err != nil {
		e.t.Fatal(err)
	}
	if err := testmedia.PublishAll(e.rtmp, stream+"-stream-key", tags); err != nil {
		e.t.Fatal(err)
	}
	e.ended(stream)
}

func (e *e2e) eventually(what string, cond func() bool) {
	e.t.Helper()
	testenv.Eventually(e.t, what, cond)
}

// ended waits until stream's publisher is gone and its recording finished.
func (e *e2e) ended(stream string) {
	e.t.Helper()
	e.eventually(stream+" has ended", func() bool {
		recs := e.srv.archive.Recordings(stream)
		return !e.srv.hub.Live(stream) && len(recs) > 0 && !recs[len(recs)-1].Summary().Live
	})
}

type recordingList struct {
	Stream     string
	Recordings []struct {
		ID       string
		Duration float64
		Segments int
		Live     bool
		Playlist string
		IPFS     string // root CID, once published to IPFS
	}
}

func (e *e2e) recordings(stream string) recordingList {
	e.t.Helper()
	var l recordingList
	if err := json.Unmarshal(e.mustGet("/vod/"+stream+"/"), &l); err != nil {
		e.t.Fatal(err)
	}
	return l
}

// clipFacts are what the source clip holds, read from its FLV tags.
type clipFacts struct {
	videoFrames, audioFrames int
	avOffset                 int64 // first audio PTS − first video PTS, 90 kHz
}

func factsOf(tags []testmedia.Tag) clipFacts {
	var f clipFacts
	var firstV, firstA int64 = -1, -1
	for _, tg := range tags {
		switch {
		case tg.Type == flvtag.TagTypeVideo && tg.Body[1] == 1:
			f.videoFrames++
			if firstV < 0 {
				cts := int64(int32(uint32(tg.Body[2])<<24|uint32(tg.Body[3])<<16|uint32(tg.Body[4])<<8) >> 8)
				firstV = (int64(tg.Timestamp) + cts) * 90
			}
		case tg.Type == flvtag.TagTypeAudio && tg.Body[1] == 1:
			f.audioFrames++
			if firstA < 0 {
				firstA = int64(tg.Timestamp) * 90
			}
		}
	}
	f.avOffset = firstA - firstV
	return f
}

// checkSegments fetches every segment a media playlist lists and checks
// what HLS players rely on. It returns the segments' bytes.
func (e *e2e) checkSegments(dir string, pl *m3u8.MediaPlaylist, want clipFacts) [][]byte {
	t := e.t
	t.Helper()
	var (
		bodies           [][]byte
		total            float64
		frames, afr      int
		lastDTS, lastAud int64 = -1, -1
		firstV, firstA   int64 = -1, -1
	)
	for i, s := range testmedia.Listed(pl) {
		body := e.mustGet(dir + s.URI)
		bodies = append(bodies, body)
		ts, err := testmedia.DemuxTS(body)
		if err != nil {
			t.Fatalf("segment %s: %v", s.URI, err)
		}
		if len(ts.Video) == 0 || !ts.Video[0].IDR || !ts.Video[0].SPS || !ts.Video[0].PPS {
			t.Errorf("segment %s does not start with an IDR frame and its SPS/PPS: %+v", s.URI, ts.Video[:1])
		}
		if len(ts.Audio) == 0 {
			t.Errorf("segment %s has no audio", s.URI)
		}
		if i > 0 && s.Discontinuity {
			t.Errorf("segment %s: unexpected discontinuity", s.URI)
		}
		// Continuity: the next frame's DTS follows the last one by one frame
		// (33 or 34 ms on RTMP's millisecond clock), audio by one AAC frame.
		if lastDTS >= 0 {
			if d := ts.Video[0].DTS - lastDTS; d < 2900 || d > 3100 {
				t.Errorf("segment %s: video DTS jumps by %d ticks across the cut", s.URI, d)
			}
			if d := ts.Audio[0] - lastAud; d < 1900 || d > 2300 {
				t.Errorf("segment %s: audio PTS jumps by %d ticks across the cut", s.URI, d)
			}
		}
		for _, v := range ts.Video {
			if firstV < 0 {
				firstV = v.PTS
			}
			if v.DTS > v.PTS {
				t.Errorf("segment %s: DTS after PTS", s.URI)
			}
		}
		if firstA < 0 {
			firstA = ts.Audio[0]
		}
		lastDTS, lastAud = ts.Video[len(ts.Video)-1].DTS, ts.Audio[len(ts.Audio)-1]
		frames += len(ts.Video)
		afr += len(ts.Audio)
		total += s.Duration
	}
	if frames != want.videoFrames || afr != want.audioFrames {
		t.Errorf("%d video and %d audio frames came out, %d and %d went in", frames, afr, want.videoFrames, want.audioFrames)
	}
	if d := total - float64(want.videoFrames)/30; d < -0.01 || d > 0.1 {
		t.Errorf("segment durations add up to %.3f s; the clip has %.3f s of video", total, float64(want.videoFrames)/30)
	}
	if d := (firstA - firstV) - want.avOffset; d < -90 || d > 90 {
		t.Errorf("audio is %d ticks off the video; the source had %d", firstA-firstV, want.avOffset)
	}
	return bodies
}

func TestEndToEndRTMPClipLiveAndArchive(t *testing.T) {
	e := startE2E(t, t.TempDir())
	tags, err := testmedia.Clip()
	if err != nil {
		t.Fatal(err)
	}
	facts := factsOf(tags)
	if facts.videoFrames != 180 || facts.audioFrames != 260 {
		t.Fatalf("clip facts %+v", facts)
	}
	if err := testmedia.PublishAll(e.rtmp, "demo-stream-key", tags); err != nil {
		t.Fatal(err)
	}
	e.ended("demo")

	code, hdr, master := e.get("/live/demo/index.m3u8")
	if code != 200 || hdr.Get("Content-Type") != "application/vnd.apple.mpegurl" || hdr.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("master: %d %v", code, hdr)
	}
	mp, kind, err := m3u8.DecodeFrom(bytes.NewReader(master), true)
	if err != nil || kind != m3u8.MASTER {
		t.Fatalf("master: %v\n%s", err, master)
	}
	v := mp.(*m3u8.MasterPlaylist).Variants[0]
	if v.Resolution != "640x360" || v.Codecs != "avc1.64001e,mp4a.40.2" || v.Bandwidth < 300_000 || v.Bandwidth > 1_000_000 {
		t.Errorf("variant %+v", v.VariantParams)
	}
	live := testmedia.MediaPlaylist(t, e.mustGet("/live/demo/source/index.m3u8"))
	if !live.Closed || len(testmedia.Listed(live)) != 3 {
		t.Fatalf("ended live playlist: closed %v, %d segments", live.Closed, len(testmedia.Listed(live)))
	}
	liveBodies := e.checkSegments("/live/demo/source/", live, facts)

	recs := e.recordings("demo")
	if len(recs.Recordings) != 1 || recs.Recordings[0].Live || recs.Recordings[0].Segments != 3 {
		t.Fatalf("recordings %+v", recs)
	}
	vodMaster := string(e.mustGet(recs.Recordings[0].Playlist))
	if !strings.Contains(vodMaster, "RESOLUTION=640x360") || !strings.Contains(vodMaster, "source/index.m3u8") {
		t.Errorf("VOD master:\n%s", vodMaster)
	}
	vodDir := strings.TrimSuffix(recs.Recordings[0].Playlist, "index.m3u8") + "source/"
	vod := testmedia.MediaPlaylist(t, e.mustGet(vodDir+"index.m3u8"))
	if vod.MediaType != m3u8.VOD || !vod.Closed {
		t.Errorf("VOD playlist type %v, closed %v", vod.MediaType, vod.Closed)
	}
	vodBodies := e.checkSegments(vodDir, vod, facts)
	for i := range liveBodies {
		if !bytes.Equal(liveBodies[i], vodBodies[i]) {
			t.Errorf("archived segment %d differs from the live one", i)
		}
	}
}

// testPattern is ffmpeg's arguments for 5 s of a 720p30 test pattern with
// a tone, encoded live as OBS would (x264 with B-frames, AAC, 1 s
// keyframes), then out: the output format and URL.
func testPattern(out ...string) []string {
	return append([]string{"-hide_banner", "-loglevel", "error",
		"-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
		"-t", "5", "-c:v", "libx264", "-preset", "ultrafast", "-bf", "2", "-g", "30", "-pix_fmt", "yuv420p",
		"-c:a", "aac", "-b:a", "96k"}, out...)
}

// checkTestPattern checks the demo stream after testPattern went through
// it: the master playlist names what was sent, every segment starts with
// a keyframe and its parameter sets and carries audio, and the segments
// add up to the 5 s sent.
func (e *e2e) checkTestPattern() {
	t := e.t
	t.Helper()
	master := string(e.mustGet("/live/demo/index.m3u8"))
	if !strings.Contains(master, "RESOLUTION=1280x720") || !strings.Contains(master, "mp4a.40.2") {
		t.Errorf("master:\n%s", master)
	}
	segs := testmedia.Listed(testmedia.MediaPlaylist(t, e.mustGet("/live/demo/source/index.m3u8")))
	if len(segs) < 2 {
		t.Fatalf("%d segments from 5 s of video", len(segs))
	}
	total := 0.0
	for _, s := range segs {
		total += s.Duration
		ts, err := testmedia.DemuxTS(e.mustGet("/live/demo/source/" + s.URI))
		if err != nil || !ts.Video[0].IDR || !ts.Video[0].SPS || len(ts.Audio) == 0 {
			t.Errorf("segment %s: %v, starts with %+v, %d audio frames", s.URI, err, ts.Video[:1], len(ts.Audio))
		}
	}
	if total < 4.5 || total > 5.1 {
		t.Errorf("%.3f s of segments from 5 s of video", total)
	}
}

func TestEndToEndFFmpegPublisher(t *testing.T) {
	ffmpeg := testenv.Tool(t, "ffmpeg")
	ffprobe := testenv.Tool(t, "ffprobe")
	e := startE2E(t, t.TempDir())
	// Published with ffmpeg's own RTMP client.
	out, err := exec.Command(ffmpeg, testPattern("-f", "flv", "rtmp://"+e.rtmp+"/live/demo-stream-key")...).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	e.ended("demo")
	e.checkTestPattern()
	for _, url := range []string{e.base + "/live/demo/index.m3u8", e.base + e.recordings("demo").Recordings[0].Playlist} {
		probe, err := exec.Command(ffprobe, "-v", "error", "-count_frames",
			"-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "json", url).CombinedOutput()
		if err != nil {
			t.Fatalf("ffprobe %s: %v\n%s", url, err, probe)
		}
		var got struct {
			Streams []struct {
				CodecName    string `json:"codec_name"`
				Width        int
				Height       int
				NbReadFrames string `json:"nb_read_frames"`
			}
		}
		if err := json.Unmarshal(probe, &got); err != nil {
			t.Fatalf("ffprobe output: %v\n%s", err, probe)
		}
		var video, audio bool
		for _, s := range got.Streams {
			switch s.CodecName {
			case "h264":
				video = s.Width == 1280 && s.Height == 720 && s.NbReadFrames == "150"
			case "aac":
				audio = s.NbReadFrames != "" && s.NbReadFrames != "0"
			}
		}
		if !video || !audio {
			t.Errorf("ffprobe of %s: %s", url, probe)
		}
	}
}

func TestEndToEndBadInputLeavesOthersUntouched(t *testing.T) {
	ffmpeg := testenv.Tool(t, "ffmpeg")
	e := startE2E(t, t.TempDir())
	tags, err := testmedia.Clip()
	if err != nil {
		t.Fatal(err)
	}
	// stage2 publishes throughout; every bad client hits the same server.
	good, err := testmedia.Dial(e.rtmp, "live", "stage2-stream-key")
	if err != nil {
		t.Fatal(err)
	}
	if err := good.SendAll(tags[:len(tags)/2]); err != nil {
		t.Fatal(err)
	}

	pattern := []string{"-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-t", "2"}
	t.Run("ffmpeg with a wrong key", func(t *testing.T) {
		out, err := exec.Command(ffmpeg, append(pattern, "-c:v", "libx264", "-preset", "ultrafast", "-f", "flv",
			"rtmp://"+e.rtmp+"/live/not-the-key")...).CombinedOutput()
		if err == nil {
			t.Fatalf("ffmpeg succeeded with a wrong key:\n%s", out)
		}
		e.eventually("the refusal is logged", func() bool { return strings.Contains(e.logs.String(), "publish refused: unknown stream key") })
	})
	t.Run("ffmpeg with Sorenson video", func(t *testing.T) {
		out, err := exec.Command(ffmpeg, append(pattern, "-c:v", "flv1", "-f", "flv",
			"rtmp://"+e.rtmp+"/live/demo-stream-key")...).CombinedOutput()
		if err == nil {
			t.Fatalf("ffmpeg pushed Sorenson H.263 without error:\n%s", out)
		}
		e.eventually("the refusal is logged", func() bool {
			return strings.Contains(e.logs.String(), "unsupported codec: video Sorenson H.263; set the encoder to H.264")
		})
	})
	t.Run("second publisher", func(t *testing.T) {
		out, err := exec.Command(ffmpeg, append(pattern, "-c:v", "libx264", "-preset", "ultrafast", "-f", "flv",
			"rtmp://"+e.rtmp+"/live/stage2-stream-key")...).CombinedOutput()
		if err == nil {
			t.Fatalf("a second publisher was let in:\n%s", out)
		}
		e.eventually("the refusal is logged", func() bool { return strings.Contains(e.logs.String(), "already has a publisher") })
	})
	t.Run("HTTP on the RTMP port", func(t *testing.T) {
		c, err := net.Dial("tcp", e.rtmp)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.Copy(io.Discard, c); err != nil {
			if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
				t.Errorf("connection not closed by the server: %v", err) // a reset is a close too
			}
		}
		e.eventually("the refusal is logged", func() bool {
			return strings.Contains(e.logs.String(), "not an RTMP client: first byte 0x47 (an HTTP request")
		})
	})
	t.Run("paths outside the tree", func(t *testing.T) {
		addr := strings.TrimPrefix(e.base, "http://")
		for _, target := range []string{
			"/live/../dev-state.json", "/live/demo/../../dev-state.json", "/vod/demo/..%2f..%2fdev-state.json",
			"/vod/%2e%2e/%2e%2e/source/0.ts", "/vod/demo/%2e%2e%2f%2e%2e%2f/source/1.ts", "/../../../../etc/passwd",
		} {
			code, body := testenv.RawGet(t, addr, target)
			if code == 200 || strings.Contains(body, "root:") {
				t.Errorf("GET %s: %d %q", target, code, body)
			}
		}
	})
	if err := good.SendAll(tags[len(tags)/2:]); err != nil {
		t.Fatalf("the good publisher was disturbed: %v", err)
	}
	if err := good.Close(); err != nil {
		t.Fatal(err)
	}
	e.ended("stage2")
	if recs := e.recordings("stage2"); len(recs.Recordings) != 1 || recs.Recordings[0].Segments != 3 {
		t.Errorf("stage2 recordings %+v", recs)
	}
	if code, _, _ := e.get("/healthz"); code != 200 {
		t.Errorf("healthz %d", code)
	}
}

func TestEndToEndVanishingPublisherLeavesPlayableRecordingThatSurvivesRestart(t *testing.T) {
	ffprobe := testenv.Tool(t, "ffprobe")
	data := t.TempDir()
	e := startE2E(t, data)
	tags, err := testmedia.Clip()
	if err != nil {
		t.Fatal(err)
	}
	p, cut := publishUntil(t, e.rtmp, tags, 3500) // mid-GOP, mid-segment
	_ = p.Drop()
	e.ended("demo")
	want := factsOf(tags[:cut])
	e.close() // a restart: a new process on the same data directory

	e = startE2E(t, data)
	recs := e.recordings("demo")
	if len(recs.Recordings) != 1 || recs.Recordings[0].Live || recs.Recordings[0].Segments != 2 {
		t.Fatalf("after restart: %+v", recs)
	}
	dir := strings.TrimSuffix(recs.Recordings[0].Playlist, "index.m3u8") + "source/"
	vod := testmedia.MediaPlaylist(t, e.mustGet(dir+"index.m3u8"))
	e.checkSegments(dir, vod, want)
	probe, err := exec.Command(ffprobe, "-v", "error", "-count_frames", "-select_streams", "v",
		"-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", e.base+dir+"index.m3u8").CombinedOutput()
	// HLS input shows the stream twice (under its program and on its own).
	counts := strings.Fields(string(probe))
	if err != nil || len(counts) == 0 || counts[0] != fmt.Sprint(want.videoFrames) {
		t.Errorf("ffprobe of the recording: %v, %q (want %d frames, no errors)", err, probe, want.videoFrames)
	}
	// The live path was never restored; numbering continues after the archive.
	if err := testmedia.PublishAll(e.rtmp, "demo-stream-key", tags); err != nil {
		t.Fatal(err)
	}
	e.ended("demo")
	if first := testmedia.Listed(testmedia.MediaPlaylist(t, e.mustGet("/live/demo/source/index.m3u8")))[0].URI; first != "2.ts" {
		t.Errorf("first live segment after restart is %s, want 2.ts", first)
	}
}
