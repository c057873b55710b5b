// Package rtsp brings RTSP into livegate: a server that publishers (ffmpeg,
// OBS plugins, encoders) push to with ANNOUNCE and RECORD, and a client
// that pulls from IP cameras. Both turn RTP into the ingest stream model.
package rtsp

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/bluenviron/gortsplib/v4/pkg/format/rtpmpeg4audio"
	"github.com/pion/rtp"

	"github.com/livegate/livegate/ingest"
	"github.com/livegate/livegate/ingest/rtpin"
)

// media is what livegate takes of an announced (or described) session.
type media struct {
	video      *description.Media
	videoFmt   *format.H264
	audio      *description.Media
	audioFmt   *format.MPEG4Audio
	unsupports []string // what else was offered, for the log
}

// findMedia picks H.264 video (required) and AAC audio (optional) from a
// session description.
func findMedia(desc *description.Session) (media, error) {
	var m media
	for _, md := range desc.Medias {
		for _, f := range md.Formats {
			switch f := f.(type) {
			case *format.H264:
				if m.videoFmt == nil {
					m.video, m.videoFmt = md, f
					continue
				}
			case *format.MPEG4Audio:
				if m.audioFmt == nil && f.Config != nil {
					m.audio, m.audioFmt = md, f
					continue
				}
			}
			m.unsupports = append(m.unsupports, f.Codec())
		}
	}
	if m.videoFmt == nil {
		return m, fmt.Errorf("%w: no H.264 video offered (offered: %v)", ingest.ErrNoVideo, m.unsupports)
	}
	if m.videoFmt.PacketizationMode >= 2 {
		return m, fmt.Errorf("%w: H.264 packetization mode %d", ingest.ErrUnsupportedCodec, m.videoFmt.PacketizationMode)
	}
	return m, nil
}

// receiver is an rtpin.Receiver plus the AAC track's RTP decoding.
type receiver struct {
	*rtpin.Receiver
	m    media
	adec *rtpmpeg4audio.Decoder // nil: no usable audio
}

func newReceiver(s *ingest.Session, m media, log *slog.Logger, fail func(error)) (*receiver, error) {
	r := &receiver{m: m}
	var audio *ingest.AACTrack
	if m.audioFmt != nil {
		asc, err := m.audioFmt.Config.Marshal()
		if err == nil {
			audio, err = ingest.NewAACTrack(asc)
		}
		if err == nil {
			r.adec, err = m.audioFmt.CreateDecoder()
		}
		if err != nil {
			log.Warn("rtsp: AAC track unusable; video only", "err", err)
			audio, r.adec = nil, nil
		}
	}
	if len(m.unsupports) > 0 {
		log.Warn("rtsp: ignoring tracks livegate does not carry", "codecs", m.unsupports)
	}
	var err error
	r.Receiver, err = rtpin.New(s, m.videoFmt, audio, log, fail)
	return r, err
}

// audioPacket takes one RTP packet of the AAC track; pts is on its clock
// (the sample rate). gortsplib calls it from one goroutine per session.
func (r *receiver) audioPacket(pkt *rtp.Packet, pts int64, ok bool) {
	aus, err := r.adec.Decode(pkt)
	switch {
	case errors.Is(err, rtpmpeg4audio.ErrMorePacketsNeeded):
		return
	case err != nil:
		r.WarnOnce("AAC packets lost or malformed; audio dropped", err)
		return
	case !ok:
		return
	}
	r.Audio(&ingest.AudioUnit{PTS: rtpin.Ticks(pts, int64(r.m.audioFmt.ClockRate())), AUs: aus})
}
