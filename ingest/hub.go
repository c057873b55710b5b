package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Target is a stream that accepts publications. The HLS side implements it;
// ingest knows nothing of what it does with the media.
type Target interface {
	Publish(info PublishInfo) (Publication, error)
}

// PublishInfo tells a Target who is publishing what.
type PublishInfo struct {
	Stream   string
	Protocol string // "rtmp", "whip", "rtsp"
	Remote   string
	Tracks   Tracks
}

// Publication receives one publisher's media, in decode order, from one
// goroutine at a time. Close ends it; reason is nil for a clean end.
type Publication interface {
	WriteVideo(u *VideoUnit) error
	WriteAudio(u *AudioUnit) error
	Close(reason error)
}

// Route ties a stream key to the stream it publishes and that stream's Target.
type Route struct {
	Stream string
	Key    string
	Target Target
}

// Credentials are what a publisher presents. RTMP names only the key; RTSP
// and WHIP name the stream too, and then the key must belong to it.
type Credentials struct {
	Stream string
	Key    string
}

// Hub admits publishers: it checks stream keys and keeps one publisher per
// stream. It is safe for concurrent use by every protocol server.
//
// A wrong key is answered only after FailureDelay and counted against its
// client (see ClientKey); a client with FailureLimit wrong keys within
// FailureWindow is refused at once, whatever key it sends, until the
// oldest of them leaves the window. Keys cannot be guessed at line rate,
// and no other client is slowed or refused meanwhile. Set these fields
// before the hub is shared; NewHub fills in the defaults.
type Hub struct {
	// FailureDelay is how long the answer to a wrong key waits (negative:
	// not at all). It is spent outside every lock.
	FailureDelay time.Duration
	// FailureLimit wrong keys per client within FailureWindow lock the
	// client out (negative: never).
	FailureLimit  int
	FailureWindow time.Duration
	// Now is the clock for the failure window (nil: time.Now).
	Now func() time.Time

	logger *slog.Logger

	mu       sync.Mutex
	byKey    map[string]Route
	live     map[string]*Session
	closed   bool
	failures map[string][]time.Time // client -> its recent wrong keys, oldest first
	swept    time.Time
}

// NewHub builds a Hub over routes. Stream names and keys must be unique.
func NewHub(routes []Route, logger *slog.Logger) (*Hub, error) {
	if logger == nil {
		logger = slog.Default()
	}
	h := &Hub{
		FailureDelay: DefaultFailureDelay, FailureLimit: DefaultFailureLimit, FailureWindow: DefaultFailureWindow,
		logger: logger, byKey: map[string]Route{}, live: map[string]*Session{}, failures: map[string][]time.Time{},
	}
	names := map[string]bool{}
	for _, r := range routes {
		switch {
		case r.Key == "":
			return nil, fmt.Errorf("stream %q has no key", r.Stream)
		case r.Target == nil:
			return nil, fmt.Errorf("stream %q has no target", r.Stream)
		case names[r.Stream]:
			return nil, fmt.Errorf("stream %q listed twice", r.Stream)
		}
		if _, dup := h.byKey[r.Key]; dup {
			return nil, fmt.Errorf("stream %q reuses another stream's key", r.Stream)
		}
		names[r.Stream] = true
		h.byKey[r.Key] = r
	}
	return h, nil
}

// Claim is ClaimContext without a context: the wait after a wrong key
// runs to its end.
func (h *Hub) Claim(cred Credentials, protocol, remote string) (*Session, error) {
	return h.ClaimContext(context.Background(), cred, protocol, remote)
}

// ClaimContext admits a publisher and reserves its stream until the
// returned Session is closed. remote is the publisher's address, by which
// wrong keys are counted. It fails with ErrUnknownKey or ErrWrongStream
// (after FailureDelay, or when ctx ends), ErrTooManyFailures (at once),
// ErrAlreadyLive or ErrClosed. No error names another client.
func (h *Hub) ClaimContext(ctx context.Context, cred Credentials, protocol, remote string) (*Session, error) {
	client := ClientKey(remote)
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, ErrClosed
	}
	now := h.now()
	if err := h.lockedOutLocked(client, now); err != nil {
		h.mu.Unlock()
		return nil, err
	}
	r, ok := h.byKey[cred.Key]
	var wrong error
	switch {
	case !ok:
		wrong = ErrUnknownKey
	case cred.Stream != "" && cred.Stream != r.Stream:
		wrong = ErrWrongStream
	}
	if wrong != nil {
		delay := h.failLocked(client, now)
		h.mu.Unlock()
		sleep(ctx, delay)
		return nil, wrong
	}
	defer h.mu.Unlock()
	if cur, busy := h.live[r.Stream]; busy {
		// Who publishes is for the operator's log, not for the refused.
		h.logger.Info("ingest: second publisher refused", "stream", r.Stream, "protocol", protocol, "remote", remote,
			"live_protocol", cur.protocol, "live_remote", cur.remote)
		return nil, ErrAlreadyLive
	}
	s := &Session{hub: h, route: r, protocol: protocol, remote: remote}
	h.live[r.Stream] = s
	return s, nil
}

// KeyOf is stream's key. Protocols whose authentication proves knowledge
// of a password without sending it (RTSP's Digest) need it to check.
func (h *Hub) KeyOf(stream string) (string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for key, r := range h.byKey {
		if r.Stream == stream {
			return key, true
		}
	}
	return "", false
}

// Live reports whether stream has a publisher right now.
func (h *Hub) Live(stream string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	_, ok := h.live[stream]
	return ok
}

// Close refuses new claims. Sessions already admitted end when their
// protocol server closes them.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
}

func (h *Hub) release(s *Session) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.live[s.route.Stream] == s {
		delete(h.live, s.route.Stream)
	}
}

// Session is one admitted publisher. Start it once the tracks are known,
// write media, and Close it when the publisher leaves. Methods may be
// called from different goroutines (a WHIP DELETE ends a session while its
// media goroutine writes).
type Session struct {
	hub      *Hub
	route    Route
	protocol string
	remote   string

	mu     sync.Mutex
	pub    Publication
	closed bool
}

// Stream is the name of the stream this session publishes.
func (s *Session) Stream() string { return s.route.Stream }

var errNotStarted = errors.New("ingest: media written before the session started")

// Start opens the publication downstream. It refuses a publication without
// H.264 video.
func (s *Session) Start(tracks Tracks) error {
	if tracks.Video == nil {
		return ErrNoVideo
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return ErrClosed
	case s.pub != nil:
		return errors.New("ingest: session started twice")
	}
	pub, err := s.route.Target.Publish(PublishInfo{
		Stream: s.route.Stream, Protocol: s.protocol, Remote: s.remote, Tracks: tracks,
	})
	if err != nil {
		return err
	}
	s.pub = pub
	s.hub.logger.Info("publishing", "stream", s.route.Stream, "protocol", s.protocol, "remote", s.remote,
		"codecs", tracks.Codecs(), "width", tracks.Video.Width(), "height", tracks.Video.Height())
	return nil
}

// Started reports whether Start succeeded.
func (s *Session) Started() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pub != nil
}

// WriteVideo passes one access unit downstream.
func (s *Session) WriteVideo(u *VideoUnit) error {
	return s.write(func(p Publication) error { return p.WriteVideo(u) })
}

// WriteAudio passes audio downstream.
func (s *Session) WriteAudio(u *AudioUnit) error {
	return s.write(func(p Publication) error { return p.WriteAudio(u) })
}

func (s *Session) write(f func(Publication) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if s.pub == nil {
		return errNotStarted
	}
	return f(s.pub)
}

// Close ends the session and frees the stream for the next publisher.
// reason is nil when the publisher left cleanly. Closing twice is harmless.
func (s *Session) Close(reason error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	if s.pub != nil {
		s.pub.Close(reason) // under s.mu: no write is in flight
	}
	s.mu.Unlock()
	s.hub.release(s)
	if reason != nil {
		s.hub.logger.Warn("publisher gone", "stream", s.route.Stream, "protocol", s.protocol, "remote", s.remote, "reason", reason)
	} else {
		s.hub.logger.Info("publisher done", "stream", s.route.Stream, "protocol", s.protocol, "remote", s.remote)
	}
}
