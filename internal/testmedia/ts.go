package testmedia

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts"
	mpegtscodecs "github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts/codecs"
)

// VideoAU is one H.264 access unit found in MPEG-TS, timestamps at 90 kHz.
type VideoAU struct {
	PTS, DTS int64
	IDR      bool
	SPS, PPS bool
}

// TS is what a segment holds.
type TS struct {
	Video      []VideoAU
	Audio      []int64 // PTS of each AAC frame, 90 kHz
	SampleRate int
}

// DemuxTS reads a whole MPEG-TS buffer with mediacommon.
func DemuxTS(data []byte) (*TS, error) {
	r := &mpegts.Reader{R: bytes.NewReader(data)}
	if err := r.Initialize(); err != nil {
		return nil, fmt.Errorf("mpeg-ts: %w", err)
	}
	out := &TS{}
	var decodeErr error
	r.OnDecodeError(func(err error) { decodeErr = errors.Join(decodeErr, err) })
	for _, tr := range r.Tracks() {
		switch c := tr.Codec.(type) {
		case *mpegtscodecs.H264:
			r.OnDataH264(tr, func(pts, dts int64, au [][]byte) error {
				v := VideoAU{PTS: pts, DTS: dts, IDR: h264.IsRandomAccess(au)}
				for _, n := range au {
					switch h264.NALUType(n[0] & 0x1f) {
					case h264.NALUTypeSPS:
						v.SPS = true
					case h264.NALUTypePPS:
						v.PPS = true
					}
				}
				out.Video = append(out.Video, v)
				return nil
			})
		case *mpegtscodecs.MPEG4Audio:
			out.SampleRate = c.Config.SampleRate
			r.OnDataMPEG4Audio(tr, func(pts int64, aus [][]byte) error {
				for i := range aus {
					out.Audio = append(out.Audio, pts+int64(i)*1024*90000/int64(c.Config.SampleRate))
				}
				return nil
			})
		default:
			return nil, fmt.Errorf("mpeg-ts: unexpected track %T", c)
		}
	}
	for {
		err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("mpeg-ts: %w", err)
		}
	}
	if decodeErr != nil {
		return out, fmt.Errorf("mpeg-ts decode errors: %w", decodeErr)
	}
	return out, nil
}
