package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/livegate/livegate/cluster"
)

// clusterNode is this server's part in a cluster (cluster: in
// livegate.yml): its streams heartbeated into the shared database, live
// requests for streams published on other nodes sent there, and a stream
// whose publisher moves here continued under the numbers the other node
// reached.
type clusterNode struct {
	s   *server
	db  *pgxpool.Pool
	reg *cluster.Registry
	// segments: durations of finished segments published on other
	// nodes, whose keys this node sells (hls.Origin.Remote).
	segments *cluster.Segments
	stop     context.CancelFunc
	done     sync.WaitGroup
	closed   sync.Once
}

// newClusterNode connects to the shared database; it fails, naming
// ledger.postgres, when the database cannot be reached.
func newClusterNode(s *server) (*clusterNode, error) {
	cfg, err := pgxpool.ParseConfig(s.cfg.Ledger.Postgres)
	if err != nil {
		return nil, fmt.Errorf("ledger.postgres: %w", err)
	}
	cfg.MaxConns = 4 // one heartbeat a second
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	db, err := pgxpool.NewWithConfig(ctx, cfg)
	if err == nil {
		err = db.Ping(ctx)
	}
	if err != nil {
		if db != nil {
			db.Close()
		}
		return nil, fmt.Errorf("cluster: cannot reach ledger.postgres (%s): %w", cfg.ConnConfig.Host, err)
	}
	c := &clusterNode{s: s, db: db}
	c.reg = &cluster.Registry{DB: db, Node: s.cfg.Cluster.node(), URL: s.cfg.Cluster.URL, Local: c, Logger: s.log}
	c.segments = &cluster.Segments{Registry: c.reg}
	return c, nil
}

// Streams implements cluster.Local.
func (c *clusterNode) Streams() []string {
	names := make([]string, 0, len(c.s.streams))
	for n := range c.s.streams {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// State implements cluster.Local: a stream published here (or waiting
// for its publisher to come back) reports the number its next segment
// gets; another, the archive's, one past what was published here.
func (c *clusterNode) State(stream string) (bool, uint64) {
	st := c.s.streams[stream]
	if st.Ingesting() {
		return true, st.NextSeq()
	}
	return false, c.s.archive.NextSeq(stream)
}

// handler puts the cluster's router in front of this node's own.
func (c *clusterNode) handler(next http.Handler) http.Handler {
	return &cluster.Router{
		Registry: c.reg, Next: next, Segments: c.segments,
		Here: func(stream string) bool {
			st, ok := c.s.streams[stream]
			return ok && st.Ingesting()
		},
		Has: func(stream, recording string) bool { return c.s.archive.Recording(stream, recording) != nil },
	}
}

// start heartbeats, once this node answers HTTP, and keeps every stream
// not published here ready to continue where another node left it.
func (c *clusterNode) start() error {
	if err := c.reg.Start(context.Background()); err != nil {
		return err
	}
	ctx, stop := context.WithCancel(context.Background())
	c.stop = stop
	c.done.Add(1)
	go func() {
		defer c.done.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			c.advance()
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	c.s.log.Info("cluster: joined", "node", c.reg.Node, "url", c.reg.URL)
	return nil
}

// advance moves each stream not published here past the numbers other
// nodes published it under. A node reports its next number once a
// second, and the registry is read once a second, so the node the
// publisher left may have opened a few more segments since: the margin
// covers three seconds of them, and two more.
func (c *clusterNode) advance() {
	margin := 2 + uint64(3*time.Second/max(time.Duration(c.s.cfg.Segment), time.Millisecond))
	for name, st := range c.s.streams {
		if n, ok := c.reg.LastSeq(name); ok && !st.Ingesting() {
			st.Advance(n + margin)
		}
	}
}

// close leaves the cluster first, so the other nodes stop sending this
// one requests, then closes the database.
func (c *clusterNode) close() {
	c.closed.Do(func() {
		if c.stop != nil {
			c.stop()
			c.done.Wait()
		}
		c.reg.Close()
		c.db.Close()
	})
}
