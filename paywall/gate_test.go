package paywall_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"

	"github.com/livegate/livegate/chain"
	"github.com/livegate/livegate/paywall"
)

const price = 1000 // wei per second; a 2 s segment costs 2000

// fixture: a simulated chain with the contract, channels for a viewer
// (one plain, one paying someone else, one about to expire), and the whole
// paywall in front of a stand-in origin. The stand-in serves fixed bytes
// after asking the gate, as hls.Origin does; the paywall may not import
// hls, and the real origin is tested with it in cmd/livegate.
type fixture struct {
	t                     testing.TB
	sim                   *simulated.Backend
	c                     *chain.Client
	viewer, payee, other  *ecdsa.PrivateKey
	plain, foreign, dying common.Hash
	small                 common.Hash
	watcher               *chain.Watcher
	ledger                *paywall.BoltLedger
	ledgerPath            string
	sessions              *paywall.Sessions
	gate                  *paywall.Gate
	srv                   *httptest.Server
	ctx                   context.Context
	many                  []*ecdsa.PrivateKey // more viewers, each with a channel in manyCh
	manyCh                []common.Hash
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureN(t, 0)
}

// newFixtureN also opens n plain channels for viewers of their own (keys
// in f.many, channels in f.manyCh).
func newFixtureN(t testing.TB, n int) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background()}
	f.viewer, _ = crypto.GenerateKey()
	f.payee, _ = crypto.GenerateKey()
	f.other, _ = crypto.GenerateKey()
	alloc := types.GenesisAlloc{}
	for range n {
		k, _ := crypto.GenerateKey()
		f.many = append(f.many, k)
	}
	for _, k := range append([]*ecdsa.PrivateKey{f.viewer, f.payee, f.other}, f.many...) {
		alloc[crypto.PubkeyToAddress(k.PublicKey)] = types.Account{Balance: new(big.Int).Lsh(big.NewInt(1), 80)}
	}
	f.sim = simulated.NewBackend(alloc, func(_ *node.Config, ec *ethconfig.Config) { ec.Genesis.Config = chain.DevChainConfig() })
	t.Cleanup(func() { _ = f.sim.Close() })
	var err error
	if f.c, err = chain.Deploy(f.ctx, f.sim.Client().(chain.Backend), f.payee, func() { f.sim.Commit() }); err != nil {
		t.Fatal(err)
	}
	me, us := crypto.PubkeyToAddress(f.viewer.PublicKey), crypto.PubkeyToAddress(f.payee.PublicKey)
	open := func(payee common.Address, ttl time.Duration, deposit int64) common.Hash {
		id, _, err := f.c.Open(f.ctx, f.viewer, me, payee, time.Now().Add(ttl), big.NewInt(deposit))
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	f.plain = open(us, 24*time.Hour, 1_000_000)
	f.foreign = open(crypto.PubkeyToAddress(f.other.PublicKey), 24*time.Hour, 1_000_000)
	f.dying = open(us, 30*time.Minute, 1_000_000)
	f.small = open(us, 24*time.Hour, 5000)
	for _, k := range f.many {
		id, _, err := f.c.Open(f.ctx, k, crypto.PubkeyToAddress(k.PublicKey), us, time.Now().Add(24*time.Hour), big.NewInt(1_000_000))
		if err != nil {
			t.Fatal(err)
		}
		f.manyCh = append(f.manyCh, id)
	}
	quiet := slog.New(slog.DiscardHandler)
	f.watcher = &chain.Watcher{Source: f.sim.Client(), Contract: f.c.Address, Payee: us, Reader: f.c.Channel, Logger: quiet, CallTimeout: time.Second}
	if err := f.watcher.Sync(f.ctx); err != nil {
		t.Fatal(err)
	}
	f.ledgerPath = filepath.Join(t.TempDir(), "ledger.db")
	if f.ledger, err = paywall.OpenBoltLedger(f.ledgerPath); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.ledger.Close() })
	f.sessions, _ = paywall.NewSessions(bytes.Repeat([]byte{7}, 32), 15*time.Minute)
	f.gate = &paywall.Gate{
		Streams:  map[string]paywall.Terms{"demo": {PricePerSecond: big.NewInt(price)}, "other": {PricePerSecond: big.NewInt(price)}},
		Sessions: f.sessions, Ledger: f.ledger,
		Cashier: &paywall.Cashier{Ledger: f.ledger, Channels: f.watcher, Verifier: &chain.Verifier{Domain: f.c.Domain}, Payee: us, Margin: time.Hour},
		Limiter: &paywall.Limiter{Max: 20, Window: time.Minute},
		Lookups: &paywall.Limiter{Max: 20, Window: time.Minute},
		Domain:  f.c.Domain, Payee: us, Logger: quiet, Directory: f.watcher,
	}
	mux := http.NewServeMux()
	f.gate.Register(mux)
	mux.HandleFunc("GET /seg/{stream}/{seq}", func(w http.ResponseWriter, r *http.Request) {
		seq, _ := strconv.ParseUint(r.PathValue("seq"), 10, 64)
		if f.gate.Admit(w, r, paywall.Segment{Stream: r.PathValue("stream"), Recording: "r1", Seq: seq, Duration: 2 * time.Second}) {
			http.ServeContent(w, r, "", time.Time{}, strings.NewReader("0123456789 segment bytes"))
		}
	})
	// A segment still being cut, sold at its target (2 s) less 10 ms.
	mux.HandleFunc("GET /open/{stream}/{seq}", func(w http.ResponseWriter, r *http.Request) {
		seq, _ := strconv.ParseUint(r.PathValue("seq"), 10, 64)
		seg := paywall.Segment{Stream: r.PathValue("stream"), Recording: "r1", Seq: seq, Duration: 1990 * time.Millisecond, Provisional: true}
		if f.gate.Admit(w, r, seg) {
			_, _ = io.WriteString(w, "key")
		}
	})
	mux.HandleFunc("GET /bytes/{stream}/{seq}", func(w http.ResponseWriter, r *http.Request) {
		if f.gate.Check(w, r, r.PathValue("stream")) {
			_, _ = io.WriteString(w, "encrypted segment bytes")
		}
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) voucher(key *ecdsa.PrivateKey, ch common.Hash, amount int64) map[string]string {
	v, err := f.c.Domain.Sign(key, ch, big.NewInt(amount))
	if err != nil {
		f.t.Fatal(err)
	}
	return map[string]string{"channel": ch.Hex(), "amount": v.Amount.String(), "signature": hexutil.Encode(v.Signature)}
}

type answer struct {
	code   int
	header http.Header
	body   map[string]any
}

func (f *fixture) do(method, path, bearer string, body any, hdr ...string) answer {
	f.t.Helper()
	return f.send(http.DefaultClient, method, path, bearer, body, hdr...)
}

func (f *fixture) session(stream string, ch common.Hash, amount int64) string {
	f.t.Helper()
	a := f.do("POST", "/pay/"+stream+"/session", "", f.voucher(f.viewer, ch, amount))
	if a.code != 200 {
		f.t.Fatalf("session: %d %v", a.code, a.body)
	}
	return a.body["token"].(string)
}

// sessionOf opens a session for the i-th of the many viewers.
func (f *fixture) sessionOf(i int, amount int64) string {
	f.t.Helper()
	a := f.do("POST", "/pay/demo/session", "", f.voucher(f.many[i], f.manyCh[i], amount))
	if a.code != 200 {
		f.t.Fatalf("session: %d %v", a.code, a.body)
	}
	return a.body["token"].(string)
}

func (f *fixture) account(ch common.Hash) (paid, spent string) {
	a := f.ledger.Account(ch)
	return a.Paid().String(), a.Spent.String()
}

func TestSegmentsAreChargedOncePerSession(t *testing.T) {
	f := newFixture(t)
	tok := f.session("demo", f.plain, 5000)
	a := f.do("GET", "/seg/demo/1", tok, nil)
	if a.code != 200 || a.header.Get("Livegate-Price") != "2000" || a.header.Get("Livegate-Spent") != "2000" ||
		a.header.Get("Livegate-Paid") != "5000" || a.header.Get("Livegate-Channel") != f.plain.Hex() {
		t.Fatalf("first segment: %d %v", a.code, a.header)
	}
	// HEAD and a Range request of the same segment cost nothing more...
	for _, h := range [][]string{{}, {"Range", "bytes=0-3"}} {
		a = f.do("GET", "/seg/demo/1", tok, nil, h...)
		if a.header.Get("Livegate-Spent") != "2000" {
			t.Errorf("refetch %v charged again: %v", h, a.header)
		}
	}
	if a = f.do("HEAD", "/seg/demo/1?token="+tok, "", nil); a.code != 200 || a.header.Get("Livegate-Spent") != "2000" {
		t.Errorf("HEAD of a paid segment: %d %v", a.code, a.header)
	}
	// ...but a HEAD or a Range of a new segment is charged like a GET.
	if a = f.do("HEAD", "/seg/demo/2", tok, nil); a.code != 200 || a.header.Get("Livegate-Spent") != "4000" {
		t.Errorf("HEAD of a new segment: %d %v", a.code, a.header)
	}
	if a = f.do("GET", "/seg/demo/3", tok, nil, "Range", "bytes=0-0"); a.code != http.StatusPaymentRequired {
		t.Errorf("Range of an unaffordable segment: %d", a.code)
	}
	// A second session on the channel pays for its own copy.
	tok2 := f.session("demo", f.plain, 9000)
	if a = f.do("GET", "/seg/demo/1", tok2, nil); a.code != 200 || a.header.Get("Livegate-Spent") != "6000" {
		t.Errorf("another session's copy: %d %v", a.code, a.header)
	}
}

// A key sold while its segment was being cut (at the target, 1.99 s) is
// refunded down to the segment's final price when it ends shorter, once
// per session, whether the end comes after the charge or races it; a
// segment that ends longer is not charged more.
func TestGateRefundsASegmentThatEndedShort(t *testing.T) {
	f := newFixture(t)
	tok := f.session("demo", f.plain, 20000)
	tok2 := f.session("demo", f.plain, 21000) // the same channel, another session
	end := func(seq uint64, d time.Duration) {
		f.gate.Finished(paywall.Segment{Stream: "demo", Recording: "r1", Seq: seq, Duration: d})
		f.gate.WaitRefunds()
	}
	spent := func(want string) {
		t.Helper()
		if _, got := f.account(f.plain); got != want {
			t.Errorf("spent %s wei, want %s", got, want)
		}
	}
	for _, tk := range []string{tok, tok2} {
		if a := f.do("GET", "/open/demo/1", tk, nil); a.code != 200 || a.header.Get("Livegate-Price") != "1990" {
			t.Fatalf("open segment: %d %v", a.code, a.header)
		}
	}
	spent("3980")
	end(1, 500*time.Millisecond) // the publisher left: 500 wei each
	spent("1000")
	end(1, 500*time.Millisecond) // told twice: nothing more
	if a := f.do("GET", "/open/demo/1", tok, nil); a.code != 200 {
		t.Fatalf("refetch: %d", a.code)
	}
	spent("1000")

	// The end raced the charge: the key was priced before the segment
	// ended and charged after; it is refunded at once.
	end(2, 300*time.Millisecond)
	f.do("GET", "/open/demo/2", tok, nil)
	f.gate.WaitRefunds()
	spent("1300")

	// Longer than its target (a late keyframe): the provisional price stands.
	f.do("GET", "/open/demo/3", tok, nil)
	end(3, 2500*time.Millisecond)
	spent("3290")

	// On another stream the same numbers are other segments.
	f.do("GET", "/open/other/4", f.session("other", f.plain, 30000), nil)
	end(4, time.Second) // demo's 4, never sold
	spent("5280")
	f.gate.Finished(paywall.Segment{Stream: "other", Recording: "r1", Seq: 4, Duration: time.Second})
	f.gate.WaitRefunds()
	spent("4290")
	if m := f.ledger.Account(f.plain).Streams; m["demo"].Spent.String() != "3290" || m["other"].Spent.String() != "1000" {
		t.Errorf("per stream: demo %s, other %s", m["demo"].Spent, m["other"].Spent)
	}
}

func TestTokensRefused(t *testing.T) {
	f := newFixture(t)
	tok := f.session("demo", f.plain, 100_000)
	a := f.do("GET", "/seg/demo/1", "", nil)
	if a.code != http.StatusPaymentRequired || a.header.Get("Livegate-Payee") == "" || a.header.Get("Livegate-Contract") != f.c.Address.Hex() ||
		a.header.Get("Livegate-Chain-Id") != "1337" || a.body["domain"] == nil || a.body["price"] != "2000" {
		t.Errorf("no token: %d %v %v", a.code, a.header, a.body)
	}
	parts := strings.Split(tok, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	altered := strings.Replace(string(payload), f.plain.Hex()[2:10], "deadbeef", 1)
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	otherKey, _ := paywall.NewSessions(bytes.Repeat([]byte{8}, 32), time.Hour)
	forged, _, _ := otherKey.Issue("demo", f.plain, "s1")
	rsa := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS512","typ":"JWT"}`)) + "." + parts[1] + "." + parts[2]
	expiredIssuer, _ := paywall.NewSessions(bytes.Repeat([]byte{7}, 32), time.Minute)
	expiredIssuer.Now = func() time.Time { return time.Now().Add(-time.Hour) }
	expired, _, _ := expiredIssuer.Issue("demo", f.plain, "s1")
	otherStream, _, _ := f.sessions.Issue("other", f.plain, "s1")
	for name, c := range map[string]struct {
		token string
		want  int
	}{
		"altered payload":         {parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(altered)) + "." + parts[2], 401},
		"alg none":                {none, 401},
		"another algorithm":       {rsa, 401},
		"signed with another key": {forged, 401},
		"expired":                 {expired, 401},
		"for another stream":      {otherStream, 403},
		"garbage":                 {"not.a.token", 401},
	} {
		a := f.do("GET", "/seg/demo/1", c.token, nil)
		if a.code != c.want || a.body["error"] == nil {
			t.Errorf("%s: %d %v, want %d with a reason", name, a.code, a.body, c.want)
		}
	}
	if p, s := f.account(f.plain); s != "0" || p != "100000" {
		t.Errorf("refused tokens changed the account: paid %s spent %s", p, s)
	}
	// A token is bound to its channel: it cannot carry another's voucher.
	tokSmall := f.session("demo", f.small, 10)
	if a := f.do("POST", "/pay/demo/voucher", tokSmall, f.voucher(f.viewer, f.plain, 200_000)); a.code != 403 {
		t.Errorf("voucher for another channel than the session's: %d %v", a.code, a.body)
	}
	hv := f.voucher(f.viewer, f.plain, 200_000)
	if a := f.do("GET", "/seg/demo/1", tokSmall, nil, "Livegate-Voucher", hv["channel"]+":"+hv["amount"]+":"+hv["signature"]); a.code != 403 {
		t.Errorf("Livegate-Voucher for another channel than the session's: %d %v", a.code, a.body)
	}
}

func TestVouchersRefused(t *testing.T) {
	f := newFixture(t)
	f.session("demo", f.plain, 5000) // the best voucher is now 5000
	good := f.voucher(f.viewer, f.plain, 6000)
	twin := map[string]string{"channel": good["channel"], "amount": good["amount"]}
	sig := hexutil.MustDecode(good["signature"])
	s := new(big.Int).Sub(crypto.S256().Params().N, new(big.Int).SetBytes(sig[32:64]))
	s.FillBytes(sig[32:64])
	sig[64] = 27 + 28 - sig[64]
	twin["signature"] = hexutil.Encode(sig)
	v0 := map[string]string{"channel": good["channel"], "amount": good["amount"], "signature": good["signature"][:130] + "00"}
	for name, c := range map[string]struct {
		body   any
		code   int
		reason string
	}{
		"forged signature":   {f.voucher(f.other, f.plain, 6000), 401, "bad_signature"},
		"high-s twin":        {twin, 401, "bad_signature"},
		"v of 0":             {v0, 401, "bad_signature"},
		"replayed":           {f.voucher(f.viewer, f.plain, 5000), 409, "not_increasing"},
		"decreasing":         {f.voucher(f.viewer, f.plain, 4000), 409, "not_increasing"},
		"above the deposit":  {f.voucher(f.viewer, f.plain, 1_000_001), 402, "above_deposit"},
		"another payee":      {f.voucher(f.viewer, f.foreign, 1000), 403, "wrong_payee"},
		"expiring channel":   {f.voucher(f.viewer, f.dying, 1000), 403, "channel_expiring"},
		"unknown channel":    {f.voucher(f.viewer, common.Hash{1}, 1000), 404, "unknown_channel"},
		"malformed JSON":     {"{nope", 400, "malformed"},
		"unknown field":      {map[string]string{"channel": good["channel"], "amount": "6000", "signature": good["signature"], "x": "1"}, 400, "malformed"},
		"amount not decimal": {map[string]string{"channel": good["channel"], "amount": "0x10", "signature": good["signature"]}, 400, "malformed"},
		"short signature":    {map[string]string{"channel": good["channel"], "amount": "6000", "signature": "0x1234"}, 400, "malformed"},
		"short channel":      {map[string]string{"channel": "0x12", "amount": "6000", "signature": good["signature"]}, 400, "malformed"},
	} {
		a := f.do("POST", "/pay/demo/session", "", c.body)
		if a.code != c.code || a.body["reason"] != c.reason || a.body["error"] == "" {
			t.Errorf("%s: %d %v, want %d %s", name, a.code, a.body, c.code, c.reason)
		}
	}
	if p, s := f.account(f.plain); p != "5000" || s != "0" {
		t.Errorf("refused vouchers changed the account: paid %s spent %s", p, s)
	}
	if a := f.do("POST", "/pay/demo/session", "", good); a.code != 200 || a.body["paid"] != "6000" {
		t.Errorf("the good voucher after all that: %d %v", a.code, a.body)
	}
	if a := f.do("POST", "/pay/nope/session", "", good); a.code != 404 {
		t.Errorf("unknown stream: %d", a.code)
	}
}

func TestRefusedVouchersAreRateLimited(t *testing.T) {
	f := newFixture(t)
	for i := range 20 {
		if a := f.do("POST", "/pay/demo/session", "", f.voucher(f.other, f.plain, int64(1000+i))); a.code != 401 {
			t.Fatalf("refusal %d: %d", i, a.code)
		}
	}
	a := f.do("POST", "/pay/demo/session", "", f.voucher(f.viewer, f.plain, 5000))
	if a.code != http.StatusTooManyRequests || a.body["reason"] != "too_many_refused" {
		t.Errorf("after 20 forged vouchers even a good one waits: %d %v", a.code, a.body)
	}
}

// TestConcurrentRequestsNeverOverspend races 100 requests for different
// segments on credit for 37 of them.
func TestConcurrentRequestsNeverOverspend(t *testing.T) {
	f := newFixture(t)
	tok := f.session("demo", f.plain, 37*2000+1999)
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", fmt.Sprintf("%s/seg/demo/%d", f.srv.URL, i), nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			mu.Lock()
			codes[resp.StatusCode]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[200] != 37 || codes[402] != 63 {
		t.Errorf("answers %v, want 37 served and 63 refused", codes)
	}
	if _, s := f.account(f.plain); s != fmt.Sprint(37*2000) {
		t.Errorf("spent %s, want %d", s, 37*2000)
	}
}

// TestChainDown: with the node gone, open sessions keep playing on the
// deposits last confirmed; new sessions get a clear 503.
func TestChainDown(t *testing.T) {
	f := newFixture(t)
	tok := f.session("demo", f.plain, 10_000)
	_ = f.sim.Close()
	if err := f.watcher.Sync(f.ctx); err == nil {
		t.Fatal("setup: the watcher still syncs")
	}
	if a := f.do("POST", "/pay/demo/session", "", f.voucher(f.viewer, f.plain, 20_000)); a.code != 503 || a.body["reason"] != "chain_unreachable" {
		t.Errorf("new session with the chain down: %d %v", a.code, a.body)
	}
	if a := f.do("GET", "/seg/demo/1", tok, nil); a.code != 200 {
		t.Errorf("an open session's segment with the chain down: %d %v", a.code, a.body)
	}
	if a := f.do("POST", "/pay/demo/voucher", tok, f.voucher(f.viewer, f.plain, 12_000)); a.code != 200 || a.body["paid"] != "12000" {
		t.Errorf("an open session's top-up with the chain down: %d %v", a.code, a.body)
	}
}

// BenchmarkSessionMemory measures what the server keeps per paying
// session: its channel's account, its verified token, its charges waiting
// for a checkpoint. Connections are the HTTP server's and not counted
// here (lgload measures whole-process memory per viewer).
func BenchmarkSessionMemory(b *testing.B) {
	const n = 400
	f := newFixtureN(b, n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	tokens := make([]string, n)
	for i := range n {
		tokens[i] = f.sessionOf(i, 100_000)
		for seg := range 15 { // 30 s of watching
			if a := f.do("GET", fmt.Sprintf("/seg/demo/%d", seg), tokens[i], nil); a.code != 200 {
				b.Fatalf("segment: %d", a.code)
			}
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "bytes/session") // one measurement: run with -benchtime 1x
	runtime.KeepAlive(tokens)
}

func TestVoucherHeader(t *testing.T) {
	f := newFixture(t)
	tok := f.session("demo", f.plain, 2000)
	header := func(v map[string]string) string { return v["channel"] + ":" + v["amount"] + ":" + v["signature"] }
	top := f.voucher(f.viewer, f.plain, 6000)
	if a := f.do("GET", "/seg/demo/1", tok, nil, "Livegate-Voucher", header(top)); a.code != 200 || a.header.Get("Livegate-Paid") != "6000" {
		t.Fatalf("top-up in a header: %d %v", a.code, a.header)
	}
	// The same voucher again, as a player may send it with several
	// requests: harmless.
	if a := f.do("GET", "/seg/demo/2", tok, nil, "Livegate-Voucher", header(top)); a.code != 200 || a.header.Get("Livegate-Spent") != "4000" {
		t.Errorf("the best voucher sent again: %d %v", a.code, a.body)
	}
	for name, c := range map[string]struct {
		value string
		code  int
	}{
		"malformed":     {"not-a-voucher", 400},
		"two fields":    {top["channel"] + ":" + top["amount"], 400},
		"decreasing":    {header(f.voucher(f.viewer, f.plain, 5000)), 409},
		"forged":        {header(f.voucher(f.other, f.plain, 9000)), 401},
		"above deposit": {header(f.voucher(f.viewer, f.plain, 2_000_000)), 402},
		"bad amount":    {top["channel"] + ":-5:" + top["signature"], 400},
	} {
		a := f.do("GET", "/seg/demo/3", tok, nil, "Livegate-Voucher", c.value)
		if a.code != c.code || a.body["reason"] == nil {
			t.Errorf("%s: %d %v, want %d and a reason", name, a.code, a.body, c.code)
		}
	}
	if p, s := f.account(f.plain); p != "6000" || s != "4000" {
		t.Errorf("refused header vouchers changed the account: paid %s spent %s (segment 3 must not have been charged)", p, s)
	}
}

// A stream whose segments go to sessions only (segments: token) checks the
// token on each segment and charges nothing for it: the key is what is
// paid.
func TestCheckAdmitsSessionsWithoutCharging(t *testing.T) {
	f := newFixture(t)
	tok := f.session("demo", f.plain, 5000)
	for range 3 {
		if a := f.do("GET", "/bytes/demo/1", tok, nil); a.code != 200 {
			t.Fatalf("a session's segment: %d %v", a.code, a.body)
		}
	}
	if _, spent := f.account(f.plain); spent != "0" {
		t.Errorf("checking segments spent %s wei", spent)
	}
	for _, c := range []struct {
		path, token string
		code        int
		reason      string
	}{
		{"/bytes/demo/1", "", http.StatusPaymentRequired, "payment_required"},
		{"/bytes/demo/1", "not-a-token", http.StatusUnauthorized, "bad_token"},
		{"/bytes/other/1", tok, http.StatusForbidden, "other_stream"},
	} {
		a := f.do("GET", c.path, c.token, nil)
		if a.code != c.code || a.body["reason"] != c.reason {
			t.Errorf("GET %s with %q: %d %v, want %d %s", c.path, c.token, a.code, a.body, c.code, c.reason)
		}
	}
	// A free stream's segments need nothing.
	if a := f.do("GET", "/bytes/free/1", "", nil); a.code != 200 {
		t.Errorf("a free stream's segment: %d", a.code)
	}
}

// The cashier's refusals are the package's sentinels (the chain's for a
// signature), each wrapped with what went wrong, and one reason each;
// api.go alone turns them into answers (TestVouchersRefused checks those).
func TestCashierRefusalsAreSentinels(t *testing.T) {
	f := newFixture(t)
	f.session("demo", f.plain, 5000) // the best voucher is now 5000
	sign := func(key *ecdsa.PrivateKey, ch common.Hash, amount int64) *chain.Voucher {
		v, err := f.c.Domain.Sign(key, ch, big.NewInt(amount))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	reasons := []error{chain.ErrBadSignature, paywall.ErrNotIncreasing, paywall.ErrAboveDeposit, paywall.ErrWrongPayee, paywall.ErrWrongToken,
		paywall.ErrChannelExpiring, paywall.ErrUnknownChannel, paywall.ErrChainDown, paywall.ErrLedgerUnavailable, paywall.ErrMalformedVoucher}
	check := func(name string, err, want error) {
		t.Helper()
		if !errors.Is(err, want) || err.Error() == want.Error() {
			t.Errorf("%s: %v, want %v and what went wrong", name, err, want)
		}
		for _, other := range reasons {
			if !errors.Is(other, want) && errors.Is(err, other) {
				t.Errorf("%s: %v is also %v", name, err, other)
			}
		}
	}
	for name, c := range map[string]struct {
		v    *chain.Voucher
		want error
	}{
		"forged signature":  {sign(f.other, f.plain, 6000), chain.ErrBadSignature},
		"replayed":          {sign(f.viewer, f.plain, 5000), paywall.ErrNotIncreasing},
		"above the deposit": {sign(f.viewer, f.plain, 1_000_001), paywall.ErrAboveDeposit},
		"another payee":     {sign(f.viewer, f.foreign, 1000), paywall.ErrWrongPayee},
		"expiring channel":  {sign(f.viewer, f.dying, 1000), paywall.ErrChannelExpiring},
		"unknown channel":   {sign(f.viewer, common.Hash{1}, 1000), paywall.ErrUnknownChannel},
	} {
		_, err := f.gate.Cashier.Accept(f.ctx, c.v, "demo")
		check(name, err, c.want)
	}
	// A stream priced in a token takes only channels in that token: an
	// ETH channel's amounts are not the token's.
	usdl := paywall.Asset{Address: common.HexToAddress("0x1000000000000000000000000000000000000001"), Symbol: "USDL", Decimals: 6}
	f.gate.Streams["usdl"] = paywall.Terms{PricePerSecond: big.NewInt(price), Token: usdl}
	_, err := f.gate.Cashier.Accept(f.ctx, sign(f.viewer, f.plain, 5500), "usdl")
	check("an ETH channel for a stream priced in a token", err, paywall.ErrWrongToken)
	delete(f.gate.Streams, "usdl")
	if _, err := f.gate.Cashier.Accept(f.ctx, sign(f.viewer, f.plain, 6000), "demo"); err != nil {
		t.Fatalf("a good voucher after the refusals: %v", err)
	}
	_ = f.sim.Close()
	_, err = f.gate.Cashier.Accept(f.ctx, sign(f.viewer, common.Hash{2}, 1000), "demo")
	check("a channel the chain must be asked about, with the chain down", err, paywall.ErrChainDown)
	if err := f.ledger.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = f.gate.Cashier.Accept(f.ctx, sign(f.viewer, f.plain, 7000), "demo")
	check("a good voucher with the ledger closed", err, paywall.ErrLedgerUnavailable)
	if !errors.Is(err, paywall.ErrLedgerClosed) {
		t.Errorf("the ledger's own error is lost: %v", err)
	}
}

// flakyRefunds is the real ledger whose first Refund fails, as a
// database connection dropped mid-transaction would.
type flakyRefunds struct {
	paywall.Ledger
	mu    sync.Mutex
	tries int
}

func (l *flakyRefunds) Refund(ctx context.Context, r paywall.Refund) (paywall.Receipt, error) {
	l.mu.Lock()
	l.tries++
	first := l.tries == 1
	l.mu.Unlock()
	if first {
		return paywall.Receipt{}, errors.New("connection reset by peer")
	}
	return l.Ledger.Refund(ctx, r)
}

// A refund the ledger fails is tried again.
func TestGateRetriesAFailedRefund(t *testing.T) {
	f := newFixture(t)
	flaky := &flakyRefunds{Ledger: f.ledger}
	f.gate.Ledger = flaky
	tok := f.session("demo", f.plain, 20000)
	if a := f.do("GET", "/open/demo/1", tok, nil); a.code != 200 {
		t.Fatalf("open segment: %d", a.code)
	}
	f.gate.Finished(paywall.Segment{Stream: "demo", Recording: "r1", Seq: 1, Duration: 500 * time.Millisecond})
	f.gate.WaitRefunds()
	if _, spent := f.account(f.plain); spent != "500" || flaky.tries != 2 {
		t.Errorf("spent %s after %d tries; want 500 after 2", spent, flaky.tries)
	}
}

// A session opened on an ETH-priced stream buys nothing once the stream
// is priced in a token (a config change; sessions outlive restarts): its
// channel's credit is in wei.
func TestARepricedStreamRefusesOldSessions(t *testing.T) {
	f := newFixture(t)
	tok := f.session("demo", f.plain, 20000)
	if a := f.do("GET", "/seg/demo/1", tok, nil); a.code != http.StatusOK {
		t.Fatalf("before: %d %v", a.code, a.body)
	}
	usdl := common.HexToAddress("0x1000000000000000000000000000000000000001")
	f.gate.Streams["demo"] = paywall.Terms{PricePerSecond: big.NewInt(price), Token: paywall.Asset{Address: usdl, Symbol: "USDL", Decimals: 6}}
	if a := f.do("GET", "/seg/demo/2", tok, nil); a.code != http.StatusForbidden || a.body["reason"] != "wrong_token" {
		t.Errorf("an ETH session on a USDL stream: %d %v", a.code, a.body)
	}
	if a := f.do("POST", "/pay/demo/session", "", f.voucher(f.viewer, f.plain, 30000)); a.code != http.StatusForbidden || a.body["reason"] != "wrong_token" {
		t.Errorf("an ETH voucher for a new session: %d %v", a.code, a.body)
	}
}
