package main

import (
	"bytes"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/chain"
	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
	"github.com/livegate/livegate/internal/testpg"
)

// TestMain lets the tests run this test binary as the livegate command
// itself: with LIVEGATE_TEST_MAIN=1 it is livegate, not a test.
func TestMain(m *testing.M) {
	if os.Getenv("LIVEGATE_TEST_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	testpg.Main(m) // runs the tests, then stops the test PostgreSQL if one was started

}

type devProcess struct {
	cmd            *exec.Cmd
	stdout, stderr *testenv.LogBuffer
	info           devInfo
}

// startDev runs `livegate dev` as its own process on free loopback ports,
// as `make run` does, and waits for dev.json.
func startDev(t *testing.T, data string) *devProcess {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	_ = os.Remove(filepath.Join(data, "dev.json"))
	p := &devProcess{stdout: &testenv.LogBuffer{}, stderr: &testenv.LogBuffer{}}
	p.cmd = exec.Command(self, "dev", "--data", data, "--http", "127.0.0.1:0", "--rtmp", "127.0.0.1:0", "--rtsp", "127.0.0.1:0", "--rpc", "127.0.0.1:0")
	p.cmd.Env = append(os.Environ(), "LIVEGATE_TEST_MAIN=1")
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	launched := time.Now()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
		if t.Failed() {
			t.Logf("stdout:\n%s\nstderr:\n%s", p.stdout, p.stderr)
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, err := os.ReadFile(filepath.Join(data, "dev.json"))
		if err == nil && json.Unmarshal(b, &p.info) == nil && strings.Contains(p.stdout.String(), "Ctrl-C") {
			// For BENCHMARKS.md: start to ready, chain and channels included.
			if _, after, ok := strings.Cut(p.stderr.String(), `msg="dev: ready" in=`); ok {
				t.Logf("livegate dev ready in %s by its log, dev.json seen %v after exec", strings.Fields(after)[0],
					time.Since(launched).Round(time.Millisecond))
			}
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("livegate dev did not come up: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop sends Ctrl-C and expects a clean exit.
func (p *devProcess) stop(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("livegate dev exited with %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("livegate dev did not stop on SIGINT")
	}
}

func TestDevCommand(t *testing.T) {
	ffmpeg := testenv.Tool(t, "ffmpeg")
	data := t.TempDir()
	p := startDev(t, data)
	info := p.info
	if len(info.Streams) != 2 || info.Streams[0].Name != "demo" || len(info.Streams[0].Key) < 16 || info.Streams[0].PricePerSecond == "" ||
		info.Streams[1].Name != "demo-usd" || info.Streams[1].Token != info.Stablecoin || info.Stablecoin == "" {
		t.Fatalf("dev.json streams %+v (stablecoin %s)", info.Streams, info.Stablecoin)
	}
	if !strings.HasPrefix(info.RTMP, "rtmp://127.0.0.1:") || !strings.HasSuffix(info.RTMP, "/live") || !strings.HasPrefix(info.HTTP, "http://127.0.0.1:") {
		t.Errorf("dev.json addresses %q %q", info.HTTP, info.RTMP)
	}
	out := p.stdout.String()
	for _, want := range []string{info.RTMP, info.Streams[0].Key, info.HTTP + "/live/demo/ts.m3u8?token=",
		info.Viewers[0].WatchURL, info.HTTP + "/publish/demo", info.HTTP + "/dashboard#token=" + info.AdminToken,
		info.Viewers[0].USDWatchURL, "0.03 USDL a minute"} {
		if !strings.Contains(out, want) {
			t.Errorf("the banner does not show %q:\n%s", want, out)
		}
	}
	resp, err := http.Get(info.HTTP + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", err, resp)
	}
	var health struct {
		Chain struct {
			Channels int
			Error    string
		}
	}
	_ = json.NewDecoder(resp.Body).Decode(&health)
	resp.Body.Close()
	if health.Chain.Channels != 2*len(info.Viewers) || health.Chain.Error != "" {
		t.Errorf("healthz chain %+v, want %d channels watched (one in ETH, one in USDL per viewer)", health.Chain, 2*len(info.Viewers))
	}
	checkDevChainFromOutside(t, info)
	for _, v := range info.Viewers {
		if v.WatchURL != info.HTTP+"/watch/demo#k="+v.PrivateKey+"&c="+v.Channel {
			t.Errorf("viewer %s's watch URL %q", v.Address, v.WatchURL)
		}
	}

	// What the banner tells a user to do, with ffmpeg standing in for OBS.
	push, err := exec.Command(ffmpeg, "-hide_banner", "-loglevel", "error", "-i", testmedia.ClipPath(),
		"-c", "copy", "-f", "flv", info.RTMP+"/"+info.Streams[0].Key).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg push: %v\n%s", err, push)
	}
	// ffmpeg is done once the server's kernel has the bytes; the server may
	// still be reading them.
	var body []byte
	deadline := time.Now().Add(20 * time.Second)
	for !bytes.Contains(body, []byte("\n2.ts")) { // the clip's third and last segment
		if time.Now().After(deadline) {
			t.Fatalf("the pushed clip never reached the live playlist:\n%s", body)
		}
		time.Sleep(20 * time.Millisecond)
		if resp, err = http.Get(info.HTTP + "/live/demo/source/index.m3u8"); err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	// The banner's watch link plays as it is: a session paid by a demo
	// viewer, its token in every key's URI.
	watch := regexp.MustCompile(`http://\S+/live/demo/ts\.m3u8\?token=\S+`).FindString(out)
	_, master := getWith(t, watch) //nolint:bodyclose // Get read and closed it
	media := uris(t, watch, master)
	if len(media) != 1 {
		t.Fatalf("master playlist behind the watch link: %s", master)
	}
	_, mb := getWith(t, media[0]) //nolint:bodyclose // Get read and closed it
	listed := segmentsOf(t, media[0], mb)
	for i, seg := range listed {
		resp, _ := getWith(t, seg.key)
		if resp.StatusCode != 200 || resp.Header.Get("Livegate-Spent") == "" {
			t.Errorf("key %d through the watch link: %d %v", i, resp.StatusCode, resp.Header)
		}
	}
	if len(listed) == 0 {
		t.Fatal("no segments behind the watch link")
	}
	if resp, _ := getWith(t, strings.Split(listed[0].key, "?")[0]); resp.StatusCode != http.StatusPaymentRequired {
		t.Errorf("a key without a token: %d, want 402", resp.StatusCode)
	}
	if !strings.Contains(out, "proxy_cache livegate;") || !strings.Contains(out, "any CDN") {
		t.Errorf("the banner does not tell that caches may carry the segments:\n%s", out)
	}
	p.stop(t)
	if !strings.Contains(p.stderr.String(), "shutting down") {
		t.Error("no shutdown logged")
	}

	// The key pasted into OBS, the contract and the channels survive a restart.
	p = startDev(t, data)
	if p.info.Streams[0].Key != info.Streams[0].Key || p.info.Contract != info.Contract ||
		p.info.Viewers[0].Channel != info.Viewers[0].Channel {
		t.Errorf("dev state changed across restarts:\n%+v\n%+v", info, p.info)
	}
	checkDevChainFromOutside(t, p.info)
	p.stop(t)
}

// jsonRPC is an outside client of the dev chain: plain JSON-RPC over HTTP,
// what curl or a wallet sends.
func jsonRPC(t *testing.T, url, method string, params ...any) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Result string
		Error  *struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Error != nil {
		t.Fatalf("%s: %v %+v", method, err, out.Error)
	}
	return out.Result
}

// checkDevChainFromOutside reads the contract and the demo viewers'
// channels over the dev chain's JSON-RPC.
func checkDevChainFromOutside(t *testing.T, info devInfo) {
	t.Helper()
	if info.ChainID != 1337 || jsonRPC(t, info.RPC, "eth_chainId") != "0x539" {
		t.Errorf("chain id %d", info.ChainID)
	}
	if code := jsonRPC(t, info.RPC, "eth_getCode", info.Contract, "latest"); len(code) < 1000 {
		t.Fatalf("no contract at %s: %s", info.Contract, code)
	}
	if len(info.Viewers) != 3 {
		t.Fatalf("%d demo viewers", len(info.Viewers))
	}
	abi := chain.ABI()
	for _, v := range info.Viewers {
		key, err := crypto.HexToECDSA(strings.TrimPrefix(v.PrivateKey, "0x"))
		if err != nil || crypto.PubkeyToAddress(key.PublicKey).Hex() != v.Address {
			t.Errorf("viewer %s: key does not match (%v)", v.Address, err)
		}
		data, _ := abi.Pack("channel", common.HexToHash(v.Channel))
		res := jsonRPC(t, info.RPC, "eth_call", map[string]string{"to": info.Contract, "data": hexutil.Encode(data)}, "latest")
		out, err := abi.Unpack("channel", hexutil.MustDecode(res))
		if err != nil {
			t.Fatal(err)
		}
		got := out[0].(struct {
			Funder  common.Address `json:"funder"`
			Signer  common.Address `json:"signer"`
			Expiry  uint64         `json:"expiry"`
			Payee   common.Address `json:"payee"`
			Token   common.Address `json:"token"`
			Deposit *big.Int       `json:"deposit"`
			Claimed *big.Int       `json:"claimed"`
		})
		if got.Payee.Hex() != info.Payee || got.Signer.Hex() != v.Address || got.Token != (common.Address{}) || got.Deposit.String() != v.Deposit || got.Deposit.Sign() == 0 {
			t.Errorf("viewer %s's channel on chain: %+v", v.Address, got)
		}
	}
}

func TestCommandLine(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"version"}, &out, &errOut); code != 0 || !strings.HasPrefix(out.String(), "livegate ") {
		t.Errorf("version: %d %q", code, out.String())
	}
	if code := run([]string{"frobnicate"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), `unknown command "frobnicate"`) {
		t.Errorf("unknown command: %d %q", code, errOut.String())
	}
	errOut.Reset()
	if code := run([]string{"serve", "--config", filepath.Join(t.TempDir(), "nope.yml")}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "nope.yml") {
		t.Errorf("serve with a missing config: %d %q", code, errOut.String())
	}
	if code := run(nil, &out, &errOut); code != 2 {
		t.Errorf("no command: %d", code)
	}
}
