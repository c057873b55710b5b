package paywall

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/livegate/livegate/chain"
)

// The token is found in a query as url.ParseQuery finds it.
func TestQueryToken(t *testing.T) {
	for _, q := range []string{"", "token=a", "x=1&token=b", "token=&token=c", "tok%65n=d", "token=a%2Bb+c", "token=%zz&token=e",
		"a;b=1&token=f", "token=g;h", "token", "&&token=i&", "%zz=1&token=j", "token=k=l", "x=token%3Dm"} {
		want, _ := url.ParseQuery(q)
		if got := queryToken(q); got != want.Get("token") {
			t.Errorf("queryToken(%q) = %q, url.ParseQuery finds %q", q, got, want.Get("token"))
		}
	}
}

// A price comes out as big.Int arithmetic says, in 64 bits or not.
func TestPriceInSixtyFourBits(t *testing.T) {
	slow := func(pps *big.Int, d time.Duration) *big.Int {
		p := new(big.Int).Mul(pps, big.NewInt(int64(d)))
		q, r := p.QuoRem(p, big.NewInt(int64(time.Second)), new(big.Int))
		if r.Sign() > 0 {
			q.Add(q, big.NewInt(1))
		}
		return q
	}
	max64 := new(big.Int).SetUint64(math.MaxUint64)
	rates := []*big.Int{big.NewInt(1), big.NewInt(999_999_999), big.NewInt(1_000_000_000), big.NewInt(1e15), max64,
		new(big.Int).Add(max64, big.NewInt(1)), new(big.Int).Lsh(big.NewInt(1), 100)}
	durations := []time.Duration{0, 1, time.Millisecond, 2 * time.Second, 2002 * time.Millisecond, time.Second + 1, 1<<63 - 1, -time.Second}
	// The quotient is the largest 64 bits hold, with a remainder: rounding
	// up leaves 64 bits.
	rates = append(rates, big.NewInt(2_000_000_002))
	durations = append(durations, 9_223_372_027_631_403_780)
	rng := rand.New(rand.NewPCG(3, 4))
	for range 1000 {
		rates = append(rates, new(big.Int).SetUint64(rng.Uint64()>>rng.IntN(64)))
		durations = append(durations, time.Duration(rng.Int64()>>rng.IntN(63)))
	}
	for i, pps := range rates {
		for j, d := range durations {
			if i > 20 && j > 20 && i != j {
				continue // random pairs, not all of them
			}
			if got, want := (Terms{PricePerSecond: pps}).Price(d), slow(pps, d); got.Cmp(want) != 0 {
				t.Fatalf("%s wei/s for %v: %s, want %s", pps, d, got, want)
			}
		}
	}
}

// A party may have InFlight attempts under way and Max failures a window:
// past either it waits; accepted attempts count for nothing.
func TestLimiterAttempts(t *testing.T) {
	l := &Limiter{Max: 2, InFlight: 3, Window: time.Minute}
	for i := range 3 {
		if ok, _ := l.Attempt("a"); !ok {
			t.Fatalf("attempt %d refused", i)
		}
	}
	if ok, wait := l.Attempt("a"); ok || wait <= 0 {
		t.Fatalf("a fourth attempt in flight: %v, wait %v", ok, wait)
	}
	if ok, _ := l.Attempt("b"); !ok {
		t.Fatal("another party refused")
	}
	ctx := context.Background()
	l.End(ctx, "a", false) // accepted: counts for nothing, frees its place
	if ok, _ := l.Attempt("a"); !ok {
		t.Fatal("an ended attempt did not free its place")
	}
	l.End(ctx, "a", true)
	if ok, _ := l.Attempt("a"); !ok {
		t.Fatal("one failure of two allowed, and a place free: refused")
	}
	l.End(ctx, "a", true) // the second failure
	if ok, wait := l.Attempt("a"); ok || wait <= 30*time.Second {
		t.Fatalf("after Max failures: %v, wait %v (the rest of the window)", ok, wait)
	}
	for range 2 {
		l.End(ctx, "a", false)
	}
	if ok, _ := l.Attempt("a"); ok {
		t.Fatal("accepted attempts ending wiped the failures")
	}
	var none *Limiter
	if ok, _ := none.Attempt("a"); !ok {
		t.Fatal("a nil limiter limits")
	}
	none.End(ctx, "a", true)
}

// Each refusal is answered with the status and reason the protocol has
// always given it, its message saying what went wrong; the limiter counts
// bad signatures and unknown channels, and nothing else.
func TestRefusalAnswers(t *testing.T) {
	want := map[error]struct {
		status int
		reason string
	}{
		ErrMalformedVoucher:        {400, "malformed"},
		errMalformed:               {400, "malformed"},
		errUnknownStream:           {404, "unknown_stream"},
		ErrNoToken:                 {401, "no_token"},
		ErrOtherStream:             {403, "other_stream"},
		ErrBadToken:                {401, "bad_token"},
		errOtherChannel:            {403, "other_channel"},
		errTooManyRefused:          {429, "too_many_refused"},
		errTooManyLookups:          {429, "too_many_lookups"},
		ErrUnknownChannel:          {404, "unknown_channel"},
		chain.ErrBadSignature:      {401, "bad_signature"},
		ErrWrongPayee:              {403, "wrong_payee"},
		ErrWrongToken:              {403, "wrong_token"},
		ErrChannelExpiring:         {403, "channel_expiring"},
		ErrNotIncreasing:           {409, "not_increasing"},
		ErrAboveDeposit:            {402, "above_deposit"},
		ErrChainDown:               {503, "chain_unreachable"},
		ErrLedgerUnavailable:       {503, "ledger_unavailable"},
		errors.New("disk on fire"): {500, "internal"},
	}
	for sentinel, w := range want {
		err := fmt.Errorf("%w: what went wrong", sentinel)
		rec := httptest.NewRecorder()
		writeRefusal(rec, err)
		var body map[string]string
		if jerr := json.Unmarshal(rec.Body.Bytes(), &body); jerr != nil {
			t.Fatal(jerr)
		}
		if rec.Code != w.status || body["reason"] != w.reason || !strings.HasPrefix(body["error"], err.Error()) ||
			rec.Header().Get("Content-Type") != "application/json" || rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("%v: %d %v %v, want %d %s", sentinel, rec.Code, body, rec.Header(), w.status, w.reason)
		}
		if got := forged(err); got != (w.reason == "bad_signature" || w.reason == "unknown_channel") {
			t.Errorf("%v: forged %v", sentinel, got)
		}
	}
	if len(want) != len(answers)+1 {
		t.Errorf("%d answers, %d checked", len(answers), len(want)-1)
	}
	if forged(nil) {
		t.Error("no error counted as forged")
	}
}
