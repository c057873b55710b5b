package paywall

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
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
func chargeAll(t *testing.T, l *BoltLedger, ch common.Hash, segs ...uint64) {
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
func checkPaid(t *testing.T, l *BoltLedger, ch common.Hash, paid []uint64, unpaid ...uint64) {
	t.Helper()
	if a := l.Account(ch); a.Spent.Int64() != int64(10*len(paid)) || a.Paid().Int64() != 1000 {
		t.Errorf("paid %s, spent %s; want 1000 and %d", a.Paid(), a.Spent, 10*len(paid))
	}
	for _, seg := range paid {
		if rc, err := l.Charge(ctx, charge(ch, "s", seg, 10)); err != nil || !rc.Already {
			t.Errorf("segment %d, acknowledged, is charged again: %+v %v", seg, rc, err)
		}
	}
	for _, seg := range unpaid {
		if rc, err := l.Charge(ctx, charge(ch, "s", seg, 10)); err != nil || rc.Already {
			t.Errorf("segment %d was never acknowledged, yet counts as paid: %+v %v", seg, rc, err)
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
			chargeAll(t, l, ch, 0, 1, 2, 3)
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
			checkPaid(t, l, ch, []uint64{0, 1, 2}, 3)
			chargeAll(t, l, ch, 4, 5)
			l.crash(t)

			l = openLedger(t, path)
			checkPaid(t, l, ch, []uint64{0, 1, 2, 3, 4, 5}, 6)
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
			chargeAll(t, l, ch, 0, 1)
			l.rotateNow(t)
			chargeAll(t, l, ch, 2, 3, 4)
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
			chargeAll(t, l, ch, 0)
			first, s := onlySegment(t, path)
			l.walMu.Lock()
			ro, err := os.Open(l.wal.Name())
			if err != nil {
				t.Fatal(err)
			}
			_ = l.wal.Close()
			l.wal = ro
			l.walMu.Unlock()
			if _, err := l.Charge(ctx, charge(ch, "s", 1, 10)); err == nil {
				t.Fatal("charged with a read-only log")
			}
			chargeAll(t, l, ch, 2)
			l.crash(t)
			// What the failed write might have left: its frame, or half.
			acc := newAccount()
			acc.Best, acc.Spent = voucher(ch, 1000), big.NewInt(20)
			failed := appendRecordFrame(nil, ptr(newRecord(ch, &acc, string(dayBucket(time.Now())), chargeKey(ch, "s", item(1).key()))), s.done+1, true)
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
			checkPaid(t, l, ch, []uint64{0, 2}, 1)
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
	for i := range 3 {
		a.Spent.SetInt64(int64(10 * i))
		r := newRecord(ch, &a, "", nil)
		if i > 0 { // segments 0 and 1
			r = newRecord(ch, &a, string(dayBucket(time.Now())), chargeKey(ch, "s", item(uint64(i-1)).key()))
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
	checkPaid(t, l, ch, []uint64{0, 1}, 2)
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
				key = chargeKey(common.Hash{byte(i)}, "s", item(uint64(j)).key())
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
	long := charge(ch, "s", 0, 10)
	long.Item.Recording = strings.Repeat("x", maxFramePayload)
	if _, err := l.Charge(ctx, long); err == nil || !strings.Contains(err.Error(), "over the log's limit") {
		t.Fatalf("an overlong change: %v", err)
	}
	chargeAll(t, l, ch, 0)
	checkPaid(t, l, ch, []uint64{0}, 1)
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

// Replay across segments, each laid out as the writer (or a crash, or a
// failed write) leaves it: a torn tail is cut when only segments holding
// nothing follow it (zeros, or a torn header: new segments the writer
// could not start) or when a later header says it was never acknowledged,
// and refused when a later header says it was, or when frames without a
// header follow it. A segment holding nothing passes on what the segment
// before it holds, so a later header is still checked against it.
// (Replay before these rules refused the first five logs that open here,
// replayed the sixth's commit whose sync failed, and named the wrong
// file or reason for three of the others.)
func TestLedgerLogReplayAcrossSegments(t *testing.T) {
	rec := func(i int) record {
		a := newAccount()
		a.Spent.SetInt64(int64(i))
		return newRecord(common.Hash{byte(i)}, &a, "", nil)
	}
	// seg is a header and whole commits numbered from acked+1, one
	// record each (rec(i) for i in recs), then zeros.
	seg := func(acked uint64, recs ...int) []byte {
		var commits [][]record
		for _, i := range recs {
			commits = append(commits, []record{rec(i)})
		}
		return encodeLog(acked, acked+1, commits)
	}
	// torn is seg's, then half of the next commit's frame (rec(i)).
	torn := func(acked uint64, i int, recs ...int) []byte {
		b := seg(acked, recs...)
		b = b[:len(b)-512]
		f := appendRecordFrame(nil, ptr(rec(i)), acked+uint64(len(recs))+1, true)
		return append(append(b, f[:len(f)/2]...), make([]byte, 512)...)
	}
	zeros := make([]byte, 4096)
	tornHeader := append(appendHeaderFrame(nil, 2)[:frameSize], make([]byte, 4096)...)
	// headerless is a commit's frames (rec(i)) with its header lost.
	headerless := func(commit uint64, i int) []byte {
		return append(appendRecordFrame(nil, ptr(rec(i)), commit, true), make([]byte, 512)...)
	}
	type file struct {
		seq  int
		data []byte
	}
	for _, tc := range []struct {
		name  string
		files []file
		want  []int  // the records replayed, by rec's number
		err   string // or the error
		warn  string // and a warning naming the first file
	}{
		{"torn tail, then a preallocated new segment of zeros", []file{{1, torn(0, 3, 1, 2)}, {2, zeros}}, []int{1, 2}, "", "never acknowledged, and new segments holding nothing; cut"},
		{"torn tail, then a new segment's torn header", []file{{1, torn(0, 3, 1, 2)}, {2, tornHeader}}, []int{1, 2}, "", "never acknowledged, and new segments holding nothing; cut"},
		{"a torn header, the segment before checkpointed, then a header", []file{{4, tornHeader}, {5, seg(5, 6)}}, []int{6}, "", ""},
		{"frames without a header, commit 3, then a header naming commit 2", []file{{1, headerless(3, 3)}, {2, seg(2, 4)}}, []int{4}, "", "a write that failed, never acknowledged; cut"},
		{"torn tail, zeros, then a header naming the commit before it", []file{{1, torn(0, 3, 1, 2)}, {2, zeros}, {3, seg(2, 4)}}, []int{1, 2, 4}, "", "a write that failed, never acknowledged; cut"},
		{"a whole commit, zeros, then a header naming the commit before it", []file{{1, seg(0, 1, 2)}, {2, tornHeader}, {3, seg(1, 3)}}, []int{1, 3}, "", "sync failed, never acknowledged; cut"},
		{"torn tail, zeros, then a header naming it", []file{{1, torn(0, 3, 1, 2)}, {2, zeros}, {3, seg(3, 4)}}, nil, "commit 3, acknowledged (as ledger.db.wal.3 says), is not whole", ""},
		{"frames without a header, commit 3, then a header naming commit 3", []file{{1, headerless(3, 3)}, {2, seg(3, 4)}}, nil, "commit 3, acknowledged (as ledger.db.wal.2 says), is not whole", ""},
		{"commits missing, zeros between", []file{{1, seg(0, 1)}, {2, zeros}, {3, seg(2, 4)}}, nil, "commits 2 to 2, acknowledged (as ledger.db.wal.3 says), are missing", ""},
		{"torn tail, then frames without a header", []file{{1, torn(0, 2, 1)}, {2, headerless(2, 3)}}, nil, "no header after it", ""},
		{"torn tail, then a missing segment", []file{{1, torn(0, 2, 1)}, {3, seg(1, 3)}}, nil, "no header after it", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ledger.db")
			for _, f := range tc.files {
				if err := os.WriteFile(fmt.Sprintf("%s.wal.%d", path, f.seq), f.data, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			l := &BoltLedger{path: path}
			warned := logWarnings(t)
			recs, err := l.replay(l.segments())
			if tc.err != "" {
				first := fmt.Sprintf("%s.wal.%d", path, tc.files[0].seq)
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), first) {
					t.Fatalf("replayed %d records, error %v; want an error naming %s and saying %q", len(recs), err, first, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, r := range recs {
				var j accountJSON
				if err := json.Unmarshal(r.Account, &j); err != nil {
					t.Fatal(err)
				}
				a, err := decodeAccount(r.Channel, j)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, int(a.Spent.Int64()))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("replayed %v, want %v", got, tc.want)
			}
			first := fmt.Sprintf("%s.wal.%d", path, tc.files[0].seq)
			if w := warned.String(); tc.warn != "" && (!strings.Contains(w, tc.warn) || !strings.Contains(w, "file="+first)) {
				t.Errorf("no warning naming %s and saying %q:\n%s", first, tc.warn, w)
			}
		})
	}
}

// failSyncs makes l's log syncs fail, as a failing disk's do: the next
// one, or every one from now on. The first failure reads what the
// segment then holds past end (its whole commits' end, before): the
// failed commit, whole, as the disk may hold it anyway.
func failSyncs(t *testing.T, l *BoltLedger, end int64, every bool) (failed func() []byte) {
	t.Helper()
	var held []byte // the writer's, until the failed commit's answer
	l.walMu.Lock()
	defer l.walMu.Unlock()
	l.syncLog = func(f *os.File) error {
		if held != nil && !every {
			return fdatasync(f)
		}
		if held == nil {
			data, err := os.ReadFile(f.Name())
			if err != nil {
				t.Error(err)
				return err
			}
			s, err := scanLog(bytes.NewReader(data), int64(len(data)))
			if err != nil || s.end <= end {
				t.Errorf("the failed commit is not in %s past byte %d: %+v %v", f.Name(), end, s, err)
			}
			held = data[end:s.end]
		}
		return syscall.EIO
	}
	return func() []byte { return held }
}

// writeAt writes b into file at off.
func writeAt(t *testing.T, file string, b []byte, off int64) {
	t.Helper()
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

// A commit whose sync fails is answered with the error, and the failure
// is on disk before the writer answers: a new segment, its header synced,
// names the last commit acknowledged, and the failed commit's bytes are
// zeroed. So after a crash at once, with the failed commit whole on disk
// (the zeros never got there), replay leaves it out: the viewer told the
// change failed is not charged for it after the restart.
func TestLedgerLogRecordsAFailedSyncAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	ch := common.Hash{0x75}
	l := openUncheckpointed(t, path)
	if _, err := l.Pay(ctx, voucher(ch, 1000), "demo"); err != nil {
		t.Fatal(err)
	}
	chargeAll(t, l, ch, 0)
	first, s := onlySegment(t, path)
	failed := failSyncs(t, l, s.end, false)
	if _, err := l.Charge(ctx, charge(ch, "s", 1, 10)); !errors.Is(err, syscall.EIO) {
		t.Fatalf("a charge whose sync failed: %v", err)
	}
	segs := l.segments()
	if len(segs) != 2 {
		t.Fatalf("after the failure, log segments %v, want a new one", segs)
	}
	if s2, err := scanLogFile(segs[1]); err != nil || !s2.header || s2.acked != s.done || s2.torn || len(s2.recs) != 0 {
		t.Fatalf("the new segment: header %v acked %d torn %v, %d records, %v; want a header naming commit %d alone", s2.header, s2.acked, s2.torn, len(s2.recs), err, s.done)
	}
	if s1, err := scanLogFile(first); err != nil || s1.torn || s1.end != s.end || s1.done != s.done {
		t.Fatalf("the failed commit is still in %s: %+v %v", first, s1, err)
	}
	l.crash(t)
	writeAt(t, first, failed(), s.end)

	warned := logWarnings(t)
	l = openLedger(t, path)
	if w := warned.String(); !strings.Contains(w, "sync failed, never acknowledged; cut") || !strings.Contains(w, "file="+first) {
		t.Errorf("no warning naming %s:\n%s", first, w)
	}
	checkPaid(t, l, ch, []uint64{0}, 1)
}

// A write that fails when no new segment can be started either (every
// sync fails) fails every commit after it, unwritten, and the process
// stops. What the failed write left on disk is torn (or zeroed again),
// and what follows is no new segment, a preallocated one of zeros, or
// one with a torn header: the ledger opens with everything acknowledged
// and nothing else, and carries on. (It used to refuse: a torn commit in
// a segment before the last.)
func TestLedgerLogFailedWriteThenStop(t *testing.T) {
	for _, next := range []string{"none", "zeros", "torn header"} {
		for _, landed := range []string{"zeroed", "half"} {
			t.Run(next+"/"+landed, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "ledger.db")
				ch := common.Hash{0x76}
				l := openUncheckpointed(t, path)
				if _, err := l.Pay(ctx, voucher(ch, 1000), "demo"); err != nil {
					t.Fatal(err)
				}
				chargeAll(t, l, ch, 0)
				first, s := onlySegment(t, path)
				failed := failSyncs(t, l, s.end, true)
				for _, seg := range []uint64{1, 2} {
					if _, err := l.Charge(ctx, charge(ch, "s", seg, 10)); err == nil {
						t.Fatalf("segment %d charged with every sync failing", seg)
					}
				}
				if segs := l.segments(); len(segs) != 1 {
					t.Fatalf("log segments %v, want the first alone (no new one could be started)", segs)
				}
				if s1, err := scanLogFile(first); err != nil || s1.torn || s1.end != s.end {
					t.Fatalf("the failed commit is still in %s: %+v %v", first, s1, err)
				}
				l.crash(t)
				if landed == "half" {
					writeAt(t, first, failed()[:len(failed())/2], s.end)
				}
				second := path + ".wal.2"
				switch next {
				case "zeros":
					if err := os.WriteFile(second, nil, 0o600); err != nil {
						t.Fatal(err)
					}
					if err := os.Truncate(second, walSize); err != nil {
						t.Fatal(err)
					}
				case "torn header":
					writeAt(t, second, appendHeaderFrame(nil, s.done)[:headerFrameLen/2], 0)
				}

				l = openUncheckpointed(t, path)
				checkPaid(t, l, ch, []uint64{0}, 1, 2)
				chargeAll(t, l, ch, 3)
				l.crash(t)
				l = openLedger(t, path)
				checkPaid(t, l, ch, []uint64{0, 1, 2, 3})
			})
		}
	}
}

// A new segment whose header could not be written (its sync failed) and
// could not be removed either is passed over, and the writer's next
// segment comes after it. A checkpoint then deletes the segment before
// it, so replay has nothing to check it against; it holds nothing, and
// the ledger opens with what the next segment holds. (It used to refuse.)
func TestLedgerLogFailedHeaderAfterCheckpoint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	ch := common.Hash{0x77}
	l := openUncheckpointed(t, path)
	if _, err := l.Pay(ctx, voucher(ch, 1000), "demo"); err != nil {
		t.Fatal(err)
	}
	chargeAll(t, l, ch, 0)
	first, s := onlySegment(t, path)
	failSyncs(t, l, s.end, true)
	if _, err := l.Charge(ctx, charge(ch, "s", 1, 10)); err == nil {
		t.Fatal("charged with every sync failing")
	}
	// What a failed removal leaves (the test's root can remove anything):
	// the new segment with its header torn, and the writer going on after
	// it.
	second := path + ".wal.2"
	writeAt(t, second, appendHeaderFrame(nil, s.done)[:frameSize], 0)
	l.walMu.Lock()
	l.walSeq = 2
	l.syncLog = fdatasync
	l.walMu.Unlock()
	if err := l.checkpoint(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(first); !os.IsNotExist(err) {
		t.Fatalf("the checkpoint left %s: %v", first, err)
	}
	chargeAll(t, l, ch, 2)
	if segs := l.segments(); len(segs) != 2 || segs[0] != second {
		t.Fatalf("log segments %v, want %s and the next", segs, second)
	}
	l.crash(t)

	l = openLedger(t, path)
	checkPaid(t, l, ch, []uint64{0, 2}, 1)
}

// When the segment is full and a new one cannot be started, the change
// fails, and nothing more goes into the full segment, not even a change
// that would fit: the next goes to a new segment, once one can be
// started. (A new segment that failed and stayed on disk is numbered past
// the full one, so a checkpoint may delete it.)
func TestLedgerLogFailedRotateWritesNothingMore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	ch := common.Hash{0x78}
	l := openUncheckpointed(t, path)
	if _, err := l.Pay(ctx, voucher(ch, 1000), "demo"); err != nil {
		t.Fatal(err)
	}
	first, s := onlySegment(t, path)
	l.walMu.Lock()
	l.walOff = walSize - 600 // room for a short change, not a long one
	l.syncLog = func(*os.File) error { return syscall.EIO }
	l.walMu.Unlock()
	long := charge(ch, "s", 0, 10)
	long.Item.Recording = strings.Repeat("x", 1000)
	if _, err := l.Charge(ctx, long); err == nil {
		t.Fatal("charged with no room and no new segment")
	}
	if segs := l.segments(); len(segs) != 1 {
		t.Fatalf("log segments %v after the failed rotate, want the first alone", segs)
	}
	l.walMu.Lock()
	l.syncLog = fdatasync
	l.walMu.Unlock()
	chargeAll(t, l, ch, 0)
	segs := l.segments()
	if len(segs) != 2 || segs[0] != first {
		t.Fatalf("log segments %v, want %s and a new one", segs, first)
	}
	if s1, err := scanLogFile(first); err != nil || s1.done != s.done || s1.torn {
		t.Errorf("the full segment was written after the failed rotate: %+v %v", s1, err)
	}
	if s2, err := scanLogFile(segs[1]); err != nil || !s2.header || s2.acked != s.done || len(s2.recs) != 1 {
		t.Errorf("the new segment: %+v %v; want a header naming commit %d and the change", s2, err, s.done)
	}
	l.crash(t)
	l = openLedger(t, path)
	checkPaid(t, l, ch, []uint64{0})
}
