// Package cluster lets several livegate nodes serve one audience with
// nothing but their shared PostgreSQL database to agree on.
//
// A publisher pushes to one node, the stream's ingest node. Every node
// writes, once a second, a row per stream it serves: whether a publisher
// feeds it there and the number its next segment gets (Registry). Any
// other node then finds the ingest node of a stream in those rows and
// sends the stream's live requests to it (livegate's cmd wires an HTTP
// reverse proxy on Owner): the ingest node alone knows the live segments,
// their durations and whether one is still being cut, so the live
// playlists, segments and keys come from it, while sessions, top-ups and
// the charges themselves go to the shared ledger from whichever node
// answers. Recordings are served by any node from object storage.
//
// A publisher that loses its node and reconnects to another goes on under
// the numbers the old node reached (LastSeq, hls.Stream.Advance), so the
// players that followed it see the same stream continue after a
// discontinuity. The database's clock, not the nodes', says what is
// fresh.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Local is what the registry reads of this node's streams.
type Local interface {
	// Streams are the names this node serves.
	Streams() []string
	// State is a stream's state here: published here (live: a publisher
	// feeds it or is expected back), and the number its next segment
	// gets while live, else one past the last segment published here (0:
	// none). Never a number an idle stream was advanced to
	// (hls.Stream.Advance): idle nodes advancing to each other's numbers
	// would never stop.
	State(stream string) (live bool, next uint64)
}

// Owner is the node a stream's publisher is on.
type Owner struct {
	Node string // its name
	URL  string // its HTTP base URL, for other nodes
}

// Registry heartbeats this node's streams into the shared database and
// reads every node's, once an Interval. Start it, then Close it.
type Registry struct {
	DB     *pgxpool.Pool
	Node   string // this node's name, unique in the cluster
	URL    string // where other nodes reach this node's HTTP
	Local  Local
	Logger *slog.Logger
	// Interval between heartbeats (default 1 s); a row not refreshed for
	// TTL (default 5 s) is a node gone.
	Interval, TTL time.Duration

	seen   atomic.Pointer[snapshot]
	cancel context.CancelFunc
	done   sync.WaitGroup
	failed atomic.Bool // the last round failed (logged once per outage)
}

// snapshot is what the last round read: per stream, the live owner on
// another node, and the highest next number another node reported.
type snapshot struct {
	owners map[string]Owner
	next   map[string]uint64
}

// schema is the registry's table, created if missing under an advisory
// lock (two nodes starting together). Its key is (stream, node): each node
// writes only its own rows.
const schema = `
SELECT pg_advisory_xact_lock(4242001);
CREATE TABLE IF NOT EXISTS cluster_streams (
	stream    text NOT NULL,
	node      text NOT NULL,
	url       text NOT NULL,
	live      boolean NOT NULL,
	next_seq  bigint NOT NULL,
	heartbeat timestamptz NOT NULL,
	PRIMARY KEY (stream, node)
);`

// Start creates the table if needed, runs one round, so that Owner and
// LastSeq answer from the start, and heartbeats until Close.
func (r *Registry) Start(ctx context.Context) error {
	if r.Node == "" || r.URL == "" || r.DB == nil || r.Local == nil {
		return errors.New("cluster: a registry needs a database, a node name, its URL and its streams")
	}
	if r.Interval <= 0 {
		r.Interval = time.Second
	}
	if r.TTL <= 0 {
		r.TTL = 5 * r.Interval
	}
	if r.Logger == nil {
		r.Logger = slog.Default()
	}
	if err := pgx.BeginFunc(ctx, r.DB, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, schema)
		return err
	}); err != nil {
		return fmt.Errorf("cluster: creating the registry table: %w", err)
	}
	if err := r.round(ctx); err != nil {
		return fmt.Errorf("cluster: first heartbeat: %w", err)
	}
	run, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	r.done.Add(1)
	go r.run(run)
	return nil
}

// Close stops the heartbeat and marks this node's streams not live, so
// that other nodes know at once rather than after TTL; the rows stay, with
// the numbers this node reached, for a node that continues a stream.
func (r *Registry) Close() {
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.done.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := r.DB.Exec(ctx, `UPDATE cluster_streams SET live = false WHERE node = $1`, r.Node); err != nil {
		r.Logger.Warn("cluster: leaving: could not mark this node's streams gone; its rows expire", "err", err)
	}
}

func (r *Registry) run(ctx context.Context) {
	defer r.done.Done()
	t := time.NewTicker(r.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rctx, cancel := context.WithTimeout(ctx, r.TTL)
		err := r.round(rctx)
		cancel()
		switch {
		case err != nil && ctx.Err() == nil && !r.failed.Swap(true):
			r.Logger.Error("cluster: heartbeat failed; other nodes' streams are served from what was last read", "err", err)
		case err == nil && r.failed.Swap(false):
			r.Logger.Info("cluster: heartbeat back")
		}
	}
}

// round writes this node's rows and reads everyone's.
func (r *Registry) round(ctx context.Context) error {
	b := &pgx.Batch{}
	for _, name := range r.Local.Streams() {
		live, next := r.Local.State(name)
		b.Queue(`INSERT INTO cluster_streams (stream, node, url, live, next_seq, heartbeat)
			VALUES ($1, $2, $3, $4, $5, now())
			ON CONFLICT (stream, node) DO UPDATE SET url = $3, live = $4, next_seq = $5, heartbeat = now()`,
			name, r.Node, r.URL, live, int64(min(next, 1<<62)))
	}
	if err := r.DB.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	rows, err := r.DB.Query(ctx, `SELECT stream, node, url, live AND heartbeat > now() - make_interval(secs => $1), next_seq
		FROM cluster_streams ORDER BY heartbeat`, r.TTL.Seconds())
	if err != nil {
		return err
	}
	snap := &snapshot{owners: map[string]Owner{}, next: map[string]uint64{}}
	for rows.Next() {
		var stream, node, url string
		var live bool
		var next int64
		if err := rows.Scan(&stream, &node, &url, &live, &next); err != nil {
			return err
		}
		if live && node != r.Node {
			snap.owners[stream] = Owner{Node: node, URL: url} // the freshest wins
		}
		if next > 0 && node != r.Node {
			snap.next[stream] = max(snap.next[stream], uint64(next))
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	r.seen.Store(snap)
	return nil
}

// Owner is the other node a stream's publisher is on now, if any.
func (r *Registry) Owner(stream string) (Owner, bool) {
	snap := r.seen.Load()
	if snap == nil {
		return Owner{}, false
	}
	o, ok := snap.owners[stream]
	return o, ok
}

// LastSeq is the highest next segment number another node reported for
// stream, live or gone: where a stream continued here goes on. A node
// reports once an Interval, so the one it died on may have published a
// segment more.
func (r *Registry) LastSeq(stream string) (uint64, bool) {
	snap := r.seen.Load()
	if snap == nil {
		return 0, false
	}
	n, ok := snap.next[stream]
	return n, ok
}
