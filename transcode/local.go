package transcode

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Local is a transcoder that serves Livepeer's push protocol (PUT
// /live/{manifestID}/{seq}.ts, renditions back as multipart/mixed) with
// ffmpeg: one process per segment decodes once and encodes every profile,
// each rendition one GOP starting with an IDR frame and keeping the
// source's timestamps, so renditions line up with the source and players
// switch between them cleanly. Audio is copied.
type Local struct {
	FFmpeg string // path to ffmpeg
	Preset string // x264 preset (default veryfast)
	// Jobs bounds concurrent ffmpeg processes (default: the CPUs). Up to
	// 4 × Jobs more segments may wait their turn; beyond that a request
	// is answered 503 at once, and a client retries it later.
	Jobs   int
	Logger *slog.Logger
	// UploadTimeout bounds reading one segment's upload (default: 10 s
	// and a second for each 256 KiB the segment may hold): a client
	// trickling bytes gives up its place when it runs out.
	UploadTimeout time.Duration

	sem     chan struct{} // a slot per running ffmpeg
	waiting chan struct{} // a slot per request admitted, running or not
}

// What a client may send the local transcoder.
const (
	// maxSegment bounds an upload: LIVEPEER.md's 300 s at 8 Mb/s.
	maxSegment = 300 * 8_000_000 / 8
	// maxConfigHeader bounds Livepeer-Transcode-Configuration; a full
	// ladder of named profiles takes under 1 KiB.
	maxConfigHeader = 16 << 10
	// maxProfiles bounds the renditions of one segment: each is an x264
	// encoder in the one ffmpeg.
	maxProfiles = 8
	// maxManifestID bounds the stream's name in the path.
	maxManifestID = 128
	// uploadRate is the slowest upload allowed (a read deadline follows
	// from it), and segmentRate the highest bit rate a segment may have
	// for its Content-Duration (32 Mb/s, a 4K source's).
	uploadRate  = 256 << 10
	segmentRate = 4_000_000
)

// uploadLimit is the largest segment accepted for a duration: its bytes
// at segmentRate, at least 8 MiB, at most maxSegment.
func uploadLimit(dur time.Duration) int64 {
	return min(maxSegment, max(8<<20, int64(dur.Seconds()*segmentRate)))
}

func (l *Local) init() {
	if l.sem == nil {
		if l.Jobs <= 0 {
			l.Jobs = runtime.NumCPU()
		}
		l.sem = make(chan struct{}, l.Jobs)
		l.waiting = make(chan struct{}, 5*l.Jobs)
	}
	if l.Preset == "" {
		l.Preset = "veryfast"
	}
	if l.Logger == nil {
		l.Logger = slog.Default()
	}
}

// Handler returns the transcoder as an http.Handler. Call once.
func (l *Local) Handler() http.Handler {
	l.init()
	return http.HandlerFunc(l.serve)
}

// transcodeConfig is the Livepeer-Transcode-Configuration header.
type transcodeConfig struct {
	ManifestID string    `json:"manifestID"`
	Profiles   []Profile `json:"profiles"`
}

func (l *Local) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPut && r.Method != http.MethodPost {
		http.Error(w, "use PUT or POST", http.StatusMethodNotAllowed)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/live/")
	manifest, file, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || manifest == "" || len(manifest) > maxManifestID || strings.Contains(file, "/") || !strings.HasSuffix(file, ".ts") {
		http.Error(w, "want /live/{manifestID}/{seq}.ts", http.StatusBadRequest)
		return
	}
	seq, _ := strconv.ParseUint(strings.TrimSuffix(file, ".ts"), 10, 64) // non-numeric: 0, as go-livepeer does
	if r.Header.Get("Accept") != "multipart/mixed" {
		w.WriteHeader(http.StatusOK) // go-livepeer answers an empty 200
		return
	}
	dur := 2 * time.Second
	if v := r.Header.Get("Content-Duration"); v != "" {
		ms, err := strconv.Atoi(v)
		if err != nil || ms < 0 || ms > 300_000 {
			http.Error(w, "Content-Duration must be 0 to 300000 ms", http.StatusBadRequest)
			return
		}
		dur = time.Duration(ms) * time.Millisecond
	}
	var cfg transcodeConfig
	if v := r.Header.Get("Livepeer-Transcode-Configuration"); v != "" {
		if len(v) > maxConfigHeader {
			http.Error(w, fmt.Sprintf("Livepeer-Transcode-Configuration over %d bytes", maxConfigHeader), http.StatusRequestHeaderFieldsTooLarge)
			return
		}
		if err := json.Unmarshal([]byte(v), &cfg); err != nil {
			http.Error(w, "bad Livepeer-Transcode-Configuration: "+err.Error(), http.StatusBadRequest)
			return
		}
	}
	if len(cfg.Profiles) == 0 {
		cfg.Profiles, _ = Ladder(DefaultLadder)
	}
	if len(cfg.Profiles) > maxProfiles {
		http.Error(w, fmt.Sprintf("%d profiles: at most %d a segment", len(cfg.Profiles), maxProfiles), http.StatusBadRequest)
		return
	}
	limit := uploadLimit(dur)
	if r.ContentLength > limit {
		http.Error(w, fmt.Sprintf("a %v segment of %d bytes: at most %d", dur, r.ContentLength, limit), http.StatusRequestEntityTooLarge)
		return
	}
	for _, p := range cfg.Profiles {
		if err := p.check(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	select {
	case l.waiting <- struct{}{}:
		defer func() { <-l.waiting }()
	default:
		http.Error(w, "busy: too many segments waiting for ffmpeg", http.StatusServiceUnavailable)
		return
	}
	// An upload slower than uploadRate gives up its place: a client
	// trickling bytes cannot hold one for long.
	rc := http.NewResponseController(w)
	timeout := l.UploadTimeout
	if timeout <= 0 {
		timeout = 10*time.Second + time.Duration(limit/uploadRate)*time.Second
	}
	_ = rc.SetReadDeadline(time.Now().Add(timeout))
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		code := http.StatusBadRequest
		switch {
		case errors.As(err, &tooLarge):
			code = http.StatusRequestEntityTooLarge
		case errors.Is(err, os.ErrDeadlineExceeded):
			code = http.StatusRequestTimeout
		}
		http.Error(w, "segment unreadable or too large: "+err.Error(), code)
		return
	}
	_ = rc.SetReadDeadline(time.Time{})
	select {
	case l.sem <- struct{}{}:
	case <-r.Context().Done():
		return
	}
	outs, err := l.transcode(r.Context(), body, cfg.Profiles, dur)
	<-l.sem
	var bad *badInput
	switch {
	case errors.As(err, &bad):
		http.Error(w, "input is not usable video: "+bad.msg, http.StatusUnprocessableEntity)
		return
	case err != nil:
		l.Logger.Warn("transcode: failed", "manifest", manifest, "seq", seq, "err", err)
		http.Error(w, "transcode failed: "+err.Error(), http.StatusInternalServerError)
		return
	}
	// A client that stops reading the answer does not hold it forever.
	var size int
	for _, o := range outs {
		size += len(o)
	}
	_ = rc.SetWriteDeadline(time.Now().Add(10*time.Second + time.Duration(size/uploadRate)*time.Second))
	mw := multipart.NewWriter(w)
	w.Header().Set("Content-Type", "multipart/mixed; boundary="+mw.Boundary())
	w.WriteHeader(http.StatusOK)
	for i, p := range cfg.Profiles {
		name := fmt.Sprintf("%s_%d.ts", p.Name, seq)
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", fmt.Sprintf(`video/mp2t; name=%q`, name))
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename=%q`, name))
		h.Set("Content-Length", strconv.Itoa(len(outs[i])))
		h.Set("Rendition-Name", p.Name)
		part, err := mw.CreatePart(h)
		if err != nil {
			return
		}
		if _, err := part.Write(outs[i]); err != nil {
			return
		}
	}
	_ = mw.Close()
}

// badInput is ffmpeg refusing the segment itself.
type badInput struct{ msg string }

func (b *badInput) Error() string { return b.msg }

// Args builds the ffmpeg command line that turns one segment (on stdin)
// into one file per profile: exported so benchmarks can run bare ffmpeg
// with exactly the same work.
func Args(profiles []Profile, preset string, outs []string) []string {
	var graph strings.Builder
	fmt.Fprintf(&graph, "[0:v]split=%d", len(profiles))
	for i := range profiles {
		fmt.Fprintf(&graph, "[s%d]", i)
	}
	for i, p := range profiles {
		fmt.Fprintf(&graph, ";[s%d]scale=%d:%d", i, p.Width, p.Height)
		if p.FPS > 0 {
			den := max(p.FPSDen, 1)
			fmt.Fprintf(&graph, ",fps=%d/%d", p.FPS, den)
		}
		fmt.Fprintf(&graph, "[o%d]", i)
	}
	args := []string{"-hide_banner", "-loglevel", "error", "-copyts", "-i", "pipe:0", "-filter_complex", graph.String()}
	for i, p := range profiles {
		b := strconv.Itoa(p.Bitrate)
		args = append(args,
			"-map", fmt.Sprintf("[o%d]", i), "-map", "0:a?",
			"-c:v", "libx264", "-preset", preset, "-profile:v", x264Profile(p.Profile), "-pix_fmt", "yuv420p",
			"-b:v", b, "-maxrate", b, "-bufsize", strconv.Itoa(2*p.Bitrate),
			// one GOP per segment, its IDR first, the source's timestamps kept
			"-g", "100000", "-keyint_min", "100000", "-sc_threshold", "0", "-force_key_frames", "expr:eq(n,0)",
			"-fps_mode", "passthrough", "-enc_time_base:v", "1:90000",
			"-c:a", "copy",
			"-f", "mpegts", "-mpegts_copyts", "1", "-muxdelay", "0", "-muxpreload", "0", outs[i])
	}
	return args
}

func x264Profile(p string) string {
	switch p {
	case "H264Baseline":
		return "baseline"
	case "H264High", "H264ConstrainedHigh":
		return "high"
	}
	return "main"
}

func (l *Local) transcode(ctx context.Context, seg []byte, profiles []Profile, dur time.Duration) ([][]byte, error) {
	dir, err := os.MkdirTemp("", "livegate-transcode-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	outs := make([]string, len(profiles))
	for i := range profiles {
		outs[i] = filepath.Join(dir, fmt.Sprintf("%d.ts", i))
	}
	ctx, cancel := context.WithTimeout(ctx, max(8*time.Second, 4*dur))
	defer cancel()
	cmd := exec.CommandContext(ctx, l.FFmpeg, Args(profiles, l.Preset, outs)...)
	cmd.Stdin = bytes.NewReader(seg)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if ctx.Err() != nil {
			return nil, fmt.Errorf("ffmpeg took longer than %v", max(8*time.Second, 4*dur))
		}
		// What ffmpeg says of the input makes it unusable (422, not
		// retried); anything else, a kill by the OOM killer included, is
		// a failure worth retrying (500).
		if strings.Contains(msg, "Invalid data") || strings.Contains(msg, "matches no streams") ||
			strings.Contains(msg, "could not find codec") || strings.Contains(msg, "no video") {
			return nil, &badInput{msg: firstLine(msg)}
		}
		return nil, fmt.Errorf("ffmpeg: %v: %s", err, firstLine(msg))
	}
	data := make([][]byte, len(profiles))
	for i, o := range outs {
		if data[i], err = os.ReadFile(o); err != nil {
			return nil, err
		}
		if len(data[i]) == 0 {
			return nil, &badInput{msg: "no video frames in the segment"}
		}
	}
	return data, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	if line == "" {
		return "ffmpeg failed"
	}
	return line
}
