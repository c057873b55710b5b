// Package hls turns live streams into HLS: it cuts access units into
// GOP-aligned MPEG-TS segments, keeps a sliding live window per rendition,
// archives every segment to disk for replay, and serves playlists and
// segments over HTTP, asking a Gate before it releases any segment.
package hls

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts"
	mpegtscodecs "github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts/codecs"

	"github.com/livegate/livegate/ingest"
)

// Segment is one piece of a rendition: MPEG-TS that starts with an IDR
// frame and its parameter sets. Once emitted it is never modified.
type Segment struct {
	Seq           uint64
	Start         time.Duration // on the stream's timeline
	Duration      time.Duration
	Data          []byte
	Discontinuity bool      // timestamps or encoding restart here
	Time          time.Time // wall clock of Start (EXT-X-PROGRAM-DATE-TIME)
	// Recording is the recording the segment belongs to: a priced
	// stream's keys are named by recording and number.
	Recording string
}

// ErrNoKeyframe ends a publication whose encoder stopped sending IDR frames:
// without them no segment can be cut.
var ErrNoKeyframe = errors.New("no keyframe")

// tolerance lets a cut happen at a keyframe a few milliseconds short of the
// target: RTMP timestamps are rounded to the millisecond.
const tolerance = 10 * time.Millisecond

// Segmenter cuts one publication into segments. It is fed access units in
// decode order with timestamps already on the stream's timeline and calls
// Emit for each finished segment (Seq, Discontinuity and Time are the
// caller's to fill). It drops media before the first keyframe. Not safe for
// concurrent use.
type Segmenter struct {
	target  time.Duration
	maxSpan time.Duration
	tracks  ingest.Tracks
	emit    func(*Segment)

	fm         *fmp4Muxer // low-latency parts, cut where the segments are (nil: none)
	buf        *bytes.Buffer
	out        redirect // the writer writes here: buf, whichever segment it is
	w          *mpegts.Writer
	vt, at     *mpegts.Track
	open       bool
	start, end time.Duration
	lastDTS    time.Duration
	lastKey    time.Duration // DTS of the last keyframe
	frameDur   time.Duration
}

// NewSegmenter makes a segmenter cutting at the first keyframe at least
// target after the segment's start. A publication that goes maxSpan
// without a keyframe fails with ErrNoKeyframe.
func NewSegmenter(tracks ingest.Tracks, target, maxSpan time.Duration, emit func(*Segment)) *Segmenter {
	return &Segmenter{target: target, maxSpan: maxSpan, tracks: tracks, emit: emit}
}

func ticks(d time.Duration) int64 {
	// 90 kHz, rounded to the nearest tick
	return (int64(d)*9 + 50000) / 100000
}

// WriteVideo adds an H.264 access unit.
func (s *Segmenter) WriteVideo(u *ingest.VideoUnit) error {
	if len(u.NALUs) == 0 {
		return nil
	}
	if s.open && u.DTS < s.lastDTS {
		return fmt.Errorf("video timestamps went backwards (%v after %v)", u.DTS, s.lastDTS)
	}
	if u.IDR && (!s.open || u.PTS-s.start >= s.target-tolerance) {
		if s.fm != nil {
			// the parts first: the low-latency segment is whole before
			// its MPEG-TS twin is published
			if err := s.fm.cut(u); err != nil {
				return err
			}
		}
		if err := s.cut(u.PTS); err != nil {
			return err
		}
	}
	if !s.open {
		return nil // waiting for the first keyframe
	}
	if u.IDR {
		s.lastKey = u.DTS
	}
	if u.DTS-s.lastKey > s.maxSpan {
		return fmt.Errorf("%w for %v: set the encoder's keyframe interval to %v", ErrNoKeyframe, u.DTS-s.lastKey, s.target)
	}
	if s.lastDTS > 0 && u.DTS > s.lastDTS {
		s.frameDur = u.DTS - s.lastDTS
	}
	s.lastDTS = u.DTS
	s.end = max(s.end, u.PTS+s.frameDur)
	if err := s.w.WriteH264(s.vt, ticks(u.PTS), ticks(u.DTS), u.NALUs); err != nil {
		return err
	}
	if s.fm != nil {
		return s.fm.videoUnit(u)
	}
	return nil
}

// WriteAudio adds AAC frames.
func (s *Segmenter) WriteAudio(u *ingest.AudioUnit) error {
	if !s.open || s.at == nil || len(u.AUs) == 0 {
		return nil
	}
	s.end = max(s.end, u.PTS+time.Duration(len(u.AUs))*s.tracks.Audio.FrameDuration())
	if s.fm != nil {
		s.fm.audioUnit(u)
	}
	return s.w.WriteMPEG4Audio(s.at, ticks(u.PTS), u.AUs)
}

// Flush emits the segment in progress, however short: a publisher that
// leaves mid-GOP still leaves playable media.
func (s *Segmenter) Flush() {
	if !s.open {
		return
	}
	if s.fm != nil {
		_ = s.fm.flush() // an error is a part lost from a publication that is over
	}
	s.finish(s.end)
	s.open = false
}

func (s *Segmenter) cut(at time.Duration) error {
	size := 0
	if s.open {
		s.finish(at)
		size = s.buf.Cap()
	}
	s.buf = bytes.NewBuffer(make([]byte, 0, size))
	s.out.to = s.buf
	if s.w == nil {
		// One writer for the whole publication, its output moved to each
		// new segment's buffer: every PID's continuity counter runs on
		// across segments, as in one continuous stream, so a player
		// reading the playlist as one stream (ffmpeg) sees no packet
		// lost at each boundary. The writer repeats PAT and PMT at each
		// keyframe, so every segment still starts with them.
		s.vt = &mpegts.Track{Codec: &mpegtscodecs.H264{}}
		tracks := []*mpegts.Track{s.vt}
		if s.tracks.Audio != nil {
			s.at = &mpegts.Track{Codec: &mpegtscodecs.MPEG4Audio{Config: s.tracks.Audio.Config}}
			tracks = append(tracks, s.at)
		}
		s.w = &mpegts.Writer{W: &s.out, Tracks: tracks}
		if err := s.w.Initialize(); err != nil {
			return fmt.Errorf("mpeg-ts writer: %w", err)
		}
	}
	s.open = true
	s.start, s.end = at, at
	return nil
}

// opened says whether the segment under way starts at pts: the keyframe
// just written cut it.
func (s *Segmenter) opened(pts time.Duration) bool { return s.open && s.start == pts }

// redirect is the writer's output: the buffer of the segment being cut.
type redirect struct{ to *bytes.Buffer }

func (r *redirect) Write(p []byte) (int, error) { return r.to.Write(p) }

func (s *Segmenter) finish(end time.Duration) {
	if end <= s.start {
		end = s.start + s.frameDur
	}
	s.emit(&Segment{Start: s.start, Duration: end - s.start, Data: s.buf.Bytes()})
}
