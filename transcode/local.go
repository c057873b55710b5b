package transcode

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
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

	manifests manifests
}

// manifests are the profiles each manifest ID was first seen with: as a
// broadcaster does, later headers are ignored until the manifest has been
// idle for manifestIdle (LIVEPEER.md, "Profiles are fixed when the
// broadcaster first sees a manifest ID"), so a stream may send its
// profiles on its first segment only.
type manifests struct {
	mu sync.Mutex
	m  map[string]*manifest
}

type manifest struct {
	profiles []Profile
	used     time.Time
}

// A manifest ID idle this long is forgotten (go-livepeer drops a stream
// after 60–120 s unused); at most maxManifests are kept, the idlest
// forgotten first.
const (
	manifestIdle = 90 * time.Second
	maxManifests = 4096
)

// profiles returns the manifest's profiles: those it was fixed with, or,
// for a manifest not (or no longer) known, those given (nil: the default
// ladder). Nothing is fixed or refreshed here: only a segment transcoded
// does that (fix), so a request refused (too large, busy, a bad upload)
// cannot set or keep another stream's profiles.
func (ms *manifests) profiles(id string, given []Profile, now time.Time) ([]Profile, bool) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if m, ok := ms.m[id]; ok && now.Sub(m.used) < manifestIdle {
		return m.profiles, true
	}
	if given == nil {
		given, _ = Ladder(DefaultLadder)
	}
	return given, false
}

// fix records a manifest's profiles once one of its segments has been
// transcoded with them, or refreshes them.
func (ms *manifests) fix(id string, profiles []Profile, now time.Time) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if m, ok := ms.m[id]; ok && now.Sub(m.used) < manifestIdle {
		m.used = now
		return
	}
	if ms.m == nil {
		ms.m = map[string]*manifest{}
	}
	if len(ms.m) >= maxManifests {
		maps.DeleteFunc(ms.m, func(_ string, m *manifest) bool { return now.Sub(m.used) >= manifestIdle })
		for len(ms.m) >= maxManifests {
			idlest := ""
			for k, m := range ms.m {
				if idlest == "" || m.used.Before(ms.m[idlest].used) {
					idlest = k
				}
			}
			delete(ms.m, idlest)
		}
	}
	ms.m[id] = &manifest{profiles: profiles, used: now}
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

// transcodeConfig is the Livepeer-Transcode-Configuration header (the
// fields a transcoder acts on; objectStore and the like are a
// broadcaster's business and ignored).
type transcodeConfig struct {
	ManifestID string    `json:"manifestID"`
	Profiles   []Profile `json:"profiles"`
	Presets    []string  `json:"presets"`
}

// ladder is the profiles a configuration asks for: its presets (named
// profiles), then its profiles, a nameless one named
// custom_{W}x{H}_{bitrate} as go-livepeer names it; nil when it names
// none (the manifest's, or the default ladder); empty when it asks for
// none ("profiles": []).
func (c transcodeConfig) ladder() ([]Profile, error) {
	if c.Profiles == nil && c.Presets == nil {
		return nil, nil
	}
	out, err := Ladder(c.Presets)
	if err != nil {
		return nil, err
	}
	out = append(make([]Profile, 0, len(out)+len(c.Profiles)), out...)
	for _, p := range c.Profiles {
		if p.Name == "" {
			p.Name = fmt.Sprintf("custom_%dx%d_%d", p.Width, p.Height, p.Bitrate)
		}
		out = append(out, p)
	}
	return out, nil
}

// container is a segment's, set by its path's extension: MPEG-TS or MP4,
// in and out.
type container struct {
	ext, format, mime string
}

var (
	containerTS  = container{".ts", "mpegts", "video/mp2t"}
	containerMP4 = container{".mp4", "mp4", "video/mp4"}
)

func (l *Local) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPut && r.Method != http.MethodPost {
		http.Error(w, "use PUT or POST", http.StatusMethodNotAllowed)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/live/")
	manifest, file, ok2 := strings.Cut(rest, "/")
	box := containerTS
	if strings.HasSuffix(file, ".mp4") {
		box = containerMP4
	}
	if !ok || !ok2 || manifest == "" || len(manifest) > maxManifestID || strings.Contains(file, "/") || !strings.HasSuffix(file, box.ext) {
		http.Error(w, "want /live/{manifestID}/{seq}.ts or .mp4", http.StatusBadRequest)
		return
	}
	seq, _ := strconv.ParseUint(strings.TrimSuffix(file, box.ext), 10, 64) // non-numeric: 0, as go-livepeer does
	if r.Header.Get("Accept") != "multipart/mixed" {
		w.WriteHeader(http.StatusOK) // go-livepeer answers an empty 200
		return
	}
	dur := 2 * time.Second
	if v := r.Header.Get("Content-Duration"); v != "" {
		// Not an integer: the 2 s go-livepeer assumes. Out of range: 500,
		// as go-livepeer answers the conditions that will repeat.
		if ms, err := strconv.Atoi(v); err == nil {
			if ms < 0 || ms > 300_000 {
				http.Error(w, "Content-Duration must be 0 to 300000 ms", http.StatusInternalServerError)
				return
			}
			dur = time.Duration(ms) * time.Millisecond
		}
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
	if cfg.ManifestID != "" {
		if len(cfg.ManifestID) > maxManifestID {
			http.Error(w, fmt.Sprintf("manifestID over %d bytes", maxManifestID), http.StatusBadRequest)
			return
		}
		manifest = cfg.ManifestID
	}
	given, err := cfg.ladder()
	switch {
	case err != nil:
	case len(given) > maxProfiles:
		err = fmt.Errorf("%d profiles: at most %d a segment", len(given), maxProfiles)
	case pixelRate(given) > maxPixelRate:
		err = fmt.Errorf("the profiles ask for %d pixels a second in all: at most %d (four 1080p60 renditions)", pixelRate(given), maxPixelRate)
	}
	for _, p := range given {
		if err == nil {
			err = p.check()
		}
	}
	if err != nil {
		// A profile that cannot be made fails every segment alike: 500,
		// as a broadcaster answers a bad profile.
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	profiles, _ := l.manifests.profiles(manifest, given, time.Now())
	for _, p := range profiles {
		if !p.encoderOK() {
			// No transcoder here can take it: a broadcaster with no
			// orchestrator offering the capability answers 503.
			http.Error(w, fmt.Sprintf("profile %q: no transcoder here encodes %s (H.264 only)", p.Name, p.Encoder), http.StatusServiceUnavailable)
			return
		}
	}
	limit := uploadLimit(dur)
	if r.ContentLength > limit {
		http.Error(w, fmt.Sprintf("a %v segment of %d bytes: at most %d", dur, r.ContentLength, limit), http.StatusInternalServerError)
		return
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
			code = http.StatusInternalServerError // as a broadcaster answers an oversized body
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
	var outs [][]byte
	if len(profiles) > 0 {
		outs, err = l.transcode(r.Context(), body, profiles, dur, box)
	}
	<-l.sem
	var bad *badInput
	switch {
	case errors.Is(err, errNoVideo):
		// A segment without video comes back as copies of the source
		// under every profile name, as a broadcaster answers it (a
		// client must tell them from renditions).
		outs = make([][]byte, len(profiles))
		for i := range outs {
			outs[i] = body
		}
	case errors.As(err, &bad):
		http.Error(w, "input is not usable video: "+bad.msg, http.StatusUnprocessableEntity)
		return
	case err != nil:
		// A broadcaster answers 422 once its own attempts have failed.
		l.Logger.Warn("transcode: failed", "manifest", manifest, "seq", seq, "err", err)
		http.Error(w, "transcode failed: "+err.Error(), http.StatusUnprocessableEntity)
		return
	}
	// A client that stops reading the answer does not hold it forever.
	var size int
	for _, o := range outs {
		size += len(o)
	}
	_ = rc.SetWriteDeadline(time.Now().Add(10*time.Second + time.Duration(size/uploadRate)*time.Second))
	l.manifests.fix(manifest, profiles, time.Now())
	mw := multipart.NewWriter(w)
	w.Header().Set("Content-Type", "multipart/mixed; boundary="+mw.Boundary())
	w.WriteHeader(http.StatusOK)
	for i, p := range profiles {
		name := fmt.Sprintf("%s_%d%s", p.Name, seq, box.ext)
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", fmt.Sprintf(`%s; name=%q`, box.mime, name))
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

// Args builds the ffmpeg command line that turns one MPEG-TS segment (on
// stdin) into one file per profile: exported so benchmarks can run bare
// ffmpeg with exactly the same work.
func Args(profiles []Profile, preset string, outs []string) []string {
	return args(profiles, preset, outs, containerTS)
}

// args encodes as lpms does where players notice (LIVEPEER.md, "How
// lpms encodes"): the source's aspect ratio kept, the profile's larger
// side fitted to the source's larger side (at least 146×50); a keyframe
// forced at the segment's first frame; rate control with minimum, average,
// maximum and buffer all at the bitrate; the H.264 profile asked for
// (Main when none is: lpms leaves x264's High with B-frames, which this
// transcoder does not copy, so a rendition decodes wherever Main does).
func args(profiles []Profile, preset string, outs []string, box container) []string {
	var graph strings.Builder
	fmt.Fprintf(&graph, "[0:v]split=%d", len(profiles))
	for i := range profiles {
		fmt.Fprintf(&graph, "[s%d]", i)
	}
	for i, p := range profiles {
		long := max(p.Width, p.Height)
		// iw*sar: a source of non-square pixels is fitted as it displays.
		fmt.Fprintf(&graph, ";[s%d]scale=w='if(gte(iw*sar,ih),%d,max(146,2*round(%d*iw*sar/ih/2)))':h='if(gte(iw*sar,ih),max(50,2*round(%d*ih/(iw*sar)/2)),%d)',setsar=1",
			i, long, long, long, long)
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
			"-b:v", b, "-minrate", b, "-maxrate", b, "-bufsize", b)
		if strings.EqualFold(p.Profile, "H264ConstrainedHigh") {
			args = append(args, "-bf", "0") // High without B-frames
		}
		// The keyframes: the segment's first frame always; then one GOP
		// per segment (the source's timestamps kept), or every gop
		// seconds, or every frame (intra).
		switch gop, _ := gopSeconds(p.GOP); {
		case gop < 0:
			args = append(args, "-g", "100000", "-keyint_min", "100000", "-sc_threshold", "0", "-force_key_frames", "expr:eq(n,0)")
		case gop == 0:
			args = append(args, "-g", "1", "-keyint_min", "1")
		default:
			args = append(args, "-g", "100000", "-keyint_min", "1", "-sc_threshold", "0",
				"-force_key_frames", fmt.Sprintf("expr:eq(n,0)+gte(t-prev_forced_t,%s)", strconv.FormatFloat(gop, 'f', -1, 64)))
		}
		// A rendition is never larger than the largest segment taken in.
		args = append(args, "-fps_mode", "passthrough", "-enc_time_base:v", "1:90000", "-c:a", "copy", "-fs", strconv.Itoa(maxSegment))
		if box == containerMP4 {
			args = append(args, "-f", "mp4", "-movflags", "+faststart", outs[i])
		} else {
			args = append(args, "-f", "mpegts", "-mpegts_copyts", "1", "-muxdelay", "0", "-muxpreload", "0", outs[i])
		}
	}
	return args
}

// errNoVideo: the segment has no video track (audio only).
var errNoVideo = errors.New("no video track")

func (l *Local) transcode(ctx context.Context, seg []byte, profiles []Profile, dur time.Duration, box container) ([][]byte, error) {
	dir, err := os.MkdirTemp("", "livegate-transcode-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	outs := make([]string, len(profiles))
	for i := range profiles {
		outs[i] = filepath.Join(dir, fmt.Sprintf("%d%s", i, box.ext))
	}
	ctx, cancel := context.WithTimeout(ctx, max(8*time.Second, 4*dur))
	defer cancel()
	argv := args(profiles, l.Preset, outs, box)
	if box == containerMP4 {
		// An MP4 may keep its index at the end: ffmpeg reads it from a
		// file it can seek, not a pipe.
		in := filepath.Join(dir, "in.mp4")
		if err := os.WriteFile(in, seg, 0o600); err != nil {
			return nil, err
		}
		argv[slices.Index(argv, "pipe:0")] = in
	}
	cmd := exec.CommandContext(ctx, l.FFmpeg, argv...)
	cmd.Stdin = bytes.NewReader(seg)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if ctx.Err() != nil {
			return nil, fmt.Errorf("ffmpeg took longer than %v", max(8*time.Second, 4*dur))
		}
		// What ffmpeg says of the input makes it unusable; anything else
		// (a kill by the OOM killer included) is a failed transcode: both
		// are answered 422, as a broadcaster answers once its attempts
		// have failed.
		if strings.Contains(msg, "matches no streams") && len(seg) > 0 && !strings.Contains(msg, "Invalid data") {
			return nil, errNoVideo
		}
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
