package hls

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafov/m3u8"

	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
)

// refusingGate stands in for the paywall (a later package) to prove the
// origin asks a Gate before every segment and honours a refusal. It refuses
// segments with odd sequence numbers and records what it was asked.
type refusingGate struct {
	mu      sync.Mutex
	asked   []SegmentRef
	checked []string
}

func (g *refusingGate) Admit(w http.ResponseWriter, _ *http.Request, seg SegmentRef) bool {
	g.mu.Lock()
	g.asked = append(g.asked, seg)
	g.mu.Unlock()
	if seg.Seq%2 == 1 {
		http.Error(w, "pay first", http.StatusPaymentRequired)
		return false
	}
	w.Header().Set("Cache-Control", "private")
	return true
}

// Check admits a request with a token, and records that it was asked.
func (g *refusingGate) Check(w http.ResponseWriter, r *http.Request, stream string) bool {
	g.mu.Lock()
	g.checked = append(g.checked, stream)
	g.mu.Unlock()
	if r.URL.Query().Get("token") == "" {
		http.Error(w, "a session first", http.StatusPaymentRequired)
		return false
	}
	return true
}

// PlaylistArgs hands a request's ?token= back, renamed, as the paywall
// hands back a renewed token.
func (g *refusingGate) PlaylistArgs(r *http.Request, _ string) string {
	if t := r.URL.Query().Get("token"); t != "" {
		return "token=renewed-" + t
	}
	return ""
}

type originFixture struct {
	srv    *httptest.Server
	stream *Stream
	gate   *refusingGate
	rec    *Recording
}

// newOrigin serves a stream with one finished recording of 3 segments and
// a live publication of 4 more.
func newOrigin(t *testing.T) *originFixture {
	t.Helper()
	s, a := newTestStream(t, t.TempDir(), Options{Window: 3, ReconnectGrace: -1})
	publish(t, s, synth(0, 6*time.Second, 2*time.Second, true)).Close(nil)
	publish(t, s, synth(0, 9*time.Second, 2*time.Second, true))
	g := &refusingGate{}
	mux := http.NewServeMux()
	(&Origin{Streams: map[string]*Stream{"demo": s, "idle": NewStream("idle", a, Options{}, quiet)}, Archive: a, Gate: g}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &originFixture{srv: srv, stream: s, gate: g, rec: a.Recordings("demo")[0]}
}

func (f *originFixture) get(t *testing.T, method, path string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	return testenv.Get(t, method, f.srv.URL+path, hdr...)
}

func TestOriginLivePlaylists(t *testing.T) {
	f := newOrigin(t)
	resp, body := f.get(t, "GET", "/live/demo/index.m3u8")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != playlistType {
		t.Fatalf("master: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	pl, kind, err := m3u8.DecodeFrom(bytes.NewReader(body), true)
	if err != nil || kind != m3u8.MASTER {
		t.Fatalf("master playlist: %v\n%s", err, body)
	}
	v := pl.(*m3u8.MasterPlaylist).Variants
	if len(v) != 1 || v[0].URI != "source/index.m3u8" || v[0].Resolution != "640x360" ||
		v[0].Codecs != "avc1.64001e,mp4a.40.2" || v[0].Bandwidth == 0 {
		t.Errorf("variant %+v", v[0].VariantParams)
	}
	if resp.Header.Get("Cache-Control") != "no-cache" || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("headers %v", resp.Header)
	}
	resp, body = f.get(t, "GET", "/live/demo/source/index.m3u8")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != playlistType {
		t.Fatalf("media: %d", resp.StatusCode)
	}
	media := testmedia.MediaPlaylist(t, body)
	segs := testmedia.Listed(media)
	// 3 recorded + 4 finished live segments; the window shows the last 3
	if len(segs) != 3 || segs[2].URI != "6.ts" || media.DiscontinuitySeq != 1 {
		t.Errorf("live media playlist:\n%s", body)
	}
}

func TestOriginSegments(t *testing.T) {
	f := newOrigin(t)
	seg := f.stream.view.Load().renditions[SourceRendition].segment(6)
	resp, body := f.get(t, "GET", "/live/demo/source/6.ts")
	if resp.StatusCode != 200 || !bytes.Equal(body, seg.Data) || resp.Header.Get("Content-Type") != "video/mp2t" {
		t.Fatalf("segment: %d %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
	if resp.Header.Get("Cache-Control") != cacheSegment {
		t.Errorf("a free stream's segment: Cache-Control %q, want %q", resp.Header.Get("Cache-Control"), cacheSegment)
	}
	resp, body = f.get(t, "GET", "/live/demo/source/6.ts", "Range", "bytes=0-187")
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, seg.Data[:188]) {
		t.Errorf("range: %d, %d bytes", resp.StatusCode, len(body))
	}
	resp, body = f.get(t, "HEAD", "/live/demo/source/6.ts")
	if resp.StatusCode != 200 || len(body) != 0 || resp.ContentLength != int64(len(seg.Data)) {
		t.Errorf("HEAD: %d, %d bytes, length %d", resp.StatusCode, len(body), resp.ContentLength)
	}
	// Refused by the gate: its answer stands, no media leaks.
	resp, body = f.get(t, "GET", "/live/demo/source/5.ts")
	if resp.StatusCode != http.StatusPaymentRequired || bytes.Contains(body, []byte{0x47}) && len(body) > 100 {
		t.Errorf("refused segment: %d, %d bytes", resp.StatusCode, len(body))
	}
	resp, _ = f.get(t, "HEAD", "/live/demo/source/5.ts")
	if resp.StatusCode != http.StatusPaymentRequired {
		t.Errorf("HEAD got around the gate: %d", resp.StatusCode)
	}
	f.gate.mu.Lock()
	first := f.gate.asked[0]
	f.gate.mu.Unlock()
	if first.Stream != "demo" || first.Rendition != "source" || first.Seq != 6 || first.Recording != f.stream.rec.ID ||
		first.Duration < 1900*time.Millisecond {
		t.Errorf("gate asked about %+v", first)
	}
}

func TestOriginNotFound(t *testing.T) {
	f := newOrigin(t)
	for _, path := range []string{
		"/live/nope/index.m3u8",
		"/live/idle/index.m3u8",                  // configured, never live
		"/live/demo/720p/index.m3u8",             // no such rendition
		"/live/demo/source/0.ts",                 // recorded, beyond the retained live segments
		"/live/demo/source/7.ts",                 // not cut yet
		"/live/demo/source/06.ts",                // not a canonical name
		"/live/demo/source/x.ts",                 //
		"/live/demo/source/6.mp4",                //
		"/vod/nope/",                             //
		"/vod/demo/nope/index.m3u8",              //
		"/vod/demo/" + f.rec.ID + "/source/3.ts", // live segment, not in this recording
		"/vod/demo/" + f.rec.ID + "/hd/index.m3u8",
	} {
		resp, _ := f.get(t, "GET", path)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
		}
	}
}

func TestOriginNeverLeavesItsTree(t *testing.T) {
	f := newOrigin(t)
	addr := strings.TrimPrefix(f.srv.URL, "http://")
	rec := f.rec.ID
	for _, target := range []string{
		"/live/../../../../etc/passwd",
		"/live/demo/../../../etc/passwd",
		"/vod/demo/" + rec + "/../../../../etc/passwd",
		"/vod/demo/" + rec + "/source/..%2f..%2f..%2f..%2fetc%2fpasswd",
		"/vod/demo/" + rec + "/..%2fsource/0.ts",
		"/vod/demo/..%2f" + rec + "/source/0.ts",
		"/vod/%2e%2e/" + rec + "/source/0.ts",
		"/vod/demo/%2e%2e/source/0.ts",
		"/vod/demo/" + rec + "/source/%2e%2e%2frecording.json",
		"/vod/demo/" + rec + "/source/segments.log",
		"/vod/demo/" + rec + "/recording.json",
		"/vod/demo/" + rec + "/source/0.ts%00.m3u8",
		"/live/demo/source/6.ts/..",
	} {
		code, body := testenv.RawGet(t, addr, target)
		if code == 200 || strings.Contains(body, "root:") || strings.Contains(body, `"seq"`) {
			t.Errorf("GET %s: %d %q", target, code, body[:min(len(body), 80)])
		}
	}
}

func TestOriginVOD(t *testing.T) {
	f := newOrigin(t)
	resp, body := f.get(t, "GET", "/vod/demo/")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("list: %d %s", resp.StatusCode, body)
	}
	var list struct {
		Stream     string
		Recordings []recordingJSON
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Recordings) != 2 || list.Recordings[0].Live || !list.Recordings[1].Live ||
		list.Recordings[0].Segments != 3 || list.Recordings[0].Ended == nil {
		t.Fatalf("list %s", body)
	}
	base := "/vod/demo/" + f.rec.ID + "/"
	if list.Recordings[0].Playlist != base+"index.m3u8" {
		t.Errorf("playlist URL %s", list.Recordings[0].Playlist)
	}
	resp, body = f.get(t, "GET", base+"index.m3u8")
	if resp.StatusCode != 200 || !strings.Contains(string(body), "source/index.m3u8") || !strings.Contains(string(body), "RESOLUTION=640x360") {
		t.Errorf("VOD master: %d\n%s", resp.StatusCode, body)
	}
	resp, body = f.get(t, "GET", base+"source/index.m3u8")
	media := testmedia.MediaPlaylist(t, body)
	if media.MediaType != m3u8.VOD || !media.Closed || len(testmedia.Listed(media)) != 3 || resp.Header.Get("Cache-Control") != cacheFinished {
		t.Errorf("VOD media playlist:\n%s", body)
	}
	resp, body = f.get(t, "GET", base+"source/0.ts")
	if resp.StatusCode != 200 || len(body) == 0 || body[0] != 0x47 {
		t.Errorf("VOD segment: %d, %d bytes", resp.StatusCode, len(body))
	}
	resp, _ = f.get(t, "GET", base+"source/1.ts")
	if resp.StatusCode != http.StatusPaymentRequired {
		t.Errorf("VOD segment got around the gate: %d", resp.StatusCode)
	}
	// The recording still being made is an EVENT playlist without an end.
	live := list.Recordings[1].Playlist
	_, body = f.get(t, "GET", strings.Replace(live, "index.m3u8", "source/index.m3u8", 1))
	if media := testmedia.MediaPlaylist(t, body); media.MediaType != m3u8.EVENT || media.Closed {
		t.Errorf("recording in progress:\n%s", body)
	}
}

// A master playlist's variant URIs carry the gate's args; a free stream's
// segment URIs do not (public bytes, one URL for every viewer and cache).
func TestOriginPlaylistsCarryTheGatesArgs(t *testing.T) {
	f := newOrigin(t)
	for _, path := range []string{"/live/demo/index.m3u8", "/live/demo/source/index.m3u8",
		"/vod/demo/" + f.rec.ID + "/index.m3u8", "/vod/demo/" + f.rec.ID + "/source/index.m3u8"} {
		resp, body := f.get(t, "GET", path+"?token=abc")
		master := strings.HasSuffix(path, "demo/index.m3u8") || strings.HasSuffix(path, f.rec.ID+"/index.m3u8")
		uris := 0
		for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			uris++
			if carries := strings.HasSuffix(line, "?token=renewed-abc"); carries != master {
				t.Errorf("%s: URI %q: carries the token %v, want %v", path, line, carries, master)
			}
		}
		if uris == 0 || resp.Header.Get("Cache-Control") != "private, no-cache" {
			t.Errorf("%s: %d URIs, Cache-Control %q", path, uris, resp.Header.Get("Cache-Control"))
		}
		if _, plain := f.get(t, "GET", path); strings.Contains(string(plain), "token") {
			t.Errorf("%s without a token mentions one", path)
		}
	}
}

func TestOriginCORSPreflight(t *testing.T) {
	f := newOrigin(t)
	resp, _ := f.get(t, "OPTIONS", "/live/demo/source/6.ts", "Origin", "https://player.example", "Access-Control-Request-Method", "GET")
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Range") {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	// A page on another origin may send an x402 voucher with a key
	// request, and read the terms and the receipt.
	resp, _ = f.get(t, "OPTIONS", "/key/demo/r1/6", "Origin", "https://player.example", "Access-Control-Request-Method", "GET")
	if !strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "PAYMENT-SIGNATURE") {
		t.Errorf("key preflight: %v", resp.Header)
	}
	resp, _ = f.get(t, "GET", "/live/demo/source/index.m3u8", "Origin", "https://player.example")
	if exp := resp.Header.Get("Access-Control-Expose-Headers"); !strings.Contains(exp, "PAYMENT-REQUIRED") || !strings.Contains(exp, "PAYMENT-RESPONSE") {
		t.Errorf("exposed headers: %q", exp)
	}
}

// A recorded segment whose file cannot be opened is answered 500 without
// the gate being asked: a viewer is never charged for what is not served.
func TestOriginNeverChargesForAnUnopenableSegment(t *testing.T) {
	f := newOrigin(t)
	base := "/vod/demo/" + f.rec.ID + "/source/"
	if err := os.Remove(filepath.Join(f.rec.dir, SourceRendition, SegmentName(2))); err != nil {
		t.Fatal(err)
	}
	resp, _ := f.get(t, "GET", base+"2.ts")
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("a segment whose file is gone: %d, want 500", resp.StatusCode)
	}
	// Segment 0 still opens: the gate is asked for it, and only for it.
	if resp, body := f.get(t, "GET", base+"0.ts"); resp.StatusCode != 200 || len(body) == 0 {
		t.Errorf("segment 0: %d, %d bytes", resp.StatusCode, len(body))
	}
	f.gate.mu.Lock()
	defer f.gate.mu.Unlock()
	var asked []uint64
	for _, ref := range f.gate.asked {
		if ref.Recording == f.rec.ID {
			asked = append(asked, ref.Seq)
		}
	}
	if len(asked) != 1 || asked[0] != 0 {
		t.Errorf("the gate was asked for recorded segments %v, want only [0]", asked)
	}
}
