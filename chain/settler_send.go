package chain

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/chain/bindings"
)

// ErrNonceTaken: another transaction from the payee's key (sent by
// something other than this settler) used the nonce of a batch, which
// therefore never ran; its claims are made again on the next pass.
var ErrNonceTaken = errors.New("the batch's nonce was used by another transaction")

// errUnconfirmed: a batch had no receipt within ClaimTimeout; the settler
// keeps watching (and bumping) it on its next passes.
var errUnconfirmed = errors.New("batch claim not yet mined; still watched")

// claim is one voucher the settler means to redeem.
type claim struct {
	ch ChannelState
	v  *Voucher
}

// flight is one claimMany transaction from its first send until a receipt
// (of any of its versions: a bump replaces it at the same nonce) or the
// loss of its nonce. It outlives a pass when unconfirmed, so the next pass
// goes on watching and bumping it rather than queueing behind it.
type flight struct {
	nonce  uint64
	txs    []*types.Transaction // every version sent, latest last
	claims []claim
	sent   time.Time // the latest send
	until  time.Time // end of this pass's wait for it
	bumps  int       // fee bumps and resubmissions in this pass
	taken  int       // checks that found the nonce used and no receipt of ours
}

func (f *flight) tx() *types.Transaction { return f.txs[len(f.txs)-1] }

// nodeState is what the settler needs of a node beyond Backend: the
// confirmed nonce, and whether the node still holds a transaction (to tell
// a stuck one, to bump, from a dropped one, to resend). ethclient and the
// simulated backend both have them.
type nodeState interface {
	NonceAt(ctx context.Context, account common.Address, block *big.Int) (uint64, error)
	TransactionByHash(ctx context.Context, hash common.Hash) (*types.Transaction, bool, error)
}

// fees are what the next transaction offers: a tip and a fee cap of twice
// the base fee plus the tip, which survives six full blocks of base-fee
// rises (12.5% each) before the transaction stops being minable.
func (s *Settler) fees(ctx context.Context) (tip, feeCap, base *big.Int, err error) {
	h, err := s.Client.Backend.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("reading the base fee: %w", err)
	}
	base = h.BaseFee
	if base == nil {
		base = new(big.Int)
	}
	if tip, err = s.Client.Backend.SuggestGasTipCap(ctx); err != nil {
		return nil, nil, nil, fmt.Errorf("reading the tip: %w", err)
	}
	return tip, new(big.Int).Add(new(big.Int).Lsh(base, 1), tip), base, nil
}

// build signs a claimMany of claims at nonce with the current fees.
func (s *Settler) build(ctx context.Context, nonce uint64, claims []claim) (*types.Transaction, error) {
	args := make([]bindings.ChannelsClaim, len(claims))
	for i, c := range claims {
		args[i] = bindings.ChannelsClaim{ChannelId: c.v.Channel, Amount: c.v.Amount, Signature: c.v.Signature}
	}
	data, err := channelsABI.Pack("claimMany", args)
	if err != nil {
		return nil, err
	}
	tip, feeCap, _, err := s.fees(ctx)
	if err != nil {
		return nil, err
	}
	from := crypto.PubkeyToAddress(s.Key.PublicKey)
	gas, err := s.Client.Backend.EstimateGas(ctx, ethereum.CallMsg{From: from, To: &s.Client.Address, Data: data})
	if err != nil {
		return nil, fmt.Errorf("estimating a batch of %d claims: %w", len(claims), decodeRevert(err))
	}
	return s.sign(&types.DynamicFeeTx{ChainID: s.Client.ChainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap,
		Gas: gas + gas/5, To: &s.Client.Address, Data: data}) // a fifth spare: the estimate is made on the state before the batches ahead of it
}

func (s *Settler) sign(tx *types.DynamicFeeTx) (*types.Transaction, error) {
	return types.SignNewTx(s.Key, types.LatestSignerForChainID(s.Client.ChainID), tx)
}

// bumped is tx repriced to replace it in a node's pool: geth wants both
// the tip and the fee cap 10% higher; this offers 12.5% (rounded up), or
// today's fees if they are higher still.
func (s *Settler) bumped(ctx context.Context, tx *types.Transaction) (*types.Transaction, error) {
	tip, feeCap, _, err := s.fees(ctx)
	if err != nil {
		return nil, err
	}
	up := func(old, now *big.Int) *big.Int {
		b := new(big.Int).Mul(old, big.NewInt(9))
		b.Add(b, big.NewInt(7)).Rsh(b, 3)
		if b.Cmp(now) < 0 {
			return now
		}
		return b
	}
	tip = up(tx.GasTipCap(), tip)
	feeCap = up(tx.GasFeeCap(), feeCap)
	if feeCap.Cmp(tip) < 0 {
		feeCap = tip
	}
	return s.sign(&types.DynamicFeeTx{ChainID: s.Client.ChainID, Nonce: tx.Nonce(), GasTipCap: tip, GasFeeCap: feeCap,
		Gas: tx.Gas(), To: tx.To(), Data: tx.Data()})
}

// transmit hands tx to the node. A node that already holds it says so:
// that is a success.
func (s *Settler) transmit(ctx context.Context, tx *types.Transaction) error {
	err := s.Client.Backend.SendTransaction(ctx, tx)
	if err != nil && strings.Contains(err.Error(), "already known") {
		err = nil
	}
	if err == nil && s.Client.Mine != nil {
		s.Client.Mine()
	}
	return err
}

// launch signs and sends one batch at the settler's next nonce. A node that
// says the nonce is used (something else sent with the key) gives the
// settler its pending nonce, and the batch is tried once more.
func (s *Settler) launch(ctx context.Context, node nodeState, claims []claim, until time.Time) (*flight, error) {
	for try := 0; ; try++ {
		tx, err := s.build(ctx, s.next, claims)
		if err != nil {
			return nil, err
		}
		err = s.transmit(ctx, tx)
		if err == nil {
			s.next++
			return &flight{nonce: tx.Nonce(), txs: []*types.Transaction{tx}, claims: claims, sent: time.Now(), until: until}, nil
		}
		if try > 0 || !strings.Contains(err.Error(), "nonce too low") {
			return nil, fmt.Errorf("sending a batch of %d claims: %w", len(claims), err)
		}
		if err := s.syncNonce(ctx, node); err != nil {
			return nil, err
		}
	}
}

// syncNonce moves the settler's next nonce up to the node's pending one
// (never down while batches are in flight: their nonces are the settler's).
func (s *Settler) syncNonce(ctx context.Context, node nodeState) error {
	from := crypto.PubkeyToAddress(s.Key.PublicKey)
	n, err := s.Client.Backend.PendingNonceAt(ctx, from)
	if err != nil {
		return fmt.Errorf("reading the payee's nonce: %w", err)
	}
	if len(s.flights) == 0 {
		// Transactions the settler does not know (sent before a restart, or
		// by another program with the key) that wait unmined hold up every
		// batch behind them, and only their sender can bump them.
		if mined, err := node.NonceAt(ctx, from, nil); err == nil && mined < n {
			s.Logger.Warn("chain: transactions from the payee's key wait unmined; claims queue behind them", "mined_nonce", mined, "pending_nonce", n)
		}
		s.next = n
	} else if n > s.next {
		s.next = n
	}
	return nil
}

// check looks once at each flight: a receipt of any of its versions lands
// it; one that waited BumpAfter without a receipt is bumped when the node
// still holds it and its nonce is the next to mine (stuck: its fees too low
// for the blocks being made) and sent again when the node has lost it
// (dropped), at most MaxBumps times.
// It returns the flights that landed or lost their nonce.
func (s *Settler) check(ctx context.Context, node nodeState) (landed []*flight, receipts []*types.Receipt, errs []error) {
	from := crypto.PubkeyToAddress(s.Key.PublicKey)
	confirmed, read := uint64(0), false
	keep := s.flights[:0]
	for _, f := range s.flights {
		rc := s.receipt(ctx, f)
		if rc != nil {
			landed, receipts, errs = append(landed, f), append(receipts, rc), append(errs, nil)
			continue
		}
		if time.Since(f.sent) < s.BumpAfter {
			keep = append(keep, f)
			continue
		}
		if !read {
			if n, err := node.NonceAt(ctx, from, nil); err == nil {
				confirmed, read = n, true
			}
		}
		if confirmed > f.nonce {
			// Used, and no receipt of ours: a lagging index, or another
			// transaction. A few looks before giving the claims back.
			if f.taken++; f.taken > 3 {
				landed, receipts, errs = append(landed, f), append(receipts, nil), append(errs, ErrNonceTaken)
				continue
			}
			keep = append(keep, f)
			continue
		}
		if read && f.bumps < s.MaxBumps {
			s.revive(ctx, node, f, f.nonce == confirmed)
		}
		keep = append(keep, f)
	}
	s.flights = keep
	return landed, receipts, errs
}

// revive resends a flight the node has lost, and bumps the fees of one it
// holds when it is the next to mine (head): a later one may only be waiting
// for it, and a bump would pay for nothing.
func (s *Settler) revive(ctx context.Context, node nodeState, f *flight, head bool) {
	tx := f.tx()
	_, pending, err := node.TransactionByHash(ctx, tx.Hash())
	what := "resubmitted: the node had lost it"
	if err == nil && pending {
		if !head {
			return
		}
		what = "fee bumped: not mined in time"
		if tx, err = s.bumped(ctx, tx); err != nil {
			s.Logger.Warn("chain: bumping a batch claim", "nonce", f.nonce, "err", err)
			return
		}
	}
	f.bumps++
	f.sent = time.Now()
	if err := s.transmit(ctx, tx); err != nil {
		s.Logger.Warn("chain: resending a batch claim", "nonce", f.nonce, "tx", tx.Hash(), "err", err)
		return
	}
	if tx != f.tx() {
		f.txs = append(f.txs, tx)
	}
	s.Logger.Info("chain: batch claim "+what, "nonce", f.nonce, "tx", tx.Hash(), "tip", tx.GasTipCap(), "fee_cap", tx.GasFeeCap())
}

// receipt is the receipt of whichever version of f was mined, if any.
func (s *Settler) receipt(ctx context.Context, f *flight) *types.Receipt {
	for i := len(f.txs) - 1; i >= 0; i-- {
		if rc, err := s.Client.Backend.TransactionReceipt(ctx, f.txs[i].Hash()); err == nil {
			return rc
		}
	}
	return nil
}

// outcomes reads what a mined batch did with each channel: the amount a
// Claimed event paid, or the reason a ClaimSkipped event gives.
func outcomes(rc *types.Receipt) (paid map[common.Hash]*big.Int, skipped map[common.Hash]error) {
	paid, skipped = map[common.Hash]*big.Int{}, map[common.Hash]error{}
	for _, l := range rc.Logs {
		if ev, err := channelsFilterer.ParseClaimed(*l); err == nil {
			paid[ev.ChannelId] = ev.Paid
		} else if ev, err := channelsFilterer.ParseClaimSkipped(*l); err == nil {
			skipped[ev.ChannelId] = ErrReverted
			if re := revertOf(ev.Reason[:]); re != nil {
				skipped[ev.ChannelId] = re
			}
		}
	}
	return paid, skipped
}
