package paywall

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"

	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testpg"
)

// The PostgreSQL ledger's own tests; the interface's are in
// ledger_test.go, run against it and BoltLedger alike. The database is a
// real PostgreSQL 15 that testpg starts.

func TestMain(m *testing.M) { testpg.Main(m) }

func openPG(t *testing.T, url string) *PGLedger {
	t.Helper()
	l, err := OpenPGLedger(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// pgStore is a fresh database; a CHECK constraint that no charge passes
// breaks the ledger's writes.
func pgStore(t *testing.T) ledgerStore {
	url := testpg.New(t)
	exec := func(t *testing.T, sql string) {
		t.Helper()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = conn.Close(ctx) }()
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	return ledgerStore{
		open: func(t *testing.T) Ledger { return openPG(t, url) },
		breakNext: func(t *testing.T, _ Ledger) {
			exec(t, "ALTER TABLE charges DROP CONSTRAINT IF EXISTS broken; ALTER TABLE charges ADD CONSTRAINT broken CHECK (false) NOT VALID")
		},
		heal: func(t *testing.T, _ Ledger) { exec(t, "ALTER TABLE charges DROP CONSTRAINT broken") },
	}
}

// Two nodes on one database, 100 charges racing for a channel's last 37
// segments' credit: 37 go through, whichever node took them; and one
// segment raced for by 100 requests of one session is charged once.
func TestPGTwoNodesNeverOverspend(t *testing.T) {
	url := testpg.New(t)
	nodes := []*PGLedger{openPG(t, url), openPG(t, url)}
	ch := common.Hash{3}
	if _, err := nodes[0].Pay(ctx, voucher(ch, 37*7+3), ""); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var ok, already atomic.Int64
	for i := range 100 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := nodes[i%2].Charge(ctx, charge(ch, fmt.Sprintf("s%d", i%5), uint64(i), 7))
			switch {
			case err == nil:
				ok.Add(1)
			case !errors.Is(err, ErrInsufficientCredit):
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			rc, err := nodes[i%2].Charge(ctx, charge(common.Hash{4}, "one", 1, 0))
			if err != nil {
				t.Error(err)
			} else if rc.Already {
				already.Add(1)
			}
		}()
	}
	wg.Wait()
	for i, n := range nodes {
		if a := n.Account(ch); ok.Load() != 37 || a.Spent.Int64() != 37*7 {
			t.Errorf("node %d: %d charges went through, spent %s; want 37 and %d", i, ok.Load(), a.Spent, 37*7)
		}
	}
	if already.Load() != 99 {
		t.Errorf("one segment of one session raced for 100 times: %d already paid, want 99", already.Load())
	}
}

// Nodes starting together apply each migration once, and agree on the
// schema's version.
func TestPGMigrationsConcurrent(t *testing.T) {
	url := testpg.New(t)
	var wg sync.WaitGroup
	versions := make([]int, 4)
	for i := range versions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := OpenPGLedger(ctx, url)
			if err != nil {
				t.Error(err)
				return
			}
			versions[i] = l.SchemaVersion()
			_ = l.Close()
		}()
	}
	wg.Wait()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(ctx) }()
	var rows, latest int
	if err := conn.QueryRow(ctx, "SELECT count(*), max(version) FROM schema_version").Scan(&rows, &latest); err != nil {
		t.Fatal(err)
	}
	if latest < 1 || rows != latest {
		t.Errorf("schema_version holds %d rows up to v%d: each migration once", rows, latest)
	}
	for i, v := range versions {
		if v != latest {
			t.Errorf("node %d saw schema v%d, the database is at v%d", i, v, latest)
		}
	}
	// A database migrated by a newer livegate is refused, by name.
	if _, err := conn.Exec(ctx, "INSERT INTO schema_version (version) VALUES ($1)", latest+1); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenPGLedger(ctx, url); err == nil || !strings.Contains(err.Error(), "upgrade livegate") {
		t.Errorf("a newer schema: %v", err)
	}
}

// A database nobody listens for fails OpenPGLedger with an error naming
// the setting and the address.
func TestPGUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // the port is now closed
	_, err = OpenPGLedger(ctx, "postgres://livegate:secret@"+addr+"/livegate")
	if err == nil {
		t.Fatal("opened a ledger on a closed port")
	}
	if msg := err.Error(); !strings.Contains(msg, "ledger.postgres") || !strings.Contains(msg, addr) || strings.Contains(msg, "secret") {
		t.Errorf("the error should name ledger.postgres and %s, never the password: %v", addr, err)
	}
}

// Recording secrets and the session secret, made by either node, are the
// same on both, made once even when both make them at once.
func TestPGSecretsSharedByNodes(t *testing.T) {
	url := testpg.New(t)
	a, b := openPG(t, url), openPG(t, url)
	if _, err := a.RecordingSecret("demo", "r1", false); !errors.Is(err, ErrNoSecret) {
		t.Fatalf("no secret yet: %v, want ErrNoSecret", err)
	}
	if _, err := a.RecordingSecret("", "r1", true); err == nil {
		t.Error("a secret for no stream was made")
	}
	var wg sync.WaitGroup
	rec, sess := make([][]byte, 8), make([][]byte, 8)
	for i := range rec {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := []*PGLedger{a, b}[i%2]
			var err1, err2 error
			rec[i], err1 = n.RecordingSecret("demo", "r1", true)
			sess[i], err2 = n.SessionSecret(ctx)
			if err := errors.Join(err1, err2); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for i := range rec {
		if len(rec[i]) != secretSize || !bytes.Equal(rec[i], rec[0]) || len(sess[i]) != secretSize || !bytes.Equal(sess[i], sess[0]) {
			t.Fatalf("secrets made at once differ: %x %x, %x %x", rec[0], rec[i], sess[0], sess[i])
		}
	}
	if bytes.Equal(rec[0], sess[0]) {
		t.Error("the session secret is a recording's")
	}
	other, err := b.RecordingSecret("demo", "r2", true)
	if err != nil || bytes.Equal(other, rec[0]) {
		t.Errorf("another recording's secret: %x, %v", other, err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := openPG(t, url).RecordingSecret("demo", "r1", false)
	if err != nil || !bytes.Equal(again, rec[0]) {
		t.Errorf("after reopening: %x, %v; want %x", again, err, rec[0])
	}
}

// The settlement lock is held by one node at a time, waited for when
// asked, and free again once released or once its holder is gone.
func TestPGSettleLock(t *testing.T) {
	url := testpg.New(t)
	a, b := openPG(t, url), openPG(t, url)
	release, ok, err := a.SettleLock(ctx, false)
	if err != nil || !ok {
		t.Fatalf("first lock: %v %v", ok, err)
	}
	if _, ok, err := b.SettleLock(ctx, false); err != nil || ok {
		t.Fatalf("another node took a held lock: %v %v", ok, err)
	}
	got := make(chan func())
	go func() {
		r, ok, err := b.SettleLock(ctx, true)
		if err != nil || !ok {
			t.Errorf("waiting for the lock: %v %v", ok, err)
		}
		got <- r
	}()
	release()
	rb := <-got
	if _, ok, _ := a.SettleLock(ctx, false); ok {
		t.Fatal("the lock was taken twice")
	}
	// A node whose connection is gone (it died, or the network did) drops
	// the lock with it; its release, later, must still return.
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(ctx) }()
	var killed int
	if err := conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_locks
		WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND granted`, pgLockClass, pgLockSettle).Scan(&killed); err != nil || killed != 1 {
		t.Fatalf("ending the holder's connection: %d ended, %v", killed, err)
	}
	testenv.Eventually(t, "the lock is free once its holder's connection ended", func() bool {
		r, ok, err := a.SettleLock(ctx, false)
		if err != nil || !ok {
			return false
		}
		r()
		return true
	})
	rb()
}

// Charges are kept for today and yesterday (UTC), as BoltLedger keeps
// them: older ones are pruned, and their segments sold again.
func TestPGPrunesChargesBeforeYesterday(t *testing.T) {
	url := testpg.New(t)
	l := openPG(t, url)
	ch := common.Hash{5}
	if _, err := l.Pay(ctx, voucher(ch, 1000), ""); err != nil {
		t.Fatal(err)
	}
	for seq := range uint64(3) {
		if _, err := l.Charge(ctx, charge(ch, "s", seq, 10)); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(ctx) }()
	// Segment 0 was sold the day before yesterday, 1 early yesterday.
	if _, err := conn.Exec(ctx, `UPDATE charges SET at = CASE item
		WHEN 'demo/rec/0' THEN date_trunc('day', now(), 'UTC') - interval '1 day 1 second'
		ELSE date_trunc('day', now(), 'UTC') - interval '23 hours' END
		WHERE item IN ('demo/rec/0', 'demo/rec/1')`); err != nil {
		t.Fatal(err)
	}
	if n, err := l.prune(ctx); err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want the one charge before yesterday", n, err)
	}
	for seq, again := range []bool{true, false, false} {
		rc, err := l.Charge(ctx, charge(ch, "s", uint64(seq), 10))
		if err != nil || rc.Already == again {
			t.Errorf("segment %d after pruning: %+v %v; sold again: %v", seq, rc, err, again)
		}
	}
	if a := l.Account(ch); a.Spent.Int64() != 40 {
		t.Errorf("spent %s, want 40", a.Spent)
	}
}

// Vouchers racing on two nodes: the best one held only rises, each
// accepted voucher was above the best when it was taken, and the last is
// the largest.
func TestPGTwoNodesVouchersOnlyRise(t *testing.T) {
	url := testpg.New(t)
	nodes := []*PGLedger{openPG(t, url), openPG(t, url)}
	ch := common.Hash{7}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var accepted []int64
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			amount := int64(i%100 + 1) // each amount twice
			acc, err := nodes[i%2].Pay(ctx, voucher(ch, amount), "demo")
			switch {
			case err == nil:
				if acc.Paid().Int64() != amount {
					t.Errorf("accepted %d, the account holds %s", amount, acc.Paid())
				}
				mu.Lock()
				accepted = append(accepted, amount)
				mu.Unlock()
			case !errors.Is(err, ErrNotIncreasing):
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	seen := map[int64]bool{}
	for _, a := range accepted {
		if seen[a] {
			t.Errorf("voucher %d accepted twice", a)
		}
		seen[a] = true
	}
	a := nodes[1].Account(ch)
	if a.Paid().Int64() != 100 || a.Streams["demo"].Paid.Int64() != 100 {
		t.Errorf("after the race: paid %s, through demo %s; want 100 (accepted %v)", a.Paid(), a.Streams["demo"].Paid, accepted)
	}
}
