package paywall

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	bolt "go.etcd.io/bbolt"
)

// The runs answer as a set of the keys added would, whatever the order,
// and stay sorted, disjoint and apart (touching runs are merged).
func TestChargedIsASetOfKeys(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// Keys that must not share a number with another: no sign, no leading
	// zero, not a number, an empty one.
	odd := []string{"seg0", "a/b/", "a/b/00", "a/b/007", "a/b/-1", "a/b/+1", "a/b/1x", "7", "a/b/99999999999999999999", "a//3",
		"a/b/999999999999999999", "a/b/999999999999999998", "a/b/1000000000000000000"} // 18 digits are numbers, 19 are not
	for round := range 50 {
		var c charged
		set := map[string]bool{}
		keys := []string{}
		for range 300 {
			var k string
			switch rng.IntN(10) {
			case 0:
				k = odd[rng.IntN(len(odd))]
			case 1, 2:
				k = fmt.Sprintf("a/c/%d", rng.IntN(40))
			default: // a live viewer: mostly in order, some skipped, some fetched again
				k = fmt.Sprintf("a/b/%d", len(keys)/2+rng.IntN(6)-3+10)
			}
			keys = append(keys, k)
			if c.has(k) != set[k] {
				t.Fatalf("round %d: before adding, has(%q) = %v, want %v", round, k, c.has(k), set[k])
			}
			c.add(k)
			set[k] = true
			for _, probe := range append([]string{k, "a/b/0", "a/b/7", "a/b/70", "a/c/0", "a/c/39"}, odd...) {
				if c.has(probe) != set[probe] {
					t.Fatalf("round %d, after %v: has(%q) = %v, want %v (runs %q %v, %v)", round, keys, probe, c.has(probe), set[probe], c.prefix, c.runs, c.more)
				}
			}
			all := map[string][]run{}
			maps.Copy(all, c.more)
			if c.runs != nil {
				all[c.prefix] = c.runs
			}
			for prefix, rs := range all {
				for i, r := range rs {
					if r.lo > r.hi || (i > 0 && rs[i-1].hi+1 >= r.lo) {
						t.Fatalf("round %d: runs of %q not sorted and apart: %v", round, prefix, rs)
					}
				}
			}
		}
	}
}

// A session followed live is one run, however long.
func TestChargedLiveSessionIsOneRun(t *testing.T) {
	var c charged
	for seq := range 10_000 {
		c.add(fmt.Sprintf("live/rec/%d", seq))
	}
	if c.prefix != "live/rec/" || !slices.Equal(c.runs, []run{{0, 9999}}) || c.more != nil {
		t.Errorf("runs %q %v, more %v", c.prefix, c.runs, c.more)
	}
}

// quietLedger opens a ledger whose checkpointer rests: the test moves the
// log into bbolt itself.
func quietLedger(t *testing.T) *BoltLedger {
	l := openLedger(t, t.TempDir()+"/ledger.db")
	close(l.ckptStop)
	<-l.ckptDone
	t.Cleanup(func() { // before Close, which stops it again
		l.ckptStop, l.ckptDone = make(chan struct{}), make(chan struct{})
		go l.checkpointer()
	})
	return l
}

// A session loaded again after midnight finds yesterday's charges; two
// days on, bbolt has let them go and a reloaded session pays again (one
// still in memory would not).
func TestLedgerReloadsYesterdaysCharges(t *testing.T) {
	l := quietLedger(t)
	ch := common.Hash{10}
	if _, err := l.Pay(ctx, voucher(ch, 1_000_000), ""); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 23, 59, 0, 0, time.UTC)
	l.now = func() time.Time { return now }
	if rc, err := l.Charge(ctx, charge(ch, "s", 1, 10)); err != nil || rc.Already {
		t.Fatalf("first charge: %+v, %v", rc, err)
	}
	if err := l.checkpoint(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		at      time.Time
		already bool
	}{
		{time.Date(2026, 11, 23, 0, 10, 0, 0, time.UTC), true},  // yesterday's bucket
		{time.Date(2026, 11, 24, 23, 0, 0, 0, time.UTC), false}, // the day before yesterday's
	} {
		l.forgetIdle(c.at)
		now = c.at
		rc, err := l.Charge(ctx, charge(ch, "s", 1, 10))
		if err != nil || rc.Already != c.already {
			t.Errorf("at %v: already %v, want %v (%v)", c.at, rc.Already, c.already, err)
		}
		if err := l.checkpoint(); err != nil {
			t.Fatal(err)
		}
	}
}

// A session idle for sessionIdle is forgotten once its charges are in
// bbolt, and loaded from there again; one whose last charges are still in
// the log only is kept. Either way a segment is charged once.
func TestLedgerForgetsIdleSessionsNotTheirCharges(t *testing.T) {
	l := quietLedger(t)
	ch := common.Hash{9}
	if _, err := l.Pay(ctx, voucher(ch, 1_000_000), ""); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	l.now = func() time.Time { return now }
	kept := func() bool {
		a := l.account(ch)
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.sessions["s"] != nil
	}
	for i := range 40 {
		seg := uint64(i)
		if rc, err := l.Charge(ctx, charge(ch, "s", seg, 10)); err != nil || rc.Already {
			t.Fatalf("first charge of segment %d: %+v, %v", seg, rc, err)
		}
		inBolt := i%3 == 0
		if inBolt {
			if err := l.checkpoint(); err != nil {
				t.Fatal(err)
			}
		}
		l.forgetIdle(now.Add(sessionIdle - time.Second))
		if !kept() {
			t.Fatalf("segment %d: a session idle for less than sessionIdle was forgotten", seg)
		}
		l.forgetIdle(now.Add(sessionIdle))
		if kept() == inBolt {
			t.Fatalf("segment %d: kept %v with its charges in bbolt %v", seg, kept(), inBolt)
		}
		for _, again := range []uint64{seg, 0} {
			if rc, err := l.Charge(ctx, charge(ch, "s", again, 10)); err != nil || !rc.Already {
				t.Fatalf("segment %d charged again after forgetting: %+v, %v", again, rc, err)
			}
		}
		if rc, err := l.Charge(ctx, charge(ch, "other", seg, 10)); err != nil || rc.Already {
			t.Fatalf("segment %d: another session found it paid: %+v, %v", seg, rc, err)
		}
	}
	if got := l.Account(ch).Spent.Int64(); got != 800 {
		t.Errorf("spent %d, want 800 (40 segments, once in each of two sessions)", got)
	}
}

// Ledgers hold their charges under keys written as strings before
// charges had a type: the channel, the session's length (two bytes, big
// endian), the session, and "stream/recording/seq". A charge kept that
// way, in bbolt or in a log left by a crash, is found by its Item, and
// its neighbours (another number, another recording) are not.
func TestLedgerFindsChargesKeptAsStrings(t *testing.T) {
	ch := common.Hash{0x42}
	session := "0123456789abcdef0123456789abcdef@203.0.113.0"
	oldKey := func(segment string) []byte {
		k := append(append([]byte(nil), ch[:]...), byte(len(session)>>8), byte(len(session)))
		return append(append(k, session...), segment...)
	}
	if got, want := chargeKey(ch, session, Item{"live", "1764650000", 41}.key()), oldKey("live/1764650000/41"); !bytes.Equal(got, want) {
		t.Fatalf("charge key %q, the ledger's on disk %q", got, want)
	}
	account := `{"amount":"1000","signature":"0x010203","spent":"20"}`
	day := dayBucket(time.Now())
	paid := [][]byte{oldKey("live/1764650000/41"), oldKey("live/1764650000/42")}
	for _, where := range []string{"bbolt", "log"} {
		t.Run(where, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ledger.db")
			switch where {
			case "bbolt":
				db, err := bolt.Open(path, 0o600, nil)
				if err != nil {
					t.Fatal(err)
				}
				err = db.Update(func(tx *bolt.Tx) error {
					accounts, err := tx.CreateBucket(bucketAccounts)
					if err != nil {
						return err
					}
					if err := accounts.Put(ch[:], []byte(account)); err != nil {
						return err
					}
					charges, err := tx.CreateBucket(day)
					if err != nil {
						return err
					}
					for _, k := range paid {
						if err := charges.Put(k, []byte{1}); err != nil {
							return err
						}
					}
					return nil
				})
				if err := errors.Join(err, db.Close()); err != nil {
					t.Fatal(err)
				}
			case "log":
				var commit []record
				for _, k := range paid {
					commit = append(commit, record{Channel: ch, Account: json.RawMessage(account), Day: string(day), Key: k})
				}
				if err := os.WriteFile(path+".wal.1", encodeLog(0, 1, [][]record{commit}), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			l := openLedger(t, path)
			for _, c := range []struct {
				item Item
				paid bool
			}{
				{Item{"live", "1764650000", 41}, true},
				{Item{"live", "1764650000", 42}, true},
				{Item{"live", "1764650000", 40}, false},
				{Item{"live", "1764650000", 43}, false},
				{Item{"live", "1764650001", 41}, false},
				{Item{"other", "1764650000", 41}, false},
			} {
				rc, err := l.Charge(ctx, Charge{Channel: ch, Session: session, Item: c.item, Price: big.NewInt(10), Duration: 2 * time.Second})
				if err != nil || rc.Already != c.paid {
					t.Errorf("%+v: already paid %v, want %v (%v)", c.item, rc.Already, c.paid, err)
				}
			}
			if spent := l.Account(ch).Spent.Int64(); spent != 20+4*10 {
				t.Errorf("spent %d, want %d: the 20 on disk and four new charges", spent, 20+4*10)
			}
		})
	}
}
