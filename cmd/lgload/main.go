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
//	go run ./cmd/lgload --livegate ./bin/livegate [--scenario all] [--viewers 2000]
//
// It starts everything itself and prints a report; BENCHMARKS.md records
// its figures.
package main

import (
	"context"
	"crypto/ecdsa"
	"flag"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/chain"
	"github.com/livegate/livegate/chain/devchain"
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
}

func main() {
	var o options
	flag.StringVar(&o.livegate, "livegate", "./bin/livegate", "the livegate binary to measure (make build)")
	flag.StringVar(&o.scenario, "scenario", "all", "throughput, viewers, renditions, whip, topups or all")
	flag.IntVar(&o.viewers, "viewers", 2000, "paying viewers in the viewers scenario")
	flag.IntVar(&o.publishers, "publishers", whipPublishers, "WHIP publishers in the whip scenario (at most 10)")
	flag.IntVar(&o.clients, "clients", 32, "concurrent clients in the throughput and topups scenarios")
	flag.DurationVar(&o.duration, "duration", 8*time.Second, "length of each throughput and topups round")
	flag.IntVar(&o.rounds, "rounds", 6, "throughput rounds, free and paid alternating (even, 2 to 40)")
	flag.DurationVar(&o.watchTime, "watch", 40*time.Second, "how long the viewers watch, and the renditions stream runs")
	flag.StringVar(&o.work, "dir", "", "working directory (default: a new temporary one)")
	flag.StringVar(&clipPath, "clip", "", "an FLV clip to publish in a loop (default: 6 s of 720p30 at 4 Mb/s made with ffmpeg, as OBS sends; testdata/clip.flv without ffmpeg)")
	flag.IntVar(&readSize, "read", 0, "bytes a client reads of a segment per call (default: io.Copy's 8 KB)")
	flag.Parse()
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
}

func startServer(o options, w *world) (*server, error) {
	dir := o.work
	s := &server{base: "http://" + freeAddr(), rtmp: freeAddr(), data: filepath.Join(dir, "data"), admin: "lgload-admin-token-0123456789"}
	keyFile := filepath.Join(dir, "payee.key")
	if err := crypto.SaveECDSA(keyFile, w.payee); err != nil {
		return nil, err
	}
	cfg := fmt.Sprintf(`http: %s
rtmp: %s
rtsp: %s
data: %s
window: 6
reconnectGrace: 0s
chain: {rpc: %s, contract: "%s", key: %s, confirmations: 1, fromBlock: 1}
admin: {token: %s}
transcoder: {mode: local}
streams:
  - {name: paid, key: paid-stream-key, pricePerSecond: "%d", ladder: []}
  - {name: free, key: free-stream-key, ladder: []}
  - {name: tx, key: tx-stream-key}
`, strings.TrimPrefix(s.base, "http://"), s.rtmp, freeAddr(), s.data, w.dev.URL, w.client.Address.Hex(), keyFile, s.admin, pricePerSecond)
	for i := range whipPublishers {
		cfg += fmt.Sprintf("  - {name: w%d, key: whip-stream-key-%d, ladder: []}\n", i, i)
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

// rss is the server's resident memory, from /proc.
func (s *server) rss() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
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
	err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-t", "6", "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "4000k", "-maxrate", "4000k", "-bufsize", "8000k",
		"-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-f", "flv", out).Run()
	if err != nil {
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
	if clipPath == "" {
		clipPath = makeClip(o.work)
	}
	ctx := context.Background()
	want := func(s string) bool { return o.scenario == "all" || o.scenario == s }
	n := o.clients * 2
	if want("viewers") {
		n = max(n, o.viewers)
	}
	fmt.Printf("lgload: %d CPUs, Go %s; opening %d channels on a dev chain...\n", runtime.NumCPU(), runtime.Version(), n)
	t0 := time.Now()
	w, err := newWorld(ctx, n)
	if err != nil {
		return err
	}
	defer func() { _ = w.dev.Close() }()
	fmt.Printf("lgload: chain ready in %v\n", time.Since(t0).Round(time.Millisecond))
	srv, err := startServer(o, w)
	if err != nil {
		return err
	}
	defer srv.stop() // stop is idempotent
	slog.SetDefault(slog.New(slog.DiscardHandler))
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
		srv.stop()
		l, err := paywall.OpenBoltLedger(filepath.Join(srv.data, "ledger.db"))
		if err != nil {
			return err
		}
		defer func() { _ = l.Close() }()
		short := 0
		for i, amount := range acked {
			acc := l.Account(w.channels[i])
			if acc.Paid().Cmp(big.NewInt(amount)) < 0 {
				short++
			}
		}
		fmt.Printf("ledger on disk after stopping the server: %d of %d channels hold their last acknowledged voucher\n", len(acked)-short, len(acked))
	}
	return nil
}
