package paywall

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/livegate/livegate/chain"
)

// Channels is what the cashier knows of the chain: confirmed channel state
// (chain.Watcher).
type Channels interface {
	Load(ctx context.Context, id common.Hash) (chain.ChannelState, error)
	Status() chain.WatchStatus
}

// Refusal is a voucher or request turned away: an HTTP status, a reason
// code clients can switch on, and a message for people.
type Refusal struct {
	Status  int
	Reason  string
	Message string
	err     error
}

func (r *Refusal) Error() string { return r.Message }
func (r *Refusal) Unwrap() error { return r.err }

func refuse(status int, reason string, err error, format string, args ...any) *Refusal {
	return &Refusal{Status: status, Reason: reason, Message: fmt.Sprintf(format, args...), err: err}
}

// Reasons a voucher is refused.
var (
	ErrUnknownChannel  = errors.New("unknown channel")
	ErrWrongPayee      = errors.New("channel pays another payee")
	ErrChannelExpiring = errors.New("channel expiring")
	ErrAboveDeposit    = errors.New("voucher above the confirmed deposit")
	ErrChainDown       = errors.New("chain unreachable")
)

// Cashier accepts vouchers. The cheap checks come first (a known channel
// paying us, not expiring, an amount above the best voucher and within the
// confirmed deposit); the signature is recovered only after them, and the
// ledger records the voucher only if it is still the best.
type Cashier struct {
	Ledger   Ledger
	Channels Channels
	Verifier *chain.Verifier
	Payee    common.Address
	// Margin: vouchers for a channel expiring sooner than this are refused,
	// leaving the settler time to claim (the settle margin).
	Margin time.Duration
	Now    func() time.Time
}

// Accept checks a voucher and records it as the channel's best, paid
// through stream.
func (c *Cashier) Accept(ctx context.Context, v *chain.Voucher, stream string) (Account, error) {
	return c.accept(ctx, v, func(ctx context.Context, v *chain.Voucher) (Account, error) {
		return c.Ledger.Pay(ctx, v, stream)
	})
}

// AcceptTip checks a voucher and records it as the channel's best, its
// whole increase a tip for stream.
func (c *Cashier) AcceptTip(ctx context.Context, v *chain.Voucher, stream string) (Account, error) {
	return c.accept(ctx, v, func(ctx context.Context, v *chain.Voucher) (Account, error) {
		return c.Ledger.Tip(ctx, v, stream)
	})
}

func (c *Cashier) accept(ctx context.Context, v *chain.Voucher, record func(context.Context, *chain.Voucher) (Account, error)) (Account, error) {
	ch, err := c.Channels.Load(ctx, v.Channel)
	switch {
	case errors.Is(err, chain.ErrUnknown):
		return Account{}, refuse(http.StatusNotFound, "unknown_channel", ErrUnknownChannel,
			"unknown channel %s: no confirmed channel with this id pays this server (a new one needs its confirmations)", v.Channel)
	case err != nil:
		return Account{}, refuse(http.StatusServiceUnavailable, "chain_unreachable", ErrChainDown, "cannot read the channel from the chain: %v", err)
	case ch.Payee != c.Payee:
		return Account{}, refuse(http.StatusForbidden, "wrong_payee", ErrWrongPayee, "channel %s pays %s, not this server (%s)", v.Channel, ch.Payee, c.Payee)
	case ch.Reclaimed || !c.now().Before(ch.Expiry.Add(-c.Margin)):
		return Account{}, refuse(http.StatusForbidden, "channel_expiring", ErrChannelExpiring,
			"channel %s expires at %s, too soon to be paid through (extend it)", v.Channel, ch.Expiry.UTC().Format(time.RFC3339))
	}
	acc := c.Ledger.Account(v.Channel)
	if best := acc.Paid(); v.Amount.Cmp(best) <= 0 {
		return Account{}, refuse(http.StatusConflict, "not_increasing", ErrNotIncreasing,
			"voucher of %s wei is not above the best one held (%s wei): sign a larger cumulative amount", v.Amount, best)
	}
	if v.Amount.Cmp(ch.Deposit) > 0 {
		return Account{}, refuse(http.StatusPaymentRequired, "above_deposit", ErrAboveDeposit,
			"voucher of %s wei is above the channel's confirmed deposit (%s wei): top up the channel", v.Amount, ch.Deposit)
	}
	if err := c.Verifier.Verify(v, ch.Signer); err != nil {
		return Account{}, refuse(http.StatusUnauthorized, "bad_signature", chain.ErrBadSignature, "bad signature: %v", err)
	}
	acc, err = record(ctx, v)
	switch {
	case errors.Is(err, ErrNotIncreasing):
		return acc, refuse(http.StatusConflict, "not_increasing", err, "voucher of %s wei is not above the best one held (%s wei)", v.Amount, acc.Paid())
	case err != nil:
		return acc, refuse(http.StatusServiceUnavailable, "ledger_unavailable", err, "cannot record the voucher: %v", err)
	}
	return acc, nil
}

func (c *Cashier) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// parseVoucher reads the protocol's voucher fields.
func parseVoucher(channel, amount, signature string) (*chain.Voucher, error) {
	if !isHash(channel) {
		return nil, refuse(http.StatusBadRequest, "malformed", nil, "channel must be 0x and 64 hex digits")
	}
	amt, ok := new(big.Int).SetString(amount, 10)
	if !ok || amt.Sign() <= 0 || amt.BitLen() > 256 {
		return nil, refuse(http.StatusBadRequest, "malformed", nil, "amount must be a positive whole number of wei, in decimal")
	}
	sig, err := decodeHex(signature)
	if err != nil || len(sig) != 65 {
		return nil, refuse(http.StatusBadRequest, "malformed", nil, "signature must be 0x and 130 hex digits (r, s, v)")
	}
	return &chain.Voucher{Channel: common.HexToHash(channel), Amount: amt, Signature: sig}, nil
}
