package hls

import (
	"bytes"
	"context"
	"crypto/aes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"

	"github.com/livegate/livegate/ingest"
	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
)

// A test client of the low-latency routes. The publisher is driven from
// the test, a unit at a time, so a part exists exactly when the test has
// fed its last frame: a request made before is held (the test sees its
// handler waiting in waitLL), and its answer must then list what was fed
// after it. Nothing is timed; every wait is bounded. Every playlist seen
// goes through the spec checker (llspec_test.go).

type llFixture struct {
	t      *testing.T
	s      *Stream
	keys   *Keyring
	srv    *httptest.Server
	pub    ingest.Publication
	units  []unit
	next   int
	client *http.Client
}

// newLLFixture publishes a low-latency stream "demo" (1 s segments and
// GOPs, 200 ms parts, unless opts say otherwise) and feeds it `lead` of
// media.
func newLLFixture(t *testing.T, opts Options, lead time.Duration) *llFixture {
	t.Helper()
	return newLLFixtureGOP(t, opts, time.Second, lead)
}

// newLLFixtureGOP is newLLFixture with keyframes every gop.
func newLLFixtureGOP(t *testing.T, opts Options, gop, lead time.Duration) *llFixture {
	t.Helper()
	opts.LowLatency = true
	if opts.Segment == 0 {
		opts.Segment = time.Second
	}
	if opts.Part == 0 {
		opts.Part = 200 * time.Millisecond
	}
	if opts.Window == 0 {
		opts.Window = 3
	}
	opts.ReconnectGrace = -1
	s, a := newTestStream(t, t.TempDir(), opts)
	pub, err := s.Publish(ingest.PublishInfo{Stream: s.Name, Protocol: "test", Tracks: testTracks(t, true)})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	(&Origin{Streams: map[string]*Stream{"demo": s}, Archive: a}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	f := &llFixture{t: t, s: s, srv: srv, pub: pub, units: synth(0, 120*time.Second, gop, true),
		client: &http.Client{Transport: tr}}
	f.keys = opts.Keys
	f.feedUntil("the lead", func(*llSnap) bool { return f.fedTo() >= lead })
	return f
}

// fedTo is the timestamp of the last unit fed.
func (f *llFixture) fedTo() time.Duration {
	if f.next == 0 {
		return -1
	}
	if u := f.units[f.next-1]; u.v != nil {
		return u.v.DTS
	} else {
		return u.a.PTS
	}
}

// feedOne feeds the next unit and says whether it was a keyframe.
func (f *llFixture) feedOne() bool {
	f.t.Helper()
	if f.next == len(f.units) {
		f.t.Fatal("out of media")
	}
	u := f.units[f.next]
	f.next++
	var err error
	if u.v != nil {
		err = f.pub.WriteVideo(u.v)
	} else {
		err = f.pub.WriteAudio(u.a)
	}
	if err != nil {
		f.t.Fatal(err)
	}
	return u.v != nil && u.v.IDR
}

// feedUntil feeds units until cond holds of the source's low-latency
// output.
func (f *llFixture) feedUntil(what string, cond func(*llSnap) bool) {
	f.t.Helper()
	for !cond(f.s.llSnapshot(SourceRendition)) {
		if f.next == len(f.units) {
			f.t.Fatalf("fed all the media and still not %s", what)
		}
		f.feedOne()
	}
}

// feedThroughCut feeds up to and including the next keyframe: the
// segment under way is then complete and the next has no part yet.
func (f *llFixture) feedThroughCut() {
	f.t.Helper()
	for !f.feedOne() {
	}
}

type llAnswer struct {
	status int
	body   []byte
	header http.Header
	err    error
}

func (f *llFixture) do(ctx context.Context, path string) llAnswer {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.srv.URL+path, nil)
	if err != nil {
		return llAnswer{err: err}
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return llAnswer{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return llAnswer{status: resp.StatusCode, body: b, header: resp.Header, err: err}
}

// get answers a request at once (or fails the test).
func (f *llFixture) get(path string) llAnswer {
	f.t.Helper()
	a := f.do(context.Background(), path)
	if a.err != nil {
		f.t.Fatalf("GET %s: %v", path, a.err)
	}
	return a
}

// playlist fetches a low-latency media playlist, checks it and the
// playlists its rendition reports name.
func (f *llFixture) playlist(rendition, query string) *llPlaylist {
	f.t.Helper()
	path := "/live/demo/" + rendition + "/ll.m3u8"
	if query != "" {
		path += "?" + query
	}
	a := f.get(path)
	if a.status != 200 || a.header.Get("Content-Type") != playlistType {
		f.t.Fatalf("GET %s: %d %s", path, a.status, a.body)
	}
	return f.checked(path, a.body)
}

// checked runs a playlist fetched from path through the checker.
func (f *llFixture) checked(path string, body []byte) *llPlaylist {
	f.t.Helper()
	p := checkLL(f.t, body)
	base, _ := url.Parse(f.srv.URL + path)
	checkReports(f.t, p, func(uri string) []byte {
		u, err := base.Parse(uri)
		if err != nil {
			f.t.Fatal(err)
		}
		a := f.get(u.RequestURI())
		if a.status != 200 {
			f.t.Fatalf("report %s: %d %s", uri, a.status, a.body)
		}
		return a.body
	})
	return p
}

// inflight is a request made in the background.
type inflight struct {
	path   string
	ch     chan llAnswer
	cancel context.CancelFunc
}

func (f *llFixture) start(path string) *inflight {
	ctx, cancel := context.WithCancel(context.Background())
	f.t.Cleanup(cancel)
	r := &inflight{path: path, ch: make(chan llAnswer, 1), cancel: cancel}
	go func() { r.ch <- f.do(ctx, path) }()
	return r
}

// answer waits (at most 20 s) for the request's answer.
func (r *inflight) answer(t *testing.T) llAnswer {
	t.Helper()
	select {
	case a := <-r.ch:
		if a.err != nil {
			t.Fatalf("GET %s: %v", r.path, a.err)
		}
		return a
	case <-time.After(20 * time.Second):
		t.Fatalf("GET %s: no answer in 20 s", r.path)
		return llAnswer{}
	}
}

// answered says whether the request has been answered yet.
func (r *inflight) answered() bool { return len(r.ch) > 0 }

// waiting counts the requests held in the origin's waitLL.
func waiting() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return bytes.Count(buf[:n], []byte("hls.(*Origin).waitLL("))
		}
		buf = make([]byte, 2*len(buf))
	}
}

// held waits until n requests are held by the origin.
func held(t *testing.T, n int) {
	t.Helper()
	testenv.Eventually(t, fmt.Sprintf("%d requests are held", n), func() bool { return waiting() >= n })
}

// next is the part after the last a playlist lists, as a client asks
// for it: the open segment's next part, or the next segment's first.
func next(p *llPlaylist) (msn uint64, part int) {
	msn, part, ok := p.last()
	if !ok || part < 0 {
		panic("no part listed")
	}
	if p.segs[len(p.segs)-1].open {
		return msn, part + 1
	}
	return msn + 1, 0
}

// A blocking reload for the next part is held until the part exists, and
// its answer lists it; so is one for a part of the next segment, asked
// when the segment under way has just ended, and one for the next
// segment whole.
func TestLLBlockingReloadIsAnsweredWhenThePartExists(t *testing.T) {
	f := newLLFixture(t, Options{}, 2500*time.Millisecond)
	p := f.playlist(SourceRendition, "")
	if p.partTarget != 200*time.Millisecond || len(p.whole()) < 2 || !p.segs[len(p.segs)-1].open {
		t.Fatalf("after 2.5 s of 1 s segments:\n%s", p.raw)
	}
	for round := range 8 {
		msn, part := next(p)
		q := fmt.Sprintf("_HLS_msn=%d&_HLS_part=%d", msn, part)
		r := f.start("/live/demo/source/ll.m3u8?" + q)
		held(t, 1)
		if r.answered() {
			t.Fatalf("round %d: %s was answered before its part existed", round, q)
		}
		f.feedUntil("part "+q, func(v *llSnap) bool { return v.has(msn, part) })
		a := r.answer(t)
		if a.status != 200 {
			t.Fatalf("round %d: %s: %d %s", round, q, a.status, a.body)
		}
		p = f.checked(r.path, a.body)
		if !p.lists(msn, part) {
			t.Fatalf("round %d: the answer to %s does not list it:\n%s", round, q, a.body)
		}
		if cc := a.header.Get("Cache-Control"); !strings.HasPrefix(cc, "public, max-age=") {
			t.Errorf("round %d: a blocking answer's Cache-Control %q", round, cc)
		}
	}

	// The segment under way ends: a request for "the part after its last"
	// (its own numbering, or the next segment's first) waits for the next
	// segment.
	f.feedThroughCut()
	p = f.playlist(SourceRendition, "")
	last := p.segs[len(p.segs)-1]
	if last.open || len(last.parts) == 0 {
		t.Fatalf("just after a cut, the last segment should be complete with its parts:\n%s", p.raw)
	}
	r1 := f.start(fmt.Sprintf("/live/demo/source/ll.m3u8?_HLS_msn=%d&_HLS_part=%d", last.seq, len(last.parts)))
	r2 := f.start(fmt.Sprintf("/live/demo/source/ll.m3u8?_HLS_msn=%d&_HLS_part=0", last.seq+1))
	r3 := f.start(fmt.Sprintf("/live/demo/source/ll.m3u8?_HLS_msn=%d", last.seq+1))
	held(t, 3)
	f.feedUntil("the next segment's first part", func(v *llSnap) bool { return v.has(last.seq+1, 0) })
	for _, r := range []*inflight{r1, r2} {
		a := r.answer(t)
		if a.status != 200 {
			t.Fatalf("%s: %d %s", r.path, a.status, a.body)
		}
		if p := f.checked(r.path, a.body); !p.lists(last.seq+1, 0) {
			t.Errorf("%s: the answer does not list segment %d's first part:\n%s", r.path, last.seq+1, a.body)
		}
	}
	if r3.answered() {
		t.Fatalf("%s was answered before the segment was complete", r3.path)
	}
	f.feedThroughCut()
	a := r3.answer(t)
	if a.status != 200 {
		t.Fatalf("%s: %d %s", r3.path, a.status, a.body)
	}
	if p := f.checked(r3.path, a.body); !p.lists(last.seq+1, -1) {
		t.Errorf("%s: the answer does not list segment %d whole:\n%s", r3.path, last.seq+1, a.body)
	}
}

// The preload hint's part, asked before it exists, is held and answered
// with the part's bytes once it exists: the bytes the part keeps, one
// moof+mdat. So is the next segment's first part, asked before the
// segment opens.
func TestLLPreloadHintedPartIsHeldUntilItExists(t *testing.T) {
	f := newLLFixture(t, Options{}, 2500*time.Millisecond)
	for round := range 6 {
		p := f.playlist(SourceRendition, "")
		msn, part := next(p)
		uri := fmt.Sprintf("%d.%d.m4s", msn, part)
		// (the checker holds a hint to be this part; its absence after a
		// cut is TestLLPreloadHintAfterASegmentEnds's)
		if p.hint == "" && p.segs[len(p.segs)-1].open {
			t.Fatalf("round %d: no preload hint in a live playlist with an open segment:\n%s", round, p.raw)
		}
		r := f.start("/live/demo/source/" + uri)
		held(t, 1)
		if r.answered() {
			t.Fatalf("round %d: %s was answered before it existed", round, uri)
		}
		f.feedUntil("part "+uri, func(v *llSnap) bool {
			g := v.segment(msn)
			return g != nil && part < len(g.Parts)
		})
		a := r.answer(t)
		if a.status != 200 || a.header.Get("Content-Type") != mp4Type {
			t.Fatalf("round %d: %s: %d %q %s", round, uri, a.status, a.header.Get("Content-Type"), a.body)
		}
		again := f.get("/live/demo/source/" + uri)
		if again.status != 200 || !bytes.Equal(again.body, a.body) {
			t.Fatalf("round %d: %s held gave %d bytes, asked again %d: %d bytes", round, uri, len(a.body), again.status, len(again.body))
		}
		var parts fmp4.Parts
		if err := parts.Unmarshal(a.body); err != nil || len(parts) != 1 || len(parts[0].Tracks) == 0 {
			t.Fatalf("round %d: %s is not one moof+mdat: %v", round, uri, err)
		}
	}
	// Just after a cut: the next segment's first part.
	f.feedThroughCut()
	p := f.playlist(SourceRendition, "")
	msn, part := next(p)
	if part != 0 {
		t.Fatalf("just after a cut the next part is %d.%d:\n%s", msn, part, p.raw)
	}
	uri := fmt.Sprintf("/live/demo/source/%d.0.m4s", msn)
	r := f.start(uri)
	held(t, 1)
	f.feedUntil("the next segment's first part", func(v *llSnap) bool { return v.has(msn, 0) })
	a := r.answer(t)
	var parts fmp4.Parts
	if a.status != 200 || parts.Unmarshal(a.body) != nil {
		t.Fatalf("%s: %d, %d bytes", uri, a.status, len(a.body))
	}
	if s := parts[0].Tracks[0].Samples; len(s) == 0 || s[0].IsNonSyncSample {
		t.Errorf("%s: a segment's first part does not start with a keyframe", uri)
	}
}

// A live playlist always hints the next part, also when its last listed
// part closed a segment: then the hint is the next segment's first part
// (as in Apple's example of blocking preload hints, where a playlist
// ending a segment hints the next one's part). The server holds that
// request already (TestLLPreloadHintedPartIsHeldUntilItExists); without
// the hint, a client answered at the cut (every client blocking for the
// segment's last part is) cannot ask for it early, and waits a reload
// at every segment boundary.
func TestLLPreloadHintAfterASegmentEnds(t *testing.T) {
	f := newLLFixture(t, Options{}, 2500*time.Millisecond)
	f.feedThroughCut()
	p := f.playlist(SourceRendition, "")
	msn, part := next(p)
	if want := fmt.Sprintf("%d.%d.m4s", msn, part); p.hint != want {
		t.Errorf("just after a cut the playlist hints %q, want %q:\n%s", p.hint, want, p.raw)
	}
}

// A request too far ahead is refused at once (400, saying why), not
// held: a segment more than two past the last, a part past the Advance
// Part Limit. The limits themselves are held.
func TestLLRefusesRequestsTooFarAhead(t *testing.T) {
	f := newLLFixture(t, Options{}, 2500*time.Millisecond)
	p := f.playlist(SourceRendition, "")
	msn, part, _ := p.last()
	limit := f.s.advanceParts() // 15 parts: 3 s of 200 ms
	perSegment := 5             // 1 s segments of 200 ms parts
	for _, c := range []struct {
		q, why string
	}{
		{fmt.Sprintf("_HLS_msn=%d", msn+3), "more than two segments"},
		{fmt.Sprintf("_HLS_msn=%d&_HLS_part=0", msn+3), "more than two segments"},
		{fmt.Sprintf("_HLS_msn=%d&_HLS_part=%d", msn, part+limit+1), "parts past"},
		{fmt.Sprintf("_HLS_msn=%d&_HLS_part=%d", msn+1, part+limit+1-perSegment), "parts past"},
		{fmt.Sprintf("_HLS_msn=%d&_HLS_part=%d", msn+2, 65535), "parts past"},
	} {
		a := f.get("/live/demo/source/ll.m3u8?" + c.q)
		if a.status != http.StatusBadRequest || !strings.Contains(string(a.body), c.why) {
			t.Errorf("%s: %d %q, want 400 saying %q", c.q, a.status, a.body, c.why)
		}
	}
	// A part too far ahead is not held either.
	if a := f.get(fmt.Sprintf("/live/demo/source/%d.0.m4s", msn+3)); a.status != http.StatusNotFound {
		t.Errorf("a part three segments ahead: %d %s", a.status, a.body)
	}
	// At the limits the request is held (then the client gives up).
	for _, q := range []string{
		fmt.Sprintf("_HLS_msn=%d", msn+2),
		fmt.Sprintf("_HLS_msn=%d&_HLS_part=%d", msn, part+limit),
		fmt.Sprintf("_HLS_msn=%d&_HLS_part=%d", msn+1, part+limit-perSegment),
	} {
		r := f.start("/live/demo/source/ll.m3u8?" + q)
		held(t, 1)
		if r.answered() {
			t.Errorf("%s was answered, not held: %+v", q, r.answer(t))
		}
		r.cancel()
		if a := <-r.ch; !errors.Is(a.err, context.Canceled) {
			t.Errorf("%s: %d %s, want it held until the client left", q, a.status, a.body)
		}
		testenv.Eventually(t, "the held request ends", func() bool { return waiting() == 0 })
	}
}

// Malformed blocking arguments are a 400 saying which, at once.
func TestLLRefusesMalformedBlockingArgs(t *testing.T) {
	f := newLLFixture(t, Options{}, 1500*time.Millisecond)
	for _, c := range []struct{ q, why string }{
		{"_HLS_msn=x", "_HLS_msn"},
		{"_HLS_msn=-1", "_HLS_msn"},
		{"_HLS_msn=1.5", "_HLS_msn"},
		{"_HLS_msn=%2B1", "_HLS_msn"},
		{"_HLS_msn=99999999999999999999", "_HLS_msn"},
		{"_HLS_msn=0x1", "_HLS_msn"},
		{"_HLS_msn=1&_HLS_part=y", "_HLS_part"},
		{"_HLS_msn=1&_HLS_part=-1", "_HLS_part"},
		{"_HLS_msn=1&_HLS_part=65536", "_HLS_part"},
		{"_HLS_part=1", "without _HLS_msn"},
		{"_HLS_msn=&_HLS_part=0", "without _HLS_msn"},
	} {
		a := f.get("/live/demo/source/ll.m3u8?" + c.q)
		if a.status != http.StatusBadRequest || !strings.Contains(string(a.body), c.why) {
			t.Errorf("%s: %d %q, want 400 naming %s", c.q, a.status, a.body, c.why)
		}
	}
}

// A stream that ends answers what was held: the blocking reload with the
// ended playlist, the part request with what exists.
func TestLLEndAnswersHeldRequests(t *testing.T) {
	f := newLLFixture(t, Options{}, 2500*time.Millisecond)
	p := f.playlist(SourceRendition, "")
	msn, _, _ := p.last()
	reload := f.start(fmt.Sprintf("/live/demo/source/ll.m3u8?_HLS_msn=%d", msn+1))
	ahead := f.start(fmt.Sprintf("/live/demo/source/%d.0.m4s", msn+1))
	held(t, 2)
	f.pub.Close(nil)
	a := reload.answer(t)
	if a.status != 200 {
		t.Fatalf("held reload at the end: %d %s", a.status, a.body)
	}
	if ended := f.checked(reload.path, a.body); !ended.ended || ended.hint != "" || len(ended.segs) == 0 || ended.segs[len(ended.segs)-1].open {
		t.Errorf("the answer at the end is not an ended playlist:\n%s", a.body)
	}
	if a := ahead.answer(t); a.status != http.StatusNotFound {
		t.Errorf("a part that will never exist, held at the end: %d %s", a.status, a.body)
	}
	// Afterwards the playlist is ended, and a blocking reload for what
	// will never come is answered at once with it.
	if p := f.playlist(SourceRendition, fmt.Sprintf("_HLS_msn=%d&_HLS_part=0", msn+1)); !p.ended {
		t.Errorf("after the end:\n%s", p.raw)
	}
	if waiting() != 0 {
		t.Errorf("%d requests still held after the end", waiting())
	}
}

// A client that goes away releases the goroutine of its held request,
// long before the wait would have ended (8 s segments: 24 s).
func TestLLClientGoneReleasesItsGoroutine(t *testing.T) {
	f := newLLFixture(t, Options{Segment: 8 * time.Second}, 2*time.Second)
	p := f.playlist(SourceRendition, "")
	msn, part := next(p)
	f.client.Transport.(*http.Transport).CloseIdleConnections()
	baseline := runtime.NumGoroutine()
	var rs []*inflight
	for i := range 8 {
		path := fmt.Sprintf("/live/demo/source/ll.m3u8?_HLS_msn=%d&_HLS_part=%d", msn, part+i%3)
		if i%2 == 1 {
			path = fmt.Sprintf("/live/demo/source/%d.%d.m4s", msn, part+i%3)
		}
		rs = append(rs, f.start(path))
	}
	held(t, len(rs))
	for _, r := range rs {
		r.cancel()
		if a := <-r.ch; !errors.Is(a.err, context.Canceled) {
			t.Errorf("%s: answered %d before the client left", r.path, a.status)
		}
	}
	f.client.Transport.(*http.Transport).CloseIdleConnections()
	testenv.Eventually(t, "the held requests' goroutines end", func() bool {
		return waiting() == 0 && runtime.NumGoroutine() <= baseline
	})
}

// Every playlist of a stream with a rendition passes the checker, and
// each names the other in a rendition report that the other's playlist,
// fetched right after, bears out.
func TestLLRenditionReportsNameRealSegments(t *testing.T) {
	f := newLLFixture(t, Options{Transcoder: copyTranscoder{}, TranscodeQueue: 10, TranscodeLag: 10}, 0)
	for range 6 {
		f.feedThroughCut()
	}
	f.feedUntil("a rendition's low-latency segments", func(*llSnap) bool {
		v := f.s.llSnapshot("low")
		return v != nil && v.listed
	})
	for range 20 { // parts appear while the reports are followed
		src := f.playlist(SourceRendition, "")
		low := f.playlist("low", "")
		if len(src.reports) != 1 || !strings.HasSuffix(src.reports[0].uri, "low/ll.m3u8") {
			t.Fatalf("source reports %+v", src.reports)
		}
		if len(low.reports) != 1 || !strings.HasSuffix(low.reports[0].uri, "source/ll.m3u8") || low.reports[0].lastPart < 0 {
			t.Fatalf("low reports %+v", low.reports)
		}
		if low.partTarget != 0 || len(low.segs) == 0 {
			t.Fatalf("low is segment-granular:\n%s", low.raw)
		}
		for range 7 {
			f.feedOne()
		}
	}
	// The master lists both low-latency playlists, ts.m3u8 the MPEG-TS
	// ones.
	for path, want := range map[string]string{"/live/demo/index.m3u8": "ll.m3u8", "/live/demo/ts.m3u8": "index.m3u8"} {
		a := f.get(path)
		for _, r := range []string{SourceRendition, "low"} {
			if a.status != 200 || !strings.Contains(string(a.body), "\n"+r+"/"+want+"\n") {
				t.Errorf("%s does not list %s/%s:\n%s", path, r, want, a.body)
			}
		}
	}
	// A blocking reload of the rendition waits for its next segment.
	low := f.playlist("low", "")
	msn, _, _ := low.last()
	r := f.start(fmt.Sprintf("/live/demo/low/ll.m3u8?_HLS_msn=%d", msn+1))
	held(t, 1)
	f.feedUntil("the rendition's next segment", func(*llSnap) bool {
		v := f.s.llSnapshot("low")
		return v.listed && v.lastMSN > msn
	})
	a := r.answer(t)
	if a.status != 200 {
		t.Fatalf("%s: %d %s", r.path, a.status, a.body)
	}
	if p := f.checked(r.path, a.body); !p.lists(msn+1, -1) {
		t.Errorf("%s: the answer does not list segment %d:\n%s", r.path, msn+1, a.body)
	}
}

// copyTranscoder hands back the source segment as rendition "low".
type copyTranscoder struct{}

func (copyTranscoder) Transcode(_ context.Context, _ string, seg *Segment, _ RenditionInfo) ([]Transcoded, error) {
	return []Transcoded{{Name: "low", Data: append([]byte(nil), seg.Data...)}}, nil
}

// A priced stream's parts each decrypt on their own with their segment's
// key and the playlist's IV: 16 bytes of free box, then one moof+mdat.
// No two messages under one key start with the same ciphertext block
// (not the MPEG-TS segment's either, which has the same key), and the
// whole segment decrypts to its parts' plaintexts one after the other.
func TestLLPricedPartsDecryptOnTheirOwn(t *testing.T) {
	f := newLLFixture(t, Options{Keys: &Keyring{Store: &memSecrets{}}}, 4500*time.Millisecond)
	p := f.playlist(SourceRendition, "")
	ts := f.get("/live/demo/source/index.m3u8")
	init := f.get("/live/demo/source/" + p.segs[0].mapURI)
	var in fmp4.Init
	if init.status != 200 || in.Unmarshal(bytes.NewReader(init.body)) != nil || len(in.Tracks) != 2 {
		t.Fatalf("init section %s: %d, not clear fMP4 with two tracks", p.segs[0].mapURI, init.status)
	}
	checked := 0
	for _, g := range p.segs {
		if len(g.parts) == 0 {
			continue
		}
		if g.key.method != "AES-128" || !strings.HasSuffix(g.key.uri, fmt.Sprintf("/%d", g.seq)) {
			t.Fatalf("segment %d: key %+v", g.seq, g.key)
		}
		iv := parseIV(t, g.key.iv)
		ka := f.get(g.key.uri)
		if ka.status != 200 || len(ka.body) != KeySize {
			t.Fatalf("key %s: %d %s", g.key.uri, ka.status, ka.body)
		}
		key := [KeySize]byte(ka.body)
		firstBlocks := map[string]string{}
		seen := func(what string, msg []byte) {
			if len(msg) < aes.BlockSize || len(msg)%aes.BlockSize != 0 {
				t.Fatalf("%s: %d bytes is not AES-CBC", what, len(msg))
			}
			if other, dup := firstBlocks[string(msg[:aes.BlockSize])]; dup {
				t.Errorf("%s and %s start with the same ciphertext block under one key", what, other)
			}
			firstBlocks[string(msg[:aes.BlockSize])] = what
		}
		var clear []byte
		for j, pt := range g.parts {
			a := f.get("/live/demo/source/" + pt.uri)
			if a.status != 200 {
				t.Fatalf("%s: %d", pt.uri, a.status)
			}
			seen(pt.uri, a.body)
			plain, err := Decrypt(key, iv, a.body)
			if err != nil {
				t.Fatalf("%s with key %d and the playlist's IV: %v", pt.uri, g.seq, err)
			}
			if !bytes.Equal(plain[:aes.BlockSize], freeBox(uint64(j)+1)) {
				t.Fatalf("%s does not start with its free box: % x", pt.uri, plain[:aes.BlockSize])
			}
			var parts fmp4.Parts
			if err := parts.Unmarshal(plain[aes.BlockSize:]); err != nil || len(parts) != 1 {
				t.Fatalf("%s decrypted is not one moof+mdat: %v", pt.uri, err)
			}
			if j == 0 && parts[0].Tracks[0].Samples[0].IsNonSyncSample {
				t.Errorf("%s: the first part does not start with a keyframe", pt.uri)
			}
			clear = append(clear, plain[aes.BlockSize:]...)
		}
		if key2, err := f.keys.Key("demo", f.s.rec.ID, g.seq+1); err == nil {
			if plain, err := Decrypt(key2, iv, f.get("/live/demo/source/"+g.parts[0].uri).body); err == nil &&
				bytes.HasPrefix(plain, freeBox(1)) {
				t.Errorf("segment %d's first part opens with key %d", g.seq, g.seq+1)
			}
		}
		if g.open {
			continue
		}
		if tsKey := keyTag(t, ts.body, SegmentName(g.seq)); tsKey != nil {
			if tsKey.URI != g.key.uri || tsKey.IV == g.key.iv {
				t.Errorf("segment %d: MPEG-TS key %s IV %s, fMP4 key %s IV %s: want one key, two IVs", g.seq, tsKey.URI, tsKey.IV, g.key.uri, g.key.iv)
			}
			seen(SegmentName(g.seq), f.get("/live/demo/source/"+SegmentName(g.seq)).body)
		}
		whole := f.get("/live/demo/source/" + g.uri)
		if whole.status != 200 {
			t.Fatalf("%s: %d", g.uri, whole.status)
		}
		seen(g.uri, whole.body)
		plain, err := Decrypt(key, iv, whole.body)
		if err != nil || !bytes.Equal(plain, append(freeBox(0), clear...)) {
			t.Errorf("%s decrypted (%v) is not its free box and its parts' plaintexts (%d vs %d bytes)", g.uri, err, len(plain), 16+len(clear))
		}
		checked++
	}
	if checked < 2 {
		t.Fatalf("only %d whole segments with parts listed:\n%s", checked, p.raw)
	}
}

// Each low-latency segment is its MPEG-TS twin of the same number in
// fMP4: the same program date time (to the millisecond the playlist
// prints), the same duration to within a frame, the same video frames
// with the same timestamps.
func TestLLSegmentsMatchTheirMPEGTSTwins(t *testing.T) {
	f := newLLFixture(t, Options{Window: 5}, 5500*time.Millisecond)
	ll := f.playlist(SourceRendition, "")
	ts := testmedia.MediaPlaylist(t, f.get("/live/demo/source/index.m3u8").body)
	compared := 0
	for _, seg := range testmedia.Listed(ts) {
		var seq uint64
		if _, err := fmt.Sscanf(seg.URI, "%d.ts", &seq); err != nil {
			t.Fatal(err)
		}
		g := ll.segment(seq)
		if g == nil || g.open {
			continue
		}
		if !g.pdt.Equal(seg.ProgramDateTime.Truncate(time.Millisecond)) {
			t.Errorf("segment %d: program date time %v in ll.m3u8, %v in index.m3u8", seq, g.pdt, seg.ProgramDateTime)
		}
		if d := g.dur - time.Duration(seg.Duration*float64(time.Second)); d.Abs() > time.Second/30 {
			t.Errorf("segment %d: %v in ll.m3u8, %vs in index.m3u8", seq, g.dur, seg.Duration)
		}
		demuxed, err := testmedia.DemuxTS(f.get("/live/demo/source/" + seg.URI).body)
		if err != nil {
			t.Fatal(err)
		}
		var parts fmp4.Parts
		if err := parts.Unmarshal(f.get("/live/demo/source/" + g.uri).body); err != nil {
			t.Fatalf("%s: %v", g.uri, err)
		}
		var dts []int64
		for _, p := range parts {
			for _, tr := range p.Tracks {
				if tr.ID != videoTrackID {
					continue
				}
				at := int64(tr.BaseTime)
				for _, s := range tr.Samples {
					dts = append(dts, at)
					at += int64(s.Duration)
				}
			}
		}
		if len(dts) != len(demuxed.Video) {
			t.Fatalf("segment %d: %d video frames in fMP4, %d in MPEG-TS", seq, len(dts), len(demuxed.Video))
		}
		for i, v := range demuxed.Video {
			// MPEG-TS timestamps carry the muxer's offset; the distance
			// from the segment's first frame must agree.
			if got, want := dts[i]-dts[0], v.DTS-demuxed.Video[0].DTS; got != want {
				t.Errorf("segment %d frame %d: fMP4 DTS +%d, MPEG-TS +%d (90 kHz)", seq, i, got, want)
				break
			}
		}
		compared++
	}
	if compared < 3 {
		t.Fatalf("compared %d segments", compared)
	}
}

// A publisher that comes back gets a new init section: the playlist
// marks the discontinuity, names the new EXT-X-MAP outside any key's
// scope, and keeps numbering segments; parts of both publications pass
// the checker, and every part still decrypts with its own segment's key.
func TestLLReconnectGetsANewInitSection(t *testing.T) {
	f := newLLFixture(t, Options{Keys: &Keyring{Store: &memSecrets{}}, Window: 6}, 2500*time.Millisecond)
	f.pub.Close(nil)
	ended := f.playlist(SourceRendition, "")
	if !ended.ended {
		t.Fatalf("after the publisher left:\n%s", ended.raw)
	}
	pub, err := f.s.Publish(ingest.PublishInfo{Stream: "demo", Protocol: "test", Tracks: testTracks(t, true)})
	if err != nil {
		t.Fatal(err)
	}
	f.pub, f.units, f.next = pub, synth(0, 60*time.Second, time.Second, true), 0
	f.feedUntil("2.5 s of the second publication", func(*llSnap) bool { return f.fedTo() >= 2500*time.Millisecond })
	p := f.playlist(SourceRendition, "")
	maps := map[string]bool{}
	for _, g := range p.segs {
		maps[g.mapURI] = true
	}
	if len(maps) != 2 || !strings.Contains(p.raw, "#EXT-X-DISCONTINUITY\n") || p.ended {
		t.Fatalf("two publications, one playlist:\n%s", p.raw)
	}
	for _, g := range p.segs {
		if len(g.parts) == 0 {
			continue
		}
		key := f.get(g.key.uri)
		if key.status != 200 {
			t.Fatalf("%s: %d", g.key.uri, key.status)
		}
		plain, err := Decrypt([KeySize]byte(key.body), parseIV(t, g.key.iv), f.get("/live/demo/source/"+g.parts[0].uri).body)
		if err != nil || !bytes.HasPrefix(plain, freeBox(1)) {
			t.Errorf("%s with key %s: %v", g.parts[0].uri, g.key.uri, err)
		}
		init := f.get("/live/demo/source/" + g.mapURI)
		var in fmp4.Init
		if init.status != 200 || in.Unmarshal(bytes.NewReader(init.body)) != nil {
			t.Errorf("%s: %d", g.mapURI, init.status)
		}
	}
}

// A blocking answer for a viewer with a session is private: it carries
// the viewer's token on every key, which no shared cache may hand to the
// next viewer.
func TestLLBlockingAnswerWithATokenIsPrivate(t *testing.T) {
	f := newLLFixture(t, Options{Keys: &Keyring{Store: &memSecrets{}}}, 2500*time.Millisecond)
	mux := http.NewServeMux()
	(&Origin{Streams: map[string]*Stream{"demo": f.s}, Archive: f.s.archive, Gate: &refusingGate{}}).Register(mux)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	p := f.playlist(SourceRendition, "")
	msn, part := next(p)
	r := f.start(fmt.Sprintf("/live/demo/source/ll.m3u8?_HLS_msn=%d&_HLS_part=%d&token=abc", msn, part))
	held(t, 1)
	f.feedUntil("the next part", func(v *llSnap) bool { return v.has(msn, part) })
	a := r.answer(t)
	if a.status != 200 || a.header.Get("Cache-Control") != "private, no-cache" {
		t.Fatalf("%d, Cache-Control %q", a.status, a.header.Get("Cache-Control"))
	}
	withToken := f.checked(r.path, a.body)
	for _, g := range withToken.segs {
		if !strings.HasSuffix(g.key.uri, "?token=renewed-abc") {
			t.Errorf("segment %d key %q without the viewer's token", g.seq, g.key.uri)
		}
		for _, pt := range g.parts {
			if strings.Contains(pt.uri, "token") {
				t.Errorf("public part %q carries a token", pt.uri)
			}
		}
	}
}

// Playlists of every shape pass the checker as they grow, a few frames
// at a time: keyframes at, inside and beyond the segment duration, parts
// that are no multiple of the frame, priced or free. Each part holds the
// media its DURATION says, and a whole segment is its parts' bytes, also
// after later segments are made.
func TestLLPlaylistsPassTheCheckerInEveryShape(t *testing.T) {
	for _, c := range []struct {
		name               string
		segment, gop, part time.Duration
		priced             bool
	}{
		{"1s segments, 1s GOP, 200ms parts", time.Second, time.Second, 200 * time.Millisecond, false},
		{"1s segments, 1.2s GOP, 250ms parts", time.Second, 1200 * time.Millisecond, 250 * time.Millisecond, true},
		{"2s segments, 0.5s GOP, 300ms parts", 2 * time.Second, 500 * time.Millisecond, 300 * time.Millisecond, false},
		{"2s segments, 2s GOP, 1s parts", 2 * time.Second, 2 * time.Second, time.Second, true},
		{"1s segments, 1s GOP, 100ms parts", time.Second, time.Second, 100 * time.Millisecond, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			opts := Options{Segment: c.segment, Part: c.part}
			if c.priced {
				opts.Keys = &Keyring{Store: &memSecrets{}}
			}
			f := newLLFixtureGOP(t, opts, c.gop, 0)
			wholes := map[string][]byte{} // a segment's bytes when first seen whole
			for range 60 {
				for range 5 {
					f.feedOne()
				}
				if f.s.llSnapshot(SourceRendition).listed {
					p := f.playlist(SourceRendition, "")
					if p.partTarget != c.part {
						t.Fatalf("PART-TARGET %v, want %v", p.partTarget, c.part)
					}
					for _, g := range p.segs {
						if g.open || len(g.parts) == 0 || wholes[g.uri] != nil {
							continue
						}
						whole := f.get("/live/demo/source/" + g.uri).body
						wholes[g.uri] = whole
						if !c.priced {
							var cat []byte
							for _, pt := range g.parts {
								a := f.get("/live/demo/source/" + pt.uri)
								cat = append(cat, a.body...)
								checkPartMedia(t, pt, a.body)
							}
							if !bytes.Equal(whole, cat) {
								t.Errorf("%s is not its parts' bytes (%d vs %d)", g.uri, len(whole), len(cat))
							}
						}
					}
				}
			}
			if len(wholes) < 2 {
				t.Fatalf("saw %d whole segments", len(wholes))
			}
			for uri, was := range wholes {
				if a := f.get("/live/demo/source/" + uri); a.status == 200 && !bytes.Equal(a.body, was) {
					t.Errorf("%s changed after later segments were made", uri)
				}
			}
		})
	}
}

// checkPartMedia checks that a clear part holds one moof+mdat whose video
// lasts the part's DURATION (to its printed 10 µs).
func checkPartMedia(t *testing.T, pt llListedPart, data []byte) {
	t.Helper()
	var parts fmp4.Parts
	if err := parts.Unmarshal(data); err != nil || len(parts) != 1 {
		t.Fatalf("%s: not one moof+mdat: %v", pt.uri, err)
	}
	var ticks uint64
	for _, tr := range parts[0].Tracks {
		if tr.ID == videoTrackID {
			for _, s := range tr.Samples {
				ticks += uint64(s.Duration)
			}
			if pt.independent != !tr.Samples[0].IsNonSyncSample {
				t.Errorf("%s: INDEPENDENT=%v, first sample a keyframe: %v", pt.uri, pt.independent, !tr.Samples[0].IsNonSyncSample)
			}
		}
	}
	if d := time.Duration(ticks) * time.Second / videoTimescale; (d - pt.dur).Abs() > 5*time.Microsecond {
		t.Errorf("%s: DURATION %v, its video lasts %v", pt.uri, pt.dur, d)
	}
}

// EXT-X-TARGETDURATION covers every EXTINF as the playlist prints it,
// rounded to the nearest second (RFC 8216bis §4.4.3.1: a MUST). Segments
// of 1.5 s (keyframes every 1.5 s, 1 s segments) add up from parts of
// 21,000 ticks each printed 0.23333 and kept as 233,333,333 ns: the
// segment is kept as 1.499999998 s, which rounds to 1, and printed
// 1.50000, which rounds to 2.
func TestLLTargetDurationCoversThePrintedEXTINF(t *testing.T) {
	f := newLLFixtureGOP(t, Options{Part: 250 * time.Millisecond}, 1500*time.Millisecond, 5*time.Second)
	p := f.playlist(SourceRendition, "")
	if len(p.whole()) == 0 {
		t.Fatalf("no whole segment:\n%s", p.raw)
	}
}

// recordingGate admits everything and keeps what it was asked.
type recordingGate struct {
	OpenGate
	mu    sync.Mutex
	asked []SegmentRef
	ended []SegmentRef // heard through Options.OnSegment
}

func (g *recordingGate) onSegment(ref SegmentRef) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.ended = append(g.ended, ref)
}

func (g *recordingGate) Admit(_ http.ResponseWriter, _ *http.Request, ref SegmentRef) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.asked = append(g.asked, ref)
	return true
}

// A live playlist that has dropped segments still lasts three target
// durations (RFC 8216bis §6.2.2: a server MUST NOT remove a segment if
// the playlist would then last less), as the MPEG-TS one with the same
// window does: the open segment is not one of the window's segments.
// With a window of 3 the low-latency playlist lists two whole 1 s
// segments and the parts of the open one, less than 3 s.
func TestLLLivePlaylistLastsThreeTargetDurations(t *testing.T) {
	f := newLLFixture(t, Options{Window: 3}, 6500*time.Millisecond)
	p := f.playlist(SourceRendition, "")
	ts := testmedia.MediaPlaylist(t, f.get("/live/demo/source/index.m3u8").body)
	if p.mediaSeq == 0 || ts.SeqNo == 0 {
		t.Fatalf("nothing dropped yet:\n%s", p.raw)
	}
	var total, tsTotal time.Duration
	for _, g := range p.segs {
		if g.open {
			total += g.partsSum
		} else {
			total += g.dur
		}
	}
	for _, s := range testmedia.Listed(ts) {
		tsTotal += time.Duration(s.Duration * float64(time.Second))
	}
	if tsTotal < 3*time.Duration(ts.TargetDuration*float64(time.Second)) {
		t.Fatalf("the MPEG-TS playlist lasts %v", tsTotal)
	}
	if total < 3*p.target {
		t.Errorf("the live low-latency playlist lasts %v, less than three target durations (%v); its MPEG-TS twin %v:\n%s", total, 3*p.target, tsTotal, p.raw)
	}
}

// A held request whose part does not come (the publisher stalls) is
// answered 503 with Retry-After once the wait is over, so the client
// asks again; its goroutine is gone.
func TestLLStalledPublisherAnswersHeldRequestsWithRetry(t *testing.T) {
	f := newLLFixture(t, Options{}, 2500*time.Millisecond)
	p := f.playlist(SourceRendition, "")
	msn, part := next(p)
	r := f.start(fmt.Sprintf("/live/demo/source/ll.m3u8?_HLS_msn=%d&_HLS_part=%d", msn, part))
	a := r.answer(t) // nothing is fed: the wait (3 s) runs out
	if a.status != http.StatusServiceUnavailable || a.header.Get("Retry-After") == "" || !strings.Contains(string(a.body), fmt.Sprintf("segment %d part %d", msn, part)) {
		t.Fatalf("a part that did not come: %d %v %s", a.status, a.header, a.body)
	}
	if waiting() != 0 {
		t.Errorf("%d requests still held", waiting())
	}
}
