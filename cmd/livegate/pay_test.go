package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/chain"
	"github.com/livegate/livegate/chain/devchain"
	"github.com/livegate/livegate/internal/testenv"
)

// paidWorld is a dev chain with the contract, a payee whose key the server
// holds, and viewers with channels, for servers started on it.
type paidWorld struct {
	t        *testing.T
	dev      *devchain.Chain
	client   *chain.Client
	payee    *ecdsa.PrivateKey
	keyFile  string
	viewers  []*ecdsa.PrivateKey
	channels []common.Hash
	ctx      context.Context
	// payeeStart is the payee's balance before any claim.
	payeeStart *big.Int
}

// claims adds up every Claimed event paying payee and the fees its claim
// transactions cost.
func (w *paidWorld) claims(payee common.Address) (paid, fees *big.Int) {
	w.t.Helper()
	paid, fees = new(big.Int), new(big.Int)
	it, err := w.client.Contract().FilterClaimed(&bind.FilterOpts{Context: w.ctx}, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	defer it.Close()
	seen := map[common.Hash]bool{} // a batched claim pays several channels in one transaction: its fee counts once
	for it.Next() {
		paid.Add(paid, it.Event.Paid)
		if seen[it.Event.Raw.TxHash] {
			continue
		}
		seen[it.Event.Raw.TxHash] = true
		rc, err := w.dev.Client.TransactionReceipt(w.ctx, it.Event.Raw.TxHash)
		if err != nil {
			w.t.Fatal(err)
		}
		fees.Add(fees, new(big.Int).Mul(new(big.Int).SetUint64(rc.GasUsed), rc.EffectiveGasPrice))
	}
	return paid, fees
}

const testPrice = 1000 // wei per second: a 2 s segment costs 2000

func newPaidWorld(t *testing.T, dir string, viewers int, deposit int64) *paidWorld {
	t.Helper()
	w := &paidWorld{t: t, ctx: context.Background()}
	w.payee, _ = crypto.GenerateKey()
	alloc := types.GenesisAlloc{crypto.PubkeyToAddress(w.payee.PublicKey): {Balance: new(big.Int).Lsh(big.NewInt(1), 80)}}
	for range viewers {
		k, _ := crypto.GenerateKey()
		w.viewers = append(w.viewers, k)
		alloc[crypto.PubkeyToAddress(k.PublicKey)] = types.Account{Balance: new(big.Int).Lsh(big.NewInt(1), 80)}
	}
	var err error
	if w.dev, err = devchain.Start(devchain.Config{Addr: "127.0.0.1:0", DataDir: filepath.Join(dir, "chain"), Alloc: alloc}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.dev.Close() })
	if w.client, err = chain.Deploy(w.ctx, w.dev.Client, w.payee, nil); err != nil {
		t.Fatal(err)
	}
	for _, k := range w.viewers {
		id, _, err := w.client.Open(w.ctx, k, crypto.PubkeyToAddress(k.PublicKey), crypto.PubkeyToAddress(w.payee.PublicKey),
			time.Now().Add(24*time.Hour), big.NewInt(deposit))
		if err != nil {
			t.Fatal(err)
		}
		w.channels = append(w.channels, id)
	}
	w.keyFile = filepath.Join(dir, "payee.key")
	if err := crypto.SaveECDSA(w.keyFile, w.payee); err != nil {
		t.Fatal(err)
	}
	return w
}

// configure points a server config at this world and prices "demo".
func (w *paidWorld) configure(cfg *Config) {
	cfg.Chain = ChainConfig{RPC: w.dev.URL, Contract: w.client.Address.Hex(), Key: w.keyFile, Confirmations: 1, SettleMargin: Duration(time.Hour)}
	cfg.Admin.Token = "test-admin-token-0123456789"
	cfg.Streams = []StreamConfig{{Name: "demo", Key: "demo-stream-key", PricePerSecond: fmt.Sprint(testPrice)}, testStreams[1]}
}

// voucherJSON signs a cumulative voucher of viewer i for amount wei.
func (w *paidWorld) voucherJSON(i int, amount int64) []byte {
	v, err := w.client.Domain.Sign(w.viewers[i], w.channels[i], big.NewInt(amount))
	if err != nil {
		w.t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]string{"channel": v.Channel.Hex(), "amount": v.Amount.String(), "signature": hexutil.Encode(v.Signature)})
	return b
}

func (w *paidWorld) voucherHeader(i int, amount int64) string {
	v, _ := w.client.Domain.Sign(w.viewers[i], w.channels[i], big.NewInt(amount))
	return fmt.Sprintf("%s:%s:%s", v.Channel.Hex(), v.Amount, hexutil.Encode(v.Signature))
}

type session struct {
	Token, Expires, Channel, Paid, Spent, PricePerSecond string
}

// post sends JSON and decodes the answer into out (when 200).
func post(t *testing.T, url, bearer string, body []byte, out any) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == 200 && out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s: %v: %s", url, err, b)
		}
	}
	return resp.StatusCode, string(b)
}

func getWith(t *testing.T, rawURL string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	return testenv.Get(t, http.MethodGet, rawURL, hdr...)
}

// uris lists a playlist's URIs, resolved against its own URL, as a player
// resolves them.
func uris(t *testing.T, base string, playlist []byte) []string {
	t.Helper()
	b, _ := url.Parse(base)
	var out []string
	for _, line := range strings.Split(string(playlist), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		u, err := b.Parse(line)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, u.String())
	}
	return out
}

// listedSegment is a media playlist's segment as a player reads it: its
// URI and its key's URI and IV, resolved against the playlist's URL.
type listedSegment struct {
	uri, key string
	iv       string // hex, without 0x
}

func segmentsOf(t *testing.T, base string, playlist []byte) []listedSegment {
	t.Helper()
	b, _ := url.Parse(base)
	var out []listedSegment
	var key, iv string
	for _, line := range strings.Split(string(playlist), "\n") {
		line = strings.TrimSpace(line)
		if attrs, ok := strings.CutPrefix(line, "#EXT-X-KEY:"); ok {
			m := regexp.MustCompile(`URI="([^"]*)"`).FindStringSubmatch(attrs)
			v := regexp.MustCompile(`IV=0x([0-9a-f]{32})`).FindStringSubmatch(attrs)
			if m == nil || v == nil || !strings.Contains(attrs, "METHOD=AES-128") {
				t.Fatalf("key tag %q", line)
			}
			u, err := b.Parse(m[1])
			if err != nil {
				t.Fatal(err)
			}
			key, iv = u.String(), v[1]
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		u, err := b.Parse(line)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, listedSegment{uri: u.String(), key: key, iv: iv})
	}
	return out
}

// decrypts reports whether key opens seg as HLS AES-128 (openssl
// aes-128-cbc, PKCS#7 padding) into media ffprobe decodes, and how many
// video frames it found.
func decrypts(t *testing.T, seg listedSegment, data, key []byte) (int, bool) {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.ts"), filepath.Join(dir, "out.ts")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(testenv.Tool(t, "openssl"), "aes-128-cbc", "-d", "-K", hex.EncodeToString(key), "-iv", seg.iv, "-in", in, "-out", out)
	if err := cmd.Run(); err != nil {
		return 0, false
	}
	return decodedFrames(t, out)
}

// decodedFrames counts the video frames ffprobe decodes in a file; false
// when it finds no video stream it can read.
func decodedFrames(t *testing.T, path string) (int, bool) {
	t.Helper()
	out, err := exec.Command(testenv.Tool(t, "ffprobe"), "-v", "error", "-select_streams", "v:0", "-count_frames",
		"-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path).Output()
	if err != nil {
		return 0, false
	}
	// The stream is listed under its program and on its own: "60\n\n60\n".
	f := strings.Fields(string(out))
	if len(f) == 0 {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(f[0], ","))
	return n, err == nil && n > 0
}

// TestEndToEndPaidStream: a priced stream's segments are public and
// encrypted, its keys are sold by the paying protocol, and a recording's
// keys are its live keys.
func TestEndToEndPaidStream(t *testing.T) {
	dir := t.TempDir()
	w := newPaidWorld(t, dir, 1, 1_000_000)
	w.payeeStart, _ = w.dev.Client.BalanceAt(w.ctx, crypto.PubkeyToAddress(w.payee.PublicKey), nil)
	e := startE2EWith(t, filepath.Join(dir, "data"), w.configure)
	e.publishClip("demo")
	e.publishClip("stage2") // free: the same clip in the clear

	// The segments need no token, any cache may keep them, and without
	// their keys they are noise to ffprobe.
	resp, seg0 := getWith(t, e.base+"/live/demo/source/0.ts")
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Fatalf("a public segment: %d %v", resp.StatusCode, resp.Header)
	}
	enc := filepath.Join(dir, "encrypted.ts")
	if err := os.WriteFile(enc, seg0, 0o600); err != nil {
		t.Fatal(err)
	}
	if n, ok := decodedFrames(t, enc); ok {
		t.Fatalf("ffprobe decoded %d frames of an encrypted segment", n)
	}

	// The playlist names each segment's key.
	_, plain := getWith(t, e.base+"/live/demo/source/index.m3u8")
	listed := segmentsOf(t, e.base+"/live/demo/source/index.m3u8", plain)
	if len(listed) != 3 || !strings.HasSuffix(listed[0].key, "/key/demo/"+e.recordings("demo").Recordings[0].ID+"/0") {
		t.Fatalf("segments and keys: %+v", listed)
	}
	// Without a token, a key costs a 402 saying how to pay.
	resp, body := getWith(t, listed[0].key)
	if resp.StatusCode != http.StatusPaymentRequired || resp.Header.Get("Livegate-Price") != "2000" ||
		resp.Header.Get("Livegate-Payee") != crypto.PubkeyToAddress(w.payee.PublicKey).Hex() ||
		resp.Header.Get("Livegate-Contract") != w.client.Address.Hex() || resp.Header.Get("Livegate-Chain-Id") != "1337" {
		t.Fatalf("no token: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	var facts map[string]any
	if err := json.Unmarshal(body, &facts); err != nil || facts["domain"].(map[string]any)["verifyingContract"] != w.client.Address.Hex() {
		t.Errorf("402 body: %s", body)
	}

	// A session with credit for one segment.
	var s session
	if code, msg := post(t, e.base+"/pay/demo/session", "", w.voucherJSON(0, 2500), &s); code != 200 {
		t.Fatalf("session: %d %s", code, msg)
	}
	if s.Paid != "2500" || s.Spent != "0" || s.PricePerSecond != fmt.Sprint(testPrice) || s.Channel != w.channels[0].Hex() {
		t.Errorf("session %+v", s)
	}
	// The player follows tokenized playlists: master -> media -> keys;
	// the segments' URIs stay public.
	masterURL := e.base + "/live/demo/index.m3u8?token=" + url.QueryEscape(s.Token)
	_, master := getWith(t, masterURL)
	media := uris(t, masterURL, master)
	if len(media) != 1 || !strings.Contains(media[0], "token=") {
		t.Fatalf("master playlist URIs: %v", media)
	}
	_, mediaBody := getWith(t, media[0])
	segs := segmentsOf(t, media[0], mediaBody)
	if len(segs) != 3 || strings.Contains(segs[0].uri, "token") || !strings.Contains(segs[0].key, "token=") {
		t.Fatalf("media playlist: %+v", segs)
	}
	resp, key0 := getWith(t, segs[0].key)
	if resp.StatusCode != 200 || len(key0) != 16 || resp.Header.Get("Livegate-Spent") != "2000" || resp.Header.Get("Cache-Control") != "no-store" ||
		resp.Header.Get("Livegate-Paid") != "2500" || resp.Header.Get("Livegate-Channel") != w.channels[0].Hex() {
		t.Fatalf("first key: %d %v", resp.StatusCode, resp.Header)
	}
	// The key opens its segment into what the free stream shows of the
	// same clip.
	n, ok := decrypts(t, segs[0], seg0, key0)
	_, free0 := getWith(t, e.base+"/live/stage2/source/0.ts")
	clear := filepath.Join(dir, "clear.ts")
	if err := os.WriteFile(clear, free0, 0o600); err != nil {
		t.Fatal(err)
	}
	if want, _ := decodedFrames(t, clear); !ok || n != want {
		t.Errorf("segment 0 with its key: %d frames (decoded %v), the clear clip's first segment %d", n, ok, want)
	}
	if resp, _ = getWith(t, segs[0].key); resp.StatusCode != 200 || resp.Header.Get("Livegate-Spent") != "2000" {
		t.Errorf("the same key again was charged again: %v", resp.Header)
	}
	if n := e.srv.audience.counts()["demo"]; n != 1 {
		t.Errorf("viewers counted after one session's keys: %d (a 402 counts nobody)", n)
	}
	// The credit is spent: 402.
	resp, body = getWith(t, segs[1].key)
	if resp.StatusCode != http.StatusPaymentRequired || !strings.Contains(string(body), "insufficient_credit") ||
		resp.Header.Get("Livegate-Spent") != "2000" {
		t.Fatalf("second key without credit: %d %s", resp.StatusCode, body)
	}
	// Top up through the API, then through a header on the next request.
	var s2 session
	if code, msg := post(t, e.base+"/pay/demo/voucher", s.Token, w.voucherJSON(0, 5000), &s2); code != 200 || s2.Paid != "5000" {
		t.Fatalf("top-up: %d %s", code, msg)
	}
	resp, key1 := getWith(t, segs[1].key)
	if resp.StatusCode != 200 || resp.Header.Get("Livegate-Spent") != "4000" {
		t.Fatalf("after the top-up: %d %v", resp.StatusCode, resp.Header)
	}
	// A key opens its own segment only.
	if n, ok := decrypts(t, segs[0], seg0, key1); ok {
		t.Errorf("key 1 opened segment 0 (%d frames)", n)
	}
	// The last segment lasts 2.0142 s: 2015 wei, rounded up.
	resp, _ = getWith(t, segs[2].key, "Livegate-Voucher", w.voucherHeader(0, 8000))
	if resp.StatusCode != 200 || resp.Header.Get("Livegate-Paid") != "8000" || resp.Header.Get("Livegate-Spent") != "6015" {
		t.Fatalf("key with a voucher header: %d paid %s spent %s", resp.StatusCode, resp.Header.Get("Livegate-Paid"), resp.Header.Get("Livegate-Spent"))
	}
	// The replay's keys are the live keys: seconds bought live are not
	// paid for again.
	recs := e.recordings("demo")
	vodURL := e.base + recs.Recordings[0].Playlist + "?token=" + url.QueryEscape(s2.Token)
	_, vm := getWith(t, vodURL)
	vodMedia := uris(t, vodURL, vm)
	_, vmb := getWith(t, vodMedia[0])
	vodSegs := segmentsOf(t, vodMedia[0], vmb)
	if len(vodSegs) != 3 || strings.Split(vodSegs[0].key, "?")[0] != strings.Split(segs[0].key, "?")[0] || vodSegs[0].iv != segs[0].iv {
		t.Fatalf("the recording's keys %+v, live %+v", vodSegs, segs)
	}
	for i, vs := range vodSegs {
		resp, key := getWith(t, vs.key)
		if resp.StatusCode != 200 || resp.Header.Get("Livegate-Spent") != "6015" {
			t.Errorf("replayed key %d: %d %v", i, resp.StatusCode, resp.Header)
		}
		_, data := getWith(t, vs.uri)
		if _, ok := decrypts(t, vs, data, key); !ok {
			t.Errorf("replayed segment %d does not open with its key", i)
		}
	}
	if resp, _ = getWith(t, strings.Split(vodSegs[1].key, "?")[0]); resp.StatusCode != http.StatusPaymentRequired {
		t.Errorf("replayed key without a token: %d", resp.StatusCode)
	}

	// Settle: the payee gains exactly the best voucher, the channel records
	// it. A settlement also ran on its own when the stream ended, so every
	// claim is counted from the contract's Claimed events, fees included.
	payee := crypto.PubkeyToAddress(w.payee.PublicKey)
	var settled struct {
		Settlements []settlementJSON
		Error       string
	}
	req, _ := http.NewRequest(http.MethodPost, e.base+"/admin/settle", nil)
	req.Header.Set("Authorization", "Bearer wrong-token")
	if r, err := http.DefaultClient.Do(req); err != nil || r.StatusCode != http.StatusUnauthorized {
		t.Errorf("settle with a wrong admin token: %v %v", err, r)
	}
	req.Header.Set("Authorization", "Bearer test-admin-token-0123456789")
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = json.NewDecoder(r.Body).Decode(&settled)
	r.Body.Close()
	if len(settled.Settlements) != 1 || settled.Settlements[0].Amount != "8000" || settled.Error != "" {
		t.Fatalf("settlements %+v", settled)
	}
	paid, fees := w.claims(payee)
	if paid.Int64() != 8000 {
		t.Errorf("claims paid the payee %s wei in all, want 8000", paid)
	}
	end, _ := w.dev.Client.BalanceAt(w.ctx, payee, nil)
	if gain := new(big.Int).Sub(end, w.payeeStart); gain.Add(gain, fees).Cmp(paid) != 0 {
		t.Errorf("the payee's balance moved by %s wei beyond fees, want %s", gain, paid)
	}
	ch, err := w.client.Channel(w.ctx, w.channels[0], nil)
	if err != nil || ch.Claimed.Int64() != 8000 {
		t.Errorf("channel claimed %v (%v), want the best voucher, 8000", ch.Claimed, err)
	}
}
