package paywall

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// openUncheckpointed opens the ledger at path with its checkpointer
// stopped, so everything it acknowledges stays in the log alone (and in
// one segment, until the test rotates it), as after a crash within a
// second of the last checkpoint. End it with crash, not Close.
func openUncheckpointed(t *testing.T, path string) *BoltLedger {
	t.Helper()
	l, err := OpenBoltLedger(path)
	if err != nil {
		t.Fatal(err)
	}
	close(l.ckptStop)
	<-l.ckptDone
	return l
}

// crash stops l as SIGKILL would, as far as its files go: no checkpoint,
// the log left as the last sync left it (what the process wrote is in
// the page cache, which outlives it).
func (l *BoltLedger) crash(t *testing.T) {
	t.Helper()
	l.closeMu.Lock()
	l.closed = true
	close(l.ops)
	l.closeMu.Unlock()
	<-l.done
	l.walMu.Lock()
	_ = l.wal.Close()
	l.walMu.Unlock()
	if err := l.db.Close(); err != nil {
		t.Fatal(err)
	}
}

// rotateNow starts a new log segment, as the writer does when one is full.
func (l *BoltLedger) rotateNow(t *testing.T) {
	t.Helper()
	l.walMu.Lock()
	defer l.walMu.Unlock()
	if err := l.rotate(); err != nil {
		t.Fatal(err)
	}
}

// chargeAll charges one segment each, one commit each, at 10 wei.
func chargeAll(t *testing.T, l *BoltLedger, ch common.Hash, segs ...string) {
	t.Helper()
	for _, seg := range segs {
		if _, err := l.Charge(ctx, charge(ch, "s", seg, 10)); err != nil {
			t.Fatal(err)
		}
	}
}

// checkPaid checks the account spent what the segments paid cost and
// that each is known as paid (fetched again, not charged). It charges the
// segments in unpaid.
func checkPaid(t *testing.T, l *BoltLedger, ch common.Hash, paid []string, unpaid ...string) {
	t.Helper()
	if a := l.Account(ch); a.Spent.Int64() != int64(10*len(paid)) || a.Paid().Int64() != 1000 {
		t.Errorf("paid %s, spent %s; want 1000 and %d", a.Paid(), a.Spent, 10*len(paid))
	}
	for _, seg := range paid {
		if rc, err := l.Charge(ctx, charge(ch, "s", seg, 10)); err != nil || !rc.Already {
			t.Errorf("%s, acknowledged, is charged again: %+v %v", seg, rc, err)
		}
	}
	for _, seg := range unpaid {
		if rc, err := l.Charge(ctx, charge(ch, "s", seg, 10)); err != nil || rc.Already {
			t.Errorf("%s was never acknowledged, yet counts as paid: %+v %v", seg, rc, err)
		}
	}
}

// logWarnings collects the default logger's warnings until the test ends.
func logWarnings(t *testing.T) *bytes.Buffer {
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn})))
	t.Cleanup(func() { slog.SetDefault(old) })
	return &buf
}

// onlySegment returns the ledger's one log segment and its frames.
func onlySegment(t *testing.T, path string) (string, logScan) {
	t.Helper()
	segs, _ := filepath.Glob(path + ".wal.*")
	if len(segs) != 1 {
		t.Fatalf("log segments %v, want one", segs)
	}
	s, err := scanLogFile(segs[0])
	if err != nil || s.torn {
		t.Fatalf("%s: %+v %v", segs[0], s, err)
	}
	return segs[0], s
}

// A crash in the middle of the last commit's write leaves it torn: cut
// short (the file ends in it) or with bytes that are not what was written.
// The ledger opens, with every acknowledged record and without the torn
// one, says where it cut, and its log carries on after it: what it
// acknowledges then survives the next crash too.
func TestLedgerLogTornTailIsCut(t *testing.T) {
	for _, tc := range []struct {
		name string
		tear func(t *testing.T, seg string, last span)
	}{
		{"cut short", func(t *testing.T, seg string, last span) {
			if err := os.Truncate(seg, last.off+int64(last.size)/2); err != nil {
				t.Fatal(err)
			}
		}},
		{"last bytes overwritten", func(t *testing.T, seg string, last span) {
			f, err := os.OpenFile(seg, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteAt([]byte("\x00\x00torn"), last.off+int64(last.size)-6); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ledger.db")
			ch := common.Hash{0x70}
			l := openUncheckpointed(t, path)
			if _, err := l.Pay(ctx, voucher(ch, 1000), "demo"); err != nil {
				t.Fatal(err)
			}
			chargeAll(t, l, ch, "seg0", "seg1", "seg2", "seg3")
			l.crash(t)
			seg, s := onlySegment(t, path)
			if len(s.spans) != 5 {
				t.Fatalf("the log holds %d records, want 5", len(s.spans))
			}
			last := s.spans[4]
			tc.tear(t, seg, last)

			warned := logWarnings(t)
			l = openUncheckpointed(t, path)
			if w := warned.String(); !strings.Contains(w, "torn") || !strings.Contains(w, "file="+seg) || !strings.Contains(w, fmt.Sprintf("offset=%d", last.off)) {
				t.Errorf("the warning does not name the file and the offset %d:\n%s", last.off, w)
			}
			if _, err := os.Stat(seg); !os.IsNotExist(err) {
				t.Errorf("the torn segment is still there: %v", err)
			}
			checkPaid(t, l, ch, []string{"seg0", "seg1", "seg2"}, "seg3")
			chargeAll(t, l, ch, "seg4", "seg5")
			l.crash(t)

			l = openLedger(t, path)
			checkPaid(t, l, ch, []string{"seg0", "seg1", "seg2", "seg3", "seg4", "seg5"}, "seg6")
		})
	}
}

// Damage to an acknowledged record that a crash cannot explain stops the
// ledger from opening, naming the segment and the byte: a flipped byte in
// a record in the middle of an earlier segment, or of the last segment
// (valid records follow it), or an earlier segment's last commit, which
// the next segment's header says was acknowledged. Nothing is deleted.
func TestLedgerLogDamageStopsOpening(t *testing.T) {
	for _, tc := range []struct {
		name string
		file int // which segment, from 0
		rec  int // which of its records
		why  string
	}{
		{"an earlier segment's middle record", 0, 1, "a valid record follows"},
		{"an earlier segment's last record", 0, 2, "acknowledged (as ledger.db.wal.2 says), is not whole"},
		{"the last segment's middle record", 1, 1, "a valid record follows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ledger.db")
			ch := common.Hash{0x71}
			l := openUncheckpointed(t, path)
			if _, err := l.Pay(ctx, voucher(ch, 1000), "demo"); err != nil {
				t.Fatal(err)
			}
			chargeAll(t, l, ch, "seg0", "seg1")
			l.rotateNow(t)
			chargeAll(t, l, ch, "seg2", "seg3", "seg4")
			l.crash(t)
			segs := l.segments()
			if len(segs) != 2 {
				t.Fatalf("log segments %v, want two", segs)
			}
			s, err := scanLogFile(segs[tc.file])
			if err != nil || len(s.spans) != 3 {
				t.Fatalf("%s: %+v %v", segs[tc.file], s, err)
			}
			at := s.spans[tc.rec]
			flipByte(t, segs[tc.file], at.off+int64(at.size)/2)

			_, err = OpenBoltLedger(path)
			if err == nil {
				t.Fatal("the ledger opened with an acknowledged record damaged")
			}
			t.Log(err)
			for _, want := range []string{segs[tc.file], fmt.Sprintf("damaged at byte %d:", at.off), tc.why, "restore the data directory from a backup"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the error does not say %q: %v", want, err)
				}
			}
			if left := l.segments(); len(left) != 2 {
				t.Errorf("after the refusal, log segments %v, want both still there", left)
			}
			// Once the operator moves the damaged segment away, it opens
			// with what the others hold.
			if err := os.Rename(segs[tc.file], filepath.Join(t.TempDir(), "damaged")); err != nil {
				t.Fatal(err)
			}
			openLedger(t, path)
		})
	}
}

func flipByte(t *testing.T, file string, off int64) {
	t.Helper()
	f, err := os.OpenFile(file, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := []byte{0}
	if _, err := f.ReadAt(b, off); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0x10
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

// A write that fails (here: the log's file turned read-only) is never
// acknowledged, and the writer goes on in a new segment, whose header
// names the last commit that was. Some or all of the failed write may be
// on disk anyway; replay leaves it out, torn or whole.
func TestLedgerLogCutsAFailedWrite(t *testing.T) {
	for _, landed := range []string{"half", "all"} {
		t.Run(landed, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ledger.db")
			ch := common.Hash{0x72}
			l := openUncheckpointed(t, path)
			if _, err := l.Pay(ctx, voucher(ch, 1000), "demo"); err != nil {
				t.Fatal(err)
			}
			chargeAll(t, l, ch, "seg0")
			first, s := onlySegment(t, path)
			l.walMu.Lock()
			ro, err := os.Open(l.wal.Name())
			if err != nil {
				t.Fatal(err)
			}
			_ = l.wal.Close()
			l.wal = ro
			l.walMu.Unlock()
			if _, err := l.Charge(ctx, charge(ch, "s", "seg1", 10)); err == nil {
				t.Fatal("charged with a read-only log")
			}
			chargeAll(t, l, ch, "seg2")
			l.crash(t)
			// What the failed write might have left: its frame, or half.
			acc := newAccount()
			acc.Best, acc.Spent = voucher(ch, 1000), big.NewInt(20)
			failed := appendRecordFrame(nil, ptr(newRecord(ch, &acc, string(dayBucket(time.Now())), chargeKey(ch, "s", "seg1"))), s.done+1, true)
			if landed == "half" {
				failed = failed[:len(failed)/2]
			}
			f, err := os.OpenFile(first, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.WriteAt(failed, s.end); err != nil {
				t.Fatal(err)
			}
			f.Close()

			warned := logWarnings(t)
			l = openLedger(t, path)
			if w := warned.String(); !strings.Contains(w, "never acknowledged; cut") || !strings.Contains(w, "file="+first) {
				t.Errorf("no warning naming %s:\n%s", first, w)
			}
			checkPaid(t, l, ch, []string{"seg0", "seg2"}, "seg1")
		})
	}
}

func ptr[T any](v T) *T { return &v }

// A data directory written before the log had checksums (version 1: one
// record's JSON a line, then zeros) still opens, with what it holds.
func TestLedgerLogReadsVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	ch := common.Hash{0x73}
	a := newAccount()
	a.Best = voucher(ch, 1000)
	var log []byte
	for i, seg := range []string{"", "seg0", "seg1"} {
		a.Spent.SetInt64(int64(10 * i))
		r := newRecord(ch, &a, "", nil)
		if seg != "" {
			r = newRecord(ch, &a, string(dayBucket(time.Now())), chargeKey(ch, "s", seg))
		}
		line, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		log = append(append(log, line...), '\n')
	}
	log = append(log, make([]byte, 4096)...)
	if err := os.WriteFile(path+".wal.3", log, 0o600); err != nil {
		t.Fatal(err)
	}
	l := openLedger(t, path)
	checkPaid(t, l, ch, []string{"seg0", "seg1"}, "seg2")
	// The next segment is numbered after it, in the new format.
	_, s := onlySegment(t, path)
	if s.legacy || !s.header || len(s.recs) != 1 || l.segments()[0] != path+".wal.4" {
		t.Errorf("the ledger's new segment %s: %+v", l.segments()[0], s)
	}
}

// A frame's length is checked before anything is read for it: a damaged
// length that claims 4 GiB costs no more memory than any frame.
func TestLedgerLogLengthIsBounded(t *testing.T) {
	log := appendHeaderFrame(nil, 0)
	huge := appendRecordFrame(nil, &record{Account: json.RawMessage(`{"spent":"0"}`)}, 1, true)
	copy(huge[4:8], []byte{0xff, 0xff, 0xff, 0xff})
	log = append(append(log, huge...), make([]byte, 1<<16)...)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s, err := scanLog(bytes.NewReader(log), walSize)
	runtime.ReadMemStats(&after)
	if err != nil || !s.torn || len(s.recs) != 0 || s.end != int64(headerFrameLen) {
		t.Errorf("scan: %+v %v", s, err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 2*(frameSize+maxFramePayload) {
		t.Errorf("reading a frame that claims 4 GiB allocated %d bytes", n)
	}
}

// Logs the writer makes read back as the records and commits written,
// whatever the size of the commits and the records.
func TestLedgerLogRoundTrip(t *testing.T) {
	var commits [][]record
	for i := range 40 {
		var c []record
		for j := range 1 + i%7 {
			a := newAccount()
			a.Spent.SetInt64(int64(i*100 + j))
			a.Preview[strings.Repeat("p", i*j)] = 0
			var key []byte
			if j%2 == 1 {
				key = chargeKey(common.Hash{byte(i)}, "s", fmt.Sprint(j))
			}
			c = append(c, newRecord(common.Hash{byte(i), byte(j)}, &a, "charges-2026-12-02", key))
		}
		commits = append(commits, c)
	}
	log := encodeLog(7, 8, commits)
	s, err := scanLog(bytes.NewReader(log), int64(len(log)))
	if err != nil || s.torn || !s.header || s.acked != 7 || s.done != 8+uint64(len(commits))-1 {
		t.Fatalf("scan: torn %v header %v acked %d done %d, %v", s.torn, s.header, s.acked, s.done, err)
	}
	var want []record
	for _, c := range commits {
		want = append(want, c...)
	}
	if len(s.recs) != len(want) {
		t.Fatalf("%d records, wrote %d", len(s.recs), len(want))
	}
	for i := range want {
		if got := s.recs[i].appendJSON(nil); !bytes.Equal(got, want[i].appendJSON(nil)) {
			t.Errorf("record %d: %s, wrote %s", i, got, want[i].appendJSON(nil))
		}
	}
}

// encodeLog writes a segment as the writer does: a header, then each
// commit's records, numbered from first, then zeros.
func encodeLog(acked, first uint64, commits [][]record) []byte {
	log := appendHeaderFrame(nil, acked)
	for i, c := range commits {
		for j := range c {
			log = appendRecordFrame(log, &c[j], first+uint64(i), j == len(c)-1)
		}
	}
	return append(log, make([]byte, 512)...)
}

// A change too long for replay to read back is refused before it is
// written, and changes nothing; the ledger carries on.
func TestLedgerLogRefusesOverlongChanges(t *testing.T) {
	l := openLedger(t, filepath.Join(t.TempDir(), "ledger.db"))
	ch := common.Hash{0x74}
	if _, err := l.Pay(ctx, voucher(ch, 1000), "demo"); err != nil {
		t.Fatal(err)
	}
	long := charge(ch, "s", strings.Repeat("x", maxFramePayload), 10)
	if _, err := l.Charge(ctx, long); err == nil || !strings.Contains(err.Error(), "over the log's limit") {
		t.Fatalf("an overlong change: %v", err)
	}
	chargeAll(t, l, ch, "seg0")
	checkPaid(t, l, ch, []string{"seg0"}, "seg1")
}

// A crash may leave any of the last write's pages on disk, in any order:
// frames of the torn commit after a gap are still a torn tail, but a
// frame of any other commit after it is damage.
func TestLedgerLogTornCommitWithGaps(t *testing.T) {
	rec := func(i int) record {
		a := newAccount()
		a.Spent.SetInt64(int64(i))
		return newRecord(common.Hash{byte(i)}, &a, "", nil)
	}
	log := encodeLog(0, 1, [][]record{{rec(1)}, {rec(2), rec(3), rec(4)}})
	s, err := scanLog(bytes.NewReader(log), int64(len(log)))
	if err != nil || len(s.spans) != 4 {
		t.Fatalf("%+v %v", s, err)
	}
	second := s.spans[1]
	// The torn commit's first frame lost (zeros): its others follow.
	lost := bytes.Clone(log)
	clear(lost[second.off : second.off+int64(second.size)])
	s, err = scanLog(bytes.NewReader(lost), int64(len(lost)))
	if err != nil || !s.torn || s.end != second.off || s.done != 1 || len(s.recs) != 1 {
		t.Errorf("commit 2's first frame lost: done %d, end %d, torn %v, %v", s.done, s.end, s.torn, err)
	}
	// The same gap, with commit 2 whole and commit 3 after it: commit 2
	// was acknowledged before commit 3 was written.
	more := append(bytes.Clone(lost[:len(lost)-512]), appendRecordFrame(nil, ptr(rec(5)), 3, true)...)
	more = append(more, make([]byte, 512)...)
	if _, err := scanLog(bytes.NewReader(more), int64(len(more))); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("damaged at byte %d", second.off)) {
		t.Errorf("a gap followed by a later commit: %v", err)
	}
}
