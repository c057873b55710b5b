package paywall

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/livegate/livegate/chain"
)

// The ledger: what it records and the embedded one's public methods.
// How a change becomes durable is in ledger_commit.go (the log writer),
// ledger_log.go (its frames), ledger_replay.go (reading it back) and
// ledger_checkpoint.go (moving it into bbolt); accounts and their
// encoding are in ledger_account.go.

// Errors a caller acts on.
var (
	ErrInsufficientCredit = errors.New("insufficient credit")
	ErrNotIncreasing      = errors.New("voucher not above the best one held")
	ErrLedgerClosed       = errors.New("ledger closed")
)

// Item is what a charge buys: the key to one segment number of a
// stream's recording (or, for a recording made before keys were sold, the
// segment itself). Renditions share it, and so do the live stream and its
// replay, so a player that switches quality, or replays what it watched
// live, pays for its seconds once.
type Item struct {
	Stream    string
	Recording string
	Seq       uint64
}

// key is the item as the ledger keeps it, in charge keys on disk and in
// memory (charged): stream/recording/seq. Ledgers hold their charges
// under this form, so it must not change.
func (it Item) key() string {
	return it.Stream + "/" + it.Recording + "/" + strconv.FormatUint(it.Seq, 10)
}

// Charge asks for one item to be paid for.
type Charge struct {
	Channel  common.Hash
	Session  string // the session's id: an item is charged once per session
	Item     Item   // its Stream is where the preview and the money are counted
	Price    *big.Int
	Duration time.Duration
	Preview  time.Duration // the stream's free preview per channel
}

// Receipt says what a charge did.
type Receipt struct {
	Price   *big.Int // what this request cost (0 when already paid or free)
	Paid    *big.Int
	Spent   *big.Int
	Already bool // this session had paid for this item before
	Free    bool // within the free preview
}

// Refund gives back part of a charge. The gate sells a segment still
// being cut at the price of its target duration; if the segment ends
// shorter (its publisher left), the difference is refunded, so that a
// viewer who bought it early pays what a later one would. Amount must not
// exceed what the session was charged for Item; the ledger refunds a
// session's item once, and only if the session was charged for it.
type Refund struct {
	Channel common.Hash
	Session string
	Item    Item
	Amount  *big.Int
}

// refundKey marks a refunded item among a session's charges: "~" and the
// item's key, which no item's key is (names are letters, digits, '-' and
// '_').
func (it Item) refundKey() string { return "~" + it.key() }

// Errors of a refund.
var (
	ErrNotCharged = errors.New("nothing to refund: the session was not charged for this item")
	ErrBadRefund  = errors.New("refund must be positive and no more than was spent on the stream")
)

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
	// Refund gives back part of what a session paid for an item, once.
	Refund(ctx context.Context, r Refund) (Receipt, error)
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
	key := c.Item.key()
	if seen.has(key) {
		rc.Already = true
		return rc, nil
	}
	// The account changes in place, and back if the commit fails: a.mu
	// is held throughout, so nobody sees it in between (a copy per charge
	// was a fifth of the ledger's time).
	var undo func()
	if used, ok := a.Preview[c.Item.Stream]; c.Preview > 0 && used < c.Preview {
		a.Preview[c.Item.Stream] = used + c.Duration
		undo = func() {
			if ok {
				a.Preview[c.Item.Stream] = used
			} else {
				delete(a.Preview, c.Item.Stream)
			}
		}
		rc.Free = true
	} else {
		if a.Credit().Cmp(c.Price) < 0 {
			rc.Price.Set(c.Price)
			return rc, ErrInsufficientCredit
		}
		_, had := a.Streams[c.Item.Stream]
		a.Spent.Add(a.Spent, c.Price)
		a.add(c.Item.Stream, nil, c.Price, nil)
		undo = func() {
			a.Spent.Sub(a.Spent, c.Price)
			if had {
				a.add(c.Item.Stream, nil, new(big.Int).Neg(c.Price), nil)
			} else {
				delete(a.Streams, c.Item.Stream)
			}
		}
		rc.Price.Set(c.Price)
	}
	if err := l.commit(newRecord(c.Channel, &a.Account, string(today), chargeKey(c.Channel, c.Session, key))); err != nil {
		undo()
		return Receipt{}, fmt.Errorf("ledger: %w", err)
	}
	seen.add(key)
	rc.Spent.Set(a.Spent)
	return rc, nil
}

// Refund lowers the channel's spending by r.Amount for an item the session
// was charged for, once (a second refund of it is Already and changes
// nothing), and returns after the change is on disk. Receipt.Price is
// the amount refunded.
func (l *BoltLedger) Refund(_ context.Context, r Refund) (Receipt, error) {
	if l.isClosed() {
		return Receipt{}, ErrLedgerClosed
	}
	a := l.account(r.Channel)
	a.mu.Lock()
	defer a.mu.Unlock()
	now := l.now()
	seen, err := l.charged(a, r.Channel, r.Session, now)
	if err != nil {
		return Receipt{}, err
	}
	rc := Receipt{Price: new(big.Int), Paid: new(big.Int).Set(a.Paid()), Spent: new(big.Int).Set(a.Spent)}
	key := r.Item.refundKey()
	switch m, ok := a.Streams[r.Item.Stream]; {
	case seen.has(key):
		rc.Already = true
		return rc, nil
	case !seen.has(r.Item.key()):
		return rc, ErrNotCharged
	case r.Amount == nil || r.Amount.Sign() <= 0 || !ok || r.Amount.Cmp(new(big.Int).Sub(m.Spent, m.Tips)) > 0:
		return rc, ErrBadRefund
	}
	next := a.clone()
	next.Spent.Sub(next.Spent, r.Amount)
	next.add(r.Item.Stream, nil, new(big.Int).Neg(r.Amount), nil)
	if err := l.commit(newRecord(r.Channel, &next, string(dayBucket(now)), chargeKey(r.Channel, r.Session, key))); err != nil {
		return rc, fmt.Errorf("ledger: %w", err)
	}
	a.Account = next
	seen.add(key)
	rc.Price.Set(r.Amount)
	rc.Spent.Set(a.Spent)
	return rc, nil
}
