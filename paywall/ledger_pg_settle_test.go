package paywall_test

import (
	"context"
	"log/slog"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/chain"
	"github.com/livegate/livegate/internal/testpg"
	"github.com/livegate/livegate/paywall"
)

// Two nodes share one PostgreSQL ledger, each with its own watcher and
// settler, on one simulated chain: every channel owed is claimed once,
// by one of them; a pass that finds the other node settling is skipped,
// and the next one settles what is due.
func TestPGSettlersClaimOnce(t *testing.T) {
	f := newFixture(t)
	url := testpg.New(t)
	quiet := slog.New(slog.DiscardHandler)
	var nodes []*paywall.PGLedger
	var settlers []*chain.Settler
	for range 2 {
		l, err := paywall.OpenPGLedger(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = l.Close() })
		w := &chain.Watcher{Source: f.sim.Client(), Contract: f.c.Address, Payee: crypto.PubkeyToAddress(f.payee.PublicKey),
			Reader: f.c.Channel, Logger: quiet, CallTimeout: time.Second}
		if err := w.Sync(f.ctx); err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, l)
		settlers = append(settlers, &chain.Settler{Client: f.c, Key: f.payee, Watcher: w, Vouchers: l,
			Margin: time.Hour, ClaimTimeout: 20 * time.Second, Logger: quiet, Lock: l.SettleLock})
	}
	pay := func(node int, ch common.Hash, amount int64) {
		t.Helper()
		v, err := f.c.Domain.Sign(f.viewer, ch, big.NewInt(amount))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := nodes[node].Pay(f.ctx, v, "demo"); err != nil {
			t.Fatal(err)
		}
	}
	claimed := func(ch common.Hash) int64 {
		t.Helper()
		c, err := f.c.Channel(f.ctx, ch, nil)
		if err != nil {
			t.Fatal(err)
		}
		return c.Claimed.Int64()
	}
	pay(0, f.plain, 5000)
	pay(1, f.small, 3000)

	// Both settle everything at once (a stream's end seen by both).
	var wg sync.WaitGroup
	got := make([][]chain.Settlement, 2)
	for i, s := range settlers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if got[i], err = s.SettleAll(f.ctx); err != nil {
				t.Errorf("settler %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	times := map[common.Hash]int{}
	for _, ss := range got {
		for _, st := range ss {
			if st.Err == nil && st.Tx != (common.Hash{}) {
				times[st.Channel]++
			}
		}
	}
	if times[f.plain] != 1 || times[f.small] != 1 || len(times) != 2 {
		t.Errorf("claims per channel %v; want one each for the two channels owed", times)
	}
	if claimed(f.plain) != 5000 || claimed(f.small) != 3000 {
		t.Errorf("claimed on chain: %d and %d, want 5000 and 3000", claimed(f.plain), claimed(f.small))
	}

	// The channel about to expire is due; node 0 is settling (holds the
	// lock): node 1's pass skips, and its next pass claims it.
	pay(1, f.dying, 7000)
	release, ok, err := nodes[0].SettleLock(f.ctx, false)
	if err != nil || !ok {
		t.Fatalf("taking the lock: %v %v", ok, err)
	}
	if ss, err := settlers[1].SettleDue(f.ctx); err != nil || len(ss) != 0 || claimed(f.dying) != 0 {
		t.Fatalf("a pass while another node settles: %+v %v, claimed %d", ss, err, claimed(f.dying))
	}
	release()
	ss, err := settlers[1].SettleDue(f.ctx)
	if err != nil || len(ss) != 1 || ss[0].Channel != f.dying || claimed(f.dying) != 7000 {
		t.Errorf("the next pass: %+v %v, claimed %d; want the dying channel's 7000", ss, err, claimed(f.dying))
	}
}
