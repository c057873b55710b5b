package hls

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/livegate/livegate/ingest"
)

// Options shape every stream's live output.
type Options struct {
	// Segment is the target segment duration: a segment is cut at the
	// first keyframe at least this long after its start (default 2 s).
	Segment time.Duration
	// Window is how many segments a live playlist lists (default 6).
	// Segments stay fetchable for as many again after they leave it
	// (RFC 8216 §6.2.2); older ones are gone from the live path.
	Window int
	// ReconnectGrace is how long a stream whose publisher dropped waits
	// for it to come back before the recording ends (default 10 s;
	// negative: end at once). A publisher back in time continues the same
	// playlist and recording.
	ReconnectGrace time.Duration
	// MaxSegment ends a publication that sends no keyframe for this long
	// (default 30 s).
	MaxSegment time.Duration
	// Now is the wall clock, injectable for tests.
	Now func() time.Time
	// OnEnd, when set, is called (in its own goroutine) when a stream's
	// recording has ended: the server settles payments then.
	OnEnd func(stream string)
	// OnSegment, when set, hears each source segment of a priced
	// stream's recording as it ends (on the publisher's goroutine: it
	// must not block): the gate refunds keys it sold at a provisional
	// price (SegmentRef.Provisional) from it.
	OnSegment func(SegmentRef)
	// Transcoder, when set, makes lower renditions of each source segment.
	Transcoder Transcoder
	// OnTranscoded, when set, hears each segment's time with the
	// transcoder (for the metrics).
	OnTranscoded TranscodeObserver
	// TranscodeQueue is how many source segments may wait for the
	// transcoder; when it is full the oldest is skipped (default 2).
	TranscodeQueue int
	// TranscodeLag is how many newer source segments may be live before
	// a segment still with the transcoder goes out as a gap in the live
	// rendition playlists (default 3). A late rendition still reaches the
	// recording.
	TranscodeLag int
	// Keys, when set, makes the stream a priced one: every segment of
	// every rendition is encrypted under its segment's key (keys.go), and
	// the origin sells the keys. nil: a free stream, in the clear.
	Keys *Keyring
	// TokenSegments makes the origin ask for a valid session before it
	// releases each of the stream's segments (not charged: the key is what
	// is paid), which then no shared cache may keep.
	TokenSegments bool
	// TranscodeDrain bounds how long a recording that ended waits for its
	// last renditions (default: what one segment may take, max(8 s, 4 ×
	// Segment) + 10 s).
	TranscodeDrain time.Duration
	// LowLatency adds low-latency HLS (llhls.go): fMP4 segments cut into
	// parts of at most Part (default 200 ms), listed in ll.m3u8 playlists
	// as they are made. The MPEG-TS playlists stay.
	LowLatency bool
	Part       time.Duration
}

func (o *Options) defaults() {
	if o.Segment <= 0 {
		o.Segment = 2 * time.Second
	}
	if o.Window <= 0 {
		o.Window = 6
	}
	if o.ReconnectGrace < 0 {
		o.ReconnectGrace = 0
	} else if o.ReconnectGrace == 0 {
		o.ReconnectGrace = 10 * time.Second
	}
	if o.MaxSegment <= 0 {
		o.MaxSegment = 30 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.TranscodeQueue <= 0 {
		o.TranscodeQueue = 2
	}
	if o.TranscodeLag <= 0 {
		o.TranscodeLag = 3
	}
	if o.TranscodeDrain <= 0 {
		o.TranscodeDrain = transcodeTimeout(o.Segment)
	}
	if o.Part <= 0 {
		o.Part = 200 * time.Millisecond
	}
}

// CheckPart says whether a part duration suits a segment duration: parts
// of 100 ms to 1 s, shorter than the segments they cut.
func CheckPart(part, segment time.Duration) error {
	if part < 100*time.Millisecond || part > time.Second {
		return fmt.Errorf("part %v is outside 100ms–1s", part)
	}
	if part >= segment {
		return fmt.Errorf("part %v is not shorter than the segment (%v)", part, segment)
	}
	return nil
}

// SourceRendition names the untouched rendition, as published.
const SourceRendition = "source"

// timelineStart is where a stream's first media lands on its timeline: MPEG-TS
// wants room before the first DTS for the PCR (which runs 0.1 s ahead) and
// for B-frames' negative composition offsets.
const timelineStart = time.Second

// Stream is one configured stream: what its publisher feeds, its live
// renditions and its recordings. It implements ingest.Target.
//
// Who owns what:
//   - mu guards the publication and the source's live window (below),
//     and the transcoded renditions (rend). Writers are the publisher's
//     goroutine (add), the transcode worker (transcodeOne) and the grace
//     timer; each change ends with publishView, which renders an
//     immutable view that readers (the origin) load without locks.
//   - worker is the transcode worker's queue and lifetime; the worker's
//     own state (continuity counters) lives in its goroutine.
//   - ll, a low-latency stream's parts and fMP4 segments of the source,
//     has its own lock, is written only by the publisher's goroutine
//     (onPart) and read through its own immutable snapshots. Lock order:
//     mu, then ll's (endLocked marks it ended); never mu while holding
//     ll's.
//   - changes wakes readers waiting for either to change (blocking
//     playlist reloads, held part requests).
type Stream struct {
	Name string

	opts    Options
	archive *Archive
	log     *slog.Logger

	mu        sync.Mutex
	pub       *publication
	gen       uint64 // bumped by each publication, so a stale grace timer knows
	rec       *Recording
	nextSeq   uint64
	nextStart time.Duration
	disc      bool // the next segment follows a discontinuity
	ended     bool
	closed    bool
	grace     *time.Timer
	source    window
	info      RenditionInfo
	protocol  string // the publisher's, kept after it leaves
	remote    string
	segments  uint64 // source segments cut, for Status
	bytes     uint64
	rend      renditionSet

	worker  transcodeWorker
	ll      *llRendition
	changes notifier

	view atomic.Pointer[view]
}

// renditionSet is the transcoded renditions' live state, guarded by the
// stream's mu.
type renditionSet struct {
	windows    map[string]*window
	info       map[string]RenditionInfo
	order      []string        // in the order they first appeared
	pending    map[uint64]bool // source segments the live renditions wait for
	lastQueued uint64          // the last source segment offered to the transcoder
	queuedAny  bool
	jobs       map[*Recording]*recordingJobs // transcodes not done, per recording
	ll         map[string]*llStore           // low-latency segments (a LowLatency stream)
}

// transcodeWorker is the queue to the stream's transcode worker.
type transcodeWorker struct {
	q      chan transcodeJob // set once, before the stream is shared; nil: no transcoder
	closed bool              // Close has closed q (under the stream's mu)
	ctx    context.Context   // cancelled by Close
	cancel context.CancelFunc
	done   chan struct{} // closed when the worker has returned
}

// NewStream makes a stream that archives into a. Its segment numbers
// continue after the last one archived.
func NewStream(name string, a *Archive, opts Options, logger *slog.Logger) *Stream {
	opts.defaults()
	if logger == nil {
		logger = slog.Default()
	}
	s := &Stream{Name: name, opts: opts, archive: a, log: logger.With("stream", name),
		rend: renditionSet{windows: map[string]*window{}, info: map[string]RenditionInfo{}, pending: map[uint64]bool{},
			jobs: map[*Recording]*recordingJobs{}}}
	s.nextSeq = a.NextSeq(name)
	s.nextStart = timelineStart
	s.view.Store(&view{})
	if opts.LowLatency {
		s.ll = newLLRendition(s.llListing(SourceRendition, opts.Part), 2*opts.Window)
		s.rend.ll = map[string]*llStore{}
	}
	if opts.Transcoder != nil {
		s.startTranscoding()
	}
	return s
}

// Publish starts a publication (ingest.Target). A publisher that returns
// within the grace period continues the live playlist and the recording
// after a discontinuity.
func (s *Stream) Publish(info ingest.PublishInfo) (ingest.Publication, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return nil, ingest.ErrClosed
	case s.pub != nil:
		return nil, ingest.ErrAlreadyLive
	}
	rinfo := RenditionInfo{
		Name: SourceRendition, Codecs: info.Tracks.Codecs(),
		Width: info.Tracks.Video.Width(), Height: info.Tracks.Video.Height(), FrameRate: info.Tracks.Video.FPS(),
	}
	p := &publication{stream: s, gen: s.gen + 1}
	p.seg = NewSegmenter(info.Tracks, s.opts.Segment, s.opts.MaxSegment, p.onSegment)
	if s.ll != nil {
		fm, err := newFMP4Muxer(info.Tracks, s.opts.Part, p.onPart)
		if err != nil {
			return nil, fmt.Errorf("cannot cut %s into low-latency parts: %w", s.Name, err)
		}
		p.seg.fm, p.fm = fm, fm
	}
	if s.grace != nil {
		s.grace.Stop()
		s.grace = nil
	}
	if s.rec == nil {
		rec, err := s.archive.Create(s.Name, s.opts.Now(), s.recorded(rinfo))
		if err != nil {
			return nil, fmt.Errorf("cannot record %s: %w", s.Name, err)
		}
		if s.opts.Keys != nil {
			// The secret is durable before the first segment goes out: a
			// segment sold under a key nobody can derive again is lost.
			if _, err := s.opts.Keys.secret(s.Name, rec.ID, true); err != nil {
				s.archive.discard(rec)
				return nil, fmt.Errorf("cannot keep %s's recording secret: %w", s.Name, err)
			}
		}
		s.rec = rec
		s.log.Info("recording", "recording", rec.ID)
	}
	if s.ll != nil {
		s.ll.setEnded(false)
	}
	s.disc = s.disc || len(s.source.segs) > 0 // or advanced (Advance)
	s.ended = false
	s.info = rinfo
	s.protocol, s.remote = info.Protocol, info.Remote
	s.gen++
	s.pub = p
	s.publishView()
	return p, nil
}

// Encrypted says whether the stream is priced: its segments encrypted,
// its keys sold.
func (s *Stream) Encrypted() bool { return s.opts.Keys != nil }

// recorded is a rendition as the archive's journal describes it: which
// encryption its segments carry.
func (s *Stream) recorded(info RenditionInfo) RenditionInfo {
	if s.opts.Keys != nil {
		info.Key = keyMethod
	}
	return info
}

// seal encrypts a segment of a rendition under its key: the bytes every
// viewer, cache and archive then gets. A free stream's stay clear.
func (s *Stream) seal(rendition, recording string, seq uint64, clear []byte) ([]byte, error) {
	if s.opts.Keys == nil {
		return clear, nil
	}
	key, err := s.opts.Keys.Key(s.Name, recording, seq)
	if err != nil {
		return nil, err
	}
	return Encrypt(key, SegmentIV(rendition, seq), clear), nil
}

// Close ends the stream's recording now (the server is shutting down).
// Publications must be closed first.
func (s *Stream) Close() error {
	s.mu.Lock()
	s.closed = true
	if s.grace != nil {
		s.grace.Stop()
		s.grace = nil
	}
	rec := s.endLocked()
	if s.worker.q != nil && !s.worker.closed {
		// Shutting down does not wait for the transcoder: the source is
		// archived in full; renditions not back yet are gaps.
		s.worker.cancel()
		close(s.worker.q)
		s.worker.closed = true
	}
	s.mu.Unlock()
	err := s.finish(rec)
	if s.worker.q != nil {
		<-s.worker.done
	}
	return err
}

// finish ends a recording detached by endLocked and tells OnEnd. The
// renditions of its last segments are waited for first.
func (s *Stream) finish(rec *Recording) error {
	if rec == nil {
		return nil
	}
	s.drainTranscodes(rec)
	err := rec.Finish(s.opts.Now())
	if s.opts.OnEnd != nil {
		go s.opts.OnEnd(s.Name)
	}
	return err
}

// endLocked marks the live playlist ended and detaches the recording,
// which the caller finishes outside the lock.
func (s *Stream) endLocked() *Recording {
	rec := s.rec
	s.rec = nil
	if len(s.source.segs) > 0 {
		s.ended = true
	}
	if s.ll != nil {
		s.ll.setEnded(true)
	}
	s.publishView()
	if rec != nil {
		s.log.Info("stream ended", "recording", rec.ID)
	}
	return rec
}

// add publishes a finished segment of p.
func (s *Stream) add(p *publication, seg *Segment) {
	s.mu.Lock()
	seg.Seq = s.nextSeq
	s.nextSeq++
	seg.Discontinuity = s.disc
	s.disc = false
	seg.Time = p.wall0.Add(seg.Start - p.anchor)
	s.nextStart = max(s.nextStart, seg.Start+seg.Duration)
	rec := s.rec
	clear := seg.Data
	if rec != nil {
		seg.Recording = rec.ID
	}
	// A priced segment without a recording has no key, and fails here too.
	sealed, err := s.seal(SourceRendition, seg.Recording, seg.Seq, clear)
	if err != nil {
		// Never publish a priced segment in the clear: the segment is
		// lost, its number given to the next (playlists number their
		// segments consecutively), which follows a discontinuity.
		s.log.Error("segment not published: cannot derive its key", "seq", seg.Seq, "err", err)
		s.nextSeq--
		s.disc = true
		s.mu.Unlock()
		return
	}
	seg.Data = sealed
	s.source.add(seg, 2*s.opts.Window)
	s.segments++
	s.bytes += uint64(len(seg.Data))
	s.enqueue(seg, rec, clear)
	s.publishView()
	s.mu.Unlock()
	if rec != nil {
		rec.Append(SourceRendition, seg)
	}
	if s.opts.OnSegment != nil && s.opts.Keys != nil && seg.Recording != "" {
		s.opts.OnSegment(SegmentRef{Stream: s.Name, Recording: seg.Recording, Seq: seg.Seq, Duration: seg.Duration})
	}
}

// left is called when publication p closed.
func (s *Stream) left(p *publication) {
	s.mu.Lock()
	if s.pub != p {
		s.mu.Unlock()
		return
	}
	s.pub = nil
	if s.closed || s.opts.ReconnectGrace == 0 {
		rec := s.endLocked()
		s.mu.Unlock()
		if err := s.finish(rec); err != nil {
			s.log.Error("archive: finishing recording", "err", err)
		}
		return
	}
	gen := s.gen
	s.grace = time.AfterFunc(s.opts.ReconnectGrace, func() { s.graceOver(gen) })
	s.mu.Unlock()
}

func (s *Stream) graceOver(gen uint64) {
	s.mu.Lock()
	if s.gen != gen || s.pub != nil || s.closed {
		s.mu.Unlock()
		return
	}
	s.grace = nil
	rec := s.endLocked()
	s.mu.Unlock()
	if err := s.finish(rec); err != nil {
		s.log.Error("archive: finishing recording", "err", err)
	}
}

// NextSeq is the number the stream's next segment gets.
func (s *Stream) NextSeq() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextSeq
}

// Advance raises the number the stream's next segment gets to at least
// next, for a stream continued from another node (its publisher moved
// here): players that followed it there must see the numbers go on, not
// start again, and a number must never name two segments (caches keep
// live segments as immutable). It follows a discontinuity. Only a stream
// that nobody publishes here is advanced: none since this process
// started, or one whose recording has ended, whose live window (ended)
// is then forgotten, since a live playlist numbers its segments by the
// first one's and a window before the jump would have a gap. A stream
// being published, or waiting for its publisher to come back, keeps its
// numbers. Advance reports whether the stream's next segment is numbered
// next or later.
func (s *Stream) Advance(next uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if next <= s.nextSeq {
		return true
	}
	if s.pub != nil || s.rec != nil || len(s.rend.jobs) > 0 {
		return false
	}
	if len(s.source.segs) > 0 {
		s.forgetWindowLocked()
	}
	s.nextSeq = next
	s.disc = true
	return true
}

// forgetWindowLocked drops an ended stream's live window: the source's
// and every rendition's segments and its low-latency parts. The next
// publication starts a playlist of its own. Call with mu held, with no
// publisher and no transcodes outstanding.
func (s *Stream) forgetWindowLocked() {
	s.source = window{}
	s.rend.windows = map[string]*window{}
	s.rend.info = map[string]RenditionInfo{}
	s.rend.order = nil
	s.rend.pending = map[uint64]bool{}
	if s.ll != nil {
		s.ll.reset()
		s.rend.ll = map[string]*llStore{}
	}
	s.ended = false
	s.publishView()
}

// Ingesting reports whether this stream is published here: a publisher
// feeds it, or it waits for one to come back (its recording still open).
func (s *Stream) Ingesting() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pub != nil || s.rec != nil
}

// Live reports whether a publisher is feeding the stream now.
func (s *Stream) Live() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pub != nil
}

// keyTags is what a rendition's live playlist needs to name its keys, or
// nil for a free stream.
func (s *Stream) keyTags(rendition string) *keyTags {
	if s.opts.Keys == nil {
		return nil
	}
	return &keyTags{stream: s.Name, rendition: rendition}
}

// publishView renders the playlists for readers. Call with s.mu held.
func (s *Stream) publishView() {
	v := &view{ended: s.ended}
	if len(s.source.segs) > 0 {
		kind := kindLive
		if s.ended {
			kind = kindLiveEnded
		}
		rv := s.source.render(s.opts.Window, kind, s.opts.Segment, s.keyTags(SourceRendition))
		v.renditions = map[string]*renditionView{SourceRendition: rv}
		v.variants = []variant{measure(s.info, infos(rv.segs))}
		rkind := kind
		if upTo, ok := s.resolved(); kind == kindLiveEnded && (!ok || upTo < s.source.segs[len(s.source.segs)-1].Seq) {
			rkind = kindLive // renditions of the last segments are still coming
		}
		for _, name := range s.rend.order {
			r := s.renderRendition(name, rkind)
			v.renditions[name] = r
			v.variants = append(v.variants, measure(s.rend.info[name], infos(r.segs)))
		}
		v.master = masterPlaylist(v.variants, "index.m3u8", "")
		if s.ll != nil {
			v.llMaster = masterPlaylist(v.variants, "ll.m3u8", "")
			v.ll = map[string]*llSnap{}
			for _, name := range s.rend.order {
				v.ll[name] = s.renderLLRendition(name, rkind == kindLiveEnded)
			}
		}
	}
	s.view.Store(v)
	s.changes.notify()
}

// llListing shapes a rendition's low-latency playlist; part 0: whole
// segments only.
func (s *Stream) llListing(rendition string, part time.Duration) llListing {
	return llListing{window: s.opts.Window, partSegs: 3, target: s.opts.Segment, part: part, keys: s.keyTags(rendition)}
}

// llSnapshot is a rendition's low-latency output now, or nil.
func (s *Stream) llSnapshot(rendition string) *llSnap {
	if s.ll == nil {
		return nil
	}
	if rendition == SourceRendition {
		return s.ll.snap.Load()
	}
	return s.view.Load().ll[rendition]
}

// LowLatency says whether the stream has low-latency playlists.
func (s *Stream) LowLatency() bool { return s.ll != nil }

// view is an immutable snapshot of a stream's live output: readers load it
// without locks, the publisher's goroutine replaces it per segment.
type view struct {
	ended      bool
	master     []byte
	llMaster   []byte             // the low-latency master, for a LowLatency stream
	ll         map[string]*llSnap // transcoded renditions' low-latency output
	variants   []variant
	renditions map[string]*renditionView
}

type renditionView struct {
	playlist []byte
	segs     []*Segment // retained, oldest first
}

func (rv *renditionView) segment(seq uint64) *Segment {
	for _, s := range rv.segs {
		if s.Seq == seq {
			return s
		}
	}
	return nil
}

// window is a rendition's retained live segments.
type window struct {
	segs    []*Segment
	discSeq uint64        // discontinuities among segments dropped from segs
	target  time.Duration // EXT-X-TARGETDURATION so far: it may rise, never fall (RFC 8216 §6.2.1)
}

func (w *window) add(seg *Segment, retain int) {
	w.segs = append(w.segs, seg)
	for len(w.segs) > retain {
		if w.segs[0].Discontinuity {
			w.discSeq++
		}
		w.segs[0] = nil
		w.segs = w.segs[1:]
	}
}

// render lists the newest n segments; the older retained ones stay
// fetchable.
func (w *window) render(n int, kind playlistKind, target time.Duration, keys *keyTags) *renditionView {
	segs := append([]*Segment(nil), w.segs...)
	listed := segs[max(0, len(segs)-n):]
	disc := w.discSeq
	for _, s := range segs[:len(segs)-len(listed)] {
		if s.Discontinuity {
			disc++
		}
	}
	w.target = max(w.target, target)
	for _, s := range listed {
		w.target = max(w.target, roundTarget(s.Duration, time.Millisecond))
	}
	return &renditionView{playlist: mediaPlaylist(infos(listed), disc, kind, w.target, keys), segs: segs}
}

func infos(segs []*Segment) []SegmentInfo {
	out := make([]SegmentInfo, len(segs))
	for i, s := range segs {
		out[i] = s.info()
	}
	return out
}

// publication is one publisher's session on a stream.
type publication struct {
	stream *Stream
	gen    uint64
	seg    *Segmenter
	fm     *fmp4Muxer // low-latency parts, driven by seg
	init   string     // the name of fm's init section, from the first segment's number

	anchored bool
	offset   time.Duration // publisher clock → stream timeline
	anchor   time.Duration // timeline position of wall0 (a keyframe's PTS)
	wall0    time.Time
	closed   bool
}

func (p *publication) WriteVideo(u *ingest.VideoUnit) error {
	if p.closed {
		return ingest.ErrClosed
	}
	if !p.anchored {
		if !u.IDR {
			return nil // nothing decodable yet
		}
		p.stream.mu.Lock()
		p.offset = p.stream.nextStart - u.DTS
		p.stream.mu.Unlock()
		p.anchor = u.PTS + p.offset
		p.wall0 = p.stream.opts.Now()
		p.anchored = true
	}
	m := *u
	m.PTS += p.offset
	m.DTS += p.offset
	if err := p.seg.WriteVideo(&m); err != nil {
		return err
	}
	if u.IDR && p.seg.opened(m.PTS) {
		// Program date times say when media came in: wall0 is when the
		// first keyframe did. Media that came late at the start (the
		// connection, an encoder's first frames) would put every later
		// one ahead of its arrival; at each cut, once the segments before
		// it are dated (and before the new one is), a keyframe that came
		// in before its date moves the clock back to it.
		if early := p.wall0.Add(m.PTS - p.anchor).Sub(p.stream.opts.Now()); early > 0 {
			p.wall0 = p.wall0.Add(-early)
		}
	}
	return nil
}

func (p *publication) WriteAudio(u *ingest.AudioUnit) error {
	if p.closed {
		return ingest.ErrClosed
	}
	if !p.anchored {
		return nil
	}
	m := *u
	m.PTS += p.offset
	return p.seg.WriteAudio(&m)
}

func (p *publication) onSegment(seg *Segment) { p.stream.add(p, seg) }

// onPart publishes a low-latency part. A segment's first part opens it
// under the number its MPEG-TS segment will have.
func (p *publication) onPart(part *fmp4Part) {
	s := p.stream
	if part.First {
		s.mu.Lock()
		g := &llSegment{Seq: s.nextSeq, Discontinuity: s.disc, Time: p.wall0.Add(part.Start - p.anchor)}
		if s.rec != nil {
			g.Recording = s.rec.ID
		}
		s.mu.Unlock()
		if p.init == "" {
			p.init = InitName(g.Seq)
		}
		s.ll.open(g, p.init, p.fm.init)
	}
	s.ll.addPart(part, s.llSealer(SourceRendition), s.log.Error)
	s.changes.notify()
}

// llSealer encrypts a rendition's fMP4 messages under their segment's key
// (keys.go, FMP4IV); a free stream's stay clear.
func (s *Stream) llSealer(rendition string) sealer {
	return func(recording string, seq, n uint64, clear []byte) ([]byte, error) {
		if s.opts.Keys == nil {
			return clear, nil
		}
		key, err := s.opts.Keys.Key(s.Name, recording, seq)
		if err != nil {
			return nil, err
		}
		return Encrypt(key, FMP4IV(rendition, seq), append(freeBox(n), clear...)), nil
	}
}

// Close flushes the segment in progress, so a publisher that drops mid-GOP
// leaves complete media, and lets the stream wait for a reconnect.
func (p *publication) Close(reason error) {
	if p.closed {
		return
	}
	p.closed = true
	p.seg.Flush()
	p.stream.left(p)
}
