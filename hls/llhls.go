package hls

import (
	"bytes"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Low-latency HLS (RFC 8216bis) beside the MPEG-TS output: a stream with
// Options.LowLatency also cuts every source segment into fMP4 parts of at
// most Options.Part, as they are made, and lists them in
// /live/{stream}/{rendition}/ll.m3u8 with EXT-X-PART, blocking reload
// (_HLS_msn, _HLS_part) and a preload hint. Transcoded renditions come
// back whole from the transcoder: their low-latency playlists list whole
// fMP4 segments (segment-granular, and they say so). Segments keep the
// numbers of the MPEG-TS ones, so they share their keys; recordings keep
// the MPEG-TS segments.
//
// Ownership: the source's low-latency state (llRendition) has its own
// lock and is written only by the publisher's goroutine; readers load its
// immutable snapshot (llSnap) without locks, and wait for the next one on
// the stream's notifier. Transcoded renditions' low-latency segments are
// kept with the rest of the renditions' state, under the stream's lock,
// and rendered into the stream's view.

// llPart is one sealed part of a low-latency segment.
type llPart struct {
	Data        []byte
	Duration    time.Duration
	Independent bool
}

// llSegment is one fMP4 segment of a rendition's low-latency output.
// Never modified once in a snapshot: a growing segment is copied.
type llSegment struct {
	Seq           uint64
	Recording     string
	Time          time.Time
	Discontinuity bool
	Init          string        // its init section's name
	Duration      time.Duration // its parts' sum (so far, while open)
	Parts         []*llPart     // nil for whole segments (renditions), and once old
	Data          []byte        // the whole segment, sealed; nil while open
	Gap           bool          // a rendition has no segment here
}

func (g *llSegment) done() bool { return g.Data != nil || g.Gap }

// llSnap is an immutable view of one rendition's low-latency output.
type llSnap struct {
	playlist []byte       // without rendition reports (added per request)
	segs     []*llSegment // oldest first; the last may be open
	inits    map[string][]byte
	parts    bool // the rendition has parts (the source)
	ended    bool
	// the newest segment and part (-1: none) the playlist lists
	lastMSN  uint64
	lastPart int
	listed   bool // the playlist lists anything
}

// segment finds segment seq.
func (v *llSnap) segment(seq uint64) *llSegment {
	for i := len(v.segs) - 1; i >= 0; i-- {
		if v.segs[i].Seq == seq {
			return v.segs[i]
		}
	}
	return nil
}

// has says whether the playlist already lists segment msn whole, or
// (part ≥ 0) part `part` of it, or anything after it. A part past the
// last of a finished segment is the next segment's first.
func (v *llSnap) has(msn uint64, part int) bool {
	if !v.listed || v.lastMSN < msn {
		return false
	}
	if part < 0 {
		for i := len(v.segs) - 1; i >= 0; i-- {
			if v.segs[i].done() {
				return v.segs[i].Seq >= msn
			}
		}
		return false
	}
	g := v.segment(msn)
	if v.lastMSN > msn || g == nil {
		return true
	}
	if !g.done() {
		return v.lastPart >= part
	}
	return part < len(g.Parts) || len(g.Parts) == 0
}

// report is an EXT-X-RENDITION-REPORT naming this rendition's newest
// segment and part.
func (v *llSnap) report(name string) string {
	if !v.listed {
		return ""
	}
	s := fmt.Sprintf("#EXT-X-RENDITION-REPORT:URI=\"../%s/ll.m3u8\",LAST-MSN=%d", name, v.lastMSN)
	if v.lastPart >= 0 {
		s += ",LAST-PART=" + strconv.Itoa(v.lastPart)
	}
	return s + "\n"
}

// llListing shapes a low-latency media playlist.
type llListing struct {
	window   int           // segments listed
	partSegs int           // complete segments whose parts are listed too
	target   time.Duration // EXT-X-TARGETDURATION at least
	part     time.Duration // PART-TARGET; 0: a segment-granular rendition
	keys     *keyTags
	discSeq  uint64 // discontinuities before the retained segments
	ended    bool
}

// render writes the playlist of the retained segments segs (the last may
// be open) into a snapshot.
func (l llListing) render(segs []*llSegment, inits map[string][]byte) *llSnap {
	v := &llSnap{segs: segs, inits: inits, parts: l.part > 0, ended: l.ended, lastPart: -1}
	if n := len(segs); n > 0 && !segs[n-1].done() && len(segs[n-1].Parts) == 0 {
		segs = segs[:n-1] // opened, no part yet: nothing to list
	}
	// window whole segments, and the open one after them
	start := len(segs)
	for whole := 0; start > 0 && whole < l.window; {
		start--
		if segs[start].done() {
			whole++
		}
	}
	listed := segs[start:]
	disc := l.discSeq
	for _, g := range segs[:len(segs)-len(listed)] {
		if g.Discontinuity {
			disc++
		}
	}
	target := l.target
	for _, g := range listed {
		target = max(target, roundTarget(g.Duration, 10*time.Microsecond))
	}
	var b bytes.Buffer
	b.WriteString("#EXTM3U\n#EXT-X-VERSION:9\n")
	fmt.Fprintf(&b, "#EXT-X-TARGETDURATION:%d\n", int(target.Round(time.Second)/time.Second))
	if l.part > 0 {
		fmt.Fprintf(&b, "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=%.3f\n", (3 * l.part).Seconds())
		fmt.Fprintf(&b, "#EXT-X-PART-INF:PART-TARGET=%.3f\n", l.part.Seconds())
	} else {
		b.WriteString("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES\n")
		b.WriteString("# segment-granular: this rendition comes whole from the transcoder, so it has no parts\n")
	}
	if len(listed) > 0 {
		fmt.Fprintf(&b, "#EXT-X-MEDIA-SEQUENCE:%d\n", listed[0].Seq)
	}
	fmt.Fprintf(&b, "#EXT-X-DISCONTINUITY-SEQUENCE:%d\n", disc)
	init, keyed := "", false
	// Parts are listed for the open segment and the last partSegs whole
	// ones: from partsFrom on.
	partsFrom, whole := len(listed), 0
	for i := len(listed) - 1; i >= 0; i-- {
		if listed[i].done() {
			if whole == l.partSegs {
				break
			}
			whole++
		}
		partsFrom = i
	}
	for i, g := range listed {
		if g.Discontinuity {
			b.WriteString("#EXT-X-DISCONTINUITY\n")
		}
		if g.Init != init {
			if keyed {
				b.WriteString("#EXT-X-KEY:METHOD=NONE\n") // init sections are clear
				keyed = false
			}
			fmt.Fprintf(&b, "#EXT-X-MAP:URI=%q\n", g.Init)
			init = g.Init
		}
		fmt.Fprintf(&b, "#EXT-X-PROGRAM-DATE-TIME:%s\n", g.Time.UTC().Format("2006-01-02T15:04:05.000Z07:00"))
		if g.Gap {
			b.WriteString("#EXT-X-GAP\n")
		} else if l.keys != nil {
			l.keys.writeLLKey(&b, g.Recording, g.Seq)
			keyed = true
		}
		if i >= partsFrom && len(g.Parts) > 0 && l.part > 0 {
			for j, p := range g.Parts {
				fmt.Fprintf(&b, "#EXT-X-PART:DURATION=%.5f,URI=\"%d.%d.m4s\"", p.Duration.Seconds(), g.Seq, j)
				if p.Independent {
					b.WriteString(",INDEPENDENT=YES")
				}
				b.WriteByte('\n')
			}
			v.lastMSN, v.lastPart, v.listed = g.Seq, len(g.Parts)-1, true
		}
		if g.done() {
			fmt.Fprintf(&b, "#EXTINF:%.5f,\n%d.m4s\n", g.Duration.Seconds(), g.Seq)
			v.lastMSN, v.lastPart, v.listed = g.Seq, -1, true
			if l.part > 0 && len(g.Parts) > 0 {
				v.lastPart = len(g.Parts) - 1
			}
		}
	}
	if l.part > 0 && !l.ended && len(listed) > 0 {
		// The next part: of the open segment, or the first of the next
		// one, with its key (hls.js takes a playlist that ends with a
		// segment's URI for one whose parts are still coming).
		g := listed[len(listed)-1]
		next, part := g.Seq, len(g.Parts)
		if g.done() {
			next, part = g.Seq+1, 0
			if l.keys != nil && !g.Gap {
				l.keys.writeLLKey(&b, g.Recording, next)
			}
		}
		fmt.Fprintf(&b, "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"%d.%d.m4s\"\n", next, part)
	}
	if l.ended {
		b.WriteString("#EXT-X-ENDLIST\n")
	}
	v.playlist = b.Bytes()
	return v
}

// writeLLKey writes a low-latency segment's EXT-X-KEY: the MPEG-TS
// segment's key, its own IV.
func (k *keyTags) writeLLKey(b *bytes.Buffer, recording string, seq uint64) {
	fmt.Fprintf(b, "#EXT-X-KEY:METHOD=%s,URI=%q,IV=%s\n", keyMethod, KeyPath(k.stream, recording, seq), ivAttr(FMP4IV(k.rendition, seq)))
}

// llRendition is the source's low-latency output: written by the
// publisher's goroutine (addPart), read through snapshots.
type llRendition struct {
	mu      sync.Mutex
	segs    []*llSegment // retained, oldest first; the last may be open
	discSeq uint64       // discontinuities among segments dropped
	inits   map[string][]byte
	clear   []byte // the open segment's bytes so far, unsealed
	listing llListing
	retain  int
	snap    atomic.Pointer[llSnap]
	broken  bool // the open segment's key could not be had: its parts are dropped
}

func newLLRendition(listing llListing, retain int) *llRendition {
	r := &llRendition{listing: listing, retain: retain, inits: map[string][]byte{}}
	r.snap.Store(listing.render(nil, r.inits))
	return r
}

// sealer encrypts one fMP4 message of segment seq (n: 0 for the whole
// segment, i+1 for part i); a free stream's stay clear.
type sealer func(recording string, seq uint64, n uint64, clear []byte) ([]byte, error)

// open starts segment seq with its first part to come.
func (r *llRendition) open(g *llSegment, initName string, init []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	// A number given again (a segment lost to a key that could not be
	// derived) replaces the segment that had it.
	for len(r.segs) > 0 && r.segs[len(r.segs)-1].Seq >= g.Seq {
		r.segs = r.segs[:len(r.segs)-1]
	}
	if _, ok := r.inits[initName]; !ok {
		r.inits = withInit(r.inits, r.segs, initName, init)
	}
	g.Init = initName
	r.segs = append(r.segs, g)
	r.clear = nil
	r.broken = false
}

// addPart adds a part to the open segment, and closes the segment with
// its last part.
func (r *llRendition) addPart(p *fmp4Part, seal sealer, logf func(string, ...any)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.segs) == 0 || r.segs[len(r.segs)-1].done() || r.broken {
		return
	}
	g := *r.segs[len(r.segs)-1]
	sealed, err := seal(g.Recording, g.Seq, uint64(len(g.Parts))+1, p.Data)
	if err != nil {
		logf("low-latency part not published: cannot derive its key", "seq", g.Seq, "err", err)
		r.segs = r.segs[:len(r.segs)-1]
		r.broken = true
		r.publish()
		return
	}
	r.clear = append(r.clear, p.Data...)
	g.Parts = append(g.Parts[:len(g.Parts):len(g.Parts)], &llPart{Data: sealed, Duration: p.Duration, Independent: p.Independent})
	g.Duration += p.Duration
	if p.Last {
		// A free stream's segment is these very bytes: the next segment
		// gets a buffer of its own.
		whole := r.clear
		r.clear = nil
		if g.Data, err = seal(g.Recording, g.Seq, 0, whole); err != nil {
			logf("low-latency segment not published: cannot derive its key", "seq", g.Seq, "err", err)
			r.segs = r.segs[:len(r.segs)-1]
			r.publish()
			return
		}
	}
	r.segs[len(r.segs)-1] = &g
	for len(r.segs) > r.retain {
		if r.segs[0].Discontinuity {
			r.discSeq++
		}
		r.segs[0] = nil
		r.segs = r.segs[1:]
	}
	// Parts stay fetchable a while after the playlist stops listing them
	// (as long again, and the open segment's), then only the whole
	// segment is kept.
	keep := 2*r.listing.partSegs + 1
	for i := len(r.segs) - 1 - keep; i >= 0 && r.segs[i].Parts != nil; i-- {
		old := *r.segs[i]
		old.Parts = nil
		r.segs[i] = &old
	}
	r.publish()
}

// reset forgets every segment and part (an ended stream's window,
// before a publication numbered elsewhere): the playlist is empty and
// live again.
func (r *llRendition) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.segs, r.discSeq, r.clear, r.broken = nil, 0, nil, false
	r.inits = map[string][]byte{}
	r.listing.ended = false
	r.publish()
}

// setEnded marks the playlist ended (or live again).
func (r *llRendition) setEnded(ended bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.listing.ended == ended {
		return
	}
	r.listing.ended = ended
	// An open segment that never got its last part is dropped.
	if ended && len(r.segs) > 0 && !r.segs[len(r.segs)-1].done() {
		r.segs = r.segs[:len(r.segs)-1]
	}
	r.publish()
}

// publish renders a snapshot. Call with r.mu held.
func (r *llRendition) publish() {
	l := r.listing
	l.discSeq = r.discSeq
	r.snap.Store(l.render(append([]*llSegment(nil), r.segs...), r.inits))
}

// notifier wakes readers waiting for a stream's output to change.
type notifier struct {
	mu sync.Mutex
	ch chan struct{}
}

// wait returns a channel closed at the next change.
func (n *notifier) wait() <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ch == nil {
		n.ch = make(chan struct{})
	}
	return n.ch
}

func (n *notifier) notify() {
	n.mu.Lock()
	if n.ch != nil {
		close(n.ch)
		n.ch = nil
	}
	n.mu.Unlock()
}

// InitName names the init section of a publication's (or a rendition
// format's) first segment.
func InitName(seq uint64) string { return fmt.Sprintf("init-%d.mp4", seq) }

// llStore keeps a transcoded rendition's low-latency segments, whole.
// Guarded by the stream's lock.
type llStore struct {
	segs     []*llSegment // retained, oldest first
	inits    map[string][]byte
	init     []byte // the newest init section, named initName
	initName string
}

// add keeps a segment, naming its init section (a new one when the
// transcoder's output changed).
func (st *llStore) add(g *llSegment, init []byte, retain int) {
	if st.initName == "" || !bytes.Equal(init, st.init) {
		st.init, st.initName = init, InitName(g.Seq)
		st.inits = withInit(st.inits, st.segs, st.initName, init)
	}
	g.Init = st.initName
	st.segs = append(st.segs, g)
	for len(st.segs) > retain {
		st.segs[0] = nil
		st.segs = st.segs[1:]
	}
}

// withInit is inits (never modified: snapshots share it) with one more,
// less those no retained segment names.
func withInit(inits map[string][]byte, segs []*llSegment, name string, init []byte) map[string][]byte {
	out := map[string][]byte{name: init}
	for _, g := range segs {
		if b, ok := inits[g.Init]; ok {
			out[g.Init] = b
		}
	}
	return out
}

// renderLLRendition lists a transcoded rendition's low-latency segments
// aligned with the source's, as renderRendition does its MPEG-TS ones: a
// gap where the transcoder made nothing. Call with s.mu held.
func (s *Stream) renderLLRendition(name string, ended bool) *llSnap {
	st := s.rend.ll[name]
	if st == nil {
		// a rendition none of whose segments has reached the live
		// low-latency output yet (late, or not remuxable)
		st = &llStore{}
	}
	have := make(map[uint64]*llSegment, len(st.segs))
	for _, g := range st.segs {
		have[g.Seq] = g
	}
	upTo, ok := s.resolved()
	disc := s.source.discSeq
	var entries []*llSegment
	init := ""
	for _, seg := range s.source.segs {
		if !ok || seg.Seq > upTo {
			break
		}
		g := have[seg.Seq]
		if g == nil {
			if init == "" { // nothing to name an init section yet
				if seg.Discontinuity {
					disc++
				}
				continue
			}
			g = &llSegment{Seq: seg.Seq, Time: seg.Time, Duration: seg.Duration, Discontinuity: seg.Discontinuity,
				Gap: true, Init: init, Recording: seg.Recording}
		}
		init = g.Init
		entries = append(entries, g)
	}
	l := s.llListing(name, 0)
	l.discSeq, l.ended = disc, ended
	return l.render(entries, st.inits)
}
