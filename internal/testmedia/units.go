package testmedia

import (
	"errors"
	"fmt"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	flvtag "github.com/yutopp/go-flv/tag"
)

// Frame is one access unit of the clip: H.264 NALUs (no start codes) or
// one raw AAC frame, with its timestamps.
type Frame struct {
	PTS, DTS time.Duration
	NALUs    [][]byte
	IDR      bool
	AAC      []byte
}

// Media is the clip as access units, what RTP and WebRTC publishers send.
type Media struct {
	SPS, PPS []byte
	ASC      []byte // AAC AudioSpecificConfig
	Video    []Frame
	Audio    []Frame
}

// ClipMedia reads the testdata clip as access units.
func ClipMedia() (*Media, error) { return ReadMedia(ClipPath()) }

// ReadMedia reads an FLV file of H.264 and AAC as access units.
func ReadMedia(path string) (*Media, error) {
	tags, err := ReadFLV(path)
	if err != nil {
		return nil, err
	}
	m := &Media{}
	for _, tg := range tags {
		ts := time.Duration(tg.Timestamp) * time.Millisecond
		b := tg.Body
		switch {
		case tg.Type == flvtag.TagTypeVideo && len(b) > 5 && b[1] == 0:
			if m.SPS, m.PPS, err = avcConfig(b[5:]); err != nil {
				return nil, err
			}
		case tg.Type == flvtag.TagTypeVideo && len(b) > 5 && b[1] == 1:
			cts := int32(uint32(b[2])<<16|uint32(b[3])<<8|uint32(b[4])) << 8 >> 8 // signed 24 bits
			var au h264.AVCC
			if err := au.Unmarshal(b[5:]); err != nil {
				return nil, err
			}
			f := Frame{DTS: ts, PTS: ts + time.Duration(cts)*time.Millisecond, NALUs: au, IDR: h264.IsRandomAccess(au)}
			m.Video = append(m.Video, f)
		case tg.Type == flvtag.TagTypeAudio && len(b) > 2 && b[1] == 0:
			m.ASC = b[2:]
		case tg.Type == flvtag.TagTypeAudio && len(b) > 2 && b[1] == 1:
			m.Audio = append(m.Audio, Frame{PTS: ts, DTS: ts, AAC: b[2:]})
		}
	}
	if m.SPS == nil || m.ASC == nil {
		return nil, errors.New("clip without AVC or AAC configuration")
	}
	return m, nil
}

// avcConfig reads the first SPS and PPS of an AVCDecoderConfigurationRecord.
func avcConfig(b []byte) (sps, pps []byte, err error) {
	bad := fmt.Errorf("malformed AVCDecoderConfigurationRecord (%d bytes)", len(b))
	if len(b) < 8 || b[5]&0x1f == 0 {
		return nil, nil, bad
	}
	n := int(b[6])<<8 | int(b[7])
	if len(b) < 8+n+3 {
		return nil, nil, bad
	}
	sps, b = b[8:8+n], b[8+n:]
	if b[0] == 0 {
		return nil, nil, bad
	}
	n = int(b[1])<<8 | int(b[2])
	if len(b) < 3+n {
		return nil, nil, bad
	}
	return sps, b[3 : 3+n], nil
}
