package paywall

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/sys/unix"
)

// The ledger's writer: a change becomes a record, handed to the one
// writer goroutine, which appends as many as are waiting to the log with
// one write and one sync (a group commit) and acknowledges them. Log
// segments are preallocated and written with zeros ahead; a failed write
// or sync starts a new segment whose header tells replay to leave it out.

// record is one durable change: the account as it is after the change
// (its accountJSON, encoded once by the caller: the log and bbolt store
// the same bytes), and the charge it made (if any).
type record struct {
	Channel common.Hash     `json:"ch"`
	Account json.RawMessage `json:"acc"`
	Day     string          `json:"day,omitempty"` // charge bucket
	Key     []byte          `json:"key,omitempty"` // charge key
}

// newRecord encodes a change.
func newRecord(ch common.Hash, a *Account, day string, key []byte) record {
	return record{Channel: ch, Account: appendAccount(make([]byte, 0, 384), a), Day: day, Key: key}
}

// appendJSON appends r as the log holds it (a frame's payload): the JSON
// that json.Marshal makes of it, written out by hand because the single
// writer goroutine does it for every change (a third of its time, with
// reflection). Every part but Account is hex, base64 or a bucket name.
func (r *record) appendJSON(buf []byte) []byte {
	buf = append(buf, `{"ch":"`...)
	buf = hex.AppendEncode(append(buf, "0x"...), r.Channel[:]) // as common.Hash marshals
	buf = append(buf, `","acc":`...)
	buf = append(buf, r.Account...)
	if r.Day != "" {
		buf = append(append(append(buf, `,"day":"`...), r.Day...), '"')
	}
	if len(r.Key) > 0 { // omitempty
		buf = append(buf, `,"key":"`...)
		buf = base64.StdEncoding.AppendEncode(buf, r.Key)
		buf = append(buf, '"')
	}
	return append(buf, '}')
}

// jsonSize is len(r.appendJSON(nil)).
func (r *record) jsonSize() int {
	n := len(`{"ch":"0x`) + 2*len(r.Channel) + len(`","acc":`) + len(r.Account) + len(`}`)
	if r.Day != "" {
		n += len(`,"day":""`) + len(r.Day)
	}
	if len(r.Key) > 0 {
		n += len(`,"key":""`) + base64.StdEncoding.EncodedLen(len(r.Key))
	}
	return n
}

type op struct {
	rec  record
	done chan error
	at   time.Time // handed to the writer
}

// maxBatch bounds one group commit; checkpointEvery bounds the log.
// commitDelay is how long a busy writer waits to fill a group commit (see
// gather): a segment's answer waits that much longer, a few milliseconds
// of a 2 s segment.
const (
	commitDelay     = 8 * time.Millisecond
	minBatch        = 16
	maxBatch        = 1024
	checkpointEvery = time.Second
	checkpointAfter = 8192 // records
)

// walSize is a log segment's preallocated size. Writing inside
// preallocated space lets fdatasync skip the file-size update; a segment
// that fills up is followed by the next. Preallocated space is unwritten,
// though: the first write into it changes the file's extents, and the sync
// must write that metadata too (a journal commit on ext4 with a journal,
// the inode's blocks without one). So the writer fills the segment with
// zeros zeroStep ahead of its records (zeroAhead), and most syncs then
// carry the records' block alone: here, a quarter to a third less wait
// and CPU, and about half the machine's CPU counting the disk's interrupts
// (BENCHMARKS.md).
const (
	walSize  = 64 << 20
	zeroStep = 1 << 20
)

var zeros = make([]byte, zeroStep)

// zeroAhead writes zeros from walZeroed until the segment is written at
// least up to end (within walSize); the next sync carries them. Call with
// walMu held.
func (l *BoltLedger) zeroAhead(end int64) error {
	for l.walZeroed < min(end, walSize) {
		n := min(zeroStep, walSize-l.walZeroed)
		if _, err := l.wal.WriteAt(zeros[:n], l.walZeroed); err != nil {
			return err
		}
		l.walZeroed += n
	}
	return nil
}

// rotate starts a new, preallocated log segment, whose header frame,
// naming the last commit acknowledged, it writes and syncs (with the
// directory's entry) before anything else: after a write that failed,
// that header is what tells replay to leave the failed commit out, so it
// is durable before the writer carries on. The old segment stays on disk
// until a checkpoint has moved its records. If rotate fails, the new file
// is removed (its number used again) and the writer writes nothing until
// a later rotate succeeds. Call with walMu held (or before the writer starts).
func (l *BoltLedger) rotate() error {
	seq := l.walSeq + 1
	name := fmt.Sprintf("%s.wal.%d", l.path, seq)
	f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	fail := func(err error) error {
		_ = f.Close()
		if rerr := os.Remove(name); rerr != nil {
			// It stays, holding no record (at most a header, true
			// whether or not it reached the disk); the next segment
			// comes after it, and replay passes over it.
			l.walSeq = seq
		}
		// Nothing more goes into the current segment: the next write
		// tries a new one again. (With walSeq past it, a checkpoint may
		// delete the current segment.)
		l.walOff = walSize
		return err
	}
	if err := unix.Fallocate(int(f.Fd()), 0, 0, walSize); err != nil {
		return fail(fmt.Errorf("preallocating the log: %w", err))
	}
	hdr := appendHeaderFrame(make([]byte, 0, headerFrameLen), l.acked)
	if _, err := f.WriteAt(zeros[:min(zeroStep, walSize)], 0); err != nil {
		return fail(err)
	}
	if _, err := f.WriteAt(hdr, 0); err != nil {
		return fail(err)
	}
	if err := l.syncLog(f); err != nil {
		return fail(fmt.Errorf("syncing the log's header: %w", err))
	}
	if err := syncDir(filepath.Dir(name)); err != nil {
		return fail(err)
	}
	if l.wal != nil {
		_ = l.wal.Close()
	}
	l.wal, l.walSeq, l.walOff, l.walZeroed = f, seq, int64(len(hdr)), min(zeroStep, walSize)
	return nil
}

// fdatasync makes what was written to a log segment durable; it is
// BoltLedger.syncLog unless a test makes syncs fail.
func fdatasync(f *os.File) error { return unix.Fdatasync(int(f.Fd())) }

// syncDir makes dir's entries durable: a new segment's name.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	return errors.Join(err, d.Close())
}

// writer appends queued changes, as many as are waiting, to the log with
// one write and one sync, and acknowledges them.
func (l *BoltLedger) writer() {
	defer close(l.done)
	var buf []byte
	last, active := 0, 0 // changes in the last group commit; accounts changing lately
	var accounts changing
	for first := range l.ops {
		batch := l.gather(first, last, active)
		last, active = len(batch), accounts.saw(batch)
		buf = buf[:0]
		for i, o := range batch {
			buf = appendRecordFrame(buf, &o.rec, l.acked+1, i == len(batch)-1)
		}
		l.walMu.Lock()
		var err error
		if l.walOff+int64(len(buf)) > walSize {
			err = l.rotate()
		}
		at := l.walOff
		if err == nil {
			err = l.zeroAhead(at + int64(len(buf)))
		}
		start := time.Now()
		wrote := false
		if err == nil {
			_, err = l.wal.WriteAt(buf, at)
			wrote = true
		}
		if err == nil {
			err = l.syncLog(l.wal)
		}
		synced := time.Now()
		if err == nil {
			l.walOff += int64(len(buf))
			l.acked++
		} else if wrote {
			l.failed(at, len(buf), err)
		}
		if err == nil {
			// Counted pending before a checkpoint can take them (it
			// subtracts what it applied), or a count could stay up.
			l.pendMu.Lock()
			for _, o := range batch {
				if o.rec.Key != nil {
					l.pending[string(sessionKey(o.rec.Key))]++
				}
			}
			l.pendMu.Unlock()
			for _, o := range batch {
				l.unapplied = append(l.unapplied, o.rec)
			}
		}
		big := len(l.unapplied) >= checkpointAfter
		l.walMu.Unlock()
		if err == nil {
			l.counted(batch, synced.Sub(start), synced)
		}
		for _, o := range batch {
			o.done <- err
		}
		if big {
			select {
			case l.kick <- struct{}{}:
			default:
			}
		}
	}
}

// failed is the writer's answer to a commit whose write or sync, at off
// for n bytes, failed: its callers are told so, but some or all of it may
// be on disk, torn or whole. It is not written over or after: the next
// commit goes to a new segment, started here at once, whose header (synced
// before anything else is written) names the last commit acknowledged, so
// replay leaves this one out. The failed bytes are zeroed too, at best in
// the page cache alone (the disk is failing), which covers the process
// stopping before a new segment could be started: replay then sees the
// segment end where it did. Call with walMu held.
func (l *BoltLedger) failed(off int64, n int, err error) {
	l.walOff = walSize
	name := l.wal.Name()
	_, zerr := l.wal.WriteAt(make([]byte, n), off)
	rerr := l.rotate()
	if zerr != nil || rerr != nil {
		slog.Default().Error("ledger: a log write failed; the commit it held, never acknowledged, may be left on disk", "file", name, "offset", off, "err", err, "zeroing", zerr, "new segment", rerr)
	}
}

// counted adds a durable group commit to the stats.
func (l *BoltLedger) counted(batch []op, sync time.Duration, synced time.Time) {
	var wait time.Duration
	for _, o := range batch {
		wait += synced.Sub(o.at)
	}
	l.statsMu.Lock()
	defer l.statsMu.Unlock()
	l.stats.Commits++
	l.stats.Changes += uint64(len(batch))
	l.stats.Wait += wait
	l.stats.Sync += sync
}

// gather collects a group commit: first and whatever is waiting. A busy
// writer (the last commit carried several changes) also waits for more,
// until it has as many as last time and at least minBatch, or for
// commitDelay at most: one sync then serves them all. Under load a sync
// costs the machine more CPU than the charges it carries (the flush and
// its interrupts; BENCHMARKS.md), so fewer syncs leave more for sending
// segments. It never waits for more changes than there are accounts
// changing: an account has one change in flight at a time (its lock is
// held through the commit), so with writers that all wait on each commit
// (a closed loop) the batch is full once they are all in. A lone change
// is written at once.
func (l *BoltLedger) gather(first op, last, active int) []op {
	batch := []op{first}
	want := 1
	if last > 1 {
		want = min(max(last, minBatch), active)
	}
	var timeout <-chan time.Time
	for len(batch) < maxBatch {
		select {
		case o, ok := <-l.ops:
			if !ok {
				return batch
			}
			batch = append(batch, o)
			continue
		default:
		}
		if len(batch) >= want {
			return batch
		}
		if timeout == nil {
			t := time.NewTimer(commitDelay)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case o, ok := <-l.ops:
			if !ok {
				return batch
			}
			batch = append(batch, o)
		case <-timeout:
			return batch
		}
	}
	return batch
}

// changing counts the accounts changed lately: those of this second and
// of the last, in two generations.
type changing struct {
	cur, prev map[common.Hash]struct{}
	since     time.Time
}

func (c *changing) saw(batch []op) int {
	now := time.Now()
	if idle := now.Sub(c.since); idle > time.Second {
		c.prev, c.cur, c.since = c.cur, make(map[common.Hash]struct{}, len(c.cur)), now
		if idle > 2*time.Second {
			c.prev = nil // the last generation is older than a second ago
		}
	}
	for _, o := range batch {
		c.cur[o.rec.Channel] = struct{}{}
	}
	return max(len(c.cur), len(c.prev))
}

// commit makes a change durable and waits for the sync.
func (l *BoltLedger) commit(r record) error {
	if n := r.jsonSize(); n > maxFramePayload { // replay would not read it
		return fmt.Errorf("a change of %d bytes is over the log's limit of %d bytes", n, maxFramePayload)
	}
	l.closeMu.RLock()
	if l.closed {
		l.closeMu.RUnlock()
		return ErrLedgerClosed
	}
	o := op{rec: r, done: make(chan error, 1), at: time.Now()}
	l.ops <- o
	l.closeMu.RUnlock()
	return <-o.done
}
