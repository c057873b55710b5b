package hls

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts"
	mpegtscodecs "github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts/codecs"

	"github.com/livegate/livegate/ingest"
)

// Transcoder makes lower renditions of a source segment. cmd/livegate
// adapts transcode.Client to it; hls knows nothing of how.
type Transcoder interface {
	Transcode(ctx context.Context, stream string, seg *Segment, source RenditionInfo) ([]Transcoded, error)
}

// Transcoded is one rendition of a source segment.
type Transcoded struct {
	Name string
	Data []byte // MPEG-TS, the source's timestamps kept
}

// transcodeJob is a source segment on its way to the transcoder, with the
// recording it belongs to.
type transcodeJob struct {
	seg    *Segment
	clear  []byte // the segment's bytes before encryption: what the transcoder reads
	rec    *Recording
	info   RenditionInfo
	queued time.Time
}

// recordingJobs counts a recording's segments with the transcoder, so the
// recording can wait for their renditions before it is finished.
type recordingJobs struct {
	n         int
	done      chan struct{} // closed when n falls to 0
	abandoned bool          // the recording stopped waiting: archive no more
}

// transcodeTimeout is how long one segment may take, retries included:
// what a Livepeer broadcaster may take, three attempts of its
// orchestrator of max(8 s, 4 × duration) each (LIVEPEER.md, "Timing";
// the transcode client waits as long), plus room for the upload. Live
// playback does not wait meanwhile: later segments go out with gaps
// where their renditions are late.
func transcodeTimeout(d time.Duration) time.Duration {
	return 3*max(8*time.Second, 4*d) + 10*time.Second
}

// startTranscoding runs the stream's transcode worker. Source segments
// reach it through a short queue. The source never waits for it: when the
// queue is full the oldest segment waiting is skipped, and a segment still
// with the transcoder TranscodeLag segments later goes out as a gap, so
// the live renditions stay near the live edge and catch up by themselves.
func (s *Stream) startTranscoding() {
	tq, done := make(chan transcodeJob, s.opts.TranscodeQueue), make(chan struct{})
	s.worker.q, s.worker.done = tq, done
	s.worker.ctx, s.worker.cancel = context.WithCancel(context.Background())
	go func() {
		defer close(done)
		// each rendition's continuity counters, owned by this goroutine
		ccs := map[string]map[uint16]byte{}
		for j := range tq {
			s.transcodeOne(j, ccs)
		}
	}()
}

// enqueue offers a source segment to the transcoder. Call with s.mu held.
func (s *Stream) enqueue(seg *Segment, rec *Recording, clear []byte) {
	if s.worker.q == nil || s.worker.closed {
		return
	}
	s.rend.lastQueued, s.rend.queuedAny = seg.Seq, true
	for seq := range s.rend.pending {
		if seq+uint64(s.opts.TranscodeLag) <= seg.Seq {
			delete(s.rend.pending, seq)
			s.log.Warn("transcode: renditions late, a segment goes out live without them", "seq", seq)
		}
	}
	j := transcodeJob{seg: seg, clear: clear, rec: rec, info: s.info, queued: time.Now()}
	for range 2 {
		select {
		case s.worker.q <- j:
			s.rend.pending[seg.Seq] = true
			s.jobStarted(rec)
			return
		default:
		}
		select {
		case old := <-s.worker.q: // the worker is behind: skip the oldest
			delete(s.rend.pending, old.seg.Seq)
			s.jobDone(old.rec)
			s.log.Warn("transcode: falling behind, a segment goes out without renditions", "seq", old.seg.Seq)
		default:
		}
	}
	s.log.Warn("transcode: falling behind, a segment goes out without renditions", "seq", seg.Seq)
}

// jobStarted and jobDone count rec's segments with the transcoder. Call
// with s.mu held.
func (s *Stream) jobStarted(rec *Recording) {
	if rec == nil {
		return
	}
	rj := s.rend.jobs[rec]
	if rj == nil {
		rj = &recordingJobs{done: make(chan struct{})}
		s.rend.jobs[rec] = rj
	}
	rj.n++
}

func (s *Stream) jobDone(rec *Recording) {
	if rj := s.rend.jobs[rec]; rj != nil {
		if rj.n--; rj.n == 0 {
			close(rj.done)
			delete(s.rend.jobs, rec)
		}
	}
}

func (s *Stream) transcodeOne(j transcodeJob, ccs map[string]map[uint16]byte) {
	ctx, cancel := context.WithTimeout(s.worker.ctx, transcodeTimeout(j.seg.Duration))
	defer cancel()
	in := *j.seg
	in.Data = j.clear
	outs, err := s.opts.Transcoder.Transcode(ctx, s.Name, &in, j.info)
	if s.opts.OnTranscoded != nil {
		s.opts.OnTranscoded(s.Name, time.Since(j.queued), err == nil)
	}
	// Encrypted (and remuxed to fMP4 for low-latency playlists) before
	// the lock: readers of the stream never wait for it.
	sealed := make([][]byte, len(outs))
	lls := make([]*llOut, len(outs))
	for i := range outs {
		o := &outs[i]
		if ValidName(o.Name) {
			if ccs[o.Name] == nil || j.seg.Discontinuity {
				// counters may start again after a discontinuity, as the
				// source's do
				ccs[o.Name] = map[uint16]byte{}
			}
			o.Data = bytes.Clone(o.Data) // the transcoder's bytes are not ours to change
			continueCC(o.Data, ccs[o.Name])
		}
		var serr error
		if sealed[i], serr = s.seal(o.Name, j.seg.Recording, j.seg.Seq, o.Data); serr != nil {
			s.log.Error("transcode: rendition segment not published: cannot derive its key", "rendition", o.Name, "seq", j.seg.Seq, "err", serr)
		}
		if s.ll != nil && sealed[i] != nil {
			lls[i] = s.llWhole(o.Name, j.seg, o.Data)
		}
	}
	s.mu.Lock()
	live := s.rend.pending[j.seg.Seq] // not given up on as late
	delete(s.rend.pending, j.seg.Seq)
	archive := j.rec != nil && s.rend.jobs[j.rec] != nil && !s.rend.jobs[j.rec].abandoned
	if err != nil {
		s.log.Warn("transcode: segment left without renditions", "seq", j.seg.Seq, "err", err)
		outs = nil
	}
	var appends []func()
	for i, o := range outs {
		if !ValidName(o.Name) || o.Name == SourceRendition || sealed[i] == nil {
			continue
		}
		info, ok := s.rend.info[o.Name]
		if !ok {
			if info, err = renditionInfo(o.Name, o.Data); err != nil {
				s.log.Warn("transcode: rendition unusable", "rendition", o.Name, "seq", j.seg.Seq, "err", err)
				continue
			}
			info = s.recorded(info)
			s.rend.info[o.Name] = info
			s.rend.order = append(s.rend.order, o.Name)
			s.rend.windows[o.Name] = &window{}
		}
		r := &Segment{Seq: j.seg.Seq, Start: j.seg.Start, Duration: j.seg.Duration, Data: sealed[i],
			Discontinuity: j.seg.Discontinuity, Time: j.seg.Time, Recording: j.seg.Recording}
		if live {
			s.rend.windows[o.Name].add(r, 2*s.opts.Window)
			if lo := lls[i]; lo != nil {
				st := s.rend.ll[o.Name]
				if st == nil {
					st = &llStore{}
					s.rend.ll[o.Name] = st
				}
				st.add(lo.seg, lo.init, 2*s.opts.Window)
			}
		}
		if archive {
			rec, name := j.rec, o.Name
			appends = append(appends, func() {
				if err := rec.AddRendition(info); errors.Is(err, ErrRecordingFinished) {
					// The publication ended while this segment was being
					// transcoded: the recording is closed; live viewers had it.
					s.log.Info("archive: rendition segment after the recording finished, not stored", "rendition", name, "seq", r.Seq)
					return
				} else if err != nil {
					s.log.Error("archive: rendition", "rendition", name, "err", err)
					return
				}
				rec.Append(name, r)
			})
		}
	}
	s.publishView()
	s.mu.Unlock()
	for _, a := range appends {
		a()
	}
	s.mu.Lock()
	s.jobDone(j.rec)
	s.mu.Unlock()
}

// llOut is a rendition's segment remuxed to fMP4 and sealed.
type llOut struct {
	seg  *llSegment
	init []byte
}

// llWhole remuxes a rendition's segment of source segment src to one
// whole fMP4 segment, sealed, or nil (logged) when it cannot.
func (s *Stream) llWhole(rendition string, src *Segment, ts []byte) *llOut {
	init, data, err := remuxFMP4(ts)
	if err == nil {
		data, err = s.llSealer(rendition)(src.Recording, src.Seq, 0, data)
	}
	if err != nil {
		s.log.Warn("transcode: rendition segment left out of the low-latency playlist", "rendition", rendition, "seq", src.Seq, "err", err)
		return nil
	}
	return &llOut{init: init, seg: &llSegment{Seq: src.Seq, Recording: src.Recording, Time: src.Time,
		Discontinuity: src.Discontinuity, Duration: src.Duration, Data: data}}
}

// resolved is the last source segment up to which the live renditions are
// as done as they will be (made, failed, skipped or given up on): the end
// of what rendition playlists can list. Call with s.mu held.
func (s *Stream) resolved() (uint64, bool) {
	if !s.rend.queuedAny {
		return 0, false
	}
	upTo := s.rend.lastQueued
	for seq := range s.rend.pending {
		if seq == 0 {
			return 0, false
		}
		upTo = min(upTo, seq-1)
	}
	return upTo, true
}

// drainTranscodes waits, up to TranscodeDrain, for the renditions of rec's
// segments still with the transcoder, so the recording finishes with them.
func (s *Stream) drainTranscodes(rec *Recording) {
	s.mu.Lock()
	rj := s.rend.jobs[rec]
	s.mu.Unlock()
	if rj == nil {
		return
	}
	t := time.NewTimer(s.opts.TranscodeDrain)
	defer t.Stop()
	select {
	case <-rj.done:
	case <-t.C:
		s.mu.Lock()
		rj.abandoned = true
		s.mu.Unlock()
		s.log.Warn("transcode: the recording ends without its last renditions", "recording", rec.ID)
	}
}

// renderRendition lists a rendition aligned with the source: the same
// sequence numbers, durations and times, up to the last segment the
// transcoder is done with, a gap where it produced nothing. Call with s.mu
// held.
func (s *Stream) renderRendition(name string, kind playlistKind) *renditionView {
	w := s.rend.windows[name]
	var src []*Segment
	upTo, ok := s.resolved()
	for _, seg := range s.source.segs {
		if ok && seg.Seq <= upTo {
			src = append(src, seg)
		}
	}
	listed := src[max(0, len(src)-s.opts.Window):]
	disc := s.source.discSeq
	for _, seg := range s.source.segs {
		if len(listed) > 0 && seg.Seq >= listed[0].Seq {
			break
		}
		if seg.Discontinuity {
			disc++
		}
	}
	have := map[uint64]*Segment{}
	for _, r := range w.segs {
		have[r.Seq] = r
	}
	infos := make([]SegmentInfo, len(listed))
	for i, seg := range listed {
		infos[i] = seg.info()
		if r, ok := have[seg.Seq]; ok {
			infos[i].Size = len(r.Data)
		} else {
			infos[i].Gap, infos[i].Size = true, 0
		}
	}
	for _, si := range infos {
		w.target = max(w.target, roundTarget(time.Duration(si.Duration*float64(time.Second)), time.Millisecond))
	}
	w.target = max(w.target, s.opts.Segment)
	return &renditionView{playlist: mediaPlaylist(infos, disc, kind, w.target, s.keyTags(name)), segs: append([]*Segment(nil), w.segs...)}
}

// renditionInfo reads a rendition's picture size and codecs from its
// first segment.
func renditionInfo(name string, data []byte) (RenditionInfo, error) {
	r := &mpegts.Reader{R: bytes.NewReader(data)}
	if err := r.Initialize(); err != nil {
		return RenditionInfo{}, err
	}
	info := RenditionInfo{Name: name}
	var video *ingest.H264Track
	var audio string
	for _, tr := range r.Tracks() {
		switch c := tr.Codec.(type) {
		case *mpegtscodecs.H264:
			r.OnDataH264(tr, func(_, _ int64, au [][]byte) error {
				if video != nil {
					return nil
				}
				var sps, pps []byte
				for _, n := range au {
					switch h264.NALUType(n[0] & 0x1f) {
					case h264.NALUTypeSPS:
						sps = n
					case h264.NALUTypePPS:
						pps = n
					}
				}
				if sps != nil && pps != nil {
					if t, err := ingest.NewH264Track(sps, pps); err == nil {
						video = t
					}
				}
				return nil
			})
		case *mpegtscodecs.MPEG4Audio:
			audio = (&ingest.AACTrack{Config: c.Config}).Codec()
		}
	}
	for video == nil {
		if err := r.Read(); err != nil {
			if errors.Is(err, io.EOF) {
				return info, fmt.Errorf("no H.264 parameter sets in rendition %s", name)
			}
			return info, err
		}
	}
	info.Width, info.Height, info.FrameRate = video.Width(), video.Height(), video.FPS()
	info.Codecs = video.Codec()
	if audio != "" {
		info.Codecs += "," + audio
	}
	return info, nil
}
