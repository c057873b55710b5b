package paywall

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strings"
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
	err := l.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		wrote, err = applyCharges(ctx, tx, batch)
		return err
	})
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

// applyCharges applies the batch's charges in order inside tx, setting
// each one's receipt and error, and returns how many it wrote.
func applyCharges(ctx context.Context, tx pgx.Tx, batch []*pgCharge) (int, error) {
	chans := make([]common.Hash, 0, len(batch))
	var ids [][]byte
	var sessions, items []string
	for _, p := range batch {
		chans = append(chans, p.c.Channel)
		ids = append(ids, p.c.Channel.Bytes())
		sessions = append(sessions, p.c.Session)
		items = append(items, p.c.Item.key())
	}
	// Locked first: the charges read next are then all that will be.
	accs, err := loadAccounts(ctx, tx, chans, true)
	if err != nil {
		return 0, err
	}
	seen := map[chargeID]bool{}
	rows, _ := tx.Query(ctx, `SELECT channel, session, item FROM charges
		WHERE (channel, session, item) IN (SELECT * FROM unnest($1::bytea[], $2::text[], $3::text[]))`, ids, sessions, items)
	var (
		id            []byte
		session, item string
	)
	if _, err := pgx.ForEachRow(rows, []any{&id, &session, &item}, func() error {
		seen[chargeID{common.BytesToHash(id), session, item}] = true
		return nil
	}); err != nil {
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
	if len(ids) == 0 {
		return 0, nil
	}
	b := &pgx.Batch{}
	order := make([]common.Hash, 0, len(touched))
	for ch := range touched {
		order = append(order, ch)
	}
	slices.SortFunc(order, func(x, y common.Hash) int { return strings.Compare(string(x[:]), string(y[:])) })
	for _, ch := range order {
		queueStore(b, ch, accs[ch])
	}
	b.Queue(`INSERT INTO charges (channel, session, item, price)
		SELECT * FROM unnest($1::bytea[], $2::text[], $3::text[], $4::text[]::numeric[])`, ids, sessions, items, prices)
	return len(ids), tx.SendBatch(ctx, b).Close()
}
