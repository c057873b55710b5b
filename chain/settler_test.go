package chain

import (
	"context"
	"errors"
	"math/big"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// vouchers is an in-memory VoucherSource: the ledger that holds them
// belongs to the paywall, which these tests do not need.
type vouchers struct {
	mu   sync.Mutex
	best map[common.Hash]*Voucher
}

func (v *vouchers) Paying() []common.Hash {
	v.mu.Lock()
	defer v.mu.Unlock()
	var ids []common.Hash
	for id := range v.best {
		ids = append(ids, id)
	}
	return ids
}

func (v *vouchers) Best(id common.Hash) (*Voucher, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	b, ok := v.best[id]
	return b, ok
}

func TestSettlerClaimsBeforeExpiry(t *testing.T) {
	w := newWorld(t)
	wt := w.watcher(1)
	soon := w.open(eth(1), 2*time.Hour)
	idle := w.open(eth(1), 2*time.Hour)   // nothing owed
	later := w.open(eth(1), 10*time.Hour) // owed, not due
	paid := w.open(eth(1), 2*time.Hour)   // owed nothing beyond its last claim
	if _, err := w.c.Claim(w.ctx, w.payee, w.voucher(paid, eth(0.1))); err != nil {
		t.Fatal(err)
	}
	vs := &vouchers{best: map[common.Hash]*Voucher{
		soon:  w.voucher(soon, eth(0.4)),
		later: w.voucher(later, eth(0.3)),
		paid:  w.voucher(paid, eth(0.1)),
	}}
	s := &Settler{Client: w.c, Key: w.payee, Watcher: wt, Vouchers: vs, Margin: time.Hour, Logger: quietLog}
	w.sync(wt)

	if got, err := s.SettleDue(w.ctx); err != nil || len(got) != 0 {
		t.Fatalf("nothing is due yet, settled %+v %v", got, err)
	}
	w.advance(70 * time.Minute) // within an hour of the 2 h expiries
	before := w.balance(addr(w.payee))
	got, err := s.SettleDue(w.ctx)
	if err != nil || len(got) != 1 || got[0].Channel != soon || got[0].Paid.Cmp(eth(0.4)) != 0 {
		t.Fatalf("settled %+v %v; want only the channel near expiry, for 0.4 ETH", got, err)
	}
	rc, _ := w.sim.Client().TransactionReceipt(w.ctx, got[0].Tx)
	gain := new(big.Int).Sub(w.balance(addr(w.payee)), before)
	if gain.Add(gain, fee(rc)).Cmp(eth(0.4)) != 0 {
		t.Errorf("the payee gained %s, want 0.4 ETH", gain)
	}
	if ch := w.channel(soon); ch.Claimed.Cmp(eth(0.4)) != 0 {
		t.Errorf("channel claimed %s on chain", ch.Claimed)
	}
	for _, id := range []common.Hash{idle, later} {
		if ch := w.channel(id); ch.Claimed.Sign() != 0 {
			t.Errorf("channel %s was touched", id)
		}
	}
	// A second pass before the watcher confirms the claim does not claim twice.
	if got, err := s.SettleDue(w.ctx); err != nil || len(got) != 0 {
		t.Errorf("second pass: %+v %v", got, err)
	}
	// At a stream's end, everything owed is claimed.
	w.sync(wt)
	got, err = s.SettleAll(w.ctx)
	if err != nil || len(got) != 1 || got[0].Channel != later {
		t.Errorf("settle all: %+v %v", got, err)
	}
	if ch := w.channel(later); ch.Claimed.Cmp(eth(0.3)) != 0 {
		t.Errorf("later channel claimed %s", ch.Claimed)
	}
}

// A settler with a Lock settles only while it holds it: a periodic pass
// that cannot take it at once is skipped, SettleAll waits for it, and a
// lock that fails is reported. (The lock several nodes share is
// PostgreSQL's, tested in paywall with two settlers on one database.)
func TestSettlerTakesTheLock(t *testing.T) {
	w := newWorld(t)
	wt := w.watcher(1)
	due := w.open(eth(1), 2*time.Hour)
	vs := &vouchers{best: map[common.Hash]*Voucher{due: w.voucher(due, eth(0.2))}}
	var mu sync.Mutex
	held, waits, fail := true, []bool{}, error(nil)
	s := &Settler{Client: w.c, Key: w.payee, Watcher: wt, Vouchers: vs, Margin: time.Hour, Logger: quietLog,
		Lock: func(_ context.Context, wait bool) (func(), bool, error) {
			mu.Lock()
			defer mu.Unlock()
			waits = append(waits, wait)
			if fail != nil || held {
				return nil, false, fail
			}
			held = true
			return func() { mu.Lock(); held = false; mu.Unlock() }, true, nil
		}}
	w.sync(wt)
	w.advance(70 * time.Minute)
	if got, err := s.SettleDue(w.ctx); err != nil || len(got) != 0 || w.channel(due).Claimed.Sign() != 0 {
		t.Fatalf("settled without the lock: %+v %v", got, err)
	}
	held = false
	got, err := s.SettleDue(w.ctx)
	if err != nil || len(got) != 1 || w.channel(due).Claimed.Cmp(eth(0.2)) != 0 {
		t.Fatalf("with the lock: %+v %v", got, err)
	}
	if held {
		t.Error("the lock was not released after the pass")
	}
	fail = errors.New("database gone")
	if _, err := s.SettleAll(w.ctx); !errors.Is(err, fail) {
		t.Errorf("a failed lock: %v", err)
	}
	if want := []bool{false, false, true}; !slices.Equal(waits, want) {
		t.Errorf("waited %v, want %v: SettleDue skips, SettleAll waits", waits, want)
	}
}

// SettleWorthwhile claims what is due whatever its gas, an ETH claim only
// when it brings more than its gas costs, and a token claim (there is no
// price to compare its gas with) unless it is below the token's MinClaim.
// SettleAll claims the rest.
func TestSettlerDefersClaimsWorthLessThanTheirGas(t *testing.T) {
	w := newWorld(t)
	token, _ := w.stablecoin(usd(100))
	openToken := func(deposit *big.Int) common.Hash {
		id, _, err := w.c.OpenToken(w.ctx, w.funder, token, addr(w.signer), addr(w.payee), w.now().Add(2*time.Hour), deposit)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	small := w.open(eth(1), 2*time.Hour) // 1,000 wei: far below 30,000 gas at any price the node takes
	large := w.open(eth(1), 2*time.Hour)
	dying := w.open(eth(1), 30*time.Minute) // 1,000 wei, but due
	cents := openToken(usd(10))             // no minimum for the token
	vs := &vouchers{best: map[common.Hash]*Voucher{
		small: w.voucher(small, big1000), large: w.voucher(large, eth(0.1)), dying: w.voucher(dying, big1000),
		cents: w.voucher(cents, usd(0.01)),
	}}
	wt := w.watcher(1)
	s := &Settler{Client: w.c, Key: w.payee, Watcher: wt, Vouchers: vs, Margin: time.Hour, Logger: quietLog}
	w.sync(wt)
	claimed := func(ss []Settlement) map[common.Hash]bool {
		m := map[common.Hash]bool{}
		for _, st := range ss {
			if st.Err != nil {
				t.Errorf("channel %s: %v", st.Channel, st.Err)
			}
			m[st.Channel] = true
		}
		return m
	}
	got, err := s.SettleWorthwhile(w.ctx)
	if c := claimed(got); err != nil || len(c) != 3 || !c[large] || !c[dying] || !c[cents] {
		t.Fatalf("worthwhile: %+v %v; want the 0.1 ETH, the dying and the token channel", got, err)
	}
	if w.channel(small).Claimed.Sign() != 0 {
		t.Error("the 1,000 wei claim was made")
	}
	// A token minimum defers a small token claim too.
	dimes := openToken(usd(10))
	vs.best[dimes] = w.voucher(dimes, usd(0.5))
	s.MinClaim = map[common.Address]*big.Int{token: usd(1)}
	w.sync(wt)
	if got, err := s.SettleWorthwhile(w.ctx); err != nil || len(got) != 0 {
		t.Fatalf("worthwhile again: %+v %v; want nothing", got, err)
	}
	got, err = s.SettleAll(w.ctx)
	if c := claimed(got); err != nil || len(c) != 2 || !c[small] || !c[dimes] {
		t.Fatalf("all: %+v %v; want the two deferred channels", got, err)
	}
	if w.channel(small).Claimed.Cmp(big1000) != 0 || w.channel(dimes).Claimed.Cmp(usd(0.5)) != 0 {
		t.Error("the deferred claims are not on chain")
	}
}

var big1000 = big.NewInt(1000)
