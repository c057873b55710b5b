package paywall

import (
	"context"
	"errors"
	"fmt"
	"math/big"
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

// Reasons a voucher is refused. The cashier wraps them with what went
// wrong (a refused signature is chain.ErrBadSignature); api.go tells how
// each is answered over HTTP.
var (
	ErrMalformedVoucher  = errors.New("malformed voucher")
	ErrUnknownChannel    = errors.New("unknown channel")
	ErrWrongPayee        = errors.New("channel pays another payee")
	ErrWrongToken        = errors.New("channel pays in another token than the stream is priced in")
	ErrChannelExpiring   = errors.New("channel expiring")
	ErrAboveDeposit      = errors.New("voucher above the confirmed deposit")
	ErrChainDown         = errors.New("chain unreachable")
	ErrLedgerUnavailable = errors.New("ledger unavailable")
)

// Cashier accepts vouchers. The cheap checks come first (a known channel
// paying us, not expiring, an amount above the best voucher and within the
// confirmed deposit); the signature is recovered only after them, and the
// ledger records the voucher only if it is still the best. A refused
// voucher's error wraps its reason: one of the errors above,
// ErrNotIncreasing, or chain.ErrBadSignature.
type Cashier struct {
	Ledger   Ledger
	Channels Channels
	Verifier *chain.Verifier
	Payee    common.Address
	// Margin: vouchers for a channel expiring sooner than this are refused,
	// leaving the settler time to claim (the settle margin).
	Margin time.Duration
	Now    func() time.Time
	// TokenOf is the token a stream is priced in (the zero address: ETH;
	// nil: every stream in ETH). A channel pays a stream only in its
	// token: a voucher's amounts are in the channel's token. Gate.Register
	// sets it to read the gate's terms.
	TokenOf func(stream string) common.Address
}

func (c *Cashier) tokenOf(stream string) common.Address {
	if c.TokenOf == nil {
		return common.Address{}
	}
	return c.TokenOf(stream)
}

// Accept checks a voucher and records it as the channel's best, paid
// through stream.
func (c *Cashier) Accept(ctx context.Context, v *chain.Voucher, stream string) (Account, error) {
	return c.accept(ctx, v, stream, func(ctx context.Context, v *chain.Voucher) (Account, error) {
		return c.Ledger.Pay(ctx, v, stream)
	})
}

// AcceptTip checks a voucher and records it as the channel's best, its
// whole increase a tip for stream.
func (c *Cashier) AcceptTip(ctx context.Context, v *chain.Voucher, stream string) (Account, error) {
	return c.accept(ctx, v, stream, func(ctx context.Context, v *chain.Voucher) (Account, error) {
		return c.Ledger.Tip(ctx, v, stream)
	})
}

func (c *Cashier) accept(ctx context.Context, v *chain.Voucher, stream string, record func(context.Context, *chain.Voucher) (Account, error)) (Account, error) {
	ch, err := c.Channels.Load(ctx, v.Channel)
	switch {
	case errors.Is(err, chain.ErrUnknown):
		return Account{}, fmt.Errorf("%w %s: no confirmed channel with this id pays this server (a new one needs its confirmations)", ErrUnknownChannel, v.Channel)
	case err != nil:
		return Account{}, fmt.Errorf("%w: cannot read the channel from the chain: %w", ErrChainDown, err)
	case ch.Payee != c.Payee:
		return Account{}, fmt.Errorf("%w: channel %s pays %s, not this server (%s)", ErrWrongPayee, v.Channel, ch.Payee, c.Payee)
	case ch.Token != c.tokenOf(stream):
		return Account{}, fmt.Errorf("%w: channel %s pays in %s, the stream is priced in %s (the zero address: ETH)", ErrWrongToken, v.Channel, ch.Token, c.tokenOf(stream))
	case ch.Reclaimed || !c.now().Before(ch.Expiry.Add(-c.Margin)):
		return Account{}, fmt.Errorf("%w: channel %s expires at %s, too soon to be paid through (extend it)",
			ErrChannelExpiring, v.Channel, ch.Expiry.UTC().Format(time.RFC3339))
	}
	acc := c.Ledger.Account(v.Channel)
	if best := acc.Paid(); v.Amount.Cmp(best) <= 0 {
		return Account{}, fmt.Errorf("%w: this one is %s, the best one %s (smallest units: wei for ETH): sign a larger cumulative amount", ErrNotIncreasing, v.Amount, best)
	}
	if v.Amount.Cmp(ch.Deposit) > 0 {
		return Account{}, fmt.Errorf("%w: this one is %s, the deposit %s (smallest units: wei for ETH): top up the channel", ErrAboveDeposit, v.Amount, ch.Deposit)
	}
	if err := c.Verifier.Verify(v, ch.Signer); err != nil {
		return Account{}, fmt.Errorf("%w: %w", chain.ErrBadSignature, err)
	}
	acc, err = record(ctx, v)
	switch {
	case errors.Is(err, ErrNotIncreasing): // a larger one was recorded meanwhile
		return acc, fmt.Errorf("voucher of %s wei: %w", v.Amount, err)
	case err != nil:
		return acc, fmt.Errorf("%w: cannot record the voucher: %w", ErrLedgerUnavailable, err)
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
		return nil, fmt.Errorf("%w: channel must be 0x and 64 hex digits", ErrMalformedVoucher)
	}
	amt, ok := new(big.Int).SetString(amount, 10)
	if !ok || amt.Sign() <= 0 || amt.BitLen() > 256 {
		return nil, fmt.Errorf("%w: amount must be a positive whole number of wei, in decimal", ErrMalformedVoucher)
	}
	sig, err := decodeHex(signature)
	if err != nil || len(sig) != 65 {
		return nil, fmt.Errorf("%w: signature must be 0x and 130 hex digits (r, s, v)", ErrMalformedVoucher)
	}
	return &chain.Voucher{Channel: common.HexToHash(channel), Amount: amt, Signature: sig}, nil
}
