//go:build !linux

package hls

import "net"

// setCork does nothing where TCP_CORK is not known.
func setCork(net.Conn, bool) bool { return false }
