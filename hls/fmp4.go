package hls

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4/seekablebuffer"
	mp4codecs "github.com/bluenviron/mediacommon/v2/pkg/formats/mp4/codecs"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts"
	mpegtscodecs "github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts/codecs"

	"github.com/livegate/livegate/ingest"
)

// Low-latency HLS carries fMP4: an init section (ftyp+moov) per
// publication and rendition, then fragments (moof+mdat). A segment is
// cut into parts of at most the part target; a part ends where the next
// frame would take it past the target, at a keyframe (so a part that
// starts with one is independent), and where the segment ends. A
// segment's bytes are its parts' bytes one after the other.

const (
	videoTrackID   = 1
	audioTrackID   = 2
	videoTimescale = 90000
)

// fmp4Part is one part as the muxer cuts it: moof+mdat, clear.
type fmp4Part struct {
	Data        []byte
	Duration    time.Duration // its video's decode span
	Independent bool          // starts with a keyframe
	// First: the part opens a segment, which starts at Start (the
	// keyframe's PTS on the stream's timeline). Last: the part closes its
	// segment.
	First, Last bool
	Start       time.Duration
}

// fmp4Muxer cuts a publication's access units into fMP4 parts, following
// the segment cuts it is told of. A zero part target makes one part per
// segment. Not safe for concurrent use.
type fmp4Muxer struct {
	part  time.Duration
	audio *ingest.AACTrack
	emit  func(*fmp4Part)
	init  []byte

	seqNo      uint32 // mfhd sequence numbers, one per part
	open       bool   // a segment is under way
	first      bool   // the part under way opens its segment
	segStart   time.Duration
	partStart  time.Duration // DTS where the part under way starts
	frameDur   time.Duration
	video      []*fmp4.Sample
	videoBase  time.Duration
	pending    *pendingFrame // the newest frame: its duration is known when the next comes
	audioQueue []queuedAudio
	audioNext  int64 // where the next AAC frame is expected, in samples
	audioAny   bool
}

type pendingFrame struct {
	dts, pts time.Duration
	payload  []byte
	idr      bool
}

type queuedAudio struct {
	at      int64 // in samples
	payload []byte
}

// newFMP4Muxer makes a muxer for a publication's tracks, with its init
// section ready.
func newFMP4Muxer(tracks ingest.Tracks, part time.Duration, emit func(*fmp4Part)) (*fmp4Muxer, error) {
	init, err := fmp4Init(tracks)
	if err != nil {
		return nil, err
	}
	return &fmp4Muxer{part: part, audio: tracks.Audio, emit: emit, init: init}, nil
}

// fmp4Init is the init section of a publication's tracks.
func fmp4Init(tracks ingest.Tracks) ([]byte, error) {
	if tracks.Video == nil {
		return nil, fmt.Errorf("fmp4: no video track")
	}
	in := fmp4.Init{Tracks: []*fmp4.InitTrack{{
		ID: videoTrackID, TimeScale: videoTimescale,
		Codec: &mp4codecs.H264{SPS: tracks.Video.SPS, PPS: tracks.Video.PPS},
	}}}
	if a := tracks.Audio; a != nil {
		if a.Config.SampleRate <= 0 {
			return nil, fmt.Errorf("fmp4: audio sample rate %d", a.Config.SampleRate)
		}
		in.Tracks = append(in.Tracks, &fmp4.InitTrack{
			ID: audioTrackID, TimeScale: uint32(a.Config.SampleRate),
			Codec: &mp4codecs.MPEG4Audio{Config: a.Config},
		})
	}
	var buf seekablebuffer.Buffer
	if err := in.Marshal(&buf); err != nil {
		return nil, fmt.Errorf("fmp4: init section: %w", err)
	}
	return buf.Bytes(), nil
}

// cut ends the segment under way (if any) at the keyframe u, which opens
// the next one. Call it before video(u).
func (m *fmp4Muxer) cut(u *ingest.VideoUnit) error {
	if m.open {
		if err := m.closePart(u.DTS, true, false); err != nil {
			return err
		}
	}
	m.open, m.first = true, true
	m.segStart = u.PTS
	m.partStart = u.DTS
	return nil
}

// videoUnit adds an access unit to the segment under way.
func (m *fmp4Muxer) videoUnit(u *ingest.VideoUnit) error {
	if !m.open {
		return nil
	}
	if p := m.pending; p != nil {
		if u.DTS > p.dts {
			m.frameDur = u.DTS - p.dts
		}
		// A part ends before a keyframe, or before the frame that would
		// take it past the target.
		if m.part > 0 && (u.IDR || u.DTS-m.partStart+m.frameDur > m.part+time.Millisecond) {
			if err := m.closePart(u.DTS, false, false); err != nil {
				return err
			}
			m.partStart = u.DTS
		}
	}
	payload, err := h264.AVCC(u.NALUs).Marshal()
	if err != nil {
		return fmt.Errorf("fmp4: %w", err)
	}
	if m.pending != nil {
		m.push(u.DTS)
	}
	m.pending = &pendingFrame{dts: u.DTS, pts: u.PTS, payload: payload, idr: u.IDR}
	return nil
}

// push moves the pending frame into the part under way, ending at next.
func (m *fmp4Muxer) push(next time.Duration) {
	p := m.pending
	m.pending = nil
	if len(m.video) == 0 {
		m.videoBase = p.dts
	}
	d := next - p.dts
	if m.part > 0 {
		// A late frame never takes a part past its target: the last
		// sample is shortened, and the next part's decode time says where
		// it really starts.
		d = min(d, m.partStart+m.part-p.dts)
	}
	m.video = append(m.video, &fmp4.Sample{
		Duration:        uint32(max(ticks(d), 1)),
		PTSOffset:       int32(ticks(p.pts) - ticks(p.dts)),
		IsNonSyncSample: !p.idr,
		Payload:         p.payload,
	})
}

// audioUnit queues AAC frames for the part their time falls in.
func (m *fmp4Muxer) audioUnit(u *ingest.AudioUnit) {
	if !m.open || m.audio == nil {
		return
	}
	rate := int64(m.audio.Config.SampleRate)
	at := int64(u.PTS) * rate / int64(time.Second)
	if m.audioAny && at-m.audioNext < 512 && m.audioNext-at < 512 {
		at = m.audioNext // millisecond timestamps: keep the frames back to back
	}
	for _, au := range u.AUs {
		m.audioQueue = append(m.audioQueue, queuedAudio{at: at, payload: au})
		at += 1024
	}
	m.audioNext, m.audioAny = at, true
}

// flush ends the segment under way, however short (the publisher left).
func (m *fmp4Muxer) flush() error {
	if !m.open || m.pending == nil {
		m.open = false
		return nil
	}
	end := m.pending.dts + max(m.frameDur, time.Millisecond)
	err := m.closePart(end, true, true)
	m.open = false
	m.audioQueue = nil
	return err
}

// closePart emits the part under way, its video ending at end (the next
// frame's DTS), with the audio queued before end (all of it, with drain).
func (m *fmp4Muxer) closePart(end time.Duration, last, drain bool) error {
	if m.pending != nil {
		m.push(end)
	}
	if len(m.video) == 0 {
		return nil
	}
	var dur uint64
	for _, s := range m.video {
		dur += uint64(s.Duration)
	}
	p := fmp4.Part{SequenceNumber: m.seqNo, Tracks: []*fmp4.PartTrack{{
		ID: videoTrackID, BaseTime: uint64(ticks(m.videoBase)), Samples: m.video,
	}}}
	m.seqNo++
	if m.audio != nil {
		endAt := int64(end) * int64(m.audio.Config.SampleRate) / int64(time.Second)
		n := 0
		for n < len(m.audioQueue) && (drain || m.audioQueue[n].at < endAt) {
			n++
		}
		if n > 0 {
			q := m.audioQueue[:n]
			samples := make([]*fmp4.Sample, n)
			for i, a := range q {
				d := int64(1024)
				if i+1 < n {
					d = q[i+1].at - a.at // a jump in the audio is absorbed by the frame before it
				}
				samples[i] = &fmp4.Sample{Duration: uint32(max(d, 1)), Payload: a.payload}
			}
			p.Tracks = append(p.Tracks, &fmp4.PartTrack{ID: audioTrackID, BaseTime: uint64(max(q[0].at, 0)), Samples: samples})
			m.audioQueue = append(m.audioQueue[:0], m.audioQueue[n:]...)
		}
	}
	var buf seekablebuffer.Buffer
	if err := p.Marshal(&buf); err != nil {
		return fmt.Errorf("fmp4: part: %w", err)
	}
	out := &fmp4Part{
		Data:        buf.Bytes(),
		Duration:    time.Duration(dur) * time.Second / videoTimescale,
		Independent: !m.video[0].IsNonSyncSample,
		First:       m.first, Last: last, Start: m.segStart,
	}
	m.video = nil
	m.first = false
	m.emit(out)
	return nil
}

// fromTicks is a 90 kHz timestamp as a duration.
func fromTicks(t int64) time.Duration { return time.Duration(t * 100000 / 9) }

// remuxFMP4 turns one MPEG-TS segment (a transcoded rendition's) into an
// fMP4 init section and one whole fMP4 segment with the same timestamps.
func remuxFMP4(data []byte) (init, seg []byte, err error) {
	r := &mpegts.Reader{R: bytes.NewReader(data)}
	if err := r.Initialize(); err != nil {
		return nil, nil, fmt.Errorf("fmp4 remux: %w", err)
	}
	var videos []*ingest.VideoUnit
	var audios []*ingest.AudioUnit
	var tracks ingest.Tracks
	for _, tr := range r.Tracks() {
		switch c := tr.Codec.(type) {
		case *mpegtscodecs.H264:
			r.OnDataH264(tr, func(pts, dts int64, au [][]byte) error {
				u := &ingest.VideoUnit{PTS: fromTicks(pts), DTS: fromTicks(dts), NALUs: au, IDR: h264.IsRandomAccess(au)}
				if tracks.Video == nil && u.IDR {
					tracks.Video = paramSets(au)
				}
				videos = append(videos, u)
				return nil
			})
		case *mpegtscodecs.MPEG4Audio:
			tracks.Audio = &ingest.AACTrack{Config: c.Config}
			r.OnDataMPEG4Audio(tr, func(pts int64, aus [][]byte) error {
				audios = append(audios, &ingest.AudioUnit{PTS: fromTicks(pts), AUs: aus})
				return nil
			})
		}
	}
	for {
		if err := r.Read(); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, nil, fmt.Errorf("fmp4 remux: %w", err)
		}
	}
	if tracks.Video == nil {
		return nil, nil, fmt.Errorf("fmp4 remux: no keyframe with its parameter sets")
	}
	var out []byte
	m, err := newFMP4Muxer(tracks, 0, func(p *fmp4Part) { out = append(out, p.Data...) })
	if err != nil {
		return nil, nil, err
	}
	started := false
	for _, u := range videos {
		if !started {
			if !u.IDR {
				continue
			}
			if err := m.cut(u); err != nil {
				return nil, nil, err
			}
			started = true
		}
		if err := m.videoUnit(u); err != nil {
			return nil, nil, err
		}
	}
	for _, a := range audios {
		m.audioUnit(a)
	}
	if err := m.flush(); err != nil {
		return nil, nil, err
	}
	return m.init, out, nil
}

// paramSets is the video track an IDR access unit's SPS and PPS describe,
// or nil.
func paramSets(au [][]byte) *ingest.H264Track {
	var sps, pps []byte
	for _, n := range au {
		if len(n) == 0 {
			continue
		}
		switch h264.NALUType(n[0] & 0x1f) {
		case h264.NALUTypeSPS:
			sps = n
		case h264.NALUTypePPS:
			pps = n
		}
	}
	t, err := ingest.NewH264Track(sps, pps)
	if err != nil {
		return nil
	}
	return t
}
