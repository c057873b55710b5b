package hls

import (
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// setCork sets or clears TCP_CORK on a TCP socket, and reports whether it
// could.
func setCork(c net.Conn, on bool) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	v := 0
	if on {
		v = 1
	}
	var serr error
	if err := raw.Control(func(fd uintptr) { serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_CORK, v) }); err != nil {
		return false
	}
	return serr == nil
}
