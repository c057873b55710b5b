package paywall

import (
	"context"
	"math/big"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// The organizer's figures from the embedded ledger: money per stream
// across channels, and where each channel's money stands against what
// the chain says was claimed.
func TestSumsAndSettlements(t *testing.T) {
	l := openLedger(t, filepath.Join(t.TempDir(), "ledger.db"))
	ctx := context.Background()
	a, b, none := common.Hash{1}, common.Hash{2}, common.Hash{3}
	for _, v := range []struct {
		ch     common.Hash
		amount int64
	}{{a, 100}, {b, 50}} {
		if _, err := l.Pay(ctx, voucher(v.ch, v.amount), "demo"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.Charge(ctx, charge(a, "s1", 0, 30)); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Charge(ctx, charge(b, "s2", 1, 20)); err != nil {
		t.Fatal(err)
	}
	m := Sums(l)["demo"]
	if m == nil || m.Paid.Int64() != 150 || m.Spent.Int64() != 50 || m.Tips.Sign() != 0 {
		t.Errorf("demo's money: %+v", m)
	}
	for name, c := range map[string]struct {
		ch        common.Hash
		claimed   *big.Int
		reclaimed bool
		want      string
	}{
		"claimed all":          {a, big.NewInt(100), false, Settled},
		"claimed part":         {a, big.NewInt(40), false, Owed},
		"unknown to the chain": {b, nil, false, Owed},
		"no voucher":           {none, big.NewInt(0), false, Unpaid},
		"reclaimed":            {b, big.NewInt(50), true, Reclaimed},
	} {
		if got := Settlement(l, c.ch, c.claimed, c.reclaimed); got != c.want {
			t.Errorf("%s: %s, want %s", name, got, c.want)
		}
	}
}
