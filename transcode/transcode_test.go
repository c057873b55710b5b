package transcode_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
	"github.com/livegate/livegate/transcode"
)

// sourceSegments cuts 6 s of 720p30 test pattern with audio into three
// HLS segments with ffmpeg: consecutive, each starting with a keyframe,
// timestamps continuous, as livegate's segmenter makes them.
func sourceSegments(t testing.TB) [][]byte {
	t.Helper()
	ffmpeg := testenv.Tool(t, "ffmpeg")
	dir := t.TempDir()
	out, err := exec.Command(ffmpeg, "-hide_banner", "-loglevel", "error",
		"-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
		"-t", "6", "-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
		"-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "hls", "-hls_time", "2", "-hls_segment_type", "mpegts",
		"-hls_segment_filename", filepath.Join(dir, "%d.ts"), filepath.Join(dir, "index.m3u8")).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	var segs [][]byte
	for i := range 3 {
		b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%d.ts", i)))
		if err != nil {
			t.Fatal(err)
		}
		segs = append(segs, b)
	}
	return segs
}

func local(t *testing.T) *httptest.Server {
	t.Helper()
	l := &transcode.Local{FFmpeg: testenv.Tool(t, "ffmpeg")}
	srv := httptest.NewServer(l.Handler())
	t.Cleanup(srv.Close)
	return srv
}

type probe struct {
	Streams []struct {
		CodecName    string `json:"codec_name"`
		Width        int
		Height       int
		RFrameRate   string `json:"r_frame_rate"`
		NbReadFrames string `json:"nb_read_frames"`
	}
}

func ffprobe(t *testing.T, data []byte) probe {
	t.Helper()
	path := filepath.Join(t.TempDir(), "r.ts")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(testenv.Tool(t, "ffprobe"), "-v", "error", "-count_frames",
		"-show_entries", "stream=codec_name,width,height,r_frame_rate,nb_read_frames", "-of", "json", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v\n%s", err, out)
	}
	var p probe
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// transcoderURL is the transcoder the suite runs against: the local one
// here, a real go-livepeer broadcaster when LIVEPEER_BROADCASTER_URL says
// where one is (opt-in: none can run on this machine).
func transcoderURL(t *testing.T) string {
	if u := os.Getenv("LIVEPEER_BROADCASTER_URL"); u != "" {
		return u
	}
	return local(t).URL
}

func TestLadderAgainstTranscoder(t *testing.T) {
	segs := sourceSegments(t)
	c := &transcode.Client{URL: transcoderURL(t)}
	ladder, _ := transcode.Ladder(transcode.DefaultLadder)
	profiles := transcode.Fit(ladder, 1280, 720, 30)
	if len(profiles) != 2 || profiles[0].Width != 640 || profiles[1].Width != 426 {
		t.Fatalf("fitted ladder %+v", profiles)
	}
	joined := map[string][]byte{}
	var lastDTS = map[string]int64{}
	for i, seg := range segs {
		src, err := testmedia.DemuxTS(seg)
		if err != nil {
			t.Fatal(err)
		}
		rends, err := c.Transcode(context.Background(), transcode.Request{
			ManifestID: "test", Seq: uint64(i), Segment: seg, Duration: 2 * time.Second, Width: 1280, Height: 720, Profiles: profiles,
		})
		if err != nil {
			t.Fatalf("segment %d: %v", i, err)
		}
		if len(rends) != 2 || rends[0].Name != "P360p30fps16x9" || rends[1].Name != "P240p30fps16x9" {
			t.Fatalf("segment %d: renditions %v", i, rends)
		}
		for j, r := range rends {
			p := ffprobe(t, r.Data)
			v := p.Streams[0]
			if v.CodecName != "h264" || v.Width != profiles[j].Width || v.Height != profiles[j].Height || v.RFrameRate != "30/1" {
				t.Errorf("segment %d %s: %+v", i, r.Name, v)
			}
			ts, err := testmedia.DemuxTS(r.Data)
			if err != nil {
				t.Fatalf("segment %d %s: %v", i, r.Name, err)
			}
			if !ts.Video[0].IDR || !ts.Video[0].SPS || len(ts.Video) != len(src.Video) {
				t.Errorf("segment %d %s: first AU %+v, %d frames (source %d)", i, r.Name, ts.Video[0], len(ts.Video), len(src.Video))
			}
			if ts.Video[0].PTS != src.Video[0].PTS || len(ts.Audio) != len(src.Audio) {
				t.Errorf("segment %d %s: starts at %d (source %d), %d audio frames (source %d)",
					i, r.Name, ts.Video[0].PTS, src.Video[0].PTS, len(ts.Audio), len(src.Audio))
			}
			if last, ok := lastDTS[r.Name]; ok {
				if d := ts.Video[0].DTS - last; d != 3000 {
					t.Errorf("%s: DTS jumps by %d between segments %d and %d", r.Name, d, i-1, i)
				}
			}
			lastDTS[r.Name] = ts.Video[len(ts.Video)-1].DTS
			joined[r.Name] = append(joined[r.Name], r.Data...)
		}
	}
	// Played one after another, a rendition's segments are one stream.
	for name, data := range joined {
		if p := ffprobe(t, data); p.Streams[0].NbReadFrames != "180" {
			t.Errorf("%s joined: %s frames, want 180", name, p.Streams[0].NbReadFrames)
		}
	}
}

func TestFitNeverUpscales(t *testing.T) {
	ladder, _ := transcode.Ladder([]string{"P720p60fps16x9", "P360p30fps16x9", "P240p30fps16x9"})
	got := transcode.Fit(ladder, 640, 360, 25) // a 360p 25 fps source
	if len(got) != 1 || got[0].Name != "P240p30fps16x9" || got[0].FPS != 0 || got[0].Width != 426 {
		t.Errorf("fitted %+v: want only 240p, at the source's frame rate", got)
	}
	if unknown := transcode.Fit(ladder, 1280, 720, 0); len(unknown) != 2 || unknown[0].FPS != 0 || unknown[1].FPS != 0 {
		t.Errorf("a source of unknown rate: %+v: want the source's frames kept", unknown)
	}
	vertical := transcode.Fit(ladder, 720, 1280, 30) // a phone held upright: its 720p is its source
	if len(vertical) != 2 || vertical[0].Width != 360 || vertical[0].Height != 640 || vertical[1].Width != 240 || vertical[1].Height != 426 {
		t.Errorf("vertical source: %+v", vertical)
	}
	square := transcode.Fit(ladder, 960, 720, 30) // 4:3
	if len(square) != 2 || square[0].Width != 480 || square[0].Height != 360 {
		t.Errorf("4:3 source: %+v", square)
	}
	if _, err := transcode.Ladder([]string{"P999p"}); err == nil {
		t.Error("an unknown profile was accepted")
	}
}

// TestClientErrorHandling runs the client against answers LIVEPEER.md
// lists: refusals are not retried, failures are, and a multipart answer
// without its closing boundary is not trusted.
func TestClientErrorHandling(t *testing.T) {
	seg := []byte("a segment")
	profiles, _ := transcode.Ladder(transcode.DefaultLadder)
	part := func(w http.ResponseWriter, close bool) {
		w.Header().Set("Content-Type", "multipart/mixed; boundary=xyz")
		w.WriteHeader(200)
		fmt.Fprint(w, "--xyz\r\nContent-Type: video/mp2t\r\nRendition-Name: P360p30fps16x9\r\n\r\nrendition-360\r\n")
		if close {
			fmt.Fprint(w, "--xyz--\r\n")
		}
	}
	var attempts atomic.Int32
	cases := []struct {
		name     string
		handler  func(w http.ResponseWriter, r *http.Request)
		want     error // nil: success
		attempts int32
	}{
		{"400", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "bad", 400) }, transcode.ErrRefused, 1},
		{"403", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "denied", 403) }, transcode.ErrRefused, 1},
		{"405", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "method", 405) }, transcode.ErrRefused, 1},
		{"422", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "not video", 422) }, transcode.ErrRefused, 1},
		{"404, another refusal", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, transcode.ErrRefused, 1},
		{"502", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gateway", 502) }, transcode.ErrUnavailable, 3},
		{"500, a condition that repeats: retried once", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", 500) }, transcode.ErrUnavailable, 2},
		{"503", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no orchestrator", 503) }, transcode.ErrUnavailable, 3},
		{"dropped connection", func(w http.ResponseWriter, r *http.Request) {
			c, _, _ := w.(http.Hijacker).Hijack()
			c.Close()
		}, transcode.ErrUnavailable, 3},
		{"multipart cut short", func(w http.ResponseWriter, r *http.Request) { part(w, false) }, transcode.ErrUnavailable, 3},
		{"multipart cut after a delimiter", func(w http.ResponseWriter, r *http.Request) {
			part(w, false)
			fmt.Fprint(w, "--xyz\r\n")
		}, transcode.ErrUnavailable, 3},
		{"multipart cut inside the closing boundary", func(w http.ResponseWriter, r *http.Request) {
			part(w, false)
			fmt.Fprint(w, "--xyz-")
		}, transcode.ErrUnavailable, 3},
		{"answer headers over 64 KiB", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Padding", strings.Repeat("p", 100<<10))
			part(w, true)
		}, transcode.ErrUnavailable, 3},
		{"more parts than the ladder and a few", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "multipart/mixed; boundary=xyz")
			for range 10 {
				fmt.Fprint(w, "--xyz\r\nRendition-Name: P360p30fps16x9\r\n\r\nr\r\n")
			}
			fmt.Fprint(w, "--xyz--\r\n")
		}, transcode.ErrUnavailable, 3},
		{"a part over 4 MiB for a small segment", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "multipart/mixed; boundary=xyz")
			fmt.Fprint(w, "--xyz\r\nRendition-Name: P360p30fps16x9\r\n\r\n"+strings.Repeat("r", 4<<20+1)+"\r\n--xyz--\r\n")
		}, transcode.ErrUnavailable, 3},
		{"503 then fine", func(w http.ResponseWriter, r *http.Request) {
			if attempts.Load() == 1 {
				http.Error(w, "busy", 503)
				return
			}
			part(w, true)
		}, nil, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			attempts.Store(0)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				attempts.Add(1)
				if r.Method != http.MethodPut || r.Header.Get("Accept") != "multipart/mixed" ||
					!strings.HasPrefix(r.URL.Path, "/live/s-") || !strings.HasSuffix(r.URL.Path, "/7.ts") ||
					r.Header.Get("Content-Duration") != "2000" || r.Header.Get("Content-Resolution") != "1280x720" ||
					!strings.Contains(r.Header.Get("Livepeer-Transcode-Configuration"), `"name":"P360p30fps16x9"`) {
					t.Errorf("request %s %s %v", r.Method, r.URL, r.Header)
				}
				c.handler(w, r)
			}))
			defer srv.Close()
			cl := &transcode.Client{URL: srv.URL, Backoff: time.Millisecond}
			rends, err := cl.Transcode(context.Background(), transcode.Request{ManifestID: "s", Seq: 7, Segment: seg,
				Duration: 2 * time.Second, Width: 1280, Height: 720, Profiles: profiles})
			switch {
			case c.want == nil && (err != nil || len(rends) != 1 || string(rends[0].Data) != "rendition-360"):
				t.Errorf("got %v %v", rends, err)
			case c.want != nil && !errors.Is(err, c.want):
				t.Errorf("got %v, want %v", err, c.want)
			}
			if got := attempts.Load(); got != c.attempts {
				t.Errorf("%d attempts, want %d", got, c.attempts)
			}
		})
	}
}

// A part may be a URL to fetch (a broadcaster storing results elsewhere).
func TestClientFetchesURIParts(t *testing.T) {
	store := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/big.ts" { // over the 4 MiB a small segment's rendition may take
			_, _ = w.Write(make([]byte, 4<<20+1))
			return
		}
		fmt.Fprint(w, "stored rendition")
	}))
	defer store.Close()
	var file atomic.Value
	file.Store("x.ts")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "multipart/mixed; boundary=b")
		fmt.Fprintf(w, "--b\r\nContent-Type: application/vnd+livepeer.uri\r\nRendition-Name: P240p30fps16x9\r\n\r\n%s/%s\r\n--b--\r\n", store.URL, file.Load())
	}))
	defer srv.Close()
	profiles, _ := transcode.Ladder([]string{"P240p30fps16x9"})
	cl := &transcode.Client{URL: srv.URL, Backoff: time.Millisecond}
	rends, err := cl.Transcode(context.Background(), transcode.Request{ManifestID: "s", Segment: []byte("x"), Profiles: profiles})
	if err != nil || len(rends) != 1 || string(rends[0].Data) != "stored rendition" {
		t.Errorf("%v %v", rends, err)
	}
	file.Store("big.ts")
	// Over the cap: left out, and with no other rendition the segment is
	// refused for good (a re-send would pay for the transcode again).
	if rends, err := cl.Transcode(context.Background(), transcode.Request{ManifestID: "s", Segment: []byte("x"), Profiles: profiles}); !errors.Is(err, transcode.ErrRefused) {
		t.Errorf("a stored rendition over the cap: %d renditions, %v", len(rends), err)
	}
}

func TestLocalRefusesBadRequests(t *testing.T) {
	srv := local(t)
	segs := sourceSegments(t)
	do := func(method, path string, body []byte, hdr ...string) (int, string) {
		req, _ := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
		req.Header.Set("Accept", "multipart/mixed")
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Content-Type")
	}
	n := 0
	for name, c := range map[string]struct {
		method, path string
		body         []byte
		hdr          []string
		code         int
	}{
		"GET":               {"GET", "/live/s/1.ts", nil, nil, 405},
		"no manifest":       {"PUT", "/live//1.ts", segs[0], nil, 400},
		"bad configuration": {"PUT", "/live/s/1.ts", segs[0], []string{"Livepeer-Transcode-Configuration", "{nope"}, 400},
		"bad duration":      {"PUT", "/live/s/1.ts", segs[0], []string{"Content-Duration", "-5"}, 500},
		"garbage":           {"PUT", "/live/s/1.ts", []byte("this is not video at all"), nil, 422},
		"odd width": {"PUT", "/live/s/1.ts", segs[0], []string{"Livepeer-Transcode-Configuration",
			`{"profiles":[{"name":"odd","width":641,"height":360,"bitrate":1000000}]}`}, 500},
		"HEVC": {"PUT", "/live/s/1.ts", segs[0], []string{"Livepeer-Transcode-Configuration",
			`{"profiles":[{"name":"h","width":640,"height":360,"bitrate":1000000,"encoder":"HEVC"}]}`}, 503},
		"negative rate": {"PUT", "/live/s/1.ts", segs[0], []string{"Livepeer-Transcode-Configuration",
			`{"profiles":[{"name":"r","width":640,"height":360,"bitrate":1000000,"fps":-30}]}`}, 500},
		"empty": {"PUT", "/live/s/1.ts", nil, nil, 422},
		"too many profiles": {"PUT", "/live/s/1.ts", segs[0], []string{"Livepeer-Transcode-Configuration",
			`{"profiles":[` + strings.Repeat(`{"name":"p","width":64,"height":36,"bitrate":100000},`, 8) + `{"name":"p","width":64,"height":36,"bitrate":100000}]}`}, 500},
		"huge configuration": {"PUT", "/live/s/1.ts", segs[0], []string{"Livepeer-Transcode-Configuration",
			`{"manifestID":"` + strings.Repeat("m", 20<<10) + `"}`}, 431},
		"long manifest ID":                                {"PUT", "/live/" + strings.Repeat("m", 129) + "/1.ts", segs[0], nil, 400},
		"larger than its duration allows":                 {"PUT", "/live/s/1.ts", make([]byte, 9<<20), []string{"Content-Duration", "2000"}, 500},
		"other Accept (go-livepeer answers an empty 200)": {"PUT", "/live/s/1.ts", segs[0], []string{"Accept", "*/*"}, 200},
	} {
		// A manifest's profiles are fixed at its first segment: each case
		// is a manifest of its own.
		n++
		path := strings.Replace(c.path, "/live/s/", fmt.Sprintf("/live/case%d/", n), 1)
		if code, _ := do(c.method, path, c.body, c.hdr...); code != c.code {
			t.Errorf("%s: %d, want %d", name, code, c.code)
		}
	}
}

// BenchmarkTranscode compares the local transcoder, reached through the
// Livepeer protocol over loopback, with bare ffmpeg running the same
// command line on the same segments: 720p30 sources, the default ladder.
// Each iteration runs both on the same segment, one after the other, so
// the load of a shared machine falls on both alike; it reports each one's
// segments per second of its own time and their ratio.
//
//	go test ./transcode -run '^$' -bench Transcode -benchtime 30x
func BenchmarkTranscode(b *testing.B) {
	segs := sourceSegments(b)
	ffmpeg := testenv.Tool(b, "ffmpeg")
	ladder, _ := transcode.Ladder(transcode.DefaultLadder)
	profiles := transcode.Fit(ladder, 1280, 720, 30)
	dir := b.TempDir()
	outs := []string{filepath.Join(dir, "0.ts"), filepath.Join(dir, "1.ts")}
	srv := httptest.NewServer((&transcode.Local{FFmpeg: ffmpeg}).Handler())
	defer srv.Close()
	c := &transcode.Client{URL: srv.URL}
	var bare, local time.Duration
	for i := 0; b.Loop(); i++ {
		seg := segs[i%len(segs)]
		t0 := time.Now()
		cmd := exec.Command(ffmpeg, append([]string{"-y"}, transcode.Args(profiles, "veryfast", outs)...)...)
		cmd.Stdin = bytes.NewReader(seg)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v %s", err, out)
		}
		t1 := time.Now()
		if _, err := c.Transcode(context.Background(), transcode.Request{ManifestID: "b", Seq: uint64(i), Segment: seg,
			Duration: 2 * time.Second, Width: 1280, Height: 720, Profiles: profiles}); err != nil {
			b.Fatal(err)
		}
		bare, local = bare+t1.Sub(t0), local+time.Since(t1)
	}
	b.ReportMetric(float64(b.N)/bare.Seconds(), "bare-segments/s")
	b.ReportMetric(float64(b.N)/local.Seconds(), "local-segments/s")
	b.ReportMetric(bare.Seconds()/local.Seconds(), "local/bare")
}

// TestLocalBusyAnswers503: segments beyond what the transcoder lets wait
// get a 503 at once (a client retries it) instead of piling up in memory.
func TestLocalBusyAnswers503(t *testing.T) {
	srv := httptest.NewServer((&transcode.Local{FFmpeg: testenv.Tool(t, "ffmpeg"), Jobs: 1}).Handler())
	defer srv.Close()
	probe := func() int { return probeStatus(t, srv.URL) }
	// Five uploads that never finish take every place (Jobs 1: one
	// to run, four to wait), each holding its connection in the body.
	hold := func() net.Conn {
		c, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(c, "PUT /live/s/2.ts HTTP/1.1\r\nHost: t\r\nAccept: multipart/mixed\r\nContent-Length: 1000000\r\n\r\n\x47\x40")
		return c
	}
	uploads := make([]net.Conn, 5)
	for i := range uploads {
		uploads[i] = hold()
	}
	defer func() {
		for _, c := range uploads {
			c.Close()
		}
	}()
	testenv.Eventually(t, "a segment is turned away with 503", func() bool {
		// An upload that came in while a probe held a place was turned
		// away itself (it has an answer): send it again.
		for i, c := range uploads {
			_ = c.SetReadDeadline(time.Now().Add(time.Millisecond))
			if n, _ := c.Read(make([]byte, 1)); n > 0 {
				c.Close()
				uploads[i] = hold()
			}
		}
		return probe() == http.StatusServiceUnavailable
	})
	for _, c := range uploads {
		c.Close()
	}
	testenv.Eventually(t, "segments are taken again", func() bool { return probe() == http.StatusUnprocessableEntity })
}

// TestLocalCutsOffTricklingUploads: uploads that trickle take every place
// (Jobs 1: five), then run out of time; each is answered and closed, and
// a segment is taken again, without anyone closing the tricklers.
func TestLocalCutsOffTricklingUploads(t *testing.T) {
	srv := httptest.NewServer((&transcode.Local{FFmpeg: testenv.Tool(t, "ffmpeg"), Jobs: 1, UploadTimeout: 500 * time.Millisecond}).Handler())
	defer srv.Close()
	probe := func() int { return probeStatus(t, srv.URL) }
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range 5 {
		c, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		fmt.Fprint(c, "PUT /live/s/2.ts HTTP/1.1\r\nHost: t\r\nAccept: multipart/mixed\r\nContent-Length: 1000\r\n\r\n\x47")
	}
	// Each trickler is answered (the server gave up on its body) and
	// closed, while it still holds its connection open.
	for i, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
		answer, err := io.ReadAll(c)
		if err != nil || !bytes.HasPrefix(answer, []byte("HTTP/1.1 408")) {
			t.Errorf("trickler %d: %v, answered %q", i, err, answer)
		}
	}
	testenv.Eventually(t, "a segment is taken again", func() bool { return probe() == http.StatusUnprocessableEntity })
}

// probeStatus PUTs a small upload that is not video and returns the
// answer's status: 503 while every place is taken, else what the
// transcoder says of it.
func probeStatus(t *testing.T, base string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, base+"/live/s/1.ts", strings.NewReader("not video"))
	req.Header.Set("Accept", "multipart/mixed")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
