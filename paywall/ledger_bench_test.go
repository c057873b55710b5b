package paywall

import (
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// BenchmarkLedgerCharge is the durable part of a gated segment: each op
// is a first-time charge, synced before it returns, from 16 concurrent
// viewers with a channel each.
func BenchmarkLedgerCharge(b *testing.B) {
	l, err := OpenBoltLedger(filepath.Join(b.TempDir(), "ledger.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	var next atomic.Int64
	for v := range 64 {
		if _, err := l.Pay(ctx, voucher(common.Hash{byte(v), 1}, 1<<60), ""); err != nil {
			b.Fatal(err)
		}
	}
	b.SetParallelism(8) // with 2 CPUs: 16 goroutines
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		v := next.Add(1)
		ch := common.Hash{byte(v), 1}
		for i := 0; pb.Next(); i++ {
			if _, err := l.Charge(ctx, charge(ch, "s", fmt.Sprint(i), 2000)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "charges/s")
}
