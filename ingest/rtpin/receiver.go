// Package rtpin turns H.264 over RTP, as RTSP and WebRTC carry it, into
// the ingest stream model: access units with decode timestamps, each IDR
// frame led by its parameter sets, the session started once the picture
// can start.
package rtpin

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/bluenviron/gortsplib/v4/pkg/format/rtph264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/pion/rtp"

	"github.com/livegate/livegate/ingest"
)

// StartWithin bounds how much media may arrive before the picture can
// start (parameter sets and a first IDR frame): a publisher that sends
// none is refused rather than left holding its stream.
const StartWithin = 10 * time.Second

// Caps on one access unit, past which it is dropped (with a warning)
// rather than passed on: what one bad sender can make every later stage
// hold and copy. gortsplib's decoder already refuses more than
// h264.MaxNALUsPerAccessUnit NALUs and h264.MaxAccessUnitSize (8 MiB)
// while it gathers a unit; livegate's streams need less.
const (
	MaxNALUs   = h264.MaxNALUsPerAccessUnit
	MaxAUBytes = 4 << 20 // a 1080p keyframe at 20 Mb/s is well under 1 MiB
)

// Receiver feeds one publication. Its methods may be called from
// different goroutines (a video and an audio reader).
type Receiver struct {
	session *ingest.Session
	log     *slog.Logger
	fail    func(error) // ends the protocol side
	audio   *ingest.AACTrack

	// Keyframe, when set, is called (under the receiver's lock) for each
	// IDR frame that goes downstream, with its PTS.
	Keyframe func(pts time.Duration)

	mu      sync.Mutex
	vdec    *rtph264.Decoder
	dts     *h264.DTSExtractor
	sps     []byte
	pps     []byte
	started bool
	first   time.Time // the first video packet, for StartWithin
	failed  bool
	warned  map[string]bool
}

// New makes a receiver for H.264 in format video (its SDP parameter sets,
// if any, are used until the stream sends its own) and AAC audio as audio
// describes (nil: none). fail is called, in its own goroutine, when the
// publication must end.
func New(s *ingest.Session, video *format.H264, audio *ingest.AACTrack, log *slog.Logger, fail func(error)) (*Receiver, error) {
	r := &Receiver{session: s, log: log, fail: fail, audio: audio, sps: video.SPS, pps: video.PPS, warned: map[string]bool{}}
	var err error
	if r.vdec, err = video.CreateDecoder(); err != nil {
		return nil, fmt.Errorf("%w: %v", ingest.ErrUnsupportedCodec, err)
	}
	return r, nil
}

// WarnOnce logs a kind of trouble the first time it happens: a lossy
// network repeats it for every packet.
func (r *Receiver) WarnOnce(kind string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.warnOnce(kind, err)
}

func (r *Receiver) warnOnce(kind string, err error) {
	if !r.warned[kind] {
		r.warned[kind] = true
		r.log.Warn(kind, "err", err)
	}
}

func (r *Receiver) stop(err error) {
	if !r.failed {
		r.failed = true
		go r.fail(err) // not from inside the protocol's callback
	}
}

// Video takes one RTP packet of the H.264 track; pts is on its 90 kHz
// clock (ok false: not known yet).
func (r *Receiver) Video(pkt *rtp.Packet, pts int64, ok bool) {
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
	if err := checkAU(au); err != nil {
		r.warnOnce("H.264 access units over livegate's caps; dropped", err)
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
			if time.Since(r.first) > StartWithin {
				r.stop(fmt.Errorf("%w: no H.264 keyframe with parameter sets within %v", ingest.ErrNoVideo, StartWithin))
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
	u := &ingest.VideoUnit{PTS: Ticks(pts, 90000), DTS: Ticks(dts, 90000), NALUs: au, IDR: idr}
	if err := r.session.WriteVideo(u); err != nil {
		r.stop(fmt.Errorf("stream refused media: %w", err))
		return
	}
	if idr && r.Keyframe != nil {
		r.Keyframe(u.PTS)
	}
}

// checkAU refuses an access unit over the caps, or with an empty NALU
// (which has no header to read).
func checkAU(au [][]byte) error {
	if len(au) == 0 || len(au) > MaxNALUs {
		return fmt.Errorf("%d NALUs in an access unit, at most %d", len(au), MaxNALUs)
	}
	size := 0
	for _, n := range au {
		if len(n) == 0 {
			return errors.New("empty NALU")
		}
		size += len(n)
	}
	if size > MaxAUBytes {
		return fmt.Errorf("access unit of %d bytes, at most %d", size, MaxAUBytes)
	}
	return nil
}

// Audio passes decoded AAC downstream once the picture has started:
// audio before it has nothing to go with.
func (r *Receiver) Audio(u *ingest.AudioUnit) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failed || !r.started || r.audio == nil || len(u.AUs) == 0 {
		return
	}
	for _, au := range u.AUs {
		if len(au) == 0 || len(au) > maxAudioAU {
			r.warnOnce("AAC access units empty or over 8 KiB; dropped", fmt.Errorf("%d bytes", len(au)))
			return
		}
	}
	if err := r.session.WriteAudio(u); err != nil {
		r.stop(fmt.Errorf("stream refused media: %w", err))
	}
}

// maxAudioAU bounds one AAC access unit: 6144 bits per channel is the
// most the format allows; 8 KiB covers stereo with room.
const maxAudioAU = 8 << 10

// Ticks converts a timestamp on a clock of rate Hz to a duration, without
// overflowing for long streams.
func Ticks(v, rate int64) time.Duration {
	return time.Duration(v/rate)*time.Second + time.Duration(v%rate)*time.Second/time.Duration(rate)
}
