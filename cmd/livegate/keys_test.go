package main

import (
	"encoding/json"
	"math/big"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/livegate/livegate/paywall"
)

// TestKeysRefuseBadInput: the bad inputs the paywall refused on segments
// are refused on keys, with the same answers, and a key to anything that
// is not a segment of one of the stream's encrypted recordings is 404 and
// charges nothing.
func TestKeysRefuseBadInput(t *testing.T) {
	dir := t.TempDir()
	w := newPaidWorld(t, dir, 2, 1_000_000)
	e := startE2EWith(t, filepath.Join(dir, "data"), func(c *Config) {
		w.configure(c)
		c.Streams = append(c.Streams, StreamConfig{Name: "paid2", Key: "paid2-stream-key", PricePerSecond: "1000"})
	})
	e.publishClip("demo")
	rec := e.recordings("demo").Recordings[0].ID
	// Recording ids are the second they started: paid2's must differ
	// from demo's for "another stream's recording" to mean something.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
	e.publishClip("paid2")
	rec2 := e.recordings("paid2").Recordings[0].ID
	if rec2 == rec {
		t.Fatalf("both recordings are %s", rec)
	}
	var s session
	if code, msg := post(t, e.base+"/pay/demo/session", "", w.voucherJSON(0, 10_000), &s); code != 200 {
		t.Fatalf("session: %d %s", code, msg)
	}
	var other session
	if code, msg := post(t, e.base+"/pay/paid2/session", "", w.voucherJSON(1, 10_000), &other); code != 200 {
		t.Fatalf("session on paid2: %d %s", code, msg)
	}
	tok := url.QueryEscape(s.Token)
	key := func(n string) string { return e.base + "/key/demo/" + rec + "/" + n }
	forged := w.voucherHeader(1, 20_000) // viewer 1's channel, not the session's
	// A token of this server's that expired an hour ago.
	secret, err := paywall.LoadSecret(filepath.Join(dir, "data", "session.key"))
	if err != nil {
		t.Fatal(err)
	}
	sess, _ := paywall.NewSessions(secret, sessionTTL)
	sess.Now = func() time.Time { return time.Now().Add(-time.Hour - sessionTTL) }
	expired, _, err := sess.Issue("demo", w.channels[0], "old")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what, url string
		hdr       []string
		code      int
		reason    string
	}{
		{"no token", key("0"), nil, http.StatusPaymentRequired, "payment_required"},
		{"a token that is not one", key("0") + "?token=not.a.jwt", nil, http.StatusUnauthorized, "bad_token"},
		{"an expired token", key("0") + "?token=" + url.QueryEscape(expired), nil, http.StatusUnauthorized, "bad_token"},
		{"a token of another stream", key("0") + "?token=" + url.QueryEscape(other.Token), nil, http.StatusForbidden, "other_stream"},
		{"a voucher for another channel", key("0") + "?token=" + tok, []string{"Livegate-Voucher", forged}, http.StatusForbidden, "other_channel"},
		{"a malformed voucher", key("0") + "?token=" + tok, []string{"Livegate-Voucher", "0x12:34"}, http.StatusBadRequest, "malformed"},
		{"a forged signature", key("0") + "?token=" + tok, []string{"Livegate-Voucher", forgedSignature(t, w)}, http.StatusUnauthorized, "bad_signature"},
	} {
		resp, body := getWith(t, c.url, c.hdr...)
		var ans map[string]any
		_ = json.Unmarshal(body, &ans)
		if resp.StatusCode != c.code || ans["reason"] != c.reason {
			t.Errorf("%s: %d %s, want %d %s", c.what, resp.StatusCode, body, c.code, c.reason)
		}
	}
	for _, path := range []string{
		"/key/demo/" + rec + "/3",     // no such segment (the clip has 0 to 2)
		"/key/demo/" + rec + "/99999", //
		"/key/demo/" + rec2 + "/0",    // another stream's recording
		"/key/paid2/" + rec + "/0",    // the same, the other way round
		"/key/demo/20200101T000000Z/0",
		"/key/nope/" + rec + "/0",
		"/key/demo/" + rec + "/00",
		"/key/demo/" + rec + "/0x0",
		"/key/demo/" + rec + "/%2e%2e",
		"/key/demo/..%2f" + rec + "/0",
		"/key/stage2/" + rec + "/0", // a free stream has no keys
	} {
		resp, body := getWith(t, e.base+path+"?token="+tok)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d %s, want 404", path, resp.StatusCode, body)
		}
	}
	// None of that charged anything.
	if acc := e.srv.pay.ledger.Account(w.channels[0]); acc.Spent.Sign() != 0 {
		t.Errorf("refused keys spent %s wei", acc.Spent)
	}
	// The session still buys its keys.
	resp, body := getWith(t, key("0")+"?token="+tok)
	if resp.StatusCode != 200 || len(body) != 16 || resp.Header.Get("Livegate-Spent") != "2000" {
		t.Errorf("a good key after the bad ones: %d, %d bytes, %v", resp.StatusCode, len(body), resp.Header)
	}
	if !strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
		t.Errorf("a key may be stored: %q", resp.Header.Get("Cache-Control"))
	}
}

// forgedSignature is a voucher header for the session's channel whose
// signature is another key's.
func forgedSignature(t *testing.T, w *paidWorld) string {
	t.Helper()
	v, err := w.client.Domain.Sign(w.viewers[1], w.channels[0], big.NewInt(20_000))
	if err != nil {
		t.Fatal(err)
	}
	return w.channels[0].Hex() + ":20000:" + hexutil.Encode(v.Signature)
}

// TestKeysPreview: a stream's free preview is given on keys: the first
// seconds' keys cost nothing, the next are charged, and a preview key
// replayed from the recording is not charged either.
func TestKeysPreview(t *testing.T) {
	dir := t.TempDir()
	w := newPaidWorld(t, dir, 1, 1_000_000)
	e := startE2EWith(t, filepath.Join(dir, "data"), func(c *Config) {
		w.configure(c)
		c.Streams[0].PreviewSeconds = 4
	})
	e.publishClip("demo")
	rec := e.recordings("demo").Recordings[0].ID
	var s session
	if code, msg := post(t, e.base+"/pay/demo/session", "", w.voucherJSON(0, 10_000), &s); code != 200 {
		t.Fatalf("session: %d %s", code, msg)
	}
	key := func(n string) string {
		return e.base + "/key/demo/" + rec + "/" + n + "?token=" + url.QueryEscape(s.Token)
	}
	for _, c := range []struct{ n, spent string }{{"0", "0"}, {"1", "0"}, {"2", "2015"}, {"0", "2015"}, {"1", "2015"}} {
		resp, body := getWith(t, key(c.n))
		if resp.StatusCode != 200 || len(body) != 16 || resp.Header.Get("Livegate-Spent") != c.spent {
			t.Errorf("key %s: %d, %d bytes, spent %q, want %s", c.n, resp.StatusCode, len(body), resp.Header.Get("Livegate-Spent"), c.spent)
		}
	}
}
