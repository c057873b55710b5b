package main

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/hex"
	"encoding/json"
	"fmt"
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

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
	"github.com/livegate/livegate/internal/testpg"
	"github.com/livegate/livegate/internal/tests3"
)

// clusterNodeProc is one `livegate serve` of a cluster test, its own
// process (so that it can be killed), on the shared PostgreSQL.
type clusterNodeProc struct {
	*serveProcess
	http, rtmp string
}

func startClusterNode(t *testing.T, w *paidWorld, pg string, s3 *tests3.Server, dir string, i int) *clusterNodeProc {
	t.Helper()
	n := &clusterNodeProc{http: freeAddr(t), rtmp: freeAddr(t)}
	config := writeConfig(t, fmt.Sprintf(`
http: %s
rtmp: %s
rtsp: %s
data: %s
reconnectGrace: 0s
chain: {rpc: %s, contract: "%s", key: %s, confirmations: 1}
ledger: {postgres: "%s"}
archive: {s3: {endpoint: "%s", bucket: %s}}
cluster: {url: "http://%s", node: node%d}
trustedProxies: [127.0.0.1]
admin: {token: cluster-test-admin-token}
transcoder: {mode: none}
streams:
  - {name: demo, key: demo-stream-key, pricePerSecond: "%d"}
`, n.http, n.rtmp, freeAddr(t), filepath.Join(dir, fmt.Sprintf("node%d", i)), w.dev.URL, w.client.Address.Hex(), w.keyFile,
		pg, s3.Endpoint(), tests3.Bucket, n.http, i, testPrice))
	n.serveProcess = startServe(t, config, n.http)
	return n
}

// pushTo publishes the clip, looped, to a node until the returned stop.
func pushTo(t *testing.T, ffmpeg, rtmpAddr string) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1",
		"-i", testmedia.ClipPath(), "-c", "copy", "-f", "flv", "rtmp://"+rtmpAddr+"/live/demo-stream-key")
	logs := &testenv.LogBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			_ = cmd.Wait()
		})
	}
	t.Cleanup(stop)
	return stop
}

// clusterViewer watches the paid stream through one address (nginx), as
// a player does: the playlist, then each new segment's key and bytes, each
// segment decrypted with its key.
type clusterViewer struct {
	t     *testing.T
	base  string
	token string
	seen  map[string]bool
	seqs  []int // segment numbers watched, in order
}

// watch plays until done says so or 60 s pass; answers that fail (a node
// gone, the stream between nodes) are retried, as a player retries.
func (v *clusterViewer) watch(what string, done func() bool) {
	v.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	playlist := v.base + "/live/demo/source/index.m3u8?token=" + url.QueryEscape(v.token)
	for !done() {
		if time.Now().After(deadline) {
			v.t.Fatalf("%s: not within 60 s; watched %v", what, v.seqs)
		}
		time.Sleep(300 * time.Millisecond)
		resp, body := getWith(v.t, playlist)
		if resp.StatusCode != 200 {
			continue
		}
		for _, seg := range segmentsOf(v.t, playlist, body) {
			name := seg.uri[strings.LastIndexByte(seg.uri, '/')+1:]
			name, _, _ = strings.Cut(name, "?")
			if v.seen[name] {
				continue
			}
			kr, key := getWith(v.t, seg.key)
			sr, data := getWith(v.t, seg.uri)
			if kr.StatusCode != 200 || sr.StatusCode != 200 {
				if kr.StatusCode == http.StatusPaymentRequired {
					v.t.Fatalf("key %s: 402 with credit left", seg.key)
				}
				break // the next round retries
			}
			if !decryptsTS(key, seg.iv, data) {
				v.t.Fatalf("segment %s does not decrypt into MPEG-TS with its key %s", seg.uri, seg.key)
			}
			v.seen[name] = true
			n, _ := strconv.Atoi(strings.TrimSuffix(name, ".ts"))
			v.seqs = append(v.seqs, n)
		}
	}
}

// decryptsTS reports whether key and iv (hex) open data (AES-128-CBC,
// PKCS#7) into MPEG-TS packets.
func decryptsTS(key []byte, iv string, data []byte) bool {
	ivb, err := hex.DecodeString(iv)
	if len(key) != 16 || err != nil || len(ivb) != 16 || len(data) == 0 || len(data)%16 != 0 {
		return false
	}
	block, _ := aes.NewCipher(key)
	plain := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, ivb).CryptBlocks(plain, data)
	pad := int(plain[len(plain)-1])
	if pad == 0 || pad > 16 {
		return false
	}
	plain = plain[:len(plain)-pad]
	if len(plain) < 188*2 || len(plain)%188 != 0 {
		return false
	}
	for i := 0; i < len(plain); i += 188 {
		if plain[i] != 0x47 {
			return false
		}
	}
	return true
}

// TestClusterServesOneAudience runs three `livegate serve` nodes sharing
// one PostgreSQL ledger behind nginx (Debian's, spreading requests over
// them). The publisher pushes to node 0. Through nginx a viewer pays and
// watches, key requests reaching every node (the others sell the keys of
// node 0's finished segments themselves); 100 requests racing across two
// nodes to spend one channel's last credit never overspend; node 2 is
// killed and the viewer goes on; node 0 is killed (SIGKILL) mid-stream
// and the publisher reconnects to node 1: the viewer goes on watching
// through nginx, under segment numbers that go on. Then node 1 dies too,
// its data directory lost, and a new node plays its recording, paid, from
// object storage (SeaweedFS).
func TestClusterServesOneAudience(t *testing.T) {
	ffmpeg := testenv.Tool(t, "ffmpeg")
	testenv.Tool(t, "nginx")
	pg, s3 := testpg.New(t), tests3.Start(t)
	dir := t.TempDir()
	w := newPaidWorld(t, dir, 2, 1_000_000_000)
	nodes := []*clusterNodeProc{startClusterNode(t, w, pg, s3, dir, 0), startClusterNode(t, w, pg, s3, dir, 1),
		startClusterNode(t, w, pg, s3, dir, 2)}
	ngx := startNginx(t, nodes[0].base, nodes[1].base, nodes[2].base)
	lb := "http://" + ngx.addr

	stopPush := pushTo(t, ffmpeg, nodes[0].rtmp)
	var s session
	if code, msg := post(t, lb+"/pay/demo/session", "", w.voucherJSON(0, 500_000), &s); code != 200 {
		t.Fatalf("session through nginx: %d %s", code, msg)
	}
	v := &clusterViewer{t: t, base: lb, token: s.Token, seen: map[string]bool{}}
	v.watch("four segments through nginx", func() bool { return len(v.seqs) >= 4 })

	// Key requests went to several nodes, and they sold keys.
	sold := map[string]int{}
	for _, e := range ngx.entries() {
		if strings.HasPrefix(e.path, "/key/") && e.status == "200" {
			sold[e.upstream]++
		}
	}
	t.Logf("keys sold through nginx per node: %v", sold)
	// (Round robin over three nodes and three requests a segment, some
	// segments answered from nginx's cache: which nodes get the keys
	// varies, and more than one always does.)
	if len(sold) < 2 {
		t.Errorf("keys sold per node %v: want more than one node selling", sold)
	}

	raceForLastCredit(t, w, nodes[:2])

	// Node 2, which the publisher is not on, dies: nginx sends its
	// viewers' requests to the others, and the viewer goes on.
	if err := nodes[2].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = nodes[2].cmd.Wait()
	watched := len(v.seqs)
	v.watch("two more segments with node 2 dead", func() bool { return len(v.seqs) >= watched+2 })

	// Node 0 dies with its publisher; the publisher comes back on node 1.
	before := v.seqs[len(v.seqs)-1]
	if err := nodes[0].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = nodes[0].cmd.Wait()
	stopPush()
	killed := time.Now()
	stopPush = pushTo(t, ffmpeg, nodes[1].rtmp)
	v.watch("three segments published on node 1", func() bool {
		n := 0
		for _, seq := range v.seqs {
			if seq > before {
				n++
			}
		}
		return n >= 3
	})
	t.Logf("watched %v; node 0 killed after the viewer's %d, the viewer had a new segment %v later",
		v.seqs, before, time.Since(killed).Round(100*time.Millisecond))
	// Node 1 went on past every number node 0 published (had it started
	// again from 0, nothing above would have counted), one after another:
	// no number names two segments, which caches keep as immutable.
	var after []int
	for _, seq := range v.seqs {
		if seq > before {
			after = append(after, seq)
		}
	}
	published, _ := filepath.Glob(filepath.Join(dir, "node0", "archive", "demo", "*", "source", "*.ts"))
	last := -1
	for _, p := range published {
		n, err := strconv.Atoi(strings.TrimSuffix(filepath.Base(p), ".ts"))
		if err == nil && n > last {
			last = n
		}
	}
	if last < before || after[0] <= last {
		t.Errorf("node 0 published up to %d on its disk; node 1 went on at %d (the viewer last saw %d before)", last, after[0], before)
	}
	for i := 1; i < len(after); i++ {
		if after[i] != after[i-1]+1 {
			t.Errorf("segments after the move %v: not one after another", after)
		}
	}

	// The publisher leaves node 1: its recording ends and goes to the
	// bucket. Node 1 dies and its whole data directory is lost; a new
	// node with an empty one sells the recording's keys (their secrets
	// are in PostgreSQL) and serves its segments from the bucket.
	stopPush()
	var rec string
	testenv.Eventually(t, "node 1's recording finished and in the bucket", func() bool {
		var l recordingList
		resp, body := getWith(t, nodes[1].base+"/vod/demo/")
		if resp.StatusCode != 200 || json.Unmarshal(body, &l) != nil || len(l.Recordings) == 0 {
			return false
		}
		last := l.Recordings[len(l.Recordings)-1]
		var health struct{ Archive struct{ UploadBacklog int } }
		_, hb := getWith(t, nodes[1].base+"/healthz")
		rec = last.ID
		return !last.Live && json.Unmarshal(hb, &health) == nil && health.Archive.UploadBacklog == 0 &&
			s3.Object("demo/"+rec+"/recording.json") != nil
	})
	if err := nodes[1].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = nodes[1].cmd.Wait()
	if err := os.RemoveAll(filepath.Join(dir, "node1")); err != nil {
		t.Fatal(err)
	}
	fresh := startClusterNode(t, w, pg, s3, dir, 3)
	vod := fresh.base + "/vod/demo/" + rec + "/source/index.m3u8?token=" + url.QueryEscape(s.Token)
	resp, body := getWith(t, vod)
	segs := segmentsOf(t, vod, body)
	if resp.StatusCode != 200 || len(segs) < 3 {
		t.Fatalf("node 1's recording on a new node: %d\n%s", resp.StatusCode, body)
	}
	for _, seg := range segs[:2] {
		kr, key := getWith(t, seg.key)
		sr, data := getWith(t, seg.uri)
		if kr.StatusCode != 200 || sr.StatusCode != 200 || !decryptsTS(key, seg.iv, data) {
			t.Errorf("%s from the bucket, key %s on a new node: %d, %d, decrypts %v", seg.uri, seg.key, sr.StatusCode, kr.StatusCode,
				decryptsTS(key, seg.iv, data))
		}
	}
}

// raceForLastCredit opens 100 sessions on viewer 1's channel, the last
// voucher leaving credit for five and a half keys, and sends the 100
// sessions' requests for one key at once, half to each node: five are
// sold, and the channel's spending stays within what it paid.
func raceForLastCredit(t *testing.T, w *paidWorld, nodes []*clusterNodeProc) {
	t.Helper()
	// A finished segment's key, and its price (a 402 without a token).
	resp, body := getWith(t, nodes[1].base+"/live/demo/source/index.m3u8")
	segs := segmentsOf(t, nodes[1].base+"/live/demo/source/index.m3u8", body)
	if resp.StatusCode != 200 || len(segs) == 0 {
		t.Fatalf("playlist through node 1: %d\n%s", resp.StatusCode, body)
	}
	keyURL, _, _ := strings.Cut(segs[len(segs)-1].key, "?")
	keyPath := strings.TrimPrefix(keyURL, nodes[1].base)
	resp, _ = getWith(t, nodes[1].base+keyPath)
	price, err := strconv.ParseInt(resp.Header.Get("Livegate-Price"), 10, 64)
	if resp.StatusCode != http.StatusPaymentRequired || err != nil || price <= 0 {
		t.Fatalf("%s without a token on node 1: %d, price %q", keyPath, resp.StatusCode, resp.Header.Get("Livegate-Price"))
	}
	const sessions = 100
	tokens := make([]string, sessions)
	for i := range tokens {
		amount := int64(i + 1)
		if i == sessions-1 {
			amount = 5*price + price/2
		}
		var s session
		if code, msg := post(t, nodes[i%2].base+"/pay/demo/session", "", w.voucherJSON(1, amount), &s); code != 200 {
			t.Fatalf("session %d on node %d: %d %s", i, i%2, code, msg)
		}
		tokens[i] = s.Token
	}
	codes := make([]int, sessions)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, err := http.Get(nodes[i%2].base + keyPath + "?token=" + url.QueryEscape(tokens[i]))
			if err != nil {
				return
			}
			resp.Body.Close()
			codes[i] = resp.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	count := map[int]int{}
	for _, c := range codes {
		count[c]++
	}
	t.Logf("100 sessions racing for the last credit (%d wei, a key %d wei), half on each node: %v", 5*price+price/2, price, count)
	if count[200] != 5 || count[http.StatusPaymentRequired] != sessions-5 {
		t.Errorf("answers %v: want 5 keys sold and 95 refused", count)
	}
	// What the ledger holds, as either node reports it.
	for i, n := range nodes {
		var terms struct {
			Channels []struct{ Channel, Paid, Spent string }
		}
		signer := crypto.PubkeyToAddress(w.viewers[1].PublicKey).Hex()
		resp, body := getWith(t, n.base+"/pay/demo/terms?signer="+signer+"&channel="+w.channels[1].Hex())
		if err := json.Unmarshal(body, &terms); resp.StatusCode != 200 || err != nil || len(terms.Channels) != 1 {
			t.Fatalf("terms on node %d: %d %v %s", i, resp.StatusCode, err, body)
		}
		c := terms.Channels[0]
		if c.Paid != fmt.Sprint(5*price+price/2) || c.Spent != fmt.Sprint(5*price) {
			t.Errorf("node %d reports paid %s, spent %s; want %d and %d", i, c.Paid, c.Spent, 5*price+price/2, 5*price)
		}
	}
}
