package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	flvtag "github.com/yutopp/go-flv/tag"

	"github.com/livegate/livegate/internal/testmedia"
)

var client = &http.Client{
	Timeout: 30 * time.Second,
	Transport: &http.Transport{
		MaxIdleConns: 10000, MaxIdleConnsPerHost: 10000, IdleConnTimeout: 2 * time.Minute,
	},
}

// publish pushes the testdata clip loops times, one after the other on one
// timeline, as fast as the server takes it or in real time (paced).
func publish(addr, key string, loops int, paced bool, stop <-chan struct{}) error {
	tags, err := clipTags()
	if err != nil {
		return err
	}
	return publishTags(tags, addr, key, loops, paced, stop)
}

// goLive publishes tags in real time, in a loop, until the function it
// returns is called (once or more).
func goLive(tags []testmedia.Tag, addr, key string) (stop func()) {
	done := make(chan struct{})
	pubErr := make(chan error, 1)
	go func() { pubErr <- publishTags(tags, addr, key, 10_000, true, done) }()
	return sync.OnceFunc(func() {
		close(done)
		if err := <-pubErr; err != nil {
			fmt.Fprintln(os.Stderr, "lgload: the publisher of "+key+":", err)
		}
	})
}

// publishTags pushes a clip's tags loops times (as publish does).
func publishTags(tags []testmedia.Tag, addr, key string, loops int, paced bool, stop <-chan struct{}) error {
	span := tags[len(tags)-1].Timestamp + 34 // ms, one frame past the last tag
	p, err := testmedia.Dial(addr, "live", key)
	if err != nil {
		return err
	}
	start := time.Now()
	for loop := range loops {
		for _, tg := range tags {
			config := tg.Type == flvtag.TagTypeScriptData || (len(tg.Body) > 1 && tg.Body[1] == 0)
			if loop > 0 && config {
				continue // sequence headers and metadata once
			}
			tg.Timestamp += uint32(loop) * span
			if paced {
				if wait := time.Duration(tg.Timestamp)*time.Millisecond - time.Since(start); wait > 0 {
					select {
					case <-stop:
						return p.Close()
					case <-time.After(wait):
					}
				}
			}
			if err := p.Send(tg); err != nil {
				return err
			}
		}
	}
	return p.Close()
}

// clipPath is the clip to publish: --clip, or testdata/clip.flv.
var clipPath string

func clipTags() ([]testmedia.Tag, error) {
	if clipPath != "" {
		return testmedia.ReadFLV(clipPath)
	}
	return testmedia.Clip()
}

func getJSON(u string, v any) error {
	resp, err := client.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

// recording waits for stream's finished recording and returns its id and
// segment count.
func recording(srv *server, stream string) (string, int, error) {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var l struct {
			Recordings []struct {
				ID       string
				Segments int
				Live     bool
			}
		}
		if err := getJSON(srv.base+"/vod/"+stream+"/", &l); err == nil && len(l.Recordings) > 0 && !l.Recordings[0].Live {
			return l.Recordings[0].ID, l.Recordings[0].Segments, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return "", 0, fmt.Errorf("no finished recording of %s", stream)
}

func (w *world) voucherJSON(i int, amount *big.Int) ([]byte, error) {
	v, err := w.client.Domain.Sign(w.keys[i], w.channels[i], amount)
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]string{"channel": v.Channel.Hex(), "amount": v.Amount.String(), "signature": hexutil.Encode(v.Signature)})
}

func (w *world) voucherHeader(i int, amount *big.Int) string {
	v, _ := w.client.Domain.Sign(w.keys[i], w.channels[i], amount)
	return v.Channel.Hex() + ":" + v.Amount.String() + ":" + hexutil.Encode(v.Signature)
}

func postJSON(u, bearer string, body []byte) (int, map[string]any, error) {
	return postJSONVia(client, u, bearer, body)
}

func postJSONVia(client *http.Client, u, bearer string, body []byte) (int, map[string]any, error) {
	req, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out, nil
}

func (w *world) session(srv *server, i int, amount *big.Int) (string, error) {
	body, err := w.voucherJSON(i, amount)
	if err != nil {
		return "", err
	}
	code, out, err := postJSON(srv.base+"/pay/paid/session", "", body)
	if err != nil {
		return "", err
	}
	if code != 200 {
		return "", fmt.Errorf("session for viewer %d: %d %v", i, code, out)
	}
	return out["token"].(string), nil
}

// fetch GETs a URL, reads the body and returns status, bytes and time to
// the first byte of the answer.
func fetch(u string, hdr ...string) (int, int64, time.Duration, error) {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	var first time.Time
	start := time.Now()
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		GotFirstResponseByte: func() { first = time.Now() },
	}))
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, 0, err
	}
	n, err := discard(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, n, first.Sub(start), err
}

// readSize is how much fetch reads of a body per call; 0 reads as io.Copy
// to io.Discard does, 8 KB at a time. On loopback the read size moves
// where, and how much, the kernel works for the bytes: a reader's window
// updates make the server's socket send the next piece inside the reader's
// system call. With 64 KB reads the client costs half as much per segment
// and the gated/ungated ratio comes out lower, since the server's extra
// per paid segment then weighs more (BENCHMARKS.md, issue 4).
var readSize int

var readBufs = sync.Pool{New: func() any { b := make([]byte, readSize); return &b }}

// discard reads r to its end and returns how many bytes it held.
func discard(r io.Reader) (int64, error) {
	if readSize <= 0 {
		return io.Copy(io.Discard, r)
	}
	buf := readBufs.Get().(*[]byte)
	defer readBufs.Put(buf)
	var n int64
	for {
		m, err := r.Read(*buf)
		n += int64(m)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// throughput measures segments per second from the same server, same
// recording length and same concurrency, once free and once paid, in
// alternating rounds.
func throughput(ctx context.Context, o options, w *world, srv *server) error {
	const loops = 60
	fmt.Printf("\n== throughput: %d clients, %v rounds\n", o.clients, o.duration)
	errs := make(chan error, 2)
	for _, s := range []string{"free", "paid"} {
		go func() { errs <- publish(srv.rtmp, s+"-stream-key", loops, false, nil) }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			return err
		}
	}
	ids := map[string]string{}
	var segs int
	for _, s := range []string{"free", "paid"} {
		id, n, err := recording(srv, s)
		if err != nil {
			return err
		}
		ids[s], segs = id, n
	}
	fmt.Printf("recordings of %d segments (%s of video each)\n", segs, time.Duration(loops)*6067*time.Millisecond)
	var free, paid, freeCPU, paidCPU, waits []float64
	nextSession := big.NewInt(1 << 40)
	rounds := min(max(o.rounds/2*2, 2), 40) // free and paid alternating, as many each: the machine drifts
	for round := range rounds {
		stream := []string{"free", "paid"}[round%2]
		base := srv.base + "/vod/" + stream + "/" + ids[stream] + "/source/"
		var reqs, bytes, failures atomic.Int64
		ledger0 := ledgerCommits(srv) // before the CPU counters: the scrape is not the round's
		srvCPU, ownCPU := srv.cpu(), procCPU(os.Getpid())
		busy, steal, _ := machineCPU()
		start := time.Now()
		deadline := start.Add(o.duration)
		var wg sync.WaitGroup
		for c := range o.clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				query := "" // ?token=, escaped once per session
				for i := 0; time.Now().Before(deadline); i++ {
					seq := i % segs
					u := base + strconv.Itoa(seq) + ".ts"
					if stream == "paid" {
						if seq == 0 { // a new session pays for the whole recording again
							amt := new(big.Int).Add(nextSession, big.NewInt(int64(round*1_000_000+i)))
							t, err := w.session(srv, c, amt)
							if err != nil {
								failures.Add(1)
								return
							}
							query = "?token=" + url.QueryEscape(t)
						}
						u += query
					}
					code, n, _, err := fetch(u)
					if err != nil || code != 200 {
						failures.Add(1)
						continue
					}
					reqs.Add(1)
					bytes.Add(n)
				}
			}()
		}
		wg.Wait()
		rate := float64(reqs.Load()) / o.duration.Seconds()
		// CPU per segment says where a difference comes from: the two
		// processes share the 2 cores, so a round's rate is about 2 cores
		// over the sum of both.
		perSeg := func(d time.Duration) float64 { return float64(d.Microseconds()) / max(float64(reqs.Load()), 1) }
		sc, oc := perSeg(srv.cpu()-srvCPU), perSeg(procCPU(os.Getpid())-ownCPU)
		busy2, steal2, cpus := machineCPU()
		ticks := float64(max(cpus, 1)) * time.Since(start).Seconds() * 100
		commits := ""
		if l := ledgerCommits(srv).minus(ledger0); stream == "paid" && l.changes > 0 {
			// What a paid segment waited for its charge's sync: in a closed
			// loop, that wait is what payment costs in throughput.
			commits = fmt.Sprintf("  ledger: %.0f syncs/s of %.1f changes, wait %.1f ms", l.commits/o.duration.Seconds(),
				l.changes/max(l.commits, 1), 1000*l.wait/l.changes)
			waits = append(waits, 1000*l.wait/l.changes)
		}
		fmt.Printf("round %d %-4s  %8.0f segments/s  %7.1f MB/s  failures %d  CPU µs/segment: server %.0f, load %.0f  machine: busy %.0f%%, stolen %.0f%%%s\n", round+1, stream, rate,
			float64(bytes.Load())/o.duration.Seconds()/1e6, failures.Load(), sc, oc, 100*float64(busy2-busy)/ticks, 100*float64(steal2-steal)/ticks, commits)
		if stream == "free" {
			free, freeCPU = append(free, rate), append(freeCPU, sc)
		} else {
			paid, paidCPU = append(paid, rate), append(paidCPU, sc)
		}
	}
	mean := func(x []float64) float64 {
		var s float64
		for _, v := range x {
			s += v
		}
		return s / float64(len(x))
	}
	fmt.Printf("server CPU per segment: free %.0f µs, paid %.0f µs\n", mean(freeCPU), mean(paidCPU))
	if len(waits) > 0 {
		fmt.Printf("a paid segment waited %.1f ms for its charge's sync, on average over the paid rounds\n", mean(waits))
	}
	fmt.Printf("gated / ungated = %.0f / %.0f = %.3f\n", mean(paid), mean(free), mean(paid)/mean(free))
	return nil
}

// commitCounts are the server's ledger counters from /metrics.
type commitCounts struct{ commits, changes, wait float64 }

func (c commitCounts) minus(d commitCounts) commitCounts {
	return commitCounts{c.commits - d.commits, c.changes - d.changes, c.wait - d.wait}
}

// ledgerCommits reads the ledger's counters from the server's /metrics
// (zero when it cannot: the round's line then says nothing of them).
func ledgerCommits(srv *server) commitCounts {
	code, body, err := fetchBody(srv.base + "/metrics")
	if err != nil || code != http.StatusOK {
		return commitCounts{}
	}
	var c commitCounts
	for line := range strings.Lines(string(body)) {
		name, value, _ := strings.Cut(strings.TrimSpace(line), " ")
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			continue
		}
		switch name {
		case "livegate_ledger_commits_total":
			c.commits = v
		case "livegate_ledger_changes_total":
			c.changes = v
		case "livegate_ledger_wait_seconds_total":
			c.wait = v
		}
	}
	return c
}

// topups measures vouchers per second through POST /pay/paid/voucher, each
// a larger voucher for the client's own channel, signed ahead of time.
func topups(ctx context.Context, o options, w *world, srv *server) (map[int]int64, error) {
	const ahead = 3000
	fmt.Printf("\n== top-ups: %d clients, %v, %d vouchers signed ahead per client\n", o.clients, o.duration, ahead)
	type clientState struct {
		i        int
		token    string
		vouchers [][]byte
		acked    int
	}
	cs := make([]*clientState, o.clients)
	var wg sync.WaitGroup
	errs := make(chan error, o.clients)
	for c := range o.clients {
		i := o.clients + c // channels the throughput run did not use
		st := &clientState{i: i}
		cs[c] = st
		wg.Add(1)
		go func() {
			defer wg.Done()
			base := int64(1 << 40)
			t, err := w.session(srv, i, big.NewInt(base))
			if err != nil {
				errs <- err
				return
			}
			st.token = t
			for k := 1; k <= ahead; k++ {
				b, err := w.voucherJSON(i, big.NewInt(base+int64(k)))
				if err != nil {
					errs <- err
					return
				}
				st.vouchers = append(st.vouchers, b)
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	var ok, failed atomic.Int64
	deadline := time.Now().Add(o.duration)
	for _, st := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < len(st.vouchers) && time.Now().Before(deadline); k++ {
				code, _, err := postJSON(srv.base+"/pay/paid/voucher", st.token, st.vouchers[k])
				if err != nil || code != 200 {
					failed.Add(1)
					continue
				}
				st.acked = k + 1
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	fmt.Printf("%d top-ups accepted in %v: %.0f per second; %d failed\n", ok.Load(), o.duration, float64(ok.Load())/o.duration.Seconds(), failed.Load())
	acked := map[int]int64{} // channel index -> amount of the last acknowledged voucher
	for _, st := range cs {
		if st.acked > 0 {
			acked[st.i] = int64(1<<40) + int64(st.acked)
		}
	}
	return acked, nil
}

// viewers has N viewers watch the live paid stream as a player does: poll
// the media playlist, fetch each new segment, top up ahead with a
// Livegate-Voucher header.
func viewers(ctx context.Context, o options, w *world, srv *server) error {
	n := o.viewers
	fmt.Printf("\n== viewers: %d paying viewers for %v on a live stream\n", n, o.watchTime)
	tags, err := clipTags()
	if err != nil {
		return err
	}
	defer goLive(tags, srv.rtmp, "paid-stream-key")()
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, _, _, _ := fetch(srv.base + "/live/paid/source/index.m3u8")
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the live stream did not start")
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(5 * time.Second) // a few segments in the window
	baseline := srv.rss()
	const credit = 30 * pricePerSecond // a player keeps about 30 s paid ahead
	var (
		mu        sync.Mutex
		ttfb      []time.Duration
		segments  atomic.Int64
		failures  atomic.Int64
		sessions  atomic.Int64
		peak      atomic.Int64
		wg        sync.WaitGroup
		watchEnds = time.Now().Add(o.watchTime)
	)
	go func() {
		for time.Now().Before(watchEnds) {
			peak.Store(max(peak.Load(), srv.rss()))
			time.Sleep(500 * time.Millisecond)
		}
	}()
	for v := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(v) * 5 * time.Second / time.Duration(n)) // arrive over 5 s
			i := v
			paid := int64(credit)
			tok, err := w.session(srv, i, big.NewInt(paid))
			if err != nil {
				failures.Add(1)
				return
			}
			sessions.Add(1)
			spent, last := int64(0), -1
			for time.Now().Before(watchEnds) {
				code, body, err := fetchBody(srv.base + "/live/paid/source/index.m3u8?token=" + url.QueryEscape(tok))
				if err != nil || code != 200 {
					failures.Add(1)
					time.Sleep(time.Second)
					continue
				}
				uris := segmentURIs(body)
				if last < 0 && len(uris) > 2 {
					uris = uris[len(uris)-2:] // join at the live edge
				}
				for _, u := range uris {
					seq := seqOf(u)
					if seq <= last {
						continue
					}
					hdr := []string{}
					if paid-spent < 3*2100 { // running low: send the next voucher with this request
						paid += credit
						hdr = []string{"Livegate-Voucher", w.voucherHeader(i, big.NewInt(paid))}
					}
					code, _, d, err := fetch(srv.base+"/live/paid/source/"+u, hdr...)
					if err != nil || code != 200 {
						failures.Add(1)
						continue
					}
					spent += 2100 // an upper bound of a segment's price: a player counts conservatively
					last = seq
					segments.Add(1)
					mu.Lock()
					ttfb = append(ttfb, d)
					mu.Unlock()
				}
				time.Sleep(time.Second)
			}
		}()
	}
	wg.Wait()
	steady := srv.rss()
	slices.Sort(ttfb)
	q := func(p float64) time.Duration { return quantile(ttfb, p) }
	fmt.Printf("sessions %d, segments fetched %d, failures %d\n", sessions.Load(), segments.Load(), failures.Load())
	fmt.Printf("segment time to first byte: p50 %v  p95 %v  p99 %v  max %v\n", q(0.5), q(0.95), q(0.99), q(1))
	fmt.Printf("server RSS: %d MiB before the viewers, %d MiB peak, %d MiB at the end: %.1f KiB per viewer (peak), connections included\n",
		baseline>>20, peak.Load()>>20, steady>>20, float64(peak.Load()-baseline)/float64(n)/1024)
	return nil
}

func fetchBody(u string) (int, []byte, error) {
	return fetchBodyVia(client, u)
}

func fetchBodyVia(client *http.Client, u string) (int, []byte, error) {
	resp, err := client.Get(u)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func segmentURIs(playlist []byte) []string {
	var out []string
	for _, line := range strings.Split(string(playlist), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

func seqOf(uri string) int {
	name, _, _ := strings.Cut(uri, ".ts")
	n, _ := strconv.Atoi(name)
	return n
}
