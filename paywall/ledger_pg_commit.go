package paywall

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"
)

// The PostgreSQL ledger's group commit. A charge per transaction costs a
// commit (a WAL fsync) and four round trips each: on two cores that is a
// few hundred charges a second. Instead committers take every charge
// queued while their previous transaction ran, apply them one after the
// other in one transaction, under the locks of their accounts' rows, and
// answer each once that transaction has committed. Applied in their order
// against the rows as they stand, each charge has the outcome it would
// have had alone (already charged, insufficient credit, free); a failed
// transaction fails every charge in it and changes nothing.

const (
	pgMaxBatch = 512 // charges in one transaction at most
	// pgCommitters run transactions side by side: while one waits for its
	// commit's fsync, another gathers and applies the next charges.
	pgCommitters = 2
)

// pgCharge is one charge waiting for its transaction.
type pgCharge struct {
	c      Charge
	queued time.Time
	rc     Receipt
	err    error
	done   chan struct{}
}

// Charge spends a segment's price from the channel's credit, once per
// session and segment, and returns after the transaction holding it has
// committed.
func (l *PGLedger) Charge(ctx context.Context, c Charge) (Receipt, error) {
	p := &pgCharge{c: c, queued: time.Now(), done: make(chan struct{})}
	l.closeMu.RLock()
	if l.closed {
		l.closeMu.RUnlock()
		return Receipt{}, ErrLedgerClosed
	}
	l.charges <- p
	l.closeMu.RUnlock()
	select {
	case <-p.done:
		return p.rc, p.err
	case <-ctx.Done():
		return Receipt{}, fmt.Errorf("ledger: %w (the charge may still commit)", ctx.Err())
	}
}

// committer runs charge transactions until the ledger closes.
func (l *PGLedger) committer() {
	defer l.done.Done()
	batch := make([]*pgCharge, 0, pgMaxBatch)
	for p := range l.charges {
		batch = append(batch[:0], p)
	gather:
		for len(batch) < pgMaxBatch {
			select {
			case q, ok := <-l.charges:
				if !ok {
					break gather
				}
				batch = append(batch, q)
			default:
				break gather
			}
		}
		l.commitCharges(batch)
	}
}

// commitCharges applies a batch in one transaction and answers each charge.
func (l *PGLedger) commitCharges(batch []*pgCharge) {
	ctx, cancel := context.WithTimeout(context.Background(), pgQueryTimeout)
	defer cancel()
	start := time.Now()
	var wrote int
	var err error
	for attempt := 0; ; attempt++ {
		wrote, err = l.chargeTx(ctx, batch)
		if attempt < 3 && retryable(err) {
			continue
		}
		break
	}
	end := time.Now()
	if err == nil && wrote > 0 {
		l.statsMu.Lock()
		l.stats.Commits++
		l.stats.Changes += uint64(wrote)
		l.stats.Sync += end.Sub(start)
		for _, p := range batch {
			l.stats.Wait += end.Sub(p.queued)
		}
		l.statsMu.Unlock()
	}
	for _, p := range batch {
		if err != nil {
			p.rc, p.err = Receipt{}, fmt.Errorf("ledger: %w", err)
		}
		close(p.done)
	}
}

// chargeID is a charge's row key.
type chargeID struct {
	ch      common.Hash
	session string
	item    string
}

// chargeTx applies the batch's charges in order in one transaction,
// setting each one's receipt and error, and returns how many it wrote.
// It takes two round trips: BEGIN with the locks and reads in one
// pipeline, the writes with COMMIT in the next.
func (l *PGLedger) chargeTx(ctx context.Context, batch []*pgCharge) (wrote int, err error) {
	conn, err := l.pool.Acquire(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Release()
	defer func() {
		if err != nil { // after a failed statement the transaction is open and aborted
			_, _ = conn.Exec(ctx, "ROLLBACK")
		}
	}()
	chans := make([]common.Hash, 0, len(batch))
	var ids [][]byte
	var sessions, items []string
	for _, p := range batch {
		chans = append(chans, p.c.Channel)
		ids = append(ids, p.c.Channel.Bytes())
		sessions = append(sessions, p.c.Session)
		items = append(items, p.c.Item.key())
	}
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	queueLoad(b, chans, true)
	// After the locks: the charges read are then all there will be.
	b.Queue(`SELECT c.channel, c.session, c.item
		FROM unnest($1::bytea[], $2::text[], $3::text[]) AS k (channel, session, item)
		JOIN charges AS c ON c.channel = k.channel AND c.session = k.session AND c.item = k.item`, ids, sessions, items)
	br := conn.SendBatch(ctx, b)
	accs, seen, err := readCharges(br, chans)
	if err = errors.Join(err, br.Close()); err != nil {
		return 0, err
	}
	ids, sessions, items = ids[:0], sessions[:0], items[:0]
	var prices []string
	touched := map[common.Hash]bool{}
	for _, p := range batch {
		c, a := p.c, accs[p.c.Channel]
		p.rc = Receipt{Price: new(big.Int), Paid: new(big.Int).Set(a.Paid()), Spent: new(big.Int).Set(a.Spent)}
		p.err = nil
		k := chargeID{c.Channel, c.Session, c.Item.key()}
		if seen[k] {
			p.rc.Already = true
			continue
		}
		if used := a.Preview[c.Item.Stream]; c.Preview > 0 && used < c.Preview {
			a.Preview[c.Item.Stream] = used + c.Duration
			p.rc.Free = true
		} else {
			p.rc.Price.Set(c.Price)
			if a.Credit().Cmp(c.Price) < 0 {
				p.err = ErrInsufficientCredit
				continue
			}
			a.Spent.Add(a.Spent, c.Price)
			a.add(c.Item.Stream, nil, c.Price, nil)
		}
		seen[k], touched[c.Channel] = true, true
		ids, sessions, items = append(ids, k.ch.Bytes()), append(sessions, k.session), append(items, k.item)
		prices = append(prices, decimal(p.rc.Price))
		p.rc.Spent.Set(a.Spent)
	}
	b = &pgx.Batch{}
	if len(ids) > 0 {
		order := make([]common.Hash, 0, len(touched))
		for ch := range touched {
			order = append(order, ch)
		}
		queueStore(b, accs, order)
		b.Queue(`INSERT INTO charges (channel, session, item, price)
			SELECT * FROM unnest($1::bytea[], $2::text[], $3::text[], $4::text[]::numeric[])`, ids, sessions, items, prices)
	}
	b.Queue("COMMIT")
	return len(ids), conn.SendBatch(ctx, b).Close()
}

// readCharges reads the accounts queueLoad queued and the charges already
// made among the batch's.
func readCharges(br pgx.BatchResults, chans []common.Hash) (map[common.Hash]*Account, map[chargeID]bool, error) {
	if _, err := br.Exec(); err != nil { // BEGIN
		return nil, nil, err
	}
	accs, err := readLoad(br, chans, true)
	if err != nil {
		return nil, nil, err
	}
	seen := map[chargeID]bool{}
	var (
		id            []byte
		session, item string
	)
	rows, _ := br.Query()
	_, err = pgx.ForEachRow(rows, []any{&id, &session, &item}, func() error {
		seen[chargeID{common.BytesToHash(id), session, item}] = true
		return nil
	})
	return accs, seen, err
}
