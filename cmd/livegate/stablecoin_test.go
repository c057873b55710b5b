package main

import (
	"context"
	"math/big"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/internal/testbrowser"
)

// Issue 20's proof for stablecoins: a stream priced in the test
// stablecoin (USDL, 6 decimals, EIP-2612 permit), played in headless
// Chromium from a prefunded link whose channel an organizer opened in
// USDL with one permit signature; the page shows the price in USDL, an
// ETH channel is refused for that stream (wrong_token), and settling
// grows the payee's USDL balance by exactly the best voucher.
func TestStablecoinStreamPlaysAndSettles(t *testing.T) {
	b := testbrowser.Start(t)
	dir := t.TempDir()
	w := newPaidWorld(t, dir, 1, 1_000_000)
	ctx := context.Background()
	payee := crypto.PubkeyToAddress(w.payee.PublicKey)
	organizer := w.viewers[0]
	usdl, err := w.client.DeployStablecoin(ctx, organizer)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.client.MintStablecoin(ctx, organizer, usdl, crypto.PubkeyToAddress(organizer.PublicKey), big.NewInt(100_000_000)); err != nil {
		t.Fatal(err)
	}
	burner, _ := crypto.GenerateKey()
	channel, _, err := w.client.OpenWithPermit(ctx, organizer, usdl, crypto.PubkeyToAddress(burner.PublicKey), payee,
		time.Now().Add(24*time.Hour), big.NewInt(10_000_000)) // 10 USDL
	if err != nil {
		t.Fatal(err)
	}
	e := startE2EWith(t, filepath.Join(dir, "data"), func(cfg *Config) {
		w.configure(cfg)
		cfg.Streams[0].Token = usdl.Hex() // 1000 units a second: 0.06 USDL a minute
	})
	if logs := e.logs.String(); !strings.Contains(logs, `symbol=USDL decimals=6 per_minute="0.06 USDL"`) {
		t.Errorf("start-up does not say the stream is priced in USDL:\n%s", logs)
	}

	// The ETH channel pays ETH streams only.
	if code, msg := post(t, e.base+"/pay/demo/session", "", w.voucherJSON(0, 2000), nil); code != http.StatusForbidden || !strings.Contains(msg, "wrong_token") {
		t.Errorf("an ETH channel on a USDL stream: %d %s", code, msg)
	}

	pushLoop(t, e, 36)
	b.Open(e.base + "/watch/demo#k=" + hexutil.Encode(crypto.FromECDSA(burner)) + "&c=" + channel.Hex())
	b.Poll("the USDL stream plays, paid", 40*time.Second,
		`const s = window.livegate.state(); return s.time >= 8 && s.keys >= 4 && !s.paused`, watchStateScript)
	var shown struct{ Price, Balance string }
	b.MustEval(&shown, `return {price: document.getElementById('price').textContent, balance: document.getElementById('balance').textContent}`)
	if shown.Price != "0.06 USDL / minute" || !strings.HasSuffix(shown.Balance, " USDL") {
		t.Errorf("the page shows price %q and balance %q, want USDL amounts", shown.Price, shown.Balance)
	}
	// The organizer's dashboard shows the stream's money in USDL, not
	// added to ETH.
	b.Open(e.base + "/dashboard#token=test-admin-token-0123456789")
	b.Poll("the dashboard shows USDL", 20*time.Second,
		`return document.getElementById('streams').textContent.includes('0.06 USDL') && document.getElementById('channels').textContent.includes('10 USDL')`,
		`return document.getElementById('streams').textContent + ' | ' + document.getElementById('channels').textContent`)
	b.Open("about:blank")

	acc := e.srv.pay.ledger.Account(channel)
	best := acc.Paid()
	before, err := w.client.TokenBalance(ctx, usdl, payee)
	if err != nil {
		t.Fatal(err)
	}
	done, err := e.srv.pay.settleAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// livegate settle reports what it paid in USDL, for people.
	if js := e.srv.pay.settlementsJSON(done); len(js) != 1 || !strings.HasSuffix(js[0].PaidText, " USDL") || js[0].PaidText == "0 USDL" {
		t.Errorf("settlements for people: %+v", js)
	}
	after, err := w.client.TokenBalance(ctx, usdl, payee)
	if err != nil {
		t.Fatal(err)
	}
	if got := new(big.Int).Sub(after, before); best.Sign() == 0 || got.Cmp(best) != 0 {
		t.Errorf("settled %v USDL units to the payee, the best voucher is %v", got, best)
	}
	t.Logf("the page showed %q and %q; settled %s USDL units, the best voucher", shown.Price, shown.Balance, best)
}
