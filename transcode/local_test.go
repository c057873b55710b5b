package transcode_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/livegate/livegate/internal/testenv"
)

// clip makes one 2 s segment of test pattern (and a tone, unless
// videoOnly is "audio", which leaves the video out) in the given format
// ("mpegts" or "mp4"), size and rate.
func clip(t *testing.T, size, rate, format, only string) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "src."+map[string]string{"mpegts": "ts", "mp4": "mp4"}[format])
	args := []string{"-hide_banner", "-loglevel", "error"}
	if only != "audio" {
		args = append(args, "-f", "lavfi", "-i", "testsrc2=size="+size+":rate="+rate)
	}
	args = append(args, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "2")
	if only != "audio" {
		args = append(args, "-c:v", "libx264", "-preset", "ultrafast", "-g", "120", "-pix_fmt", "yuv420p")
	}
	args = append(args, "-c:a", "aac", "-f", format, path)
	if out, err := exec.Command(testenv.Tool(t, "ffmpeg"), args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// part is one rendition of a multipart answer, as a client reads it.
type part struct {
	name, ctype string
	data        []byte
}

// push sends a segment to the local transcoder as a Livepeer client does
// and reads the multipart answer (without livegate's client, whose own
// rules are tested elsewhere).
func push(t *testing.T, url, path string, seg []byte, config string) (int, []part, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, url+path, bytes.NewReader(seg))
	req.Header.Set("Accept", "multipart/mixed")
	req.Header.Set("Content-Duration", "2000")
	if config != "" {
		req.Header.Set("Livepeer-Transcode-Configuration", config)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, nil, string(msg)
	}
	_, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(resp.Body, params["boundary"])
	var parts []part
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(p)
		parts = append(parts, part{p.Header.Get("Rendition-Name"), p.Header.Get("Content-Type"), data})
	}
	return resp.StatusCode, parts, ""
}

// probed is what ffprobe says of a rendition.
type probed struct {
	Format struct {
		FormatName string `json:"format_name"`
	}
	Streams []struct {
		CodecType  string `json:"codec_type"`
		Width      int
		Height     int
		Profile    string
		RFrameRate string `json:"r_frame_rate"`
	}
	Frames []struct {
		KeyFrame int `json:"key_frame"`
	}
}

func probeAll(t *testing.T, data []byte) probed {
	t.Helper()
	path := filepath.Join(t.TempDir(), "r")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(testenv.Tool(t, "ffprobe"), "-v", "error", "-select_streams", "v",
		"-show_entries", "format=format_name:stream=codec_type,width,height,profile,r_frame_rate:frame=key_frame", "-of", "json", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v\n%s", err, out)
	}
	var p probed
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func keyframes(p probed) int {
	n := 0
	for _, f := range p.Frames {
		n += f.KeyFrame
	}
	return n
}

// Named profiles keep the source's aspect ratio, as lpms does: the
// profile's larger side is fitted to the source's larger side. A
// portrait (9:16) and a 4:3 source are neither stretched nor turned.
func TestLocalKeepsTheAspectRatio(t *testing.T) {
	srv := local(t)
	for _, c := range []struct {
		size, profile string
		w, h          int
	}{
		{"720x1280", "P360p30fps16x9", 360, 640},    // portrait: its height gets the profile's 640
		{"960x720", "P360p30fps16x9", 640, 480},     // 4:3 under a 16:9 profile
		{"1280x720", "P360p30fps4x3", 480, 270},     // 16:9 under a 4:3 profile
		{"960x720", "P240p30fps4x3", 320, 240},      // 4:3 as it is
		{"480x360:sar", "P360p30fps16x9", 640, 360}, // non-square pixels (SAR 4:3): displays 16:9
	} {
		src := clip(t, strings.TrimSuffix(c.size, ":sar"), "30", "mpegts", "")
		if strings.HasSuffix(c.size, ":sar") {
			src = withSAR(t, src, "4/3")
		}
		code, parts, msg := push(t, srv.URL, "/live/aspect-"+strings.ReplaceAll(c.size, ":", "")+c.profile+"/0.ts", src, `{"presets":["`+c.profile+`"]}`)
		if code != http.StatusOK || len(parts) != 1 {
			t.Fatalf("%s as %s: %d %s", c.size, c.profile, code, msg)
		}
		v := probeAll(t, parts[0].data).Streams[0]
		if v.Width != c.w || v.Height != c.h {
			t.Errorf("%s as %s: %dx%d, want %dx%d", c.size, c.profile, v.Width, v.Height, c.w, c.h)
		}
	}
}

// What Livepeer clients send beyond the default ladder: presets at 25
// fps, custom profiles with a GOP, an H.264 profile in any case, no name,
// MP4 segments in and out, profiles on the first segment only, no
// profiles at all, an audio-only segment, and an encoder this transcoder
// does not have.
func TestLocalServesWhatLivepeerClientsSend(t *testing.T) {
	srv := local(t)
	ts := clip(t, "1280x720", "30", "mpegts", "")

	// A preset at 25 fps, and a nameless custom profile whose every frame
	// is a keyframe, High profile asked in lower case.
	cfg := `{"presets":["P240p25fps16x9"],"profiles":[{"width":640,"height":360,"bitrate":800000,"fps":30,"gop":"intra","profile":"h264high"}]}`
	code, parts, msg := push(t, srv.URL, "/live/clients/0.ts", ts, cfg)
	if code != http.StatusOK || len(parts) != 2 || parts[0].name != "P240p25fps16x9" || parts[1].name != "custom_640x360_800000" {
		t.Fatalf("presets and a custom profile: %d %s %+v", code, msg, names(parts))
	}
	if p := probeAll(t, parts[0].data); p.Streams[0].RFrameRate != "25/1" || keyframes(p) != 1 {
		t.Errorf("P240p25fps16x9: %s fps, %d keyframes (want 25/1 and one, its first)", p.Streams[0].RFrameRate, keyframes(p))
	}
	if p := probeAll(t, parts[1].data); p.Streams[0].Profile != "High" || keyframes(p) != len(p.Frames) || len(p.Frames) < 50 {
		t.Errorf("intra High profile: %s, %d keyframes of %d frames", p.Streams[0].Profile, keyframes(p), len(p.Frames))
	}

	// The manifest's profiles are fixed: the next segment, with no header
	// (or another), gets the same renditions.
	for _, later := range []string{"", `{"presets":["P144p30fps16x9"]}`} {
		code, again, msg := push(t, srv.URL, "/live/clients/1.ts", ts, later)
		if code != http.StatusOK || len(again) != 2 || again[1].name != "custom_640x360_800000" {
			t.Errorf("a later segment with %q: %d %s %v", later, code, msg, names(again))
		}
	}

	// A GOP of 1 s: a keyframe each second.
	code, parts, msg = push(t, srv.URL, "/live/gop/0.ts", ts, `{"profiles":[{"name":"g","width":426,"height":240,"bitrate":400000,"gop":"1"}]}`)
	if code != http.StatusOK {
		t.Fatalf("gop 1: %d %s", code, msg)
	}
	if k := keyframes(probeAll(t, parts[0].data)); k != 2 {
		t.Errorf("gop 1 over 2 s: %d keyframes, want 2", k)
	}

	// MP4 in, MP4 out.
	code, parts, msg = push(t, srv.URL, "/live/mp4/0.mp4", clip(t, "1280x720", "30", "mp4", ""), `{"presets":["P360p30fps16x9"]}`)
	if code != http.StatusOK || len(parts) != 1 || !strings.HasPrefix(parts[0].ctype, "video/mp4") ||
		!strings.Contains(probeAll(t, parts[0].data).Format.FormatName, "mp4") {
		t.Errorf("mp4: %d %s %+v", code, msg, names(parts))
	}

	// "profiles": [] transcodes nothing.
	if code, parts, msg := push(t, srv.URL, "/live/none/0.ts", ts, `{"profiles":[]}`); code != http.StatusOK || len(parts) != 0 {
		t.Errorf("no profiles: %d %s %d parts", code, msg, len(parts))
	}

	// Audio only: the source, under every profile name.
	audio := clip(t, "", "", "mpegts", "audio")
	code, parts, msg = push(t, srv.URL, "/live/audio/0.ts", audio, `{"presets":["P360p30fps16x9","P240p30fps16x9"]}`)
	if code != http.StatusOK || len(parts) != 2 || !bytes.Equal(parts[0].data, audio) || !bytes.Equal(parts[1].data, audio) {
		t.Errorf("audio only: %d %s %v", code, msg, names(parts))
	}

	// A request refused before any transcode (too large) fixes nothing:
	// the manifest's first transcoded segment does.
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/live/victim/0.ts", bytes.NewReader(make([]byte, 9<<20)))
	req.Header.Set("Accept", "multipart/mixed")
	req.Header.Set("Content-Duration", "2000")
	req.Header.Set("Livepeer-Transcode-Configuration", `{"profiles":[]}`)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("an oversized segment: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	if code, parts, msg := push(t, srv.URL, "/live/victim/1.ts", ts, `{"presets":["P144p30fps16x9"]}`); code != http.StatusOK || len(parts) != 1 {
		t.Errorf("a stream after someone's refused request under its manifest ID: %d %s %v", code, msg, names(parts))
	}

	// What it cannot make: HEVC (503, as a broadcaster with no
	// orchestrator offering it), an unknown H.264 profile (500).
	if code, _, msg := push(t, srv.URL, "/live/hevc/0.ts", ts, `{"profiles":[{"name":"h","width":640,"height":360,"bitrate":1000000,"encoder":"HEVC"}]}`); code != http.StatusServiceUnavailable || !strings.Contains(msg, "HEVC") {
		t.Errorf("HEVC: %d %s", code, msg)
	}
	if code, _, msg := push(t, srv.URL, "/live/prof/0.ts", ts, `{"profiles":[{"name":"p","width":640,"height":360,"bitrate":1000000,"profile":"H264Extended"}]}`); code != http.StatusInternalServerError || !strings.Contains(msg, "H264Extended") {
		t.Errorf("unknown H.264 profile: %d %s", code, msg)
	}
}

func names(parts []part) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p.name+" "+p.ctype)
	}
	return out
}

// withSAR re-encodes a segment with a sample aspect ratio: its pixels
// displayed wider than they are stored.
func withSAR(t *testing.T, seg []byte, sar string) []byte {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.ts"), filepath.Join(dir, "out.ts")
	if err := os.WriteFile(in, seg, 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(testenv.Tool(t, "ffmpeg"), "-hide_banner", "-loglevel", "error", "-i", in,
		"-vf", "setsar="+sar, "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "copy", "-f", "mpegts", out).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
