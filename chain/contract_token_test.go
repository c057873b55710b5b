package chain

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/chain/bindings"
	"github.com/livegate/livegate/chain/bindings/attack"
)

// usd is an amount of the 6-decimal test stablecoin: usd(0.02) is 20000.
func usd(f float64) *big.Int {
	r := new(big.Rat).SetFloat64(f)
	r.Mul(r, big.NewRat(1_000_000, 1))
	return new(big.Int).Quo(r.Num(), r.Denom())
}

// stablecoin deploys the test stablecoin and mints mint to the funder.
func (w *world) stablecoin(mint *big.Int) (common.Address, *bindings.TestStablecoin) {
	w.t.Helper()
	a, err := w.c.DeployStablecoin(w.ctx, w.deployer)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.c.MintStablecoin(w.ctx, w.deployer, a, addr(w.funder), mint); err != nil {
		w.t.Fatal(err)
	}
	token, err := bindings.NewTestStablecoin(a, w.sim.Client())
	if err != nil {
		w.t.Fatal(err)
	}
	return a, token
}

func (w *world) tokenBalance(token, a common.Address) *big.Int {
	w.t.Helper()
	b, err := w.c.TokenBalance(w.ctx, token, a)
	if err != nil {
		w.t.Fatal(err)
	}
	return b
}

func TestTokenChannelLifecycle(t *testing.T) {
	w := newWorld(t)
	token, _ := w.stablecoin(usd(100))
	info, err := w.c.Token(w.ctx, token)
	if err != nil || info.Symbol != "USDL" || info.Decimals != 6 {
		t.Fatalf("token info %+v %v", info, err)
	}
	if got := info.Format(usd(0.02)); got != "0.02 USDL" {
		t.Errorf("Format: %q", got)
	}
	id, _, err := w.c.OpenToken(w.ctx, w.funder, token, addr(w.signer), addr(w.payee), w.now().Add(time.Hour), usd(10))
	if err != nil {
		t.Fatal(err)
	}
	if ch := w.channel(id); ch.Token != token || ch.Deposit.Cmp(usd(10)) != 0 || w.tokenBalance(token, w.c.Address).Cmp(usd(10)) != 0 {
		t.Fatalf("opened %+v; contract holds %s", ch, w.tokenBalance(token, w.c.Address))
	}
	if _, err := w.c.TopUpToken(w.ctx, w.funder, id, usd(5)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.c.TopUp(w.ctx, w.funder, id, eth(1)); !errors.Is(err, ErrWrongToken) {
		t.Errorf("ETH top-up of a token channel: %v", err)
	}
	ethID := w.open(eth(1), time.Hour)
	if _, err := w.c.TopUpToken(w.ctx, w.funder, ethID, usd(1)); !errors.Is(err, ErrWrongToken) {
		t.Errorf("token top-up of an ETH channel: %v", err)
	}

	for _, c := range []struct{ amount, paid float64 }{{3, 3}, {12.5, 9.5}} {
		before, ethBefore := w.tokenBalance(token, addr(w.payee)), w.balance(addr(w.payee))
		rc, err := w.c.Claim(w.ctx, w.payee, w.voucher(id, usd(c.amount)))
		if err != nil {
			t.Fatal(err)
		}
		got := new(big.Int).Sub(w.tokenBalance(token, addr(w.payee)), before)
		if got.Cmp(usd(c.paid)) != 0 {
			t.Errorf("claim of %v paid %s, want %v USDL", c.amount, got, c.paid)
		}
		if spent := new(big.Int).Sub(ethBefore, w.balance(addr(w.payee))); spent.Cmp(fee(rc)) != 0 {
			t.Errorf("a token claim moved ETH: %s beyond the fee", new(big.Int).Sub(spent, fee(rc)))
		}
	}
	w.advance(2 * time.Hour)
	before := w.tokenBalance(token, addr(w.funder))
	if _, err := w.c.Reclaim(w.ctx, w.funder, id); err != nil {
		t.Fatal(err)
	}
	if got := new(big.Int).Sub(w.tokenBalance(token, addr(w.funder)), before); got.Cmp(usd(2.5)) != 0 {
		t.Errorf("reclaim returned %s, want 2.5 USDL", got)
	}
	if held := w.tokenBalance(token, w.c.Address); held.Sign() != 0 {
		t.Errorf("the contract still holds %s", held)
	}
}

func TestOpenWithPermit(t *testing.T) {
	w := newWorld(t)
	token, coin := w.stablecoin(usd(100))
	id, rc, err := w.c.OpenWithPermit(w.ctx, w.funder, token, addr(w.signer), addr(w.payee), w.now().Add(time.Hour), usd(7))
	if err != nil {
		t.Fatal(err)
	}
	if ch := w.channel(id); ch.Token != token || ch.Deposit.Cmp(usd(7)) != 0 {
		t.Fatalf("opened %+v", ch)
	}
	if a, _ := coin.Allowance(&bind.CallOpts{}, addr(w.funder), w.c.Address); a.Sign() != 0 {
		t.Errorf("allowance left: %s", a)
	}
	t.Logf("open with permit: %d gas, no approve", rc.GasUsed)

	// Someone submits the permit first (permits are public): the open
	// still goes through on the allowance it set.
	deadline := w.now().Add(time.Hour)
	v, r, s, err := w.c.SignPermit(w.ctx, w.funder, token, usd(3), deadline)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.c.send(w.ctx, "permit", w.stranger, nil, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return coin.Permit(o, addr(w.funder), w.c.Address, usd(3), big.NewInt(deadline.Unix()), v, r, s)
	}); err != nil {
		t.Fatal(err)
	}
	expiry := uint64(w.now().Add(time.Hour).Unix())
	openWith := func(amount *big.Int) error {
		_, err := w.c.send(w.ctx, "open", w.funder, nil, func(o *bind.TransactOpts) (*types.Transaction, error) {
			return w.c.Contract().OpenWithPermit(o, token, amount, addr(w.signer), addr(w.payee), expiry, big.NewInt(deadline.Unix()), v, r, s)
		})
		return err
	}
	if err := openWith(usd(3)); err != nil {
		t.Errorf("open after the permit was front-run: %v", err)
	}
	// The permit is spent and no allowance is left: refused, clearly.
	if err := openWith(usd(3)); !errors.Is(err, ErrPermitFailed) {
		t.Errorf("open with a spent permit and no allowance: %v", err)
	}
	if got := w.tokenBalance(token, w.c.Address); got.Cmp(usd(10)) != 0 {
		t.Errorf("contract holds %s, want 10 USDL", got)
	}
}

func TestFeeOnTransferTokenRefused(t *testing.T) {
	w := newWorld(t)
	opts, _ := bind.NewKeyedTransactorWithChainID(w.deployer, w.c.ChainID)
	token, tx, fee, err := attack.DeployFeeToken(opts, w.sim.Client())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.c.wait(w.ctx, tx); err != nil {
		t.Fatal(err)
	}
	if _, err := w.c.send(w.ctx, "mint", w.funder, nil, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return fee.Mint(o, addr(w.funder), eth(10))
	}); err != nil {
		t.Fatal(err)
	}
	_, _, err = w.c.OpenToken(w.ctx, w.funder, token, addr(w.signer), addr(w.payee), w.now().Add(time.Hour), eth(1))
	if !errors.Is(err, ErrFeeOnTransfer) {
		t.Errorf("open with a fee-on-transfer token: %v", err)
	}
}

func TestAmountBounds(t *testing.T) {
	w := newWorld(t)
	maxAmount := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))
	over := new(big.Int).Lsh(big.NewInt(1), 128)
	token, _ := w.stablecoin(new(big.Int).Lsh(big.NewInt(1), 130))
	expiry := w.now().Add(time.Hour)
	if _, _, err := w.c.OpenToken(w.ctx, w.funder, token, addr(w.signer), addr(w.payee), expiry, over); !errors.Is(err, ErrDepositTooLarge) {
		t.Errorf("open with 2^128: %v", err)
	}
	if _, _, err := w.c.OpenMany(w.ctx, w.funder, token, addr(w.payee), expiry, []common.Address{addr(w.signer)}, []*big.Int{over}); !errors.Is(err, ErrDepositTooLarge) {
		t.Errorf("open many with 2^128: %v", err)
	}
	id, _, err := w.c.OpenToken(w.ctx, w.funder, token, addr(w.signer), addr(w.payee), expiry, maxAmount)
	if err != nil {
		t.Fatalf("open with 2^128-1: %v", err)
	}
	if _, err := w.c.TopUpToken(w.ctx, w.funder, id, big.NewInt(1)); !errors.Is(err, ErrDepositTooLarge) {
		t.Errorf("top-up past 2^128-1: %v", err)
	}
	if _, err := w.c.Claim(w.ctx, w.payee, w.voucher(id, over)); !errors.Is(err, ErrAboveDeposit) {
		t.Errorf("voucher of 2^128: %v", err)
	}
	if _, err := w.c.Claim(w.ctx, w.payee, w.voucher(id, maxAmount)); err != nil {
		t.Fatal(err)
	}
	if got := w.tokenBalance(token, addr(w.payee)); got.Cmp(maxAmount) != 0 {
		t.Errorf("payee got %s, want 2^128-1", got)
	}
}

func TestOpenMany(t *testing.T) {
	w := newWorld(t)
	token, _ := w.stablecoin(usd(1000))
	signers := make([]common.Address, 5)
	for i := range signers {
		k, _ := crypto.GenerateKey()
		signers[i] = addr(k)
	}
	expiry := w.now().Add(time.Hour)
	for _, tok := range []common.Address{{}, token} {
		deposits := make([]*big.Int, len(signers))
		for i := range deposits {
			deposits[i] = big.NewInt(int64(1000 * (i + 1)))
		}
		before := w.tokenBalance(tok, w.c.Address)
		ids, _, err := w.c.OpenMany(w.ctx, w.funder, tok, addr(w.payee), expiry, signers, deposits)
		if err != nil {
			t.Fatal(err)
		}
		for i, id := range ids {
			ch := w.channel(id)
			if ch.Signer != signers[i] || ch.Token != tok || ch.Payee != addr(w.payee) || ch.Funder != addr(w.funder) ||
				ch.Deposit.Cmp(deposits[i]) != 0 || ch.Expiry.Unix() != expiry.Unix() {
				t.Errorf("token %s channel %d: %+v", tok, i, ch)
			}
		}
		if got := new(big.Int).Sub(w.tokenBalance(tok, w.c.Address), before); got.Cmp(big.NewInt(15000)) != 0 {
			t.Errorf("token %s: the contract took %s, want 15000", tok, got)
		}
	}
	// Ids follow the funder's count, as single opens do: no two alike.
	one := w.open(eth(1), time.Hour)
	if n, _ := w.c.Contract().OpenedBy(&bind.CallOpts{}, addr(w.funder)); n.Int64() != 11 || one == (common.Hash{}) {
		t.Errorf("openedBy %s after 11 opens", n)
	}
	// msg.value must be the deposits' sum.
	_, err := w.c.send(w.ctx, "open many", w.funder, big.NewInt(999), func(o *bind.TransactOpts) (*types.Transaction, error) {
		return w.c.Contract().OpenMany(o, signers[:1], []*big.Int{big.NewInt(1000)}, addr(w.payee), uint64(expiry.Unix()))
	})
	var re *RevertError
	if !errors.As(err, &re) || re.Name != "WrongValue" {
		t.Errorf("open many with the wrong value: %v", err)
	}
}

func TestClaimManySkipsBadClaims(t *testing.T) {
	w := newWorld(t)
	token, _ := w.stablecoin(usd(1000))
	expiry := w.now().Add(time.Hour)
	signers := []common.Address{addr(w.signer), addr(w.signer), addr(w.signer), addr(w.signer)}
	deposits := []*big.Int{usd(10), usd(10), usd(10), usd(10)}
	tokIDs, _, err := w.c.OpenMany(w.ctx, w.funder, token, addr(w.payee), expiry, signers, deposits)
	if err != nil {
		t.Fatal(err)
	}
	ethIDs, _, err := w.c.OpenMany(w.ctx, w.funder, common.Address{}, addr(w.payee), expiry, signers[:2], []*big.Int{eth(1), eth(1)})
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := w.c.Open(w.ctx, w.funder, addr(w.signer), addr(w.stranger), expiry, eth(1)) // pays someone else
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.c.Claim(w.ctx, w.payee, w.voucher(tokIDs[1], usd(4))); err != nil {
		t.Fatal(err)
	}
	forZero := w.voucher(tokIDs[0], usd(5))
	batch := []*Voucher{
		w.voucher(tokIDs[0], usd(2)),
		w.voucher(tokIDs[1], usd(3)), // below what was claimed
		w.voucher(ethIDs[0], eth(0.25)),
		{Channel: tokIDs[2], Amount: forZero.Amount, Signature: forZero.Signature}, // another channel's voucher
		w.voucher(other, eth(0.5)),       // not our channel
		w.voucher(tokIDs[3], usd(10.01)), // above the deposit
		w.voucher(tokIDs[1], usd(6)),
		w.voucher(ethIDs[1], eth(0.5)),
	}
	want := []struct {
		paid *big.Int
		err  error
	}{{usd(2), nil}, {nil, ErrNothingToClaim}, {eth(0.25), nil}, {nil, ErrWrongSigner}, {nil, ErrNotPayee}, {nil, ErrAboveDeposit}, {usd(2), nil}, {eth(0.5), nil}}
	tokBefore, ethBefore := w.tokenBalance(token, addr(w.payee)), w.balance(addr(w.payee))
	outcomes, rc, err := w.c.ClaimMany(w.ctx, w.payee, batch)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range outcomes {
		if (want[i].err == nil) != (o.Err == nil) || !errors.Is(o.Err, want[i].err) || (o.Paid == nil) != (want[i].paid == nil) ||
			(o.Paid != nil && o.Paid.Cmp(want[i].paid) != 0) {
			t.Errorf("claim %d: paid %v err %v, want %v %v", i, o.Paid, o.Err, want[i].paid, want[i].err)
		}
	}
	if got := new(big.Int).Sub(w.tokenBalance(token, addr(w.payee)), tokBefore); got.Cmp(usd(4)) != 0 {
		t.Errorf("payee got %s USDL units, want 4 USDL", got)
	}
	gotETH := new(big.Int).Sub(w.balance(addr(w.payee)), ethBefore)
	if gotETH.Add(gotETH, fee(rc)).Cmp(eth(0.75)) != 0 {
		t.Errorf("payee got %s wei, want 0.75 ETH", gotETH)
	}
	transfers := 0
	for _, l := range rc.Logs {
		if l.Address == token {
			transfers++
		}
	}
	if transfers != 1 {
		t.Errorf("%d token transfers for the batch, want one", transfers)
	}
	// The chain and the watcher (which reads the events) agree: the
	// batch's claims counted, the skipped ones not, each channel's token.
	wt := w.watcher(1)
	w.sync(wt)
	for i, c := range map[int]float64{0: 2, 1: 6, 2: 0, 3: 0} {
		if got := w.channel(tokIDs[i]).Claimed; got.Cmp(usd(c)) != 0 {
			t.Errorf("channel %d claimed %s, want %v USDL", i, got, c)
		}
		if st, ok := wt.Channel(tokIDs[i]); !ok || st.Token != token || st.Claimed.Cmp(usd(c)) != 0 {
			t.Errorf("watcher: channel %d %+v %v, want token %s claimed %v USDL", i, st, ok, token, c)
		}
	}
	if st, ok := wt.Channel(ethIDs[1]); !ok || st.Token != (common.Address{}) || st.Claimed.Cmp(eth(0.5)) != 0 {
		t.Errorf("watcher: ETH channel %+v %v", st, ok)
	}
}

func TestTokenInfoFormat(t *testing.T) {
	usdl := TokenInfo{Symbol: "USDL", Decimals: 6}
	for _, c := range []struct {
		t      TokenInfo
		amount *big.Int
		want   string
	}{
		{usdl, big.NewInt(0), "0 USDL"},
		{usdl, big.NewInt(1), "0.000001 USDL"},
		{usdl, big.NewInt(20000), "0.02 USDL"},
		{usdl, big.NewInt(1_500_000), "1.5 USDL"},
		{usdl, big.NewInt(-20000), "-0.02 USDL"},
		{usdl, nil, "0 USDL"},
		{ETH, eth(1), "1 ETH"},
		{ETH, big.NewInt(1000), "0.000000000000001 ETH"},
		{TokenInfo{Symbol: "PTS"}, big.NewInt(42), "42 PTS"},
	} {
		if got := c.t.Format(c.amount); got != c.want {
			t.Errorf("Format(%v %s) = %q, want %q", c.amount, c.t.Symbol, got, c.want)
		}
	}
}
