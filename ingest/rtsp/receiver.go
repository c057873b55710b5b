// Package rtsp brings RTSP into livegate: a server that publishers (ffmpeg,
// OBS plugins, encoders) push to with ANNOUNCE and RECORD, and a client
// that pulls from IP cameras. Both turn RTP into the ingest stream model.
package rtsp

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/bluenviron/gortsplib/v4/pkg/description"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/bluenviron/gortsplib/v4/pkg/format/rtph264"
	"github.com/bluenviron/gortsplib/v4/pkg/format/rtpmpeg4audio"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/pion/rtp"

	"github.com/livegate/livegate/ingest"
)

// startWithin bounds how much media may arrive before the picture can
// start (parameter sets and a first IDR frame): a publisher that sends
// none is refused rather than left holding its stream.
const startWithin = 10 * time.Second

// media is what a receiver needs of an announced (or described) session.
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

// receiver turns one publication's RTP packets into access units for an
// ingest session. gortsplib calls it from its reading goroutines.
type receiver struct {
	session *ingest.Session
	log     *slog.Logger
	m       media
	fail    func(error) // ends the RTSP side

	mu      sync.Mutex
	vdec    *rtph264.Decoder
	adec    *rtpmpeg4audio.Decoder
	dts     *h264.DTSExtractor
	sps     []byte
	pps     []byte
	audio   *ingest.AACTrack
	started bool
	first   time.Time // the first video packet, for startWithin
	failed  bool
	warned  map[string]bool
}

func newReceiver(s *ingest.Session, m media, log *slog.Logger, fail func(error)) (*receiver, error) {
	r := &receiver{session: s, log: log, m: m, fail: fail, sps: m.videoFmt.SPS, pps: m.videoFmt.PPS, warned: map[string]bool{}}
	var err error
	if r.vdec, err = m.videoFmt.CreateDecoder(); err != nil {
		return nil, fmt.Errorf("%w: %v", ingest.ErrUnsupportedCodec, err)
	}
	if m.audioFmt != nil {
		asc, err := m.audioFmt.Config.Marshal()
		if err == nil {
			r.audio, err = ingest.NewAACTrack(asc)
		}
		if err == nil {
			r.adec, err = m.audioFmt.CreateDecoder()
		}
		if err != nil {
			log.Warn("rtsp: AAC track unusable; video only", "err", err)
			r.audio, r.adec = nil, nil
		}
	}
	if len(m.unsupports) > 0 {
		log.Warn("rtsp: ignoring tracks livegate does not carry", "codecs", m.unsupports)
	}
	return r, nil
}

// warnOnce logs a kind of trouble the first time it happens: a lossy
// network repeats it for every packet.
func (r *receiver) warnOnce(kind string, err error) {
	if !r.warned[kind] {
		r.warned[kind] = true
		r.log.Warn("rtsp: "+kind, "err", err)
	}
}

func (r *receiver) stop(err error) {
	if !r.failed {
		r.failed = true
		go r.fail(err) // not from inside gortsplib's callback
	}
}

// video takes one RTP packet of the H.264 track; pts is on its 90 kHz
// clock (ok false: not known yet).
func (r *receiver) video(pkt *rtp.Packet, pts int64, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failed {
		return
	}
	if r.first.IsZero() {
		r.first = time.Now()
	}
	au, err := r.vdec.Decode(pkt)
	switch {
	case errors.Is(err, rtph264.ErrMorePacketsNeeded), errors.Is(err, rtph264.ErrNonStartingPacketAndNoPrevious):
		return
	case err != nil:
		r.warnOnce("H.264 packets lost or malformed; frames dropped", err)
		return
	case !ok:
		return
	}
	for _, n := range au {
		switch h264.NALUType(n[0] & 0x1f) {
		case h264.NALUTypeSPS:
			r.sps = n
		case h264.NALUTypePPS:
			r.pps = n
		}
	}
	idr := h264.IsRandomAccess(au)
	if !r.started {
		if !idr || r.sps == nil || r.pps == nil {
			if time.Since(r.first) > startWithin {
				r.stop(fmt.Errorf("%w: no H.264 keyframe with parameter sets within %v", ingest.ErrNoVideo, startWithin))
			}
			return
		}
		track, err := ingest.NewH264Track(r.sps, r.pps)
		if err != nil {
			r.stop(err)
			return
		}
		if err := r.session.Start(ingest.Tracks{Video: track, Audio: r.audio}); err != nil {
			r.stop(err)
			return
		}
		r.started = true
		r.dts = &h264.DTSExtractor{}
		r.dts.Initialize()
	}
	if idr {
		au = ingest.WithParamSets(au, r.sps, r.pps) // the DTS extractor reads the SPS from it too
	}
	dts, err := r.dts.Extract(au, pts)
	if err != nil {
		r.warnOnce("H.264 frame order unreadable; frames dropped", err)
		if idr {
			r.dts.Initialize() // start afresh at the next keyframe
		}
		return
	}
	u := &ingest.VideoUnit{PTS: ticks(pts, 90000), DTS: ticks(dts, 90000), NALUs: au, IDR: idr}
	if err := r.session.WriteVideo(u); err != nil {
		r.stop(fmt.Errorf("stream refused media: %w", err))
	}
}

// audio takes one RTP packet of the AAC track; pts is on its clock (the
// sample rate).
func (r *receiver) audioPacket(pkt *rtp.Packet, pts int64, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failed || r.adec == nil {
		return
	}
	aus, err := r.adec.Decode(pkt)
	switch {
	case errors.Is(err, rtpmpeg4audio.ErrMorePacketsNeeded):
		return
	case err != nil:
		r.warnOnce("AAC packets lost or malformed; audio dropped", err)
		return
	case !ok || !r.started || len(aus) == 0:
		return // audio before the picture starts has nothing to go with
	}
	u := &ingest.AudioUnit{PTS: ticks(pts, int64(r.m.audioFmt.ClockRate())), AUs: aus}
	if err := r.session.WriteAudio(u); err != nil {
		r.stop(fmt.Errorf("stream refused media: %w", err))
	}
}

// ticks converts a timestamp on a clock of rate Hz to a duration, without
// overflowing for long streams.
func ticks(v, rate int64) time.Duration {
	return time.Duration(v/rate)*time.Second + time.Duration(v%rate)*time.Second/time.Duration(rate)
}
