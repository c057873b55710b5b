package devchain

import (
	"bytes"
	"context"
	"encoding/json"
	"math/big"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/chain"
)

// rpcCall is an outside client: plain JSON-RPC over HTTP, as curl or a
// browser wallet would speak it.
func rpcCall(t *testing.T, url, method string, params ...any) json.RawMessage {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "http://wallet.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Access-Control-Allow-Origin") == "" {
		t.Errorf("%s: no CORS header for a browser", method)
	}
	var out struct {
		Result json.RawMessage
		Error  *struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Error != nil {
		t.Fatalf("%s: %v %+v", method, err, out.Error)
	}
	return out.Result
}

func TestDevChainMinesOnDemandAndServesJSONRPC(t *testing.T) {
	key, _ := crypto.GenerateKey()
	me := crypto.PubkeyToAddress(key.PublicKey)
	dir := t.TempDir()
	cfg := Config{Addr: "127.0.0.1:0", DataDir: filepath.Join(dir, "chain"),
		Alloc: types.GenesisAlloc{me: {Balance: new(big.Int).Lsh(big.NewInt(1), 100)}}}
	c, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// A transaction is mined without anyone asking for a block.
	cl, err := chain.Deploy(ctx, c.Client, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	if id := string(rpcCall(t, c.URL, "eth_chainId")); id != `"0x539"` {
		t.Errorf("chain id %s, want 1337", id)
	}
	code := rpcCall(t, c.URL, "eth_getCode", cl.Address.Hex(), "latest")
	if len(code) < 100 {
		t.Errorf("no contract code over JSON-RPC: %s", code)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	// The chain, and the contract on it, survive a restart.
	c, err = Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := chain.NewClient(ctx, c.Client, cl.Address); err != nil {
		t.Errorf("contract gone after a restart: %v", err)
	}
	if _, err := Start(Config{Addr: "0.0.0.0:0"}); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("a dev chain on a public address: %v", err)
	}
}

// TestDevChainStablecoin: the dev chain gets the channel contract and the
// test stablecoin, a viewer funded with it opens a dollar channel by permit,
// and a second start finds both contracts instead of deploying again.
func TestDevChainStablecoin(t *testing.T) {
	organizer, _ := crypto.GenerateKey()
	viewer, _ := crypto.GenerateKey()
	payee, _ := crypto.GenerateKey()
	ether := new(big.Int).Lsh(big.NewInt(1), 70)
	c, err := Start(Config{Addr: "127.0.0.1:0", Alloc: types.GenesisAlloc{
		crypto.PubkeyToAddress(organizer.PublicKey): {Balance: ether},
		crypto.PubkeyToAddress(viewer.PublicKey):    {Balance: ether},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ct, err := c.Deploy(ctx, organizer, common.Address{}, common.Address{})
	if err != nil {
		t.Fatal(err)
	}
	if !ct.FreshChannels || !ct.FreshStablecoin {
		t.Errorf("first start: fresh %v %v, want both deployed", ct.FreshChannels, ct.FreshStablecoin)
	}
	info, err := ct.Channels.Token(ctx, ct.Stablecoin)
	if err != nil || info.Symbol != "USDL" || info.Decimals != 6 {
		t.Fatalf("stablecoin %+v %v", info, err)
	}
	me := crypto.PubkeyToAddress(viewer.PublicKey)
	fund := big.NewInt(50_000_000) // 50 USDL
	if err := ct.Fund(ctx, organizer, fund, me); err != nil {
		t.Fatal(err)
	}
	id, _, err := ct.Channels.OpenWithPermit(ctx, viewer, ct.Stablecoin, me, crypto.PubkeyToAddress(payee.PublicKey),
		time.Now().Add(time.Hour), big.NewInt(20_000_000))
	if err != nil {
		t.Fatal(err)
	}
	if ch, err := ct.Channels.Channel(ctx, id, nil); err != nil || ch.Token != ct.Stablecoin || info.Format(ch.Deposit) != "20 USDL" {
		t.Fatalf("channel %+v %v", ch, err)
	}

	again, err := c.Deploy(ctx, organizer, ct.Channels.Address, ct.Stablecoin)
	if err != nil {
		t.Fatal(err)
	}
	if again.FreshChannels || again.FreshStablecoin || again.Channels.Address != ct.Channels.Address || again.Stablecoin != ct.Stablecoin {
		t.Errorf("second start deployed again: %+v", again)
	}
	// Funding again tops the viewer back up to 50, no more.
	if err := again.Fund(ctx, organizer, fund, me); err != nil {
		t.Fatal(err)
	}
	if have, err := again.Channels.TokenBalance(ctx, again.Stablecoin, me); err != nil || have.Cmp(fund) != 0 {
		t.Errorf("after funding again: %v %v, want 50 USDL", have, err)
	}
}
