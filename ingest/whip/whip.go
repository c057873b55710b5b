// Package whip takes WebRTC publishers (browsers, OBS 30+) by WHIP, RFC
// 9725: POST /whip/{stream} with the stream key as a bearer token and an
// SDP offer, 201 with the answer and the session's Location, DELETE on
// that location to end. H.264 video goes downstream as it comes; Opus
// audio is turned into AAC (see opus.go for why).
package whip

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"

	"github.com/livegate/livegate/ingest"
)

// Server answers WHIP requests. Register its routes on the HTTP mux.
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

	once     sync.Once
	api      *webrtc.API
	apiErr   error
	mu       sync.Mutex
	sessions map[string]*session
	closed   bool
}

// maxOffer bounds an SDP offer: browsers send a few kilobytes.
const maxOffer = 64 << 10

func (s *Server) init() error {
	s.once.Do(func() {
		if s.Logger == nil {
			s.Logger = slog.Default()
		}
		if s.Segment <= 0 {
			s.Segment = 2 * time.Second
		}
		if s.ICETimeout <= 0 {
			s.ICETimeout = 10 * time.Second
		}
		s.sessions = map[string]*session{}
		s.api, s.apiErr = newAPI(s.Loopback)
	})
	return s.apiErr
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

// Register adds the WHIP routes to mux.
func (s *Server) Register(mux *http.ServeMux) {
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

// Close ends every session.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	all := make([]*session, 0, len(s.sessions))
	for _, ss := range s.sessions {
		all = append(all, ss)
	}
	s.mu.Unlock()
	for _, ss := range all {
		ss.end(errors.New("server shutting down"))
	}
}

func (s *Server) publish(w http.ResponseWriter, r *http.Request) {
	if err := s.init(); err != nil {
		httpError(w, http.StatusInternalServerError, "WebRTC unavailable: "+err.Error())
		return
	}
	stream := r.PathValue("stream")
	log := s.Logger.With("protocol", "whip", "remote", r.RemoteAddr, "stream", stream)
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
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxOffer))
	if err != nil {
		refuse(http.StatusRequestEntityTooLarge, fmt.Errorf("offer unreadable or over %d bytes: %v", maxOffer, err))
		return
	}
	offer, err := checkOffer(body)
	if err != nil {
		refuse(http.StatusBadRequest, err)
		return
	}
	claim, err := s.Hub.Claim(ingest.Credentials{Stream: stream, Key: key}, "whip", r.RemoteAddr)
	switch {
	case errors.Is(err, ingest.ErrUnknownKey), errors.Is(err, ingest.ErrWrongStream):
		refuse(http.StatusUnauthorized, err)
		return
	case errors.Is(err, ingest.ErrAlreadyLive):
		refuse(http.StatusConflict, err)
		return
	case err != nil:
		refuse(http.StatusServiceUnavailable, err)
		return
	}
	ss, answer, err := s.start(claim, offer, log)
	if err != nil {
		claim.Close(err)
		refuse(http.StatusBadRequest, err)
		return
	}
	w.Header().Set("Content-Type", "application/sdp")
	w.Header().Set("Location", "/whip/"+stream+"/"+ss.id)
	w.Header().Set("ETag", `"`+ss.id+`"`)
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, answer)
}

// offerInfo is what an offer says that matters before WebRTC starts.
type offerInfo struct {
	sdp   string
	opus  bool
	codes []string // the video codecs offered, for a refusal
}

// checkOffer parses an offer and refuses one without H.264 video.
func checkOffer(body []byte) (offerInfo, error) {
	var d sdp.SessionDescription
	if err := d.UnmarshalString(string(body)); err != nil {
		return offerInfo{}, fmt.Errorf("malformed SDP offer: %v", err)
	}
	info := offerInfo{sdp: string(body)}
	h264 := false
	for _, m := range d.MediaDescriptions {
		for _, f := range m.MediaName.Formats {
			c, err := d.GetCodecForPayloadType(parsePT(f))
			if err != nil {
				continue
			}
			switch {
			case m.MediaName.Media == "video" && strings.EqualFold(c.Name, "H264"):
				h264 = true
			case m.MediaName.Media == "video":
				info.codes = append(info.codes, c.Name)
			case m.MediaName.Media == "audio" && strings.EqualFold(c.Name, "opus"):
				info.opus = true
			}
		}
	}
	if !h264 {
		return info, fmt.Errorf("%w: no H.264 in the offer (video offered: %v); livegate takes H.264", ingest.ErrNoVideo, info.codes)
	}
	return info, nil
}

func parsePT(s string) uint8 {
	var n uint8
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + uint8(c-'0')
	}
	return n
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) end(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	ss := s.sessions[r.PathValue("session")]
	s.mu.Unlock()
	if ss == nil || ss.stream != r.PathValue("stream") {
		httpError(w, http.StatusNotFound, "no such WHIP session")
		return
	}
	ss.end(nil)
	w.WriteHeader(http.StatusOK)
}
