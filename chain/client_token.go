package chain

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/chain/bindings"
)

// TokenInfo is what a person needs to read an amount of a channel's token:
// its symbol and decimals, as the token reports them.
type TokenInfo struct {
	Address  common.Address // zero: ETH
	Symbol   string
	Decimals uint8
}

// ETH is the TokenInfo of channels that pay in ether.
var ETH = TokenInfo{Symbol: "ETH", Decimals: 18}

// Format writes amount (in the smallest unit) as a decimal number with the
// symbol, trailing zeros dropped: 20000 of a 6-decimal USDC is "0.02 USDC".
// Exact: no float on the way.
func (t TokenInfo) Format(amount *big.Int) string {
	if amount == nil {
		amount = new(big.Int)
	}
	neg := amount.Sign() < 0
	digits := new(big.Int).Abs(amount).String()
	d := int(t.Decimals)
	if len(digits) <= d {
		digits = strings.Repeat("0", d-len(digits)+1) + digits
	}
	whole, frac := digits[:len(digits)-d], strings.TrimRight(digits[len(digits)-d:], "0")
	out := whole
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out + " " + t.Symbol
}

// Token reads a token's symbol and decimals (ETH for the zero address), so
// pages and the CLI show "0.02 USDL", never raw units.
func (c *Client) Token(ctx context.Context, token common.Address) (TokenInfo, error) {
	if token == (common.Address{}) {
		return ETH, nil
	}
	t, err := bindings.NewIToken(token, c.Backend)
	if err != nil {
		return TokenInfo{}, err
	}
	opts := &bind.CallOpts{Context: ctx}
	symbol, err := t.Symbol(opts)
	if err != nil {
		return TokenInfo{}, fmt.Errorf("token %s: symbol: %w", token, err)
	}
	decimals, err := t.Decimals(opts)
	if err != nil {
		return TokenInfo{}, fmt.Errorf("token %s: decimals: %w", token, err)
	}
	return TokenInfo{Address: token, Symbol: symbol, Decimals: decimals}, nil
}

// TokenBalance is what account holds of token (ETH for the zero address).
func (c *Client) TokenBalance(ctx context.Context, token, account common.Address) (*big.Int, error) {
	if token == (common.Address{}) {
		return c.Backend.BalanceAt(ctx, account, nil)
	}
	t, err := bindings.NewIToken(token, c.Backend)
	if err != nil {
		return nil, err
	}
	return t.BalanceOf(&bind.CallOpts{Context: ctx}, account)
}

// approve lets the contract take amount of token from key's account,
// unless it may already: deposits by approve and open.
func (c *Client) approve(ctx context.Context, key *ecdsa.PrivateKey, token common.Address, amount *big.Int) error {
	t, err := bindings.NewIToken(token, c.Backend)
	if err != nil {
		return err
	}
	allowance, err := t.Allowance(&bind.CallOpts{Context: ctx}, crypto.PubkeyToAddress(key.PublicKey), c.Address)
	if err != nil {
		return fmt.Errorf("token %s: allowance: %w", token, err)
	}
	if allowance.Cmp(amount) >= 0 {
		return nil
	}
	_, err = c.send(ctx, "approve", key, nil, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return t.Approve(o, c.Address, amount)
	})
	return err
}

// openedID finds the channel id in an open's receipt.
func (c *Client) openedID(what string, rc *types.Receipt) (common.Hash, error) {
	for _, l := range rc.Logs {
		if ev, err := c.contract.ParseOpened(*l); err == nil {
			return ev.ChannelId, nil
		}
	}
	return common.Hash{}, fmt.Errorf("%s: no Opened event in the receipt", what)
}

// OpenToken opens a channel paying in token, funded by key with deposit
// (smallest units). It approves the contract first when the allowance is
// short: two transactions then, one when it is not.
func (c *Client) OpenToken(ctx context.Context, key *ecdsa.PrivateKey, token, signer, payee common.Address, expiry time.Time, deposit *big.Int) (common.Hash, *types.Receipt, error) {
	if err := c.approve(ctx, key, token, deposit); err != nil {
		return common.Hash{}, nil, fmt.Errorf("open: %w", err)
	}
	rc, err := c.send(ctx, "open", key, nil, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return c.contract.OpenToken(o, token, deposit, signer, payee, uint64(expiry.Unix()))
	})
	if err != nil {
		return common.Hash{}, rc, err
	}
	id, err := c.openedID("open", rc)
	return id, rc, err
}

// permitTypeHash is EIP-2612's Permit type.
var permitTypeHash = crypto.Keccak256Hash([]byte("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"))

// SignPermit signs an EIP-2612 permit letting the contract take value of
// token from key's account until deadline, with the token's own domain
// separator and the owner's next nonce, both read from the token.
func (c *Client) SignPermit(ctx context.Context, key *ecdsa.PrivateKey, token common.Address, value *big.Int, deadline time.Time) (v uint8, r, s [32]byte, err error) {
	t, err := bindings.NewIToken(token, c.Backend)
	if err != nil {
		return 0, r, s, err
	}
	opts := &bind.CallOpts{Context: ctx}
	owner := crypto.PubkeyToAddress(key.PublicKey)
	separator, err := t.DOMAINSEPARATOR(opts)
	if err != nil {
		return 0, r, s, fmt.Errorf("token %s has no EIP-2612 permit: %w", token, err)
	}
	nonce, err := t.Nonces(opts, owner)
	if err != nil {
		return 0, r, s, fmt.Errorf("token %s: permit nonce: %w", token, err)
	}
	if value.Sign() < 0 || value.BitLen() > 256 {
		return 0, r, s, errAmount
	}
	var buf [6 * 32]byte
	copy(buf[0:], permitTypeHash[:])
	copy(buf[32+12:], owner[:])
	copy(buf[64+12:], c.Address[:])
	value.FillBytes(buf[96:128])
	nonce.FillBytes(buf[128:160])
	big.NewInt(deadline.Unix()).FillBytes(buf[160:192])
	digest := crypto.Keccak256([]byte{0x19, 0x01}, separator[:], crypto.Keccak256(buf[:]))
	sig, err := crypto.Sign(digest, key)
	if err != nil {
		return 0, r, s, err
	}
	copy(r[:], sig[:32])
	copy(s[:], sig[32:64])
	return sig[64] + 27, r, s, nil
}

// OpenWithPermit opens a channel paying in token in one transaction: key
// signs an EIP-2612 permit (valid for an hour) and the contract uses it to
// take the deposit. Tokens without permit need OpenToken.
func (c *Client) OpenWithPermit(ctx context.Context, key *ecdsa.PrivateKey, token, signer, payee common.Address, expiry time.Time, deposit *big.Int) (common.Hash, *types.Receipt, error) {
	deadline := time.Now().Add(time.Hour)
	if h, err := c.Backend.HeaderByNumber(ctx, nil); err == nil {
		deadline = time.Unix(int64(h.Time), 0).Add(time.Hour) // the chain's clock, which the token checks
	}
	v, r, s, err := c.SignPermit(ctx, key, token, deposit, deadline)
	if err != nil {
		return common.Hash{}, nil, fmt.Errorf("open: %w", err)
	}
	rc, err := c.send(ctx, "open", key, nil, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return c.contract.OpenWithPermit(o, token, deposit, signer, payee, uint64(expiry.Unix()), big.NewInt(deadline.Unix()), v, r, s)
	})
	if err != nil {
		return common.Hash{}, rc, err
	}
	id, err := c.openedID("open", rc)
	return id, rc, err
}

// TopUpToken adds amount of the channel's token, approving it first when
// the allowance is short.
func (c *Client) TopUpToken(ctx context.Context, key *ecdsa.PrivateKey, id common.Hash, amount *big.Int) (*types.Receipt, error) {
	ch, err := c.Channel(ctx, id, nil)
	if err != nil {
		return nil, err
	}
	if ch.Token == (common.Address{}) {
		return nil, fmt.Errorf("top up: channel %s pays in ETH, use TopUp: %w", id, ErrWrongToken)
	}
	if err := c.approve(ctx, key, ch.Token, amount); err != nil {
		return nil, fmt.Errorf("top up: %w", err)
	}
	return c.send(ctx, "top up", key, nil, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return c.contract.TopUpToken(o, id, amount)
	})
}
