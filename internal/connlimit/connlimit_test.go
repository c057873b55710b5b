package connlimit

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/livegate/livegate/internal/testenv"
)

// refused reports whether the server answered c with a 503 and closed it.
func refused(t *testing.T, c net.Conn) bool {
	t.Helper()
	_, _ = c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusServiceUnavailable
}

func TestCaps(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &Listener{Listener: inner, Name: "test", Total: 5, PerClient: 2, Refuse: HTTPRefusal,
		Exempt: func(a netip.Addr) bool { return a == netip.MustParseAddr("127.0.0.9") }}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) })}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	addr := inner.Addr().String()

	a1, a2 := testenv.DialFrom(t, "127.0.0.1", addr), testenv.DialFrom(t, "127.0.0.1", addr)
	if refused(t, a1) || refused(t, a2) {
		t.Fatal("the first two from one client were refused")
	}
	a3 := testenv.DialFrom(t, "127.0.0.1", addr)
	if !refused(t, a3) {
		t.Fatal("a third from one client was let in")
	}
	b1 := testenv.DialFrom(t, "127.0.0.2", addr)
	if refused(t, b1) {
		t.Fatal("another client was refused")
	}
	// The exempt peer (a trusted proxy) may hold more than PerClient.
	e1, e2 := testenv.DialFrom(t, "127.0.0.9", addr), testenv.DialFrom(t, "127.0.0.9", addr)
	if refused(t, e1) || refused(t, e2) {
		t.Fatal("the exempt peer was refused")
	}
	// Five open: the total is reached for everyone.
	if c := testenv.DialFrom(t, "127.0.0.3", addr); !refused(t, c) {
		t.Fatal("past the total, a new client was let in")
	}
	// Closing gives slots back.
	_ = a1.Close()
	_ = e1.Close()
	deadline := time.Now().Add(10 * time.Second)
	for l.Open() > 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := l.Open(); n != 3 {
		t.Fatalf("%d open after two closed, want 3", n)
	}
	if c := testenv.DialFrom(t, "127.0.0.1", addr); refused(t, c) {
		t.Fatal("a slot freed by the client was not given back")
	}
}

// An accepted connection hands copies to the TCP connection's ReadFrom
// (sendfile, for the files net/http serves), and the bytes arrive whole.
func TestAcceptedConnKeepsReadFrom(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &Listener{Listener: inner, Total: 4}
	defer l.Close()
	client := testenv.DialFrom(t, "127.0.0.1", inner.Addr().String())
	c, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	rf, ok := c.(io.ReaderFrom)
	if !ok {
		t.Fatal("an accepted connection is not an io.ReaderFrom: net/http would not use sendfile")
	}
	f, err := os.CreateTemp(t.TempDir(), "seg")
	if err != nil {
		t.Fatal(err)
	}
	want := bytes.Repeat([]byte("0123456789abcdef"), 64<<10)
	_, _ = f.Write(want)
	_, _ = f.Seek(0, 0)
	go func() {
		_, _ = rf.ReadFrom(f)
		_ = c.Close()
	}()
	_ = client.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := io.ReadAll(client)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read %d bytes (%v), want %d", len(got), err, len(want))
	}
}
