package chain

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"strconv"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"

	"github.com/livegate/livegate/chain/bindings/attack"
)

var (
	ether    = big.NewInt(1_000_000_000_000_000_000)
	quietLog = slog.New(slog.DiscardHandler)
)

// eth is an exact amount of ether in wei: eth(0.3) is 3e17, not the float
// nearest to it.
func eth(f float64) *big.Int {
	r, _ := new(big.Rat).SetString(strconv.FormatFloat(f, 'f', -1, 64))
	r.Mul(r, new(big.Rat).SetInt(ether))
	return new(big.Int).Quo(r.Num(), r.Denom())
}

// world is a simulated chain with the contract deployed and a cast of
// funded accounts.
type world struct {
	t                               *testing.T
	sim                             *simulated.Backend
	c                               *Client
	deployer, funder, payee, signer *ecdsa.PrivateKey
	stranger                        *ecdsa.PrivateKey
	ctx                             context.Context
}

func addr(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, ctx: context.Background()}
	keys := make([]*ecdsa.PrivateKey, 5)
	alloc := types.GenesisAlloc{}
	for i := range keys {
		keys[i], _ = crypto.GenerateKey()
		alloc[addr(keys[i])] = types.Account{Balance: new(big.Int).Mul(big.NewInt(1000), ether)}
	}
	w.deployer, w.funder, w.payee, w.signer, w.stranger = keys[0], keys[1], keys[2], keys[3], keys[4]
	w.sim = simulated.NewBackend(alloc, func(_ *node.Config, ec *ethconfig.Config) { ec.Genesis.Config = DevChainConfig() })
	t.Cleanup(func() { _ = w.sim.Close() })
	c, err := Deploy(w.ctx, w.sim.Client().(Backend), w.deployer, func() { w.sim.Commit() })
	if err != nil {
		t.Fatal(err)
	}
	w.c = c
	return w
}

// advance moves the chain's clock by d with a new block. The simulated
// backend refuses while its pool still shows the last transaction, which
// it forgets a moment after the block that mined it.
func (w *world) advance(d time.Duration) {
	w.t.Helper()
	var err error
	for range 50 {
		if err = w.sim.AdjustTime(d); err == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	w.t.Fatalf("moving the clock: %v", err)
}

func (w *world) now() time.Time {
	h, err := w.sim.Client().HeaderByNumber(w.ctx, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	return time.Unix(int64(h.Time), 0)
}

func (w *world) open(deposit *big.Int, ttl time.Duration) common.Hash {
	w.t.Helper()
	id, _, err := w.c.Open(w.ctx, w.funder, addr(w.signer), addr(w.payee), w.now().Add(ttl), deposit)
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}

func (w *world) channel(id common.Hash) *Channel {
	w.t.Helper()
	ch, err := w.c.Channel(w.ctx, id, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	return ch
}

func (w *world) balance(a common.Address) *big.Int {
	b, err := w.sim.Client().BalanceAt(w.ctx, a, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	return b
}

func (w *world) voucher(id common.Hash, amount *big.Int) *Voucher {
	v, err := w.c.Domain.Sign(w.signer, id, amount)
	if err != nil {
		w.t.Fatal(err)
	}
	return v
}

func fee(rc *types.Receipt) *big.Int {
	return new(big.Int).Mul(new(big.Int).SetUint64(rc.GasUsed), rc.EffectiveGasPrice)
}

func TestChannelLifecycle(t *testing.T) {
	w := newWorld(t)
	id := w.open(eth(1), time.Hour)
	ch := w.channel(id)
	if ch.Funder != addr(w.funder) || ch.Signer != addr(w.signer) || ch.Payee != addr(w.payee) ||
		ch.Deposit.Cmp(eth(1)) != 0 || ch.Claimed.Sign() != 0 {
		t.Fatalf("opened %+v", ch)
	}
	if _, err := w.c.TopUp(w.ctx, w.funder, id, eth(0.5)); err != nil {
		t.Fatal(err)
	}
	newExpiry := ch.Expiry.Add(time.Hour)
	if _, err := w.c.Extend(w.ctx, w.funder, id, newExpiry); err != nil {
		t.Fatal(err)
	}
	ch = w.channel(id)
	if ch.Deposit.Cmp(eth(1.5)) != 0 || !ch.Expiry.Equal(newExpiry) {
		t.Fatalf("after top-up and extend: %+v", ch)
	}

	// Two claims: each pays the increase, the channel stays open.
	for _, c := range []struct{ amount, paid float64 }{{0.3, 0.3}, {1.0, 0.7}} {
		before := w.balance(addr(w.payee))
		rc, err := w.c.Claim(w.ctx, w.payee, w.voucher(id, eth(c.amount)))
		if err != nil {
			t.Fatal(err)
		}
		got := new(big.Int).Sub(w.balance(addr(w.payee)), before)
		got.Add(got, fee(rc))
		if got.Cmp(eth(c.paid)) != 0 {
			t.Errorf("claim of %v paid %s, want %v ETH", c.amount, got, c.paid)
		}
		ev, err := w.c.Contract().ParseClaimed(*rc.Logs[0])
		if err != nil || ev.Amount.Cmp(eth(c.amount)) != 0 || ev.Paid.Cmp(eth(c.paid)) != 0 {
			t.Errorf("Claimed event %+v %v", ev, err)
		}
	}
	if ch = w.channel(id); ch.Claimed.Cmp(eth(1)) != 0 {
		t.Errorf("claimed %s", ch.Claimed)
	}

	// After expiry the funder takes back the rest.
	w.advance(3 * time.Hour)
	before := w.balance(addr(w.funder))
	rc, err := w.c.Reclaim(w.ctx, w.funder, id)
	if err != nil {
		t.Fatal(err)
	}
	got := new(big.Int).Sub(w.balance(addr(w.funder)), before)
	if got.Add(got, fee(rc)).Cmp(eth(0.5)) != 0 {
		t.Errorf("reclaim returned %s, want 0.5 ETH", got)
	}
	if ch = w.channel(id); ch.Remaining().Sign() != 0 {
		t.Errorf("after reclaim %s remains", ch.Remaining())
	}
}

func TestChannelRefusals(t *testing.T) {
	w := newWorld(t)
	id := w.open(eth(1), time.Hour)
	other := w.open(eth(1), time.Hour) // same signer, another channel
	if _, err := w.c.Claim(w.ctx, w.payee, w.voucher(id, eth(0.2))); err != nil {
		t.Fatal(err)
	}
	good := w.voucher(id, eth(0.5))
	stranger, _ := crypto.GenerateKey()
	byStranger, _ := w.c.Domain.Sign(stranger, id, eth(0.5))
	twin := &Voucher{Channel: id, Amount: good.Amount, Signature: append([]byte(nil), good.Signature...)}
	s := new(big.Int).Sub(crypto.S256().Params().N, new(big.Int).SetBytes(twin.Signature[32:64]))
	s.FillBytes(twin.Signature[32:64])
	twin.Signature[64] = 27 + 28 - twin.Signature[64]
	v0 := &Voucher{Channel: id, Amount: good.Amount, Signature: append(append([]byte(nil), good.Signature[:64]...), good.Signature[64]-27)}
	forOther := w.voucher(other, eth(0.5))
	otherContract, _ := NewDomain(w.c.ChainID, common.Address{0xde, 0xad}).Sign(w.signer, id, eth(0.5))
	otherChain, _ := NewDomain(big.NewInt(1), w.c.Address).Sign(w.signer, id, eth(0.5))

	claims := []struct {
		name string
		key  *ecdsa.PrivateKey
		v    *Voucher
		want error
	}{
		{"signed by the wrong key", w.payee, byStranger, ErrWrongSigner},
		{"high-s twin", w.payee, twin, ErrBadSignature},
		{"v of 0/1", w.payee, v0, ErrBadSignature},
		{"voucher for another channel", w.payee, &Voucher{Channel: id, Amount: forOther.Amount, Signature: forOther.Signature}, ErrWrongSigner},
		{"voucher for another contract", w.payee, otherContract, ErrWrongSigner},
		{"voucher for another chain", w.payee, otherChain, ErrWrongSigner},
		{"claim by someone else", w.stranger, good, ErrNotPayee},
		{"the same voucher again", w.payee, w.voucher(id, eth(0.2)), ErrNothingToClaim},
		{"a smaller voucher", w.payee, w.voucher(id, eth(0.1)), ErrNothingToClaim},
		{"above the deposit", w.payee, w.voucher(id, eth(1.01)), ErrAboveDeposit},
		{"unknown channel", w.payee, w.voucher(common.Hash{1}, eth(0.5)), ErrUnknownChannel},
	}
	for _, c := range claims {
		before := w.channel(id)
		_, err := w.c.Claim(w.ctx, c.key, c.v)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
		if after := w.channel(id); after.Claimed.Cmp(before.Claimed) != 0 {
			t.Errorf("%s changed the channel", c.name)
		}
	}

	// Estimation catches refusals before sending; the contract refuses on
	// chain too. A replayed voucher sent with a fixed gas limit reverts.
	opts, _ := bind.NewKeyedTransactorWithChainID(w.payee, w.c.ChainID)
	opts.GasLimit = 200_000
	old := w.voucher(id, eth(0.2))
	tx, err := w.c.Contract().Claim(opts, id, old.Amount, old.Signature)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.c.wait(w.ctx, tx); !errors.Is(err, ErrReverted) {
		t.Errorf("replayed claim on chain: %v", err)
	}

	for name, c := range map[string]struct {
		do   func() error
		want error
	}{
		"reclaim before expiry":   {func() error { _, err := w.c.Reclaim(w.ctx, w.funder, id); return err }, ErrChannelNotExpired},
		"reclaim by someone else": {func() error { _, err := w.c.Reclaim(w.ctx, w.stranger, id); return err }, ErrNotFunder},
		"top-up by someone else":  {func() error { _, err := w.c.TopUp(w.ctx, w.stranger, id, eth(1)); return err }, ErrNotFunder},
		"extend by someone else": {func() error {
			_, err := w.c.Extend(w.ctx, w.stranger, id, w.now().Add(48*time.Hour))
			return err
		}, ErrNotFunder},
		"extend to earlier": {func() error { _, err := w.c.Extend(w.ctx, w.funder, id, w.now()); return err }, ErrExpiryNotLater},
		"open without deposit": {func() error {
			_, _, err := w.c.Open(w.ctx, w.funder, addr(w.signer), addr(w.payee), w.now().Add(time.Hour), big.NewInt(0))
			return err
		}, ErrZeroDeposit},
		"open already expired": {func() error {
			_, _, err := w.c.Open(w.ctx, w.funder, addr(w.signer), addr(w.payee), w.now().Add(-time.Minute), eth(1))
			return err
		}, ErrExpiryNotLater},
	} {
		if err := c.do(); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}

	w.advance(2 * time.Hour)
	if _, err := w.c.Claim(w.ctx, w.payee, good); !errors.Is(err, ErrChannelExpired) {
		t.Errorf("claim after expiry: %v", err)
	}
	if _, err := w.c.TopUp(w.ctx, w.funder, id, eth(1)); !errors.Is(err, ErrChannelExpired) {
		t.Errorf("top-up after expiry: %v", err)
	}
	if _, err := w.c.Extend(w.ctx, w.funder, id, w.now().Add(time.Hour)); !errors.Is(err, ErrChannelExpired) {
		t.Errorf("extend after expiry: %v", err)
	}
	if _, err := w.c.Reclaim(w.ctx, w.funder, id); err != nil {
		t.Fatal(err)
	}
	if _, err := w.c.Extend(w.ctx, w.funder, id, w.now().Add(time.Hour)); !errors.Is(err, ErrChannelExpired) {
		t.Errorf("extend after reclaim: %v", err)
	}
}

func TestReentrancyIsRefused(t *testing.T) {
	w := newWorld(t)
	backend := w.sim.Client().(Backend)
	deploy := func(f func(*bind.TransactOpts) (common.Address, *types.Transaction, error)) common.Address {
		opts, _ := bind.NewKeyedTransactorWithChainID(w.deployer, w.c.ChainID)
		a, tx, err := f(opts)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.c.wait(w.ctx, tx); err != nil {
			t.Fatal(err)
		}
		return a
	}

	// The payee is paid at the end of claim, and at the end of a claimMany
	// batch: re-entering from either is refused.
	for _, batch := range []bool{false, true} {
		t.Run(fmt.Sprintf("payee re-entering claim (batch %v)", batch), func(t *testing.T) {
			payeeReentering(t, w, deploy, batch)
		})
	}

	t.Run("funder re-entering reclaim", func(t *testing.T) {
		var funder *attack.ReentrantFunder
		fa := deploy(func(o *bind.TransactOpts) (common.Address, *types.Transaction, error) {
			a, tx, f, err := attack.DeployReentrantFunder(o, backend, w.c.Address)
			funder = f
			return a, tx, err
		})
		expiry := uint64(w.now().Add(time.Hour).Unix())
		if _, err := w.c.send(w.ctx, "open", w.stranger, eth(1), func(o *bind.TransactOpts) (*types.Transaction, error) {
			return funder.Open(o, addr(w.signer), addr(w.payee), expiry)
		}); err != nil {
			t.Fatal(err)
		}
		id, _ := funder.ChannelId(&bind.CallOpts{})
		if _, err := w.c.Claim(w.ctx, w.payee, w.voucher(id, eth(0.2))); err != nil {
			t.Fatal(err)
		}
		w.advance(2 * time.Hour)
		_, err := w.c.send(w.ctx, "reclaim", w.stranger, nil, func(o *bind.TransactOpts) (*types.Transaction, error) {
			return funder.Reclaim(o)
		})
		if !errors.Is(err, ErrTransferFailed) {
			t.Errorf("re-entrant reclaim: %v, want it refused", err)
		}
		if ch := w.channel(id); ch.Remaining().Cmp(eth(0.8)) != 0 || w.balance(fa).Sign() != 0 {
			t.Errorf("after the attack: remaining %s, attacker holds %s", ch.Remaining(), w.balance(fa))
		}
	})
}

// TestGasPerCall records what each call costs (the figures go into
// BENCHMARKS.md) and holds claim to its budget. Gas is deterministic, not
// a timing.
func TestGasPerCall(t *testing.T) {
	w := newWorld(t)
	id, rcOpen, err := w.c.Open(w.ctx, w.funder, addr(w.signer), addr(w.payee), w.now().Add(time.Hour), eth(1))
	if err != nil {
		t.Fatal(err)
	}
	rcTop, err := w.c.TopUp(w.ctx, w.funder, id, eth(1))
	if err != nil {
		t.Fatal(err)
	}
	rcExt, err := w.c.Extend(w.ctx, w.funder, id, w.now().Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	rcClaim1, err := w.c.Claim(w.ctx, w.payee, w.voucher(id, eth(0.1)))
	if err != nil {
		t.Fatal(err)
	}
	rcClaim2, err := w.c.Claim(w.ctx, w.payee, w.voucher(id, eth(0.2)))
	if err != nil {
		t.Fatal(err)
	}
	w.advance(3 * time.Hour)
	rcReclaim, err := w.c.Reclaim(w.ctx, w.funder, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct {
		name string
		rc   *types.Receipt
	}{{"open", rcOpen}, {"topUp", rcTop}, {"extend", rcExt}, {"claim (first)", rcClaim1}, {"claim (later)", rcClaim2}, {"reclaim", rcReclaim}} {
		if g.rc == nil {
			t.Fatalf("%s failed", g.name)
		}
		t.Logf("gas %-14s %6d", g.name, g.rc.GasUsed)
	}
	for _, rc := range []*types.Receipt{rcClaim1, rcClaim2} {
		if rc.GasUsed > 70_000 {
			t.Errorf("claim used %d gas, budget 70000", rc.GasUsed)
		}
	}
}

// payeeReentering runs the re-entrant payee against claim or claimMany.
func payeeReentering(t *testing.T, w *world, deploy func(func(*bind.TransactOpts) (common.Address, *types.Transaction, error)) common.Address, batch bool) {
	backend := w.sim.Client().(Backend)
	var payee *attack.ReentrantPayee
	pa := deploy(func(o *bind.TransactOpts) (common.Address, *types.Transaction, error) {
		a, tx, p, err := attack.DeployReentrantPayee(o, backend, w.c.Address)
		payee = p
		return a, tx, err
	})
	id, _, err := w.c.Open(w.ctx, w.funder, addr(w.signer), pa, w.now().Add(time.Hour), eth(1))
	if err != nil {
		t.Fatal(err)
	}
	v1, v2 := w.voucher(id, eth(0.3)), w.voucher(id, eth(0.6))
	for _, swallow := range []bool{false, true} {
		_, err := w.c.send(w.ctx, "attack", w.stranger, nil, func(o *bind.TransactOpts) (*types.Transaction, error) {
			if batch {
				return payee.AttackMany(o, id, v1.Amount, v1.Signature, v2.Amount, v2.Signature, swallow)
			}
			return payee.Attack(o, id, v1.Amount, v1.Signature, v2.Amount, v2.Signature, swallow)
		})
		ch := w.channel(id)
		switch {
		case !swallow && !errors.Is(err, ErrTransferFailed):
			t.Errorf("re-entrant claim: %v, want the whole claim refused", err)
		case !swallow && ch.Claimed.Sign() != 0:
			t.Errorf("refused attack changed the channel: claimed %s", ch.Claimed)
		case swallow && (err != nil || ch.Claimed.Cmp(eth(0.3)) != 0 || w.balance(pa).Cmp(eth(0.3)) != 0):
			t.Errorf("attacker that catches the guard: %v; claimed %s, got %s; want exactly the first voucher", err, ch.Claimed, w.balance(pa))
		}
	}
}
