// Package rtmp takes streams from OBS, ffmpeg and other RTMP encoders at
// rtmp://host/live/{stream key} and hands their H.264 and AAC to the ingest
// Hub.
//
// It is built on github.com/yutopp/go-rtmp, which leaves two things to its
// user: it sets no deadlines on connections, and its accept loop retries a
// failing Accept without pause. Server wraps both: every connection gets
// read and write deadlines, and the listener it hands go-rtmp backs off on
// errors and only fails once the server is closing.
package rtmp

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"
	gortmp "github.com/yutopp/go-rtmp"

	"github.com/livegate/livegate/ingest"
)

// Claimer admits publishers; *ingest.Hub is one.
type Claimer interface {
	Claim(cred ingest.Credentials, protocol, remote string) (*ingest.Session, error)
}

// Server is an RTMP ingest server. Set the fields, call Start, and Close
// when done.
type Server struct {
	Addr string  // listen address, e.g. ":1935"
	Hub  Claimer // admits publishers by stream key
	// App is the RTMP application publishers must connect to ("live").
	App string
	// IdleTimeout ends a connection that sends nothing for this long
	// (default 20 s): a stalled encoder must not hold its stream forever.
	IdleTimeout time.Duration
	// PublishTimeout bounds the time from accepting a connection to its
	// publish command (default 10 s): a client that trickles bytes holds
	// no socket longer.
	PublishTimeout time.Duration
	// MaxConns caps open connections (default 256).
	MaxConns int
	Logger   *slog.Logger

	ln    net.Listener
	srv   *gortmp.Server
	done  chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns map[*netConn]struct{}
	stop  bool
}

// Start listens and serves in the background.
func (s *Server) Start() error {
	if s.Hub == nil {
		return errors.New("rtmp: no Hub")
	}
	if s.App == "" {
		s.App = "live"
	}
	if s.IdleTimeout <= 0 {
		s.IdleTimeout = 20 * time.Second
	}
	if s.PublishTimeout <= 0 {
		s.PublishTimeout = 10 * time.Second
	}
	if s.MaxConns <= 0 {
		s.MaxConns = 256
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("rtmp: listen on %s: %w", s.Addr, err)
	}
	s.ln = ln
	s.conns = map[*netConn]struct{}{}
	s.done = make(chan struct{})
	s.srv = gortmp.NewServer(&gortmp.ServerConfig{OnConnect: s.onConnect})
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(&listener{Listener: ln, srv: s})
	}()
	s.Logger.Info("rtmp: listening", "addr", ln.Addr().String(), "app", s.App)
	return nil
}

// ListenAddr is the address the server listens on (useful with port 0).
func (s *Server) ListenAddr() net.Addr { return s.ln.Addr() }

// Close stops accepting, ends every connection (their sessions close, so
// streams flush what they hold) and waits for them.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.stop {
		s.mu.Unlock()
		return nil
	}
	s.stop = true
	for c := range s.conns {
		_ = c.Conn.Close() // unblocks the reader; go-rtmp then runs OnClose
	}
	s.mu.Unlock()
	err := s.srv.Close()
	<-s.done
	s.wg.Wait()
	return err
}

func (s *Server) onConnect(nc net.Conn) (io.ReadWriteCloser, *gortmp.ConnConfig) {
	remote := nc.RemoteAddr().String()
	log := s.Logger.With("remote", remote)
	lr := logrus.New()
	lr.Out = io.Discard
	lr.Level = logrus.ErrorLevel
	lr.AddHook(logrusHook{log})
	var owned *netConn
	if c, ok := nc.(*netConn); ok {
		owned = c
	}
	return nc, &gortmp.ConnConfig{
		Handler: &conn{srv: s, remote: remote, log: log, nc: owned},
		ControlState: gortmp.StreamControlStateConfig{
			DefaultBandwidthWindowSize: 6 * 1024 * 1024 / 8,
		},
		Logger: lr,
	}
}

func (s *Server) track(c net.Conn) (*netConn, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stop {
		return nil, false
	}
	if len(s.conns) >= s.MaxConns {
		s.Logger.Warn("rtmp: connection refused: too many open", "remote", c.RemoteAddr().String(), "max", s.MaxConns)
		return nil, false
	}
	nc := &netConn{Conn: c, srv: s, publishBy: time.Now().Add(s.PublishTimeout)}
	s.conns[nc] = struct{}{}
	s.wg.Add(1)
	return nc, true
}

func (s *Server) untrack(c *netConn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.wg.Done()
}

func (s *Server) closing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stop
}

// listener hands go-rtmp connections and never an error until the server
// closes, backing off itself when Accept fails (out of file descriptors).
type listener struct {
	net.Listener
	srv *Server
}

func (l *listener) Accept() (net.Conn, error) {
	backoff := 5 * time.Millisecond
	for {
		c, err := l.Listener.Accept()
		if err == nil {
			if nc, ok := l.srv.track(c); ok {
				return nc, nil
			}
			_ = c.Close()
			if l.srv.closing() {
				return nil, net.ErrClosed
			}
			continue // over the cap: refused, keep accepting
		}
		if l.srv.closing() {
			return nil, err
		}
		l.srv.Logger.Warn("rtmp: accept failed, backing off", "err", err, "backoff", backoff)
		time.Sleep(backoff)
		backoff = min(2*backoff, time.Second)
	}
}

// netConn puts deadlines on every read and write, and turns away clients
// that do not speak RTMP before go-rtmp waits on them.
type netConn struct {
	net.Conn
	srv       *Server
	once      sync.Once
	started   bool
	publishBy time.Time   // until the publish command, reads stop here
	published atomic.Bool // set by the handler once admitted
}

func (c *netConn) Read(p []byte) (int, error) {
	deadline := time.Now().Add(c.srv.IdleTimeout)
	early := !c.published.Load() && c.publishBy.Before(deadline)
	if early {
		deadline = c.publishBy
	}
	_ = c.Conn.SetReadDeadline(deadline)
	n, err := c.Conn.Read(p)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		if early {
			return n, fmt.Errorf("no publish within %v of connecting: %w", c.srv.PublishTimeout, err)
		}
		return n, fmt.Errorf("nothing received for %v: %w", c.srv.IdleTimeout, err)
	}
	if n > 0 && !c.started {
		c.started = true
		if p[0] != 3 { // C0: RTMP version 3
			return 0, notRTMP(p[0])
		}
	}
	return n, err
}

func notRTMP(b byte) error {
	hint := ""
	switch b {
	case 0x16:
		hint = " (a TLS handshake: use rtmp://, livegate does not serve rtmps:// here)"
	case 'G', 'P', 'H':
		hint = " (an HTTP request: HLS and the API are on the HTTP port)"
	case 6:
		hint = " (encrypted RTMPE, which livegate does not support)"
	}
	return fmt.Errorf("not an RTMP client: first byte 0x%02x%s", b, hint)
}

func (c *netConn) Write(p []byte) (int, error) {
	_ = c.Conn.SetWriteDeadline(time.Now().Add(c.srv.IdleTimeout))
	return c.Conn.Write(p)
}

func (c *netConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.srv.untrack(c) })
	return err
}

// logrusHook forwards go-rtmp's error logs (a failed handshake, a protocol
// error) to slog, one line each.
type logrusHook struct{ log *slog.Logger }

func (logrusHook) Levels() []logrus.Level {
	return []logrus.Level{logrus.PanicLevel, logrus.FatalLevel, logrus.ErrorLevel}
}

func (h logrusHook) Fire(e *logrus.Entry) error {
	msg, _, _ := strings.Cut(e.Message, "\n")
	h.log.Warn(errorLogPrefix + msg)
	return nil
}
