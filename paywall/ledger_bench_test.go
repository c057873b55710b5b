package paywall

import (
	"bytes"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/sys/unix"
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
	cpu0 := processCPU()
	b.RunParallel(func(pb *testing.PB) {
		v := next.Add(1)
		ch := common.Hash{byte(v), 1}
		for i := 0; pb.Next(); i++ {
			if _, err := l.Charge(ctx, charge(ch, "s", uint64(i), 2000)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "charges/s")
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
}

// BenchmarkLogSync is one group commit's disk work, a 6.4 KB write (16
// records) and an fdatasync, into a preallocated log segment: "unwritten"
// as fallocate leaves it, "zeroed" as the writer prepares it (zeroAhead).
// Besides the time per op it reports this process's CPU per sync; the
// disk's interrupts and the filesystem's threads are outside it.
func BenchmarkLogSync(b *testing.B) {
	for _, zeroed := range []bool{false, true} {
		b.Run(map[bool]string{false: "unwritten", true: "zeroed"}[zeroed], func(b *testing.B) {
			f, err := os.Create(filepath.Join(b.TempDir(), "wal"))
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			if err := unix.Fallocate(int(f.Fd()), 0, 0, walSize); err != nil {
				b.Fatal(err)
			}
			rec := bytes.Repeat([]byte("x"), 16*400)
			var off, ready int64
			b.ResetTimer()
			cpu0 := processCPU()
			for range b.N {
				if off+int64(len(rec)) > walSize {
					b.StopTimer()
					off, ready = 0, walSize // written once: no longer unwritten
					b.StartTimer()
				}
				for zeroed && ready < off+int64(len(rec)) {
					if _, err := f.WriteAt(zeros, ready); err != nil {
						b.Fatal(err)
					}
					ready += zeroStep
				}
				if _, err := f.WriteAt(rec, off); err != nil {
					b.Fatal(err)
				}
				if err := unix.Fdatasync(int(f.Fd())); err != nil {
					b.Fatal(err)
				}
				off += int64(len(rec))
			}
			b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}

func processCPU() time.Duration {
	var ru unix.Rusage
	_ = unix.Getrusage(unix.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLogRecordEncode is the writer's work per change: a charge's
// record as the log holds it, its JSON alone ("json", what version 1
// wrote, less the newline) and framed with its checksum ("frame").
func BenchmarkLogRecordEncode(b *testing.B) {
	ch := common.Hash{1, 2, 3}
	a := newAccount()
	a.Best = voucher(ch, 1<<60)
	a.Best.Signature = bytes.Repeat([]byte{0xab}, 65)
	a.Spent.SetInt64(123_456_789_000)
	a.add("demo", a.Best.Amount, a.Spent, nil)
	r := newRecord(ch, &a, "charges-2026-12-02", chargeKey(ch, "0123456789abcdef0123456789abcdef", "demo/1764650000/1234"))
	buf := make([]byte, 0, 4096)
	b.Run("json", func(b *testing.B) {
		for b.Loop() {
			buf = r.appendJSON(buf[:0])
		}
		b.SetBytes(int64(len(buf)))
	})
	b.Run("frame", func(b *testing.B) {
		for b.Loop() {
			buf = appendRecordFrame(buf[:0], &r, 42, true)
		}
		b.SetBytes(int64(len(buf)))
	})
}
