package testmedia

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
)

// ClipOpus is the clip's audio as Opus packets of 20 ms, made with
// ffmpeg's libopus, as a browser would send it.
func ClipOpus(ffmpeg string) ([]Frame, error) { return OpusOf(ffmpeg, ClipPath()) }

// OpusOf is the audio of a media file as Opus packets of 20 ms.
func OpusOf(ffmpeg, path string) ([]Frame, error) {
	out, err := exec.Command(ffmpeg, "-hide_banner", "-loglevel", "error", "-i", path, "-vn",
		"-c:a", "libopus", "-ac", "2", "-ar", "48000", "-b:a", "64k", "-frame_duration", "20",
		"-f", "ogg", "pipe:1").Output()
	if err != nil {
		return nil, fmt.Errorf("ffmpeg to Opus: %w", err)
	}
	packets, err := oggPackets(out)
	if err != nil {
		return nil, err
	}
	var frames []Frame
	for _, p := range packets {
		if bytes.HasPrefix(p, []byte("OpusHead")) || bytes.HasPrefix(p, []byte("OpusTags")) {
			continue
		}
		at := time.Duration(len(frames)) * 20 * time.Millisecond
		frames = append(frames, Frame{PTS: at, DTS: at, NALUs: [][]byte{p}})
	}
	return frames, nil
}

// WHIPClip is the clip as a WHIP publisher sends it.
func WHIPClip(ffmpeg string) ([]RTP, []Frame, error) { return WHIPMedia(ffmpeg, ClipPath(), 1) }

// WHIPMedia is an FLV file as a WHIP publisher sends it, loops times on
// one timeline: H.264 RTP with SPS and PPS in every keyframe (WebRTC has
// no sprop-parameter-sets, browsers send them in band), and Opus frames
// made from its audio with ffmpeg.
func WHIPMedia(ffmpeg, path string, loops int) ([]RTP, []Frame, error) {
	m, err := ReadMedia(path)
	if err != nil {
		return nil, nil, err
	}
	for i, fr := range m.Video {
		if fr.IDR {
			m.Video[i].NALUs = append([][]byte{m.SPS, m.PPS}, fr.NALUs...)
		}
	}
	desc, err := m.RTSPDescription(false)
	if err != nil {
		return nil, nil, err
	}
	video, err := m.Packetize(desc, loops)
	if err != nil {
		return nil, nil, err
	}
	opus, err := OpusOf(ffmpeg, path)
	if err != nil {
		return nil, nil, err
	}
	span, err := m.LoopSpan()
	if err != nil {
		return nil, nil, err
	}
	var audio []Frame
	for loop := range loops {
		for _, f := range opus {
			f.PTS += time.Duration(loop) * span
			f.DTS = f.PTS
			audio = append(audio, f)
		}
	}
	return video, audio, nil
}

// oggPackets splits an Ogg stream into its packets by the pages' lacing
// values (RFC 3533). A page may hold several packets, or part of one.
func oggPackets(b []byte) ([][]byte, error) {
	var out [][]byte
	var cur []byte
	for len(b) > 0 {
		if len(b) < 27 || string(b[:4]) != "OggS" {
			return nil, errors.New("not an Ogg page")
		}
		n := int(b[26])
		if len(b) < 27+n {
			return nil, errors.New("truncated Ogg page")
		}
		lacing, data := b[27:27+n], b[27+n:]
		for _, l := range lacing {
			if len(data) < int(l) {
				return nil, errors.New("truncated Ogg page")
			}
			cur, data = append(cur, data[:l]...), data[l:]
			if l < 255 {
				out, cur = append(out, cur), nil
			}
		}
		b = data
	}
	return out, nil
}

// WHIPClient is a pion peer connection publishing by WHIP, as a browser
// or OBS does.
type WHIPClient struct {
	PC       *webrtc.PeerConnection
	Location string // the session's URL
	Answer   string
	video    *webrtc.TrackLocalStaticRTP
	audio    *webrtc.TrackLocalStaticSample
	// Sent, when set, is told of each video packet as it goes out.
	Sent func(r RTP, at time.Time)
	// PLIs counts the keyframe requests the server sent.
	PLIs atomic.Int64
}

// WHIPOffer makes a client with an H.264 track (profile 64001e, the
// clip's) and, when withAudio, an Opus track, and its offer with every
// ICE candidate.
func WHIPOffer(withAudio bool) (*WHIPClient, string, error) {
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, "", err
	}
	pc, err := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se)).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, "", err
	}
	c := &WHIPClient{PC: pc}
	if c.video, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
		SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=64001e"}, "video", "clip"); err != nil {
		return nil, "", err
	}
	sender, err := pc.AddTrack(c.video)
	if err != nil {
		return nil, "", err
	}
	go func() {
		for {
			pkts, _, err := sender.ReadRTCP()
			if err != nil {
				return
			}
			for _, p := range pkts {
				if _, ok := p.(*rtcp.PictureLossIndication); ok {
					c.PLIs.Add(1)
				}
			}
		}
	}()
	if withAudio {
		if c.audio, err = webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", "clip"); err != nil {
			return nil, "", err
		}
		if _, err := pc.AddTrack(c.audio); err != nil {
			return nil, "", err
		}
	}
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		return nil, "", err
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		return nil, "", err
	}
	<-gathered
	return c, pc.LocalDescription().SDP, nil
}

// PostWHIP sends an offer to a WHIP endpoint and returns the status, the
// Location and the body.
func PostWHIP(endpoint, key, offer string) (int, string, string, error) {
	req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(offer))
	if err != nil {
		return 0, "", "", err
	}
	req.Header.Set("Content-Type", "application/sdp")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body), nil
}

// DialWHIP publishes to endpoint (http://host/whip/{stream}) with key and
// waits until the connection is up.
func DialWHIP(endpoint, key string, withAudio bool) (*WHIPClient, error) {
	c, offer, err := WHIPOffer(withAudio)
	if err != nil {
		return nil, err
	}
	code, loc, answer, err := PostWHIP(endpoint, key, offer)
	if err != nil || code != http.StatusCreated {
		_ = c.PC.Close()
		return nil, fmt.Errorf("WHIP POST: %d %s %w", code, answer, err)
	}
	base := endpoint[:strings.Index(endpoint, "/whip/")]
	c.Location, c.Answer = base+loc, answer
	connected := make(chan struct{})
	c.PC.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			close(connected)
		}
	})
	if err := c.PC.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer}); err != nil {
		_ = c.PC.Close()
		return nil, err
	}
	select {
	case <-connected:
		return c, nil
	case <-time.After(10 * time.Second):
		_ = c.PC.Close()
		return nil, errors.New("WebRTC did not connect within 10 s")
	}
}

// Send sends video (RTP from Packetize) and Opus audio frames, merged in
// time, in real time, until ctx is done.
func (c *WHIPClient) Send(ctx context.Context, video []RTP, audio []Frame) error {
	type item struct {
		at  time.Duration
		rtp *RTP
		opu []byte
	}
	var items []item
	for i := range video {
		items = append(items, item{at: video[i].At, rtp: &video[i]})
	}
	if c.audio != nil {
		for _, f := range audio {
			items = append(items, item{at: f.PTS, opu: f.NALUs[0]})
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].at < items[j].at })
	start := time.Now()
	for _, it := range items {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Until(start.Add(it.at))):
		}
		var err error
		if it.rtp != nil {
			err = c.video.WriteRTP(it.rtp.Pkt)
			if c.Sent != nil {
				c.Sent(*it.rtp, time.Now())
			}
		} else {
			err = c.audio.WriteSample(media.Sample{Data: it.opu, Duration: 20 * time.Millisecond})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Delete ends the session the WHIP way.
func (c *WHIPClient) Delete() (int, error) {
	req, _ := http.NewRequest(http.MethodDelete, c.Location, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
