package main

import (
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/livegate/livegate/hls"
	"github.com/livegate/livegate/internal/testipfs"
	"github.com/livegate/livegate/internal/testmedia"
	"github.com/livegate/livegate/internal/tests3"
)

// BenchmarkFirstSegment: first-segment latency of live publishing, from
// the RTMP connection to the first segment listed in the live playlist,
// with the archive on disk only, with archive.s3 (SeaweedFS here) and
// with ipfs (kubo here), whose uploads or adds of the previous
// publication run meanwhile, and with ipfs configured but down (the
// publisher retrying, no node competing for the CPU). The clip is
// sent as fast as the connection takes it, so the figure is livegate's
// own work, not the 2 s of media a segment holds. Reported: p50 and p99.
func BenchmarkFirstSegment(b *testing.B) {
	tags, err := testmedia.Clip()
	if err != nil {
		b.Fatal(err)
	}
	for _, store := range []string{"local", "s3", "ipfs", "ipfs-down"} {
		b.Run(store, func(b *testing.B) {
			cfg := defaultConfig()
			cfg.HTTP, cfg.RTMP, cfg.RTSP, cfg.Data = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0", b.TempDir()
			cfg.ReconnectGrace = 0
			cfg.Streams = testStreams
			cfg.Transcoder.Mode = "none"
			switch store {
			case "s3":
				withS3(tests3.Start(b), nil)(&cfg)
			case "ipfs":
				kubo := testipfs.Start(b)
				cfg.IPFS = IPFSConfig{API: kubo.API, Gateways: []string{kubo.Gateway}}
			case "ipfs-down":
				// kubo configured but not answering: publishing waits and
				// retries beside the live path, with no node taking CPU.
				cfg.IPFS = IPFSConfig{API: "http://127.0.0.1:9"}
			}
			srv, err := newServer(cfg, slog.New(slog.DiscardHandler))
			if err != nil {
				b.Fatal(err)
			}
			if err := srv.Start(); err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			playlist := "http://" + srv.httpAddr() + "/live/demo/source/index.m3u8"
			var lat []time.Duration
			b.ResetTimer()
			for range b.N {
				first := hls.SegmentName(srv.archive.NextSeq("demo"))
				start := time.Now()
				sent := make(chan error, 1)
				go func() { sent <- testmedia.PublishAll(srv.rtmpAddr(), "demo-stream-key", tags) }()
				if !pollFor(10*time.Second, func() bool { return strings.Contains(bodyOf(playlist), first) }) {
					b.Fatalf("segment %s never listed", first)
				}
				lat = append(lat, time.Since(start))
				if err := <-sent; err != nil {
					b.Fatal(err)
				}
				if !pollFor(20*time.Second, func() bool {
					recs := srv.archive.Recordings("demo")
					return !srv.hub.Live("demo") && len(recs) > 0 && !recs[len(recs)-1].Summary().Live
				}) {
					b.Fatal("publication did not end")
				}
			}
			b.StopTimer()
			slices.Sort(lat)
			at := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))]) / float64(time.Millisecond) }
			b.ReportMetric(at(0.5), "p50-ms")
			b.ReportMetric(at(0.99), "p99-ms")
		})
	}
}

// pollFor polls cond every millisecond for at most d.
func pollFor(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(time.Millisecond) {
		if cond() {
			return true
		}
	}
	return false
}

func bodyOf(url string) string {
	resp, err := http.Get(url)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
