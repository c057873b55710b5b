package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"html"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/internal/testbrowser"
	"github.com/livegate/livegate/provision"
)

// TestLinksSheetPlays: an organizer prefunds three viewers; each link's
// channel is on chain for its burner key, the CSV and the printable sheet
// hold the links, a second run never overwrites them, and the sheet's
// first link plays the paid stream in Chromium.
func TestLinksSheetPlays(t *testing.T) {
	b := testbrowser.Start(t)
	dir := t.TempDir()
	w := newPaidWorld(t, dir, 1, 1_000_000)
	e := startE2EWith(t, filepath.Join(dir, "data"), w.configure)
	pushLoop(t, e, 30)
	payee := crypto.PubkeyToAddress(w.payee.PublicKey)
	out := filepath.Join(dir, "links")
	// Batches of two: the three links take two transactions, as a
	// thousand take ten batches of 100.
	p := linksPlan{Links: provision.Links{Stream: "demo", Count: 3, Amount: "100000wei", Expiry: 48 * time.Hour, Out: out,
		Base: e.base, Payee: payee, Organizer: w.viewers[0], BatchSize: 2}, rpc: w.dev.URL, contract: w.client.Address}
	quiet := slog.New(slog.DiscardHandler)
	if n, err := p.make(context.Background(), quiet); n != 3 || err != nil {
		t.Fatalf("links: %d, %v", n, err)
	}
	f, err := os.Open(filepath.Join(out, "links.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != 4 || rows[0][1] != "watch_url" {
		t.Fatalf("links.csv: %v %v", err, rows)
	}
	sheet, _ := os.ReadFile(filepath.Join(out, "links.html"))
	journal, _ := os.ReadFile(filepath.Join(out, "links.keys"))
	if lines := strings.Split(strings.TrimSpace(string(journal)), "\n"); len(lines) != 3 {
		t.Errorf("links.keys: %q", journal)
	}
	for _, r := range rows[1:] {
		key, err := crypto.HexToECDSA(strings.TrimPrefix(r[3], "0x"))
		if err != nil || crypto.PubkeyToAddress(key.PublicKey).Hex() != r[2] {
			t.Fatalf("row %s: key %v does not match address %s", r[0], err, r[2])
		}
		ch, err := w.client.Channel(context.Background(), common.HexToHash(r[4]), nil)
		if err != nil || ch.Funder != crypto.PubkeyToAddress(w.viewers[0].PublicKey) || ch.Signer.Hex() != r[2] ||
			ch.Payee != payee || ch.Deposit.Cmp(big.NewInt(100_000)) != 0 || time.Until(ch.Expiry) < 47*time.Hour {
			t.Errorf("row %s: channel on chain %+v, %v", r[0], ch, err)
		}
		if !strings.Contains(string(journal), r[2]+" "+r[3]+"\n") {
			t.Errorf("row %s: its key is not in links.keys", r[0])
		}
		if r[1] != e.base+"/watch/demo#k="+r[3]+"&c="+r[4] || !strings.Contains(html.UnescapeString(string(sheet)), r[1]) {
			t.Errorf("row %s: link %s not as expected or not on the sheet", r[0], r[1])
		}
	}
	// Two transactions opened the three (openMany, two a batch).
	opened, err := w.client.Contract().FilterOpened(&bind.FilterOpts{Context: context.Background()}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	txs := map[common.Hash]int{}
	for opened.Next() {
		if opened.Event.Signer != crypto.PubkeyToAddress(w.viewers[0].PublicKey) { // the world's own channel
			txs[opened.Event.Raw.TxHash]++
		}
	}
	opened.Close()
	if len(txs) != 2 {
		t.Errorf("the links' channels came in %d transactions (%v), want two", len(txs), txs)
	}
	if !strings.Contains(string(sheet), "0.0000000000001 ETH") {
		t.Errorf("the sheet does not show the deposit in ETH")
	}
	if n := bytes.Count(sheet, []byte(`<img src="data:image/png;base64,`)); n != 3 {
		t.Errorf("the sheet has %d QR codes", n)
	}
	// Running again into the same directory would lose funded keys: refused.
	if n, err := p.make(context.Background(), quiet); n != 0 || err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("a second run into %s: %d, %v", out, n, err)
	}
	if again, _ := os.ReadFile(filepath.Join(out, "links.html")); !bytes.Equal(again, sheet) {
		t.Error("the sheet was rewritten")
	}

	if os.Getenv("LIVEGATE_SCREENSHOTS") != "" {
		b.Open("file://" + filepath.Join(out, "links.html"))
		shoot(t, b, "links.png")
	}
	first := html.UnescapeString(regexp.MustCompile(`<a href="([^"]+)"`).FindStringSubmatch(string(sheet))[1])
	b.Open(first)
	b.Poll("the first link plays, paid", 40*time.Second, `const s = window.livegate.state();
		return s.time >= 4 && s.vouchers >= 1 && s.channel === '`+rows[1][4]+`'`, watchStateScript)
	if acc := e.srv.pay.ledger.Account(common.HexToHash(rows[1][4])); acc.Spent.Sign() == 0 {
		t.Errorf("the first link's channel spent nothing: %+v", acc)
	}
}

func TestLinksRefusesBadArguments(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--count", "3", "--deposit", "0.01", "--out", dir, "--data", dir}, "--stream is required"},
		{[]string{"--stream", "demo", "--count", "0", "--deposit", "0.01", "--out", dir, "--data", dir}, "--count must be 1 to 10000"},
		{[]string{"--stream", "demo", "--count", "2", "--deposit", "lots", "--out", dir, "--data", dir}, "--deposit"},
		{[]string{"--stream", "demo", "--count", "2", "--deposit", "0.5wei", "--out", dir, "--data", dir}, "not a whole number of wei"},
		{[]string{"--stream", "demo", "--count", "2", "--deposit", "0.01", "--expiry", "10m", "--out", dir, "--data", dir}, "--expiry"},
		{[]string{"--stream", "demo", "--count", "2", "--deposit", "0.01", "--out", dir}, "either --config (with --key) or --data"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(append([]string{"links"}, c.args...), &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("links %v: exit %d, stderr %q; want 2 and %q", c.args, code, stderr.String(), c.want)
		}
	}
	// Without a dev server there, it says so.
	var stdout, stderr bytes.Buffer
	if code := run([]string{"links", "--stream", "demo", "--count", "1", "--deposit", "0.01", "--out", dir, "--data", dir}, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "is livegate dev running") {
		t.Errorf("no dev server: exit %d, %s", code, stderr.String())
	}
}
