package main

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testpg"
	"github.com/livegate/livegate/paywall"
)

// With ledger.postgres, serve keeps its money, recording secrets and
// session secret in the database (what another node would read), says so
// at start-up, and settles under the cluster's lock.
func TestServeWithThePostgresLedger(t *testing.T) {
	dir := t.TempDir()
	w := newPaidWorld(t, dir, 1, 1_000_000)
	pg := testpg.New(t)
	e := startE2EWith(t, filepath.Join(dir, "data"), func(c *Config) {
		w.configure(c)
		c.Ledger.Postgres = pg
	})
	if !regexp.MustCompile(`msg="ledger: postgres" host=127\.0\.0\.1:\d+ db=\w+ schema=v\d+`).MatchString(e.logs.String()) {
		t.Errorf("the start-up log does not say which ledger:\n%s", e.logs)
	}
	if e.srv.pay.settler.Lock == nil {
		t.Error("the settler settles without the cluster's lock")
	}
	e.publishClip("demo")
	rec := e.recordings("demo").Recordings[0].ID
	var s session
	if code, msg := post(t, e.base+"/pay/demo/session", "", w.voucherJSON(0, 10_000), &s); code != 200 {
		t.Fatalf("session: %d %s", code, msg)
	}
	resp, body := getWith(t, e.base+"/key/demo/"+rec+"/0?token="+url.QueryEscape(s.Token))
	if resp.StatusCode != 200 || len(body) != 16 || resp.Header.Get("Livegate-Spent") != "2000" {
		t.Fatalf("a paid key: %d, %d bytes, %v", resp.StatusCode, len(body), resp.Header)
	}
	// Another node's view of the database.
	other, err := paywall.OpenPGLedger(context.Background(), pg)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if acc := other.Account(w.channels[0]); acc.Spent.Int64() != 2000 || acc.Paid().Int64() != 10_000 {
		t.Errorf("the database holds paid %s, spent %s; want 10000 and 2000", acc.Paid(), acc.Spent)
	}
	if _, err := other.RecordingSecret("demo", rec, false); err != nil {
		t.Errorf("the recording's secret is not in the database: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "session.key")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a session secret of this node alone was made: %v", err)
	}
}

// Without ledger.postgres, serve says it uses the embedded ledger.
func TestServeSaysItsLedgerIsEmbedded(t *testing.T) {
	dir := t.TempDir()
	w := newPaidWorld(t, dir, 0, 0)
	e := startE2EWith(t, filepath.Join(dir, "data"), w.configure)
	want := `msg="ledger: embedded" path=` + filepath.Join(dir, "data", "ledger.db")
	if !strings.Contains(e.logs.String(), want) {
		t.Errorf("the start-up log lacks %q:\n%s", want, e.logs)
	}
}

// A ledger.postgres nobody answers stops serve, the error naming the
// setting and the address.
func TestServeRefusesAnUnreachableLedger(t *testing.T) {
	addr := freeAddr(t) // nobody listens there
	dir := t.TempDir()
	w := newPaidWorld(t, dir, 0, 0)
	cfg := defaultConfig()
	cfg.HTTP, cfg.RTMP, cfg.RTSP, cfg.Data = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0", filepath.Join(dir, "data")
	cfg.Transcoder.Mode = "none"
	w.configure(&cfg)
	cfg.Ledger.Postgres = "postgres://livegate@" + addr + "/livegate"
	err := refusedStart(t, cfg, "ledger.postgres")
	if msg := err.Error(); !strings.Contains(msg, "ledger.postgres") || !strings.Contains(msg, addr) {
		t.Errorf("the refusal does not name the setting and the address: %v", err)
	}
}

// refusedStart builds a server from cfg, which must be valid, and
// returns why it refused to start; a server that starts fails the test.
func refusedStart(t *testing.T, cfg Config, setting string) error {
	t.Helper()
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	logs := &testenv.LogBuffer{}
	srv, err := newServer(cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err == nil {
		srv.abandon()
		t.Fatalf("started with a %s nobody answers", setting)
	}
	return err
}
