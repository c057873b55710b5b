package hls

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Origin serves the HLS tree over HTTP:
//
//	/live/{stream}/index.m3u8                      master playlist
//	/live/{stream}/{rendition}/index.m3u8          live media playlist
//	/live/{stream}/{rendition}/{seq}.ts            segment (gated)
//	/vod/{stream}/                                 recordings, as JSON
//	/vod/{stream}/{recording}/index.m3u8           master playlist
//	/vod/{stream}/{recording}/{rendition}/index.m3u8
//	/vod/{stream}/{recording}/{rendition}/{seq}.ts segment
//	/key/{stream}/{recording}/{seq}                a priced stream's key to segment seq (sold)
//
// A priced stream's segments are encrypted and public (any cache may keep
// them); the gate sells their keys. A free stream's segments are clear and
// public. A stream with TokenSegments asks the gate for a valid session
// before each segment too. Every path element is checked against a strict
// alphabet before use, and only segments a playlist lists are ever opened.
type Origin struct {
	Streams map[string]*Stream
	Archive *Archive
	Gate    Gate
	Logger  *slog.Logger
	// Remote, when set, finds the duration of a finished segment
	// published on another node of a cluster, whose key this node then
	// sells (segment_info.go).
	Remote func(ctx context.Context, stream, recording string, seq uint64) (time.Duration, bool)
	// Gateways are IPFS HTTP gateways (http://127.0.0.1:8081), tried in
	// order by the watch page: a recording's segments published to IPFS
	// are named at the first (archive_ipfs.go), unless they are sold as
	// bytes (a session token on each).
	Gateways []string

	vodServed sync.Map // stream → *atomic.Int64: recorded segments served
}

// VODSegmentsServed is how many recorded segments of stream this origin
// has served (what IPFS gateways take off it shows here).
func (o *Origin) VODSegmentsServed(stream string) int64 {
	if n, ok := o.vodServed.Load(stream); ok {
		return n.(*atomic.Int64).Load()
	}
	return 0
}

// Content types and caching. Live playlists change every segment; a
// finished recording's never do; a segment's URL never changes content
// because sequence numbers continue across publications and restarts.
const (
	playlistType    = "application/vnd.apple.mpegurl"
	segmentType     = "video/mp2t"
	cacheLive       = "no-cache"
	cacheFinished   = "public, max-age=86400"
	cacheSegment    = "public, max-age=31536000, immutable"
	cachePrivate    = "private, max-age=31536000, immutable" // a segment released to a session only
	cacheKey        = "no-store"
	keyType         = "application/octet-stream"
	corsAllowHeader = "Authorization, Range, Livegate-Voucher, PAYMENT-SIGNATURE" // PAYMENT-SIGNATURE: x402 (paywall/x402.go)
)

// Register adds the origin's routes to mux.
func (o *Origin) Register(mux *http.ServeMux) {
	if o.Gate == nil {
		o.Gate = OpenGate{}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	mux.HandleFunc("GET /live/{stream}/index.m3u8", cors(o.liveMaster))
	mux.HandleFunc("GET /live/{stream}/ts.m3u8", cors(o.liveTSMaster))
	mux.HandleFunc("GET /live/{stream}/{rendition}/ll.m3u8", cors(o.liveLLMedia))
	mux.HandleFunc("GET /live/{stream}/{rendition}/index.m3u8", cors(o.liveMedia))
	mux.HandleFunc("GET /live/{stream}/{rendition}/{segment}", cors(o.liveSegment))
	mux.HandleFunc("GET /vod/{stream}/{$}", cors(o.vodList))
	mux.HandleFunc("GET /vod/{stream}", cors(o.vodList))
	mux.HandleFunc("GET /vod/{stream}/{recording}/index.m3u8", cors(o.vodMaster))
	mux.HandleFunc("GET /vod/{stream}/{recording}/{rendition}/index.m3u8", cors(o.vodMedia))
	mux.HandleFunc("GET /vod/{stream}/{recording}/{rendition}/{segment}", cors(o.vodSegment))
	mux.HandleFunc("GET /key/{stream}/{recording}/{seq}", cors(o.key))
	mux.HandleFunc("GET /cluster/segment/{stream}/{recording}/{seq}", o.segmentInfo)
	mux.HandleFunc("OPTIONS /live/", cors(preflight))
	mux.HandleFunc("OPTIONS /vod/", cors(preflight))
	mux.HandleFunc("OPTIONS /key/", cors(preflight))
}

// cors lets players on other origins (hls.js on a customer's site) read
// everything, including the Livegate-* payment headers.
func cors(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Access-Control-Allow-Origin", "*")
		hd.Set("Access-Control-Expose-Headers", "Content-Length, Content-Range, Livegate-Price, Livegate-Paid, Livegate-Spent, Livegate-Channel, Livegate-Payee, Livegate-Contract, Livegate-Chain-Id, PAYMENT-REQUIRED, PAYMENT-RESPONSE")
		h(w, r)
	}
}

func preflight(w http.ResponseWriter, _ *http.Request) {
	hd := w.Header()
	hd.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
	hd.Set("Access-Control-Allow-Headers", corsAllowHeader)
	hd.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}

func (o *Origin) stream(w http.ResponseWriter, r *http.Request) (*Stream, bool) {
	name := r.PathValue("stream")
	s, ok := o.Streams[name]
	if !ValidName(name) || !ok {
		http.Error(w, "unknown stream", http.StatusNotFound)
		return nil, false
	}
	return s, true
}

func (o *Origin) liveView(w http.ResponseWriter, r *http.Request) (*Stream, *view, bool) {
	s, ok := o.stream(w, r)
	if !ok {
		return nil, nil, false
	}
	v := s.view.Load()
	if v.master == nil {
		http.Error(w, "stream "+s.Name+" is not live", http.StatusNotFound)
		return nil, nil, false
	}
	return s, v, true
}

func (o *Origin) liveRendition(w http.ResponseWriter, r *http.Request) (*Stream, *renditionView, bool) {
	s, v, ok := o.liveView(w, r)
	if !ok {
		return nil, nil, false
	}
	name := r.PathValue("rendition")
	rv, ok := v.renditions[name]
	if !ValidName(name) || !ok {
		http.Error(w, "unknown rendition", http.StatusNotFound)
		return nil, nil, false
	}
	return s, rv, true
}

// liveMaster is a LowLatency stream's low-latency master, or the MPEG-TS
// one.
func (o *Origin) liveMaster(w http.ResponseWriter, r *http.Request) {
	if s, v, ok := o.liveView(w, r); ok {
		body := v.master
		if v.llMaster != nil {
			body = v.llMaster
		}
		o.writePlaylist(w, r, s.Name, body, cacheLive, true)
	}
}

// liveTSMaster is the MPEG-TS master, for players that want MPEG-TS.
func (o *Origin) liveTSMaster(w http.ResponseWriter, r *http.Request) {
	if s, v, ok := o.liveView(w, r); ok {
		o.writePlaylist(w, r, s.Name, v.master, cacheLive, true)
	}
}

func (o *Origin) liveMedia(w http.ResponseWriter, r *http.Request) {
	if s, rv, ok := o.liveRendition(w, r); ok {
		o.writePlaylist(w, r, s.Name, rv.playlist, cacheLive, s.opts.TokenSegments)
	}
}

func (o *Origin) liveSegment(w http.ResponseWriter, r *http.Request) {
	if file := r.PathValue("segment"); strings.HasSuffix(file, ".m4s") || strings.HasSuffix(file, ".mp4") {
		if s, ok := o.stream(w, r); ok {
			o.liveLLObject(w, r, s)
		}
		return
	}
	s, rv, ok := o.liveRendition(w, r)
	if !ok {
		return
	}
	seq, ok := parseSegmentName(r.PathValue("segment"))
	if !ok {
		http.Error(w, "not a segment name", http.StatusNotFound)
		return
	}
	seg := rv.segment(seq)
	if seg == nil {
		http.Error(w, "segment is not in the live window", http.StatusNotFound)
		return
	}
	ref := SegmentRef{Stream: s.Name, Recording: seg.Recording, Rendition: r.PathValue("rendition"), Seq: seq, Duration: seg.Duration}
	if !o.release(w, r, s, ref, s.Encrypted()) {
		return
	}
	w.Header().Set("Content-Type", segmentType)
	corked(r, func() { serveBytes(w, r, seg.Data) })
}

// serveBytes answers a segment held in memory. A whole one is written in
// one call, straight from the segment into the socket (ServeContent would
// copy it through a 32 KB buffer first: 7.5% of the server's CPU under
// load); a Range request goes to ServeContent. Segments have no validators
// (ETag, Last-Modified), so conditional headers change nothing.
func serveBytes(w http.ResponseWriter, r *http.Request, data []byte) {
	if r.Header.Get("Range") != "" {
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
		return
	}
	h := w.Header()
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}

// release decides whether a segment goes out, and how caches may keep
// it. An encrypted segment is public, unless its stream asks for a
// session (TokenSegments: checked, not charged). A clear segment is
// admitted by the gate: counted on a free stream, and sold on a priced
// one (a recording made before segments were encrypted), when only its
// buyer may keep it.
func (o *Origin) release(w http.ResponseWriter, r *http.Request, s *Stream, ref SegmentRef, encrypted bool) bool {
	h := w.Header()
	switch {
	case encrypted && s.opts.TokenSegments:
		if !o.Gate.Check(w, r, s.Name) {
			return false
		}
		h.Set("Cache-Control", cachePrivate)
	case encrypted:
		h.Set("Cache-Control", cacheSegment)
	default:
		if !o.Gate.Admit(w, r, ref) {
			return false
		}
		if s.Encrypted() {
			h.Set("Cache-Control", cachePrivate)
		} else {
			h.Set("Cache-Control", cacheSegment)
		}
	}
	return true
}

// key sells the key to a segment of a priced stream's recording: 16
// bytes, never cached. A key for anything that is not a segment of an
// encrypted recording is 404, and nothing is charged for it.
func (o *Origin) key(w http.ResponseWriter, r *http.Request) {
	s, ok := o.stream(w, r)
	if !ok {
		return
	}
	id := r.PathValue("recording")
	seq, okSeq := parseSeq(r.PathValue("seq"))
	if !s.Encrypted() || !ValidName(id) || !okSeq {
		http.Error(w, "no such key", http.StatusNotFound)
		return
	}
	d, provisional, ok := o.segmentDuration(s, id, seq)
	if !ok && o.awaitNextLL(r, s, id, seq) {
		d, provisional, ok = o.segmentDuration(s, id, seq)
	}
	if !ok {
		d, ok = o.remoteDuration(r.Context(), s, id, seq)
	}
	if !ok {
		http.Error(w, "no such key: segment "+strconv.FormatUint(seq, 10)+" is not in recording "+id, http.StatusNotFound)
		return
	}
	key, err := s.opts.Keys.Key(s.Name, id, seq)
	if err != nil {
		o.Logger.Error("key: cannot derive", "stream", s.Name, "recording", id, "seq", seq, "err", err)
		http.Error(w, "key unavailable", http.StatusInternalServerError)
		return
	}
	if !o.Gate.Admit(w, r, SegmentRef{Stream: s.Name, Recording: id, Seq: seq, Duration: d, Provisional: provisional}) {
		return
	}
	h := w.Header()
	h.Set("Content-Type", keyType)
	h.Set("Cache-Control", cacheKey)
	h.Set("Content-Length", strconv.Itoa(KeySize))
	_, _ = w.Write(key[:])
}

// segmentDuration finds a segment of an encrypted recording of s: in the
// live window (the archive writes behind it), or in the archive.
// provisional says the segment is still being cut, d its target.
func (o *Origin) segmentDuration(s *Stream, recording string, seq uint64) (d time.Duration, provisional, ok bool) {
	if v := s.view.Load(); v.renditions != nil {
		if seg := v.renditions[SourceRendition].segment(seq); seg != nil && seg.Recording == recording {
			return seg.Duration, false, true
		}
	}
	if v := s.llSnapshot(SourceRendition); v != nil {
		// A segment still being cut into parts is sold at the target
		// duration, less the rounding a cut allows: no more than it will
		// last, unless its publisher leaves first, and then the gate
		// refunds the difference when it hears the segment ended
		// (Options.OnSegment).
		if g := v.segment(seq); g != nil && g.Recording == recording {
			if g.done() {
				return g.Duration, false, true
			}
			return s.opts.Segment - tolerance, true, true
		}
	}
	rec := o.Archive.Recording(s.Name, recording)
	if rec == nil || !rec.Encrypted() {
		return 0, false, false
	}
	_, info, ok := rec.segmentPath(SourceRendition, seq)
	return time.Duration(info.Duration * float64(time.Second)), false, ok
}

// recordingJSON is one entry of GET /vod/{stream}/.
type recordingJSON struct {
	RecordingSummary
	Playlist string `json:"playlist"`
}

func (o *Origin) vodList(w http.ResponseWriter, r *http.Request) {
	s, ok := o.stream(w, r)
	if !ok {
		return
	}
	list := []recordingJSON{}
	for _, rec := range o.Archive.Recordings(s.Name) {
		sum := rec.Summary()
		list = append(list, recordingJSON{sum, "/vod/" + s.Name + "/" + sum.ID + "/index.m3u8"})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", cacheLive)
	_ = json.NewEncoder(w).Encode(map[string]any{"stream": s.Name, "recordings": list})
}

func (o *Origin) recording(w http.ResponseWriter, r *http.Request) (*Stream, *Recording, bool) {
	s, ok := o.stream(w, r)
	if !ok {
		return nil, nil, false
	}
	id := r.PathValue("recording")
	var rec *Recording
	if ValidName(id) {
		rec = o.Archive.Recording(s.Name, id)
	}
	if rec == nil {
		http.Error(w, "unknown recording", http.StatusNotFound)
		return nil, nil, false
	}
	return s, rec, true
}

func (o *Origin) vodMaster(w http.ResponseWriter, r *http.Request) {
	s, rec, ok := o.recording(w, r)
	if !ok {
		return
	}
	_, rends, entries, active, err := rec.view()
	if err != nil {
		o.Logger.Error("archive: reading recording", "recording", rec.ID, "err", err)
		http.Error(w, "recording unreadable", http.StatusInternalServerError)
		return
	}
	var vs []variant
	for _, ri := range rends {
		vs = append(vs, measure(ri, entries[ri.Name]))
	}
	o.writePlaylist(w, r, s.Name, masterPlaylist(vs, "index.m3u8", ""), cacheFor(active), true)
}

func (o *Origin) vodMedia(w http.ResponseWriter, r *http.Request) {
	s, rec, ok := o.recording(w, r)
	if !ok {
		return
	}
	_, _, entries, active, err := rec.view()
	if err != nil {
		http.Error(w, "recording unreadable", http.StatusInternalServerError)
		return
	}
	name := r.PathValue("rendition")
	segs, ok := entries[name]
	if !ValidName(name) || !ok {
		http.Error(w, "unknown rendition", http.StatusNotFound)
		return
	}
	if name != SourceRendition {
		segs = alignToSource(entries[SourceRendition], segs)
	}
	kind := kindVOD
	if active {
		kind = kindEvent
	}
	var keys *keyTags
	encrypted := rec.Encrypted()
	if encrypted {
		keys = &keyTags{stream: s.Name, rendition: name, recording: rec.ID}
	}
	// A clear recording of a priced stream sells its segments: they carry
	// the token, as encrypted ones carry it only to their keys.
	tokens := !encrypted && s.Encrypted() || encrypted && s.opts.TokenSegments
	if !tokens && len(o.Gateways) > 0 {
		segs = o.Archive.viaGateways(r.Context(), rec, name, segs, o.Gateways[0])
	}
	body := mediaPlaylist(segs, 0, kind, 0, keys)
	if len(o.Gateways) > 0 && !tokens {
		body = withGateways(body, o.Gateways)
	}
	o.writePlaylist(w, r, s.Name, body, cacheFor(active), tokens)
}

func (o *Origin) vodSegment(w http.ResponseWriter, r *http.Request) {
	s, rec, ok := o.recording(w, r)
	if !ok {
		return
	}
	rend := r.PathValue("rendition")
	seq, ok := parseSegmentName(r.PathValue("segment"))
	if !ok || !ValidName(rend) {
		http.Error(w, "not a segment", http.StatusNotFound)
		return
	}
	path, info, ok := rec.segmentPath(rend, seq)
	if !ok {
		http.Error(w, "segment not in this recording", http.StatusNotFound)
		return
	}
	// Open the file (or the stored object) before the gate charges for
	// it: a viewer never pays for a segment that then cannot be served. A
	// refusal closes it.
	f, err := rec.openSegment(r.Context(), path, rend, info)
	if err != nil {
		o.Logger.Error("archive: opening segment", "path", path, "err", err)
		http.Error(w, "segment unreadable", http.StatusInternalServerError)
		return
	}
	defer f.Close()
	ref := SegmentRef{Stream: s.Name, Recording: rec.ID, Rendition: rend, Seq: seq,
		Duration: time.Duration(info.Duration * float64(time.Second))}
	if !o.release(w, r, s, ref, rec.Encrypted()) {
		return
	}
	if _, stored := f.(*objectReader); stored && strings.Contains(r.Header.Get("Range"), ",") {
		// Each range of a stored segment is a request to the store: many
		// ranges get the whole segment, read once.
		r.Header.Del("Range")
	}
	n, _ := o.vodServed.LoadOrStore(s.Name, new(atomic.Int64))
	n.(*atomic.Int64).Add(1)
	w.Header().Set("Content-Type", segmentType)
	corked(r, func() { http.ServeContent(w, r, "", time.Time{}, f) })
}

// alignToSource lists a rendition's recorded segments against the
// source's: the same sequence numbers, a gap where the transcoder skipped
// one, nothing after the rendition's last.
func alignToSource(src, rend []SegmentInfo) []SegmentInfo {
	if len(rend) == 0 {
		return nil
	}
	have := make(map[uint64]SegmentInfo, len(rend))
	for _, r := range rend {
		have[r.Seq] = r
	}
	last := rend[len(rend)-1].Seq
	var out []SegmentInfo
	for _, s := range src {
		if s.Seq > last {
			break
		}
		if r, ok := have[s.Seq]; ok {
			out = append(out, r)
		} else {
			s.Gap, s.Size = true, 0
			out = append(out, s)
		}
	}
	return out
}

// uriTags are the tags whose URI attribute names something under the
// playlist: a part, a preload hint, an init section, another rendition's
// playlist.
var uriTags = [][]byte{[]byte("#EXT-X-PART:"), []byte("#EXT-X-PRELOAD-HINT:"), []byte("#EXT-X-MAP:"), []byte("#EXT-X-RENDITION-REPORT:")}

// withArgs appends a query string to the URI of every EXT-X-KEY of a
// playlist, and to every URI line (variant playlists, segments) and URI
// attribute (uriTags) when uris is set.
func withArgs(playlist []byte, args string, uris bool) []byte {
	out := make([]byte, 0, len(playlist)+32*len(args))
	for line := range bytes.Lines(playlist) {
		trimmed := bytes.TrimRight(line, "\r\n")
		tag := bytes.HasPrefix(trimmed, []byte("#EXT-X-KEY:"))
		for _, t := range uriTags {
			tag = tag || uris && bytes.HasPrefix(trimmed, t)
		}
		if tag {
			if i := bytes.Index(trimmed, []byte(`URI="`)); i >= 0 {
				if j := bytes.IndexByte(trimmed[i+5:], '"'); j >= 0 {
					end := i + 5 + j
					out = append(out, trimmed[:end]...)
					out = append(out, '?')
					out = append(out, args...)
					out = append(out, trimmed[end:]...)
					out = append(out, '\n')
					continue
				}
			}
		}
		if len(trimmed) == 0 || trimmed[0] == '#' || !uris {
			out = append(out, line...)
			continue
		}
		out = append(out, trimmed...)
		out = append(out, '?')
		out = append(out, args...)
		out = append(out, '\n')
	}
	return out
}

func cacheFor(active bool) string {
	if active {
		return cacheLive
	}
	return cacheFinished
}

// writePlaylist answers a playlist, its key URIs (and, with uris, its
// other URIs: variant playlists, segments) carrying what the gate asks
// for this request. A playlist with a session's token in it is that
// viewer's: no shared cache may keep it.
func (o *Origin) writePlaylist(w http.ResponseWriter, r *http.Request, stream string, body []byte, cache string, uris bool) {
	if args := o.Gate.PlaylistArgs(r, stream); args != "" {
		body = withArgs(body, args, uris)
		cache = "private, no-cache"
	}
	h := w.Header()
	h.Set("Content-Type", playlistType)
	h.Set("Cache-Control", cache)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}
