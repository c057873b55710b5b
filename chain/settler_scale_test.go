package chain

import (
	"context"
	"errors"
	"math/big"
	"sync"
	"testing"
	"time"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
)

// faultyNode is a test double around the simulated backend's client that
// loses one transaction and underprices another. The simulated node never
// loses a transaction it accepted (a real one may: a restart, an eviction
// from a full pool, a load balancer sending to another node), so the
// dropAt-th SendTransaction is answered "sent" and goes nowhere. And the
// settler prices a batch from the node's suggested tip, which the
// simulated node never lets fall too low to mine, so the lowTipAt-th
// suggestion is 1 wei: a tip the node's pool accepts and its miner (wanting
// 0.001 gwei) will not take, as when a real network's tips rise after a
// batch is priced. What happens next is the simulated node's own: the
// dropped nonce holds up every later batch, the underpriced one sits in
// the pool unmined, and neither moves until the settler acts.
type faultyNode struct {
	simulated.Client
	mu               sync.Mutex
	sends, tips      int
	dropAt, lowTipAt int
	dropped, low     *types.Transaction
}

func (n *faultyNode) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	n.mu.Lock()
	n.sends++
	if n.sends == n.dropAt {
		n.dropped = tx
		n.mu.Unlock()
		return nil
	}
	if n.low == nil && tx.GasTipCap().Cmp(big.NewInt(1)) == 0 {
		n.low = tx
	}
	n.mu.Unlock()
	return n.Client.SendTransaction(ctx, tx)
}

func (n *faultyNode) SuggestGasTipCap(ctx context.Context) (*big.Int, error) {
	n.mu.Lock()
	n.tips++
	low := n.tips == n.lowTipAt
	n.mu.Unlock()
	if low {
		return big.NewInt(1), nil
	}
	return n.Client.SuggestGasTipCap(ctx)
}

// A thousand prefunded channels sharing one expiry, all paid: the settler
// starts early enough for ten batches, and claims every channel before the
// expiry though one batch is lost on its way to the node and another is
// priced too low to be mined.
func TestSettlerClaimsAThousandChannelsSharingAnExpiry(t *testing.T) {
	const channels, chunk = 1000, 125 // 125 opens: about 12 M gas, under Osaka's 16.7 M a transaction
	w := newWorld(t)
	expiry := w.now().Add(2 * time.Hour)
	signers, deposits := make([]common.Address, chunk), make([]*big.Int, chunk)
	for i := range signers {
		signers[i], deposits[i] = addr(w.signer), big.NewInt(1e15)
	}
	vs := &vouchers{best: map[common.Hash]*Voucher{}}
	owed := new(big.Int)
	for len(vs.best) < channels {
		ids, _, err := w.c.OpenMany(w.ctx, w.funder, common.Address{}, addr(w.payee), expiry, signers, deposits)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			amount := big.NewInt(int64(len(vs.best)+1) * 1e12)
			vs.best[id] = w.voucher(id, amount)
			owed.Add(owed, amount)
		}
	}
	node := &faultyNode{Client: w.sim.Client(), dropAt: 3, lowTipAt: 5}
	c := *w.c
	c.Backend = node
	wt := w.watcher(1)
	w.sync(wt)
	s := &Settler{Client: &c, Key: w.payee, Watcher: wt, Vouchers: vs, Logger: quietLog,
		Margin: 10 * time.Minute, BatchMargin: 2 * time.Minute, Batch: 100, // all due 30 min before the expiry
		MaxInFlight: 4, BumpAfter: 200 * time.Millisecond, ClaimTimeout: time.Minute}

	w.advance(expiry.Sub(w.now()) - 35*time.Minute)
	if got, err := s.SettleDue(w.ctx); err != nil || len(got) != 0 {
		t.Fatalf("35 min before the expiry nothing is due yet; settled %d, %v", len(got), err)
	}
	// 25 min before: one channel alone would wait (10 min + one batch's
	// 2), a thousand are due.
	w.advance(10 * time.Minute)
	before := w.balance(addr(w.payee))
	got, err := s.SettleDue(w.ctx)
	if err != nil || len(got) != channels {
		t.Fatalf("settled %d of %d channels: %v", len(got), channels, err)
	}
	txs := map[common.Hash]*types.Receipt{}
	fees, gas := new(big.Int), uint64(0)
	for _, st := range got {
		if v := vs.best[st.Channel]; st.Err != nil || st.Paid.Cmp(v.Amount) != 0 {
			t.Fatalf("channel %s: paid %s of %s: %v", st.Channel, st.Paid, v.Amount, st.Err)
		}
		if txs[st.Tx] != nil {
			continue
		}
		rc, err := w.sim.Client().TransactionReceipt(w.ctx, st.Tx)
		if err != nil {
			t.Fatal(err)
		}
		txs[st.Tx] = rc
		fees.Add(fees, fee(rc))
		gas += rc.GasUsed
		if h, err := w.sim.Client().HeaderByNumber(w.ctx, rc.BlockNumber); err != nil || !time.Unix(int64(h.Time), 0).Before(expiry) {
			t.Errorf("batch %s mined at or after the expiry (%v)", st.Tx, err)
		}
	}
	if len(txs) != channels/100 {
		t.Errorf("%d transactions; want one a batch of 100", len(txs))
	}
	for id, v := range vs.best {
		if ch := w.channel(id); ch.Claimed.Cmp(v.Amount) != 0 {
			t.Fatalf("channel %s claimed %s on chain, voucher %s", id, ch.Claimed, v.Amount)
		}
	}
	if gain := new(big.Int).Sub(w.balance(addr(w.payee)), before); gain.Add(gain, fees).Cmp(owed) != 0 {
		t.Errorf("the payee gained %s plus %s in fees; the vouchers total %s", gain, fees, owed)
	}

	// The lost batch was sent again as it was, and mined.
	if node.dropped == nil || txs[node.dropped.Hash()] == nil {
		t.Errorf("the dropped batch was not resubmitted and mined")
	}
	// The underpriced one was never mined: a bumped copy at its nonce was.
	if node.low == nil {
		t.Fatal("no batch went out with the 1 wei tip")
	}
	if _, err := w.sim.Client().TransactionReceipt(w.ctx, node.low.Hash()); !errors.Is(err, ethereum.NotFound) {
		t.Errorf("the underpriced batch was mined (%v)", err)
	}
	bumped := false
	for h := range txs {
		tx, _, err := w.sim.Client().TransactionByHash(w.ctx, h)
		if err == nil && tx.Nonce() == node.low.Nonce() && tx.GasTipCap().Cmp(node.low.GasTipCap()) > 0 {
			bumped = true
		}
	}
	if !bumped {
		t.Error("no bumped batch at the underpriced one's nonce was mined")
	}
	t.Logf("%d channels claimed in %d transactions, %d gas (%d a channel), %d sends", channels, len(txs), gas, gas/channels, node.sends)
}

// A batch with no receipt when a pass gives up waiting is reported
// unconfirmed and stays the settler's: the next pass finds it mined and
// reports what it paid, without claiming its channels again.
func TestSettlerWatchesAnUnminedBatchAcrossPasses(t *testing.T) {
	w := newWorld(t)
	id := w.open(eth(1), 2*time.Hour)
	vs := &vouchers{best: map[common.Hash]*Voucher{id: w.voucher(id, eth(0.2))}}
	node := &faultyNode{Client: w.sim.Client()}
	c := *w.c
	c.Backend, c.Mine = node, nil // no block is made until the test makes one
	wt := w.watcher(1)
	w.sync(wt)
	s := &Settler{Client: &c, Key: w.payee, Watcher: wt, Vouchers: vs, Logger: quietLog,
		BumpAfter: time.Hour, ClaimTimeout: 100 * time.Millisecond}
	got, err := s.SettleAll(w.ctx)
	if !errors.Is(err, errUnconfirmed) || len(got) != 1 || !errors.Is(got[0].Err, errUnconfirmed) {
		t.Fatalf("first pass: %+v %v; want the claim unconfirmed", got, err)
	}
	w.sim.Commit()
	s.ClaimTimeout = time.Minute // the receipt may take a moment to be indexed
	got, err = s.SettleAll(w.ctx)
	if err != nil || len(got) != 1 || got[0].Paid.Cmp(eth(0.2)) != 0 || got[0].Tx == (common.Hash{}) {
		t.Fatalf("second pass: %+v %v; want the batch's 0.2 ETH", got, err)
	}
	if node.sends != 1 || w.channel(id).Claimed.Cmp(eth(0.2)) != 0 {
		t.Errorf("%d sends, claimed %s on chain; want one send for 0.2 ETH", node.sends, w.channel(id).Claimed)
	}
}
