package main

import (
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
	"strings"
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

// viewerLog is what the server acknowledged to one viewer before the crash.
type viewerLog struct {
	mu      sync.Mutex
	voucher int64               // the largest voucher a 200 acknowledged
	served  map[string][]string // session token -> segment URLs served with it
	spent   int64               // the largest Livegate-Spent seen
}

// TestCrashLosesNoVoucherAndChargesNothingTwice kills `livegate serve`
// with SIGKILL while viewers open sessions, top up and buy segments,
// restarts it on the same data directory and chain, and checks the ledger
// against what the server had acknowledged.
func TestCrashLosesNoVoucherAndChargesNothingTwice(t *testing.T) {
	dir := t.TempDir()
	const viewers = 6
	w := newPaidWorld(t, dir, viewers, 1_000_000_000)
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
	var recs recordingList
	testenv.Eventually(t, "the recording is finished", func() bool {
		resp, err := http.Get(srv.base + "/vod/demo/")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		_ = json.NewDecoder(resp.Body).Decode(&recs)
		return len(recs.Recordings) == 1 && !recs.Recordings[0].Live
	})
	segPaths := []string{}
	for i := range 3 {
		segPaths = append(segPaths, strings.TrimSuffix(recs.Recordings[0].Playlist, "index.m3u8")+"source/"+strconv.Itoa(i)+".ts")
	}

	// Viewers pay as fast as they can: a session per round, each with a
	// larger voucher, then the three segments.
	logs := make([]*viewerLog, viewers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	for i := range viewers {
		logs[i] = &viewerLog{served: map[string][]string{}}
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := logs[i]
			for round := int64(1); ; round++ {
				select {
				case <-stop:
					return
				default:
				}
				amount := round * 7000
				resp, err := client.Post(srv.base+"/pay/demo/session", "application/json", strings.NewReader(string(w.voucherJSON(i, amount))))
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
				for _, p := range segPaths {
					u := srv.base + p + "?token=" + url.QueryEscape(s.Token)
					resp, err := client.Get(u)
					if err != nil {
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode == 200 {
						spent, _ := strconv.ParseInt(resp.Header.Get("Livegate-Spent"), 10, 64)
						l.mu.Lock()
						l.served[s.Token] = append(l.served[s.Token], u)
						l.spent = max(l.spent, spent)
						l.mu.Unlock()
					}
				}
			}
		}()
	}
	testenv.Eventually(t, "viewers have paid for a while", func() bool {
		for _, l := range logs {
			l.mu.Lock()
			n := len(l.served)
			l.mu.Unlock()
			if n < 5 {
				return false
			}
		}
		return true
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
		var first int64 = -1 // every refetch must report the same spend: none is charged
		for _, urls := range l.served {
			for _, u := range urls {
				resp, err := http.Get(u)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Fatalf("viewer %d: a segment bought before the crash: %d after it", i, resp.StatusCode)
				}
				spent, _ := strconv.ParseInt(resp.Header.Get("Livegate-Spent"), 10, 64)
				if spent < l.spent {
					t.Errorf("viewer %d: spent %d after the restart, %d acknowledged before", i, spent, l.spent)
				}
				if first < 0 {
					first = spent
				} else if spent != first {
					t.Errorf("viewer %d: refetching a segment bought before the crash charged it again (%d, then %d)", i, first, spent)
				}
			}
		}
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
		if acc.Spent.Int64() < l.spent {
			t.Errorf("viewer %d: spent %s on disk, %d acknowledged", i, acc.Spent, l.spent)
		}
		// Nothing charged twice: at most the purchases in flight at the
		// kill (one session's three segments) beyond what was acknowledged.
		if over := acc.Spent.Int64() - l.spent; over > 3*2015 {
			t.Errorf("viewer %d: %d wei charged beyond what was acknowledged", i, over)
		}
		// Settlement claimed the best voucher on chain.
		ch, err := w.client.Channel(ctx, w.channels[i], nil)
		if err != nil || ch.Claimed.Cmp(acc.Paid()) != 0 {
			t.Errorf("viewer %d: claimed %v on chain (%v), best voucher %s", i, ch.Claimed, err, acc.Paid())
		}
		t.Logf("viewer %d: %d sessions acknowledged, voucher %d, spent %s", i, len(l.served), l.voucher, acc.Spent)
	}
}
