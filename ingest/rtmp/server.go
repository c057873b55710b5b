// Package rtmp takes streams from OBS, ffmpeg and other RTMP encoders at
// rtmp://host/live/{stream key} and hands their H.264 and AAC to the ingest
// Hub.
//
// It is built on github.com/yutopp/go-rtmp, which leaves two things to its
// user: it sets no deadlines on connections, and its accept loop retries a
// failing Accept without pause. Server wraps both: every connection gets
// read and write deadlines, and the listener it hands go-rtmp backs off on
// errors and only fails once the server is closing. Everything a client
// sends before its stream key is checked is bounded: connections per
// client and in total, bytes before publish, message sizes, chunk streams
// and the bytes held in incomplete messages (enforced by the patched
// go-rtmp in third_party), and AMF0 nesting (the patched go-amf0).
package rtmp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/sirupsen/logrus"
	gortmp "github.com/yutopp/go-rtmp"

	"github.com/livegate/livegate/ingest"
)

// Claimer admits publishers; *ingest.Hub is one.
type Claimer interface {
	Claim(cred ingest.Credentials, protocol, remote string) (*ingest.Session, error)
}

// What one connection may make the server hold. Before its publish is
// admitted a client is anonymous: it gets room for commands only. See
// third_party/go-rtmp/PATCHED.md for how go-rtmp enforces them.
const (
	maxChunkSize      = 1 << 20 // largest Set Chunk Size accepted (RTMP allows 2^31-1)
	maxChunkStreams   = 16      // encoders use 3 to 6
	maxMessageStreams = 8       // createStream answers per connection
	// Before publish: the largest command, and all incomplete messages.
	maxCommandSize        = 64 << 10
	maxPartialBeforeAdmit = 128 << 10
	// After publish: the largest message (an access unit as large as
	// mediacommon takes, in its FLV tag), and all incomplete messages.
	maxMessageSize       = h264.MaxAccessUnitSize + 64<<10
	maxPartialAfterAdmit = 2 * maxMessageSize
)

// Server is an RTMP ingest server. Set the fields, call Initialize, and
// Close when done.
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
	// MaxConnsPerClient caps open connections from one client address, an
	// IPv6 client counting by its /64 (default 16): one client cannot take
	// every connection MaxConns allows.
	MaxConnsPerClient int
	// MaxBytesBeforePublish caps what a connection may send before its
	// publish is admitted (default 256 KiB; an encoder sends about 4 KiB,
	// the handshake included).
	MaxBytesBeforePublish int
	Logger                *slog.Logger

	ln        net.Listener
	srv       *gortmp.Server
	ctx       context.Context
	cancel    context.CancelFunc
	chAdmit   chan admitRequest
	chClose   chan *netConn
	runDone   chan struct{}
	serveDone chan struct{}
	wg        sync.WaitGroup // one per admitted connection
	closeOnce sync.Once
}

type admitRequest struct {
	conn net.Conn
	res  chan *netConn // nil: refused
}

// Initialize checks the configuration, listens, and starts serving in the
// background.
func (s *Server) Initialize() error {
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
	if s.MaxConnsPerClient <= 0 {
		s.MaxConnsPerClient = 16
	}
	if s.MaxBytesBeforePublish <= 0 {
		s.MaxBytesBeforePublish = 256 << 10
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("rtmp: listen on %s: %w", s.Addr, err)
	}
	s.ln = ln
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.chAdmit = make(chan admitRequest)
	s.chClose = make(chan *netConn)
	s.runDone = make(chan struct{})
	s.serveDone = make(chan struct{})
	s.srv = gortmp.NewServer(&gortmp.ServerConfig{OnConnect: s.onConnect})
	go s.run()
	go func() {
		defer close(s.serveDone)
		_ = s.srv.Serve(&listener{Listener: ln, srv: s})
	}()
	s.Logger.Info("rtmp: listening", "addr", ln.Addr().String(), "app", s.App)
	return nil
}

// Start is Initialize, for callers of the earlier API.
func (s *Server) Start() error { return s.Initialize() }

// ListenAddr is the address the server listens on (useful with port 0).
func (s *Server) ListenAddr() net.Addr { return s.ln.Addr() }

// Close stops accepting, ends every connection (their sessions close, so
// streams flush what they hold) and waits for them.
func (s *Server) Close() error {
	if s.cancel == nil {
		return nil // never initialized
	}
	var err error
	s.closeOnce.Do(func() {
		s.cancel()
		<-s.runDone // every admitted connection's socket is closed
		err = s.srv.Close()
		_ = s.ln.Close() // in case Serve had not registered it yet
		<-s.serveDone
		s.wg.Wait()
	})
	return err
}

// run owns the set of open connections: it admits or refuses each one
// the listener accepts, forgets those that close, and closes the rest
// when the server closes.
func (s *Server) run() {
	defer close(s.runDone)
	conns := map[*netConn]struct{}{}
	perClient := map[string]int{}
	for {
		select {
		case req := <-s.chAdmit:
			req.res <- s.admit(req.conn, conns, perClient)
		case c := <-s.chClose:
			delete(conns, c)
			if perClient[c.client]--; perClient[c.client] <= 0 {
				delete(perClient, c.client)
			}
		case <-s.ctx.Done():
			for c := range conns {
				_ = c.Conn.Close() // unblocks the reader; go-rtmp then runs OnClose
			}
			return
		}
	}
}

func (s *Server) admit(c net.Conn, conns map[*netConn]struct{}, perClient map[string]int) *netConn {
	remote := c.RemoteAddr().String()
	client := ingest.ClientKey(c.RemoteAddr().String()) // an IPv4 address, an IPv6 /64
	switch {
	case len(conns) >= s.MaxConns:
		s.Logger.Warn("rtmp: connection refused: too many open", "remote", remote, "max", s.MaxConns)
		return nil
	case perClient[client] >= s.MaxConnsPerClient:
		s.Logger.Warn("rtmp: connection refused: too many from this client", "remote", remote, "client", client, "max", s.MaxConnsPerClient)
		return nil
	}
	nc := &netConn{Conn: c, srv: s, client: client, publishBy: time.Now().Add(s.PublishTimeout)}
	conns[nc] = struct{}{}
	perClient[client]++
	s.wg.Add(1)
	return nc
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
			MaxChunkSize:               maxChunkSize,
			MaxChunkStreams:            maxChunkStreams,
			MaxMessageStreams:          maxMessageStreams,
			MaxMessageSize:             maxCommandSize,
			MaxPartialBytes:            maxPartialBeforeAdmit,
		},
		Logger: lr,
	}
}

// listener hands go-rtmp the connections run admits, and never an error
// until the server closes, backing off itself when Accept fails (out of
// file descriptors).
type listener struct {
	net.Listener
	srv *Server
}

func (l *listener) Accept() (net.Conn, error) {
	s := l.srv
	backoff := 5 * time.Millisecond
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			if s.ctx.Err() != nil {
				return nil, err
			}
			s.Logger.Warn("rtmp: accept failed, backing off", "err", err, "backoff", backoff)
			select {
			case <-time.After(backoff):
			case <-s.ctx.Done():
			}
			backoff = min(2*backoff, time.Second)
			continue
		}
		backoff = 5 * time.Millisecond
		req := admitRequest{conn: c, res: make(chan *netConn, 1)}
		select {
		case s.chAdmit <- req:
		case <-s.ctx.Done():
			_ = c.Close()
			return nil, net.ErrClosed
		}
		if nc := <-req.res; nc != nil {
			return nc, nil
		}
		_ = c.Close() // refused: keep accepting
	}
}

// netConn puts deadlines on every read and write, and turns away clients
// that do not speak RTMP before go-rtmp waits on them.
type netConn struct {
	net.Conn
	srv       *Server
	client    string // what it counts against in MaxConnsPerClient
	once      sync.Once
	started   bool
	early     int         // bytes read before the publish was admitted
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
	if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
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
	if !c.published.Load() {
		if c.early += n; c.early > c.srv.MaxBytesBeforePublish {
			return 0, fmt.Errorf("%d bytes received without a publish, more than the %d allowed", c.early, c.srv.MaxBytesBeforePublish)
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
	c.once.Do(func() {
		select {
		case c.srv.chClose <- c:
		case <-c.srv.runDone: // the server closed: run forgot it already
		}
		c.srv.wg.Done()
	})
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
	msg = strings.Replace(msg, "Server closed by error: Err = ", "connection closed: ", 1)
	h.log.Warn(errorLogPrefix + msg)
	return nil
}
