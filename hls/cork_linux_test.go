package hls

import (
	"net"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/livegate/livegate/internal/connlimit"
)

// A segment's bytes go out with the socket corked, found through the
// connection cap's wrapper, and uncorked after; a request with no socket
// (a recorder) just runs.
func TestCorkedReachesTheSocket(t *testing.T) {
	during, after := -1, -1
	done := make(chan struct{})
	corkOf := func(r *http.Request) int {
		raw, err := socketOf(r).(syscall.Conn).SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		v := -1
		_ = raw.Control(func(fd uintptr) { v, _ = unix.GetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_CORK) })
		return v
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		corked(r, func() {
			during = corkOf(r)
			_, _ = w.Write(make([]byte, 100_000))
		})
		after = corkOf(r)
		close(done)
	}))
	srv.Listener = &connlimit.Listener{Listener: srv.Listener, Name: "test", PerClient: 4}
	srv.Config.ConnContext = ConnContext
	srv.Start()
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	<-done // the handler reads the option after the client has the body
	if during != 1 || after != 0 {
		t.Errorf("TCP_CORK while sending %d, after %d; want 1, 0", during, after)
	}
	if _, ok := socketOf(httptest.NewRequest("GET", "/", nil)).(*net.TCPConn); ok {
		t.Error("a request without a connection found a socket")
	}
	ran := false
	corked(httptest.NewRequest("GET", "/", nil), func() { ran = true })
	if !ran {
		t.Error("without a socket, nothing was sent")
	}
}
