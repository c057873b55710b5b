package rtsp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/headers"
	"github.com/bluenviron/gortsplib/v4/pkg/liberrors"
	"github.com/pion/rtp"

	"github.com/livegate/livegate/ingest"
)

// Server accepts publishers at rtsp://host:port/{stream}, the stream key
// as the password (any user name), over TCP: ANNOUNCE with an SDP offering
// H.264 (and AAC), SETUP, RECORD. A client asking for UDP is told it is
// unsupported, and ffmpeg and most encoders then use TCP. Reading (PLAY)
// is refused: viewers watch over HLS, where they pay.
//
// What an unadmitted client can make it hold is bounded: connections in
// all and per client, the bytes and the time a connection has until its
// RECORD (Limits), and one session per connection (gortsplib ties a TCP
// session to its connection and ends it with them). A wrong key is
// delayed and counted by the Hub; a client over its limit is refused
// before its credentials are looked at.
type Server struct {
	Addr   string // e.g. ":8554"
	Hub    *ingest.Hub
	Logger *slog.Logger
	// ReadTimeout and WriteTimeout bound each read and write once
	// publishing (defaults 10 s); Limits.IdleTimeout bounds reads too.
	ReadTimeout, WriteTimeout time.Duration
	// Limits caps connections and what comes before RECORD (zero fields:
	// ingest's defaults).
	Limits ingest.ConnLimits

	srv  *gortsplib.Server
	ln   *ingest.Listener
	ctx  context.Context // ends with Close: cuts short a wrong key's wait
	stop context.CancelFunc
	done chan struct{} // run() has returned
}

// Initialize listens and starts serving; run() watches the server until
// Close.
func (s *Server) Initialize() error {
	if s.srv != nil {
		return errors.New("rtsp: initialized twice")
	}
	if s.Hub == nil {
		return errors.New("rtsp: no Hub")
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.ReadTimeout <= 0 {
		s.ReadTimeout = 10 * time.Second
	}
	if s.WriteTimeout <= 0 {
		s.WriteTimeout = 10 * time.Second
	}
	s.ctx, s.stop = context.WithCancel(context.Background())
	srv := &gortsplib.Server{
		Handler:      &handler{srv: s},
		RTSPAddress:  s.Addr,
		ReadTimeout:  s.ReadTimeout,
		WriteTimeout: s.WriteTimeout,
		Listen: func(network, address string) (net.Listener, error) {
			ln, err := net.Listen(network, address)
			if err != nil {
				return nil, err
			}
			s.ln = ingest.Guard(ln, s.Limits, "rtsp", s.Logger)
			return s.ln, nil
		},
	}
	if err := srv.Start(); err != nil {
		s.stop()
		return fmt.Errorf("rtsp: listen on %s: %w", s.Addr, err)
	}
	s.srv = srv
	s.done = make(chan struct{})
	go s.run()
	s.Logger.Info("rtsp: listening", "addr", s.ListenAddr().String())
	return nil
}

// Start is Initialize, for callers of the earlier API.
func (s *Server) Start() error { return s.Initialize() }

// run waits for the server to end and reports an end that Close did not
// ask for.
func (s *Server) run() {
	defer close(s.done)
	err := s.srv.Wait()
	if s.ctx.Err() == nil {
		s.Logger.Error("rtsp: server stopped", "err", err)
	}
}

// ListenAddr is the address listened on (useful with port 0).
func (s *Server) ListenAddr() net.Addr {
	return s.ln.Addr()
}

// OpenConns is how many connections the server holds.
func (s *Server) OpenConns() int {
	return s.ln.Open()
}

// Close stops the server; its publishers' sessions end. Closing a server
// that never started, or twice, is harmless.
func (s *Server) Close() {
	if s.srv == nil {
		return
	}
	s.stop()
	s.srv.Close()
	<-s.done
}

type handler struct{ srv *Server }

// publisher is what a record session carries between its requests.
type publisher struct {
	session *ingest.Session
	recv    *receiver
	log     *slog.Logger
}

// refuse answers a request with status and logs why.
func (h *handler) refuse(log *slog.Logger, status base.StatusCode, err error) (*base.Response, error) {
	log.Warn("rtsp: publisher refused", "status", int(status), "reason", err)
	return &base.Response{StatusCode: status}, err
}

func (h *handler) OnAnnounce(ctx *gortsplib.ServerHandlerOnAnnounceCtx) (*base.Response, error) {
	remote := ctx.Conn.NetConn().RemoteAddr().String()
	stream := strings.Trim(ctx.Path, "/")
	log := h.srv.Logger.With("protocol", "rtsp", "remote", remote, "stream", stream)
	var auth headers.Authorization
	if err := auth.Unmarshal(ctx.Request.Header["Authorization"]); err != nil {
		// No credentials yet: gortsplib answers 401 with a challenge,
		// whose nonce the first verification makes.
		ctx.Conn.VerifyCredentials(ctx.Request, "publisher", "")
		return &base.Response{StatusCode: base.StatusUnauthorized}, liberrors.ErrServerAuth{}
	}
	var lockedOut *ingest.LockedOutError
	if err := h.srv.Hub.CheckClient(remote); errors.As(err, &lockedOut) {
		log.Warn("rtsp: publisher refused", "status", 503, "reason", err)
		return &base.Response{StatusCode: base.StatusServiceUnavailable, Header: base.Header{
			"Retry-After": base.HeaderValue{strconv.Itoa(int(lockedOut.RetryAfter / time.Second))},
		}}, err
	}
	key, known := h.srv.Hub.KeyOf(stream)
	if !known {
		return h.refuse(log, base.StatusNotFound, fmt.Errorf("no stream %q: publish to rtsp://host:port/{stream}", stream))
	}
	if auth.Username == "" || !ctx.Conn.VerifyCredentials(ctx.Request, auth.Username, key) {
		// A wrong key: counted, and answered late (gortsplib then closes
		// the connection).
		log.Warn("rtsp: publisher refused", "status", 401, "reason", ingest.ErrUnknownKey)
		h.srv.Hub.KeyFailed(h.srv.ctx, remote)
		return &base.Response{StatusCode: base.StatusUnauthorized}, liberrors.ErrServerAuth{}
	}
	m, err := findMedia(ctx.Description)
	if err != nil {
		return h.refuse(log, base.StatusBadRequest, err)
	}
	sess, err := h.srv.Hub.Claim(ingest.Credentials{Stream: stream, Key: key}, "rtsp", remote)
	if err != nil {
		return h.refuse(log, base.StatusBadRequest, err)
	}
	rs := ctx.Session
	recv, err := newReceiver(sess, m, log, func(err error) {
		sess.Close(err)
		rs.Close()
	})
	if err != nil {
		sess.Close(err)
		return h.refuse(log, base.StatusBadRequest, err)
	}
	ctx.Session.SetUserData(&publisher{session: sess, recv: recv, log: log})
	return &base.Response{StatusCode: base.StatusOK}, nil
}

func (h *handler) OnSetup(ctx *gortsplib.ServerHandlerOnSetupCtx) (*base.Response, *gortsplib.ServerStream, error) {
	if _, ok := ctx.Session.UserData().(*publisher); !ok {
		return &base.Response{StatusCode: base.StatusBadRequest},
			nil, errors.New("livegate takes RTSP publishers only: watch the stream over HLS")
	}
	return &base.Response{StatusCode: base.StatusOK}, nil, nil
}

func (h *handler) OnRecord(ctx *gortsplib.ServerHandlerOnRecordCtx) (*base.Response, error) {
	p, ok := ctx.Session.UserData().(*publisher)
	if !ok {
		return &base.Response{StatusCode: base.StatusBadRequest}, errors.New("RECORD without ANNOUNCE")
	}
	ingest.Admit(ctx.Conn.NetConn()) // publishing: the limits before admission end
	m, rs := p.recv.m, ctx.Session
	rs.OnPacketRTP(m.video, m.videoFmt, func(pkt *rtp.Packet) {
		pts, ok := rs.PacketPTS2(m.video, pkt)
		p.recv.Video(pkt, pts, ok)
	})
	if m.audio != nil && p.recv.adec != nil {
		rs.OnPacketRTP(m.audio, m.audioFmt, func(pkt *rtp.Packet) {
			pts, ok := rs.PacketPTS2(m.audio, pkt)
			p.recv.audioPacket(pkt, pts, ok)
		})
	}
	return &base.Response{StatusCode: base.StatusOK}, nil
}

// OnPacketsLost and OnDecodeError keep gortsplib from printing to the
// standard logger; a lossy network repeats them, hence Debug.
func (h *handler) OnPacketsLost(ctx *gortsplib.ServerHandlerOnPacketsLostCtx) {
	if p, ok := ctx.Session.UserData().(*publisher); ok {
		p.log.Debug("rtsp: RTP packets lost", "count", ctx.Lost)
	}
}

func (h *handler) OnDecodeError(ctx *gortsplib.ServerHandlerOnDecodeErrorCtx) {
	if p, ok := ctx.Session.UserData().(*publisher); ok {
		p.log.Debug("rtsp: undecodable RTP", "err", ctx.Error)
	}
}

func (h *handler) OnSessionClose(ctx *gortsplib.ServerHandlerOnSessionCloseCtx) {
	p, ok := ctx.Session.UserData().(*publisher)
	if !ok {
		return
	}
	var reason error
	var torn liberrors.ErrServerSessionTornDown
	if !errors.As(ctx.Error, &torn) {
		reason = ctx.Error
	}
	p.session.Close(reason)
}
