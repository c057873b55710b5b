package cluster

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testpg"
)

func TestMain(m *testing.M) { testpg.Main(m) }

// streams is a node's streams as the tests set them: the registry's
// Local, which in livegate reads hls.Stream.
type streams struct {
	mu   sync.Mutex
	live map[string]bool
	next map[string]uint64
}

func newStreams(names ...string) *streams {
	s := &streams{live: map[string]bool{}, next: map[string]uint64{}}
	for _, n := range names {
		s.next[n] = 0
	}
	return s
}

func (s *streams) Streams() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for n := range s.next {
		out = append(out, n)
	}
	return out
}

func (s *streams) State(name string) (bool, uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.live[name], s.next[name]
}

func (s *streams) set(name string, live bool, next uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.live[name], s.next[name] = live, next
}

func pool(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	p, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

func startRegistry(t *testing.T, url, node string, local *streams) *Registry {
	t.Helper()
	r := &Registry{DB: pool(t, url), Node: node, URL: "http://" + node + ".invalid", Local: local,
		Logger: slog.New(slog.DiscardHandler), Interval: 20 * time.Millisecond, TTL: 500 * time.Millisecond}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

// Two nodes on one database: each finds the stream's publisher on the
// other, never on itself; a node that leaves, or stops heartbeating,
// is no owner any more; the numbers it reached are remembered.
func TestRegistryFindsTheIngestNode(t *testing.T) {
	url := testpg.New(t)
	la, lb := newStreams("demo", "other"), newStreams("demo", "other")
	a := startRegistry(t, url, "a", la)
	b := startRegistry(t, url, "b", lb)

	la.set("demo", true, 12)
	testenv.Eventually(t, "b finds demo on a", func() bool {
		o, ok := b.Owner("demo")
		return ok && o.Node == "a" && o.URL == "http://a.invalid"
	})
	if o, ok := a.Owner("demo"); ok {
		t.Errorf("a finds its own stream on %+v", o)
	}
	if o, ok := b.Owner("other"); ok {
		t.Errorf("a stream published nowhere has an owner: %+v", o)
	}
	if n, ok := b.LastSeq("demo"); !ok || n != 12 {
		t.Errorf("b's LastSeq(demo) = %d, %v; want 12", n, ok)
	}
	if n, ok := a.LastSeq("demo"); ok {
		t.Errorf("a's LastSeq(demo) = %d: its own numbers are its stream's", n)
	}

	// The publisher leaves a.
	la.set("demo", false, 15)
	testenv.Eventually(t, "b sees demo is live nowhere", func() bool {
		_, ok := b.Owner("demo")
		n, _ := b.LastSeq("demo")
		return !ok && n == 15
	})

	// It moves to b: a finds it there.
	lb.set("demo", true, 16)
	testenv.Eventually(t, "a finds demo on b", func() bool {
		o, ok := a.Owner("demo")
		return ok && o.Node == "b"
	})

	// b dies without a word (no Close): after the TTL it owns nothing,
	// and the numbers it reached are still known.
	b.cancel()
	b.done.Wait()
	testenv.Eventually(t, "b's rows expire", func() bool {
		_, ok := a.Owner("demo")
		n, _ := a.LastSeq("demo")
		return !ok && n == 16
	})

	// A node that leaves cleanly is known gone at once, and the numbers
	// it reached are kept.
	la.set("other", true, 3)
	c := startRegistry(t, url, "c", newStreams("other"))
	testenv.Eventually(t, "c finds other on a", func() bool { _, ok := c.Owner("other"); return ok })
	a.Close()
	if err := c.round(context.Background()); err != nil {
		t.Fatal(err)
	}
	if o, ok := c.Owner("other"); ok {
		t.Errorf("a closed, and c still finds other on %+v", o)
	}
	if n, ok := c.LastSeq("other"); !ok || n != 3 {
		t.Errorf("a closed: c's LastSeq(other) = %d, %v; want 3", n, ok)
	}
}

// An unreachable database fails Start with an error, not a hang.
func TestRegistryStartFailsOnADeadDatabase(t *testing.T) {
	p, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	r := &Registry{DB: p, Node: "a", URL: "http://a.invalid", Local: newStreams("demo")}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.Start(ctx); err == nil || !strings.Contains(err.Error(), "cluster:") {
		t.Errorf("Start on a dead database: %v", err)
	}
}

// The router sends a stream's live requests, and keys it cannot price,
// to the ingest node, with the viewer's address in X-Forwarded-For;
// the rest stays here.
func TestRouterSendsLiveRequestsToTheIngestNode(t *testing.T) {
	url := testpg.New(t)
	var asks sync.Map // path → times the ingest node was asked
	ingest := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := asks.LoadOrStore(r.URL.Path, new(int))
		*n.(*int)++
		if r.Header.Get(HopHeader) == "" && !strings.HasPrefix(r.URL.Path, "/cluster/") {
			w.Header().Set("Node", "ingest without the hop mark")
			return
		}
		switch r.URL.Path { // as hls.Origin answers: a finished segment, one being cut
		case "/cluster/segment/demo/rec/3":
			_, _ = io.WriteString(w, `{"durationNs":2000000000,"provisional":false}`)
			return
		case "/cluster/segment/demo/rec/4":
			_, _ = io.WriteString(w, `{"durationNs":1990000000,"provisional":true}`)
			return
		case "/cluster/segment/demo/rec/5":
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Node", "ingest")
		_, _ = io.WriteString(w, r.URL.RequestURI()+" for "+r.Header.Get("X-Forwarded-For"))
	}))
	defer ingest.Close()
	la := newStreams("demo", "here")
	a := &Registry{DB: pool(t, url), Node: "a", URL: ingest.URL, Local: la, Logger: slog.New(slog.DiscardHandler),
		Interval: 20 * time.Millisecond, TTL: time.Second}
	la.set("demo", true, 4)
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b := startRegistry(t, url, "b", newStreams("demo", "here"))
	testenv.Eventually(t, "b finds demo on a", func() bool { _, ok := b.Owner("demo"); return ok })

	segs := &Segments{Registry: b}
	rt := &Router{
		Registry: b, Segments: segs,
		Next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Node", "here")
			_, _ = io.WriteString(w, r.URL.RequestURI())
		}),
		Here: func(stream string) bool { return stream == "here" },
		Has:  func(_, recording string) bool { return recording == "old" },
	}
	srv := httptest.NewServer(rt)
	defer srv.Close()
	for _, c := range []struct {
		method, path, node string
	}{
		{"GET", "/live/demo/index.m3u8", "ingest"},
		{"GET", "/live/demo/source/ll.m3u8?_HLS_msn=3&_HLS_part=1", "ingest"},
		{"HEAD", "/live/demo/source/3.ts", "ingest"},
		{"GET", "/key/demo/20261202T000000Z/3?token=t", "ingest"},
		{"GET", "/key/demo/old/3", "here"},       // a recording this node has
		{"GET", "/live/here/index.m3u8", "here"}, // published here
		{"GET", "/live/nowhere/index.m3u8", "here"},
		{"POST", "/live/demo/index.m3u8", "here"},
		{"POST", "/pay/demo/session", "here"},
		{"GET", "/vod/demo/", "here"},
		{"GET", "/watch/demo", "here"},
		{"GET", "/key/demo/x", "here"}, // not a key path
		{"GET", "/key/demo/rec/5", "ingest"},
		{"HOP", "/live/demo/index.m3u8", "here"}, // sent by another node: never sent on
	} {
		method := c.method
		if method == "HOP" {
			method = "GET"
		}
		req, _ := http.NewRequest(method, srv.URL+c.path, nil)
		req.Header.Set("X-Forwarded-For", "198.51.100.7")
		if c.method == "HOP" {
			req.Header.Set(HopHeader, "1")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if got := resp.Header.Get("Node"); got != c.node {
			t.Errorf("%s %s answered by %q (%d), want %s", c.method, c.path, got, resp.StatusCode, c.node)
			continue
		}
		if c.node == "ingest" && c.method == "GET" && string(body) != c.path+" for 198.51.100.7, 127.0.0.1" {
			t.Errorf("%s reached the ingest node as %q", c.path, body)
		}
	}

	if d, ok := segs.Duration(context.Background(), "demo", "rec", 3); !ok || d != 2*time.Second {
		t.Errorf("segment 3's duration: %v %v", d, ok)
	}
	// Asked once each: a finished segment is remembered, an unknown one
	// not asked about again for a while.
	for _, p := range []string{"/cluster/segment/demo/rec/3", "/cluster/segment/demo/rec/5"} {
		if n, ok := asks.Load(p); !ok || *n.(*int) != 1 {
			t.Errorf("%s asked %v times, want once", p, n)
		}
	}

	// The ingest node stops answering: a clear 502 to retry; what it said
	// of a finished segment is remembered.
	ingest.Close()
	resp, err := http.Get(srv.URL + "/live/demo/index.m3u8")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway || resp.Header.Get("Retry-After") == "" {
		t.Errorf("the ingest node gone: %d %v", resp.StatusCode, resp.Header)
	}
	if d, ok := segs.Duration(context.Background(), "demo", "rec", 3); !ok || d != 2*time.Second {
		t.Errorf("segment 3's duration, the ingest node gone: %v %v", d, ok)
	}
	if _, ok := segs.Duration(context.Background(), "demo", "rec", 6); ok {
		t.Error("a segment never asked about has a duration with the ingest node gone")
	}
}

// FuzzParsePath: whatever a path is, a route it finds names a stream (and
// a recording and number for a key) that the path really holds as whole
// segments.
func FuzzParsePath(f *testing.F) {
	for _, p := range []string{"/live/demo/index.m3u8", "/live/demo/source/1.ts", "/key/demo/rec/3", "/key/demo/rec/3/4",
		"/key//rec/3", "/live/demo", "/live//x", "/vod/demo/", "", "/", "live/demo/x", "/key/demo/rec/", "/key/demo/rec/+3",
		"/key/demo/rec/18446744073709551616"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		kind, stream, recording, seq, ok := ParsePath(p)
		if !ok {
			if kind != "" || stream != "" || recording != "" || seq != 0 {
				t.Fatalf("%q: not ok, yet %q %q %q %d", p, kind, stream, recording, seq)
			}
			return
		}
		if stream == "" || strings.Contains(stream, "/") || !strings.HasPrefix(strings.TrimPrefix(p, "/"), kind+"/"+stream+"/") {
			t.Fatalf("%q: %s stream %q", p, kind, stream)
		}
		switch kind {
		case "live":
			if recording != "" || seq != 0 {
				t.Fatalf("%q: a live path with recording %q, number %d", p, recording, seq)
			}
		case "key":
			last := p[strings.LastIndexByte(p, '/')+1:]
			n, err := strconv.ParseUint(last, 10, 64)
			if recording == "" || strings.Contains(recording, "/") || err != nil || n != seq ||
				!strings.HasSuffix(p, "/"+stream+"/"+recording+"/"+last) {
				t.Fatalf("%q: key of %q %q %d", p, stream, recording, seq)
			}
		default:
			t.Fatalf("%q: kind %q", p, kind)
		}
	})
}
