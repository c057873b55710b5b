package chain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/livegate/livegate/chain/bindings"
)

// OpenMany opens one channel per signer in one transaction, all paying
// payee until expiry, signers[i] funded with deposits[i], in token (zero:
// ETH; a token is approved first when the allowance is short). It returns
// the channel ids in the order of signers. A batch costs about 94,000 gas
// per ETH channel, 117,000 per token channel (BENCHMARKS.md): split large
// ones to stay well under the block's gas limit (a few hundred a batch).
func (c *Client) OpenMany(ctx context.Context, key *ecdsa.PrivateKey, token, payee common.Address, expiry time.Time,
	signers []common.Address, deposits []*big.Int) ([]common.Hash, *types.Receipt, error) {
	if len(signers) != len(deposits) {
		return nil, nil, fmt.Errorf("open many: %d signers, %d deposits", len(signers), len(deposits))
	}
	total := new(big.Int)
	for _, d := range deposits {
		total.Add(total, d)
	}
	var value *big.Int
	if token == (common.Address{}) {
		value = total
	} else if err := c.approve(ctx, key, token, total); err != nil {
		return nil, nil, fmt.Errorf("open many: %w", err)
	}
	rc, err := c.send(ctx, "open many", key, value, func(o *bind.TransactOpts) (*types.Transaction, error) {
		if token == (common.Address{}) {
			return c.contract.OpenMany(o, signers, deposits, payee, uint64(expiry.Unix()))
		}
		return c.contract.OpenManyToken(o, token, signers, deposits, payee, uint64(expiry.Unix()))
	})
	if err != nil {
		return nil, rc, err
	}
	ids := make([]common.Hash, 0, len(signers))
	for _, l := range rc.Logs {
		if ev, err := c.contract.ParseOpened(*l); err == nil {
			ids = append(ids, ev.ChannelId)
		}
	}
	if len(ids) != len(signers) {
		return ids, rc, fmt.Errorf("open many: %d Opened events for %d signers", len(ids), len(signers))
	}
	return ids, rc, nil
}

// ClaimOutcome is what a batched claim did with one voucher.
type ClaimOutcome struct {
	Voucher *Voucher
	Paid    *big.Int // what it paid (nil when skipped)
	// Err is why the contract skipped it: a *RevertError unwrapping to the
	// sentinel a single Claim would have returned (ErrNothingToClaim, …).
	Err error
}

// ClaimMany claims vouchers in one transaction; key must be their payee.
// The contract checks each as Claim does and skips those Claim would
// refuse, so one stale voucher does not sink the batch: each outcome says
// what was paid or why it was skipped. The error is for the transaction
// as a whole (not sent, reverted). A batch of 100 costs about 20,000 gas
// per ETH voucher, 22,000 per token voucher (BENCHMARKS.md).
func (c *Client) ClaimMany(ctx context.Context, key *ecdsa.PrivateKey, vouchers []*Voucher) ([]ClaimOutcome, *types.Receipt, error) {
	claims := make([]bindings.ChannelsClaim, len(vouchers))
	for i, v := range vouchers {
		claims[i] = bindings.ChannelsClaim{ChannelId: v.Channel, Amount: v.Amount, Signature: v.Signature}
	}
	rc, err := c.send(ctx, "claim many", key, nil, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return c.contract.ClaimMany(o, claims)
	})
	if err != nil {
		return nil, rc, err
	}
	// Events come in the order of the claims: one Claimed or ClaimSkipped each.
	out := make([]ClaimOutcome, 0, len(vouchers))
	for _, l := range rc.Logs {
		if len(out) == len(vouchers) {
			break
		}
		v := vouchers[len(out)]
		if ev, err := c.contract.ParseClaimed(*l); err == nil && ev.ChannelId == v.Channel {
			out = append(out, ClaimOutcome{Voucher: v, Paid: ev.Paid})
		} else if ev, err := c.contract.ParseClaimSkipped(*l); err == nil && ev.ChannelId == v.Channel {
			reason := ErrReverted
			if re := revertOf(ev.Reason[:]); re != nil {
				reason = re
			}
			out = append(out, ClaimOutcome{Voucher: v, Err: reason})
		}
	}
	if len(out) != len(vouchers) {
		return out, rc, errors.New("claim many: the receipt does not account for every voucher")
	}
	return out, rc, nil
}
