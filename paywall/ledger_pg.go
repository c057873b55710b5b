package paywall

import (
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/livegate/livegate/chain"
)

// PGLedger is the Ledger several livegate nodes share: accounts, charges
// and secrets are rows in one PostgreSQL database, and every change is a
// transaction that locks the channel's account row first, so two nodes
// can never spend one channel's credit twice. Charges arriving together
// share one transaction and one commit (ledger_pg_commit.go), each with
// the outcome it would have had alone. Its methods keep BoltLedger's
// semantics; the same tests run against both.
type PGLedger struct {
	pool    *pgxpool.Pool
	version int // the schema version after the migrations
	log     *slog.Logger

	charges chan *pgCharge
	stop    chan struct{} // ends the pruner
	done    sync.WaitGroup
	closeMu sync.RWMutex
	closed  bool

	statsMu sync.Mutex
	stats   CommitStats
}

//go:embed pg_migrations/*.sql
var pgMigrations embed.FS

// Advisory lock keys: one class for livegate, one id per use.
const (
	pgLockClass   = 0x6c67 // "lg"
	pgLockMigrate = 1
	pgLockSettle  = 2
)

// pgConnectTimeout bounds the first connection: a node configured with an
// unreachable database refuses to start within it.
const pgConnectTimeout = 5 * time.Second

// pgQueryTimeout bounds the reads whose interface takes no context
// (Account, Best, Paying, RecordingSecret).
const pgQueryTimeout = 10 * time.Second

// OpenPGLedger connects to the database at url (postgres://…), applies the
// schema migrations it lacks and starts the charge committers.
func OpenPGLedger(ctx context.Context, url string) (*PGLedger, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("ledger.postgres: %w", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 || cfg.ConnConfig.ConnectTimeout > pgConnectTimeout {
		cfg.ConnConfig.ConnectTimeout = pgConnectTimeout
	}
	if cfg.MaxConns < pgCommitters+8 {
		cfg.MaxConns = pgCommitters + 8
	}
	// Plans made for each execution: the charges table starts empty, and
	// a plan cached then (a scan of the whole table, cheapest while it is
	// small) would stay while it grows.
	cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	where := fmt.Sprintf("%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("ledger.postgres: %s: %w", where, err)
	}
	pctx, cancel := context.WithTimeout(ctx, pgConnectTimeout)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ledger.postgres: cannot reach %s: %w", where, err)
	}
	version, err := migrate(ctx, pool)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("ledger.postgres: %s: %w", where, err)
	}
	l := &PGLedger{pool: pool, version: version, log: slog.Default(), charges: make(chan *pgCharge, pgMaxBatch), stop: make(chan struct{})}
	for range pgCommitters {
		l.done.Add(1)
		go l.committer()
	}
	l.done.Add(1)
	go l.pruner(l.stop)
	return l, nil
}

// SchemaVersion is the database's schema version, for the start-up log.
func (l *PGLedger) SchemaVersion() int { return l.version }

// Where names the database (host, port, database), never the password.
func (l *PGLedger) Where() (host string, port uint16, db string) {
	c := l.pool.Config().ConnConfig
	return c.Host, c.Port, c.Database
}

// migrate applies the embedded migrations newer than the database's
// schema_version, in one transaction under an advisory lock, so that
// nodes starting together apply each once. It returns the version.
func migrate(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	files, err := fs.Glob(pgMigrations, "pg_migrations/*.sql")
	if err != nil {
		return 0, err
	}
	slices.Sort(files)
	tx, err := pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, $2)", pgLockClass, pgLockMigrate); err != nil {
		return 0, fmt.Errorf("migrations: lock: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version int PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())`); err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	var have int
	if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&have); err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	latest := 0
	for _, f := range files {
		v, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(f, "pg_migrations/"), "_", 2)[0])
		if err != nil {
			return 0, fmt.Errorf("migration %s: its name must start with a number", f)
		}
		latest = max(latest, v)
		if v <= have {
			continue
		}
		sql, err := pgMigrations.ReadFile(f)
		if err != nil {
			return 0, err
		}
		if _, err := tx.Exec(ctx, string(sql)); err != nil {
			return 0, fmt.Errorf("migration %s: %w", f, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO schema_version (version) VALUES ($1)", v); err != nil {
			return 0, fmt.Errorf("migration %s: %w", f, err)
		}
	}
	if have > latest {
		return 0, fmt.Errorf("the database's schema is v%d, newer than this livegate knows (v%d): upgrade livegate", have, latest)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	return latest, nil
}

// Close waits for the charges under way and closes the connections.
func (l *PGLedger) Close() error {
	l.closeMu.Lock()
	if l.closed {
		l.closeMu.Unlock()
		return nil
	}
	l.closed = true
	close(l.charges)
	close(l.stop)
	l.closeMu.Unlock()
	l.done.Wait()
	l.pool.Close()
	return nil
}

// CommitStats counts the charge transactions committed since opening:
// Commits transactions, Changes charges in them, Sync the time the
// transactions took.
func (l *PGLedger) CommitStats() CommitStats {
	l.statsMu.Lock()
	defer l.statsMu.Unlock()
	return l.stats
}

// querier is a pool or a transaction.
type querier interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// loadAccounts reads the accounts of chans; with lock, inside a
// transaction, it makes the rows that are missing and locks them all.
func loadAccounts(ctx context.Context, q querier, chans []common.Hash, lock bool) (map[common.Hash]*Account, error) {
	b := &pgx.Batch{}
	queueLoad(b, chans, lock)
	br := q.SendBatch(ctx, b)
	accs, err := readLoad(br, chans, lock)
	return accs, errors.Join(err, br.Close())
}

// queueLoad queues the reads of loadAccounts, for readLoad to take their
// results. Rows are locked in the channels' order, so that two
// transactions locking several cannot deadlock.
func queueLoad(b *pgx.Batch, chans []common.Hash, lock bool) {
	ids := make([][]byte, len(chans))
	for i := range chans {
		ids[i] = chans[i].Bytes()
	}
	slices.SortFunc(ids, func(a, b []byte) int { return strings.Compare(string(a), string(b)) })
	ids = slices.CompactFunc(ids, func(a, b []byte) bool { return string(a) == string(b) })
	sel := "SELECT channel, amount::text, signature, spent::text FROM accounts WHERE channel = ANY($1)"
	if lock {
		b.Queue("INSERT INTO accounts (channel) SELECT unnest($1::bytea[]) ON CONFLICT DO NOTHING", ids)
		sel += " ORDER BY channel FOR UPDATE"
	}
	b.Queue(sel, ids)
	b.Queue("SELECT channel, stream, paid::text, spent::text, tips::text FROM stream_money WHERE channel = ANY($1)", ids)
	b.Queue("SELECT channel, stream, used_ns FROM previews WHERE channel = ANY($1)", ids)
}

// readLoad reads what queueLoad queued: every channel of chans has an
// account, empty when the database has none.
func readLoad(br pgx.BatchResults, chans []common.Hash, lock bool) (map[common.Hash]*Account, error) {
	if lock {
		if _, err := br.Exec(); err != nil {
			return nil, err
		}
	}
	out := make(map[common.Hash]*Account, len(chans))
	for _, ch := range chans {
		a := newAccount()
		out[ch] = &a
	}
	var (
		id                  []byte
		amount, paid, spent *string
		tips                string
		sig                 []byte
		stream              string
		used                int64
	)
	rows, _ := br.Query()
	_, err := pgx.ForEachRow(rows, []any{&id, &amount, &sig, &spent}, func() error {
		a := out[common.BytesToHash(id)]
		if err := setAmount(a.Spent, *spent); err != nil {
			return err
		}
		if amount != nil {
			v := &chain.Voucher{Channel: common.BytesToHash(id), Amount: new(big.Int), Signature: sig}
			a.Best = v
			return setAmount(v.Amount, *amount)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rows, _ = br.Query()
	_, err = pgx.ForEachRow(rows, []any{&id, &stream, &paid, &spent, &tips}, func() error {
		m := Money{new(big.Int), new(big.Int), new(big.Int)}
		out[common.BytesToHash(id)].Streams[stream] = m
		return errors.Join(setAmount(m.Paid, *paid), setAmount(m.Spent, *spent), setAmount(m.Tips, tips))
	})
	if err != nil {
		return nil, err
	}
	rows, _ = br.Query()
	_, err = pgx.ForEachRow(rows, []any{&id, &stream, &used}, func() error {
		out[common.BytesToHash(id)].Preview[stream] = time.Duration(used)
		return nil
	})
	return out, err
}

func setAmount(x *big.Int, s string) error {
	if _, ok := x.SetString(s, 10); !ok {
		return fmt.Errorf("amount %q in the ledger is not an integer", s)
	}
	return nil
}

// queueStore queues the writes that make the database hold the accounts
// of chans as accs has them (whole accounts: a channel has a stream or
// two), three statements however many there are.
func queueStore(b *pgx.Batch, accs map[common.Hash]*Account, chans []common.Hash) {
	var (
		ids, sigs, mIDs, pIDs   [][]byte
		amounts                 []*string
		spents, streams, pNames []string
		paid, spent, tips       []string
		used                    []int64
	)
	for _, ch := range chans {
		a := accs[ch]
		ids, spents = append(ids, ch.Bytes()), append(spents, decimal(a.Spent))
		if a.Best != nil {
			amount := decimal(a.Best.Amount)
			amounts, sigs = append(amounts, &amount), append(sigs, a.Best.Signature)
		} else {
			amounts, sigs = append(amounts, nil), append(sigs, nil)
		}
		for _, s := range sortedKeys(a.Streams) {
			m := a.Streams[s]
			mIDs, streams = append(mIDs, ch.Bytes()), append(streams, s)
			paid, spent, tips = append(paid, decimal(m.Paid)), append(spent, decimal(m.Spent)), append(tips, decimal(m.Tips))
		}
		for _, s := range sortedKeys(a.Preview) {
			pIDs, pNames, used = append(pIDs, ch.Bytes()), append(pNames, s), append(used, int64(a.Preview[s]))
		}
	}
	b.Queue(`UPDATE accounts AS a SET amount = v.amount, signature = v.signature, spent = v.spent
		FROM unnest($1::bytea[], $2::text[]::numeric[], $3::bytea[], $4::text[]::numeric[]) AS v (channel, amount, signature, spent)
		WHERE a.channel = v.channel`, ids, amounts, sigs, spents)
	if len(mIDs) > 0 {
		b.Queue(`INSERT INTO stream_money (channel, stream, paid, spent, tips)
			SELECT * FROM unnest($1::bytea[], $2::text[], $3::text[]::numeric[], $4::text[]::numeric[], $5::text[]::numeric[])
			ON CONFLICT (channel, stream) DO UPDATE SET paid = excluded.paid, spent = excluded.spent, tips = excluded.tips`,
			mIDs, streams, paid, spent, tips)
	}
	if len(pIDs) > 0 {
		b.Queue(`INSERT INTO previews (channel, stream, used_ns) SELECT * FROM unnest($1::bytea[], $2::text[], $3::bigint[])
			ON CONFLICT (channel, stream) DO UPDATE SET used_ns = excluded.used_ns`, pIDs, pNames, used)
	}
}

// inTx runs f in a transaction and commits, retrying (a few times) when
// PostgreSQL broke a deadlock or a serialization conflict by aborting it.
func (l *PGLedger) inTx(ctx context.Context, f func(tx pgx.Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := pgx.BeginFunc(ctx, l.pool, f)
		if attempt < 3 && retryable(err) {
			continue
		}
		return err
	}
}

// retryable: PostgreSQL aborted the transaction to break a deadlock or a
// serialization conflict; running it again will do.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// Account returns a channel's account as the database holds it now; an
// empty one when the database cannot be read (logged).
func (l *PGLedger) Account(ch common.Hash) Account {
	ctx, cancel := context.WithTimeout(context.Background(), pgQueryTimeout)
	defer cancel()
	accs, err := loadAccounts(ctx, l.pool, []common.Hash{ch}, false)
	if err != nil {
		l.log.Error("ledger: reading an account", "channel", ch, "err", err)
		return newAccount()
	}
	return *accs[ch]
}

// Best returns the best voucher held for a channel.
func (l *PGLedger) Best(ch common.Hash) (*chain.Voucher, bool) {
	a := l.Account(ch)
	return a.Best, a.Best != nil
}

// Paying lists the channels holding a voucher.
func (l *PGLedger) Paying() []common.Hash {
	ctx, cancel := context.WithTimeout(context.Background(), pgQueryTimeout)
	defer cancel()
	rows, _ := l.pool.Query(ctx, "SELECT channel FROM accounts WHERE amount IS NOT NULL")
	ids, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (common.Hash, error) {
		var id []byte
		err := r.Scan(&id)
		return common.BytesToHash(id), err
	})
	if err != nil {
		l.log.Error("ledger: listing the paying channels", "err", err)
	}
	return ids
}

// Pay records a voucher (already verified) if it is above the best one,
// its increase counted as paid through stream.
func (l *PGLedger) Pay(ctx context.Context, v *chain.Voucher, stream string) (Account, error) {
	return l.pay(ctx, v, stream, false)
}

// Tip records a voucher (already verified) above the best one, its
// increase spent as a tip for stream, in one transaction.
func (l *PGLedger) Tip(ctx context.Context, v *chain.Voucher, stream string) (Account, error) {
	return l.pay(ctx, v, stream, true)
}

func (l *PGLedger) pay(ctx context.Context, v *chain.Voucher, stream string, tip bool) (Account, error) {
	var out Account
	var refused error
	err := l.inTx(ctx, func(tx pgx.Tx) error {
		accs, err := loadAccounts(ctx, tx, []common.Hash{v.Channel}, true)
		if err != nil {
			return err
		}
		a := accs[v.Channel]
		out, refused = a.clone(), nil
		if v.Amount.Cmp(a.Paid()) <= 0 {
			refused = fmt.Errorf("%w (%s wei)", ErrNotIncreasing, a.Paid())
			return nil
		}
		inc := new(big.Int).Sub(v.Amount, a.Paid())
		if tip {
			a.Spent.Add(a.Spent, inc)
			a.add(stream, inc, inc, inc)
		} else {
			a.add(stream, inc, nil, nil)
		}
		a.Best = &chain.Voucher{Channel: v.Channel, Amount: new(big.Int).Set(v.Amount), Signature: append([]byte(nil), v.Signature...)}
		b := &pgx.Batch{}
		queueStore(b, accs, []common.Hash{v.Channel})
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		out = a.clone()
		return nil
	})
	if err != nil {
		return l.Account(v.Channel), fmt.Errorf("ledger: %w", err)
	}
	return out, refused
}

// Refund lowers the channel's spending by r.Amount for an item the session
// was charged for, once, as BoltLedger.Refund does.
func (l *PGLedger) Refund(ctx context.Context, r Refund) (Receipt, error) {
	if l.isClosed() {
		return Receipt{}, ErrLedgerClosed
	}
	var rc Receipt
	var refused error
	err := l.inTx(ctx, func(tx pgx.Tx) error {
		accs, err := loadAccounts(ctx, tx, []common.Hash{r.Channel}, true)
		if err != nil {
			return err
		}
		a := accs[r.Channel]
		rc = Receipt{Price: new(big.Int), Paid: new(big.Int).Set(a.Paid()), Spent: new(big.Int).Set(a.Spent)}
		refused = nil
		var charged, refunded bool
		err = tx.QueryRow(ctx, `SELECT
			EXISTS (SELECT 1 FROM charges WHERE channel = $1 AND session = $2 AND item = $3),
			EXISTS (SELECT 1 FROM charges WHERE channel = $1 AND session = $2 AND item = $4)`,
			r.Channel.Bytes(), r.Session, r.Item.key(), r.Item.refundKey()).Scan(&charged, &refunded)
		if err != nil {
			return err
		}
		switch m, ok := a.Streams[r.Item.Stream]; {
		case refunded:
			rc.Already = true
			return nil
		case !charged:
			refused = ErrNotCharged
			return nil
		case r.Amount == nil || r.Amount.Sign() <= 0 || !ok || r.Amount.Cmp(new(big.Int).Sub(m.Spent, m.Tips)) > 0:
			refused = ErrBadRefund
			return nil
		}
		a.Spent.Sub(a.Spent, r.Amount)
		a.add(r.Item.Stream, nil, new(big.Int).Neg(r.Amount), nil)
		b := &pgx.Batch{}
		queueStore(b, accs, []common.Hash{r.Channel})
		b.Queue("INSERT INTO charges (channel, session, item, price) VALUES ($1, $2, $3, $4::numeric)",
			r.Channel.Bytes(), r.Session, r.Item.refundKey(), decimal(new(big.Int).Neg(r.Amount)))
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		rc.Price.Set(r.Amount)
		rc.Spent.Set(a.Spent)
		return nil
	})
	if err != nil {
		return Receipt{}, fmt.Errorf("ledger: %w", err)
	}
	return rc, refused
}

func (l *PGLedger) isClosed() bool {
	l.closeMu.RLock()
	defer l.closeMu.RUnlock()
	return l.closed
}

// RecordingSecret returns a recording's secret; with create set, one the
// database does not have yet is made at random and committed before it is
// returned, the first node's winning when several make one at once
// (hls.SecretStore, as BoltLedger.RecordingSecret).
func (l *PGLedger) RecordingSecret(stream, recording string, create bool) ([]byte, error) {
	if stream == "" || recording == "" {
		return nil, errors.New("ledger: a recording secret needs a stream and a recording")
	}
	ctx, cancel := context.WithTimeout(context.Background(), pgQueryTimeout)
	defer cancel()
	secret, err := l.secret(ctx, create,
		"SELECT secret FROM recording_secrets WHERE stream = $1 AND recording = $2",
		"INSERT INTO recording_secrets (stream, recording, secret) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
		stream, recording)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, fmt.Errorf("%w: %s/%s", ErrNoSecret, stream, recording)
	case err != nil:
		return nil, fmt.Errorf("ledger: the secret of %s/%s: %w", stream, recording, err)
	}
	return secret, nil
}

// SessionSecret returns the secret that signs session tokens, made once
// for all the nodes sharing the database, so that a viewer's token is
// good on whichever node the load balancer picks.
func (l *PGLedger) SessionSecret(ctx context.Context) ([]byte, error) {
	secret, err := l.secret(ctx, true,
		"SELECT secret FROM node_secrets WHERE name = $1",
		"INSERT INTO node_secrets (name, secret) VALUES ($1, $2) ON CONFLICT DO NOTHING",
		"session")
	if err != nil {
		return nil, fmt.Errorf("ledger: the session secret: %w", err)
	}
	return secret, nil
}

// secret reads a secret by key; if there is none and create is set, it
// inserts a random one unless another node did first, and reads again.
// Without create, none is pgx.ErrNoRows.
func (l *PGLedger) secret(ctx context.Context, create bool, sel, ins string, key ...any) ([]byte, error) {
	var secret []byte
	err := l.pool.QueryRow(ctx, sel, key...).Scan(&secret)
	if err == nil || !create || !errors.Is(err, pgx.ErrNoRows) {
		return secret, err
	}
	fresh := make([]byte, secretSize)
	_, _ = rand.Read(fresh)
	if _, err := l.pool.Exec(ctx, ins, append(key, fresh)...); err != nil {
		return nil, err
	}
	err = l.pool.QueryRow(ctx, sel, key...).Scan(&secret)
	return secret, err
}

// SettleLock takes the cluster's settlement lock (chain.Settler.Lock), a
// PostgreSQL advisory lock held by one connection until release: one
// node settles at a time, and a node that dies drops the lock with its
// connection. Without wait, a lock held elsewhere is ok=false at once.
func (l *PGLedger) SettleLock(ctx context.Context, wait bool) (release func(), ok bool, err error) {
	c, err := l.pool.Acquire(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("ledger: settlement lock: %w", err)
	}
	if wait {
		_, err = c.Exec(ctx, "SELECT pg_advisory_lock($1, $2)", pgLockClass, pgLockSettle)
		ok = err == nil
	} else {
		err = c.QueryRow(ctx, "SELECT pg_try_advisory_lock($1, $2)", pgLockClass, pgLockSettle).Scan(&ok)
	}
	if err != nil || !ok {
		c.Release()
		if err != nil {
			err = fmt.Errorf("ledger: settlement lock: %w", err)
		}
		return nil, false, err
	}
	return func() {
		uctx, cancel := context.WithTimeout(context.Background(), pgQueryTimeout)
		defer cancel()
		if _, err := c.Exec(uctx, "SELECT pg_advisory_unlock($1, $2)", pgLockClass, pgLockSettle); err != nil {
			// Closed, the connection takes the lock with it.
			_ = c.Conn().Close(uctx)
		}
		c.Release()
	}, true, nil
}
