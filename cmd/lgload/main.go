// Command lgload measures livegate under load, against a real `livegate
// serve` process on loopback, with a dev chain and paying viewers that
// each hold their own payment channel:
//
//	throughput  segments per second, ungated and gated, side by side
//	viewers     N viewers watching a live paid stream: errors, time to
//	            first byte, server memory per session
//	renditions  a 720p30 stream transcoded by the local ffmpeg transcoder
//	            with the default ladder: how long after its source segment
//	            each rendition's segment goes live
//	whip        N WHIP publishers (pion, as OBS or a browser): glass to
//	            playlist latency, server CPU per publisher
//	topups      vouchers per second through POST /pay/{stream}/voucher,
//	            then checked on disk
//
// and issue 16's, each on a livegate serve of its own:
//
//	segments    an encrypted live and a recorded segment from livegate and
//	            from an nginx serving the same bytes, wrk side by side
//	keys        first-time paid keys per second, the ledger's spent
//	            checked on disk against the prices of the keys sold; with
//	            --postgres, again on the PostgreSQL ledger, side by side
//	audience    N paying viewers, each from its own loopback address,
//	            through an nginx proxy_cache in front of livegate: errors,
//	            key latency, origin requests per segment, memory
//
// and issue 17's (named only, not in all):
//
//	latency     ingest-to-playback delay in hls.js (headless Chromium),
//	            livegate and MediaMTX (--mediamtx) side by side on one
//	            ffmpeg encode sent to both
//	llviewers   --clients low-latency viewers of one stream, each on a
//	            blocking reload then the part: errors, answer delays
//	            after a part is ready, server CPU
//
//	go run ./cmd/lgload --livegate ./bin/livegate [--scenario all|name,name] [--viewers 2000]
//
// It starts everything itself (nginx and wrk from the system for
// segments and audience) and prints a report; BENCHMARKS.md records its
// figures.
package main

import (
	"context"
	"crypto/ecdsa"
	"flag"
	"fmt"
	"log/slog"
	"maps"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/chain"
	"github.com/livegate/livegate/chain/devchain"
	"github.com/livegate/livegate/internal/testbrowser"
	"github.com/livegate/livegate/internal/testpg"
	"github.com/livegate/livegate/paywall"
)

type options struct {
	livegate   string
	scenario   string
	viewers    int
	publishers int
	clients    int
	duration   time.Duration
	rounds     int
	watchTime  time.Duration
	work       string
	// issue 16's scenarios
	conns     []int
	wrkTime   time.Duration
	wrkRounds int
	profile   string
	arrive    time.Duration
	keepalive int
	nopush    bool
	segNopush bool
	// issue 17's scenarios
	mediamtx   string
	lowLatency bool
	warmup     time.Duration
	hlsjs      string
	joins      int
	catchup    float64
	// issue 18's
	postgres string // --postgres: a URL, or "start"
	ledger   string // the server's ledger.postgres (keys' second run)
}

func main() {
	var o options
	flag.StringVar(&o.livegate, "livegate", "./bin/livegate", "the livegate binary to measure (make build)")
	flag.StringVar(&o.scenario, "scenario", "all", "throughput, viewers, renditions, whip, topups, segments, keys, audience, or all; latency, llviewers (not in all); several comma-separated")
	flag.IntVar(&o.viewers, "viewers", 2000, "paying viewers in the viewers and audience scenarios")
	flag.IntVar(&o.publishers, "publishers", whipPublishers, "WHIP publishers in the whip scenario (at most 10)")
	flag.IntVar(&o.clients, "clients", 32, "concurrent clients in the throughput, topups and keys scenarios; viewers in llviewers")
	flag.DurationVar(&o.duration, "duration", 8*time.Second, "length of each throughput and topups round, and of the keys run")
	flag.IntVar(&o.rounds, "rounds", 6, "throughput rounds, free and paid alternating (even, 2 to 40)")
	flag.DurationVar(&o.watchTime, "watch", 40*time.Second, "how long the viewers (and the audience) watch, and the renditions stream runs")
	flag.DurationVar(&o.arrive, "arrive", 20*time.Second, "over how long the audience scenario's viewers arrive")
	flag.IntVar(&o.keepalive, "keepalive", 0, "audience: idle connections nginx keeps to livegate in an upstream block (0: the snippet as `livegate dev` prints it, none)")
	flag.BoolVar(&o.nopush, "nopush", true, "audience: tcp_nopush in nginx's http block (Debian's nginx.conf sets it around conf.d)")
	flag.BoolVar(&o.segNopush, "segnopush", false, "audience: tcp_nopush off in the segment location (what the dev snippet could carry against Debian's tcp_nopush on)")
	conns := flag.String("conns", "200,1000", "wrk connection counts in the segments scenario")
	flag.DurationVar(&o.wrkTime, "wrktime", 10*time.Second, "length of each wrk run in the segments scenario")
	flag.IntVar(&o.wrkRounds, "wrkrounds", 3, "rounds of the segments scenario (each: every connection count, live and recorded, nginx and livegate)")
	flag.StringVar(&o.profile, "profile", "", "a directory for livegate's CPU profiles (segments: the first round's runs; keys: the run)")
	flag.StringVar(&o.work, "dir", "", "working directory (default: a new temporary one)")
	flag.StringVar(&o.mediamtx, "mediamtx", "", "latency: the MediaMTX binary to compare with (BENCHMARKS.md, issue 17: how to build it)")
	flag.BoolVar(&o.lowLatency, "lowlatency", true, "latency: livegate's stream is lowLatency: true, part: 200ms (false: its MPEG-TS, for a livegate without low-latency HLS)")
	flag.DurationVar(&o.warmup, "warmup", 20*time.Second, "latency: how long both players play before the samples")
	flag.IntVar(&o.joins, "joins", 1, "latency: how many times the page opens both players afresh, each for --warmup then --watch")
	flag.Float64Var(&o.catchup, "catchup", 1, "latency: hls.js's maxLiveSyncPlaybackRate (1, its default: a player never speeds up to reach its target latency)")
	flag.StringVar(&o.hlsjs, "hlsjs", filepath.Join(testbrowser.RepoRoot(), "node_modules", "hls.js", "dist", "hls.min.js"), "latency: the hls.min.js the page plays with (npm ci)")
	flag.StringVar(&o.postgres, "postgres", "", `keys: run it again with the PostgreSQL ledger: the URL of an empty database, or "start" for a throwaway PostgreSQL 15 cluster (Debian's initdb, as the tests run it)`)
	flag.StringVar(&clipPath, "clip", "", "an FLV clip to publish in a loop (default: 6 s of 720p30 at 4 Mb/s made with ffmpeg, as OBS sends; testdata/clip.flv without ffmpeg)")
	flag.IntVar(&readSize, "read", 0, "bytes a client reads of a segment per call (default: io.Copy's 8 KB)")
	flag.Parse()
	for _, c := range strings.Split(*conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n < 1 {
			fmt.Fprintln(os.Stderr, "lgload: --conns: want connection counts like 200,1000")
			os.Exit(2)
		}
		o.conns = append(o.conns, n)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "lgload:", err)
		os.Exit(1)
	}
}

const (
	pricePerSecond = 1000                  // wei
	deposit        = 1_000_000_000_000_000 // wei per viewer channel
)

// world is the dev chain with the contract and one funded channel per
// simulated viewer.
type world struct {
	dev      *devchain.Chain
	client   *chain.Client
	payee    *ecdsa.PrivateKey
	keys     []*ecdsa.PrivateKey
	channels []common.Hash
}

func newWorld(ctx context.Context, n int) (*world, error) {
	w := &world{}
	w.payee, _ = crypto.GenerateKey()
	rich := new(big.Int).Lsh(big.NewInt(1), 90)
	alloc := types.GenesisAlloc{crypto.PubkeyToAddress(w.payee.PublicKey): {Balance: rich}}
	for range n {
		k, _ := crypto.GenerateKey()
		w.keys = append(w.keys, k)
		alloc[crypto.PubkeyToAddress(k.PublicKey)] = types.Account{Balance: rich}
	}
	var err error
	if w.dev, err = devchain.Start(devchain.Config{Addr: "127.0.0.1:0", Alloc: alloc}); err != nil {
		return nil, err
	}
	if w.client, err = chain.Deploy(ctx, w.dev.Client, w.payee, nil); err != nil {
		return nil, err
	}
	w.channels = make([]common.Hash, n)
	payee := crypto.PubkeyToAddress(w.payee.PublicKey)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	next := make(chan int)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				k := w.keys[i]
				id, _, err := w.client.Open(ctx, k, crypto.PubkeyToAddress(k.PublicKey), payee, time.Now().Add(48*time.Hour), big.NewInt(deposit))
				if err != nil {
					errs <- err
					return
				}
				w.channels[i] = id
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, fmt.Errorf("opening channels: %w", err)
	}
	return w, nil
}

func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// server is the livegate serve process under test.
type server struct {
	cmd     *exec.Cmd
	base    string
	rtmp    string
	data    string
	admin   string
	logFile *os.File
	stopped bool
	pprof   string // its profiling listener (LIVEGATE_PPROF) with --profile
	ledger  string // its ledger.postgres; empty: the embedded ledger
}

// serverConf is what differs between the servers lgload starts: the
// scenarios of issue 16 each start their own, with a fresh ledger.
type serverConf struct {
	dir    string // its config, data and log
	window int    // live window, in segments
	extra  string // more livegate.yml, top level
}

func startServer(o options, w *world, sc serverConf) (*server, error) {
	dir := sc.dir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	s := &server{base: "http://" + freeAddr(), rtmp: freeAddr(), data: filepath.Join(dir, "data"), admin: "lgload-admin-token-0123456789"}
	keyFile := filepath.Join(dir, "payee.key")
	if err := crypto.SaveECDSA(keyFile, w.payee); err != nil {
		return nil, err
	}
	cfg := fmt.Sprintf(`http: %s
rtmp: %s
rtsp: %s
data: %s
window: %d
reconnectGrace: 0s
chain: {rpc: %s, contract: "%s", key: %s, confirmations: 1, fromBlock: 1}
admin: {token: %s}
transcoder: {mode: local}
streams:
  - {name: paid, key: paid-stream-key, pricePerSecond: "%d", ladder: []}
  - {name: free, key: free-stream-key, ladder: []}
  - {name: tx, key: tx-stream-key}
`, strings.TrimPrefix(s.base, "http://"), s.rtmp, freeAddr(), s.data, sc.window, w.dev.URL, w.client.Address.Hex(), keyFile, s.admin, pricePerSecond)
	for i := range whipPublishers {
		cfg += fmt.Sprintf("  - {name: w%d, key: whip-stream-key-%d, ladder: []}\n", i, i)
	}
	cfg += sc.extra
	if o.ledger != "" {
		cfg += fmt.Sprintf("ledger: {postgres: %q}\n", o.ledger)
		s.ledger = o.ledger
	}
	path := filepath.Join(dir, "livegate.yml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	var err error
	if s.logFile, err = os.Create(filepath.Join(dir, "livegate.log")); err != nil {
		return nil, err
	}
	s.cmd = exec.Command(o.livegate, "serve", "--config", path)
	s.cmd.Env = os.Environ() // LIVEGATE_PPROF=127.0.0.1:6060 profiles the server
	if o.profile != "" {
		s.pprof = freeAddr()
		s.cmd.Env = append(s.cmd.Env, "LIVEGATE_PPROF="+s.pprof)
	}
	s.cmd.Stdout, s.cmd.Stderr = s.logFile, s.logFile
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", o.livegate, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(s.base + "/healthz"); err == nil {
			resp.Body.Close()
			return s, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil, fmt.Errorf("livegate serve did not come up; see %s", s.logFile.Name())
}

func (s *server) stop() {
	if s.stopped {
		return
	}
	s.stopped = true
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	s.logFile.Close()
}

// onDisk stops the server, opens its ledger (file, or database) and
// hands f the account of each channel named (by its index in the world):
// what was durably recorded.
func (s *server) onDisk(w *world, channels []int, f func(i int, acc paywall.Account)) error {
	s.stop()
	var l paywall.Ledger
	var err error
	if s.ledger != "" {
		l, err = paywall.OpenPGLedger(context.Background(), s.ledger)
	} else {
		l, err = paywall.OpenBoltLedger(filepath.Join(s.data, "ledger.db"))
	}
	if err != nil {
		return err
	}
	defer func() { _ = l.Close() }()
	for _, i := range channels {
		f(i, l.Account(w.channels[i]))
	}
	return nil
}

// encodeClip encodes 6 s of test pattern and tone at 30 fps, 2 s GOPs,
// video at a constant kbit/s, as an FLV file.
func encodeClip(out, size string, video, audio int) error {
	v := strconv.Itoa(video) + "k"
	return exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=size="+size+":rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-t", "6", "-c:v", "libx264", "-preset", "ultrafast", "-b:v", v, "-maxrate", v, "-bufsize", strconv.Itoa(2*video)+"k",
		"-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", strconv.Itoa(audio)+"k", "-f", "flv", out).Run()
}

// rss is the server's resident memory, from /proc.
func (s *server) rss() int64 { return pidRSS(s.cmd.Process.Pid) }

// pidRSS is a process's resident memory, from /proc.
func pidRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb int64
			_, _ = fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
			return kb * 1024
		}
	}
	return 0
}

// makeClip encodes 6 s of 720p30 test pattern at 4 Mb/s with AAC, the
// segment size a streamer's OBS produces, so per-request costs weigh what
// they weigh in production. Without ffmpeg it falls back to the small
// testdata clip (and says so).
func makeClip(dir string) string {
	out := filepath.Join(dir, "clip720.flv")
	if err := encodeClip(out, "1280x720", 4000, 128); err != nil {
		fmt.Printf("lgload: no ffmpeg (%v): publishing testdata/clip.flv (640x360, 300 kb/s)\n", err)
		return ""
	}
	fmt.Println("lgload: publishing 720p30 at 4 Mb/s (2 s segments of about 1 MB)")
	return out
}

func run(o options) error {
	if o.work == "" {
		dir, err := os.MkdirTemp("", "lgload-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		o.work = dir
	}
	if err := os.MkdirAll(o.work, 0o700); err != nil {
		return err
	}
	chosen := map[string]bool{}
	for _, s := range strings.Split(o.scenario, ",") {
		chosen[strings.TrimSpace(s)] = true
	}
	want := func(s string) bool { return chosen["all"] || chosen[s] }
	only17 := true // only issue 17's scenarios: free streams, no channels
	for s := range chosen {
		only17 = only17 && (s == "latency" || s == "llviewers")
	}
	if clipPath == "" && (want("throughput") || want("viewers") || want("renditions") || want("whip") || want("topups") || want("segments") || want("keys")) {
		clipPath = makeClip(o.work)
	}
	ctx := context.Background()
	raiseFileLimit()
	n := o.clients*2 + 1
	if only17 {
		n = 1 // the server needs its chain, not channels
	}
	if want("viewers") || want("audience") {
		n = max(n, o.viewers+1)
	}
	fmt.Printf("lgload: %d CPUs, Go %s; opening %d channels on a dev chain...\n", runtime.NumCPU(), runtime.Version(), n)
	t0 := time.Now()
	w, err := newWorld(ctx, n)
	if err != nil {
		return err
	}
	defer func() { _ = w.dev.Close() }()
	fmt.Printf("lgload: chain ready in %v\n", time.Since(t0).Round(time.Millisecond))
	slog.SetDefault(slog.New(slog.DiscardHandler))
	if want("throughput") || want("viewers") || want("renditions") || want("whip") || want("topups") {
		if err := shared(ctx, o, w, want); err != nil {
			return err
		}
	}
	// Issue 16's scenarios: each on a server of its own.
	if want("segments") {
		if err := segments(o, w); err != nil {
			return err
		}
	}
	if want("keys") {
		if err := keys(ctx, o, w); err != nil {
			return err
		}
		if o.postgres != "" {
			if err := keysOnPostgres(ctx, o, w); err != nil {
				return err
			}
		}
	}
	if want("audience") {
		if err := audience(o, w); err != nil {
			return err
		}
	}
	// Issue 17's: named only (latency needs --mediamtx).
	if chosen["latency"] {
		if err := latency(o, w); err != nil {
			return err
		}
	}
	if chosen["llviewers"] {
		if err := llViewers(o, w); err != nil {
			return err
		}
	}
	return nil
}

// keysOnPostgres runs the keys scenario again, its server on the
// PostgreSQL ledger (issue 18), in a directory of its own.
func keysOnPostgres(ctx context.Context, o options, w *world) error {
	o.ledger = o.postgres
	if o.postgres == "start" {
		pg, err := testpg.Start()
		if err != nil {
			return fmt.Errorf("--postgres start: %w", err)
		}
		defer pg.Stop()
		if o.ledger, err = pg.NewDatabase(); err != nil {
			return err
		}
	}
	o.work = filepath.Join(o.work, "postgres")
	fmt.Printf("\n== keys again, on the PostgreSQL ledger (%s)\n", strings.TrimPrefix(o.ledger[strings.LastIndexByte(o.ledger, '@')+1:], "//"))
	return keys(ctx, o, w)
}

// shared runs the scenarios before issue 16's, one after the other on
// one server.
func shared(ctx context.Context, o options, w *world, want func(string) bool) error {
	srv, err := startServer(o, w, serverConf{dir: o.work, window: 6})
	if err != nil {
		return err
	}
	defer srv.stop() // stop is idempotent
	if want("throughput") {
		if err := throughput(ctx, o, w, srv); err != nil {
			return err
		}
	}
	if want("viewers") {
		if err := viewers(ctx, o, w, srv); err != nil {
			return err
		}
	}
	if want("renditions") {
		if err := renditions(o, srv); err != nil {
			return err
		}
	}
	if want("whip") {
		if err := whipLoad(o, srv, min(max(o.publishers, 1), whipPublishers)); err != nil {
			return err
		}
	}
	if want("topups") {
		acked, err := topups(ctx, o, w, srv)
		if err != nil {
			return err
		}
		// Durably recorded: stop the server and read its ledger from disk.
		short := 0
		err = srv.onDisk(w, slices.Collect(maps.Keys(acked)), func(i int, acc paywall.Account) {
			if acc.Paid().Cmp(big.NewInt(acked[i])) < 0 {
				short++
			}
		})
		if err != nil {
			return err
		}
		fmt.Printf("ledger on disk after stopping the server: %d of %d channels hold their last acknowledged voucher\n", len(acked)-short, len(acked))
	}
	return nil
}
