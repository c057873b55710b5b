package hls

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Low-latency routes (RFC 8216bis), beside the MPEG-TS ones:
//
//	/live/{stream}/index.m3u8                 the low-latency master, for a LowLatency stream
//	/live/{stream}/ts.m3u8                    the MPEG-TS master, always
//	/live/{stream}/{rendition}/ll.m3u8        media playlist; _HLS_msn, _HLS_part block
//	/live/{stream}/{rendition}/{n}.{i}.m4s    part i of segment n (held until it exists)
//	/live/{stream}/{rendition}/{n}.m4s        segment n, whole
//	/live/{stream}/{rendition}/init-{k}.mp4   init section

const (
	mp4Type = "video/mp4"
	// cacheLL: parts, fMP4 segments and init sections live only in the
	// live window; a server restarted mid-segment may give a part's number
	// to other bytes, so no cache keeps them long.
	cacheLL = "public, max-age=60"
)

// llWait is how long a blocking request may be held: three target
// durations, after which a client retries (RFC 8216bis §6.2.5.2), and
// never past 15 s (livegate serve reads every request within 20 s, and a
// held request's connection is still being read).
func (s *Stream) llWait() time.Duration { return min(3*s.opts.Segment, 15*time.Second) }

// advanceParts is the Advance Part Limit: how many parts past the last a
// request may ask for (3 s of parts, RFC 8216bis §6.2.5.2).
func (s *Stream) advanceParts() int {
	return int((3*time.Second + s.opts.Part - 1) / s.opts.Part)
}

// blockingArgs reads _HLS_msn and _HLS_part; part is -1 when absent.
func blockingArgs(q url.Values) (msn uint64, part int, blocking bool, err error) {
	part = -1
	m, p := q.Get("_HLS_msn"), q.Get("_HLS_part")
	if m == "" {
		if p != "" {
			return 0, -1, false, fmt.Errorf("_HLS_part without _HLS_msn")
		}
		return 0, -1, false, nil
	}
	if msn, err = strconv.ParseUint(m, 10, 63); err != nil {
		return 0, -1, false, fmt.Errorf("_HLS_msn=%q is not a media sequence number", m)
	}
	if p != "" {
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil {
			return 0, -1, false, fmt.Errorf("_HLS_part=%q is not a part index", p)
		}
		part = int(n)
	}
	return msn, part, true, nil
}

// tooFar says why a blocking request asks for more than the playlist can
// have soon, or "".
func (s *Stream) tooFar(v *llSnap, msn uint64, part int) string {
	if !v.listed {
		return ""
	}
	if msn > v.lastMSN+2 {
		return fmt.Sprintf("_HLS_msn=%d is more than two segments past the playlist's last (%d)", msn, v.lastMSN)
	}
	if part < 0 || !v.parts || msn < v.lastMSN {
		return ""
	}
	perSegment := int((s.opts.Segment + s.opts.Part - 1) / s.opts.Part)
	ahead := int(msn-v.lastMSN)*perSegment + part - max(v.lastPart, 0)
	if ahead > s.advanceParts() {
		return fmt.Sprintf("_HLS_part=%d of segment %d is more than %d parts past the playlist's last (%d.%d)", part, msn, s.advanceParts(), v.lastMSN, v.lastPart)
	}
	return ""
}

// waitLL holds a request until ready says the rendition's output is what
// it waits for, the wait is over (false), or the client left (false).
func (o *Origin) waitLL(r *http.Request, s *Stream, rendition string, ready func(*llSnap) bool) (*llSnap, bool) {
	timer := time.NewTimer(s.llWait())
	defer timer.Stop()
	for {
		changed := s.changes.wait()
		v := s.llSnapshot(rendition)
		if v == nil {
			return nil, false
		}
		if ready(v) {
			return v, true
		}
		select {
		case <-changed:
		case <-timer.C:
			return v, false
		case <-r.Context().Done():
			return v, false
		}
	}
}

// liveLLMedia answers a low-latency media playlist, holding a blocking
// reload until the playlist has what it asks for.
func (o *Origin) liveLLMedia(w http.ResponseWriter, r *http.Request) {
	s, ok := o.stream(w, r)
	if !ok {
		return
	}
	name := r.PathValue("rendition")
	if !s.LowLatency() {
		http.Error(w, "stream "+s.Name+" has no low-latency playlists: its MPEG-TS ones are index.m3u8", http.StatusNotFound)
		return
	}
	msn, part, blocking, err := blockingArgs(r.URL.Query())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var v *llSnap
	if ValidName(name) {
		v = s.llSnapshot(name)
	}
	if v == nil {
		http.Error(w, "unknown rendition", http.StatusNotFound)
		return
	}
	cache := cacheLive
	if blocking {
		if why := s.tooFar(v, msn, part); why != "" {
			http.Error(w, why, http.StatusBadRequest)
			return
		}
		if v, ok = o.waitLL(r, s, name, func(v *llSnap) bool { return v.ended || v.has(msn, part) }); !ok {
			if r.Context().Err() == nil {
				w.Header().Set("Retry-After", "1")
				http.Error(w, fmt.Sprintf("segment %d part %d did not come within %v", msn, part, s.llWait()), http.StatusServiceUnavailable)
			}
			return
		}
		// What a blocking request names is in the answer for good: a
		// shared cache may answer the same request for the next viewers.
		cache = "public, max-age=" + strconv.Itoa(max(1, int(s.opts.Segment/time.Second)))
	}
	if !v.listed && !v.ended {
		http.Error(w, "stream "+s.Name+" is not live", http.StatusNotFound)
		return
	}
	body := v.playlist
	if !v.ended {
		body = append(body[:len(body):len(body)], o.renditionReports(s, name)...)
	}
	o.writePlaylist(w, r, s.Name, body, cache, s.opts.TokenSegments)
}

// renditionReports names every other rendition's newest segment and part.
func (o *Origin) renditionReports(s *Stream, name string) []byte {
	var b strings.Builder
	others := append([]string{SourceRendition}, s.view.Load().llOrder()...)
	for _, other := range others {
		if other == name {
			continue
		}
		if v := s.llSnapshot(other); v != nil {
			b.WriteString(v.report(other))
		}
	}
	return []byte(b.String())
}

// llOrder lists the transcoded renditions with low-latency output, in
// the master's order.
func (v *view) llOrder() []string {
	var out []string
	for _, vr := range v.variants {
		if _, ok := v.ll[vr.Name]; ok {
			out = append(out, vr.Name)
		}
	}
	return out
}

// parseLLName reads "{n}.{i}.m4s" (part ≥ 0), "{n}.m4s" (part -1) or
// "init-{k}.mp4" (init).
func parseLLName(name string) (seq uint64, part int, init bool, ok bool) {
	if k, found := strings.CutPrefix(name, "init-"); found {
		k, found = strings.CutSuffix(k, ".mp4")
		_, okSeq := parseSeq(k)
		return 0, -1, true, found && okSeq
	}
	base, found := strings.CutSuffix(name, ".m4s")
	if !found {
		return 0, 0, false, false
	}
	n, i, hasPart := strings.Cut(base, ".")
	if seq, ok = parseSeq(n); !ok {
		return 0, 0, false, false
	}
	if !hasPart {
		return seq, -1, false, true
	}
	p, err := strconv.ParseUint(i, 10, 16)
	if err != nil || strconv.FormatUint(p, 10) != i {
		return 0, 0, false, false
	}
	return seq, int(p), false, true
}

// liveLLObject answers a part, a whole fMP4 segment or an init section. A
// part that is about to exist (the preload hint's, or one a little ahead)
// is waited for.
func (o *Origin) liveLLObject(w http.ResponseWriter, r *http.Request, s *Stream) {
	name, file := r.PathValue("rendition"), r.PathValue("segment")
	seq, part, isInit, ok := parseLLName(file)
	var v *llSnap
	if ok && ValidName(name) {
		v = s.llSnapshot(name)
	}
	if v == nil {
		http.Error(w, "no such low-latency segment", http.StatusNotFound)
		return
	}
	if isInit {
		data, ok := v.inits[file]
		if !ok {
			http.Error(w, "no such init section", http.StatusNotFound)
			return
		}
		h := w.Header()
		h.Set("Content-Type", mp4Type)
		h.Set("Cache-Control", cacheLL)
		serveBytes(w, r, data)
		return
	}
	var data []byte
	var dur time.Duration
	g := v.segment(seq)
	if part >= 0 {
		if (g == nil || !g.done() && part >= len(g.Parts)) && s.comingSoon(v, seq, part) {
			v, _ = o.waitLL(r, s, name, func(v *llSnap) bool {
				g := v.segment(seq)
				return v.ended || g != nil && (part < len(g.Parts) || g.done()) || v.listed && v.lastMSN > seq
			})
			if v != nil {
				g = v.segment(seq)
			}
		}
		if g != nil && part < len(g.Parts) {
			data, dur = g.Parts[part].Data, g.Parts[part].Duration
		}
	} else if g != nil && g.done() && !g.Gap {
		data, dur = g.Data, g.Duration
	}
	if data == nil {
		http.Error(w, "no such low-latency segment or part in the live window", http.StatusNotFound)
		return
	}
	ref := SegmentRef{Stream: s.Name, Recording: g.Recording, Rendition: name, Seq: seq, Duration: dur}
	if !o.release(w, r, s, ref, s.Encrypted()) {
		return
	}
	h := w.Header()
	if h.Get("Cache-Control") == cacheSegment {
		h.Set("Cache-Control", cacheLL)
	}
	h.Set("Content-Type", mp4Type)
	corked(r, func() { serveBytes(w, r, data) })
}

// awaitNextLL holds a request for the key of the segment a low-latency
// playlist hints at (the one after its last, finished, segment) until
// that segment starts, so a key is never sold for a segment that does not
// come. It says whether it waited.
func (o *Origin) awaitNextLL(r *http.Request, s *Stream, recording string, seq uint64) bool {
	v := s.llSnapshot(SourceRendition)
	if v == nil || v.ended || len(v.segs) == 0 {
		return false
	}
	last := v.segs[len(v.segs)-1]
	if !last.done() || last.Seq+1 != seq || last.Recording != recording {
		return false
	}
	_, _ = o.waitLL(r, s, SourceRendition, func(v *llSnap) bool {
		return v.ended || v.segment(seq) != nil || v.listed && v.lastMSN > seq
	})
	return true
}

// comingSoon says whether part `part` of segment seq is one the playlist
// will list within the Advance Part Limit, so its request is held.
func (s *Stream) comingSoon(v *llSnap, seq uint64, part int) bool {
	if v.ended || !v.parts || !v.listed || seq < v.lastMSN {
		return false
	}
	return s.tooFar(v, seq, part) == ""
}
