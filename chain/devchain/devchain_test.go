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
