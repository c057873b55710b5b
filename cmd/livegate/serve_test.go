package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/chain"
	"github.com/livegate/livegate/chain/devchain"
)

// TestServeAgainstAChain runs `serve` from a config file against a chain
// reached over JSON-RPC (a dev chain standing in for any real one).
func TestServeAgainstAChain(t *testing.T) {
	payee, _ := crypto.GenerateKey()
	funder, _ := crypto.GenerateKey()
	alloc := types.GenesisAlloc{}
	for _, k := range []*ecdsa.PrivateKey{payee, funder} {
		alloc[crypto.PubkeyToAddress(k.PublicKey)] = types.Account{Balance: new(big.Int).Lsh(big.NewInt(1), 80)}
	}
	dev, err := devchain.Start(devchain.Config{Addr: "127.0.0.1:0", Alloc: alloc})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := chain.Deploy(ctx, dev.Client, funder, nil)
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := c.Open(ctx, funder, crypto.PubkeyToAddress(funder.PublicKey), crypto.PubkeyToAddress(payee.PublicKey), time.Now().Add(time.Hour), big.NewInt(5000))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "payee.key")
	if err := crypto.SaveECDSA(keyFile, payee); err != nil {
		t.Fatal(err)
	}
	config := func(rpc, contract string) string {
		return writeConfig(t, fmt.Sprintf(`
http: 127.0.0.1:0
rtmp: 127.0.0.1:0
data: %s
chain:
  rpc: %s
  contract: "%s"
  key: %s
  confirmations: 1
streams:
  - {name: main, key: main-stream-key}
`, dir, rpc, contract, keyFile))
	}
	cfg, err := loadConfig(config(dev.URL, c.Address.Hex()))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := startServer(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if ch, ok := srv.pay.watcher.Channel(id); !ok || ch.Deposit.Int64() != 5000 {
		t.Errorf("the channel paying us is not watched: %+v", ch)
	}
	resp, err := http.Get("http://" + srv.httpAddr() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var health struct{ Chain map[string]any }
	_ = json.NewDecoder(resp.Body).Decode(&health)
	resp.Body.Close()
	if health.Chain["chainId"] != "1337" || health.Chain["channels"] != float64(1) {
		t.Errorf("healthz chain %+v", health.Chain)
	}

	// Each mistake names its key, and nothing starts.
	for want, path := range map[string]string{
		"chain.contract": config(dev.URL, "0x000000000000000000000000000000000000dEaD"),
		"chain.rpc":      config("http://127.0.0.1:1", c.Address.Hex()),
	} {
		cfg, err := loadConfig(path)
		if err == nil {
			_, err = startServer(cfg, slog.New(slog.DiscardHandler))
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error naming %s, got %v", want, err)
		}
	}
	if err := os.Chmod(keyFile, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := startServer(cfg, slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a key others can read: %v", err)
	}
}
