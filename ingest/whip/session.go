package whip

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/bluenviron/gortsplib/v4/pkg/rtptime"
	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"

	"github.com/livegate/livegate/ingest"
	"github.com/livegate/livegate/ingest/rtpin"
)

// session is one WHIP publisher: its peer connection, the ingest session
// it feeds, and its Opus-to-AAC converter.
type session struct {
	srv    *Server
	id     string
	stream string
	log    *slog.Logger
	claim  *ingest.Session
	pc     *webrtc.PeerConnection
	recv   *rtpin.Receiver
	clock  *rtptime.GlobalDecoder2 // aligns audio and video timestamps
	audio  *opusToAAC              // nil: video only

	mu           sync.Mutex
	lastKeyframe time.Time
	lastPLI      time.Time
	ended        bool
	done         chan struct{}
}

// start sets up the peer connection for offer, in the slot id, and
// returns the session and its answer, with every ICE candidate in it.
func (s *Server) start(id string, claim *ingest.Session, offer offerInfo, log *slog.Logger) (*session, string, error) {
	pc, err := s.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, "", err
	}
	ss := &session{srv: s, id: id, stream: claim.Stream(), log: log, claim: claim, pc: pc,
		clock: &rtptime.GlobalDecoder2{}, done: make(chan struct{})}
	ss.clock.Initialize()
	var audio *ingest.AACTrack
	if offer.opus {
		if ss.audio, err = newOpusToAAC(s.FFmpeg, log); err != nil {
			log.Warn("whip: Opus audio dropped: "+err.Error(), "ffmpeg", s.FFmpeg)
		} else {
			audio = ss.audio.track
		}
	}
	// The receiver is made for a packetization-mode 1 decoder, which
	// reads mode 0 streams (single NAL units) as well.
	if ss.recv, err = rtpin.New(claim, &format.H264{PayloadTyp: 96, PacketizationMode: 1}, audio, log, ss.end); err != nil {
		ss.close()
		return nil, "", err
	}
	ss.recv.Keyframe = func(time.Duration) {
		ss.mu.Lock()
		ss.lastKeyframe = time.Now()
		ss.mu.Unlock()
	}
	pc.OnTrack(ss.onTrack)
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		switch st {
		case webrtc.PeerConnectionStateConnected:
			log.Info("whip: connected", "session", ss.id)
		case webrtc.PeerConnectionStateFailed:
			ss.end(errors.New("WebRTC connection failed"))
		case webrtc.PeerConnectionStateClosed:
			ss.end(errors.New("WebRTC connection closed"))
		}
	})
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer.sdp}); err != nil {
		ss.close()
		return nil, "", fmt.Errorf("offer refused: %v", err)
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		ss.close()
		return nil, "", fmt.Errorf("no answer to this offer: %v", err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(answer); err != nil {
		ss.close()
		return nil, "", err
	}
	select {
	case <-gathered:
	case <-time.After(5 * time.Second):
		ss.close()
		return nil, "", errors.New("ICE gathering did not complete")
	}
	if !s.attach(ss) {
		ss.close()
		return nil, "", errShuttingDown
	}
	go ss.watch()
	return ss, pc.LocalDescription().SDP, nil
}

// watch ends a session that does not connect in time, and asks for
// keyframes so segments can be cut near the target duration.
func (ss *session) watch() {
	connectBy := time.Now().Add(ss.srv.ICETimeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ss.done:
			return
		case <-tick.C:
		}
		if ss.pc.ConnectionState() != webrtc.PeerConnectionStateConnected {
			if time.Now().After(connectBy) {
				ss.end(fmt.Errorf("ICE did not connect within %v", ss.srv.ICETimeout))
				return
			}
			continue
		}
		ss.mu.Lock()
		due := time.Since(ss.lastKeyframe) >= ss.srv.Segment && time.Since(ss.lastPLI) >= 500*time.Millisecond
		if due {
			ss.lastPLI = time.Now()
		}
		ss.mu.Unlock()
		if due {
			ss.requestKeyframe()
		}
	}
}

// requestKeyframe sends a PLI on every video track.
func (ss *session) requestKeyframe() {
	var pkts []rtcp.Packet
	for _, tr := range ss.pc.GetReceivers() {
		if t := tr.Track(); t != nil && t.Kind() == webrtc.RTPCodecTypeVideo {
			pkts = append(pkts, &rtcp.PictureLossIndication{MediaSSRC: uint32(t.SSRC())})
		}
	}
	if len(pkts) > 0 {
		_ = ss.pc.WriteRTCP(pkts)
	}
}

func (ss *session) onTrack(t *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
	mime := strings.ToLower(t.Codec().MimeType)
	switch {
	case mime == strings.ToLower(webrtc.MimeTypeH264):
		f := &format.H264{PayloadTyp: uint8(t.PayloadType()), PacketizationMode: 1}
		for {
			pkt, _, err := t.ReadRTP()
			if err != nil {
				return
			}
			pts, ok := ss.clock.Decode(f, pkt)
			ss.recv.Video(pkt, pts, ok)
		}
	case mime == strings.ToLower(webrtc.MimeTypeOpus) && ss.audio != nil:
		f := &format.Opus{PayloadTyp: uint8(t.PayloadType()), ChannelCount: 2}
		for {
			pkt, _, err := t.ReadRTP()
			if err != nil {
				return
			}
			if pts, ok := ss.clock.Decode(f, pkt); ok {
				ss.audio.write(pkt, pts, ss.recv)
			}
		}
	default:
		ss.log.Warn("whip: track ignored", "codec", t.Codec().MimeType)
		for {
			if _, _, err := t.ReadRTP(); err != nil {
				return
			}
		}
	}
}

// end finishes the session: the stream is freed, the connection closed.
// reason nil is a clean end (DELETE).
func (ss *session) end(reason error) {
	ss.mu.Lock()
	if ss.ended {
		ss.mu.Unlock()
		return
	}
	ss.ended = true
	close(ss.done)
	ss.mu.Unlock()
	ss.srv.release(ss.id)
	ss.close()
	if ss.audio != nil {
		ss.audio.close() // its last frames go downstream before the stream ends
	}
	ss.claim.Close(reason)
}

func (ss *session) close() {
	_ = ss.pc.Close()
	if ss.audio != nil {
		ss.audio.close()
	}
}
