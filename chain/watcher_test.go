package chain

import (
	"errors"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

func (w *world) watcher(conf uint64) *Watcher {
	return &Watcher{
		Source: w.sim.Client(), Contract: w.c.Address, Payee: addr(w.payee),
		Confirmations: conf, Reader: w.c.Channel, Logger: quietLog,
	}
}

func (w *world) sync(wt *Watcher) {
	w.t.Helper()
	if err := wt.Sync(w.ctx); err != nil {
		w.t.Fatal(err)
	}
}

func TestWatcherCountsDepositsAfterConfirmations(t *testing.T) {
	w := newWorld(t)
	wt := w.watcher(3)
	id := w.open(eth(1), time.Hour) // mined in the head block: 1 confirmation
	w.sync(wt)
	if _, ok := wt.Channel(id); ok {
		t.Fatal("deposit counted with 1 of 3 confirmations")
	}
	w.sim.Commit()
	w.sync(wt)
	if _, ok := wt.Channel(id); ok {
		t.Fatal("deposit counted with 2 of 3 confirmations")
	}
	w.sim.Commit()
	w.sync(wt)
	ch, ok := wt.Channel(id)
	if !ok || ch.Deposit.Cmp(eth(1)) != 0 || ch.Signer != addr(w.signer) || ch.Funder != addr(w.funder) {
		t.Fatalf("after 3 confirmations: %+v %v", ch, ok)
	}

	// A top-up, an extension and a claim, each once confirmed.
	if _, err := w.c.TopUp(w.ctx, w.funder, id, eth(0.5)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.c.Extend(w.ctx, w.funder, id, ch.Expiry.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.c.Claim(w.ctx, w.payee, w.voucher(id, eth(0.25))); err != nil {
		t.Fatal(err)
	}
	w.sync(wt)
	// One block each: the top-up has its 3 confirmations, the claim 1.
	if got, _ := wt.Channel(id); got.Deposit.Cmp(eth(1.5)) != 0 || got.Claimed.Sign() != 0 {
		t.Fatalf("deposit %s (want the top-up counted), claimed %s (want the claim not yet)", got.Deposit, got.Claimed)
	}
	w.sim.Commit()
	w.sim.Commit()
	w.sync(wt)
	got, _ := wt.Channel(id)
	if got.Deposit.Cmp(eth(1.5)) != 0 || !got.Expiry.Equal(ch.Expiry.Add(time.Hour)) || got.Claimed.Cmp(eth(0.25)) != 0 {
		t.Errorf("after top-up, extend and claim: %+v", got)
	}
	if st := wt.Status(); st.Err != nil || st.Confirmed+2 != st.Head {
		t.Errorf("status %+v", st)
	}
}

func TestWatcherIgnoresOtherPayees(t *testing.T) {
	w := newWorld(t)
	wt := w.watcher(1)
	if _, _, err := w.c.Open(w.ctx, w.funder, addr(w.signer), addr(w.stranger), w.now().Add(time.Hour), eth(1)); err != nil {
		t.Fatal(err)
	}
	mine := w.open(eth(1), time.Hour)
	w.sync(wt)
	if all := wt.Channels(); len(all) != 1 || all[0].ID != mine {
		t.Errorf("watcher holds %d channels, want only the one paying us", len(all))
	}
}

func TestWatcherRollsBackReorganisedLogs(t *testing.T) {
	w := newWorld(t)
	wt := w.watcher(1)
	kept := w.open(eth(1), time.Hour)
	w.sync(wt)
	fork, err := w.sim.Client().HeaderByNumber(w.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	gone := w.open(eth(2), time.Hour)
	if _, err := w.c.TopUp(w.ctx, w.funder, kept, eth(1)); err != nil {
		t.Fatal(err)
	}
	w.sync(wt)
	if _, ok := wt.Channel(gone); !ok {
		t.Fatal("setup: the channel to be reorganised away is not seen")
	}
	// A longer branch from before the open and the top-up, without them.
	if err := w.sim.Fork(fork.Hash()); err != nil {
		t.Fatal(err)
	}
	w.sim.Rollback()
	for range 3 {
		w.sim.Commit()
	}
	w.sync(wt)
	if _, ok := wt.Channel(gone); ok {
		t.Error("a channel whose Opened log was reorganised away is still counted")
	}
	if ch, ok := wt.Channel(kept); !ok || ch.Deposit.Cmp(eth(1)) != 0 {
		t.Errorf("the top-up that was reorganised away is still counted: %+v", ch)
	}
	// On the new branch, life goes on.
	if _, err := w.c.TopUp(w.ctx, w.funder, kept, eth(3)); err != nil {
		t.Fatal(err)
	}
	w.sync(wt)
	if ch, _ := wt.Channel(kept); ch.Deposit.Cmp(eth(4)) != 0 {
		t.Errorf("after the reorg: deposit %s, want 4 ETH", ch.Deposit)
	}
}

func TestWatcherLoadsChannelsOpenedBeforeItStarted(t *testing.T) {
	w := newWorld(t)
	old := w.open(eth(1), time.Hour)
	head, _ := w.sim.Client().HeaderByNumber(w.ctx, nil)
	wt := w.watcher(1)
	wt.FromBlock = head.Number.Uint64() + 1
	w.sim.Commit()
	w.sync(wt)
	if _, ok := wt.Channel(old); ok {
		t.Fatal("setup: the old channel should not have been scanned")
	}
	ch, err := wt.Load(w.ctx, old)
	if err != nil || ch.Deposit.Cmp(eth(1)) != 0 {
		t.Fatalf("load: %+v %v", ch, err)
	}
	if _, err := w.c.TopUp(w.ctx, w.funder, old, eth(1)); err != nil {
		t.Fatal(err)
	}
	w.sync(wt)
	if ch, _ := wt.Channel(old); ch.Deposit.Cmp(eth(2)) != 0 {
		t.Errorf("loaded channel not kept current: %s", ch.Deposit)
	}
	if _, err := wt.Load(w.ctx, common.Hash{7}); !errors.Is(err, ErrUnknown) {
		t.Errorf("unknown channel: %v", err)
	}
}

// A reorganisation to a shorter branch: the newest block the watcher
// scanned no longer exists at all.
func TestWatcherRollsBackToAShorterBranch(t *testing.T) {
	w := newWorld(t)
	wt := w.watcher(1)
	fork, err := w.sim.Client().HeaderByNumber(w.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	gone := w.open(eth(1), time.Hour)
	w.sim.Commit()
	w.sim.Commit() // the old branch: 3 blocks past the fork
	w.sync(wt)
	if _, ok := wt.Channel(gone); !ok {
		t.Fatal("setup: the channel is not seen")
	}
	if err := w.sim.Fork(fork.Hash()); err != nil {
		t.Fatal(err)
	}
	w.sim.Rollback()
	w.sim.Commit() // the new branch: 1 block past the fork
	w.sync(wt)
	if _, ok := wt.Channel(gone); ok {
		t.Error("a channel from the longer, abandoned branch is still counted")
	}
	if st := wt.Status(); st.Err != nil {
		t.Errorf("status %+v", st)
	}
}
