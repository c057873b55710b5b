package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
)

// TestHostileClientsLeaveTheServerStanding runs `livegate serve` with a
// paid stream transcoded into a rendition, publishes to it with ffmpeg,
// and then tries what an attacker would before and around
// authentication: a nested AMF0 command of megabytes, thousands of
// half-sent RTMP messages on as many chunk streams, format-heavy WHIP
// offers with a wrong key, thousands of HTTP connections that never
// finish their bodies, and floods of malformed and forged vouchers from
// one address. The process must stay up, the stream keep playing with
// its rendition, a viewer on the attacker's address keep paying, and the
// server's file descriptors and heap come back once the attackers are
// gone.
func TestHostileClientsLeaveTheServerStanding(t *testing.T) {
	ffmpeg := testenv.Tool(t, "ffmpeg")
	dir := t.TempDir()
	w := newPaidWorld(t, dir, 2, 1_000_000_000)
	httpAddr, rtmpAddr := freeAddr(t), freeAddr(t)
	config := writeConfig(t, fmt.Sprintf(`
http: %s
rtmp: %s
rtsp: %s
data: %s
reconnectGrace: 0s
chain: {rpc: %s, contract: "%s", key: %s, confirmations: 1}
admin: {token: hostile-test-admin-token}
transcoder: {mode: local, ladder: [P144p30fps16x9]}
streams:
  - {name: demo, key: demo-stream-key, pricePerSecond: "%d"}
`, httpAddr, rtmpAddr, freeAddr(t), filepath.Join(dir, "data"), w.dev.URL, w.client.Address.Hex(), w.keyFile, testPrice))
	srv := startServe(t, config, httpAddr)
	pid := srv.cmd.Process.Pid

	// The stream published before the attack: the clip looped, in real time.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	push := exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "40",
		"-i", testmedia.ClipPath(), "-c", "copy", "-f", "flv", "rtmp://"+rtmpAddr+"/live/demo-stream-key")
	pushLog := &testenv.LogBuffer{}
	push.Stdout, push.Stderr = pushLog, pushLog
	if err := push.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); _ = push.Wait() }()
	playing := func(rendition string) func() bool {
		return func() bool {
			_, body := getFrom(t, "127.0.0.200", srv.base+"/live/demo/"+rendition+"/index.m3u8")
			return strings.Contains(body, ".ts")
		}
	}
	testenv.Eventually(t, "the source is listed", playing("source"))
	testenv.Eventually(t, "the rendition is listed", playing("P144p30fps16x9"))

	// A viewer on the attacker's address opens its session first.
	var s session
	if code, msg := post(t, srv.base+"/pay/demo/session", "", w.voucherJSON(0, 100_000), &s); code != 200 {
		t.Fatalf("session before the attack: %d %s", code, msg)
	}
	baseFDs, baseHeap := openFDs(t, pid), heapInUse(t, srv.base)
	t.Logf("before: %d fds, heap %d MiB", baseFDs, baseHeap>>20)

	// 1. One RTMP connect command nesting AMF0 objects a million deep.
	nested := rtmpDial(t, rtmpAddr)
	cmd := amf0Connect()
	cmd = append(cmd, bytes.Repeat([]byte{0x00, 0x01, 'a', 0x03}, 1<<20)...)
	_ = rtmpMessage(nested, 3, 20, cmd) // the server may close mid-way: that is the point
	expectClosed(t, nested)

	// 2. Half-sent messages on thousands of chunk streams, four connections.
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := rtmpDial(t, rtmpAddr)
			for csid := 64; csid < 64+3000; csid++ {
				if rtmpPartial(c, csid, 8<<20) != nil {
					break // refused
				}
			}
			expectClosed(t, c)
		}()
	}
	wg.Wait()

	// 3. Format-heavy WHIP offers with a wrong key.
	for range 2 {
		req, _ := http.NewRequest("POST", srv.base+"/whip/demo", strings.NewReader(heavyOffer(60<<10)))
		req.Header.Set("Authorization", "Bearer not-the-key")
		req.Header.Set("Content-Type", "application/sdp")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("a wrong-key WHIP offer: %d", resp.StatusCode)
		}
	}

	// 4. Thousands of connections that never finish a request body, from
	// one address past its cap and from three more.
	var trickle []net.Conn
	refused := 0
	for i, n := range []int{700, 400, 400, 400} {
		local := fmt.Sprintf("127.0.0.%d", i+1)
		for range n {
			c := testenv.DialFrom(t, local, httpAddr)
			fmt.Fprintf(c, "POST /pay/demo/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
			trickle = append(trickle, c)
		}
	}
	// Those over the per-client cap were answered 503 at once.
	var mu sync.Mutex
	by := time.Now().Add(2 * time.Second)
	for _, c := range trickle[:700] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = c.SetReadDeadline(by)
			if line, err := bufio.NewReader(c).ReadString('\n'); err == nil && strings.Contains(line, " 503 ") {
				mu.Lock()
				refused++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if refused == 0 {
		t.Errorf("700 connections from one address: none refused")
	}
	peakFDs := openFDs(t, pid)
	t.Logf("during: %d fds, %d of 700 from one address refused", peakFDs, refused)
	if code, _ := getFrom(t, "127.0.0.201", srv.base+"/healthz"); code != 200 {
		t.Errorf("/healthz during the trickle: %d", code)
	}

	// 5. Malformed vouchers from the viewer's address do not lock it out;
	// forged ones lock out new sessions there, never its good session.
	for range 200 {
		if code, _ := post(t, srv.base+"/pay/demo/session", "", []byte(`{"channel":`), nil); code != 400 {
			t.Fatalf("a malformed voucher: %d", code)
		}
	}
	var s1 session
	if code, msg := post(t, srv.base+"/pay/demo/session", "", w.voucherJSON(1, 50_000), &s1); code != 200 {
		t.Errorf("a new session after 200 malformed bodies from the same address: %d %s", code, msg)
	}
	v, err := w.client.Domain.Sign(w.viewers[0], w.channels[1], big.NewInt(60_000)) // the wrong signer
	if err != nil {
		t.Fatal(err)
	}
	forged, _ := json.Marshal(map[string]string{"channel": v.Channel.Hex(), "amount": v.Amount.String(), "signature": hexutil.Encode(v.Signature)})
	for range 21 {
		post(t, srv.base+"/pay/demo/session", "", forged, nil)
	}
	if code, _ := post(t, srv.base+"/pay/demo/session", "", w.voucherJSON(1, 70_000), nil); code != http.StatusTooManyRequests {
		t.Errorf("a new session from the forger's address after 21 forgeries: %d, want 429", code)
	}
	if code, msg := post(t, srv.base+"/pay/demo/voucher", s.Token, w.voucherJSON(0, 200_000), &s); code != 200 {
		t.Errorf("the viewer in good standing tops up from the forger's address: %d %s", code, msg)
	}

	// Everything else carries on.
	if code, _ := getFrom(t, "127.0.0.202", srv.base+"/healthz"); code != 200 {
		t.Errorf("/healthz after the attacks: %d", code)
	}
	if err := syscall.Kill(pid, 0); err != nil {
		t.Fatalf("livegate serve is gone: %v", err)
	}
	for _, r := range []string{"source", "P144p30fps16x9"} {
		first := lastSegment(t, srv.base, r)
		testenv.Eventually(t, r+" goes on after the attacks", func() bool { return lastSegment(t, srv.base, r) != first })
	}
	// The server ends trickled requests itself (ReadTimeout): keep the
	// second address's 400 open and see them closed; drop the rest.
	var stayed atomic.Bool
	for _, c := range trickle[700:1100] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = c.SetReadDeadline(time.Now().Add(45 * time.Second))
			_, err := io.Copy(io.Discard, c)
			if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
				stayed.Store(true)
			}
		}()
	}
	for _, c := range append(trickle[:700:700], trickle[1100:]...) {
		_ = c.Close()
	}
	wg.Wait()
	if stayed.Load() {
		t.Errorf("a trickling connection stayed open for 45 s: request bodies have no deadline")
	}
	// The server's descriptors and heap come back (ReadTimeout ends the
	// trickled requests that were let in, at the latest).
	eventuallyWithin(t, time.Minute, "file descriptors back near their level", func() bool { return openFDs(t, pid) <= baseFDs+32 })
	eventuallyWithin(t, time.Minute, "heap back near its level", func() bool { return heapInUse(t, srv.base) <= baseHeap+96<<20 })
	for _, want := range []string{"http: connection refused: this client holds its maximum of 512 http connections"} {
		if !strings.Contains(srv.logs.String(), want) {
			t.Errorf("the log does not say %q", want)
		}
	}
	// The viewer's token shared with another client network: the same
	// key is charged again there, once, and not again from the first.
	mediaURL := srv.base + "/live/demo/source/index.m3u8?token=" + url.QueryEscape(s.Token)
	_, pl := getFrom(t, "127.0.0.1", mediaURL)
	segs := segmentsOf(t, mediaURL, []byte(pl))
	if len(segs) == 0 {
		t.Fatalf("no segments listed: %s", pl)
	}
	key := segs[len(segs)-1].key
	spent := func(from string) (int64, int64) {
		t.Helper()
		c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: dialerFrom(from).DialContext}}
		resp, err := c.Get(key)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(b) != 16 {
			t.Fatalf("%s fetching %s: %d, %d bytes", from, key, resp.StatusCode, len(b))
		}
		sp, err1 := strconv.ParseInt(resp.Header.Get("Livegate-Spent"), 10, 64)
		pr, err2 := strconv.ParseInt(resp.Header.Get("Livegate-Price"), 10, 64)
		if err1 != nil || err2 != nil || pr <= 0 {
			t.Fatalf("%s fetching %s: no spent or price: %v", from, key, resp.Header)
		}
		return sp, pr
	}
	first, price := spent("127.0.0.1")
	if again, _ := spent("127.0.0.1"); again != first {
		t.Errorf("the same viewer refetching was charged: %d then %d", first, again)
	}
	if other, _ := spent("127.0.1.1"); other != first+price {
		t.Errorf("a second network with the same token: spent %d, want %d + %d", other, first, price)
	}
	if again, _ := spent("127.0.1.9"); again != first+price {
		t.Errorf("the second network refetching was charged: %d", again)
	}

	t.Logf("after: %d fds, heap %d MiB", openFDs(t, pid), heapInUse(t, srv.base)>>20)
}

func eventuallyWithin(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func openFDs(t *testing.T, pid int) int {
	t.Helper()
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// heapInUse reads the server's go_memstats_heap_inuse_bytes.
func heapInUse(t *testing.T, base string) int64 {
	t.Helper()
	_, body := getFrom(t, "127.0.0.203", base+"/metrics")
	v, err := strconv.ParseFloat(metric([]byte(body), "go_memstats_heap_inuse_bytes"), 64)
	if err != nil {
		t.Fatalf("no heap figure on /metrics: %v", err)
	}
	return int64(v)
}

func lastSegment(t *testing.T, base, rendition string) string {
	_, body := getFrom(t, "127.0.0.204", base+"/live/demo/"+rendition+"/index.m3u8")
	lines := strings.Fields(body)
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasSuffix(strings.SplitN(lines[i], "?", 2)[0], ".ts") {
			return lines[i]
		}
	}
	return ""
}

func getFrom(t *testing.T, local, url string) (int, string) {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
	resp, err := c.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// rtmpDial connects and shakes hands as RTMP's simple handshake has it:
// C0 C1, read S0 S1 S2, C2 echoing S1.
func rtmpDial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	_ = c.SetDeadline(time.Now().Add(20 * time.Second))
	c1 := make([]byte, 1+1536)
	c1[0] = 3
	_, _ = rand.Read(c1[9:])
	if _, err := c.Write(c1); err != nil {
		t.Fatal(err)
	}
	s := make([]byte, 1+1536+1536)
	if _, err := io.ReadFull(c, s); err != nil {
		t.Fatalf("rtmp handshake: %v", err)
	}
	if _, err := c.Write(s[1 : 1+1536]); err != nil {
		t.Fatal(err)
	}
	return c
}

// chunkBasic is a chunk's basic header for chunk stream csid.
func chunkBasic(format byte, csid int) []byte {
	if csid < 64 {
		return []byte{format<<6 | byte(csid)}
	}
	return []byte{format << 6, byte(csid - 64)}
}

// rtmpMessage sends one message in 128-byte chunks.
func rtmpMessage(c net.Conn, csid int, typeID byte, payload []byte) error {
	var b bytes.Buffer
	b.Write(chunkBasic(0, csid))
	b.Write([]byte{0, 0, 0, byte(len(payload) >> 16), byte(len(payload) >> 8), byte(len(payload)), typeID, 0, 0, 0, 0})
	for i := 0; i < len(payload); i += 128 {
		if i > 0 {
			b.Write(chunkBasic(3, csid))
		}
		b.Write(payload[i:min(i+128, len(payload))])
		if b.Len() > 64<<10 {
			if _, err := c.Write(b.Bytes()); err != nil {
				return err
			}
			b.Reset()
		}
	}
	_, err := c.Write(b.Bytes())
	return err
}

// rtmpPartial starts a message of length bytes on chunk stream csid and
// sends its first chunk only.
func rtmpPartial(c net.Conn, csid, length int) error {
	var b bytes.Buffer
	b.Write(chunkBasic(0, csid))
	b.Write([]byte{0, 0, 0, byte(length >> 16), byte(length >> 8), byte(length), 9, 1, 0, 0, 0})
	b.Write(make([]byte, 128))
	_, err := c.Write(b.Bytes())
	return err
}

// amf0Connect is the start of a connect command: its name and
// transaction id.
func amf0Connect() []byte {
	b := []byte{0x02, 0, 7}
	b = append(b, "connect"...)
	b = append(b, 0x00)
	return binary.BigEndian.AppendUint64(b, math.Float64bits(1))
}

// expectClosed waits (bounded) for the server to close c.
func expectClosed(t *testing.T, c net.Conn) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
	_, err := io.Copy(io.Discard, c)
	if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
		t.Errorf("the server kept a hostile RTMP connection open for 30 s")
	}
}

// heavyOffer is an SDP offer of about size bytes, most of it formats and
// attributes.
func heavyOffer(size int) string {
	var b strings.Builder
	b.WriteString("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n")
	for m := 0; b.Len() < size; m++ {
		b.WriteString("m=video 9 UDP/TLS/RTP/SAVPF")
		for pt := 96; pt < 128; pt++ {
			b.WriteString(" " + strconv.Itoa(pt))
		}
		b.WriteString("\r\nc=IN IP4 0.0.0.0\r\na=mid:" + strconv.Itoa(m) + "\r\n")
		for pt := 96; pt < 128 && b.Len() < size; pt++ {
			fmt.Fprintf(&b, "a=rtpmap:%d H264/90000\r\na=fmtp:%d profile-level-id=42e01f;packetization-mode=1\r\na=rtcp-fb:%d nack\r\n", pt, pt, pt)
		}
	}
	return b.String()
}

// dialerFrom dials from a chosen loopback address.
func dialerFrom(local string) *net.Dialer {
	return &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 10 * time.Second}
}
