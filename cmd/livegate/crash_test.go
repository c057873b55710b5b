package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
	"github.com/livegate/livegate/paywall"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serveProcess runs `livegate serve` as its own process.
type serveProcess struct {
	cmd  *exec.Cmd
	logs *testenv.LogBuffer
	base string
}

func startServe(t *testing.T, config, httpAddr string) *serveProcess {
	t.Helper()
	self, _ := os.Executable()
	p := &serveProcess{logs: &testenv.LogBuffer{}, base: "http://" + httpAddr}
	p.cmd = exec.Command(self, "serve", "--config", config)
	p.cmd.Env = append(os.Environ(), "LIVEGATE_TEST_MAIN=1")
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
		if t.Failed() {
			t.Logf("serve log:\n%s", p.logs)
		}
	})
	testenv.Eventually(t, "livegate serve answers", func() bool {
		resp, err := http.Get(p.base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	return p
}

// publishUntil publishes tags to demo over RTMP up to the first at or
// after ms, and stays connected, the stream live, until the test drops
// it: it returns the publisher and where it stopped.
func publishUntil(t *testing.T, rtmpAddr string, tags []testmedia.Tag, ms uint32) (*testmedia.Publisher, int) {
	t.Helper()
	cut := len(tags)
	for i, tg := range tags {
		if tg.Timestamp >= ms {
			cut = i
			break
		}
	}
	pub, err := testmedia.Dial(rtmpAddr, "live", "demo-stream-key")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pub.Drop() })
	if err := pub.SendAll(tags[:cut]); err != nil {
		t.Fatal(err)
	}
	return pub, cut
}

// keyBuyer is what the server acknowledged to one viewer before the crash.
type keyBuyer struct {
	mu       sync.Mutex
	voucher  int64               // the largest voucher a 200 acknowledged
	bought   map[string][]string // session token -> key URLs sold with it
	spent    int64               // the largest Livegate-Spent on a 200 key answer
	sum      int64               // the Livegate-Price of every key sold, added up
	inFlight int64               // the price of the key asked for and not answered (0: none)
}

// buy runs one viewer's purchases until stop closes or the server is gone:
// a session per round with a larger voucher each time, then every key of
// keyPaths with its token. Each viewer has at most one key request in
// flight, so a crash leaves at most one charge unacknowledged.
func (l *keyBuyer) buy(w *paidWorld, i int, base string, keyPaths []string, prices map[string]int64, stop <-chan struct{}) {
	client := &http.Client{Timeout: 5 * time.Second}
	for round := int64(1); round <= 100_000; round++ {
		select {
		case <-stop:
			return
		default:
		}
		amount := round * 7000
		resp, err := client.Post(base+"/pay/demo/session", "application/json", bytes.NewReader(w.voucherJSON(i, amount)))
		if err != nil {
			return // the server is gone
		}
		var s session
		_ = json.NewDecoder(resp.Body).Decode(&s)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			continue
		}
		l.mu.Lock()
		l.voucher = max(l.voucher, amount)
		l.mu.Unlock()
		for _, p := range keyPaths {
			u := base + p + "?token=" + url.QueryEscape(s.Token)
			l.mu.Lock()
			l.inFlight = prices[p]
			l.mu.Unlock()
			resp, err := client.Get(u)
			if err != nil {
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			spent, _ := strconv.ParseInt(resp.Header.Get("Livegate-Spent"), 10, 64)
			price, _ := strconv.ParseInt(resp.Header.Get("Livegate-Price"), 10, 64)
			l.mu.Lock()
			l.inFlight = 0
			if resp.StatusCode == 200 {
				l.bought[s.Token] = append(l.bought[s.Token], u)
				l.spent = max(l.spent, spent)
				l.sum += price
			}
			l.mu.Unlock()
		}
	}
}

// TestCrashLosesNoVoucherAndChargesNothingTwice kills `livegate serve`
// with SIGKILL while viewers open sessions, top up and buy keys, and while
// a second recording is being published, then restarts it on the same
// data directory and chain and checks the ledger against what the server
// had acknowledged: no key was sold without its charge on disk, none is
// charged twice, the best voucher is kept and claimed, and every
// recording, the one cut by the crash too, still decrypts with its keys.
func TestCrashLosesNoVoucherAndChargesNothingTwice(t *testing.T) {
	testenv.Tool(t, "openssl")
	testenv.Tool(t, "ffprobe")
	dir := t.TempDir()
	const viewers = 6
	w := newPaidWorld(t, dir, viewers+1, 1_000_000_000) // the last one checks the recordings after the restart
	httpAddr, rtmpAddr := freeAddr(t), freeAddr(t)
	config := writeConfig(t, fmt.Sprintf(`
http: %s
rtmp: %s
data: %s
reconnectGrace: 0s
chain: {rpc: %s, contract: "%s", key: %s, confirmations: 1}
admin: {token: crash-test-admin-token}
transcoder: {mode: none}
streams:
  - {name: demo, key: demo-stream-key, pricePerSecond: "%d"}
`, httpAddr, rtmpAddr, filepath.Join(dir, "data"), w.dev.URL, w.client.Address.Hex(), w.keyFile, testPrice))
	srv := startServe(t, config, httpAddr)
	tags, err := testmedia.Clip()
	if err != nil {
		t.Fatal(err)
	}
	if err := testmedia.PublishAll(rtmpAddr, "demo-stream-key", tags); err != nil {
		t.Fatal(err)
	}
	recordings := func() recordingList {
		var recs recordingList
		resp, err := http.Get(srv.base + "/vod/demo/")
		if err != nil {
			return recs
		}
		defer resp.Body.Close()
		_ = json.NewDecoder(resp.Body).Decode(&recs)
		return recs
	}
	var firstRec string
	testenv.Eventually(t, "the recording is finished", func() bool {
		recs := recordings()
		if len(recs.Recordings) != 1 || recs.Recordings[0].Live {
			return false
		}
		firstRec = recs.Recordings[0].ID
		return true
	})
	// Its three keys, and what each costs (a 402 without a token says).
	keyPaths := []string{}
	prices := map[string]int64{}
	for n := range 3 {
		p := "/key/demo/" + firstRec + "/" + strconv.Itoa(n)
		resp, _ := getWith(t, srv.base+p)
		price, err := strconv.ParseInt(resp.Header.Get("Livegate-Price"), 10, 64)
		if resp.StatusCode != http.StatusPaymentRequired || err != nil || price < 2000 {
			t.Fatalf("%s without a token: %d, price %q", p, resp.StatusCode, resp.Header.Get("Livegate-Price"))
		}
		keyPaths, prices[p] = append(keyPaths, p), price
	}

	logs := make([]*keyBuyer, viewers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range viewers {
		logs[i] = &keyBuyer{bought: map[string][]string{}}
		wg.Add(1)
		go func() {
			defer wg.Done()
			logs[i].buy(w, i, srv.base, keyPaths, prices, stop)
		}()
	}
	defer func() { // on a failure before the kill too
		select {
		case <-stop:
		default:
			close(stop)
		}
		wg.Wait()
	}()
	testenv.Eventually(t, "viewers have paid for a while", func() bool {
		for _, l := range logs {
			l.mu.Lock()
			n := len(l.bought)
			l.mu.Unlock()
			if n < 5 {
				return false
			}
		}
		return true
	})
	// A second recording is live at the kill: 3.5 s of the clip, its
	// first segment listed, the publisher still connected.
	publishUntil(t, rtmpAddr, tags, 3500)
	testenv.Eventually(t, "a second recording is live with a segment", func() bool {
		recs := recordings()
		return len(recs.Recordings) == 2 && recs.Recordings[1].Live && recs.Recordings[1].Segments >= 1
	})
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = srv.cmd.Wait()
	close(stop)
	wg.Wait()

	// Back up on the same data directory.
	srv = startServe(t, config, httpAddr)
	for i, l := range logs {
		// Before the crash, every 200 told the sum of the keys sold so far.
		if l.spent != l.sum {
			t.Errorf("viewer %d: the keys sold cost %d, the last answer said %d spent", i, l.sum, l.spent)
		}
		var once int64 = -1 // every refetch must report the same spend: none is charged
		for _, urls := range l.bought {
			for _, u := range urls {
				resp, _ := getWith(t, u)
				if resp.StatusCode != 200 {
					t.Fatalf("viewer %d: a key bought before the crash: %d after it", i, resp.StatusCode)
				}
				spent, _ := strconv.ParseInt(resp.Header.Get("Livegate-Spent"), 10, 64)
				if spent < l.spent {
					t.Errorf("viewer %d: spent %d after the restart, %d acknowledged before", i, spent, l.spent)
				}
				if once < 0 {
					once = spent
				} else if spent != once {
					t.Errorf("viewer %d: refetching a key bought before the crash charged it again (%d, then %d)", i, once, spent)
				}
			}
		}
	}

	// Every recording made before the crash decrypts, the one the crash
	// cut too (finished by the archive at this start): each segment its
	// VOD playlist lists opens with its key into frames ffprobe decodes.
	recs := recordings()
	if len(recs.Recordings) != 2 || recs.Recordings[0].ID != firstRec || recs.Recordings[1].Live || recs.Recordings[1].Segments < 1 {
		t.Fatalf("recordings after the restart: %+v", recs)
	}
	var s session
	if code, msg := post(t, srv.base+"/pay/demo/session", "", w.voucherJSON(viewers, 100_000), &s); code != 200 {
		t.Fatalf("the checker's session: %d %s", code, msg)
	}
	for _, rec := range recs.Recordings {
		frames := 0
		masterURL := srv.base + rec.Playlist + "?token=" + url.QueryEscape(s.Token)
		_, master := getWith(t, masterURL)
		for _, media := range uris(t, masterURL, master) {
			_, body := getWith(t, media)
			segs := segmentsOf(t, media, body)
			if len(segs) != rec.Segments {
				t.Errorf("recording %s: %d segments listed, %d summed up", rec.ID, len(segs), rec.Segments)
			}
			for _, seg := range segs {
				resp, data := getWith(t, seg.uri)
				kr, key := getWith(t, seg.key)
				if resp.StatusCode != 200 || kr.StatusCode != 200 || len(key) != 16 {
					t.Fatalf("recording %s: segment %d, key %d %q", rec.ID, resp.StatusCode, kr.StatusCode, key)
				}
				n, ok := decrypts(t, seg, data, key)
				if !ok {
					t.Errorf("recording %s: %s does not decrypt with its key after the crash", rec.ID, seg.uri)
				}
				frames += n
			}
		}
		if rec.ID == firstRec && frames != 180 {
			t.Errorf("the recording finished before the crash decrypts into %d frames, the clip has 180", frames)
		}
		t.Logf("recording %s: %d segments, %d frames decrypted", rec.ID, rec.Segments, frames)
	}

	settle := func() {
		req, _ := http.NewRequest(http.MethodPost, srv.base+"/admin/settle", nil)
		req.Header.Set("Authorization", "Bearer crash-test-admin-token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct{ Error string }
		_ = json.NewDecoder(resp.Body).Decode(&out)
		if resp.StatusCode != 200 || out.Error != "" {
			t.Fatalf("settle: %d %s", resp.StatusCode, out.Error)
		}
	}
	settle()
	// Stop the server cleanly and read its ledger.
	_ = srv.cmd.Process.Signal(syscall.SIGTERM)
	_ = srv.cmd.Wait()
	ledger, err := paywall.OpenBoltLedger(filepath.Join(dir, "data", "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer ledger.Close()
	ctx := context.Background()
	for i, l := range logs {
		acc := ledger.Account(w.channels[i])
		if acc.Paid().Int64() < l.voucher {
			t.Errorf("viewer %d: the best voucher on disk is %s, but %d was acknowledged", i, acc.Paid(), l.voucher)
		}
		// No key sold without its charge on disk.
		if acc.Spent.Int64() < l.spent {
			t.Errorf("viewer %d: spent %s on disk, %d acknowledged", i, acc.Spent, l.spent)
		}
		// Nothing charged twice: beyond what was acknowledged, at most
		// the one key in flight at the kill.
		if over := acc.Spent.Int64() - l.spent; over != 0 && over != l.inFlight {
			t.Errorf("viewer %d: %d wei charged beyond what was acknowledged; the key in flight cost %d", i, over, l.inFlight)
		}
		// Settlement claimed the best voucher on chain.
		ch, err := w.client.Channel(ctx, w.channels[i], nil)
		if err != nil || ch.Claimed.Cmp(acc.Paid()) != 0 {
			t.Errorf("viewer %d: claimed %v on chain (%v), best voucher %s", i, ch.Claimed, err, acc.Paid())
		}
		t.Logf("viewer %d: %d sessions acknowledged, voucher %d, spent %s (%d acknowledged, %d in flight)",
			i, len(l.bought), l.voucher, acc.Spent, l.spent, l.inFlight)
	}
}
