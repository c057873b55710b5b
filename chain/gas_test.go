package chain

import (
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// TestGasOfTokensAndBatches records what the token and batched calls cost
// (the figures go into BENCHMARKS.md: go test -run GasOf -v ./chain/) and
// holds a batched claim to its budget of 30,000 gas per channel in a batch
// of 100. Gas is deterministic, not a timing.
func TestGasOfTokensAndBatches(t *testing.T) {
	const batch = 100
	w := newWorld(t)
	token, _ := w.stablecoin(usd(1_000_000))
	expiry := w.now().Add(time.Hour)
	logGas := func(name string, rc *types.Receipt, per int) uint64 {
		t.Helper()
		if rc == nil {
			t.Fatalf("%s failed", name)
		}
		g := rc.GasUsed / uint64(per)
		if per > 1 {
			t.Logf("gas %-34s %7d per channel (%d in all, batch of %d)", name, g, rc.GasUsed, per)
		} else {
			t.Logf("gas %-34s %7d", name, g)
		}
		return g
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	_, rcETH, err := w.c.Open(w.ctx, w.funder, addr(w.signer), addr(w.payee), expiry, eth(1))
	must(err)
	logGas("open (ETH)", rcETH, 1)
	// The first openToken approves too; the second finds the allowance.
	must(w.c.approve(w.ctx, w.funder, token, usd(100)))
	id, rcTok, err := w.c.OpenToken(w.ctx, w.funder, token, addr(w.signer), addr(w.payee), expiry, usd(10))
	must(err)
	logGas("openToken (after approve)", rcTok, 1)
	_, rcPermit, err := w.c.OpenWithPermit(w.ctx, w.funder, token, addr(w.signer), addr(w.payee), expiry, usd(10))
	must(err)
	logGas("openWithPermit", rcPermit, 1)
	rcTop, err := w.c.TopUpToken(w.ctx, w.funder, id, usd(10))
	must(err)
	logGas("topUpToken (after approve)", rcTop, 1)
	rc1, err := w.c.Claim(w.ctx, w.payee, w.voucher(id, usd(1)))
	must(err)
	logGas("claim (token, first)", rc1, 1)
	rc2, err := w.c.Claim(w.ctx, w.payee, w.voucher(id, usd(2)))
	must(err)
	logGas("claim (token, later)", rc2, 1)

	signers := make([]common.Address, batch)
	deposits := make([]*big.Int, batch)
	for i := range signers {
		signers[i], deposits[i] = addr(w.signer), usd(1)
	}
	for _, tok := range []struct {
		name string
		addr common.Address
		unit func(float64) *big.Int
	}{{"ETH", common.Address{}, eth}, {"token", token, usd}} {
		ds := make([]*big.Int, batch)
		for i := range ds {
			ds[i] = tok.unit(0.01)
		}
		ids, rcMany, err := w.c.OpenMany(w.ctx, w.funder, tok.addr, addr(w.payee), expiry, signers, ds)
		must(err)
		logGas("openMany ("+tok.name+")", rcMany, batch)
		for round, amount := range []float64{0.001, 0.002} {
			vs := make([]*Voucher, batch)
			for i, id := range ids {
				vs[i] = w.voucher(id, tok.unit(amount))
			}
			outcomes, rc, err := w.c.ClaimMany(w.ctx, w.payee, vs)
			must(err)
			for _, o := range outcomes {
				if o.Err != nil {
					t.Fatalf("claim skipped: %v", o.Err)
				}
			}
			name := "claimMany (" + tok.name + ", first)"
			if round == 1 {
				name = "claimMany (" + tok.name + ", later)"
			}
			if g := logGas(name, rc, batch); g > 30_000 {
				t.Errorf("%s: %d gas per channel, budget 30000", name, g)
			}
		}
	}
	w.advance(2 * time.Hour)
	rcRe, err := w.c.Reclaim(w.ctx, w.funder, id)
	must(err)
	logGas("reclaim (token)", rcRe, 1)
}
