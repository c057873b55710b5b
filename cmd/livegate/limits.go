package main

import (
	"strings"
	"syscall"

	"github.com/livegate/livegate/internal/clientaddr"
)

// minTotalConns is the least a listener's total cap comes to when derived
// from a small open-file limit.
const minTotalConns = 256

// connLimits is how many connections a listener holds at most, in total
// and per client host (limits: in the config). A total of 0 means half
// the file descriptors the process may open (Go raises the soft limit to
// the hard one at start), so the other listeners, the archive and the
// ledger always have theirs.
func (c Config) connLimits() (total, perClient int) {
	total, perClient = c.Limits.Conns, c.Limits.ConnsPerClient
	if total > 0 {
		return total, perClient
	}
	total = 8192
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err == nil && rl.Cur > 0 && rl.Cur < 1<<30 {
		total = max(int(rl.Cur/2), minTotalConns)
	}
	return total, perClient
}

// clientResolver names a request's client: behind the trusted proxies
// (config: trustedProxies), the one their header (forwardedHeader) names.
func (c Config) clientResolver() *clientaddr.Resolver {
	return &clientaddr.Resolver{Trusted: c.TrustedProxies, Forwarded: strings.EqualFold(c.ForwardedHeader, "forwarded")}
}
