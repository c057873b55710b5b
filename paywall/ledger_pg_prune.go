package paywall

import (
	"context"
	"time"
)

// Charges are kept for today and yesterday, UTC, as BoltLedger keeps them
// (its day buckets): long enough for a viewer to come back to what it
// watched, bounded so that the table does not grow with every key ever
// sold. One node prunes at a time (an advisory lock); a pass deletes in
// chunks, so that no transaction holds a day of rows.

const (
	pgPruneEvery = 10 * time.Minute
	pgPruneChunk = 10_000
	pgPruneMax   = 1000 // chunks in one pass at most; the next pass goes on
	pgLockPrune  = 3
)

// pruner prunes every pgPruneEvery until stop closes.
func (l *PGLedger) pruner(stop <-chan struct{}) {
	defer l.done.Done()
	t := time.NewTicker(pgPruneEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		if n, err := l.prune(ctx); err != nil {
			l.log.Warn("ledger: pruning old charges", "err", err)
		} else if n > 0 {
			l.log.Info("ledger: pruned old charges", "rows", n)
		}
		cancel()
	}
}

// prune deletes the charges made before yesterday (UTC) and returns how
// many; none when another node is pruning.
func (l *PGLedger) prune(ctx context.Context) (int64, error) {
	c, err := l.pool.Acquire(ctx)
	if err != nil {
		return 0, err
	}
	defer c.Release()
	var ok bool
	if err := c.QueryRow(ctx, "SELECT pg_try_advisory_lock($1, $2)", pgLockClass, pgLockPrune).Scan(&ok); err != nil || !ok {
		return 0, err
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.Background(), pgQueryTimeout)
		defer cancel()
		if _, err := c.Exec(uctx, "SELECT pg_advisory_unlock($1, $2)", pgLockClass, pgLockPrune); err != nil {
			_ = c.Conn().Close(uctx) // closed, the connection takes the lock with it
		}
	}()
	var total int64
	for range pgPruneMax {
		tag, err := c.Exec(ctx, `DELETE FROM charges WHERE ctid = ANY (ARRAY(
			SELECT ctid FROM charges WHERE at < date_trunc('day', now(), 'UTC') - interval '1 day' LIMIT $1))`, pgPruneChunk)
		if err != nil {
			return total, err
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < pgPruneChunk {
			break
		}
	}
	return total, nil
}
