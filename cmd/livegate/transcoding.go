package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"time"

	"github.com/livegate/livegate/hls"
	"github.com/livegate/livegate/internal/connlimit"
	"github.com/livegate/livegate/transcode"
)

// TranscoderConfig is transcoder: in livegate.yml.
type TranscoderConfig struct {
	// Mode: local (ffmpeg in this process), livepeer (a broadcaster at
	// Livepeer), none (the source only).
	Mode     string   `yaml:"mode"`
	Livepeer string   `yaml:"livepeer"` // the broadcaster's HTTP address, for mode livepeer
	Ladder   []string `yaml:"ladder"`   // Livepeer profile names
	FFmpeg   string   `yaml:"ffmpeg"`   // path, for mode local (default: ffmpeg on PATH)
}

func (c *TranscoderConfig) validate() error {
	switch c.Mode {
	case "local", "none":
	case "livepeer":
		u, err := url.Parse(c.Livepeer)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("transcoder.livepeer: %q is not an http(s):// URL of a go-livepeer broadcaster", c.Livepeer)
		}
	default:
		return fmt.Errorf("transcoder.mode: %q is not local, livepeer or none", c.Mode)
	}
	if _, err := transcode.Ladder(c.Ladder); err != nil {
		return fmt.Errorf("transcoder.ladder: %w", err)
	}
	return nil
}

// transcoderServer serves the local transcoder with ffmpeg at path. A
// client has 2 minutes to send a segment, so a stalled upload does not
// hold a place for ever.
func transcoderServer(path string, log *slog.Logger) *http.Server {
	return &http.Server{Handler: (&transcode.Local{FFmpeg: path, Logger: log}).Handler(),
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute}
}

// transcoding is the server's transcoder: a client of the Livepeer
// protocol, speaking to a broadcaster or to a local transcoder this
// process serves on loopback.
type transcoding struct {
	client  *transcode.Client
	ladders map[string][]transcode.Profile // per stream
	local   *http.Server
}

// startTranscoding sets up cfg's transcoder, or returns nil for none. A
// local transcoder without ffmpeg falls back to none, and says so.
func startTranscoding(cfg Config, log *slog.Logger) (*transcoding, error) {
	tc := cfg.Transcoder
	if tc.Mode == "none" {
		return nil, nil
	}
	t := &transcoding{ladders: map[string][]transcode.Profile{}}
	for _, sc := range cfg.Streams {
		names := tc.Ladder
		if sc.Ladder != nil {
			names = sc.Ladder
		}
		ladder, err := transcode.Ladder(names)
		if err != nil {
			return nil, err
		}
		t.ladders[sc.Name] = ladder
	}
	url := tc.Livepeer
	if tc.Mode == "local" {
		ffmpeg := tc.FFmpeg
		if ffmpeg == "" {
			ffmpeg = "ffmpeg"
		}
		path, err := exec.LookPath(ffmpeg)
		if err != nil {
			log.Warn("transcode: ffmpeg not found: serving the source only (install ffmpeg, or set transcoder.mode)", "ffmpeg", ffmpeg)
			return nil, nil //nolint:nilerr // no ffmpeg is a setting, not a failure: the source is served
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		t.local = transcoderServer(path, log)
		go func() { _ = t.local.Serve(ln) }()
		url = "http://" + ln.Addr().String()
		log.Info("transcode: local ffmpeg transcoder", "ffmpeg", path, "ladder", tc.Ladder)
	} else {
		log.Info("transcode: Livepeer broadcaster", "url", url, "ladder", tc.Ladder)
	}
	t.client = &transcode.Client{URL: url}
	return t, nil
}

// transcodes reports whether stream has renditions to make: a stream
// with an empty ladder (ladder: []) keeps to its source.
func (t *transcoding) transcodes(stream string) bool {
	return t != nil && len(t.ladders[stream]) > 0
}

func (t *transcoding) Close() {
	if t != nil && t.local != nil {
		_ = t.local.Close()
	}
}

// Transcode implements hls.Transcoder: the stream's ladder, fitted to the
// source (never upscaled), through the Livepeer protocol.
func (t *transcoding) Transcode(ctx context.Context, stream string, seg *hls.Segment, src hls.RenditionInfo) ([]hls.Transcoded, error) {
	profiles := transcode.Fit(t.ladders[stream], src.Width, src.Height, src.FrameRate)
	if len(profiles) == 0 {
		return nil, nil // the source is already the smallest
	}
	rends, err := t.client.Transcode(ctx, transcode.Request{
		ManifestID: manifestID(stream, src), Seq: seg.Seq, Segment: seg.Data, Duration: seg.Duration,
		Width: src.Width, Height: src.Height, Profiles: profiles,
	})
	if err != nil {
		return nil, err
	}
	out := make([]hls.Transcoded, len(rends))
	for i, r := range rends {
		out[i] = hls.Transcoded{Name: r.Name, Data: r.Data}
	}
	return out, nil
}

// manifestID names a stream to the transcoder. A broadcaster keeps the
// profiles a manifest's first segment set, so a publisher that comes back
// at another size, whose fitted ladder differs, gets a manifest of its own
// (and the client adds a digest of the profiles). A random part, new for
// each process, keeps others on the transcoder from guessing it and
// fixing its profiles first.
func manifestID(stream string, src hls.RenditionInfo) string {
	return fmt.Sprintf("%s-%s-%dx%d", stream, manifestSalt, src.Width, src.Height)
}

var manifestSalt = func() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}()

// runTranscoder serves the local transcoder on its own, so transcoding
// can run on another machine: livegate transcoder --listen ADDR.
func runTranscoder(args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("transcoder", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:9935", "address to serve Livepeer's push protocol on")
	ffmpeg := fs.String("ffmpeg", "ffmpeg", "the ffmpeg to run")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	path, err := exec.LookPath(*ffmpeg)
	if err != nil {
		return fmt.Errorf("the transcoder needs ffmpeg: %w", err)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	// Its clients are livegate nodes, a few connections each: caps that
	// keep a stray or hostile client from holding every socket.
	ln = &connlimit.Listener{Listener: ln, Name: "transcoder", Total: 256, PerClient: 32,
		Refuse: connlimit.HTTPRefusal, Logger: log}
	srv := transcoderServer(path, log)
	go func() { _ = srv.Serve(ln) }()
	fmt.Fprintf(stdout, "livegate transcoder on http://%s (ffmpeg %s); point livegate at it with transcoder: {mode: livepeer, livepeer: http://%s}\n",
		ln.Addr(), path, strings.TrimPrefix(ln.Addr().String(), "[::]"))
	waitSignal()
	return srv.Close()
}
