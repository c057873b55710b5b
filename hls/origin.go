package hls

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"strconv"
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
//	/vod/{stream}/{recording}/{rendition}/{seq}.ts segment (gated)
//
// Every path element is checked against a strict alphabet before use, and
// only segments a playlist lists are ever opened.
type Origin struct {
	Streams map[string]*Stream
	Archive *Archive
	Gate    Gate
	Logger  *slog.Logger
}

// Content types and caching. Live playlists change every segment; a
// finished recording's never do; a segment's URL never changes content
// because sequence numbers continue across publications and restarts.
const (
	playlistType    = "application/vnd.apple.mpegurl"
	segmentType     = "video/mp2t"
	cacheLive       = "no-cache"
	cacheFinished   = "public, max-age=86400"
	cacheSegment    = "public, max-age=86400, immutable"
	corsAllowHeader = "Authorization, Range, Livegate-Voucher"
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
	mux.HandleFunc("GET /live/{stream}/{rendition}/index.m3u8", cors(o.liveMedia))
	mux.HandleFunc("GET /live/{stream}/{rendition}/{segment}", cors(o.liveSegment))
	mux.HandleFunc("GET /vod/{stream}/{$}", cors(o.vodList))
	mux.HandleFunc("GET /vod/{stream}", cors(o.vodList))
	mux.HandleFunc("GET /vod/{stream}/{recording}/index.m3u8", cors(o.vodMaster))
	mux.HandleFunc("GET /vod/{stream}/{recording}/{rendition}/index.m3u8", cors(o.vodMedia))
	mux.HandleFunc("GET /vod/{stream}/{recording}/{rendition}/{segment}", cors(o.vodSegment))
	mux.HandleFunc("OPTIONS /live/", cors(preflight))
	mux.HandleFunc("OPTIONS /vod/", cors(preflight))
}

// cors lets players on other origins (hls.js on a customer's site) read
// everything, including the Livegate-* payment headers.
func cors(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Access-Control-Allow-Origin", "*")
		hd.Set("Access-Control-Expose-Headers", "Content-Length, Content-Range, Livegate-Price, Livegate-Paid, Livegate-Spent, Livegate-Channel, Livegate-Payee, Livegate-Contract, Livegate-Chain-Id")
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

func (o *Origin) liveMaster(w http.ResponseWriter, r *http.Request) {
	if s, v, ok := o.liveView(w, r); ok {
		o.writePlaylist(w, r, s.Name, v.master, cacheLive)
	}
}

func (o *Origin) liveMedia(w http.ResponseWriter, r *http.Request) {
	if s, rv, ok := o.liveRendition(w, r); ok {
		o.writePlaylist(w, r, s.Name, rv.playlist, cacheLive)
	}
}

func (o *Origin) liveSegment(w http.ResponseWriter, r *http.Request) {
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
	ref := SegmentRef{Stream: s.Name, Rendition: r.PathValue("rendition"), Seq: seq, Duration: seg.Duration}
	if !o.Gate.Admit(w, r, ref) {
		return
	}
	h := w.Header()
	h.Set("Content-Type", segmentType)
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", cacheSegment)
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(seg.Data))
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
	o.writePlaylist(w, r, s.Name, masterPlaylist(vs, ""), cacheFor(active))
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
	o.writePlaylist(w, r, s.Name, mediaPlaylist(segs, 0, kind, 0, ""), cacheFor(active))
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
	// Open the file before the gate charges for it: a viewer never pays
	// for a segment that then cannot be served. A refusal closes it.
	f, err := os.Open(path)
	if err != nil {
		o.Logger.Error("archive: opening segment", "path", path, "err", err)
		http.Error(w, "segment unreadable", http.StatusInternalServerError)
		return
	}
	defer f.Close()
	ref := SegmentRef{Stream: s.Name, Recording: rec.ID, Rendition: rend, Seq: seq,
		Duration: time.Duration(info.Duration * float64(time.Second))}
	if !o.Gate.Admit(w, r, ref) {
		return
	}
	h := w.Header()
	h.Set("Content-Type", segmentType)
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", cacheSegment)
	}
	http.ServeContent(w, r, "", time.Time{}, f)
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

// withArgs appends a query string to every URI line of a playlist.
func withArgs(playlist []byte, args string) []byte {
	out := make([]byte, 0, len(playlist)+32*len(args))
	for line := range bytes.Lines(playlist) {
		trimmed := bytes.TrimRight(line, "\r\n")
		if len(trimmed) == 0 || trimmed[0] == '#' {
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

// writePlaylist answers a playlist, its URIs carrying what the gate asks
// for this request. A playlist with a session's token in it is that
// viewer's: no shared cache may keep it.
func (o *Origin) writePlaylist(w http.ResponseWriter, r *http.Request, stream string, body []byte, cache string) {
	if args := o.Gate.PlaylistArgs(r, stream); args != "" {
		body = withArgs(body, args)
		cache = "private, no-cache"
	}
	h := w.Header()
	h.Set("Content-Type", playlistType)
	h.Set("Cache-Control", cache)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}
