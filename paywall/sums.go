package paywall

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"
)

// Sums adds up, per stream, what every paying channel in the ledger paid,
// spent and tipped through it: the organizer's figures (the dashboard,
// /metrics). Amounts are in each stream's asset.
func Sums(l Ledger) map[string]*Money {
	out := map[string]*Money{}
	for _, id := range l.Paying() {
		for name, m := range l.Account(id).Streams {
			t := out[name]
			if t == nil {
				t = &Money{Paid: new(big.Int), Spent: new(big.Int), Tips: new(big.Int)}
				out[name] = t
			}
			t.Paid.Add(t.Paid, m.Paid)
			t.Spent.Add(t.Spent, m.Spent)
			t.Tips.Add(t.Tips, m.Tips)
		}
	}
	return out
}

// Where a channel's money stands, as the organizer sees it.
const (
	Settled   = "settled"   // claimed all the best voucher gives
	Owed      = "owed"      // a voucher above what was claimed
	Unpaid    = "unpaid"    // no voucher
	Reclaimed = "reclaimed" // expired and emptied by its funder
)

// Settlement says where channel's money stands: its best voucher in the
// ledger against what the chain says was claimed (nil: the chain does
// not know the channel yet) and whether the funder reclaimed the rest.
func Settlement(l Ledger, channel common.Hash, claimed *big.Int, reclaimed bool) string {
	acc := l.Account(channel)
	switch {
	case reclaimed:
		return Reclaimed
	case acc.Best == nil:
		return Unpaid
	case claimed != nil && claimed.Cmp(acc.Paid()) >= 0:
		return Settled
	}
	return Owed
}
