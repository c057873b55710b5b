package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/livegate/livegate/internal/testmedia"
	"github.com/livegate/livegate/paywall"
)

// audience has N paying viewers watch one live priced stream through an
// nginx proxy_cache in front of livegate, configured as the snippet
// `livegate dev` prints: segments from nginx's cache, everything else
// (playlists, keys, the pay API) passed through to livegate with
// X-Forwarded-For. livegate trusts 127.0.0.1 (nginx) as its proxy, so
// each viewer, on a loopback address of its own (127.a.b.1, a /24 each),
// is a viewer of its own to the gate. The stream is a small rendition
// (320x180, 200 kb/s) so that loopback carries N viewers.
//
// Each viewer opens a session with 30 s of credit, then every 2 s, as a
// player does: fetches the tokenized media playlist, each new segment
// (public, from nginx) and its key (through nginx to livegate), checks
// that the key decrypts the segment, and tops up with a Livegate-Voucher
// header when credit runs low.
func audience(o options, w *world) error {
	if _, err := exec.LookPath(nginxBin); err != nil {
		return fmt.Errorf("the audience scenario needs nginx: %w", err)
	}
	n := o.viewers
	dir := filepath.Join(o.work, "audience")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tags, err := smallClip(dir)
	if err != nil {
		return err
	}
	srv, err := startServer(o, w, serverConf{dir: dir, window: 6,
		extra: "limits: {connsPerClient: 4096, conns: 16384}\ntrustedProxies: [127.0.0.1/32]\n"})
	if err != nil {
		return err
	}
	defer srv.stop()
	ngx, err := startNginx(filepath.Join(dir, "nginx"), cacheConf(dir, strings.TrimPrefix(srv.base, "http://"), o.keepalive, o.nopush, o.segNopush))
	if err != nil {
		return err
	}
	defer ngx.stop()
	upstream := "as `livegate dev` prints it (no upstream keepalive)"
	if o.keepalive > 0 {
		upstream = fmt.Sprintf("with an upstream block holding %d idle connections to livegate", o.keepalive)
	}
	upstream += fmt.Sprintf(", sendfile on, tcp_nopush %v", map[bool]string{true: "on", false: "off"}[o.nopush])
	if o.segNopush {
		upstream += " (off in the segment location)"
	}
	fmt.Printf("\n== audience: %d paying viewers for %v (arriving over %v) through nginx proxy_cache %s\n", n, o.watchTime, o.arrive, upstream)
	stopPublisher := goLive(tags, srv.rtmp, "paid-stream-key")
	defer stopPublisher()
	if err := waitLive(srv, "paid", 2); err != nil {
		return err
	}
	fmt.Printf("livegate %s behind nginx %s\n", srv.base, ngx.base)
	if err := forwardedProbe(ngx, w, n); err != nil {
		return err
	}
	lgRSS0, ngxRSS0 := srv.rss(), ngx.rss()
	const credit = 30 * pricePerSecond
	var (
		keyLat, segLat, plLat   = &latencies{}, &latencies{}, &latencies{}
		sessions, keys, segs    atomic.Int64
		sessionErr, playlistErr atomic.Int64
		segErr, keyErr, key402  atomic.Int64
		undecryptable, topups   atomic.Int64
		lgPeak, ngxPeak         atomic.Int64
		wg                      sync.WaitGroup
		charged                 = make([]big.Int, n) // prices of the keys each viewer received
	)
	start := time.Now()
	watchEnds := start.Add(o.arrive + o.watchTime)
	cpu0 := cpuShares(srv, ngx)
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for time.Now().Before(watchEnds) {
			lgPeak.Store(max(lgPeak.Load(), srv.rss()))
			ngxPeak.Store(max(ngxPeak.Load(), ngx.rss()))
			time.Sleep(500 * time.Millisecond)
		}
	}()
	for v := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(v) * o.arrive / time.Duration(n))
			c := viewerClient(viewerAddr(v))
			defer c.CloseIdleConnections()
			paid := int64(credit)
			body, err := w.voucherJSON(v, big.NewInt(paid))
			if err != nil {
				sessionErr.Add(1)
				return
			}
			code, out, err := postJSONVia(c, ngx.base+"/pay/paid/session", "", body)
			if err != nil || code != http.StatusOK {
				sessionErr.Add(1)
				return
			}
			sessions.Add(1)
			tok := url.QueryEscape(out["token"].(string))
			var spent int64
			last := -1
			for round := 0; round < 100_000 && time.Now().Before(watchEnds); round++ {
				tick := time.Now()
				code, pl, err := fetchBodyVia(c, ngx.base+"/live/paid/source/index.m3u8?token="+tok)
				plLat.add(time.Since(tick))
				if err != nil || code != http.StatusOK {
					playlistErr.Add(1)
				}
				ks := keyedSegments(pl)
				if last < 0 && len(ks) > 2 {
					ks = ks[len(ks)-2:] // join near the live edge
				}
				for _, k := range ks {
					seq := seqOf(k.uri)
					if seq <= last {
						continue
					}
					t0 := time.Now()
					code, seg, err := fetchBodyVia(c, ngx.base+"/live/paid/source/"+k.uri)
					segLat.add(time.Since(t0))
					if err != nil || code != http.StatusOK {
						segErr.Add(1)
						continue
					}
					segs.Add(1)
					var hdr []string
					if paid-spent < 3*2100 { // running low: the next voucher rides on this key request
						paid += credit
						hdr = []string{"Livegate-Voucher", w.voucherHeader(v, big.NewInt(paid))}
						topups.Add(1)
					}
					t0 = time.Now()
					code, key, price, err := fetchKeyVia(c, ngx.base+k.key, hdr...)
					keyLat.add(time.Since(t0))
					switch {
					case err != nil:
						keyErr.Add(1)
						continue
					case code == http.StatusPaymentRequired:
						key402.Add(1)
						continue
					case code != http.StatusOK:
						keyErr.Add(1)
						continue
					}
					keys.Add(1)
					charged[v].Add(&charged[v], price)
					spent += price.Int64()
					if !decryptsToTS(seg, key, k.iv) {
						undecryptable.Add(1)
					}
					last = seq
				}
				if wait := 2*time.Second - time.Since(tick); wait > 0 {
					time.Sleep(wait)
				}
			}
		}()
	}
	wg.Wait()
	<-sampled
	took := time.Since(start)
	cpu := cpuShares(srv, ngx).minus(cpu0)
	fmt.Printf("sessions %d of %d; playlists %d, segments %d, keys %d (%.0f keys/s over the watch), top-ups %d\n",
		sessions.Load(), n, plLat.len(), segs.Load(), keys.Load(), float64(keys.Load())/took.Seconds(), topups.Load())
	fmt.Printf("errors: sessions %d, playlists %d, segments %d, keys %d, keys refused with 402 %d, keys that did not decrypt their segment %d\n",
		sessionErr.Load(), playlistErr.Load(), segErr.Load(), keyErr.Load(), key402.Load(), undecryptable.Load())
	for _, l := range []struct {
		name string
		l    *latencies
	}{{"key (nginx → livegate)", keyLat}, {"segment (nginx cache)", segLat}, {"playlist (nginx → livegate)", plLat}} {
		fmt.Printf("%-28s p50 %-10v p90 %-10v p99 %-10v max %v\n", l.name, l.l.q(0.5), l.l.q(0.9), l.l.q(0.99), l.l.q(1))
	}
	fmt.Printf("CPU over the watch, in cores: livegate %.2f, nginx %.2f, lgload (the %d viewers) %.2f; the machine busy %.2f of %d, stolen %.2f\n",
		cpu.server/took.Seconds(), cpu.nginx/took.Seconds(), n, cpu.own/took.Seconds(),
		cpu.busy/took.Seconds(), numCPU(), cpu.steal/took.Seconds())
	fmt.Printf("RSS: livegate %d MiB before the viewers, %d MiB peak; nginx (master and workers) %d MiB before, %d MiB peak\n",
		lgRSS0>>20, lgPeak.Load()>>20, ngxRSS0>>20, ngxPeak.Load()>>20)
	stopPublisher()
	ngx.stop() // flushes its log
	if err := originRequests(filepath.Join(ngx.dir, "segments.log")); err != nil {
		return err
	}
	differ := 0
	err = srv.onDisk(w, firstN(n), func(v int, acc paywall.Account) {
		if acc.Spent.Cmp(&charged[v]) != 0 {
			differ++
		}
	})
	if err != nil {
		return err
	}
	fmt.Printf("ledger on disk after stopping the server: %d of %d viewers' channels hold spent = the prices of the keys they received\n", n-differ, n)
	return nil
}

// cacheConf is the snippet `livegate dev` prints (cmd/livegate/dev.go,
// nginxSnippet), its cache in dir, with an access log of segment
// requests: the cache's verdict, the answer, the URI and the upstream
// address ("-" when the cache answered). keepalive > 0 adds an upstream
// block holding that many idle connections to livegate. nopush sets
// tcp_nopush for the http block, as Debian's nginx.conf does around the
// snippet (sendfile on; tcp_nopush on); segNopush sets it off in the
// segment location.
func cacheConf(dir, origin string, keepalive int, nopush, segNopush bool) string {
	upstream, pass := "", origin
	if nopush {
		upstream = "    tcp_nopush on;\n"
	}
	if keepalive > 0 {
		upstream += fmt.Sprintf("    upstream livegate_origin { server %s; keepalive %d; }\n", origin, keepalive)
		pass = "livegate_origin"
	}
	segment := ""
	if segNopush {
		segment = "\n            tcp_nopush off;"
	}
	return upstream + `    log_format origin '$upstream_cache_status $status $uri $upstream_addr';
    proxy_cache_path ` + filepath.Join(dir, "cache") + ` levels=1:2 keys_zone=livegate:10m max_size=2g inactive=10m use_temp_path=off;
    server {
        listen LISTEN backlog=4096;
        location ~ \.ts$ {
            proxy_pass http://` + pass + `;
            proxy_cache livegate;
            proxy_cache_lock on;
            proxy_cache_lock_timeout 5s;
            proxy_cache_valid 200 10m;` + segment + `
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For $remote_addr;
            access_log ` + filepath.Join(dir, "nginx", "segments.log") + ` origin buffer=256k flush=1s;
        }
        location / {
            proxy_pass http://` + pass + `;
            proxy_buffering off;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For $remote_addr;
        }
    }`
}

// originRequests reads nginx's segment log: how many requests nginx
// answered, how many it fetched from livegate, per segment.
func originRequests(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	status := map[string]int{}
	upstream := map[string]int{} // segment URI → fetches from livegate
	total := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fl := strings.Fields(sc.Text())
		if len(fl) < 4 {
			continue
		}
		total++
		status[fl[0]+" "+fl[1]]++
		if fl[3] != "-" {
			upstream[fl[2]]++
		} else if _, ok := upstream[fl[2]]; !ok {
			upstream[fl[2]] = 0
		}
	}
	fetches, most := 0, 0
	for _, c := range upstream {
		fetches += c
		most = max(most, c)
	}
	var verdicts []string
	for k, c := range status {
		verdicts = append(verdicts, fmt.Sprintf("%s: %d", k, c))
	}
	slices.Sort(verdicts)
	fmt.Printf("nginx's segment log: %d requests of %d segments (%s); %d fetched from livegate: %.2f origin requests per segment, at most %d for one\n",
		total, len(upstream), strings.Join(verdicts, ", "), fetches, float64(fetches)/float64(max(len(upstream), 1)), most)
	return sc.Err()
}

// forwardedProbe checks that livegate behind nginx tells viewers apart:
// a session's token used from two viewer networks (two /24s) pays for a
// key twice, and a viewer fetching it again does not pay again.
func forwardedProbe(ngx *nginxProc, w *world, i int) error {
	a, b := viewerClient("127.250.0.1"), viewerClient("127.251.0.1")
	body, err := w.voucherJSON(i, big.NewInt(1_000_000))
	if err != nil {
		return err
	}
	code, out, err := postJSONVia(a, ngx.base+"/pay/paid/session", "", body)
	if err != nil || code != http.StatusOK {
		return fmt.Errorf("probe session: %d %v %v", code, out, err)
	}
	_, pl, err := fetchBodyVia(a, ngx.base+"/live/paid/source/index.m3u8?token="+url.QueryEscape(out["token"].(string)))
	if err != nil {
		return err
	}
	ks := keyedSegments(pl)
	if len(ks) == 0 {
		return fmt.Errorf("probe: the live playlist lists no segment")
	}
	var spent []string
	price := ""
	for _, c := range []*http.Client{a, b, a} {
		resp, err := c.Get(ngx.base + ks[len(ks)-1].key)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("probe: key: %s", resp.Status)
		}
		spent = append(spent, resp.Header.Get("Livegate-Spent"))
		price = resp.Header.Get("Livegate-Price")
	}
	fmt.Printf("one token, one key (price %s wei), through nginx from 127.250.0.1, 127.251.0.1, then 127.250.0.1 again: Livegate-Spent %s\n",
		price, strings.Join(spent, " → "))
	return nil
}

// viewerAddr is viewer v's loopback address, in a /24 of its own:
// 127.a.b.1 from 127.10.0.1 on.
func viewerAddr(v int) string {
	return fmt.Sprintf("127.%d.%d.1", 10+v/256, v%256)
}

// viewerClient is an HTTP client whose connections leave from addr.
func viewerClient(addr string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(addr)}, Timeout: 10 * time.Second}
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			DialContext:         func(ctx context.Context, network, a string) (net.Conn, error) { return d.DialContext(ctx, network, a) },
			MaxIdleConnsPerHost: 4, IdleConnTimeout: 2 * time.Minute,
		},
	}
}

// fetchKeyVia GETs a key and returns status, key, and the price charged.
func fetchKeyVia(c *http.Client, u string, hdr ...string) (int, []byte, *big.Int, error) {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	key, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil, nil, err
	}
	price, ok := new(big.Int).SetString(resp.Header.Get("Livegate-Price"), 10)
	if len(key) != 16 || !ok {
		return 0, nil, nil, fmt.Errorf("a key of %d bytes, Livegate-Price %q", len(key), resp.Header.Get("Livegate-Price"))
	}
	return resp.StatusCode, key, price, nil
}

// cpuSeconds is the CPU time of livegate, nginx, lgload and the whole
// machine (busy, stolen), in seconds.
type cpuSeconds struct{ server, nginx, own, busy, steal float64 }

func cpuShares(srv *server, ngx *nginxProc) cpuSeconds {
	var c cpuSeconds
	c.server = srv.cpu().Seconds()
	for _, p := range ngx.pids() {
		c.nginx += procCPU(p).Seconds()
	}
	c.own = procCPU(os.Getpid()).Seconds()
	busy, steal, _ := machineCPU()
	c.busy, c.steal = float64(busy)/100, float64(steal)/100
	return c
}

func (c cpuSeconds) minus(d cpuSeconds) cpuSeconds {
	return cpuSeconds{c.server - d.server, c.nginx - d.nginx, c.own - d.own, c.busy - d.busy, c.steal - d.steal}
}

// latencies collects durations from many goroutines.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

func (l *latencies) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.d)
}

// q is the p quantile (sorts in place).
func (l *latencies) q(p float64) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	slices.Sort(l.d)
	return quantile(l.d, p).Round(10 * time.Microsecond)
}

// smallClip encodes 6 s of 320x180 at 200 kb/s (2 s GOPs), so that the
// audience's segments fit loopback's bandwidth.
func smallClip(dir string) ([]testmedia.Tag, error) {
	out := filepath.Join(dir, "clip180.flv")
	if err := encodeClip(out, "320x180", 170, 32); err != nil {
		fmt.Printf("lgload: no ffmpeg (%v): publishing testdata/clip.flv (640x360, 300 kb/s)\n", err)
		return testmedia.Clip()
	}
	return testmedia.ReadFLV(out)
}

func numCPU() int { return runtime.NumCPU() }

// firstN is 0, 1, … n-1.
func firstN(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
