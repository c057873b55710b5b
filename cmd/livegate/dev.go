package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
)

// devState is what livegate dev keeps between runs in DIR/dev-state.json,
// so the stream key pasted into OBS stays valid.
type devState struct {
	StreamKey string `json:"streamKey"`
}

// devInfo is DIR/dev.json: what a person, a test or a script needs to use
// the dev server.
type devInfo struct {
	HTTP    string          `json:"http"`
	RTMP    string          `json:"rtmp"`
	Streams []devStreamInfo `json:"streams"`
}

type devStreamInfo struct {
	Name           string `json:"name"`
	Key            string `json:"key"`
	PricePerSecond string `json:"pricePerSecond"`
}

const (
	devStream = "demo"
	devPrice  = "1000000000000" // wei per second: 0.0036 ETH an hour
)

func runDev(args []string, stdout io.Writer, log *slog.Logger) error {
	cfg := defaultConfig()
	cfg.HTTP, cfg.RTMP, cfg.RTSP = "127.0.0.1:8080", "127.0.0.1:1935", "127.0.0.1:8554"
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	fs.StringVar(&cfg.Data, "data", cfg.Data, "data directory (archive, keys, dev.json)")
	fs.StringVar(&cfg.HTTP, "http", cfg.HTTP, "HTTP listen address (HLS, API)")
	fs.StringVar(&cfg.RTMP, "rtmp", cfg.RTMP, "RTMP listen address")
	fs.StringVar(&cfg.RTSP, "rtsp", cfg.RTSP, "RTSP listen address (RTSP ingest is not built yet)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if err := applyEnv(&cfg, os.Environ()); err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.Data, 0o755); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	state, err := loadDevState(cfg.Data)
	if err != nil {
		return err
	}
	cfg.Streams = []StreamConfig{{Name: devStream, Key: state.StreamKey, PricePerSecond: devPrice}}
	if err := cfg.validate(); err != nil {
		return err
	}
	srv, err := startServer(cfg, log)
	if err != nil {
		return err
	}
	info := devInfo{
		HTTP: "http://" + advertised(srv.httpAddr()),
		RTMP: "rtmp://" + advertised(srv.rtmpAddr()) + "/live",
	}
	for _, s := range cfg.Streams {
		info.Streams = append(info.Streams, devStreamInfo{Name: s.Name, Key: s.Key, PricePerSecond: s.PricePerSecond})
	}
	path := filepath.Join(cfg.Data, "dev.json")
	if err := writeJSON(path, info); err != nil {
		srv.Close()
		return err
	}
	printDevBanner(stdout, info, path)
	return srv.runUntilSignal()
}

func loadDevState(dir string) (devState, error) {
	path := filepath.Join(dir, "dev-state.json")
	var st devState
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := json.Unmarshal(b, &st); err != nil {
			return st, fmt.Errorf("%s: %w (delete it to start afresh)", path, err)
		}
	case !errors.Is(err, os.ErrNotExist):
		return st, err
	}
	if st.StreamKey == "" {
		k := make([]byte, 12)
		_, _ = rand.Read(k)
		st.StreamKey = hex.EncodeToString(k)
		if err := writeJSON(path, st); err != nil {
			return st, err
		}
	}
	return st, nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// advertised turns a listen address into one a client on this machine can
// dial (":8080" and "0.0.0.0:8080" become "127.0.0.1:8080").
func advertised(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

func printDevBanner(w io.Writer, info devInfo, path string) {
	s := info.Streams[0]
	fmt.Fprintf(w, `
livegate dev is running.

  Push from OBS    Settings > Stream > Service: Custom...
                   Server      %s
                   Stream Key  %s
  or from ffmpeg   ffmpeg -re -i input.mp4 -c:v libx264 -g 60 -c:a aac -f flv %s/%s
  Watch            %s/live/%s/index.m3u8   (VLC, ffplay, Safari, any hls.js page)
  Replays          %s/vod/%s/
  Everything above is in %s. Ctrl-C stops.

`, info.RTMP, s.Key, info.RTMP, s.Key, info.HTTP, s.Name, info.HTTP, s.Name, path)
}
