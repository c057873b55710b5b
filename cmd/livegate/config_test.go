package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livegate/livegate/hls"
)

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "livegate.yml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const goodConfig = `
http: 127.0.0.1:9000
segment: 4s
streams:
  - name: main-stage
    key: secret-main-key
    pricePerSecond: "0"
  - name: side_room
    key: secret-side-key
`

func TestLoadConfig(t *testing.T) {
	cfg, err := loadConfig(writeConfig(t, goodConfig))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HTTP != "127.0.0.1:9000" || cfg.RTMP != ":1935" || time.Duration(cfg.Segment) != 4*time.Second || cfg.Window != 6 {
		t.Errorf("config %+v", cfg)
	}
	if len(cfg.Streams) != 2 || cfg.Streams[0].PricePerSecond != "0" || cfg.Streams[1].Name != "side_room" {
		t.Errorf("streams %+v", cfg.Streams)
	}
}

func TestConfigEnvironmentOverrides(t *testing.T) {
	t.Setenv("LIVEGATE_HTTP", "127.0.0.1:9999")
	t.Setenv("LIVEGATE_WINDOW", "10")
	t.Setenv("LIVEGATE_RECONNECTGRACE", "1m")
	cfg, err := loadConfig(writeConfig(t, goodConfig))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HTTP != "127.0.0.1:9999" || cfg.Window != 10 || time.Duration(cfg.ReconnectGrace) != time.Minute {
		t.Errorf("overrides not applied: %+v", cfg)
	}
	t.Setenv("LIVEGATE_WINDOW", "ten")
	if _, err := loadConfig(writeConfig(t, goodConfig)); err == nil || !strings.Contains(err.Error(), "LIVEGATE_WINDOW") {
		t.Errorf("bad override: %v", err)
	}
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	stream := "\nstreams:\n  - {name: a, key: long-enough-key}\n"
	for body, want := range map[string]string{
		"segment: soon" + stream:                                                   "not a duration",
		"segment: 90s" + stream:                                                    "segment:",
		"window: 1" + stream:                                                       "window:",
		"http: nowhere" + stream:                                                   "http:",
		"whip: {enabled: true}" + stream:                                           "field whip not found",
		"transcoder: {mode: gpu}" + stream:                                         "transcoder.mode",
		"transcoder: {mode: livepeer}" + stream:                                    "transcoder.livepeer",
		"transcoder: {ladder: [P1080p]}" + stream:                                  "transcoder.ladder",
		"streams:\n  - {name: a, key: long-enough-key, ladder: [nope]}":            "streams[0].ladder",
		"streams:\n  - {name: a, key: long-enough-key, camera: 'http://cam/x'}":    "streams[0].camera",
		"streams:\n  - {name: a, key: long-enough-key, camera: 'rtsp://'}":         "streams[0].camera",
		"chain: {rpc: x}" + stream:                                                 "chain.rpc",
		"chain: {contract: '0x0000000000000000000000000000000000000001'}" + stream: "chain.rpc",
		"chain: {rpc: 'http://127.0.0.1:8545', contract: nope, key: k}" + stream:   "chain.contract",
		"chain: {rpc: 'http://127.0.0.1:8545', contract: '0x0000000000000000000000000000000000000001'}" + stream:                           "chain.key",
		"chain: {rpc: 'http://127.0.0.1:8545', contract: '0x0000000000000000000000000000000000000001', key: k, confirmations: 0}" + stream: "chain.confirmations",
		"streams: []": "streams:",
		"streams:\n  - {name: a/b, key: long-enough-key}":                                        "streams[0].name",
		"streams:\n  - {name: a, key: short}":                                                    "streams[0].key",
		"streams:\n  - {name: a, key: has/a/slash}":                                              "streams[0].key",
		"streams:\n  - {name: a, key: long-enough-key}\n  - {name: a, key: other-long-key}":      "streams[1].name",
		"streams:\n  - {name: a, key: long-enough-key}\n  - {name: b, key: long-enough-key}":     "streams[1].key",
		"streams:\n  - {name: a, key: long-enough-key, pricePerSecond: \"1.5\"}":                 "streams[0].pricePerSecond",
		"streams:\n  - {name: a, key: long-enough-key, pricePerSecond: \"5\"}":                   "needs chain:",
		"streams:\n  - {name: a, key: long-enough-key, previewSeconds: 30}":                      "needs chain:",
		"admin: {token: short}" + stream:                                                         "admin.token",
		"streams:\n  - {name: a, key: long-enough-key, previewSeconds: -1}":                      "streams[0].previewSeconds",
		"trustedProxies: [10.0.0.0/33]" + stream:                                                 "10.0.0.0/33",
		"trustedProxies: [10.0.0.1/8]" + stream:                                                  "did you mean 10.0.0.0/8",
		"trustedProxies: [proxy.example]" + stream:                                               "proxy.example",
		"trustedProxies: 10.0.0.0/8" + stream:                                                    "list of addresses",
		"forwardedHeader: x-real-ip" + stream:                                                    "want x-forwarded-for or forwarded",
		"metrics: {public: maybe}" + stream:                                                      "bool",
		"limits: {conns: -1}" + stream:                                                           "limits.conns",
		"limits: {conns: 10, connsPerClient: 11}" + stream:                                       "limits.connsPerClient",
		"limits: {connsPerClient: 0}" + stream:                                                   "limits.connsPerClient",
		"streams:\n  - {name: a, key: long-enough-key, part: 200ms}":                             "streams[0].part: parts are for a low-latency stream",
		"streams:\n  - {name: a, key: long-enough-key, lowLatency: true, part: 50ms}":            "streams[0].part: part 50ms is outside 100ms–1s",
		"streams:\n  - {name: a, key: long-enough-key, lowLatency: true, part: 2s}":              "streams[0].part: part 2s is outside",
		"segment: 1s\nstreams:\n  - {name: a, key: long-enough-key, lowLatency: true, part: 1s}": "not shorter than the segment",
		"streams:\n  - {name: a, key: long-enough-key, lowLatency: maybe}":                       "bool",
		"streams:\n  - {name: a, key: long-enough-key, lowLatency: true, part: soon}":            "not a duration",
		"ledger: {postgres: 'mysql://x@h/db'}" + stream:                                          "ledger.postgres",
		"ledger: {postgres: 'postgres:///db'}" + stream:                                          "ledger.postgres",
		"ledger: {sqlite: x}" + stream:                                                           "field sqlite not found",
		"archive: {s3: {endpoint: '127.0.0.1:8333', bucket: rec}}" + stream:                      "archive.s3.endpoint",
		"archive: {s3: {endpoint: 'http://h:1/b', bucket: rec}}" + stream:                        "archive.s3.endpoint",
		"archive: {s3: {endpoint: 'http://h:1', bucket: Rec}}" + stream:                          "archive.s3.bucket",
		"archive: {s3: {endpoint: 'http://h:1', bucket: -rec}}" + stream:                         "archive.s3.bucket",
		"archive: {s3: {endpoint: 'http://h:1', bucket: rec, accessKey: a}}" + stream:            "both accessKey and secretKey",
		"cluster: {url: 'http://10.0.0.2:8080'}" + stream:                                        "set ledger.postgres too",
		"cluster: {node: a}" + stream:                                                            "cluster.node: set cluster.url",
		"ipfs: {gateways: ['http://127.0.0.1:8081']}" + stream:                                   "set ipfs.api",
		"ipfs: {api: '127.0.0.1:5001'}" + stream:                                                 "ipfs.api",
		"ipfs: {api: 'http://127.0.0.1:5001', gateways: ['http://g:1/ipfs']}" + stream:           "ipfs.gateways[0]",
		"ipfs: {api: 'http://127.0.0.1:5001', gateways: ['http://g:1', 'ftp://g']}" + stream:     "ipfs.gateways[1]",
		"ipfs: {api: 'http://127.0.0.1:5001', gateways: ['http://g:1/\"x']}" + stream:            "ipfs.gateways[0]",
		"ipfs: {api: 'http://127.0.0.1:5001', publicURL: 'live.example'}" + stream:               "ipfs.publicURL",
		"ipfs: {api: 'http://127.0.0.1:5001', gateways: ['http://localhost:8080']}" + stream:     "subdomain gateways",
		"ledger: {postgres: 'postgres://h/db'}\ncluster: {url: '10.0.0.2:8080'}" + stream:        "cluster.url",
	} {
		_, err := loadConfig(writeConfig(t, body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("config %q: got %v, want an error naming %q", body, err, want)
		}
	}
	if _, err := loadConfig(filepath.Join(t.TempDir(), "missing.yml")); err == nil {
		t.Error("a missing file was accepted")
	}
}

// A stream's own ladder replaces transcoder.ladder; an empty one keeps
// that stream to its source.
func TestPerStreamLadder(t *testing.T) {
	cfg, err := loadConfig(writeConfig(t, `transcoder: {mode: livepeer, livepeer: "http://127.0.0.1:1"}
streams:
  - {name: a, key: long-enough-key-a}
  - {name: b, key: long-enough-key-b, ladder: []}
  - {name: c, key: long-enough-key-c, ladder: [P144p30fps16x9]}
`))
	if err != nil {
		t.Fatal(err)
	}
	tx, err := startTranscoding(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	if !tx.transcodes("a") || len(tx.ladders["a"]) != 2 || tx.transcodes("b") || !tx.transcodes("c") || tx.ladders["c"][0].Name != "P144p30fps16x9" {
		t.Errorf("ladders: %+v", tx.ladders)
	}
}

// A publisher back at another size reaches the transcoder under another
// manifest, so a broadcaster takes its new profiles.
func TestManifestPerSourceSize(t *testing.T) {
	var mu sync.Mutex
	var paths, configs []string
	bc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		paths = append(paths, r.URL.Path)
		configs = append(configs, r.Header.Get("Livepeer-Transcode-Configuration"))
		http.Error(w, "not video", http.StatusUnprocessableEntity)
	}))
	defer bc.Close()
	cfg, err := loadConfig(writeConfig(t, "transcoder: {mode: livepeer, livepeer: \""+bc.URL+"\"}\nstreams:\n  - {name: a, key: long-enough-key-a}\n"))
	if err != nil {
		t.Fatal(err)
	}
	tx, err := startTranscoding(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	for i, size := range [][2]int{{1280, 720}, {1280, 720}, {640, 480}} {
		seg := &hls.Segment{Seq: uint64(i), Duration: 2 * time.Second, Data: []byte("x")}
		_, _ = tx.Transcode(context.Background(), "a", seg, hls.RenditionInfo{Width: size[0], Height: size[1], FrameRate: 30})
	}
	mu.Lock()
	defer mu.Unlock()
	// One manifest while the source keeps its size (and the profiles
	// asked for), another when it changes; each carries this process's
	// random part, so no one else can guess it.
	manifest := func(path string) string { return strings.Split(path, "/")[2] }
	if len(paths) != 3 || manifest(paths[0]) != manifest(paths[1]) || manifest(paths[1]) == manifest(paths[2]) ||
		!strings.HasPrefix(paths[0], "/live/a-"+manifestSalt+"-1280x720-") || !strings.HasSuffix(paths[1], "/1.ts") ||
		!strings.HasPrefix(paths[2], "/live/a-"+manifestSalt+"-640x480-") {
		t.Errorf("paths %v", paths)
	}
	if len(configs) == 3 && (configs[0] != configs[1] || configs[1] == configs[2]) {
		t.Errorf("configurations %v", configs)
	}
}

// trustedProxies, metrics and limits: read from the file, defaulted and
// overridden from the environment like every other key.
func TestConfigProxiesMetricsAndLimits(t *testing.T) {
	cfg, err := loadConfig(writeConfig(t, goodConfig))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.TrustedProxies) != 0 || cfg.Metrics.Public || cfg.Limits.Conns != 0 || cfg.Limits.ConnsPerClient != 512 {
		t.Errorf("defaults: proxies %v, metrics %+v, limits %+v", cfg.TrustedProxies, cfg.Metrics, cfg.Limits)
	}
	cfg, err = loadConfig(writeConfig(t, goodConfig+`
trustedProxies: [10.0.0.0/8, 192.0.2.7, "2001:db8::/32", "::ffff:198.51.100.0/120"]
metrics: {public: true}
limits: {conns: 100, connsPerClient: 10}
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range cfg.TrustedProxies {
		got = append(got, p.String())
	}
	if strings.Join(got, " ") != "10.0.0.0/8 192.0.2.7/32 2001:db8::/32 198.51.100.0/24" {
		t.Errorf("trustedProxies %v", got)
	}
	for addr, want := range map[string]bool{"10.1.2.3": true, "192.0.2.7": true, "192.0.2.8": false, "::ffff:10.9.9.9": true,
		"2001:db8::1": true, "2001:db9::1": false, "198.51.100.9": true, "127.0.0.1": false} {
		if cfg.TrustedProxies.Contains(netip.MustParseAddr(addr)) != want {
			t.Errorf("trustedProxies contains %s: want %v", addr, want)
		}
	}
	if !cfg.Metrics.Public || cfg.Limits.Conns != 100 || cfg.Limits.ConnsPerClient != 10 {
		t.Errorf("metrics %+v, limits %+v", cfg.Metrics, cfg.Limits)
	}

	t.Setenv("LIVEGATE_TRUSTEDPROXIES", "127.0.0.2, 127.0.1.0/24")
	t.Setenv("LIVEGATE_METRICS_PUBLIC", "false")
	t.Setenv("LIVEGATE_LIMITS_CONNSPERCLIENT", "3")
	t.Setenv("LIVEGATE_TRANSCODER_LADDER", "P144p30fps16x9")
	cfg, err = loadConfig(writeConfig(t, goodConfig+"metrics: {public: true}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.TrustedProxies) != 2 || cfg.TrustedProxies[0].String() != "127.0.0.2/32" || cfg.TrustedProxies[1].String() != "127.0.1.0/24" ||
		cfg.Metrics.Public || cfg.Limits.ConnsPerClient != 3 || strings.Join(cfg.Transcoder.Ladder, ",") != "P144p30fps16x9" {
		t.Errorf("environment overrides: proxies %v, metrics %+v, limits %+v, ladder %v", cfg.TrustedProxies, cfg.Metrics, cfg.Limits, cfg.Transcoder.Ladder)
	}
	for name, val := range map[string]string{"LIVEGATE_TRUSTEDPROXIES": "10.0.0.0/8,nope", "LIVEGATE_METRICS_PUBLIC": "yes please"} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(name, val)
			if _, err := loadConfig(writeConfig(t, goodConfig)); err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("%s=%s: %v", name, val, err)
			}
		})
	}
}

// A LIVEGATE_* variable that names no setting stops the server with an
// error naming it, instead of being ignored; the variables read elsewhere
// (LIVEGATE_PPROF) and by tests are left alone.
// ledger.postgres and archive.s3 are read from the file and the
// environment.
func TestConfigLedgerAndArchive(t *testing.T) {
	path := writeConfig(t, "ledger: {postgres: 'postgres://lg@127.0.0.1:5432/livegate'}\n"+
		"archive: {s3: {endpoint: 'http://127.0.0.1:8333', bucket: recordings, region: us-east-1}}\n"+
		"streams:\n  - {name: a, key: long-enough-key}\n")
	t.Setenv("LIVEGATE_ARCHIVE_S3_ACCESSKEY", "ak")
	t.Setenv("LIVEGATE_ARCHIVE_S3_SECRETKEY", "sk")
	cfg, err := loadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	want := S3Config{Endpoint: "http://127.0.0.1:8333", Bucket: "recordings", Region: "us-east-1", AccessKey: "ak", SecretKey: "sk"}
	if cfg.Ledger.Postgres != "postgres://lg@127.0.0.1:5432/livegate" || cfg.Archive.S3 != want {
		t.Errorf("ledger %+v, archive %+v", cfg.Ledger, cfg.Archive)
	}
	cfg.Cluster.URL = "http://10.0.0.2:8080"
	if err := cfg.validate(); err != nil || cfg.Cluster.node() != "10.0.0.2:8080" {
		t.Errorf("a cluster node with the shared ledger: %v, named %q", err, cfg.Cluster.node())
	}
	if d := defaultConfig(); d.Ledger.Postgres != "" || d.Archive.S3.Endpoint != "" {
		t.Errorf("by default the ledger is embedded and there is no object store: %+v %+v", d.Ledger, d.Archive)
	}
}

func TestConfigRefusesUnknownEnvironmentVariables(t *testing.T) {
	t.Setenv("LIVEGATE_PPROF", "127.0.0.1:6060")
	t.Setenv("LIVEGATE_SCREENSHOTS", t.TempDir())
	if _, err := loadConfig(writeConfig(t, goodConfig)); err != nil {
		t.Fatalf("variables that are not settings: %v", err)
	}
	for _, bad := range []string{"LIVEGATE_HTPP", "LIVEGATE_CHAIN_RCP", "LIVEGATE_STREAMS", "LIVEGATE_ADMIN", "LIVEGATE_METRICS_PUBLIC_X"} {
		t.Run(bad, func(t *testing.T) {
			t.Setenv(bad, "x")
			_, err := loadConfig(writeConfig(t, goodConfig))
			if err == nil || !strings.Contains(err.Error(), bad) {
				t.Errorf("%s set: %v, want an error naming it", bad, err)
			}
		})
	}
	// Two at once are both named.
	t.Setenv("LIVEGATE_WINDOWS", "3")
	t.Setenv("LIVEGATE_SEGMENTS", "3s")
	if _, err := loadConfig(writeConfig(t, goodConfig)); err == nil ||
		!strings.Contains(err.Error(), "LIVEGATE_SEGMENTS, LIVEGATE_WINDOWS") {
		t.Errorf("two misspellings: %v", err)
	}
}

// lowLatency and part are per stream; part defaults to 200 ms in hls.
func TestLowLatencyConfig(t *testing.T) {
	cfg, err := loadConfig(writeConfig(t, `streams:
  - {name: a, key: long-enough-key-a, lowLatency: true}
  - {name: b, key: long-enough-key-b, lowLatency: true, part: 250ms}
  - {name: c, key: long-enough-key-c}
`))
	if err != nil {
		t.Fatal(err)
	}
	got := []StreamConfig{cfg.Streams[0], cfg.Streams[1], cfg.Streams[2]}
	if !got[0].LowLatency || got[0].Part != 0 || !got[1].LowLatency || got[1].Part != Duration(250*time.Millisecond) || got[2].LowLatency {
		t.Errorf("streams: %+v", got)
	}
}
