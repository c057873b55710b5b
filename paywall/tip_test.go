package paywall_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/paywall"
)

// A tip raises the voucher and spends the whole increase at once, for the
// stream it names: the credit stays, the tip survives a restart, and a
// tip that is not a raise is refused with nothing changed.
func TestTips(t *testing.T) {
	f := newFixture(t)
	tok := f.session("demo", f.plain, 5000)
	if a := f.do("GET", "/seg/demo/1", tok, nil); a.code != 200 {
		t.Fatalf("segment: %d", a.code)
	}
	a := f.do("POST", "/pay/demo/tip", tok, f.voucher(f.viewer, f.plain, 8000))
	if a.code != 200 || a.body["paid"] != "8000" || a.body["spent"] != "5000" || a.body["tips"] != "3000" || a.body["token"] == "" {
		t.Fatalf("tip: %d %v", a.code, a.body)
	}
	a = f.do("POST", "/pay/demo/tip", a.body["token"].(string), f.voucher(f.viewer, f.plain, 9000))
	if a.code != 200 || a.body["tips"] != "4000" || a.body["spent"] != "6000" {
		t.Fatalf("second tip: %d %v", a.code, a.body)
	}
	// Refused, nothing changed: not a raise, no token, another stream's token.
	for _, c := range []struct {
		bearer string
		amount int64
		code   int
	}{{tok, 9000, http.StatusConflict}, {"", 10000, http.StatusUnauthorized}, {f.session("other", f.small, 1), 10000, http.StatusForbidden}} {
		if a := f.do("POST", "/pay/demo/tip", c.bearer, f.voucher(f.viewer, f.plain, c.amount)); a.code != c.code {
			t.Errorf("tip of %d: %d %v, want %d", c.amount, a.code, a.body, c.code)
		}
	}
	// ...a forged tip, a tip drawn on another channel than the session's,
	// one above the deposit, and a malformed one.
	for name, c := range map[string]struct {
		body any
		code int
	}{
		"signed by someone else": {f.voucher(f.other, f.plain, 10000), http.StatusUnauthorized},
		"another channel":        {f.voucher(f.viewer, f.small, 100), http.StatusForbidden},
		"above the deposit":      {f.voucher(f.viewer, f.plain, 2_000_000), http.StatusPaymentRequired},
		"malformed":              {`{"channel":"0x12","amount":"1","signature":"0x"}`, http.StatusBadRequest},
	} {
		if a := f.do("POST", "/pay/demo/tip", tok, c.body); a.code != c.code || a.body["error"] == nil {
			t.Errorf("tip %s: %d %v, want %d with a reason", name, a.code, a.body, c.code)
		}
	}
	acc := f.ledger.Account(f.plain)
	// Per stream: the session's 5000 and the tips' 4000 paid through demo;
	// one segment (2000) and the tips spent there.
	m := acc.Streams["demo"]
	if acc.Paid().Int64() != 9000 || acc.Spent.Int64() != 6000 || len(acc.Streams) != 1 ||
		m.Paid.Int64() != 9000 || m.Spent.Int64() != 6000 || m.Tips.Int64() != 4000 {
		t.Fatalf("account %+v, demo %+v", acc, m)
	}
	if m := f.ledger.Account(f.small).Streams; len(m) != 1 || m["other"].Paid.Int64() != 1 || m["other"].Spent.Sign() != 0 {
		t.Errorf("a session's voucher counts for its stream: %+v", m)
	}
	// The credit left after the tips is still 3000: one more segment (2000) plays.
	if a := f.do("GET", "/seg/demo/2", tok, nil); a.code != 200 || a.header.Get("Livegate-Spent") != "8000" {
		t.Errorf("after tips: %d %v", a.code, a.header)
	}
	// Tips are in the ledger's durable record.
	if err := f.ledger.Close(); err != nil {
		t.Fatal(err)
	}
	l, err := paywall.OpenBoltLedger(f.ledgerPath)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if acc := l.Account(f.plain); acc.Streams["demo"].Tips.Int64() != 4000 || acc.Streams["demo"].Spent.Int64() != 8000 ||
		acc.Streams["demo"].Paid.Int64() != 9000 || acc.Spent.Int64() != 8000 {
		t.Errorf("after reopening: %+v %+v", acc, acc.Streams["demo"])
	}
}

// Terms tell a page holding only a key what to sign and with which
// channel: its own live channels paying this server, no one else's.
func TestTermsListTheSignersChannels(t *testing.T) {
	f := newFixture(t)
	f.session("demo", f.plain, 1234)
	me := crypto.PubkeyToAddress(f.viewer.PublicKey)
	a := f.do("GET", "/pay/demo/terms?signer="+me.Hex(), "", nil)
	if a.code != 200 || a.body["pricePerSecond"] != "1000" || a.body["contract"] != f.c.Address.Hex() {
		t.Fatalf("terms: %d %v", a.code, a.body)
	}
	if d, _ := a.body["domain"].(map[string]any); d["name"] != "livegate" || d["verifyingContract"] != f.c.Address.Hex() {
		t.Errorf("domain %v", a.body["domain"])
	}
	got := map[string]map[string]any{}
	for _, c := range a.body["channels"].([]any) {
		c := c.(map[string]any)
		got[c["channel"].(string)] = c
	}
	// plain and small pay this server; foreign pays another, dying expires within the margin.
	if len(got) != 2 || got[f.plain.Hex()] == nil || got[f.small.Hex()] == nil {
		t.Fatalf("channels %v", got)
	}
	if c := got[f.plain.Hex()]; c["paid"] != "1234" || c["deposit"] != "1000000" || c["spent"] != "0" {
		t.Errorf("plain: %v", c)
	}
	other := crypto.PubkeyToAddress(f.other.PublicKey)
	if a := f.do("GET", "/pay/demo/terms?signer="+other.Hex(), "", nil); a.code != 200 || len(a.body["channels"].([]any)) != 0 {
		t.Errorf("a stranger's channels: %d %v", a.code, a.body)
	}
	// A link naming its channel gets that channel, if the signer signs for
	// it; without the signer, no channel is read.
	a = f.do("GET", "/pay/demo/terms?signer="+me.Hex()+"&channel="+f.plain.Hex(), "", nil)
	if chs := a.body["channels"].([]any); a.code != 200 || len(chs) != 2 {
		t.Errorf("by signer and channel: %d %v", a.code, a.body)
	}
	a = f.do("GET", "/pay/demo/terms?channel="+f.plain.Hex(), "", nil)
	if chs := a.body["channels"].([]any); a.code != 200 || len(chs) != 0 {
		t.Errorf("by channel alone: %d %v", a.code, a.body)
	}
	a = f.do("GET", "/pay/demo/terms?signer="+other.Hex()+"&channel="+f.plain.Hex(), "", nil)
	if a.code != 200 || len(a.body["channels"].([]any)) != 0 {
		t.Errorf("someone else's channel by id: %d %v", a.code, a.body)
	}
	// Ids that name no channel cost an RPC read each: after 20, the client waits.
	for i := range 21 {
		a = f.do("GET", fmt.Sprintf("/pay/demo/terms?signer=%s&channel=0x%064x", me.Hex(), i+1), "", nil)
	}
	if a.code != http.StatusTooManyRequests {
		t.Errorf("the 21st unknown channel: %d %v", a.code, a.body)
	}
	for path, code := range map[string]int{"/pay/demo/terms?signer=0x12": 400, "/pay/demo/terms?signer=" + me.Hex() + "&channel=0x12": 400, "/pay/nowhere/terms": 404} {
		if a := f.do("GET", path, "", nil); a.code != code || a.body["error"] == nil {
			t.Errorf("%s: %d %v", path, a.code, a.body)
		}
	}
}

// The counters behind the dashboard and /metrics follow the answers.
func TestStatsCountAnswers(t *testing.T) {
	f := newFixture(t)
	f.do("GET", "/seg/demo/1", "", nil) // 402: no token
	tok := f.session("demo", f.plain, 3000)
	f.do("GET", "/seg/demo/1", tok, nil)
	f.do("GET", "/seg/demo/2", tok, nil)                                             // 402: 1000 left
	f.do("POST", "/pay/demo/voucher", tok, f.voucher(f.viewer, f.plain, 3000))       // not increasing
	f.do("POST", "/pay/demo/voucher", tok, f.voucher(f.other, f.plain, 9000))        // bad signature
	f.do("GET", "/seg/demo/2", tok, nil, "Livegate-Voucher", voucherHeader(f, 5000)) // accepted, paid
	s := f.gate.Stats.Snapshot()
	if s.PaymentRequired["demo"] != 2 || s.Accepted["demo"] != 2 || s.Refused["not_increasing"] != 1 || s.Refused["bad_signature"] != 1 {
		t.Errorf("stats %+v", s)
	}
}

// Every segment let through names its viewer to Admitted: the session and
// client network on a paid stream, the network on a free one; refused ones
// name nobody.
func TestAdmittedNamesTheViewer(t *testing.T) {
	f := newFixture(t)
	var mu sync.Mutex
	var seen []string
	f.gate.Admitted = func(stream, viewer string) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, stream+" "+viewer)
	}
	f.do("GET", "/seg/demo/1", "", nil) // 402
	tok := f.session("demo", f.plain, 3000)
	f.do("GET", "/seg/demo/1", tok, nil)
	f.do("GET", "/seg/demo/2", tok, nil)           // 402: 1000 left
	f.do("GET", "/seg/free/1", "", nil)            // not paywalled
	f.do("GET", "/seg/demo/1", "forged."+tok, nil) // 401
	claims, err := f.gate.Sessions.Parse(tok, "demo")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"demo session:" + claims.Session + "@127.0.0.0/24", "free net:127.0.0.0/24"}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(seen, want) {
		t.Errorf("admitted %q, want %q", seen, want)
	}
}

func voucherHeader(f *fixture, amount int64) string {
	v := f.voucher(f.viewer, f.plain, amount)
	return v["channel"] + ":" + v["amount"] + ":" + v["signature"]
}

// Players reload a media playlist by its first URL, token and all: a
// playlist still renews a token expired up to RenewWithin ago, while a
// segment never takes an expired token.
func TestPlaylistsRenewExpiredTokens(t *testing.T) {
	f := newFixture(t)
	f.session("demo", f.plain, 100_000)
	at := func(ago time.Duration) string {
		old, _ := paywall.NewSessions(bytes.Repeat([]byte{7}, 32), time.Minute) // the fixture's secret
		old.Now = func() time.Time { return time.Now().Add(-ago) }
		tok, _, _ := old.Issue("demo", f.plain, "s1")
		return tok
	}
	expired := at(time.Hour)
	if a := f.do("GET", "/seg/demo/1", expired, nil); a.code != http.StatusUnauthorized {
		t.Errorf("a segment with an expired token: %d", a.code)
	}
	args := f.gate.PlaylistArgs(httptest.NewRequest("GET", "/live/demo/index.m3u8?token="+expired, nil), "demo")
	fresh, ok := strings.CutPrefix(args, "token=")
	if !ok {
		t.Fatalf("playlist args %q: no renewed token", args)
	}
	fresh, _ = url.QueryUnescape(fresh)
	c, err := f.sessions.Parse(fresh, "demo")
	if err != nil || c.Session != "s1" || c.ChannelID() != f.plain {
		t.Fatalf("renewed token: %+v %v", c, err)
	}
	if a := f.do("GET", "/seg/demo/1", fresh, nil); a.code != 200 {
		t.Errorf("a segment with the renewed token: %d %v", a.code, a.body)
	}
	for name, tok := range map[string]string{
		"expired over a day ago": at(paywall.RenewWithin + 2*time.Hour),
		"another stream's":       func() string { s, _, _ := f.sessions.Issue("other", f.plain, "s1"); return s }(),
		"garbage":                "not.a.token",
	} {
		if args := f.gate.PlaylistArgs(httptest.NewRequest("GET", "/live/demo/index.m3u8?token="+tok, nil), "demo"); args != "" {
			t.Errorf("%s token renewed: %q", name, args)
		}
	}
}
