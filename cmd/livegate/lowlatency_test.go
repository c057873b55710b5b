package main

import (
	"fmt"
	"maps"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/internal/testbrowser"
)

// TestLowLatencyWatchPagePaysInParts is issue 17's first proof: hls.js in
// headless Chromium, in low-latency mode on the watch page, plays a paid
// low-latency stream live (fMP4 parts of 200 ms, each decrypted with its
// segment's key), buys those keys as it goes and tops its voucher up
// while playing. The browser reaches the server through a counting
// proxy, so what was fetched is read off the wire: parts, blocking
// playlist reloads, keys, and no MPEG-TS. The delay the page shows (now −
// the playing frame's program date time) is logged, not asserted.
func TestLowLatencyWatchPagePaysInParts(t *testing.T) {
	b := testbrowser.Start(t)
	dir := t.TempDir()
	w := newPaidWorld(t, dir, 1, 1_000_000_000)
	e := startE2EWith(t, filepath.Join(dir, "data"), func(cfg *Config) {
		w.configure(cfg)
		cfg.Streams[0].LowLatency = true // parts of 200 ms, the default
	})
	wire := countingProxy(t, e.base)
	pushLoop(t, e, 60)

	b.Open(wire.base + "/watch/demo#k=" + hexutil.Encode(crypto.FromECDSA(w.viewers[0])) + "&c=" + w.channels[0].Hex())
	b.Poll("playback starts", 30*time.Second, `const s = window.livegate.state(); return s.time > 0 && !s.paused`, watchStateScript)
	first := e.watchState(b)
	spentBefore := e.srv.pay.ledger.Account(w.channels[0]).Spent

	// The session's first voucher signs 30 s ahead, and the page signs
	// more when less than 15 s is left: a top-up comes while it plays.
	var delays []float64
	sample := func(s watchState) {
		if s.Delay != nil {
			delays = append(delays, *s.Delay)
		}
	}
	topped := e.watchUntil(b, "a top-up while playing", 45*time.Second, sample,
		func(s watchState) bool { return s.Vouchers >= 2 && s.Time > first.Time })
	spentAtTopUp := e.srv.pay.ledger.Account(w.channels[0]).Spent
	last := e.watchUntil(b, "5 s more of playback after the top-up", 20*time.Second, sample,
		func(s watchState) bool { return s.Time >= topped.Time+5 })
	shoot(t, b, "watch-low-latency.png")

	slices.Sort(delays)
	t.Logf("low-latency stream, 200 ms parts: %d samples of now − playing date over %.1f s of playback: median %s, min %s, max %s; hls.js's latency at the end %s (target %.3f s parts)",
		len(delays), last.Time-first.Time, quantile(delays, 0.5), quantile(delays, 0), quantile(delays, 1), seconds(last.Edge), last.PartTarget)
	if len(last.Errors) > 0 {
		t.Logf("hls.js reported: %q", last.Errors)
	}

	got := wire.counts()
	acc := e.srv.pay.ledger.Account(w.channels[0])
	t.Logf("requests answered 200, by kind: %v; the page loaded %d keys, signed %d vouchers; %v wei spent, %v paid",
		got, last.Keys, last.Vouchers, acc.Spent, acc.Paid())

	// hls.js played the low-latency playlist's parts, decrypted and
	// buffered, and no MPEG-TS.
	if !last.LowLatency || last.PartTarget != 0.2 || last.Parts < 20 || last.Error != "" || last.OutOfCredit || last.Paused {
		t.Errorf("page state: low-latency %v, part target %v, %d parts and %d whole segments buffered, error %q, out of credit %v, paused %v",
			last.LowLatency, last.PartTarget, last.Parts, last.Fragments, last.Error, last.OutOfCredit, last.Paused)
	}
	if got["part"] < last.Parts || got["blocking reload"] < 10 || got["init"] < 1 || got["ts"] != 0 || got["key"] < 3 {
		t.Errorf("requests answered 200, by kind: %v; the page buffered %d parts", got, last.Parts)
	}
	// It bought a key per segment, and spending went on after the top-up.
	if last.Keys < 3 || last.Keys > got["key"] || last.Vouchers < 2 || acc.Spent.Cmp(spentAtTopUp) <= 0 || spentAtTopUp.Cmp(spentBefore) <= 0 ||
		acc.Paid().Cmp(acc.Spent) <= 0 {
		t.Errorf("%d keys, %d vouchers; spent %v when playing, %v at the top-up, %v at the end; paid %v",
			last.Keys, last.Vouchers, spentBefore, spentAtTopUp, acc.Spent, acc.Paid())
	}
	// Keys are sold by the segment, never by the part: what was spent is
	// no more than the segments whose keys were bought, 2 s each.
	if most := big.NewInt(int64(got["key"]) * 2 * testPrice); acc.Spent.Cmp(most) > 0 {
		t.Errorf("spent %v for %d keys: more than %v", acc.Spent, got["key"], most)
	}

	// The organizer's dashboard names the stream's latency mode.
	b.Open(wire.base + "/dashboard#token=test-admin-token-0123456789")
	b.Poll("the dashboard shows the latency modes", 20*time.Second, `const s = window.livegate.state;
		if (!s) return false;
		const demo = s.streams.find((x) => x.name === 'demo'), other = s.streams.find((x) => x.name !== 'demo');
		const text = document.getElementById('streams').textContent;
		return demo.lowLatency && demo.part === 0.2 && !other.lowLatency &&
			text.includes('low-latency, 200 ms parts') && text.includes('standard')`,
		`return window.livegate.state`)
}

// watchUntil samples the watch page's state every half second, up to d,
// until done says so, and returns the state that did.
func (e *e2e) watchUntil(b *testbrowser.Browser, what string, d time.Duration, each func(watchState), done func(watchState) bool) watchState {
	e.t.Helper()
	deadline := time.Now().Add(d)
	for {
		s := e.watchState(b)
		each(s)
		if done(s) {
			return s
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%s: not within %v; page state: %v", what, d, s)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// wire is a loopback proxy in front of the server that counts the
// requests answered 200, by kind, as they pass.
type wire struct {
	base string
	mu   sync.Mutex
	n    map[string]int
}

var (
	partPath = regexp.MustCompile(`^/live/[^/]+/[^/]+/\d+\.\d+\.m4s$`)
	wireKind = []struct {
		kind string
		is   func(u *url.URL) bool
	}{
		{"part", func(u *url.URL) bool { return partPath.MatchString(u.Path) }},
		{"segment", func(u *url.URL) bool { return strings.HasSuffix(u.Path, ".m4s") }},
		{"init", func(u *url.URL) bool { return strings.HasSuffix(u.Path, ".mp4") }},
		{"blocking reload", func(u *url.URL) bool {
			return strings.HasSuffix(u.Path, "/ll.m3u8") && u.Query().Has("_HLS_msn")
		}},
		{"playlist", func(u *url.URL) bool { return strings.HasSuffix(u.Path, ".m3u8") }},
		{"ts", func(u *url.URL) bool { return strings.HasSuffix(u.Path, ".ts") }},
		{"key", func(u *url.URL) bool { return strings.HasPrefix(u.Path, "/key/") }},
	}
)

func countingProxy(t *testing.T, target string) *wire {
	t.Helper()
	to, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	w := &wire{n: map[string]int{}}
	p := httputil.NewSingleHostReverseProxy(to)
	p.FlushInterval = -1 // a held request's answer goes on at once
	p.ModifyResponse = func(resp *http.Response) error {
		if resp.StatusCode != http.StatusOK {
			return nil
		}
		for _, k := range wireKind {
			if k.is(resp.Request.URL) {
				w.mu.Lock()
				w.n[k.kind]++
				w.mu.Unlock()
				break
			}
		}
		return nil
	}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	w.base = srv.URL
	return w
}

func (w *wire) counts() map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return maps.Clone(w.n)
}

// quantile is the q-quantile of sorted seconds, as text.
func quantile(sorted []float64, q float64) string {
	if len(sorted) == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f s", sorted[int(q*float64(len(sorted)-1))])
}
