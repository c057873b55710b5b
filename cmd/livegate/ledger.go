package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/livegate/livegate/hls"
	"github.com/livegate/livegate/paywall"
)

// ledger is what the server needs of its ledger: the paywall's accounts,
// the recordings' secrets kept beside them, and its commit counts for
// /metrics. paywall.BoltLedger and paywall.PGLedger are both.
type ledger interface {
	paywall.Ledger
	hls.SecretStore
	CommitStats() paywall.CommitStats
}

// openLedger opens the ledger the config names, PostgreSQL when
// ledger.postgres is set (nodes sharing it), else the embedded one in the
// data directory, and the secret that signs session tokens from the same
// place: with several nodes it must be one secret, so it lives in the
// database. It logs which ledger it uses; an unreachable database is an
// error naming ledger.postgres, within pgConnectTimeout.
func openLedger(cfg Config, log *slog.Logger) (ledger, []byte, error) {
	if cfg.Ledger.Postgres == "" {
		path := filepath.Join(cfg.Data, "ledger.db")
		l, err := paywall.OpenBoltLedger(path)
		if err != nil {
			return nil, nil, err
		}
		secret, err := paywall.LoadSecret(filepath.Join(cfg.Data, "session.key"))
		if err != nil {
			_ = l.Close()
			return nil, nil, err
		}
		log.Info("ledger: embedded", "path", path)
		return l, secret, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	l, err := paywall.OpenPGLedger(ctx, cfg.Ledger.Postgres)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (is the database up, and ledger.postgres right?)", err)
	}
	secret, err := l.SessionSecret(ctx)
	if err != nil {
		_ = l.Close()
		return nil, nil, fmt.Errorf("ledger.postgres: %w", err)
	}
	host, port, db := l.Where()
	log.Info("ledger: postgres", "host", fmt.Sprintf("%s:%d", host, port), "db", db, "schema", fmt.Sprintf("v%d", l.SchemaVersion()))
	return l, secret, nil
}
