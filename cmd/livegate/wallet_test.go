package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/livegate/livegate/internal/testbrowser"
)

// fakeWallet stands in for MetaMask, which is a browser extension that
// cannot be installed in headless Chromium here. Like MetaMask it gives
// the page an EIP-1193 window.ethereum: accounts and chain id answered
// locally, transactions signed with the account's key (here, by this Go
// handler, which also sends them), every other call forwarded to the
// chain's JSON-RPC. It approves everything: the test is about the page.
type fakeWallet struct {
	key    *ecdsa.PrivateKey
	rpc    string
	client *ethclient.Client
	mu     sync.Mutex
	sent   []common.Hash
}

func (f *fakeWallet) transactions() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.sent)
}

// ServeHTTP is POST /send: a transaction request from the page.
func (f *fakeWallet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
	if r.Method == http.MethodOptions {
		return
	}
	var req struct {
		To    common.Address
		Value *hexutil.Big
		Data  hexutil.Bytes
		Gas   *hexutil.Uint64
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	hash, err := f.send(r.Context(), req.To, (*big.Int)(req.Value), req.Data)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	f.mu.Lock()
	f.sent = append(f.sent, hash)
	f.mu.Unlock()
	_ = json.NewEncoder(w).Encode(hash.Hex())
}

func (f *fakeWallet) send(ctx context.Context, to common.Address, value *big.Int, data []byte) (common.Hash, error) {
	from := crypto.PubkeyToAddress(f.key.PublicKey)
	if value == nil {
		value = new(big.Int)
	}
	nonce, err := f.client.PendingNonceAt(ctx, from)
	if err != nil {
		return common.Hash{}, err
	}
	tip, err := f.client.SuggestGasTipCap(ctx)
	if err != nil {
		return common.Hash{}, err
	}
	head, err := f.client.HeaderByNumber(ctx, nil)
	if err != nil {
		return common.Hash{}, err
	}
	id, err := f.client.ChainID(ctx)
	if err != nil {
		return common.Hash{}, err
	}
	feeCap := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip)
	tx, err := types.SignNewTx(f.key, types.LatestSignerForChainID(id), &types.DynamicFeeTx{
		ChainID: id, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap, Gas: 300_000, To: &to, Value: value, Data: data,
	})
	if err != nil {
		return common.Hash{}, err
	}
	return tx.Hash(), f.client.SendTransaction(ctx, tx)
}

// script is the window.ethereum the page finds.
func (f *fakeWallet) script(sendURL string, chainID uint64) string {
	return fmt.Sprintf(`(() => {
  const account = %q, rpc = %q, send = %q, chainId = '0x%x';
  let id = 0;
  window.ethereum = {
    isMetaMask: true,
    on() {}, removeListener() {},
    async request({ method, params }) {
      switch (method) {
        case 'eth_requestAccounts': case 'eth_accounts': return [account];
        case 'eth_chainId': return chainId;
        case 'net_version': return String(parseInt(chainId, 16));
        case 'wallet_switchEthereumChain': return null;
        case 'eth_sendTransaction': {
          const r = await fetch(send, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(params[0]) });
          if (!r.ok) throw Object.assign(new Error(await r.text()), { code: -32000 });
          return r.json();
        }
      }
      const r = await fetch(rpc, { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params: params || [] }) });
      const j = await r.json();
      if (j.error) throw Object.assign(new Error(j.error.message), { code: j.error.code, data: j.error.data });
      return j.result;
    },
  };
})();`, crypto.PubkeyToAddress(f.key.PublicKey).Hex(), f.rpc, sendURL, chainID)
}

// TestWatchPageWithAWallet: a viewer without a link connects a wallet,
// which opens a channel for the page's own session key (one
// transaction); the page then pays as it plays with no more prompts, runs
// dry on its small deposit, and plays on after a top-up through the
// wallet.
func TestWatchPageWithAWallet(t *testing.T) {
	b := testbrowser.Start(t)
	dir := t.TempDir()
	w := newPaidWorld(t, dir, 2, 1_000_000) // 0: the viewer's wallet; 1: an organizer
	payee := crypto.PubkeyToAddress(w.payee.PublicKey)
	burner, _ := crypto.GenerateKey() // a prefunded link's key, 6 s of credit
	tiny, _, err := w.client.Open(context.Background(), w.viewers[1], crypto.PubkeyToAddress(burner.PublicKey), payee,
		time.Now().Add(24*time.Hour), big.NewInt(6*testPrice))
	if err != nil {
		t.Fatal(err)
	}
	client, err := ethclient.Dial(w.dev.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	wallet := &fakeWallet{key: w.viewers[0], rpc: w.dev.URL, client: client}
	ws := httptest.NewServer(wallet)
	defer ws.Close()
	b.OnNewDocument(wallet.script(ws.URL, 1337))
	// MetaMask reaches the chain from the extension, outside the page's
	// Content-Security-Policy (connect-src 'self'); this stand-in fetches
	// from inside the page, so it gets the extension's exemption.
	b.BypassCSP()
	e := startE2EWith(t, filepath.Join(dir, "data"), w.configure)
	pushLoop(t, e, 36)

	b.Open(e.base + "/watch/demo")
	b.Poll("the page asks for a wallet", 20*time.Second,
		`return getComputedStyle(document.getElementById('connectBox')).display === 'block'`, watchStateScript)
	// 8 s of credit: 8000 wei.
	b.MustEval(nil, `document.getElementById('deposit').value = '0.000000000000008'; document.getElementById('connect').click()`)
	b.Poll("playing from the wallet's channel", 40*time.Second,
		`const s = window.livegate.state(); return s.channel !== null && s.time > 0 && !s.paused`, watchStateScript)
	s := e.watchState(b)
	ch, err := w.client.Channel(context.Background(), common.HexToHash(s.Channel), nil)
	if err != nil || ch.Funder != crypto.PubkeyToAddress(w.viewers[0].PublicKey) || ch.Signer.Hex() != s.Key ||
		ch.Deposit.Int64() != 8000 || wallet.transactions() != 1 {
		t.Fatalf("the wallet's channel %+v (%v), page %+v, %d transactions", ch, err, s, wallet.transactions())
	}
	if ch.Signer == crypto.PubkeyToAddress(w.viewers[0].PublicKey) {
		t.Error("the page signs with the wallet's account instead of its own session key")
	}
	b.Poll("out of credit", 30*time.Second, `return window.livegate.state().outOfCredit`, watchStateScript)
	dry := e.watchState(b)
	b.MustEval(nil, `document.getElementById('topupAmount').value = '0.00000000000002'; document.getElementById('topup').click()`)
	b.Poll("playing again after the top-up", 40*time.Second,
		`const s = window.livegate.state(); return !s.outOfCredit && !s.paused && s.time > `+fmt.Sprint(dry.Time+3), watchStateScript)
	ch, _ = w.client.Channel(context.Background(), common.HexToHash(s.Channel), nil)
	if ch.Deposit.Int64() != 28000 || wallet.transactions() != 2 {
		t.Errorf("after the top-up: deposit %v, %d transactions", ch.Deposit, wallet.transactions())
	}
	if msg := e.watchState(b); strings.Contains(msg.Error, "refused") {
		t.Errorf("page error %q", msg.Error)
	}

	// A prefunded link runs dry; the viewer's wallet did not fund its
	// channel, so the top-up opens a new channel for the link's key, and
	// the page moves its session there.
	b.Open("about:blank")
	b.Open(e.base + "/watch/demo#k=" + hexutil.Encode(crypto.FromECDSA(burner)) + "&c=" + tiny.Hex())
	b.Poll("the link runs dry", 40*time.Second, `return window.livegate.state().outOfCredit`, watchStateScript)
	dry = e.watchState(b)
	var fragment string
	b.MustEval(&fragment, `return location.hash`)
	if fragment != "" || dry.Channel != tiny.Hex() {
		t.Errorf("the link's key left in the address bar (%q), or the wrong channel %s", fragment, dry.Channel)
	}
	b.MustEval(nil, `document.getElementById('topupAmount').value = '0.00000000000002'; document.getElementById('topup').click()`)
	b.Poll("playing again on a new channel", 40*time.Second,
		`const s = window.livegate.state(); return !s.outOfCredit && !s.paused && s.channel !== '`+tiny.Hex()+`' && s.time > `+fmt.Sprint(dry.Time+3),
		watchStateScript)
	now := e.watchState(b)
	ch, err = w.client.Channel(context.Background(), common.HexToHash(now.Channel), nil)
	if err != nil || ch.Funder != crypto.PubkeyToAddress(w.viewers[0].PublicKey) || ch.Signer != crypto.PubkeyToAddress(burner.PublicKey) ||
		ch.Deposit.Int64() != 20000 || wallet.transactions() != 3 {
		t.Errorf("the new channel %+v (%v), %d transactions", ch, err, wallet.transactions())
	}
	if acc := e.srv.pay.ledger.Account(common.HexToHash(now.Channel)); acc.Spent.Sign() == 0 {
		t.Errorf("nothing spent on the new channel: %+v", acc)
	}
}
