package chain

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// plan lists the claims a pass makes, earliest expiry first.
func (s *Settler) plan(ctx context.Context, sc scope) ([]claim, []error, error) {
	now, err := s.now(ctx)
	if err != nil {
		return nil, nil, err
	}
	payee := crypto.PubkeyToAddress(s.Key.PublicKey)
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
	flying := map[common.Hash]bool{}
	for _, f := range s.flights {
		for _, c := range f.claims {
			flying[c.ch.ID] = true
		}
	}
	slices.SortFunc(channels, func(a, b ChannelState) int { return a.Expiry.Compare(b.Expiry) }) // the most urgent first
	var owed []claim
	for _, ch := range channels {
		if ch.Payee != payee || ch.Reclaimed || flying[ch.ID] {
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
		owed = append(owed, claim{ch: ch, v: v})
	}
	// The last channel due, counting the batches ahead of it in its
	// margin: everything expiring before it goes first.
	due := 0
	for i, c := range owed {
		batches := time.Duration((i + s.Batch) / s.Batch) // ceil((i+1)/Batch)
		if !now.Before(c.ch.Expiry.Add(-s.Margin - batches*s.BatchMargin)) {
			due = i + 1
		}
	}
	out := owed[:due:due]
	switch sc {
	case everything:
		out = owed
	case worthwhile:
		gasPrice, err := s.gasPrice(ctx)
		if err != nil {
			return nil, nil, err
		}
		for _, c := range owed[due:] {
			if s.worth(c, gasPrice) {
				out = append(out, c)
			} else {
				s.Logger.Debug("chain: claim deferred: worth less than its gas", "channel", c.ch.ID, "owed", c.v.Amount, "claimed", c.ch.Claimed)
			}
		}
	}
	return out, errs, nil
}

// gasPrice is what a unit of gas costs a claim sent now.
func (s *Settler) gasPrice(ctx context.Context) (*big.Int, error) {
	tip, _, base, err := s.fees(ctx)
	if err != nil {
		return nil, err
	}
	return new(big.Int).Add(base, tip), nil
}

// worth says whether a claim brings more than it costs.
func (s *Settler) worth(c claim, gasPrice *big.Int) bool {
	gain := new(big.Int).Sub(c.v.Amount, c.ch.Claimed)
	if c.ch.Token != (common.Address{}) {
		min := s.MinClaim[c.ch.Token]
		return min == nil || gain.Cmp(min) >= 0
	}
	cost := new(big.Int).Mul(gasPrice, new(big.Int).SetUint64(s.ClaimGas))
	return gain.Cmp(cost) > 0
}
