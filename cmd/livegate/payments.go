package main

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/livegate/livegate/chain"
	"github.com/livegate/livegate/hls"
	"github.com/livegate/livegate/paywall"
)

// ChainConfig is chain: in livegate.yml. Without an rpc the server runs
// free, with nothing to pay.
type ChainConfig struct {
	RPC           string   `yaml:"rpc"`           // any Ethereum JSON-RPC endpoint
	Contract      string   `yaml:"contract"`      // the channel contract's address
	Key           string   `yaml:"key"`           // file holding the payee's private key, hex
	Confirmations int      `yaml:"confirmations"` // blocks on top before a deposit counts
	SettleMargin  Duration `yaml:"settleMargin"`  // claim this long before a channel expires
	FromBlock     uint64   `yaml:"fromBlock"`     // where to start reading events; 0: the head at start (older channels are read when first paid through)
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

// payments is the server's side of the money: the contract, the payee's
// key, the watcher keeping confirmed channel state, the ledger, the gate
// in front of priced streams, and the settler.
type payments struct {
	client  *chain.Client
	key     *ecdsa.PrivateKey
	payee   common.Address
	watcher *chain.Watcher
	ledger  ledger       // embedded, or PostgreSQL shared with other nodes
	keys    *hls.Keyring // priced streams' segment keys, from secrets the ledger keeps
	gate    *paywall.Gate
	settler *chain.Settler
	log     *slog.Logger
	cancel  context.CancelFunc
	done    sync.WaitGroup
}

// sessionTTL is how long a session token lives; every accepted voucher,
// and every playlist fetched past half of it, renews it.
const sessionTTL = 15 * time.Minute

func startPayments(full Config, log *slog.Logger) (*payments, error) {
	cfg := full.Chain
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
	p := &payments{client: client, key: key, payee: crypto.PubkeyToAddress(key.PublicKey), log: log}
	balance, err := rpc.BalanceAt(ctx, p.payee, nil)
	if err != nil {
		rpc.Close()
		return nil, fmt.Errorf("chain.rpc: %w", err)
	}
	if balance.Sign() == 0 {
		log.Warn("chain: the payee has no ether to pay gas for claims", "payee", p.payee)
	}
	from := cfg.FromBlock
	if from == 0 {
		head, err := rpc.BlockNumber(ctx)
		if err != nil {
			rpc.Close()
			return nil, fmt.Errorf("chain.rpc: %w", err)
		}
		from = head
	}
	p.watcher = &chain.Watcher{
		Source: rpc, Contract: client.Address, Payee: p.payee, Confirmations: uint64(cfg.Confirmations),
		FromBlock: from, Reader: client.Channel, Logger: log,
	}
	if err := p.watcher.Sync(ctx); err != nil {
		log.Warn("chain: first sync failed; retrying in the background", "err", err)
	}
	if err := p.startPaywall(full, log); err != nil {
		rpc.Close()
		return nil, err
	}
	runCtx, stop := context.WithCancel(context.Background())
	p.cancel = stop
	p.done.Add(2)
	go func() { defer p.done.Done(); p.watcher.Run(runCtx) }()
	go func() { defer p.done.Done(); p.settler.Run(runCtx) }()
	log.Info("chain: watching", "chain", client.ChainID, "contract", client.Address, "payee", p.payee,
		"balance", balance, "confirmations", cfg.Confirmations, "channels", len(p.watcher.Channels()))
	return p, nil
}

func (p *payments) startPaywall(cfg Config, log *slog.Logger) error {
	ledger, secret, err := openLedger(cfg, log)
	if err != nil {
		return err
	}
	sessions, err := paywall.NewSessions(secret, sessionTTL)
	if err != nil {
		_ = ledger.Close()
		return err
	}
	terms := map[string]paywall.Terms{}
	for _, sc := range cfg.Streams {
		if !sc.priced() {
			continue
		}
		t := sc.terms()
		if t.Token.Address != (common.Address{}) {
			// People read prices in the token's own symbol and decimals.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			info, err := p.client.Token(ctx, t.Token.Address)
			cancel()
			if err != nil {
				_ = ledger.Close()
				return fmt.Errorf("streams: %s.token %s is not an ERC-20 this chain answers for: %w", sc.Name, t.Token.Address, err)
			}
			t.Token = paywall.Asset{Address: info.Address, Symbol: info.Symbol, Decimals: info.Decimals}
			log.Info("chain: stream priced in a token", "stream", sc.Name, "token", info.Address, "symbol", info.Symbol, "decimals", info.Decimals,
				"per_minute", info.Format(new(big.Int).Mul(t.PricePerSecond, big.NewInt(60))))
		}
		terms[sc.Name] = t
	}
	margin := time.Duration(cfg.Chain.SettleMargin)
	p.ledger = ledger
	p.keys = &hls.Keyring{Store: ledger}
	p.gate = &paywall.Gate{
		Streams: terms, Sessions: sessions, Ledger: ledger,
		Cashier: &paywall.Cashier{Ledger: ledger, Channels: p.watcher, Verifier: &chain.Verifier{Domain: p.client.Domain},
			Payee: p.payee, Margin: margin},
		// Forged vouchers: 20 a minute per host (or per channel, with a
		// valid token), each answered half a second late.
		Limiter: &paywall.Limiter{Max: 20, Window: time.Minute, Delay: 500 * time.Millisecond},
		// Channel ids that name no channel, read from the chain each: a
		// watch page polls every 2 s while its channel confirms.
		Lookups: &paywall.Limiter{Max: 120, Window: time.Minute},
		Domain:  p.client.Domain, Payee: p.payee, Logger: log, Directory: p.watcher,
	}
	p.settler = &chain.Settler{Client: p.client, Key: p.key, Watcher: p.watcher, Vouchers: ledger,
		Margin: margin, Interval: time.Minute, Logger: log}
	if pg, ok := ledger.(*paywall.PGLedger); ok { // several nodes: one settles at a time
		p.settler.Lock = pg.SettleLock
	}
	return nil
}

// settleAll claims everything owed now: `livegate settle`.
func (p *payments) settleAll(ctx context.Context) ([]chain.Settlement, error) {
	if err := p.watcher.Sync(ctx); err != nil {
		p.log.Warn("chain: settling on the last confirmed state", "err", err)
	}
	return p.settler.SettleAll(ctx)
}

// settleWorthwhile claims, at a stream's end, what is due and what is
// worth its gas: a channel a few thousand wei above its last claim waits
// for more (or for its expiry's margin) rather than paying more in fees
// than it brings.
func (p *payments) settleWorthwhile(ctx context.Context) ([]chain.Settlement, error) {
	if err := p.watcher.Sync(ctx); err != nil {
		p.log.Warn("chain: settling on the last confirmed state", "err", err)
	}
	return p.settler.SettleWorthwhile(ctx)
}

func (p *payments) Close() {
	p.cancel()
	p.done.Wait()
	p.gate.WaitRefunds() // of the segments the streams flushed as they closed
	if err := p.ledger.Close(); err != nil {
		p.log.Error("ledger: close", "err", err)
	}
	p.client.Backend.(*ethclient.Client).Close()
}

// hlsGate lets the origin ask the paywall, which knows nothing of hls.
type hlsGate struct{ g *paywall.Gate }

func (a hlsGate) Admit(w http.ResponseWriter, r *http.Request, s hls.SegmentRef) bool {
	return a.g.Admit(w, r, paywall.Segment{Stream: s.Stream, Recording: s.Recording, Seq: s.Seq, Duration: s.Duration, Provisional: s.Provisional})
}

// finished tells the paywall a segment ended (Options.OnSegment), for
// the keys it sold before.
func (a hlsGate) finished(s hls.SegmentRef) {
	a.g.Finished(paywall.Segment{Stream: s.Stream, Recording: s.Recording, Seq: s.Seq, Duration: s.Duration})
}

func (a hlsGate) Check(w http.ResponseWriter, r *http.Request, stream string) bool {
	return a.g.Check(w, r, stream)
}

func (a hlsGate) PlaylistArgs(r *http.Request, stream string) string {
	return a.g.PlaylistArgs(r, stream)
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
