// Package paywall sells segments: sessions opened with a payment-channel
// voucher, a gate that charges each segment its price against the credit
// the vouchers pay for, and a ledger that never loses what was paid or
// spent. It knows nothing of codecs; the origin asks it about segments
// through hls.Gate.
package paywall

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
	"golang.org/x/sys/unix"

	"github.com/livegate/livegate/chain"
)

// Errors a caller acts on.
var (
	ErrInsufficientCredit = errors.New("insufficient credit")
	ErrNotIncreasing      = errors.New("voucher not above the best one held")
	ErrLedgerClosed       = errors.New("ledger closed")
)

// Account is what one channel has paid and spent here.
type Account struct {
	Best    *chain.Voucher           // the best voucher held; nil before the first
	Spent   *big.Int                 // charged for segments, and tips
	Preview map[string]time.Duration // free media already given, per stream
	Streams map[string]Money         // per stream, for the organizer's accounts
}

// Money is what one channel did on one stream: the voucher increases it
// accepted there, what its segments cost, and the tips (counted in Spent
// too).
type Money struct {
	Paid, Spent, Tips *big.Int
}

func (m Money) clone() Money {
	return Money{new(big.Int).Set(m.Paid), new(big.Int).Set(m.Spent), new(big.Int).Set(m.Tips)}
}

// add adds paid, spent and tips (any may be nil) to stream's money.
func (a *Account) add(stream string, paid, spent, tips *big.Int) {
	m, ok := a.Streams[stream]
	if !ok {
		m = Money{new(big.Int), new(big.Int), new(big.Int)}
	}
	for _, p := range []struct{ to, x *big.Int }{{m.Paid, paid}, {m.Spent, spent}, {m.Tips, tips}} {
		if p.x != nil {
			p.to.Add(p.to, p.x)
		}
	}
	a.Streams[stream] = m
}

func newAccount() Account {
	return Account{Spent: new(big.Int), Preview: map[string]time.Duration{}, Streams: map[string]Money{}}
}

// Paid is the best voucher's amount.
func (a *Account) Paid() *big.Int {
	if a.Best == nil {
		return new(big.Int)
	}
	return a.Best.Amount
}

// Credit is what is left to spend.
func (a *Account) Credit() *big.Int { return new(big.Int).Sub(a.Paid(), a.Spent) }

func (a *Account) clone() Account {
	c := Account{Spent: new(big.Int).Set(a.Spent), Preview: make(map[string]time.Duration, len(a.Preview)),
		Streams: make(map[string]Money, len(a.Streams))}
	if a.Best != nil {
		c.Best = &chain.Voucher{Channel: a.Best.Channel, Amount: new(big.Int).Set(a.Best.Amount), Signature: append([]byte(nil), a.Best.Signature...)}
	}
	for k, v := range a.Preview {
		c.Preview[k] = v
	}
	for k, v := range a.Streams {
		c.Streams[k] = v.clone()
	}
	return c
}

// Charge asks for one segment to be paid for.
type Charge struct {
	Channel  common.Hash
	Session  string // the session's id: a segment is charged once per session
	Segment  string // names the segment: stream/recording/seq (renditions share it)
	Stream   string
	Price    *big.Int
	Duration time.Duration
	Preview  time.Duration // the stream's free preview per channel
}

// Receipt says what a charge did.
type Receipt struct {
	Price   *big.Int // what this request cost (0 when already paid or free)
	Paid    *big.Int
	Spent   *big.Int
	Already bool // this session had paid for this segment before
	Free    bool // within the free preview
}

// Ledger records vouchers and spending, durably: a method returns only
// once its change is on disk, so what it reports survives a crash. A
// shared database can stand in for the embedded one behind this interface.
type Ledger interface {
	Account(ch common.Hash) Account
	Best(ch common.Hash) (*chain.Voucher, bool) // chain.VoucherSource
	Paying() []common.Hash                      // chain.VoucherSource
	// Pay records a voucher accepted through stream ("" for none).
	Pay(ctx context.Context, v *chain.Voucher, stream string) (Account, error)
	// Tip records a voucher whose whole increase is a tip for stream:
	// spent as soon as it is paid, so the credit stays as it was.
	Tip(ctx context.Context, v *chain.Voucher, stream string) (Account, error)
	Charge(ctx context.Context, c Charge) (Receipt, error)
	Close() error
}

// BoltLedger is the embedded Ledger. Accounts live in memory. A change is
// durable once its record is in the write-ahead log and the log is synced
// (fdatasync); changes arriving together share one write and one sync
// (group commit), so many viewers cost little more than one. A
// checkpointer moves synced records into a bbolt file every second and
// drops the log segments, once full, whose records it has moved; opening
// the ledger replays whatever log a crash left behind. Records carry
// checksums (ledger_log.go): replay cuts a torn last write, never
// acknowledged, and refuses to open over damage to acknowledged ones,
// naming the file and the byte. Each account keeps
// in memory the segments its sessions were charged for (charged), loaded
// from bbolt on a session's first charge in this process and forgotten
// when it has been idle for sessionIdle; bbolt keeps charges for today and
// yesterday.
type BoltLedger struct {
	db   *bolt.DB
	path string
	now  func() time.Time

	mu       sync.Mutex // guards accounts (the map; each account has its own lock)
	accounts map[common.Hash]*account

	ops     chan op
	done    chan struct{}
	closeMu sync.RWMutex
	closed  bool

	walMu     sync.Mutex // guards wal, walSeq, walOff, walZeroed, unapplied
	wal       *os.File
	walSeq    int
	walOff    int64    // where the next record goes in the preallocated segment
	walZeroed int64    // the segment is written with zeros up to here
	unapplied []record // synced to the log, not yet in bbolt, oldest first

	// The writer's alone: the last group commit synced. The next is
	// numbered after it (a failed one's number is used again), and a new
	// segment's header names it (see ledger_log.go).
	acked uint64
	// syncLog is fdatasync; tests make it fail. Called with walMu held.
	syncLog func(*os.File) error

	pendMu  sync.Mutex     // taken last: inside walMu (the writer) or an account's lock (forgetIdle)
	pending map[string]int // charges in unapplied records, per session (by chargeKey(ch, session, ""))

	kick     chan struct{}
	ckptStop chan struct{}
	ckptDone chan struct{}

	statsMu sync.Mutex
	stats   CommitStats
}

// CommitStats counts a ledger's group commits since it opened.
type CommitStats struct {
	Commits uint64 // log writes, each synced
	Changes uint64 // changes they made durable
	// Wait is summed over the changes: from being handed to the writer
	// to their sync's end. A paid segment's answer waits that long; in a
	// closed loop of clients on loopback, that wait costs more throughput
	// than the ledger's CPU does (BENCHMARKS.md).
	Wait time.Duration
	Sync time.Duration // summed over the commits: the write and the sync
}

// CommitStats returns the counts so far.
func (l *BoltLedger) CommitStats() CommitStats {
	l.statsMu.Lock()
	defer l.statsMu.Unlock()
	return l.stats
}

type account struct {
	mu sync.Mutex
	Account
	sessions map[string]*charged // by session id
}

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

var bucketAccounts = []byte("accounts")

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

// OpenBoltLedger opens (creating) the ledger at path (a bbolt file, with
// its log segments beside it as path.wal.N).
func OpenBoltLedger(path string) (*BoltLedger, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second, NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("ledger %s is in use by another livegate process", path)
		}
		return nil, fmt.Errorf("ledger %s: %w", path, err)
	}
	l := &BoltLedger{
		db: db, path: path, now: time.Now, accounts: map[common.Hash]*account{},
		ops: make(chan op, maxBatch), done: make(chan struct{}), pending: map[string]int{},
		syncLog: fdatasync,
		kick:    make(chan struct{}, 1), ckptStop: make(chan struct{}), ckptDone: make(chan struct{}),
	}
	if err := l.recover(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("ledger %s: %w", path, err)
	}
	if err := l.rotate(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("ledger %s: %w", path, err)
	}
	go l.writer()
	go l.checkpointer()
	return l, nil
}

// recover loads bbolt's accounts, replays the log segments a crash left,
// moves them into bbolt and deletes them. A torn tail of the last segment
// (its last commit, never acknowledged) is cut, with a warning; damage
// anywhere else stops it, naming the segment and the offset (see
// replay).
func (l *BoltLedger) recover() error {
	segs := l.segments()
	if len(segs) > 0 {
		l.walSeq = seqOf(segs[len(segs)-1], l.path)
	}
	recs, err := l.replay(segs)
	if err != nil {
		return err
	}
	err = l.db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bucketAccounts); err != nil {
			return err
		}
		if err := applyRecords(tx, recs); err != nil {
			return err
		}
		if err := tx.Bucket(bucketAccounts).ForEach(func(k, v []byte) error {
			var j accountJSON
			if err := json.Unmarshal(v, &j); err != nil {
				return fmt.Errorf("account %x: %w", k, err)
			}
			a, err := decodeAccount(common.BytesToHash(k), j)
			if err != nil {
				return fmt.Errorf("account %x: %w", k, err)
			}
			l.accounts[common.BytesToHash(k)] = &account{Account: a}
			return nil
		}); err != nil {
			return err
		}
		return l.prune(tx)
	})
	if err != nil {
		return err
	}
	for _, seg := range segs {
		if err := os.Remove(seg); err != nil {
			return err
		}
	}
	return nil
}

func seqOf(seg, path string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(seg, path+".wal."))
	return n
}

// segments lists the log's segments, oldest first.
func (l *BoltLedger) segments() []string {
	all, _ := filepath.Glob(l.path + ".wal.*")
	segs := all[:0]
	for _, seg := range all {
		if _, err := strconv.Atoi(strings.TrimPrefix(seg, l.path+".wal.")); err == nil {
			segs = append(segs, seg)
		}
	}
	slices.SortFunc(segs, func(a, b string) int { return seqOf(a, l.path) - seqOf(b, l.path) })
	return segs
}

// replay reads the log's segments, oldest first, and returns the records
// of their acknowledged commits. Within a segment, scanLog tells a torn
// tail from damage. Across segments, each one's header says which
// commits were acknowledged before it, which the segments before it (when
// they are still there) must hold: a torn tail there was a write that
// failed, never acknowledged, or else it is damage; commits missing from
// their end were lost; and whole commits past what the header says were
// written, but their sync failed. A segment holding no frame (zeros, or
// the torn write of its header: the writer syncs a header before writing
// anything after it) is a new segment the writer could not start; it
// holds nothing and says nothing, and replay passes over it. A torn tail
// followed by nothing but such segments is the log's end, torn: never
// acknowledged.
func (l *BoltLedger) replay(segs []string) ([]record, error) {
	var recs []record
	// prev is the segment before; known and done, the last commit the
	// unbroken run up to it holds whole, when a header says, and held
	// and end, the segment holding it and where its whole commits end.
	var prev struct {
		seg, held string
		seq       int
		legacy    bool
		known     bool
		done      uint64
		end       int64
	}
	// last is where the frames of the last segment that held records
	// are, which end recs: a later header may say their last commits'
	// sync failed.
	var last struct{ spans []span }
	// torn is a torn commit not yet accounted for: only a header after
	// it, or the log's end, says it was never acknowledged.
	type tornTail struct {
		seg    string
		off    int64
		commit uint64
	}
	var torn *tornTail
	for _, seg := range segs {
		s, err := scanLogFile(seg)
		if d := (*logDamage)(nil); errors.As(err, &d) {
			return nil, damagedLog(seg, d)
		}
		if err != nil {
			return nil, fmt.Errorf("reading the log: %w", err)
		}
		seq := seqOf(seg, l.path)
		next := prev.seg != "" && !prev.legacy && !s.legacy && prev.seq+1 == seq
		if !next {
			if torn != nil {
				return nil, damagedLog(torn.seg, &logDamage{torn.off, "a torn commit in a segment before the last, and no header after it says it was never acknowledged"})
			}
			prev.known, last.spans = false, nil
		}
		if s.header {
			if torn != nil && s.acked >= torn.commit {
				return nil, damagedLog(torn.seg, &logDamage{torn.off, fmt.Sprintf("commit %d, acknowledged (as %s says), is not whole", torn.commit, filepath.Base(seg))})
			}
			if prev.known && s.acked > prev.done {
				return nil, damagedLog(prev.held, &logDamage{prev.end, fmt.Sprintf("commits %d to %d, acknowledged (as %s says), are missing", prev.done+1, s.acked, filepath.Base(seg))})
			}
			if torn != nil {
				slog.Default().Warn("ledger: a log segment ends in a write that failed, never acknowledged; cut", "file", torn.seg, "offset", torn.off)
				torn = nil
			}
			if prev.known && s.acked < prev.done {
				// The writer's sync of these failed: their callers were
				// told so, and they were left out of the accounts in
				// memory.
				n := 0
				for _, sp := range last.spans {
					if sp.commit > s.acked {
						n++
					}
				}
				recs, last.spans = recs[:len(recs)-n], nil
				slog.Default().Warn("ledger: a log segment ends in commits whose sync failed, never acknowledged; cut", "file", prev.held, "commits", prev.done-s.acked)
			}
		}
		switch {
		case s.legacy:
			if s.torn {
				slog.Default().Warn("ledger: a log segment (without checksums) ends in a line that does not decode; dropped", "file", seg, "offset", s.end)
			}
		case s.torn && s.tornCommit != 0:
			if torn != nil { // a torn commit, then frames without a header
				return nil, damagedLog(torn.seg, &logDamage{torn.off, "a torn commit in a segment before the last, and no header after it says it was never acknowledged"})
			}
			torn = &tornTail{seg, s.end, s.tornCommit}
		case s.torn:
			slog.Default().Warn("ledger: a log segment begins with a torn header and holds nothing; passed over", "file", seg)
		}
		recs = append(recs, s.recs...)
		if len(s.recs) > 0 {
			last.spans = s.spans
		}
		if s.header {
			prev.known, prev.done, prev.held, prev.end = true, s.done, seg, s.end
		} else if s.legacy {
			prev.known = false
		}
		prev.seg, prev.seq, prev.legacy = seg, seq, s.legacy
	}
	if torn != nil {
		if torn.seg == prev.seg {
			slog.Default().Warn("ledger: the log ends in a torn write, never acknowledged; cut", "file", torn.seg, "offset", torn.off)
		} else {
			slog.Default().Warn("ledger: the log ends in a torn write, never acknowledged, and new segments holding nothing; cut", "file", torn.seg, "offset", torn.off)
		}
	}
	return recs, nil
}

// damagedLog is the error for damage in seg: replay stops, since records
// acknowledged to viewers would be lost.
func damagedLog(seg string, d *logDamage) error {
	return fmt.Errorf("the log segment %s is %w. It holds records acknowledged as durable, so the ledger will not open without them: "+
		"restore the data directory from a backup, or, to open it anyway, move %s out of the way "+
		"(the payments and charges it holds that are not yet in the ledger's database are then lost)", seg, d, seg)
}

// applyRecords writes records into bbolt, in order: an account's last
// snapshot wins (the only one written), charges are added.
func applyRecords(tx *bolt.Tx, recs []record) error {
	accounts := tx.Bucket(bucketAccounts)
	last := make(map[common.Hash]int, len(recs))
	for i, r := range recs {
		last[r.Channel] = i
	}
	for i, r := range recs {
		if last[r.Channel] == i {
			if err := accounts.Put(r.Channel[:], r.Account); err != nil {
				return err
			}
		}
		if r.Key != nil {
			day, err := tx.CreateBucketIfNotExists([]byte(r.Day))
			if err != nil {
				return err
			}
			if err := day.Put(r.Key, []byte{1}); err != nil {
				return err
			}
		}
	}
	return nil
}

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

// checkpointer moves synced records into bbolt every second (or sooner
// when many are waiting) and deletes the log segment they came from; every
// sessionIdle/4 it forgets the charges of idle sessions.
func (l *BoltLedger) checkpointer() {
	defer close(l.ckptDone)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	swept := time.Now()
	for {
		select {
		case <-l.ckptStop:
			return
		case <-t.C:
		case <-l.kick:
		}
		if err := l.checkpoint(); err != nil {
			// The log still holds everything: nothing is lost, the log grows.
			slog.Default().Error("ledger: checkpoint failed; will retry", "err", err)
		}
		if time.Since(swept) > sessionIdle/4 {
			l.forgetIdle(l.now())
			swept = time.Now()
		}
	}
}

func (l *BoltLedger) checkpoint() error {
	l.walMu.Lock()
	recs := l.unapplied
	if len(recs) == 0 {
		l.walMu.Unlock()
		return nil
	}
	// Segments before the current one are written out: once recs are in
	// bbolt, all they hold is. The current one stays, holding records
	// already moved too; replaying those after a crash is harmless, since a
	// record is the account as the change left it, replayed in order.
	// (Rotating here, every checkpoint, made a 64 MB segment a second and
	// cost the writer's syncs dearly.)
	boundary := l.walSeq
	l.unapplied = nil
	l.walMu.Unlock()
	err := l.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(dayBucket(l.now())) == nil { // a new day: drop the day before yesterday
			if err := l.prune(tx); err != nil {
				return err
			}
		}
		return applyRecords(tx, recs)
	})
	if err != nil {
		// Put them back in front: the next checkpoint tries again; the old
		// segment stays on disk until then.
		l.walMu.Lock()
		l.unapplied = append(recs, l.unapplied...)
		l.walMu.Unlock()
		return err
	}
	// Every segment before the current one is now in bbolt. They go
	// oldest first, so a crash meanwhile leaves the newer ones, in an
	// unbroken run, and replay can check each against the next.
	for _, seg := range l.segments() {
		if seqOf(seg, l.path) < boundary {
			_ = os.Remove(seg)
		}
	}
	l.pendMu.Lock()
	for _, r := range recs {
		if r.Key != nil {
			k := string(sessionKey(r.Key))
			if l.pending[k]--; l.pending[k] <= 0 {
				delete(l.pending, k)
			}
		}
	}
	l.pendMu.Unlock()
	return nil
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

func (l *BoltLedger) isClosed() bool {
	l.closeMu.RLock()
	defer l.closeMu.RUnlock()
	return l.closed
}

// Close waits for queued changes, moves the log into bbolt and closes.
func (l *BoltLedger) Close() error {
	l.closeMu.Lock()
	if l.closed {
		l.closeMu.Unlock()
		return nil
	}
	l.closed = true
	close(l.ops)
	l.closeMu.Unlock()
	<-l.done
	close(l.ckptStop)
	<-l.ckptDone
	err := l.checkpoint()
	l.walMu.Lock()
	_ = l.wal.Close()
	if err == nil {
		_ = os.Remove(l.wal.Name())
	}
	l.walMu.Unlock()
	return errors.Join(err, l.db.Close())
}

func (l *BoltLedger) account(ch common.Hash) *account {
	l.mu.Lock()
	defer l.mu.Unlock()
	a, ok := l.accounts[ch]
	if !ok {
		a = &account{Account: newAccount()}
		l.accounts[ch] = a
	}
	return a
}

// Account returns a copy of a channel's account.
func (l *BoltLedger) Account(ch common.Hash) Account {
	a := l.account(ch)
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.clone()
}

// Best returns the best voucher held for a channel.
func (l *BoltLedger) Best(ch common.Hash) (*chain.Voucher, bool) {
	acc := l.Account(ch)
	return acc.Best, acc.Best != nil
}

// Paying lists the channels holding a voucher.
func (l *BoltLedger) Paying() []common.Hash {
	l.mu.Lock()
	ids := make([]common.Hash, 0, len(l.accounts))
	for id := range l.accounts {
		ids = append(ids, id)
	}
	l.mu.Unlock()
	out := ids[:0]
	for _, id := range ids {
		if _, ok := l.Best(id); ok {
			out = append(out, id)
		}
	}
	return out
}

// Pay records a voucher (already verified) if it is above the best one,
// its increase counted as paid through stream.
func (l *BoltLedger) Pay(_ context.Context, v *chain.Voucher, stream string) (Account, error) {
	return l.pay(v, stream, false)
}

// Tip records a voucher (already verified) above the best one, its
// increase spent as a tip for stream, in one durable change.
func (l *BoltLedger) Tip(_ context.Context, v *chain.Voucher, stream string) (Account, error) {
	return l.pay(v, stream, true)
}

func (l *BoltLedger) pay(v *chain.Voucher, stream string, tip bool) (Account, error) {
	a := l.account(v.Channel)
	a.mu.Lock()
	defer a.mu.Unlock()
	if v.Amount.Cmp(a.Paid()) <= 0 {
		return a.clone(), fmt.Errorf("%w (%s wei)", ErrNotIncreasing, a.Paid())
	}
	next := a.clone()
	inc := new(big.Int).Sub(v.Amount, a.Paid())
	if tip {
		next.Spent.Add(next.Spent, inc)
		next.add(stream, inc, inc, inc)
	} else {
		next.add(stream, inc, nil, nil)
	}
	next.Best = &chain.Voucher{Channel: v.Channel, Amount: new(big.Int).Set(v.Amount), Signature: append([]byte(nil), v.Signature...)}
	if err := l.commit(newRecord(v.Channel, &next, "", nil)); err != nil {
		return a.clone(), fmt.Errorf("ledger: %w", err)
	}
	a.Account = next
	return a.clone(), nil
}

// Charge spends a segment's price from the channel's credit, once per
// session and segment, and returns after the spend is on disk.
func (l *BoltLedger) Charge(_ context.Context, c Charge) (Receipt, error) {
	if l.isClosed() {
		return Receipt{}, ErrLedgerClosed
	}
	a := l.account(c.Channel)
	a.mu.Lock()
	defer a.mu.Unlock()
	now := l.now()
	today := dayBucket(now)
	seen, err := l.charged(a, c.Channel, c.Session, now)
	if err != nil {
		return Receipt{}, err
	}
	rc := Receipt{Price: new(big.Int), Paid: new(big.Int).Set(a.Paid()), Spent: new(big.Int).Set(a.Spent)}
	if seen.has(c.Segment) {
		rc.Already = true
		return rc, nil
	}
	// The account changes in place, and back if the commit fails: a.mu
	// is held throughout, so nobody sees it in between (a copy per charge
	// was a fifth of the ledger's time).
	var undo func()
	if used, ok := a.Preview[c.Stream]; c.Preview > 0 && used < c.Preview {
		a.Preview[c.Stream] = used + c.Duration
		undo = func() {
			if ok {
				a.Preview[c.Stream] = used
			} else {
				delete(a.Preview, c.Stream)
			}
		}
		rc.Free = true
	} else {
		if a.Credit().Cmp(c.Price) < 0 {
			rc.Price.Set(c.Price)
			return rc, ErrInsufficientCredit
		}
		_, had := a.Streams[c.Stream]
		a.Spent.Add(a.Spent, c.Price)
		a.add(c.Stream, nil, c.Price, nil)
		undo = func() {
			a.Spent.Sub(a.Spent, c.Price)
			if had {
				a.add(c.Stream, nil, new(big.Int).Neg(c.Price), nil)
			} else {
				delete(a.Streams, c.Stream)
			}
		}
		rc.Price.Set(c.Price)
	}
	if err := l.commit(newRecord(c.Channel, &a.Account, string(today), chargeKey(c.Channel, c.Session, c.Segment))); err != nil {
		undo()
		return Receipt{}, fmt.Errorf("ledger: %w", err)
	}
	seen.add(c.Segment)
	rc.Spent.Set(a.Spent)
	return rc, nil
}

// charged returns the segments a session has been charged for, loading
// them from bbolt's last two days on the session's first charge in this
// process (or since it was forgotten). Call with a.mu held. Whatever a
// session was charged before it was last forgotten is in bbolt by then
// (see forgetIdle), as far as bbolt keeps it (today and yesterday), and
// nothing is charged to it meanwhile, since a.mu is held. A session that
// keeps watching remembers all it was charged in this process; one
// loaded again, today's and yesterday's charges only.
func (l *BoltLedger) charged(a *account, ch common.Hash, session string, now time.Time) (*charged, error) {
	if c, ok := a.sessions[session]; ok {
		c.used = now
		return c, nil
	}
	c := &charged{used: now}
	prefix := chargeKey(ch, session, "")
	err := l.db.View(func(tx *bolt.Tx) error {
		for _, day := range [][]byte{dayBucket(now), dayBucket(now.Add(-24 * time.Hour))} {
			b := tx.Bucket(day)
			if b == nil {
				continue
			}
			cur := b.Cursor()
			for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
				c.add(string(k[len(prefix):]))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if a.sessions == nil {
		a.sessions = map[string]*charged{}
	}
	a.sessions[session] = c
	return c, nil
}

// sessionIdle is how long at least a session's charges stay in memory
// after its last charge (the sweep runs every sessionIdle/4, and skips a
// session with charges still in the log); forgetting them costs its next
// charge a look in bbolt.
const sessionIdle = 5 * time.Minute

// forgetIdle drops from memory the charges of sessions idle since before
// now-sessionIdle whose charges are all in bbolt (none pending in the log),
// so a session loaded again finds them there.
func (l *BoltLedger) forgetIdle(now time.Time) {
	l.mu.Lock()
	accounts := make(map[common.Hash]*account, len(l.accounts))
	maps.Copy(accounts, l.accounts)
	l.mu.Unlock()
	for ch, a := range accounts {
		a.mu.Lock()
		for id, c := range a.sessions {
			if now.Sub(c.used) < sessionIdle {
				continue
			}
			l.pendMu.Lock()
			pending := l.pending[string(chargeKey(ch, id, ""))] > 0
			l.pendMu.Unlock()
			if !pending {
				delete(a.sessions, id)
			}
		}
		a.mu.Unlock()
	}
}

// Charges are kept in bbolt in one bucket per UTC day; a session loaded
// from bbolt reads today's and yesterday's, and older days are dropped. The
// names are cached (formatting dates showed in every charge's profile);
// callers only read them.
func dayBucket(t time.Time) []byte {
	day := t.UTC().Truncate(24 * time.Hour)
	dayNames.Lock()
	defer dayNames.Unlock()
	if name, ok := dayNames.m[day]; ok {
		return name
	}
	if len(dayNames.m) >= 4 || dayNames.m == nil {
		dayNames.m = map[time.Time][]byte{}
	}
	name := []byte("charges-" + day.Format("2006-01-02"))
	dayNames.m[day] = name
	return name
}

var dayNames struct {
	sync.Mutex
	m map[time.Time][]byte
}

func (l *BoltLedger) prune(tx *bolt.Tx) error {
	keep := map[string]bool{string(dayBucket(l.now())): true, string(dayBucket(l.now().Add(-24 * time.Hour))): true}
	var old [][]byte
	_ = tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		if len(name) > 8 && string(name[:8]) == "charges-" && !keep[string(name)] {
			old = append(old, append([]byte(nil), name...))
		}
		return nil
	})
	for _, n := range old {
		if err := tx.DeleteBucket(n); err != nil {
			return err
		}
	}
	return nil
}

// sessionKey is the part of a charge key naming its channel and session:
// chargeKey(ch, session, "").
func sessionKey(key []byte) []byte {
	return key[:32+2+int(binary.BigEndian.Uint16(key[32:34]))]
}

func chargeKey(ch common.Hash, session, segment string) []byte {
	k := make([]byte, 0, 32+2+len(session)+len(segment))
	k = append(k, ch[:]...)
	k = binary.BigEndian.AppendUint16(k, uint16(len(session)))
	k = append(k, session...)
	return append(k, segment...)
}

// accountJSON is an account on disk.
type accountJSON struct {
	Amount    string               `json:"amount,omitempty"`
	Signature string               `json:"signature,omitempty"`
	Spent     string               `json:"spent"`
	Preview   map[string]int64     `json:"preview,omitempty"` // milliseconds
	Streams   map[string][3]string `json:"streams,omitempty"` // paid, spent, tips in wei
}

func encodeAccount(a *Account) accountJSON {
	j := accountJSON{Spent: a.Spent.String()}
	if a.Best != nil {
		j.Amount, j.Signature = a.Best.Amount.String(), hexutil.Encode(a.Best.Signature)
	}
	if len(a.Preview) > 0 {
		j.Preview = map[string]int64{}
		for k, v := range a.Preview {
			j.Preview[k] = v.Milliseconds()
		}
	}
	if len(a.Streams) > 0 {
		j.Streams = map[string][3]string{}
		for k, m := range a.Streams {
			j.Streams[k] = [3]string{m.Paid.String(), m.Spent.String(), m.Tips.String()}
		}
	}
	return j
}

// appendAccount appends the account's accountJSON as encoding/json
// writes it, without reflection or the maps and strings in between: an
// account is encoded on every charge. A name that JSON would escape takes
// the slow way.
func appendAccount(buf []byte, a *Account) []byte {
	plain := true
	for k := range a.Preview {
		plain = plain && plainJSON(k)
	}
	for k := range a.Streams {
		plain = plain && plainJSON(k)
	}
	if !plain {
		j, _ := json.Marshal(encodeAccount(a)) // strings, maps and numbers: cannot fail
		return append(buf, j...)
	}
	if a.Best != nil {
		buf = appendDecimal(append(buf, `{"amount":"`...), a.Best.Amount)
		buf = hex.AppendEncode(append(buf, `","signature":"0x`...), a.Best.Signature)
		buf = append(buf, `","spent":"`...)
	} else {
		buf = append(buf, `{"spent":"`...)
	}
	buf = append(appendDecimal(buf, a.Spent), '"')
	if len(a.Preview) > 0 {
		buf = append(buf, `,"preview":{`...)
		for i, k := range sortedKeys(a.Preview) {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(append(append(buf, '"'), k...), `":`...)
			buf = strconv.AppendInt(buf, a.Preview[k].Milliseconds(), 10)
		}
		buf = append(buf, '}')
	}
	if len(a.Streams) > 0 {
		buf = append(buf, `,"streams":{`...)
		for i, k := range sortedKeys(a.Streams) {
			if i > 0 {
				buf = append(buf, ',')
			}
			m := a.Streams[k]
			buf = append(append(append(buf, '"'), k...), `":["`...)
			buf = append(appendDecimal(buf, m.Paid), `","`...)
			buf = append(appendDecimal(buf, m.Spent), `","`...)
			buf = append(appendDecimal(buf, m.Tips), `"]`...)
		}
		buf = append(buf, '}')
	}
	return append(buf, '}')
}

// appendDecimal appends x in decimal, as x.Append(buf, 10) does, five
// times faster for the amounts that fit in 64 bits: most, in wei (up to 18
// ether). A charge writes five, and a paid segment's headers two.
func appendDecimal(buf []byte, x *big.Int) []byte {
	if x.IsUint64() {
		return strconv.AppendUint(buf, x.Uint64(), 10)
	}
	return x.Append(buf, 10)
}

// decimal is x.String(), faster: see appendDecimal.
func decimal(x *big.Int) string {
	if x.IsUint64() {
		return strconv.FormatUint(x.Uint64(), 10)
	}
	return x.String()
}

// sortedKeys returns m's keys in order; an account has one or two streams.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	if len(keys) > 1 {
		slices.Sort(keys)
	}
	return keys
}

// plainJSON reports whether encoding/json writes s as it is, in quotes.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

func decodeAccount(ch common.Hash, j accountJSON) (Account, error) {
	a := newAccount()
	if _, ok := a.Spent.SetString(j.Spent, 10); !ok {
		return a, fmt.Errorf("spent %q", j.Spent)
	}
	if j.Amount != "" {
		amt, ok := new(big.Int).SetString(j.Amount, 10)
		sig, err := hexutil.Decode(j.Signature)
		if !ok || err != nil {
			return a, fmt.Errorf("voucher %q %q", j.Amount, j.Signature)
		}
		a.Best = &chain.Voucher{Channel: ch, Amount: amt, Signature: sig}
	}
	for k, v := range j.Preview {
		a.Preview[k] = time.Duration(v) * time.Millisecond
	}
	for k, v := range j.Streams {
		var m [3]*big.Int
		for i := range v {
			var ok bool
			if m[i], ok = new(big.Int).SetString(v[i], 10); !ok {
				return a, fmt.Errorf("stream %q money %q", k, v)
			}
		}
		a.Streams[k] = Money{m[0], m[1], m[2]}
	}
	return a, nil
}
