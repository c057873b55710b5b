package rtsp_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v4"

	"github.com/livegate/livegate/hls"
	"github.com/livegate/livegate/ingest"
	"github.com/livegate/livegate/ingest/rtsp"
	"github.com/livegate/livegate/internal/streamtest"
	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
)

func newLimitedFixture(t *testing.T, limits ingest.ConnLimits) *fixture {
	t.Helper()
	f := &fixture{Fixture: streamtest.New(t, hls.Options{ReconnectGrace: -1}, "main", "side")}
	f.srv = &rtsp.Server{Addr: "127.0.0.1:0", Hub: f.Hub, Logger: f.Log, Limits: limits}
	if err := f.srv.Initialize(); err != nil {
		t.Fatal(err)
	}
	f.addr = f.srv.ListenAddr().String()
	t.Cleanup(f.srv.Close)
	return f
}

// dialFrom opens a TCP connection to addr from the loopback address ip.
func dialFrom(t *testing.T, ip, addr string) net.Conn {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(15 * time.Second)) // bounds the test, far beyond the server's limits
	return c
}

// answers says whether the server answers an OPTIONS on c.
func answers(c net.Conn) bool {
	if _, err := fmt.Fprintf(c, "OPTIONS rtsp://x/main RTSP/1.0\r\nCSeq: 1\r\n\r\n"); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "RTSP/1.0 200")
}

// closedByServer says whether the server closed c (rather than the
// test's own deadline passing).
func closedByServer(c net.Conn) bool {
	_, err := io.ReadAll(c)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// TestRTSPConnectionLimits: connections are capped per client and in
// all; a refused one is closed at once, a freed place is taken again,
// and a publisher already streaming is untouched.
func TestRTSPConnectionLimits(t *testing.T) {
	f := newLimitedFixture(t, ingest.ConnLimits{MaxConns: 4, MaxConnsPerClient: 2})
	desc, pkts := clipRTP(t, true, 1)
	good, err := testmedia.PublishRTSP("rtsp://u:side-key@"+f.addr+"/side", desc, pkts[:len(pkts)/3], false)
	if err != nil {
		t.Fatal(err)
	}
	a1, a2 := dialFrom(t, "127.0.0.8", f.addr), dialFrom(t, "127.0.0.8", f.addr)
	if !answers(a1) || !answers(a2) {
		t.Fatal("connections within the limits not served")
	}
	if a3 := dialFrom(t, "127.0.0.8", f.addr); answers(a3) || !closedByServer(a3) {
		t.Error("a third connection from one client was served")
	}
	b1 := dialFrom(t, "127.0.0.9", f.addr)
	if !answers(b1) {
		t.Fatal("another client's connection not served")
	}
	if c1 := dialFrom(t, "127.0.0.10", f.addr); answers(c1) || !closedByServer(c1) {
		t.Error("a connection over the total was served")
	}
	testenv.Eventually(t, "the refusals are logged", func() bool { // after the close the client saw
		return strings.Contains(f.Logs.String(), "this client holds its maximum of 2 rtsp connections") &&
			strings.Contains(f.Logs.String(), "the server holds its maximum of 4 rtsp connections")
	})
	a1.Close()
	testenv.Eventually(t, "the closed connection's place is freed", func() bool { return f.srv.OpenConns() == 3 })
	if a4 := dialFrom(t, "127.0.0.8", f.addr); !answers(a4) {
		t.Error("a freed place was not taken again")
	}
	if err := testmedia.SendRTP(good, pkts[len(pkts)/3:], false); err != nil {
		t.Fatalf("the publisher was disturbed: %v", err)
	}
	good.Close()
	if sum := f.Finished(t, "side"); sum.Segments != 3 {
		t.Errorf("side recorded %d segments, want 3", sum.Segments)
	}
}

// TestRTSPBeforeRecordLimits: a connection that idles, trickles, or
// sends more than a handshake's worth before RECORD is closed, and its
// place freed.
func TestRTSPBeforeRecordLimits(t *testing.T) {
	f := newLimitedFixture(t, ingest.ConnLimits{IdleTimeout: 300 * time.Millisecond, AdmitWithin: 2 * time.Second, MaxBytesBeforeAdmit: 16 << 10})
	idle := dialFrom(t, "127.0.0.1", f.addr)
	if !closedByServer(idle) {
		t.Error("an idle connection was kept")
	}
	trickle := dialFrom(t, "127.0.0.2", f.addr)
	go func() {
		for i := 0; i < 100; i++ { // 100 bytes, one per 100 ms: 10 s, far past AdmitWithin
			if _, err := trickle.Write([]byte{'O'}); err != nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	if !closedByServer(trickle) {
		t.Error("a trickling connection was kept")
	}
	big := dialFrom(t, "127.0.0.3", f.addr)
	go func() {
		fmt.Fprintf(big, "OPTIONS rtsp://x/main RTSP/1.0\r\nCSeq: 1\r\n")
		for i := 0; i < 200; i++ { // 200 headers of 200 bytes: 40 KB
			if _, err := fmt.Fprintf(big, "X-%d: %s\r\n", i, strings.Repeat("a", 190)); err != nil {
				return
			}
		}
		fmt.Fprintf(big, "\r\n")
	}()
	if line, _ := bufio.NewReader(big).ReadString('\n'); line != "" || !closedByServer(big) {
		t.Error("a request over the bytes allowed before RECORD was served")
	}
	testenv.Eventually(t, "every place freed", func() bool { return f.srv.OpenConns() == 0 })
	// A real publisher within the limits is unaffected.
	desc, pkts := clipRTP(t, true, 1)
	c, err := testmedia.PublishRTSP("rtsp://u:main-key@"+f.addr+"/main", desc, pkts, false)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if sum := f.Finished(t, "main"); sum.Segments != 3 {
		t.Errorf("main recorded %d segments, want 3", sum.Segments)
	}
}

// TestRTSPWrongKeysLockOutOneAddress: wrong keys from one address lock it
// out (the right key too, answered 503 with Retry-After), while another
// address publishes.
func TestRTSPWrongKeysLockOutOneAddress(t *testing.T) {
	f := newLimitedFixture(t, ingest.ConnLimits{})
	f.Hub.FailureDelay, f.Hub.FailureLimit, f.Hub.FailureWindow = time.Millisecond, 2, time.Hour
	desc, pkts := clipRTP(t, true, 1)
	record := func(ip, key string) error {
		tcp := gortsplib.TransportTCP
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
		cl := &gortsplib.Client{Transport: &tcp, DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		}}
		err := cl.StartRecording("rtsp://u:"+key+"@"+f.addr+"/main", desc)
		if err == nil {
			cl.Close()
		}
		return err
	}
	for i := range 2 {
		if err := record("127.0.0.5", fmt.Sprintf("guess-%d", i)); err == nil || !strings.Contains(err.Error(), "401") {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	if err := record("127.0.0.5", "main-key"); err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("the locked-out address with the right key: %v", err)
	}
	testenv.Eventually(t, "the lockout is logged", func() bool {
		return strings.Contains(f.Logs.String(), "too many failed stream keys from this address, retry after")
	})
	c, err := testmedia.PublishRTSP("rtsp://u:main-key@"+f.addr+"/main", desc, pkts, false)
	if err != nil {
		t.Fatalf("another address: %v", err)
	}
	c.Close()
	if sum := f.Finished(t, "main"); sum.Segments != 3 {
		t.Errorf("main recorded %d segments, want 3", sum.Segments)
	}
}
