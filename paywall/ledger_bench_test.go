package paywall

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/sys/unix"

	"github.com/livegate/livegate/internal/testpg"
)

// BenchmarkLedgerCharge is the durable part of a gated segment: each op
// is a first-time charge, durable before it returns (synced to the log;
// committed in PostgreSQL, fsync on), from concurrent viewers with a
// channel each (16, then 128: the group commits grow with them), for
// each backend side by side. PostgreSQL runs on the same cores, its CPU
// outside cpu-µs/op.
func BenchmarkLedgerCharge(b *testing.B) {
	open := map[string]func(b *testing.B) Ledger{
		"bolt": func(b *testing.B) Ledger {
			l, err := OpenBoltLedger(filepath.Join(b.TempDir(), "ledger.db"))
			if err != nil {
				b.Fatal(err)
			}
			return l
		},
		"postgres": func(b *testing.B) Ledger {
			l, err := OpenPGLedger(ctx, testpg.New(b))
			if err != nil {
				b.Fatal(err)
			}
			return l
		},
	}
	for _, viewers := range []int{16, 128} {
		for _, backend := range []string{"bolt", "postgres"} {
			b.Run(fmt.Sprintf("%s/viewers=%d", backend, viewers), func(b *testing.B) {
				l := open[backend](b)
				defer l.Close()
				benchCharges(b, l, viewers)
			})
		}
	}
}

// benchCharges runs b.N first-time charges from viewers goroutines (a
// multiple of GOMAXPROCS), a channel each.
func benchCharges(b *testing.B, l Ledger, viewers int) {
	channel := func(v int) common.Hash { return common.Hash{byte(v), byte(v >> 8), 1} }
	for v := range viewers + 1 {
		if _, err := l.Pay(ctx, voucher(channel(v), 1<<60), ""); err != nil {
			b.Fatal(err)
		}
	}
	var next atomic.Int64
	b.SetParallelism(max(1, viewers/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	cpu0 := processCPU()
	b.RunParallel(func(pb *testing.PB) {
		ch := channel(int(next.Add(1)))
		for i := 0; pb.Next(); i++ {
			if _, err := l.Charge(ctx, charge(ch, "s", uint64(i), 2000)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "charges/s")
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
	if cs, ok := l.(interface{ CommitStats() CommitStats }); ok {
		st := cs.CommitStats()
		b.ReportMetric(float64(st.Changes)/float64(max(st.Commits, 1)), "charges/commit")
		b.ReportMetric(float64(st.Sync.Microseconds())/float64(max(st.Commits, 1)), "µs/commit")
	}
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
