package rtsp

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
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
type Server struct {
	Addr   string // e.g. ":8554"
	Hub    *ingest.Hub
	Logger *slog.Logger

	srv *gortsplib.Server
	mu  sync.Mutex
	ln  net.Listener
}

// Start listens and serves in the background.
func (s *Server) Start() error {
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	s.srv = &gortsplib.Server{
		Handler:      &handler{srv: s},
		RTSPAddress:  s.Addr,
		ReadTimeout:  10 * time.Second,
		WriteTimeout: 10 * time.Second,
		Listen: func(network, address string) (net.Listener, error) {
			ln, err := net.Listen(network, address)
			s.mu.Lock()
			s.ln = ln
			s.mu.Unlock()
			return ln, err
		},
	}
	if err := s.srv.Start(); err != nil {
		return fmt.Errorf("rtsp: listen on %s: %w", s.Addr, err)
	}
	s.Logger.Info("rtsp: listening", "addr", s.ListenAddr().String())
	return nil
}

// ListenAddr is the address listened on (useful with port 0).
func (s *Server) ListenAddr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ln.Addr()
}

// Close stops the server; its publishers' sessions end.
func (s *Server) Close() {
	if s.srv != nil {
		s.srv.Close()
	}
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
	key, known := h.srv.Hub.KeyOf(stream)
	if !known {
		return h.refuse(log, base.StatusNotFound, fmt.Errorf("no stream %q: publish to rtsp://host:port/{stream}", stream))
	}
	if auth.Username == "" || !ctx.Conn.VerifyCredentials(ctx.Request, auth.Username, key) {
		log.Warn("rtsp: publisher refused", "status", 401, "reason", ingest.ErrUnknownKey)
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
