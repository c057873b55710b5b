package paywall

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/ethereum/go-ethereum/common"

	"github.com/livegate/livegate/chain"
)

var ctx = context.Background()

func openLedger(t *testing.T, path string) *BoltLedger {
	t.Helper()
	l, err := OpenBoltLedger(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// voucher is a ledger entry; the ledger stores what it is given, the gate
// verifies signatures before it gets here.
func voucher(ch common.Hash, amount int64) *chain.Voucher {
	return &chain.Voucher{Channel: ch, Amount: big.NewInt(amount), Signature: []byte{byte(amount), 1, 2}}
}

// item is segment seq of the recording the ledger tests charge for.
func item(seq uint64) Item { return Item{Stream: "demo", Recording: "rec", Seq: seq} }

func charge(ch common.Hash, session string, seq uint64, price int64) Charge {
	return Charge{Channel: ch, Session: session, Item: item(seq), Price: big.NewInt(price), Duration: 2 * time.Second}
}

// ledgerStore is where a Ledger keeps its state, opened once or again (a
// restart): the interface's tests below run against each kind, the same
// test for the embedded ledger and the PostgreSQL one.
type ledgerStore struct {
	open func(t *testing.T) Ledger
	// breakNext makes the ledger's next change fail to become durable;
	// heal makes changes work again.
	breakNext, heal func(t *testing.T, l Ledger)
}

// ledgerBackends are the kinds of ledger the suite runs against.
var ledgerBackends = []struct {
	name  string
	store func(t *testing.T) ledgerStore
}{
	{"bolt", boltStore},
	{"postgres", pgStore},
}

// eachLedger runs test once per backend, as subtests.
func eachLedger(t *testing.T, test func(t *testing.T, s ledgerStore)) {
	for _, b := range ledgerBackends {
		t.Run(b.name, func(t *testing.T) { test(t, b.store(t)) })
	}
}

// boltStore is a BoltLedger's file in a temp directory.
func boltStore(t *testing.T) ledgerStore {
	path := filepath.Join(t.TempDir(), "ledger.db")
	return ledgerStore{
		open: func(t *testing.T) Ledger { return openLedger(t, path) },
		// The log's file, opened read-only: the writer's next write fails
		// (and the one after starts a new segment).
		breakNext: func(t *testing.T, led Ledger) {
			l := led.(*BoltLedger)
			l.walMu.Lock()
			defer l.walMu.Unlock()
			ro, err := os.Open(l.wal.Name())
			if err != nil {
				t.Fatal(err)
			}
			l.wal.Close()
			l.wal, l.walOff = ro, 0
		},
		heal: func(*testing.T, Ledger) {}, // the writer moved on to a new segment
	}
}

func TestLedgerPaysAndCharges(t *testing.T) { eachLedger(t, testLedgerPaysAndCharges) }

func testLedgerPaysAndCharges(t *testing.T, s ledgerStore) {
	l := s.open(t)
	ch := common.Hash{1}
	if _, err := l.Charge(ctx, charge(ch, "s1", 0, 10)); !errors.Is(err, ErrInsufficientCredit) {
		t.Fatalf("charge without a voucher: %v", err)
	}
	if _, err := l.Pay(ctx, voucher(ch, 100), ""); err != nil {
		t.Fatal(err)
	}
	rc, err := l.Charge(ctx, charge(ch, "s1", 0, 30))
	if err != nil || rc.Price.Int64() != 30 || rc.Spent.Int64() != 30 || rc.Paid.Int64() != 100 {
		t.Fatalf("charge: %+v %v", rc, err)
	}
	rc, err = l.Charge(ctx, charge(ch, "s1", 0, 30))
	if err != nil || !rc.Already || rc.Price.Sign() != 0 || rc.Spent.Int64() != 30 {
		t.Errorf("the same segment again in the session: %+v %v", rc, err)
	}
	if rc, _ := l.Charge(ctx, charge(ch, "s2", 0, 30)); rc.Already || rc.Spent.Int64() != 60 {
		t.Errorf("another session pays for its own copy: %+v", rc)
	}
	if _, err := l.Charge(ctx, charge(ch, "s1", 1, 41)); !errors.Is(err, ErrInsufficientCredit) {
		t.Errorf("charge above the credit: %v", err)
	}
	if a := l.Account(ch); a.Spent.Int64() != 60 {
		t.Errorf("a refused charge changed the account: spent %s", a.Spent)
	}
	for _, amt := range []int64{100, 99} {
		if _, err := l.Pay(ctx, voucher(ch, amt), ""); !errors.Is(err, ErrNotIncreasing) {
			t.Errorf("voucher of %d after 100: %v", amt, err)
		}
	}
	if best, ok := l.Best(ch); !ok || best.Amount.Int64() != 100 {
		t.Errorf("best %+v", best)
	}
}

// Money is kept per stream: what was paid through each, spent on each,
// and tipped; a tip is spent as it is paid, so the credit stays, and it
// too must be above the best voucher. All of it survives reopening.
func TestLedgerTipsAndStreams(t *testing.T) { eachLedger(t, testLedgerTipsAndStreams) }

func testLedgerTipsAndStreams(t *testing.T, s ledgerStore) {
	l := s.open(t)
	ch := common.Hash{6}
	if _, err := l.Pay(ctx, voucher(ch, 100), "demo"); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Charge(ctx, charge(ch, "s", 0, 30)); err != nil {
		t.Fatal(err)
	}
	acc, err := l.Tip(ctx, voucher(ch, 150), "other")
	if err != nil || acc.Paid().Int64() != 150 || acc.Spent.Int64() != 80 || acc.Credit().Int64() != 70 {
		t.Fatalf("after a tip of 50: %+v %v; want paid 150, spent 80, credit 70", acc, err)
	}
	if _, err := l.Tip(ctx, voucher(ch, 150), "other"); !errors.Is(err, ErrNotIncreasing) {
		t.Errorf("a tip not above the best voucher: %v", err)
	}
	if _, err := l.Pay(ctx, voucher(ch, 170), ""); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		a := l.Account(ch)
		want := map[string][3]int64{"demo": {100, 30, 0}, "other": {50, 50, 50}, "": {20, 0, 0}}
		for name, m := range want {
			got, ok := a.Streams[name]
			if !ok || got.Paid.Int64() != m[0] || got.Spent.Int64() != m[1] || got.Tips.Int64() != m[2] {
				t.Errorf("%s: stream %q: %+v, want paid, spent, tips %v", when, name, got, m)
			}
		}
		if len(a.Streams) != len(want) || a.Paid().Int64() != 170 || a.Spent.Int64() != 80 {
			t.Errorf("%s: %+v", when, a)
		}
		if best, ok := l.Best(ch); !ok || best.Amount.Int64() != 170 || string(best.Signature) != string(voucher(ch, 170).Signature) {
			t.Errorf("%s: best %+v", when, best)
		}
		if paying := l.Paying(); len(paying) != 1 || paying[0] != ch {
			t.Errorf("%s: paying %v", when, paying)
		}
	}
	check("after the tip")
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = s.open(t)
	check("reopened")
}

// A refund gives back part of a charge once, only for an item the
// session was charged for, never more than the stream's spending, and
// survives a restart, its once included.
func TestLedgerRefund(t *testing.T) { eachLedger(t, testLedgerRefund) }

func testLedgerRefund(t *testing.T, s ledgerStore) {
	l := s.open(t)
	ch := common.Hash{9}
	if _, err := l.Pay(ctx, voucher(ch, 100), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Charge(ctx, charge(ch, "s", 1, 30)); err != nil {
		t.Fatal(err)
	}
	refund := func(session string, seq uint64, amount int64) (Receipt, error) {
		return l.Refund(ctx, Refund{Channel: ch, Session: session, Item: item(seq), Amount: big.NewInt(amount)})
	}
	for i, c := range []struct {
		session string
		seq     uint64
		amount  int64
		err     error
		spent   int64 // after it
	}{
		{"s", 2, 5, ErrNotCharged, 30}, // another segment
		{"t", 1, 5, ErrNotCharged, 30}, // another session
		{"s", 1, 0, ErrBadRefund, 30},  // nothing
		{"s", 1, -5, ErrBadRefund, 30}, // a charge
		{"s", 1, 31, ErrBadRefund, 30}, // more than was spent
		{"s", 1, 20, nil, 10},          // the difference
		{"s", 1, 20, nil, 10},          // again: already
	} {
		rc, err := refund(c.session, c.seq, c.amount)
		if !errors.Is(err, c.err) {
			t.Errorf("refund %+v: %v", c, err)
		}
		if got := l.Account(ch).Spent.Int64(); got != c.spent {
			t.Errorf("after refund %+v: spent %d", c, got)
		}
		if first := i == 5; err == nil && (rc.Already == first || (rc.Price.Int64() == 20) != first) {
			t.Errorf("refund %+v: receipt %+v", c, rc)
		}
	}
	if _, err := l.Refund(ctx, Refund{Channel: common.Hash{8}, Session: "s", Item: item(1), Amount: big.NewInt(1)}); !errors.Is(err, ErrNotCharged) {
		t.Errorf("refund on a channel without charges: %v", err)
	}
	check := func(when string) {
		t.Helper()
		a := l.Account(ch)
		if a.Spent.Int64() != 10 || a.Streams["demo"].Spent.Int64() != 10 || a.Credit().Int64() != 90 {
			t.Errorf("%s: spent %s, on demo %s, credit %s; want 10, 10, 90", when, a.Spent, a.Streams["demo"].Spent, a.Credit())
		}
		rc, err := refund("s", 1, 20)
		if err != nil || !rc.Already || rc.Price.Sign() != 0 {
			t.Errorf("%s: refunded again: %+v %v", when, rc, err)
		}
		if rc, _ := l.Charge(ctx, charge(ch, "s", 1, 30)); !rc.Already {
			t.Errorf("%s: a refunded item is charged again", when)
		}
	}
	check("after the refund")
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = s.open(t)
	check("reopened")
}

func TestLedgerPreview(t *testing.T) { eachLedger(t, testLedgerPreview) }

func testLedgerPreview(t *testing.T, s ledgerStore) {
	l := s.open(t)
	ch := common.Hash{2}
	if _, err := l.Pay(ctx, voucher(ch, 1), ""); err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, true, false} {
		c := charge(ch, "s", uint64(i), 1)
		c.Preview = 4 * time.Second
		rc, err := l.Charge(ctx, c)
		if err != nil || rc.Free != want {
			t.Errorf("segment %d: free %v (%v), want %v", i, rc.Free, err, want)
		}
	}
	other := charge(ch, "s", 0, 1)
	other.Item.Stream, other.Preview = "other", 4*time.Second
	if rc, _ := l.Charge(ctx, other); !rc.Free {
		t.Error("the preview is per stream")
	}
}

// TestCommitStatsCountWhatWasSynced: the commit stats count what was
// made durable, and nothing else; a segment already paid for and a
// refused charge write nothing.
func TestCommitStatsCountWhatWasSynced(t *testing.T) {
	l := openLedger(t, filepath.Join(t.TempDir(), "ledger.db"))
	ch := common.Hash{9}
	if _, err := l.Pay(ctx, voucher(ch, 100), ""); err != nil {
		t.Fatal(err)
	}
	for _, seg := range []uint64{0, 1, 2, 2} {
		if _, err := l.Charge(ctx, charge(ch, "s", seg, 30)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.Charge(ctx, charge(ch, "s", 3, 30)); !errors.Is(err, ErrInsufficientCredit) {
		t.Fatalf("a charge above the credit: %v", err)
	}
	// One change at a time: each is its own commit.
	st := l.CommitStats()
	if st.Commits != 4 || st.Changes != 4 || st.Sync <= 0 || st.Wait < st.Sync {
		t.Fatalf("after a voucher and three charges, one at a time: %+v", st)
	}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := l.Pay(ctx, voucher(common.Hash{10, byte(i)}, 5), ""); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := l.CommitStats(); got.Changes != 20 || got.Commits <= 4 || got.Commits > 20 || got.Wait <= st.Wait {
		t.Errorf("after 16 more changes at once: %+v", got)
	}
}

// TestLedgerNeverOverspends races 100 charges for credit enough for 37.
func TestLedgerNeverOverspends(t *testing.T) { eachLedger(t, testLedgerNeverOverspends) }

func testLedgerNeverOverspends(t *testing.T, s ledgerStore) {
	l := s.open(t)
	ch := common.Hash{3}
	if _, err := l.Pay(ctx, voucher(ch, 37*7+3), ""); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := l.Charge(ctx, charge(ch, fmt.Sprintf("s%d", i%5), uint64(i), 7)); err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			} else if !errors.Is(err, ErrInsufficientCredit) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if a := l.Account(ch); ok != 37 || a.Spent.Int64() != 37*7 {
		t.Errorf("%d charges went through, spent %s; want 37 and %d", ok, a.Spent, 37*7)
	}
	l.Close()
	if a := s.open(t).Account(ch); a.Spent.Int64() != 37*7 || a.Paid().Int64() != 37*7+3 {
		t.Errorf("after reopening: paid %s spent %s", a.Paid(), a.Spent)
	}
}

func TestLedgerSurvivesReopen(t *testing.T) { eachLedger(t, testLedgerSurvivesReopen) }

func testLedgerSurvivesReopen(t *testing.T, s ledgerStore) {
	l := s.open(t)
	ch := common.Hash{4}
	if _, err := l.Pay(ctx, voucher(ch, 1000), ""); err != nil {
		t.Fatal(err)
	}
	c := charge(ch, "s", 0, 10)
	c.Preview = time.Second
	if _, err := l.Charge(ctx, c); err != nil {
		t.Fatal(err)
	}
	// 2 and 7 are kept as runs, a number of 19 digits or more whole.
	for _, seq := range []uint64{2, 7, math.MaxUint64} {
		if _, err := l.Charge(ctx, charge(ch, "s", seq, 10)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Charge(ctx, charge(ch, "s", 3, 10)); !errors.Is(err, ErrLedgerClosed) {
		t.Errorf("charge on a closed ledger: %v", err)
	}
	l = s.open(t)
	a := l.Account(ch)
	if a.Paid().Int64() != 1000 || a.Spent.Int64() != 30 || a.Preview["demo"] != 2*time.Second || string(a.Best.Signature) != string(voucher(ch, 1000).Signature) {
		t.Errorf("reopened account %+v", a)
	}
	for _, seq := range []uint64{2, 7, math.MaxUint64} {
		if rc, _ := l.Charge(ctx, charge(ch, "s", seq, 10)); !rc.Already {
			t.Errorf("segment %d, paid before the restart, is charged again", seq)
		}
	}
	if rc, _ := l.Charge(ctx, charge(ch, "s", 8, 10)); rc.Already {
		t.Error("the next segment counts as paid after the restart")
	}
}

// A BoltLedger closed cleanly leaves no log behind, and one file is one
// process's.
func TestBoltLedgerClosesCleanAndAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	l := openLedger(t, path)
	if _, err := l.Pay(ctx, voucher(common.Hash{4}, 1000), ""); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if segs, _ := filepath.Glob(path + ".wal.*"); len(segs) != 0 {
		t.Errorf("a clean close left log segments %v", segs)
	}
	openLedger(t, path)
	if _, err := OpenBoltLedger(path); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("a second process on the same ledger: %v", err)
	}
}

// TestLedgerCrash kills a process that is writing the ledger (SIGKILL, no
// chance to close) and checks every change it acknowledged is there.
func TestLedgerCrash(t *testing.T) {
	if os.Getenv("LEDGER_CRASH_CHILD") != "" {
		crashChild(os.Getenv("LEDGER_CRASH_CHILD"))
		return
	}
	path := filepath.Join(t.TempDir(), "ledger.db")
	cmd := exec.Command(os.Args[0], "-test.run", "^TestLedgerCrash$")
	cmd.Env = append(os.Environ(), "LEDGER_CRASH_CHILD="+path)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[string]int64{} // channel -> highest acknowledged spend
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[0] == "ack" {
			n, _ := strconv.ParseInt(f[2], 10, 64)
			acked[f[1]] = max(acked[f[1]], n)
		}
	}
	err := cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("the child was not killed: %v", err)
	}
	if len(acked) == 0 {
		t.Fatal("the child acknowledged nothing")
	}
	if segs, _ := filepath.Glob(path + ".wal.*"); len(segs) == 0 {
		t.Error("the crash left no log to replay: the test proves nothing")
	}
	l := openLedger(t, path)
	if segs, _ := filepath.Glob(path + ".wal.*"); len(segs) != 1 {
		t.Errorf("after replay %d log segments remain, want just the new one", len(segs))
	}
	for ch, spent := range acked {
		a := l.Account(common.HexToHash(ch))
		if a.Spent.Int64() < spent {
			t.Errorf("channel %s: %d acknowledged, %s on disk after the crash", ch, spent, a.Spent)
		}
		if a.Paid().Int64() != 1_000_000 {
			t.Errorf("channel %s: the acknowledged voucher is gone", ch)
		}
		// Each acknowledged charge (1 wei, segments 0, 1, …) is known as
		// paid: fetched again, none is charged twice.
		for i := range spent {
			rc, err := l.Charge(ctx, charge(common.HexToHash(ch), "s", uint64(i), 1))
			if err != nil || !rc.Already {
				t.Fatalf("channel %s: segment %d, acknowledged before the crash, charged again: %+v, %v", ch, i, rc, err)
			}
		}
		if after := l.Account(common.HexToHash(ch)).Spent; after.Cmp(a.Spent) != 0 {
			t.Errorf("channel %s: spent %s after fetching again, %s before", ch, after, a.Spent)
		}
	}
}

func crashChild(path string) {
	l, err := OpenBoltLedger(path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	var wg sync.WaitGroup
	for c := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ch := common.Hash{byte(c + 1)}
			if _, err := l.Pay(ctx, voucher(ch, 1_000_000), ""); err != nil {
				return
			}
			fmt.Printf("ack %s 0\n", ch.Hex())
			for i := 0; ; i++ {
				rc, err := l.Charge(ctx, charge(ch, "s", uint64(i), 1))
				if err != nil {
					return
				}
				fmt.Printf("ack %s %s\n", ch.Hex(), rc.Spent)
			}
		}()
	}
	// Past a checkpoint (every second), so the log replayed holds records
	// already moved into bbolt before the newer ones.
	time.Sleep(checkpointEvery + 300*time.Millisecond)
	_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	wg.Wait()
}

// An account written before money was kept per stream reads back with
// none (and no error), and what it gains later is kept per stream.
func TestLedgerReadsAccountsWithoutStreams(t *testing.T) {
	ch := common.Hash{9}
	old := accountJSON{Amount: "1000", Signature: "0x" + strings.Repeat("ab", 65), Spent: "400", Preview: map[string]int64{"demo": 2000}}
	a, err := decodeAccount(ch, old)
	if err != nil || a.Paid().Int64() != 1000 || a.Spent.Int64() != 400 || len(a.Streams) != 0 || a.Preview["demo"] != 2*time.Second {
		t.Fatalf("old account: %+v, %v", a, err)
	}
	a.add("demo", nil, big.NewInt(200), nil)
	back, err := decodeAccount(ch, encodeAccount(&a))
	if err != nil || back.Streams["demo"].Spent.Int64() != 200 || back.Streams["demo"].Paid.Sign() != 0 || back.Spent.Int64() != 400 {
		t.Errorf("round trip: %+v %+v, %v", back, back.Streams["demo"], err)
	}
	if _, err := decodeAccount(ch, accountJSON{Spent: "0", Streams: map[string][3]string{"demo": {"1", "x", "0"}}}); err == nil {
		t.Error("a damaged per-stream amount was accepted")
	}
}

// The log's records are written by hand; they must read back as the
// records they were made from, and match what encoding/json would write.
func TestLogLinesAreTheRecordsJSON(t *testing.T) {
	a := newAccount()
	a.Best = voucher(common.HexToHash("0xabc"), 5_000)
	a.Spent.SetInt64(1_234)
	a.add(`odd "name" <&>`, big.NewInt(5_000), big.NewInt(1_234), big.NewInt(7))
	a.Preview["live"] = 4 * time.Second
	ch := common.HexToHash("0x00ff00000000000000000000000000000000000000000000000000000000beef")
	for _, r := range []record{
		newRecord(ch, &a, "", nil),
		newRecord(ch, &a, string(dayBucket(time.Date(2026, 11, 22, 23, 59, 0, 0, time.UTC))), chargeKey(ch, "s\x00\xff", "live/rec/720p/17")),
		newRecord(ch, &Account{Spent: new(big.Int)}, "charges-2026-11-23", []byte{}),
	} {
		line := string(r.appendJSON(nil))
		want, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if line != string(want) {
			t.Errorf("line\n%s\nencoding/json\n%s", line, want)
		}
		if r.jsonSize() != len(line) {
			t.Errorf("jsonSize %d, written %d", r.jsonSize(), len(line))
		}
		var back record
		if err := json.Unmarshal([]byte(line), &back); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if back.Channel != r.Channel || string(back.Account) != string(r.Account) || back.Day != r.Day || string(back.Key) != string(r.Key) {
			t.Errorf("read back %+v, wrote %+v", back, r)
		}
	}
}

// A charge the ledger cannot make durable leaves the account as it was
// (BoltLedger makes the spend in place and undoes it), preview and
// per-stream money included.
func TestLedgerFailedChargeChangesNothing(t *testing.T) {
	eachLedger(t, testLedgerFailedChargeChangesNothing)
}

func testLedgerFailedChargeChangesNothing(t *testing.T, s ledgerStore) {
	l := s.open(t)
	ch := common.Hash{7}
	if _, err := l.Pay(ctx, voucher(ch, 1000), "demo"); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Charge(ctx, charge(ch, "s", 0, 100)); err != nil {
		t.Fatal(err)
	}
	previewed := charge(ch, "s", 0, 100)
	previewed.Item.Stream, previewed.Preview = "previewed", 10*time.Second
	if rc, err := l.Charge(ctx, previewed); err != nil || !rc.Free {
		t.Fatalf("preview charge: %+v %v", rc, err)
	}
	before := l.Account(ch)
	other := charge(ch, "s", 1, 100)
	other.Item.Stream = "other"
	preview := charge(ch, "s", 2, 100)
	preview.Preview = 10 * time.Second
	previewed.Item.Seq = 3
	for _, c := range []Charge{charge(ch, "s", 1, 100), other, preview, previewed} {
		s.breakNext(t, l)
		if _, err := l.Charge(ctx, c); err == nil {
			t.Fatalf("%+v: charged with a broken log", c)
		}
	}
	after := l.Account(ch)
	if after.Spent.Cmp(before.Spent) != 0 || len(after.Streams) != len(before.Streams) ||
		len(after.Preview) != 1 || after.Preview["previewed"] != 2*time.Second ||
		after.Streams["demo"].Spent.Cmp(before.Streams["demo"].Spent) != 0 {
		t.Errorf("after failed charges: %+v, before: %+v", after, before)
	}
	s.heal(t, l)
	if rc, err := l.Charge(ctx, charge(ch, "s", 1, 100)); err != nil || rc.Spent.Int64() != 200 {
		t.Errorf("after the failures: %+v %v", rc, err)
	}
}

// Accounts are encoded by hand too: the bytes must be encoding/json's,
// names JSON would escape included (they take the slow way).
func TestAccountsEncodeAsEncodingJSONDoes(t *testing.T) {
	empty := newAccount()
	paid := newAccount()
	paid.Best = &chain.Voucher{Channel: common.Hash{1}, Amount: new(big.Int).Lsh(big.NewInt(1), 200), Signature: []byte{}}
	paid.Spent.SetInt64(999)
	paid.add("demo", new(big.Int).SetUint64(math.MaxUint64), new(big.Int).Lsh(big.NewInt(1), 64), big.NewInt(0))
	full := newAccount()
	full.Best = voucher(common.Hash{2}, 123_456_789)
	full.Spent.SetInt64(42)
	for _, name := range []string{"zeta", "demo", "a-b_c.d", "Z9"} {
		full.add(name, big.NewInt(int64(len(name))), big.NewInt(2), big.NewInt(0))
		full.Preview[name] = time.Duration(len(name)) * 1500 * time.Millisecond
	}
	accounts := []Account{empty, paid, full}
	// One name per kind of character encoding/json escapes (or rejects).
	for _, name := range []string{`a"b`, `a\b`, "a<b", "a>b", "a&b", "a\tb", "a\x00b", "a\x7fb", "é", "\u2028", "\xff"} {
		odd := full.clone()
		odd.add(name, big.NewInt(1), big.NewInt(1), big.NewInt(1))
		oddPreview := newAccount()
		oddPreview.Preview[name] = time.Second
		accounts = append(accounts, odd, oddPreview)
	}
	for i, a := range accounts {
		want, err := json.Marshal(encodeAccount(&a))
		if err != nil {
			t.Fatal(err)
		}
		if got := appendAccount([]byte("prefix"), &a); string(got) != "prefix"+string(want) {
			t.Errorf("account %d:\n%s\nencoding/json:\n%s", i, got, want)
		}
	}
}

// Amounts are written in decimal as big.Int writes them, on either side of
// 64 bits.
func TestDecimal(t *testing.T) {
	max64 := new(big.Int).SetUint64(math.MaxUint64)
	for _, x := range []*big.Int{big.NewInt(0), big.NewInt(7), max64, new(big.Int).Add(max64, big.NewInt(1)), new(big.Int).Lsh(big.NewInt(3), 200), big.NewInt(-5)} {
		if got := decimal(x); got != x.String() {
			t.Errorf("decimal(%s) = %s", x, got)
		}
		if got := string(appendDecimal([]byte("n="), x)); got != "n="+x.String() {
			t.Errorf("appendDecimal(%s) = %s", x, got)
		}
	}
}

// The writer's count of accounts changing: this second's and the last's,
// none left over from before an idle spell.
func TestChangingCountsRecentAccounts(t *testing.T) {
	batch := func(chs ...byte) []op {
		var b []op
		for _, c := range chs {
			b = append(b, op{rec: record{Channel: common.Hash{c}}})
		}
		return b
	}
	var c changing
	if n := c.saw(batch(1, 2, 3)); n != 3 {
		t.Errorf("first batch: %d", n)
	}
	if n := c.saw(batch(3, 4)); n != 4 {
		t.Errorf("same second: %d", n)
	}
	c.since = c.since.Add(-1500 * time.Millisecond) // the next second
	if n := c.saw(batch(5)); n != 4 {
		t.Errorf("the next second counts the last one's: %d", n)
	}
	c.since = c.since.Add(-5 * time.Second) // idle
	if n := c.saw(batch(6)); n != 1 {
		t.Errorf("after an idle spell: %d", n)
	}
}

// Day buckets are named by the UTC date, cache or not.
func TestDayBucketNames(t *testing.T) {
	paris, now := time.FixedZone("CET", 3600), time.Now()
	for range 2 { // the second time from the cache
		for at, want := range map[time.Time]string{
			time.Date(2026, 11, 22, 23, 59, 59, 0, time.UTC): "charges-2026-11-22",
			time.Date(2026, 11, 23, 0, 30, 0, 0, paris):      "charges-2026-11-22",
			time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC):    "charges-2026-11-23",
			time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC):    "charges-2024-02-29",
			time.Date(2027, 1, 1, 0, 0, 0, 1, time.UTC):      "charges-2027-01-01",
			now: "charges-" + now.UTC().Format("2006-01-02"),
		} {
			if got := string(dayBucket(at)); got != want {
				t.Errorf("%v: %s, want %s", at, got, want)
			}
		}
	}
}

// TestLogIsWrittenOverZeros checks that records land on blocks the
// filesystem already holds as written (zeros written ahead by the writer),
// never into the log's preallocated, unwritten space, whose first write
// makes each sync write the file's metadata as well. It asks the
// filesystem for the log's extents (FIEMAP) before the next record, and
// again once the log has gone past the first zeroStep.
func TestLogIsWrittenOverZeros(t *testing.T) {
	l := openLedger(t, filepath.Join(t.TempDir(), "ledger.db"))
	ch := common.Hash{9}
	if _, err := l.Pay(ctx, voucher(ch, 1<<40), "demo"); err != nil {
		t.Fatal(err)
	}
	// The blocks from the start to this far past the next record must be
	// written.
	const ahead = 64 << 10
	check := func() {
		t.Helper()
		l.walMu.Lock()
		name, end := l.wal.Name(), l.walOff+ahead
		l.walMu.Unlock()
		unwritten, err := unwrittenExtents(name, end)
		if errors.Is(err, syscall.EOPNOTSUPP) || errors.Is(err, syscall.ENOTTY) {
			if os.Getenv("CI") == "true" {
				t.Fatalf("the filesystem of %s cannot map extents (FIEMAP); CI needs one that can, such as ext4", name)
			}
			t.Skipf("the filesystem of %s cannot map extents (FIEMAP): %v", name, err)
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(unwritten) > 0 {
			t.Fatalf("the log's first %d bytes include unwritten extents %v", end, unwritten)
		}
	}
	check()
	for i := 0; ; i++ {
		if i == 10000 {
			t.Fatal("10000 charges did not fill a zeroStep of log")
		}
		if _, err := l.Charge(ctx, charge(ch, "s", uint64(i), 1)); err != nil {
			t.Fatal(err)
		}
		l.walMu.Lock()
		past := l.walOff > zeroStep
		l.walMu.Unlock()
		if past {
			break
		}
	}
	check()
}

// unwrittenExtents returns the [start, end) byte ranges of the file's
// extents within its first n bytes that the filesystem has allocated but
// not written (FIEMAP_EXTENT_UNWRITTEN).
func unwrittenExtents(path string, n int64) ([][2]uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	const (
		fsIocFiemap     = 0xC020660B // _IOWR('f', 11, struct fiemap)
		fiemapFlagSync  = 0x1
		extentLast      = 0x1
		extentUnwritten = 0x800
		maxExtents      = 64
	)
	// struct fiemap (32 bytes) followed by maxExtents struct fiemap_extent
	// (56 bytes each), as 64-bit words.
	buf := make([]uint64, 4+maxExtents*7)
	var out [][2]uint64
	for start := uint64(0); start < uint64(n); {
		clear(buf)
		buf[0], buf[1] = start, uint64(n)-start // fm_start, fm_length
		buf[2] = fiemapFlagSync                 // fm_flags, fm_mapped_extents (0)
		buf[3] = uint64(maxExtents)             // fm_extent_count, fm_reserved
		if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), fsIocFiemap, uintptr(unsafe.Pointer(&buf[0]))); e != 0 {
			return nil, e
		}
		mapped := int(buf[2] >> 32)
		if mapped == 0 {
			break
		}
		for i := range mapped {
			e := buf[4+i*7:]
			logical, length, flags := e[0], e[2], uint32(e[5])
			if flags&extentUnwritten != 0 {
				out = append(out, [2]uint64{logical, logical + length})
			}
			start = logical + length
			if flags&extentLast != 0 {
				return out, nil
			}
		}
	}
	return out, nil
}
