package paywall_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/internal/clientaddr"
	"github.com/livegate/livegate/paywall"
)

// doFrom is do from a chosen loopback address (all of 127.0.0.0/8 is
// this machine's), so one test acts as many client networks.
func (f *fixture) doFrom(local, method, path, bearer string, body any, hdr ...string) answer {
	f.t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	return f.send(&http.Client{Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}, method, path, bearer, body, hdr...)
}

// send is do with a client of the caller's.
func (f *fixture) send(c *http.Client, method, path, bearer string, body any, hdr ...string) answer {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, rd)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{code: resp.StatusCode, header: resp.Header}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

// A token shared among client networks pays for each viewer's segments;
// one viewer (one network) refetching pays once.
func TestSharedTokenPaysPerViewer(t *testing.T) {
	f := newFixture(t)
	tok := f.session("demo", f.plain, 20000)
	steps := []struct {
		from, seg string
		spent     string
	}{
		{"127.0.0.1", "1", "2000"},
		{"127.0.0.1", "1", "2000"},  // refetch: once
		{"127.0.0.77", "1", "2000"}, // same /24: the same viewer
		{"127.0.1.1", "1", "4000"},  // another network pays again
		{"127.0.1.1", "1", "4000"},
		{"127.0.2.1", "1", "6000"},
		{"127.0.2.1", "2", "8000"},
		{"127.0.0.1", "2", "10000"},
	}
	for i, s := range steps {
		a := f.doFrom(s.from, "GET", "/seg/demo/"+s.seg, tok, nil)
		if a.code != 200 || a.header.Get("Livegate-Spent") != s.spent {
			t.Fatalf("step %d (%s fetches %s): %d spent %q, want %s", i, s.from, s.seg, a.code, a.header.Get("Livegate-Spent"), s.spent)
		}
	}
	if _, spent := f.account(f.plain); spent != "10000" {
		t.Errorf("funder charged %s, want 10000 (five viewer-segments)", spent)
	}
}

// Behind a trusted proxy the forwarded address is the viewer; from anyone
// else the header is ignored.
func TestForwardedViewerBehindTrustedProxy(t *testing.T) {
	f := newFixture(t)
	f.gate.Clients = &clientaddr.Resolver{Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	tok := f.session("demo", f.plain, 20000)
	steps := []struct {
		from, xff string
		spent     string
	}{
		{"127.0.0.1", "198.51.100.7", "2000"},
		{"127.0.0.1", "198.51.100.9", "2000"},          // same /24 behind the proxy
		{"127.0.0.1", "203.0.113.7", "4000"},           // another viewer behind the proxy
		{"127.0.0.1", "6.6.6.6, 203.0.113.8", "4000"},  // a spoofed first hop is not believed
		{"127.0.5.1", "192.0.2.1", "6000"},             // untrusted peer: itself, a new network
		{"127.0.5.2", "198.51.100.7", "6000"},          // its header is ignored: the same network as 127.0.5.1
		{"127.0.0.1", "2001:db8:1:2:3:4:5:6", "8000"},  // an IPv6 viewer
		{"127.0.0.1", "2001:db8:1:ff:4:4:4:4", "8000"}, // the same /56
	}
	for i, s := range steps {
		a := f.doFrom(s.from, "GET", "/seg/demo/1", tok, nil, "X-Forwarded-For", s.xff)
		if a.code != 200 || a.header.Get("Livegate-Spent") != s.spent {
			t.Fatalf("step %d (%s for %s): %d spent %q, want %s", i, s.from, s.xff, a.code, a.header.Get("Livegate-Spent"), s.spent)
		}
	}
}

// A forger locks out only its own address for new sessions; a viewer in
// good standing on the same address keeps topping up; malformed bodies
// count for nothing; forged answers are held back by the delay.
func TestForgedVouchersDoNotLockOutHonestViewers(t *testing.T) {
	f := newFixture(t)
	f.gate.Limiter = &paywall.Limiter{Max: 5, Window: time.Minute, Delay: 50 * time.Millisecond}
	tok := f.session("demo", f.plain, 3000) // opened before the attack
	// Malformed bodies and vouchers that are merely wrong are no forgery.
	for range 30 {
		if a := f.do("POST", "/pay/demo/session", "", "{not json"); a.code != 400 {
			t.Fatalf("malformed: %d %v", a.code, a.body)
		}
	}
	if a := f.do("POST", "/pay/demo/session", "", f.voucher(f.viewer, f.plain, 4000)); a.code != 200 {
		t.Fatalf("after malformed bodies a good session is refused: %d %v", a.code, a.body)
	}
	start := time.Now()
	for i := range 5 {
		if a := f.do("POST", "/pay/demo/session", "", f.voucher(f.other, f.plain, int64(9000+i))); a.code != 401 || a.body["reason"] != "bad_signature" {
			t.Fatalf("forged %d: %d %v", i, a.code, a.body)
		}
	}
	if held := time.Since(start); held < 5*50*time.Millisecond {
		t.Errorf("five forged vouchers answered in %v: each should be held back 50 ms", held)
	}
	if a := f.do("POST", "/pay/demo/session", "", f.voucher(f.viewer, f.plain, 5000)); a.code != http.StatusTooManyRequests {
		t.Errorf("a new session from the forger's address: %d %v, want 429", a.code, a.body)
	}
	// The viewer in good standing, same address, tops up both ways.
	if a := f.do("POST", "/pay/demo/voucher", tok, f.voucher(f.viewer, f.plain, 6000)); a.code != 200 || a.body["paid"] != "6000" {
		t.Errorf("top-up from the forger's address: %d %v", a.code, a.body)
	}
	if a := f.do("GET", "/seg/demo/1", tok, nil, "Livegate-Voucher", voucherHeader(f, 8000)); a.code != 200 || a.header.Get("Livegate-Paid") != "8000" {
		t.Errorf("header top-up from the forger's address: %d %v", a.code, a.header)
	}
	// Another host is not affected at all.
	if a := f.doFrom("127.0.0.2", "POST", "/pay/demo/session", "", f.voucher(f.viewer, f.plain, 9000)); a.code != 200 {
		t.Errorf("a session from another address: %d %v", a.code, a.body)
	}
	// Forged top-ups with a valid token lock only that channel's top-ups.
	for i := range 5 {
		f.do("POST", "/pay/demo/voucher", tok, f.voucher(f.other, f.plain, int64(20000+i)))
	}
	if a := f.do("POST", "/pay/demo/voucher", tok, f.voucher(f.viewer, f.plain, 10000)); a.code != http.StatusTooManyRequests {
		t.Errorf("after forged top-ups, the channel's: %d %v, want 429", a.code, a.body)
	}
	if a := f.doFrom("127.0.0.3", "POST", "/pay/demo/session", "", f.voucher(f.viewer, f.small, 1000)); a.code != 200 {
		t.Errorf("another channel's session: %d %v", a.code, a.body)
	}
}

// A free preview is the viewer's, once per stream: a second channel from
// the same network does not get another one; another network does.
func TestPreviewOncePerViewer(t *testing.T) {
	f := newFixture(t)
	f.gate.Streams["pv"] = paywall.Terms{PricePerSecond: big.NewInt(price), Preview: 4 * time.Second}
	a1 := f.session("pv", f.plain, 100000)
	for seq, spent := range map[string]string{"1": "0", "2": "0"} {
		if a := f.do("GET", "/seg/pv/"+seq, a1, nil); a.code != 200 || a.header.Get("Livegate-Spent") != spent {
			t.Fatalf("preview segment %s: %d %v", seq, a.code, a.header)
		}
	}
	if a := f.do("GET", "/seg/pv/3", a1, nil); a.header.Get("Livegate-Spent") != "2000" {
		t.Fatalf("after the preview: %v", a.header)
	}
	b1 := f.session("pv", f.small, 3000) // the same viewer, a fresh channel
	if a := f.do("GET", "/seg/pv/4", b1, nil); a.code != 200 || a.header.Get("Livegate-Spent") != "2000" {
		t.Errorf("a second channel from the same network got a free segment: %d %v", a.code, a.header)
	}
	b2 := f.doFrom("127.0.9.1", "POST", "/pay/pv/session", "", f.voucher(f.viewer, f.small, 5000))
	if a := f.doFrom("127.0.9.1", "GET", "/seg/pv/5", b2.body["token"].(string), nil); a.code != 200 || a.header.Get("Livegate-Spent") != "2000" {
		t.Errorf("another network's preview: %d %v (spent stays 2000: free)", a.code, a.header)
	}
}

// Many channels of one viewer asking at once share one preview: it is
// reserved before each charge, so parallel requests cannot each find it
// unused.
func TestPreviewIsNotFarmedInParallel(t *testing.T) {
	const n = 8
	f := newFixtureN(t, n)
	f.gate.Streams["pv"] = paywall.Terms{PricePerSecond: big.NewInt(price), Preview: 4 * time.Second}
	toks := make([]string, n)
	for i := range n {
		a := f.do("POST", "/pay/pv/session", "", f.voucher(f.many[i], f.manyCh[i], 10000))
		if a.code != 200 {
			t.Fatalf("session %d: %d %v", i, a.code, a.body)
		}
		toks[i] = a.body["token"].(string)
	}
	var wg sync.WaitGroup
	free := make(chan bool, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := f.do("GET", "/seg/pv/"+strconv.Itoa(i+1), toks[i], nil)
			free <- a.code == 200 && a.header.Get("Livegate-Spent") == "0"
		}()
	}
	wg.Wait()
	close(free)
	got := 0
	for ok := range free {
		if ok {
			got++
		}
	}
	if got > 2 {
		t.Errorf("%d channels fetching at once got %d free 2 s segments of a 4 s preview", n, got)
	}
}

// Channel ids that name no channel (a link whose channel is still being
// confirmed, polled by the watch page) have a budget of their own: they
// never lock the address out of opening sessions.
func TestUnknownChannelLookupsDoNotLockOutSessions(t *testing.T) {
	f := newFixture(t)
	me := crypto.PubkeyToAddress(f.viewer.PublicKey).Hex()
	var a answer
	for i := range 25 {
		a = f.do("GET", fmt.Sprintf("/pay/demo/terms?signer=%s&channel=0x%064x", me, i+1), "", nil)
	}
	if a.code != http.StatusTooManyRequests || a.body["reason"] != "too_many_lookups" {
		t.Errorf("the 25th unknown channel: %d %v", a.code, a.body)
	}
	if a := f.do("POST", "/pay/demo/session", "", f.voucher(f.viewer, f.plain, 4000)); a.code != 200 {
		t.Errorf("a session after many lookups from the same address: %d %v", a.code, a.body)
	}
}

// Viewers behind one NAT opening sessions all at once (an event's start)
// are all let in: attempts under way are capped far above the failures a
// window allows.
func TestManyViewersBehindOneAddressOpenSessionsTogether(t *testing.T) {
	const n = 48
	f := newFixtureN(t, n)
	var wg sync.WaitGroup
	codes := make(chan int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- f.do("POST", "/pay/demo/session", "", f.voucher(f.many[i], f.manyCh[i], 1000)).code
		}()
	}
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != 200 {
			t.Errorf("a session opened with %d others from the same address: %d", n-1, c)
		}
	}
}
