// Package whip takes WebRTC publishers (browsers, OBS 30+) by WHIP, RFC
// 9725: POST /whip/{stream} with the stream key as a bearer token and an
// SDP offer, 201 with the answer and the session's Location, DELETE on
// that location to end. H.264 video goes downstream as it comes; Opus
// audio is turned into AAC (see opus.go for why).
package whip

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"

	"github.com/livegate/livegate/ingest"
)

// Server answers WHIP requests. Fill in its fields, Initialize it,
// Register its routes on the HTTP mux, and Close it to end every session.
//
// A request is refused as early and as cheaply as it can be: the stream
// key is checked (by the Hub, which delays and counts wrong keys) before
// the offer is read; the offer is read under a deadline and a size cap,
// and pre-scanned against Limits, before pion parses it.
type Server struct {
	Hub    *ingest.Hub
	Logger *slog.Logger
	// Segment is the stream's target segment duration: a keyframe is
	// asked for (PLI) whenever this long has passed without one, as
	// browsers otherwise send them rarely.
	Segment time.Duration
	// FFmpeg turns Opus into AAC; empty or missing: video only.
	FFmpeg string
	// ICETimeout bounds how long a session may take to connect after its
	// answer (default 10 s); then it is closed and its stream freed.
	ICETimeout time.Duration
	// Loopback offers 127.0.0.1 candidates too (tests, one-machine setups).
	Loopback bool
	// ReadTimeout bounds reading an offer (default 10 s): a client that
	// trickles its body cannot hold a handler.
	ReadTimeout time.Duration
	// Limits caps offers before they are parsed (zero fields: defaults).
	Limits OfferLimits
	// MaxSessions and MaxSessionsPerClient bound the sessions held, being
	// set up or live, in total and per client (ingest.ClientKey)
	// (defaults 64 and 4).
	MaxSessions, MaxSessionsPerClient int
	// ClientAddr names a request's client (default: r.RemoteAddr). Behind
	// a trusted reverse proxy it returns the address the proxy forwarded,
	// so wrong keys and sessions are counted per client, not per proxy.
	ClientAddr func(*http.Request) string

	api  *webrtc.API
	ctx  context.Context
	stop context.CancelFunc
	reqs chan func(*state) // run the function on the state, in run()
	done chan struct{}     // run() has returned
	left []*session        // what run() held when it returned

	offersRead   atomic.Int64 // offers whose bodies were read
	offersParsed atomic.Int64 // offers handed to pion
}

// state is what run() owns: the sessions and what each client holds.
type state struct {
	sessions  map[string]*session // by id; nil while being set up
	clients   map[string]int      // client -> sessions held
	slotOwner map[string]string   // id -> client
	closed    bool
}

// errShuttingDown answers requests after Close.
var errShuttingDown = errors.New("WHIP server shutting down")

// Initialize checks the configuration, sets up WebRTC and starts the
// goroutine that owns the sessions. Call it once, before Register.
func (s *Server) Initialize() error {
	if s.reqs != nil {
		return errors.New("whip: initialized twice")
	}
	if s.Hub == nil {
		return errors.New("whip: no Hub")
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.Segment <= 0 {
		s.Segment = 2 * time.Second
	}
	if s.ICETimeout <= 0 {
		s.ICETimeout = 10 * time.Second
	}
	if s.ReadTimeout <= 0 {
		s.ReadTimeout = 10 * time.Second
	}
	if s.MaxSessions <= 0 {
		s.MaxSessions = 64
	}
	if s.MaxSessionsPerClient <= 0 {
		s.MaxSessionsPerClient = 4
	}
	s.Limits = s.Limits.withDefaults()
	api, err := newAPI(s.Loopback)
	if err != nil {
		return fmt.Errorf("whip: WebRTC: %w", err)
	}
	s.api = api
	s.ctx, s.stop = context.WithCancel(context.Background())
	s.reqs = make(chan func(*state))
	s.done = make(chan struct{})
	go s.run()
	return nil
}

// run owns the state until Close.
func (s *Server) run() {
	defer close(s.done)
	st := &state{sessions: map[string]*session{}, clients: map[string]int{}, slotOwner: map[string]string{}}
	for {
		select {
		case f := <-s.reqs:
			f(st)
		case <-s.ctx.Done():
			st.closed = true
			for _, ss := range st.sessions {
				if ss != nil {
					s.left = append(s.left, ss)
				}
			}
			return
		}
	}
}

// do runs f in run(), and reports false once the server is closed.
func (s *Server) do(f func(*state)) bool {
	ran := make(chan struct{})
	select {
	case s.reqs <- func(st *state) { f(st); close(ran) }:
		<-ran
		return true
	case <-s.done:
		return false
	}
}

// reserve holds a session slot for client, or says why not.
func (s *Server) reserve(remote string) (id string, err error) {
	client := ingest.ClientKey(remote)
	ok := s.do(func(st *state) {
		switch {
		case len(st.slotOwner) >= s.MaxSessions:
			err = fmt.Errorf("the server holds its maximum of %d WHIP sessions; try again later", s.MaxSessions)
		case st.clients[client] >= s.MaxSessionsPerClient:
			err = fmt.Errorf("this address holds its maximum of %d WHIP sessions; end one first", s.MaxSessionsPerClient)
		default:
			id = newID()
			st.clients[client]++
			st.slotOwner[id] = client
			st.sessions[id] = nil
		}
	})
	if !ok {
		return "", errShuttingDown
	}
	return id, err
}

// attach makes a set-up session findable by its id (for DELETE); false
// once the server is closing.
func (s *Server) attach(ss *session) bool {
	attached := false
	s.do(func(st *state) {
		if _, held := st.slotOwner[ss.id]; held {
			st.sessions[ss.id] = ss
			attached = true
		}
	})
	return attached
}

// release frees a slot; a second release is harmless.
func (s *Server) release(id string) {
	s.do(func(st *state) {
		client, held := st.slotOwner[id]
		if !held {
			return
		}
		delete(st.slotOwner, id)
		delete(st.sessions, id)
		if st.clients[client]--; st.clients[client] <= 0 {
			delete(st.clients, client)
		}
	})
}

func (s *Server) find(id string) (ss *session) {
	s.do(func(st *state) { ss = st.sessions[id] })
	return ss
}

// newAPI is pion set up to receive what livegate carries: H.264 in the
// profiles browsers and OBS send, and Opus, with NACK, RTCP reports and
// keyframe requests.
func newAPI(loopback bool) (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	fb := []webrtc.RTCPFeedback{{Type: "nack"}, {Type: "nack", Parameter: "pli"}, {Type: "ccm", Parameter: "fir"}, {Type: "goog-remb"}}
	pt := webrtc.PayloadType(96)
	for _, profile := range []string{"42001f", "42e01f", "4d001f", "64001f", "640032"} {
		for _, mode := range []string{"1", "0"} {
			err := m.RegisterCodec(webrtc.RTPCodecParameters{
				RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
					SDPFmtpLine:  "level-asymmetry-allowed=1;packetization-mode=" + mode + ";profile-level-id=" + profile,
					RTCPFeedback: fb},
				PayloadType: pt,
			}, webrtc.RTPCodecTypeVideo)
			if err != nil {
				return nil, err
			}
			pt++
		}
	}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2,
			SDPFmtpLine: "minptime=10;useinbandfec=1"},
		PayloadType: 111,
	}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	reg := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, reg); err != nil {
		return nil, err
	}
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(loopback)
	se.SetICETimeouts(5*time.Second, 10*time.Second, 2*time.Second)
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(se)), nil
}

// Register adds the WHIP routes to mux. A server not yet initialized is
// initialized here, at set-up time (an error is logged, and its requests
// are answered 503); callers should call Initialize themselves.
func (s *Server) Register(mux *http.ServeMux) {
	if s.reqs == nil {
		if err := s.Initialize(); err != nil {
			if s.Logger == nil {
				s.Logger = slog.Default()
			}
			s.Logger.Error("whip: unavailable", "err", err)
		}
	}
	mux.HandleFunc("POST /whip/{stream}", cors(s.publish))
	mux.HandleFunc("DELETE /whip/{stream}/{session}", cors(s.end))
	mux.HandleFunc("PATCH /whip/{stream}/{session}", cors(func(w http.ResponseWriter, r *http.Request) {
		// No trickle ICE: the answer carries every candidate.
		w.Header().Set("Allow", "DELETE")
		httpError(w, http.StatusMethodNotAllowed, "trickle ICE is not supported: send the full offer")
	}))
	mux.HandleFunc("OPTIONS /whip/", cors(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Accept-Post", "application/sdp")
		w.WriteHeader(http.StatusNoContent)
	}))
}

// cors lets a page on any origin publish: the stream key is the
// credential, not the origin.
func cors(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Allow-Methods", "POST, DELETE, PATCH, OPTIONS")
		w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match")
		w.Header().Set("Access-Control-Expose-Headers", "Location, Link, ETag")
		h(w, r)
	}
}

func httpError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	fmt.Fprintln(w, msg)
}

// Close ends every session and refuses new ones. Closing a server that
// was never initialized, or twice, is harmless.
func (s *Server) Close() {
	if s.reqs == nil {
		return
	}
	s.stop()
	<-s.done
	left := s.left
	s.left = nil
	for _, ss := range left {
		ss.end(errShuttingDown)
	}
}

func (s *Server) clientOf(r *http.Request) string {
	if s.ClientAddr != nil {
		return s.ClientAddr(r)
	}
	return r.RemoteAddr
}

func (s *Server) publish(w http.ResponseWriter, r *http.Request) {
	if s.reqs == nil {
		httpError(w, http.StatusServiceUnavailable, "WebRTC publishing is unavailable on this server")
		return
	}
	stream := r.PathValue("stream")
	client := s.clientOf(r)
	log := s.Logger.With("protocol", "whip", "remote", client, "stream", stream)
	refuse := func(code int, err error) {
		log.Warn("whip: publisher refused", "status", code, "reason", err)
		httpError(w, code, err.Error())
	}
	key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || key == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="livegate"`)
		refuse(http.StatusUnauthorized, errors.New("send the stream key as Authorization: Bearer {key}"))
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/sdp") {
		refuse(http.StatusUnsupportedMediaType, fmt.Errorf("an SDP offer is application/sdp, not %q", ct))
		return
	}
	// The key first: nothing of the offer is read for a wrong one.
	claim, err := s.Hub.ClaimContext(r.Context(), ingest.Credentials{Stream: stream, Key: key}, "whip", client)
	var lockedOut *ingest.LockedOutError
	switch {
	case errors.As(err, &lockedOut):
		w.Header().Set("Retry-After", strconv.Itoa(int(lockedOut.RetryAfter/time.Second)))
		refuse(http.StatusTooManyRequests, err)
		return
	case errors.Is(err, ingest.ErrUnknownKey), errors.Is(err, ingest.ErrWrongStream):
		// One answer for both: telling a guesser that a key is another
		// stream's would tell it the key works. The log says which.
		w.Header().Set("WWW-Authenticate", `Bearer realm="livegate", error="invalid_token"`)
		log.Warn("whip: publisher refused", "status", http.StatusUnauthorized, "reason", err)
		httpError(w, http.StatusUnauthorized, ingest.ErrUnknownKey.Error()+" for this stream")
		return
	case errors.Is(err, ingest.ErrAlreadyLive):
		refuse(http.StatusConflict, err)
		return
	case err != nil:
		refuse(http.StatusServiceUnavailable, err)
		return
	}
	code, ss, answer, err := s.admit(w, r, claim, client, log)
	if err != nil {
		claim.Close(err)
		refuse(code, err)
		return
	}
	w.Header().Set("Content-Type", "application/sdp")
	w.Header().Set("Location", "/whip/"+stream+"/"+ss.id)
	w.Header().Set("ETag", `"`+ss.id+`"`)
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, answer)
}

// admit takes an authenticated publisher's offer: a session slot, the
// body under its deadline and cap, the pre-scan, then pion. On an error
// it returns the status to answer with, and has released the slot.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, claim *ingest.Session, client string, log *slog.Logger) (int, *session, string, error) {
	id, err := s.reserve(client)
	if err != nil {
		return http.StatusServiceUnavailable, nil, "", err
	}
	ok := false
	defer func() {
		if !ok {
			s.release(id)
		}
	}()
	body, code, err := s.readOffer(w, r)
	if err != nil {
		return code, nil, "", err
	}
	if _, err := scanOffer(body, s.Limits); err != nil {
		if errors.Is(err, errOfferTooBig) {
			return http.StatusRequestEntityTooLarge, nil, "", err
		}
		return http.StatusBadRequest, nil, "", err
	}
	s.offersParsed.Add(1)
	offer, err := checkOffer(body)
	if err != nil {
		return http.StatusBadRequest, nil, "", err
	}
	ss, answer, err := s.start(id, claim, offer, log)
	if err != nil {
		return http.StatusBadRequest, nil, "", err
	}
	ok = true
	return 0, ss, answer, nil
}

// readOffer reads the body under ReadTimeout and Limits.Bytes.
func (s *Server) readOffer(w http.ResponseWriter, r *http.Request) ([]byte, int, error) {
	deadline := time.Now().Add(s.ReadTimeout)
	rc := http.NewResponseController(w)
	if err := rc.SetReadDeadline(deadline); err != nil {
		// Not a net/http connection: the deadline closes the body.
		t := time.AfterFunc(s.ReadTimeout, func() { _ = r.Body.Close() })
		defer t.Stop()
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, int64(s.Limits.Bytes)))
	s.offersRead.Add(1)
	if err != nil {
		// Do not wait for the rest of a body that did not come: answer
		// and close.
		w.Header().Set("Connection", "close")
	} else {
		_ = rc.SetReadDeadline(time.Time{})
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("%w: over %d bytes", errOfferTooBig, s.Limits.Bytes)
	case err != nil:
		return nil, http.StatusRequestTimeout, fmt.Errorf("offer not received within %v: %v", s.ReadTimeout, err)
	}
	return body, 0, nil
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) end(w http.ResponseWriter, r *http.Request) {
	var ss *session
	if s.reqs != nil {
		ss = s.find(r.PathValue("session"))
	}
	if ss == nil || ss.stream != r.PathValue("stream") {
		httpError(w, http.StatusNotFound, "no such WHIP session")
		return
	}
	ss.end(nil)
	w.WriteHeader(http.StatusOK)
}
