// Package paywall sells segments: sessions opened with a payment-channel
// voucher, a gate that charges each segment its price against the credit
// the vouchers pay for, and a ledger that never loses what was paid or
// spent. It knows nothing of codecs; the origin asks it about segments
// through hls.Gate.
package paywall

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	bolt "go.etcd.io/bbolt"

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
	Spent   *big.Int                 // charged for segments
	Preview map[string]time.Duration // free media already given, per stream
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
	c := Account{Spent: new(big.Int).Set(a.Spent), Preview: make(map[string]time.Duration, len(a.Preview))}
	if a.Best != nil {
		c.Best = &chain.Voucher{Channel: a.Best.Channel, Amount: new(big.Int).Set(a.Best.Amount), Signature: append([]byte(nil), a.Best.Signature...)}
	}
	for k, v := range a.Preview {
		c.Preview[k] = v
	}
	return c
}

// Charge asks for one segment to be paid for.
type Charge struct {
	Channel  common.Hash
	Session  string // the session's id: a segment is charged once per session
	Segment  string // names the segment: stream/recording/rendition/seq
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
	Pay(ctx context.Context, v *chain.Voucher) (Account, error)
	Charge(ctx context.Context, c Charge) (Receipt, error)
	Close() error
}

// BoltLedger is the embedded Ledger: accounts in memory, every change
// written to a bbolt file and synced before the call returns. Concurrent
// changes share one transaction and one sync (group commit), so many
// viewers cost little more than one.
type BoltLedger struct {
	db  *bolt.DB
	now func() time.Time

	mu       sync.Mutex // guards accounts (the map; each account has its own lock)
	accounts map[common.Hash]*account

	ops     chan op
	done    chan struct{}
	closeMu sync.RWMutex
	closed  bool
}

type account struct {
	mu sync.Mutex
	Account
}

type op struct {
	apply func(tx *bolt.Tx) error
	done  chan error
}

var bucketAccounts = []byte("accounts")

// maxBatch bounds one group commit.
const maxBatch = 1024

// OpenBoltLedger opens (creating) the ledger file.
func OpenBoltLedger(path string) (*BoltLedger, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("ledger %s is in use by another livegate process", path)
		}
		return nil, fmt.Errorf("ledger %s: %w", path, err)
	}
	l := &BoltLedger{db: db, now: time.Now, accounts: map[common.Hash]*account{}, ops: make(chan op, maxBatch), done: make(chan struct{})}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketAccounts)
		if err != nil {
			return err
		}
		if err := b.ForEach(func(k, v []byte) error {
			a, err := decodeAccount(common.BytesToHash(k), v)
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
		db.Close()
		return nil, fmt.Errorf("ledger %s: %w", path, err)
	}
	go l.writer()
	return l, nil
}

// writer commits queued changes, as many as are waiting, in one synced
// transaction.
func (l *BoltLedger) writer() {
	defer close(l.done)
	for first := range l.ops {
		batch := []op{first}
	drain:
		for len(batch) < maxBatch {
			select {
			case o, ok := <-l.ops:
				if !ok {
					break drain
				}
				batch = append(batch, o)
			default:
				break drain
			}
		}
		err := l.db.Update(func(tx *bolt.Tx) error {
			for _, o := range batch {
				if err := o.apply(tx); err != nil {
					return err
				}
			}
			return nil
		})
		for _, o := range batch {
			o.done <- err
		}
	}
}

// commit runs f in the next group commit and waits for the sync.
func (l *BoltLedger) commit(f func(tx *bolt.Tx) error) error {
	l.closeMu.RLock()
	if l.closed {
		l.closeMu.RUnlock()
		return ErrLedgerClosed
	}
	o := op{apply: f, done: make(chan error, 1)}
	l.ops <- o
	l.closeMu.RUnlock()
	return <-o.done
}

func (l *BoltLedger) isClosed() bool {
	l.closeMu.RLock()
	defer l.closeMu.RUnlock()
	return l.closed
}

// Close waits for queued changes and closes the file.
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
	return l.db.Close()
}

func (l *BoltLedger) account(ch common.Hash) *account {
	l.mu.Lock()
	defer l.mu.Unlock()
	a, ok := l.accounts[ch]
	if !ok {
		a = &account{Account: Account{Spent: new(big.Int), Preview: map[string]time.Duration{}}}
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

// Pay records a voucher (already verified) if it is above the best one.
func (l *BoltLedger) Pay(_ context.Context, v *chain.Voucher) (Account, error) {
	a := l.account(v.Channel)
	a.mu.Lock()
	defer a.mu.Unlock()
	if v.Amount.Cmp(a.Paid()) <= 0 {
		return a.clone(), fmt.Errorf("%w (%s wei)", ErrNotIncreasing, a.Paid())
	}
	next := a.clone()
	next.Best = &chain.Voucher{Channel: v.Channel, Amount: new(big.Int).Set(v.Amount), Signature: append([]byte(nil), v.Signature...)}
	if err := l.commit(func(tx *bolt.Tx) error { return putAccount(tx, v.Channel, &next) }); err != nil {
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
	key := chargeKey(c.Channel, c.Session, c.Segment)
	now := l.now()
	var already bool
	if err := l.db.View(func(tx *bolt.Tx) error {
		for _, day := range []time.Time{now, now.Add(-24 * time.Hour)} {
			if b := tx.Bucket(dayBucket(day)); b != nil && b.Get(key) != nil {
				already = true
			}
		}
		return nil
	}); err != nil {
		return Receipt{}, err
	}
	rc := Receipt{Price: new(big.Int), Paid: new(big.Int).Set(a.Paid()), Spent: new(big.Int).Set(a.Spent)}
	if already {
		rc.Already = true
		return rc, nil
	}
	next := a.clone()
	if used := a.Preview[c.Stream]; c.Preview > 0 && used < c.Preview {
		next.Preview[c.Stream] = used + c.Duration
		rc.Free = true
	} else {
		if a.Credit().Cmp(c.Price) < 0 {
			rc.Price.Set(c.Price)
			return rc, ErrInsufficientCredit
		}
		next.Spent.Add(next.Spent, c.Price)
		rc.Price.Set(c.Price)
	}
	err := l.commit(func(tx *bolt.Tx) error {
		if tx.Bucket(dayBucket(now)) == nil { // a new day: drop the day before yesterday
			if err := l.prune(tx); err != nil {
				return err
			}
		}
		b, err := tx.CreateBucketIfNotExists(dayBucket(now))
		if err != nil {
			return err
		}
		if err := b.Put(key, []byte(rc.Price.String())); err != nil {
			return err
		}
		return putAccount(tx, c.Channel, &next)
	})
	if err != nil {
		return Receipt{}, fmt.Errorf("ledger: %w", err)
	}
	a.Account = next
	rc.Spent.Set(next.Spent)
	return rc, nil
}

// Charges are kept in one bucket per UTC day; a segment fetched again is
// looked up in today's and yesterday's, and older days are dropped.
func dayBucket(t time.Time) []byte { return []byte("charges-" + t.UTC().Format("2006-01-02")) }

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

func chargeKey(ch common.Hash, session, segment string) []byte {
	k := make([]byte, 0, 32+2+len(session)+len(segment))
	k = append(k, ch[:]...)
	k = binary.BigEndian.AppendUint16(k, uint16(len(session)))
	k = append(k, session...)
	return append(k, segment...)
}

// accountJSON is an account on disk.
type accountJSON struct {
	Amount    string           `json:"amount,omitempty"`
	Signature string           `json:"signature,omitempty"`
	Spent     string           `json:"spent"`
	Preview   map[string]int64 `json:"preview,omitempty"` // milliseconds
}

func putAccount(tx *bolt.Tx, ch common.Hash, a *Account) error {
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
	b, _ := json.Marshal(j)
	return tx.Bucket(bucketAccounts).Put(ch[:], b)
}

func decodeAccount(ch common.Hash, b []byte) (Account, error) {
	var j accountJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return Account{}, err
	}
	a := Account{Spent: new(big.Int), Preview: map[string]time.Duration{}}
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
	return a, nil
}
