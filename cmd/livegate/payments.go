package main

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/livegate/livegate/chain"
)

// ChainConfig is chain: in livegate.yml. Without an rpc the server runs
// free, with nothing to pay.
type ChainConfig struct {
	RPC           string   `yaml:"rpc"`           // any Ethereum JSON-RPC endpoint
	Contract      string   `yaml:"contract"`      // the channel contract's address
	Key           string   `yaml:"key"`           // file holding the payee's private key, hex
	Confirmations int      `yaml:"confirmations"` // blocks on top before a deposit counts
	SettleMargin  Duration `yaml:"settleMargin"`  // claim this long before a channel expires
	FromBlock     uint64   `yaml:"fromBlock"`     // where to start reading events (the contract's deployment)
}

func (c *ChainConfig) validate() error {
	if c.RPC == "" {
		if c.Contract != "" || c.Key != "" {
			return errors.New("chain.rpc: set it to use chain.contract and chain.key")
		}
		return nil
	}
	u, err := url.Parse(c.RPC)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
		return fmt.Errorf("chain.rpc: %q is not an http(s):// or ws(s):// URL", c.RPC)
	}
	switch {
	case !common.IsHexAddress(c.Contract):
		return fmt.Errorf("chain.contract: %q is not an address (0x and 40 hex digits)", c.Contract)
	case c.Key == "":
		return errors.New("chain.key: name the file holding the payee's private key")
	case c.Confirmations < 1 || c.Confirmations > 1000:
		return fmt.Errorf("chain.confirmations: %d is outside 1 to 1000", c.Confirmations)
	case c.SettleMargin < Duration(time.Minute):
		return errors.New("chain.settleMargin: must be at least 1m")
	}
	return nil
}

// loadKey reads a hex private key from a file, refusing one others can read.
func loadKey(path string) (*ecdsa.PrivateKey, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("chain.key: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("chain.key: %s can be read by others (mode %v): chmod 600 it", path, fi.Mode().Perm())
	}
	k, err := crypto.LoadECDSA(path)
	if err != nil {
		return nil, fmt.Errorf("chain.key: %s: %w", path, err)
	}
	return k, nil
}

// payments is the server's side of the chain: the contract, the payee's key
// and the watcher keeping confirmed channel state.
type payments struct {
	client  *chain.Client
	key     *ecdsa.PrivateKey
	payee   common.Address
	watcher *chain.Watcher
	cancel  context.CancelFunc
	done    chan struct{}
}

func startPayments(cfg ChainConfig, log *slog.Logger) (*payments, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	key, err := loadKey(cfg.Key)
	if err != nil {
		return nil, err
	}
	rpc, err := ethclient.DialContext(ctx, cfg.RPC)
	if err != nil {
		return nil, fmt.Errorf("chain.rpc: %w", err)
	}
	if _, err := rpc.ChainID(ctx); err != nil {
		rpc.Close()
		return nil, fmt.Errorf("chain.rpc: cannot reach %s: %w", cfg.RPC, err)
	}
	client, err := chain.NewClient(ctx, rpc, common.HexToAddress(cfg.Contract))
	if err != nil {
		rpc.Close()
		return nil, fmt.Errorf("chain.contract: %w", err)
	}
	p := &payments{client: client, key: key, payee: crypto.PubkeyToAddress(key.PublicKey), done: make(chan struct{})}
	balance, err := rpc.BalanceAt(ctx, p.payee, nil)
	if err != nil {
		rpc.Close()
		return nil, fmt.Errorf("chain.rpc: %w", err)
	}
	if balance.Sign() == 0 {
		log.Warn("chain: the payee has no ether to pay gas for claims", "payee", p.payee)
	}
	p.watcher = &chain.Watcher{
		Source: rpc, Contract: client.Address, Payee: p.payee, Confirmations: uint64(cfg.Confirmations),
		FromBlock: cfg.FromBlock, Reader: client.Channel, Logger: log,
	}
	if err := p.watcher.Sync(ctx); err != nil {
		log.Warn("chain: first sync failed; retrying in the background", "err", err)
	}
	runCtx, stop := context.WithCancel(context.Background())
	p.cancel = stop
	go func() { defer close(p.done); p.watcher.Run(runCtx) }()
	log.Info("chain: watching", "chain", client.ChainID, "contract", client.Address, "payee", p.payee,
		"balance", balance, "confirmations", cfg.Confirmations, "channels", len(p.watcher.Channels()))
	return p, nil
}

func (p *payments) Close() {
	p.cancel()
	<-p.done
	p.client.Backend.(*ethclient.Client).Close()
}

// status is the chain part of /healthz.
func (p *payments) status() map[string]any {
	st := p.watcher.Status()
	out := map[string]any{
		"chainId": p.client.ChainID.String(), "contract": p.client.Address, "payee": p.payee,
		"head": st.Head, "confirmed": st.Confirmed, "channels": len(p.watcher.Channels()),
	}
	if !st.LastSync.IsZero() {
		out["lastSync"] = st.LastSync.UTC().Format(time.RFC3339)
	}
	if st.Err != nil {
		out["error"] = st.Err.Error()
	}
	return out
}
