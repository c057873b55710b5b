package whip_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/livegate/livegate/hls"
	"github.com/livegate/livegate/ingest/whip"
	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
)

// from is an HTTP client whose connections leave from ip (loopback has
// all of 127.0.0.0/8), so one test plays several clients.
func from(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{
		// Offers go with Expect: 100-continue (post), as a careful client
		// sends a body: a publisher refused before its offer is read gets
		// its answer instead of a broken pipe when the server closes the
		// connection on the body it will not read.
		Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true, ExpectContinueTimeout: 5 * time.Second},
		Timeout:   30 * time.Second,
	}
}

// post sends an offer and returns the status, the headers and the body.
func post(t *testing.T, c *http.Client, url, key, offer string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(offer))
	req.Header.Set("Content-Type", "application/sdp")
	req.Header.Set("Expect", "100-continue")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(body)
}

// heavyOffer is an offer of one video section with formats payload types
// and attrs attributes: what costs pion formats × attrs to match.
func heavyOffer(formats, attrs int) string {
	var b strings.Builder
	b.WriteString("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF")
	for i := range formats {
		fmt.Fprintf(&b, " %d", 96+i%32)
	}
	b.WriteString("\r\nc=IN IP4 0.0.0.0\r\n")
	for i := range attrs {
		fmt.Fprintf(&b, "a=rtcp-fb:%d nack pli\r\n", 96+i%32)
	}
	return b.String()
}

// TestHostileOffers: offers a parser would spend seconds on are refused
// without being parsed, a wrong key's without even being read, while a
// live publisher streams on.
func TestHostileOffers(t *testing.T) {
	ffmpeg := testenv.Tool(t, "ffmpeg")
	f := newFixture(t, ffmpeg, 0)
	f.Hub.FailureDelay, f.Hub.FailureLimit = time.Millisecond, 1000
	video, audio := clip(t, ffmpeg)
	done := f.goodPublisher(t, video, audio)
	readBefore, parsedBefore := f.srv.OffersRead(), f.srv.OffersParsed()

	huge := heavyOffer(2000, 1500) // some 44 KB, like the 35 KB offer that held a core for 35 s
	wide := heavyOffer(200, 100)   // small, but too many formats
	long := heavyOffer(10, 600)    // too many attributes
	c := from("127.0.0.1")
	for range 20 {
		if code, _, body := post(t, c, f.url+"/whip/main", "guessed-key", huge); code != http.StatusUnauthorized || !strings.Contains(body, "unknown stream key") {
			t.Fatalf("wrong key with a heavy offer: %d %q", code, body)
		}
	}
	if r, p := f.srv.OffersRead()-readBefore, f.srv.OffersParsed()-parsedBefore; r != 0 || p != 0 {
		t.Errorf("wrong keys: %d offers read, %d parsed; want none", r, p)
	}
	for _, c := range []struct{ name, offer, says string }{
		{"huge", huge, "over 32768 bytes"},
		{"wide", wide, "200 formats in media section 1, at most 48"},
		{"long", long, "more than 192 attributes in media section 1"},
	} {
		code, _, body := post(t, from("127.0.0.1"), f.url+"/whip/main", "main-key", c.offer)
		if code != http.StatusRequestEntityTooLarge || !strings.Contains(body, c.says) {
			t.Errorf("%s offer with the right key: %d %q", c.name, code, body)
		}
	}
	if r, p := f.srv.OffersRead()-readBefore, f.srv.OffersParsed()-parsedBefore; r != 3 || p != 0 {
		t.Errorf("offers over the limits: %d read, %d parsed; want 3 read, none parsed", r, p)
	}
	if f.Hub.Live("main") {
		t.Error("main is held after refused offers")
	}
	done("the live publisher was disturbed")
}

// TestWrongKeysLockOutOneAddress: one address guessing keys is refused
// after the limit, with the right key too, and told when to retry; an
// address that only sent malformed requests or dropped its connection
// is not counted; another address publishes with the right key.
func TestWrongKeysLockOutOneAddress(t *testing.T) {
	ffmpeg := testenv.Tool(t, "ffmpeg")
	f := newFixture(t, ffmpeg, 0)
	f.Hub.FailureDelay, f.Hub.FailureLimit, f.Hub.FailureWindow = time.Millisecond, 3, time.Hour
	video, audio := clip(t, ffmpeg)
	client, offer, err := testmedia.WHIPOffer(true)
	if err != nil {
		t.Fatal(err)
	}
	defer client.PC.Close()

	guesser := from("127.0.0.3")
	for i := range 3 {
		if code, _, _ := post(t, guesser, f.url+"/whip/main", fmt.Sprintf("guess-%d", i), offer); code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i, code)
		}
	}
	code, hdr, body := post(t, guesser, f.url+"/whip/main", "main-key", offer)
	if code != http.StatusTooManyRequests || !strings.Contains(body, "too many failed stream keys from this address, retry after") || hdr.Get("Retry-After") == "" {
		t.Fatalf("the guesser with the right key: %d %q Retry-After %q", code, body, hdr.Get("Retry-After"))
	}
	if f.Hub.Live("main") {
		t.Fatal("a locked-out address claimed the stream")
	}

	// Malformed requests and a dropped body are no authentication failure.
	clumsy := from("127.0.0.4")
	for range 5 {
		if code, _, _ := post(t, clumsy, f.url+"/whip/main", "", offer); code != http.StatusUnauthorized {
			t.Fatalf("no key: %d", code)
		}
		req, _ := http.NewRequest(http.MethodPost, f.url+"/whip/main", strings.NewReader("{}"))
		req.Header.Set("Authorization", "Bearer guess")
		req.Header.Set("Content-Type", "application/json")
		if resp, err := clumsy.Do(req); err != nil || resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Fatalf("not SDP: %v %v", resp, err)
		} else {
			resp.Body.Close()
		}
	}
	if err := f.Hub.CheckClient("127.0.0.4:1"); err != nil {
		t.Errorf("malformed requests counted as failures: %v", err)
	}

	// Another address publishes, media and all.
	code, hdr, answer := post(t, from("127.0.0.2"), f.url+"/whip/main", "main-key", offer)
	if code != http.StatusCreated {
		t.Fatalf("another address with the right key: %d %q", code, answer)
	}
	client.Location = f.url + hdr.Get("Location")
	connected := make(chan struct{})
	client.PC.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			close(connected)
		}
	})
	if err := client.PC.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-connected:
	case <-time.After(10 * time.Second):
		t.Fatal("WebRTC did not connect")
	}
	if err := client.Send(context.Background(), video, audio); err != nil {
		t.Fatal(err)
	}
	if code, err := client.Delete(); err != nil || code != http.StatusOK {
		t.Fatalf("DELETE: %d %v", code, err)
	}
	if sum := f.Finished(t, "main"); sum.Segments < 3 {
		t.Errorf("main recorded %d segments, want 3", sum.Segments)
	}
	if !strings.Contains(f.Logs.String(), "client locked out for wrong stream keys") {
		t.Error("the lockout is not in the log")
	}
}

// TestWHIPSessionLimits: sessions are capped per address and in total;
// a refusal says which.
func TestWHIPSessionLimits(t *testing.T) {
	f := newFixtureWith(t, hls.Options{ReconnectGrace: -1},
		&whip.Server{MaxSessions: 2, MaxSessionsPerClient: 1}, "main", "side", "third")
	offer := func() string {
		c, o, err := testmedia.WHIPOffer(false)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.PC.Close() })
		return o
	}
	a, b, c := from("127.0.0.5"), from("127.0.0.6"), from("127.0.0.7")
	if code, _, body := post(t, a, f.url+"/whip/main", "main-key", offer()); code != http.StatusCreated {
		t.Fatalf("first session: %d %q", code, body)
	}
	if code, _, body := post(t, a, f.url+"/whip/side", "side-key", offer()); code != http.StatusServiceUnavailable || !strings.Contains(body, "this address holds its maximum of 1 WHIP sessions") {
		t.Errorf("a second session from one address: %d %q", code, body)
	}
	if f.Hub.Live("side") {
		t.Error("a refused session holds its stream")
	}
	if code, _, body := post(t, b, f.url+"/whip/side", "side-key", offer()); code != http.StatusCreated {
		t.Fatalf("another address: %d %q", code, body)
	}
	if code, _, body := post(t, c, f.url+"/whip/third", "third-key", offer()); code != http.StatusServiceUnavailable || !strings.Contains(body, "the server holds its maximum of 2 WHIP sessions") {
		t.Errorf("a session over the total: %d %q", code, body)
	}
}

// TestTrickledOfferTimesOut: a client that sends its offer a byte at a
// time, or stops sending it, is cut off at the read deadline and frees
// the stream.
func TestTrickledOfferTimesOut(t *testing.T) {
	f := newFixtureWith(t, hls.Options{ReconnectGrace: -1}, &whip.Server{ReadTimeout: 300 * time.Millisecond})
	conn, err := net.Dial("tcp", strings.TrimPrefix(f.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second)) // bounds the test, far beyond the server's deadline
	fmt.Fprintf(conn, "POST /whip/main HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer main-key\r\nContent-Type: application/sdp\r\nContent-Length: 1000\r\n\r\nv=0\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a stalled offer: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(body), "offer not received within 300ms") {
		t.Errorf("stalled offer: %d %q", resp.StatusCode, body)
	}
	testenv.Eventually(t, "the stream is freed", func() bool { return !f.Hub.Live("main") })
	if err := f.Hub.CheckClient("127.0.0.1:1"); err != nil {
		t.Errorf("a stalled body counted as a wrong key: %v", err)
	}
	_, err = io.ReadAll(conn)
	if err != nil && !errors.Is(err, io.EOF) {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Error("the server kept the stalled connection open")
		}
	}
}
