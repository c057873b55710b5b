package ingest

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Defaults for the Hub's answer to wrong stream keys.
const (
	DefaultFailureDelay  = time.Second
	DefaultFailureLimit  = 10
	DefaultFailureWindow = time.Minute
	// maxFailingClients bounds the table of clients with recent failures.
	// When it is full a new failing client is not recorded (its answer is
	// still delayed): the table cannot be grown without bound by an
	// attacker holding many addresses.
	maxFailingClients = 1 << 16
)

// ErrTooManyFailures refuses a client that sent too many wrong stream keys
// lately; errors.As with *LockedOutError says for how long.
var ErrTooManyFailures = errors.New("too many failed stream keys")

// LockedOutError is ErrTooManyFailures with the time the client must wait.
type LockedOutError struct {
	RetryAfter time.Duration
}

func (e *LockedOutError) Error() string {
	return fmt.Sprintf("%v from this address, retry after %v", ErrTooManyFailures, e.RetryAfter)
}

// Is makes errors.Is(err, ErrTooManyFailures) hold.
func (e *LockedOutError) Is(target error) bool { return target == ErrTooManyFailures }

// failuresLocked returns the client's failures still in the window,
// dropping older ones. Called with h.mu held.
func (h *Hub) failuresLocked(client string, now time.Time) []time.Time {
	fs := h.failures[client]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) >= h.FailureWindow {
		i++
	}
	if i == len(fs) {
		delete(h.failures, client)
		return nil
	}
	if i > 0 {
		fs = append(fs[:0], fs[i:]...)
		h.failures[client] = fs
	}
	return fs
}

// lockedOutLocked is the refusal for a client over its limit, nil for
// one in good standing. Called with h.mu held.
func (h *Hub) lockedOutLocked(client string, now time.Time) error {
	fs := h.failuresLocked(client, now)
	if h.FailureLimit <= 0 || len(fs) < h.FailureLimit {
		return nil
	}
	wait := fs[len(fs)-h.FailureLimit].Add(h.FailureWindow).Sub(now)
	return &LockedOutError{RetryAfter: max(wait.Round(time.Second), time.Second)}
}

// failLocked records a wrong key from client and returns how long its
// answer waits. Called with h.mu held.
func (h *Hub) failLocked(client string, now time.Time) time.Duration {
	if now.Sub(h.swept) >= h.FailureWindow {
		h.swept = now
		for c := range h.failures {
			h.failuresLocked(c, now)
		}
	}
	fs, known := h.failures[client]
	if known || len(h.failures) < maxFailingClients {
		n := len(fs)
		if h.FailureLimit > 0 && n >= h.FailureLimit {
			fs = fs[n-h.FailureLimit+1:] // only the newest FailureLimit matter
		}
		h.failures[client] = append(fs, now)
		if n+1 == h.FailureLimit {
			h.logger.Warn("ingest: client locked out for wrong stream keys", "client", client,
				"failures", h.FailureLimit, "window", h.FailureWindow)
		}
	}
	return h.FailureDelay
}

// CheckClient refuses, with a *LockedOutError, a client (a remote
// address) that sent too many wrong keys lately. A protocol server that
// verifies keys itself (RTSP's Digest) asks it before doing so.
func (h *Hub) CheckClient(remote string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lockedOutLocked(ClientKey(remote), h.now())
}

// KeyFailed counts a wrong key from remote, found by a protocol server
// that verifies keys itself, and waits the failure delay (less if ctx
// ends first). Only a real authentication failure counts: a malformed
// request or a dropped connection must not come here.
func (h *Hub) KeyFailed(ctx context.Context, remote string) {
	h.mu.Lock()
	delay := h.failLocked(ClientKey(remote), h.now())
	h.mu.Unlock()
	sleep(ctx, delay)
}

// sleep waits d or until ctx is done, holding no lock: other clients and
// the hub carry on meanwhile.
func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

func (h *Hub) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}
