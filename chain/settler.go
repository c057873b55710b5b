package chain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// VoucherSource gives the best voucher held for each channel: the
// paywall's ledger.
type VoucherSource interface {
	Best(channel common.Hash) (*Voucher, bool)
	// Paying lists the channels holding a voucher.
	Paying() []common.Hash
}

// Settlement is one claim the settler made (or tried).
type Settlement struct {
	Channel common.Hash
	Amount  *big.Int // the voucher claimed (cumulative)
	Paid    *big.Int // what this claim paid out (zero when it failed)
	Tx      common.Hash
	Err     error
}

// Settler claims each channel's best voucher before the channel expires, so
// no earned payment is ever lost to an expiry. It claims in batches
// (claimMany: Batch channels a transaction), earliest expiry first, and
// sends the batches back to back with nonces it counts itself instead of
// waiting for each block; a batch not mined in BumpAfter is bumped (the
// node still holds it: its fees were too low) or sent again (the node lost
// it). A claim is due once the chain's clock is within Margin of the
// expiry, plus BatchMargin for every batch the channels due before it
// need: a thousand channels sharing one expiry start ten batches' time
// earlier than one. SettleDue claims what is due; SettleWorthwhile also
// what is worth its gas; SettleAll whatever is owed, at once.
type Settler struct {
	Client   *Client
	Key      *ecdsa.PrivateKey // the payee's
	Watcher  *Watcher
	Vouchers VoucherSource
	// Margin before expiry at which a claim becomes due (default 1 h).
	Margin time.Duration
	// Batch is the most claims in one transaction (default 100: about
	// 2,000,000 gas, a small part of a block).
	Batch int
	// BatchMargin is added to Margin for each batch due (default 2 min,
	// ten blocks of 12 s): the time a batch may take to be mined, bumped
	// or resent when many channels expire together.
	BatchMargin time.Duration
	// ClaimGas is the gas one claim costs in a batch (default 30,000; a
	// batch of 100 measures about 20,000 a channel, BENCHMARKS.md), for
	// SettleWorthwhile's comparison with what the claim brings.
	ClaimGas uint64
	// MinClaim is, per ERC-20 token, the smallest increase SettleWorthwhile
	// claims before a channel is due. Gas is paid in ETH and the settler
	// has no price for a token, so it never compares the two: a token not
	// listed is always claimed.
	MinClaim map[common.Address]*big.Int
	// MaxInFlight bounds the batches sent ahead of their receipts
	// (default 8).
	MaxInFlight int
	// BumpAfter is how long a batch waits for its receipt before it is
	// bumped or resent (default 1 min, five blocks of 12 s).
	BumpAfter time.Duration
	// MaxBumps bounds the bumps and resends of one batch in one pass
	// (default 10: 12.5% each, its fees can grow about threefold a pass).
	MaxBumps int
	// Interval between checks in Run (default 1 min).
	Interval time.Duration
	// ClaimTimeout bounds how long one pass waits for a batch, from its
	// send (or the pass's start, for a batch an earlier pass left
	// unmined) to its receipt (default 5 min). The pass then reports its
	// claims unconfirmed; the next pass goes on watching and bumping it.
	ClaimTimeout time.Duration
	// Now is the chain's clock; by default the latest block's timestamp,
	// which is what the contract compares the expiry with.
	Now    func(ctx context.Context) (time.Time, error)
	Logger *slog.Logger
	// Lock, when several nodes share one ledger and each runs a settler,
	// lets one settle at a time (paywall.PGLedger.SettleLock, an advisory
	// lock in the shared database), so a channel is claimed by one node,
	// never by two at once. A pass that does not get it (wait false: the
	// periodic SettleDue) is skipped; the node holding it settles, and the
	// next pass runs again. SettleAll and SettleWorthwhile wait for it. Nil: no lock, one node.
	Lock func(ctx context.Context, wait bool) (release func(), ok bool, err error)

	mu      sync.Mutex
	claimed map[common.Hash]*big.Int // what our own claims reached, ahead of the watcher's confirmations
	flights []*flight                // batches sent and not yet mined, nonce order
	next    uint64                   // the nonce of the next batch
}

func (s *Settler) defaults() {
	if s.Margin <= 0 {
		s.Margin = time.Hour
	}
	if s.Interval <= 0 {
		s.Interval = time.Minute
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.claimed == nil {
		s.claimed = map[common.Hash]*big.Int{}
	}
	if s.ClaimTimeout <= 0 {
		s.ClaimTimeout = 5 * time.Minute
	}
	if s.Batch <= 0 {
		s.Batch = 100
	}
	if s.BatchMargin <= 0 {
		s.BatchMargin = 2 * time.Minute
	}
	if s.ClaimGas == 0 {
		s.ClaimGas = 30_000
	}
	if s.MaxInFlight <= 0 {
		s.MaxInFlight = 8
	}
	if s.BumpAfter <= 0 {
		s.BumpAfter = time.Minute
	}
	if s.MaxBumps <= 0 {
		s.MaxBumps = 10
	}
}

// permanent are claim refusals that retrying the same voucher cannot fix.
var permanent = []error{ErrAboveDeposit, ErrWrongSigner, ErrBadSignature, ErrNotPayee, ErrUnknownChannel, ErrChannelExpired}

func (s *Settler) now(ctx context.Context) (time.Time, error) {
	if s.Now != nil {
		return s.Now(ctx)
	}
	h, err := s.Client.Backend.HeaderByNumber(ctx, nil)
	if err != nil {
		return time.Time{}, fmt.Errorf("reading the chain's clock: %w", err)
	}
	return time.Unix(int64(h.Time), 0), nil
}

// What a pass claims.
type scope int

const (
	dueOnly    scope = iota // near expiry
	worthwhile              // near expiry, or worth its gas
	everything              // all owed
)

// SettleDue claims every channel that is due (within Margin, grown by
// BatchMargin per batch, of its expiry) and owes more than was claimed.
func (s *Settler) SettleDue(ctx context.Context) ([]Settlement, error) {
	return s.settle(ctx, dueOnly)
}

// SettleWorthwhile claims what is due and every other claim worth its
// gas: for ETH, an increase above ClaimGas at today's base fee and tip;
// for a token, one of at least MinClaim. The rest waits until it is due,
// when it is claimed whatever the gas: for a stream's end, which should
// not pay gas for every small channel.
func (s *Settler) SettleWorthwhile(ctx context.Context) ([]Settlement, error) {
	return s.settle(ctx, worthwhile)
}

// SettleAll claims every channel that owes anything, whatever its expiry
// and gas.
func (s *Settler) SettleAll(ctx context.Context) ([]Settlement, error) {
	return s.settle(ctx, everything)
}

func (s *Settler) settle(ctx context.Context, sc scope) ([]Settlement, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.defaults()
	if s.Lock != nil {
		release, ok, err := s.Lock(ctx, sc != dueOnly)
		if err != nil {
			return nil, fmt.Errorf("settlement lock: %w", err)
		}
		if !ok {
			s.Logger.Debug("chain: another node is settling; this pass skipped")
			return nil, nil
		}
		defer release()
	}
	claims, errs, err := s.plan(ctx, sc)
	if err != nil {
		return nil, err
	}
	out, sendErrs := s.claim(ctx, claims)
	return out, errors.Join(append(errs, sendErrs...)...)
}

// claim sends claims in batches, at most MaxInFlight ahead of their
// receipts, and watches every batch in flight (this pass's and those an
// earlier pass left unmined) until mined or ClaimTimeout.
func (s *Settler) claim(ctx context.Context, claims []claim) ([]Settlement, []error) {
	node, ok := s.Client.Backend.(nodeState)
	if !ok {
		return nil, []error{errors.New("chain: the backend cannot read nonces and pending transactions")}
	}
	var out []Settlement
	var errs []error
	fail := func(cs []claim, err error) {
		for _, c := range cs {
			out = append(out, Settlement{Channel: c.ch.ID, Amount: c.v.Amount, Paid: new(big.Int), Err: err})
			errs = append(errs, fmt.Errorf("channel %s: %w", c.ch.ID, err))
		}
	}
	start := time.Now()
	for _, f := range s.flights { // left unmined by an earlier pass: watched, and bumped, again
		f.until, f.bumps = start.Add(s.ClaimTimeout), 0
	}
	if len(claims) > 0 {
		if err := s.syncNonce(ctx, node); err != nil {
			fail(claims, err)
			return out, errs
		}
	}
	var txs int
	var gas uint64
	limit := s.Client.PollInterval
	if limit <= 0 {
		limit = time.Second
	}
	delay := 5 * time.Millisecond
	for ctx.Err() == nil {
		waiting := 0
		for _, f := range s.flights {
			if time.Now().Before(f.until) {
				waiting++
			}
		}
		for len(claims) > 0 && waiting < s.MaxInFlight {
			n := min(s.Batch, len(claims))
			f, err := s.launch(ctx, node, claims[:n], time.Now().Add(s.ClaimTimeout))
			if err != nil {
				fail(claims[:n], err)
			} else {
				s.flights = append(s.flights, f)
				waiting++
				delay = 5 * time.Millisecond
			}
			claims = claims[n:]
		}
		if waiting == 0 {
			break
		}
		landed, receipts, lost := s.check(ctx, node)
		for i, f := range landed {
			if lost[i] != nil {
				fail(f.claims, lost[i])
				continue
			}
			txs++
			gas += receipts[i].GasUsed
			out = append(out, s.landed(f, receipts[i], &errs)...)
		}
		if len(landed) > 0 {
			continue
		}
		select {
		case <-ctx.Done():
		case <-time.After(delay):
		}
		delay = min(2*delay, limit)
	}
	if len(claims) > 0 { // the pass ended before they could be sent
		fail(claims, fmt.Errorf("not sent: %w", ctx.Err()))
	}
	for _, f := range s.flights { // unmined: the next pass watches them
		fail(f.claims, fmt.Errorf("%w (nonce %d, tx %s)", errUnconfirmed, f.nonce, f.tx().Hash()))
	}
	if txs > 0 {
		s.Logger.Info("chain: claims mined", "transactions", txs, "gas", gas, "unconfirmed", len(s.flights))
	}
	return out, errs
}

// landed records what a mined batch did with each of its claims.
func (s *Settler) landed(f *flight, rc *types.Receipt, errs *[]error) []Settlement {
	var out []Settlement
	if rc.Status != types.ReceiptStatusSuccessful {
		err := fmt.Errorf("%w in block %d (tx %s)", ErrReverted, rc.BlockNumber, rc.TxHash)
		for _, c := range f.claims {
			out = append(out, Settlement{Channel: c.ch.ID, Amount: c.v.Amount, Paid: new(big.Int), Tx: rc.TxHash, Err: err})
			*errs = append(*errs, fmt.Errorf("channel %s: %w", c.ch.ID, err))
		}
		s.Logger.Warn("chain: batch claim reverted; will retry", "tx", rc.TxHash, "claims", len(f.claims))
		return out
	}
	paid, skipped := outcomes(rc)
	s.Logger.Info("chain: batch claim mined", "tx", rc.TxHash, "block", rc.BlockNumber, "claims", len(f.claims),
		"skipped", len(skipped), "gas", rc.GasUsed, "versions", len(f.txs))
	for _, c := range f.claims {
		st := Settlement{Channel: c.ch.ID, Amount: c.v.Amount, Paid: paid[c.ch.ID], Tx: rc.TxHash}
		err := skipped[c.ch.ID]
		switch {
		case st.Paid != nil:
			s.claimed[c.ch.ID] = new(big.Int).Set(c.v.Amount)
			s.Logger.Debug("chain: claimed", "channel", c.ch.ID, "amount", c.v.Amount, "paid", st.Paid, "tx", rc.TxHash)
		case errors.Is(err, ErrNothingToClaim):
			s.claimed[c.ch.ID] = new(big.Int).Set(c.v.Amount) // someone (we, before a restart) got there first
			continue
		default:
			if err == nil {
				err = errors.New("the receipt says nothing of this claim")
			}
			st.Paid, st.Err = new(big.Int), err
			*errs = append(*errs, fmt.Errorf("channel %s: %w", c.ch.ID, err))
			if slices.ContainsFunc(permanent, func(e error) bool { return errors.Is(err, e) }) {
				s.Logger.Error("chain: the best voucher cannot be claimed; an operator must look", "channel", c.ch.ID, "amount", c.v.Amount, "err", err)
			} else {
				s.Logger.Warn("chain: claim failed; will retry", "channel", c.ch.ID, "err", err)
			}
		}
		out = append(out, st)
	}
	return out
}

// Run settles what is due every Interval until ctx ends.
func (s *Settler) Run(ctx context.Context) {
	s.mu.Lock()
	s.defaults()
	s.mu.Unlock()
	for {
		if _, err := s.SettleDue(ctx); err != nil && ctx.Err() == nil {
			s.Logger.Warn("chain: settlement incomplete", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(s.Interval):
		}
	}
}
