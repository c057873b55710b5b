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
	"github.com/ethereum/go-ethereum/crypto"
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
	Paid    *big.Int // what this claim paid out
	Tx      common.Hash
	Err     error
}

// Settler claims each channel's best voucher before the channel expires, so
// no earned payment is ever lost to an expiry. A claim is due once the
// chain's clock is within Margin of the expiry; SettleAll claims whatever is
// owed at once (at a stream's end, or on `livegate settle`).
type Settler struct {
	Client   *Client
	Key      *ecdsa.PrivateKey // the payee's
	Watcher  *Watcher
	Vouchers VoucherSource
	// Margin before expiry at which a claim becomes due (default 1 h).
	Margin time.Duration
	// Interval between checks in Run (default 1 min).
	Interval time.Duration
	// ClaimTimeout bounds one claim, sending to receipt (default 2 min), so
	// one stuck transaction does not hold up the other channels.
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
	// next pass runs again. SettleAll waits for it. Nil: no lock, one node.
	Lock func(ctx context.Context, wait bool) (release func(), ok bool, err error)

	mu      sync.Mutex
	claimed map[common.Hash]*big.Int // what our own claims reached, ahead of the watcher's confirmations
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
		s.ClaimTimeout = 2 * time.Minute
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

// SettleDue claims every channel that is within Margin of expiry and owes
// more than was claimed.
func (s *Settler) SettleDue(ctx context.Context) ([]Settlement, error) {
	return s.settle(ctx, false)
}

// SettleAll claims every channel that owes anything, whatever its expiry.
func (s *Settler) SettleAll(ctx context.Context) ([]Settlement, error) {
	return s.settle(ctx, true)
}

func (s *Settler) settle(ctx context.Context, all bool) ([]Settlement, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.defaults()
	if s.Lock != nil {
		release, ok, err := s.Lock(ctx, all)
		if err != nil {
			return nil, fmt.Errorf("settlement lock: %w", err)
		}
		if !ok {
			s.Logger.Debug("chain: another node is settling; this pass skipped")
			return nil, nil
		}
		defer release()
	}
	now, err := s.now(ctx)
	if err != nil {
		return nil, err
	}
	payee := crypto.PubkeyToAddress(s.Key.PublicKey)
	var out []Settlement
	var errs []error
	// Every channel holding a voucher, whether or not the watcher has seen
	// it since the server started (it reads the others now).
	channels := s.Watcher.Channels()
	seen := map[common.Hash]bool{}
	for _, ch := range channels {
		seen[ch.ID] = true
	}
	for _, id := range s.Vouchers.Paying() {
		if seen[id] {
			continue
		}
		ch, err := s.Watcher.Load(ctx, id)
		if err != nil {
			errs = append(errs, fmt.Errorf("channel %s: %w", id, err))
			continue
		}
		channels = append(channels, ch)
	}
	slices.SortFunc(channels, func(a, b ChannelState) int { return a.Expiry.Compare(b.Expiry) }) // the most urgent first
	for _, ch := range channels {
		if ch.Payee != payee || ch.Reclaimed {
			continue
		}
		v, ok := s.Vouchers.Best(ch.ID)
		if !ok || v.Amount.Cmp(ch.Claimed) <= 0 {
			continue // nothing owed
		}
		if c, ok := s.claimed[ch.ID]; ok && v.Amount.Cmp(c) <= 0 {
			continue // claimed by us, not yet confirmed
		}
		if !now.Before(ch.Expiry) {
			s.Logger.Error("chain: channel expired before its voucher was claimed", "channel", ch.ID, "owed", v.Amount, "claimed", ch.Claimed)
			continue
		}
		if !all && now.Before(ch.Expiry.Add(-s.Margin)) {
			continue // not due yet
		}
		st := Settlement{Channel: ch.ID, Amount: v.Amount, Paid: new(big.Int).Sub(v.Amount, ch.Claimed)}
		cctx, cancel := context.WithTimeout(ctx, s.ClaimTimeout)
		rc, err := s.Client.Claim(cctx, s.Key, v)
		cancel()
		switch {
		case err == nil:
			st.Tx = rc.TxHash
			for _, l := range rc.Logs { // what was paid, as the contract counted it
				if ev, err := channelsFilterer.ParseClaimed(*l); err == nil {
					st.Paid = ev.Paid
				}
			}
			s.claimed[ch.ID] = new(big.Int).Set(v.Amount)
			s.Logger.Info("chain: claimed", "channel", ch.ID, "amount", v.Amount, "paid", st.Paid, "tx", rc.TxHash)
		case errors.Is(err, ErrNothingToClaim):
			s.claimed[ch.ID] = new(big.Int).Set(v.Amount) // someone (we, before a restart) got there first
			continue
		default:
			st.Err = err
			errs = append(errs, fmt.Errorf("channel %s: %w", ch.ID, err))
			if slices.ContainsFunc(permanent, func(e error) bool { return errors.Is(err, e) }) {
				s.Logger.Error("chain: the best voucher cannot be claimed; an operator must look", "channel", ch.ID, "amount", v.Amount, "err", err)
			} else {
				s.Logger.Warn("chain: claim failed; will retry", "channel", ch.ID, "err", err)
			}
		}
		out = append(out, st)
	}
	return out, errors.Join(errs...)
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
