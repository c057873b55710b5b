// Package ingest defines the live stream model that every ingest protocol
// (RTMP, WHIP, RTSP) feeds: timestamped H.264 access units and AAC frames,
// and the Hub that admits publishers by stream key.
//
// Protocol servers live in sub-packages (ingest/rtmp, …). They turn their
// wire format into VideoUnit and AudioUnit values and hand them to a
// Session obtained from the Hub; what happens downstream (segmenting,
// transcoding, archiving) is the Target's business.
package ingest

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
)

// Errors a protocol server maps to its own refusal (an RTMP onStatus error,
// a WHIP 401, an RTSP 401/400).
var (
	ErrUnknownKey       = errors.New("unknown stream key")
	ErrWrongStream      = errors.New("stream key does not belong to this stream")
	ErrAlreadyLive      = errors.New("stream already has a publisher")
	ErrUnsupportedCodec = errors.New("unsupported codec")
	ErrNoVideo          = errors.New("no H.264 video track")
	ErrClosed           = errors.New("ingest closed")
)

// H264Track describes the video track: its parameter sets, from which size,
// profile and level are read.
type H264Track struct {
	SPS []byte
	PPS []byte

	parsed h264.SPS
}

// NewH264Track parses the SPS so that a malformed one is refused at the
// door instead of surfacing later in a player.
func NewH264Track(sps, pps []byte) (*H264Track, error) {
	if len(sps) < 4 || len(pps) == 0 {
		return nil, fmt.Errorf("H.264 parameter sets missing or truncated (SPS %d bytes, PPS %d bytes)", len(sps), len(pps))
	}
	t := &H264Track{SPS: clone(sps), PPS: clone(pps)}
	if err := t.parsed.Unmarshal(t.SPS); err != nil {
		return nil, fmt.Errorf("malformed H.264 SPS: %w", err)
	}
	if t.Width() <= 0 || t.Height() <= 0 {
		return nil, fmt.Errorf("H.264 SPS gives no picture size")
	}
	return t, nil
}

// Width of the decoded picture in pixels.
func (t *H264Track) Width() int { return t.parsed.Width() }

// Height of the decoded picture in pixels.
func (t *H264Track) Height() int { return t.parsed.Height() }

// FPS from the SPS timing info, 0 when the encoder did not say or said
// something impossible (a zero tick gives +Inf, which would break the
// playlist and the archive's JSON).
func (t *H264Track) FPS() float64 {
	f := t.parsed.FPS()
	if math.IsNaN(f) || math.IsInf(f, 0) || f <= 0 || f > 1000 {
		return 0
	}
	return f
}

// Codec is the RFC 6381 codecs string HLS wants (avc1.PPCCLL).
func (t *H264Track) Codec() string {
	return fmt.Sprintf("avc1.%02x%02x%02x", t.SPS[1], t.SPS[2], t.SPS[3])
}

// AACTrack describes the audio track.
type AACTrack struct {
	Config mpeg4audio.AudioSpecificConfig
}

// NewAACTrack parses an AudioSpecificConfig.
func NewAACTrack(asc []byte) (*AACTrack, error) {
	t := &AACTrack{}
	if err := t.Config.Unmarshal(asc); err != nil {
		return nil, fmt.Errorf("malformed AAC AudioSpecificConfig: %w", err)
	}
	return t, nil
}

// Codec is the RFC 6381 codecs string (mp4a.40.N, N the object type).
func (t *AACTrack) Codec() string {
	return fmt.Sprintf("mp4a.40.%d", int(t.Config.Type))
}

// FrameDuration is the playing time of one AAC frame (1024 samples).
func (t *AACTrack) FrameDuration() time.Duration {
	if t.Config.SampleRate <= 0 {
		return 0
	}
	return time.Duration(1024) * time.Second / time.Duration(t.Config.SampleRate)
}

// Tracks is what a publication carries. Video is required; Audio may be nil.
type Tracks struct {
	Video *H264Track
	Audio *AACTrack
}

// Codecs is the HLS CODECS attribute for these tracks.
func (t Tracks) Codecs() string {
	s := ""
	if t.Video != nil {
		s = t.Video.Codec()
	}
	if t.Audio != nil {
		if s != "" {
			s += ","
		}
		s += t.Audio.Codec()
	}
	return s
}

// VideoUnit is one H.264 access unit. Timestamps are on the publisher's
// clock; downstream maps them onto the stream's timeline. NALUs carry no
// start codes or length prefixes; an IDR unit carries its SPS and PPS.
type VideoUnit struct {
	PTS   time.Duration
	DTS   time.Duration
	NALUs [][]byte
	IDR   bool
}

// AudioUnit is one or more AAC access units starting at PTS.
type AudioUnit struct {
	PTS time.Duration
	AUs [][]byte
}

// WithParamSets returns an IDR access unit led by its SPS and PPS, as HLS
// needs every segment to start decodable. FLV carries them only in the
// sequence header, RTP often only in the SDP. AUD and SEI keep their
// places in front. A unit that carries one of the two gets the other
// beside it (an SPS before its PPS, a PPS after its SPS).
func WithParamSets(au [][]byte, sps, pps []byte) [][]byte {
	firstSPS, lastSPS, firstPPS := -1, -1, -1
	for i, n := range au {
		switch h264.NALUType(n[0] & 0x1f) {
		case h264.NALUTypeSPS:
			if firstSPS < 0 {
				firstSPS = i
			}
			lastSPS = i
		case h264.NALUTypePPS:
			if firstPPS < 0 {
				firstPPS = i
			}
		}
	}
	insert := func(at int, ns ...[]byte) [][]byte {
		out := make([][]byte, 0, len(au)+len(ns))
		out = append(out, au[:at]...)
		out = append(out, ns...)
		return append(out, au[at:]...)
	}
	switch {
	case firstSPS >= 0 && firstPPS >= 0:
		return au
	case firstSPS >= 0:
		return insert(lastSPS+1, pps)
	case firstPPS >= 0:
		return insert(firstPPS, sps)
	}
	at := 0
	if len(au) > 0 && h264.NALUType(au[0][0]&0x1f) == h264.NALUTypeAccessUnitDelimiter {
		at = 1
	}
	return insert(at, sps, pps)
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }
