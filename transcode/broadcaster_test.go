package transcode_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/transcode"
)

// broadcaster is a test double of a go-livepeer broadcaster's HTTP push
// endpoint. A real broadcaster cannot run on these machines (go-livepeer
// needs cgo and its own FFmpeg fork; LIVEPEER.md), so this imitates one
// as LIVEPEER.md reads go-livepeer's source, in front of the local
// transcoder that does the work:
//
//   - profiles fixed when a manifest ID is first seen, later headers
//     ignored (server/mediaserver.go, the stream's session is created
//     once; the local transcoder behind it does the same);
//   - a segment without video answered with copies of the source under
//     every profile name (the local transcoder does the same);
//   - slow answers: it holds every answer for delay, as a broadcaster
//     does while its orchestrator's attempts, max(8 s, 4 × duration)
//     each, run (server/broadcast.go), counting the requests so a test
//     sees a client that re-sends;
//   - fail422: 422 once its (imitated) attempts have failed;
//   - fail500: 500, a condition that repeats (oversized body, bad
//     profile, too many sessions);
//   - drop: the connection dropped without an answer (a known crash);
//   - uris: parts as application/vnd+livepeer.uri (object storage), the
//     renditions kept in its own memory store under /stream/… and named
//     by relative URIs, one of them empty when emptyPart names it (a
//     rendition that failed to save), one of them gone (404) when
//     lostPart names it (its store keeps only the last 12 items).
type broadcaster struct {
	t         *testing.T
	local     http.Handler
	delay     time.Duration
	fail422   bool
	fail500   bool
	drop      atomic.Int32 // connections to drop before answering
	uris      bool
	emptyPart string
	lostPart  string // named by a URI its store no longer has (404)

	requests atomic.Int32
	mu       sync.Mutex
	stored   map[string][]byte // its memory store: /stream/{manifest}/{name}
}

func newBroadcaster(t *testing.T) (*broadcaster, *httptest.Server) {
	b := &broadcaster{t: t, local: (&transcode.Local{FFmpeg: testenv.Tool(t, "ffmpeg")}).Handler(), stored: map[string][]byte{}}
	srv := httptest.NewServer(b)
	t.Cleanup(srv.Close)
	return b, srv
}

func (b *broadcaster) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/stream/") {
		b.mu.Lock()
		data, ok := b.stored[r.URL.Path]
		b.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(data)
		return
	}
	b.requests.Add(1)
	if b.drop.Load() > 0 {
		b.drop.Add(-1)
		c, _, _ := w.(http.Hijacker).Hijack()
		c.Close()
		return
	}
	switch {
	case b.fail500:
		http.Error(w, "Too many sessions", http.StatusInternalServerError)
		return
	case b.fail422:
		time.Sleep(b.delay)
		http.Error(w, "transcode failed after 3 attempts", http.StatusUnprocessableEntity)
		return
	}
	rec := httptest.NewRecorder()
	b.local.ServeHTTP(rec, r)
	time.Sleep(b.delay)
	if rec.Code != http.StatusOK || !b.uris {
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	// Object storage: each rendition kept here, its part a URI.
	_, params, _ := mime.ParseMediaType(rec.Header().Get("Content-Type"))
	mr := multipart.NewReader(rec.Body, params["boundary"])
	mw := multipart.NewWriter(w)
	w.Header().Set("Content-Type", "multipart/mixed; boundary="+mw.Boundary())
	manifest := strings.Split(r.URL.Path, "/")[2]
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		data, _ := io.ReadAll(p)
		name := p.Header.Get("Rendition-Name")
		uri := ""
		if name != b.emptyPart {
			uri = "/stream/" + manifest + "/" + name + "/" + strings.TrimPrefix(r.URL.Path[strings.LastIndex(r.URL.Path, "/"):], "/")
			if name != b.lostPart {
				b.mu.Lock()
				b.stored[uri] = data
				b.mu.Unlock()
			}
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", "application/vnd+livepeer.uri")
		h.Set("Rendition-Name", name)
		pw, _ := mw.CreatePart(h)
		_, _ = pw.Write([]byte(uri))
	}
	_ = mw.Close()
}

// clientSuite is what the client must get right against any transcoder
// that speaks the protocol as a broadcaster does: renditions in profile
// order, a changed ladder honoured (a new manifest ID), a segment without
// video never published as renditions.
func clientSuite(t *testing.T, url string) {
	t.Helper()
	c := &transcode.Client{URL: url, Backoff: 10 * time.Millisecond}
	seg := clip(t, "1280x720", "30", "mpegts", "")
	ladder, _ := transcode.Ladder([]string{"P360p30fps16x9", "P240p30fps16x9"})
	req := transcode.Request{ManifestID: "suite", Segment: seg, Duration: 2 * time.Second, Width: 1280, Height: 720, Profiles: ladder}
	rends, err := c.Transcode(context.Background(), req)
	if err != nil || len(rends) != 2 || rends[0].Name != "P360p30fps16x9" || rends[1].Name != "P240p30fps16x9" {
		t.Fatalf("the ladder: %v %v", renditionNames(rends), err)
	}
	// The same stream asks for another ladder (its source changed): a
	// broadcaster would keep the first ladder for the manifest ID (and
	// answer 360p and 240p), so the client must send another.
	other, _ := transcode.Ladder([]string{"P144p30fps16x9"})
	req.Seq, req.Profiles = 1, other
	if rends, err := c.Transcode(context.Background(), req); err != nil || len(rends) != 1 || rends[0].Name != "P144p30fps16x9" {
		t.Errorf("a changed ladder: %v %v", renditionNames(rends), err)
	}
	audio := clip(t, "", "", "mpegts", "audio")
	req.Seq, req.Segment, req.Profiles = 2, audio, ladder
	if rends, err := c.Transcode(context.Background(), req); !errors.Is(err, transcode.ErrSourceCopies) || len(rends) != 0 {
		t.Errorf("a segment without video: %v %v, want no renditions and ErrSourceCopies", renditionNames(rends), err)
	}
}

func renditionNames(rs []transcode.Rendition) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s (%d bytes)", r.Name, len(r.Data)))
	}
	return out
}

// The client's suite against livegate's own transcoder, against the
// broadcaster double (renditions by relative URIs), and against a real
// broadcaster when LIVEPEER_BROADCASTER_URL names one.
func TestClientSuite(t *testing.T) {
	t.Run("livegate transcoder", func(t *testing.T) { clientSuite(t, local(t).URL) })
	t.Run("broadcaster double", func(t *testing.T) {
		b, srv := newBroadcaster(t)
		b.uris = true
		clientSuite(t, srv.URL)
	})
	if u := testenvBroadcaster(); u != "" {
		t.Run("real broadcaster", func(t *testing.T) { clientSuite(t, u) })
	}
}

// The broadcaster double's behaviours a client must survive, each with
// the client's answer to it.
func TestClientSurvivesABroadcaster(t *testing.T) {
	seg := clip(t, "1280x720", "30", "mpegts", "")
	ladder, _ := transcode.Ladder([]string{"P360p30fps16x9", "P240p30fps16x9"})
	req := func(id string) transcode.Request {
		return transcode.Request{ManifestID: id, Segment: seg, Duration: 2 * time.Second, Width: 1280, Height: 720, Profiles: ladder}
	}
	client := func(url string) *transcode.Client { return &transcode.Client{URL: url, Backoff: 10 * time.Millisecond} }

	t.Run("an answer slower than one attempt is waited for, never re-sent", func(t *testing.T) {
		t.Parallel()
		b, srv := newBroadcaster(t)
		b.delay = 11 * time.Second // past one 8 s attempt and the 10 s the client used to give
		rends, err := client(srv.URL).Transcode(context.Background(), req("slow"))
		if err != nil || len(rends) != 2 || b.requests.Load() != 1 {
			t.Errorf("%v %v after %d requests", renditionNames(rends), err, b.requests.Load())
		}
	})
	t.Run("422 is final", func(t *testing.T) {
		t.Parallel()
		b, srv := newBroadcaster(t)
		b.fail422 = true
		if _, err := client(srv.URL).Transcode(context.Background(), req("fail")); !errors.Is(err, transcode.ErrRefused) || b.requests.Load() != 1 {
			t.Errorf("%v after %d requests", err, b.requests.Load())
		}
	})
	t.Run("500 is retried once", func(t *testing.T) {
		t.Parallel()
		b, srv := newBroadcaster(t)
		b.fail500 = true
		if _, err := client(srv.URL).Transcode(context.Background(), req("repeat")); !errors.Is(err, transcode.ErrUnavailable) || b.requests.Load() != 2 {
			t.Errorf("%v after %d requests", err, b.requests.Load())
		}
	})
	t.Run("a dropped connection is retried", func(t *testing.T) {
		t.Parallel()
		b, srv := newBroadcaster(t)
		b.drop.Store(1)
		rends, err := client(srv.URL).Transcode(context.Background(), req("dropped"))
		if err != nil || len(rends) != 2 || b.requests.Load() != 2 {
			t.Errorf("%v %v after %d requests", renditionNames(rends), err, b.requests.Load())
		}
	})
	t.Run("a URI part the store lost is left out, the others kept, nothing re-sent", func(t *testing.T) {
		t.Parallel()
		b, srv := newBroadcaster(t)
		b.uris, b.lostPart = true, "P360p30fps16x9"
		rends, err := client(srv.URL).Transcode(context.Background(), req("lost"))
		if err != nil || len(rends) != 1 || rends[0].Name != "P240p30fps16x9" || b.requests.Load() != 1 {
			t.Errorf("%v %v after %d requests", renditionNames(rends), err, b.requests.Load())
		}
	})
	t.Run("an empty URI part is left out, the others kept", func(t *testing.T) {
		t.Parallel()
		b, srv := newBroadcaster(t)
		b.uris, b.emptyPart = true, "P360p30fps16x9"
		rends, err := client(srv.URL).Transcode(context.Background(), req("empty"))
		if err != nil || len(rends) != 1 || rends[0].Name != "P240p30fps16x9" || bytes.Equal(rends[0].Data, seg) {
			t.Errorf("%v %v", renditionNames(rends), err)
		}
	})
}

// testenvBroadcaster is a real go-livepeer broadcaster's URL, opt-in.
func testenvBroadcaster() string { return strings.TrimSpace(os.Getenv("LIVEPEER_BROADCASTER_URL")) }

// BenchmarkConcurrentStreams: several 720p30 streams transcoded at once by
// the local transcoder on this machine, each sending a 2 s segment every
// 2 s (real time) with the default ladder (360p and 240p), as livegate's
// streams do. Reported per stream count: p50, p95 and the worst of how
// long after a segment was due (its source already live) its renditions
// were back, the delay viewers of a rendition see beyond the source's.
// Each stream sends one segment at a time, as livegate's transcode worker
// does.
//
//	go test ./transcode -run '^$' -bench ConcurrentStreams -benchtime 1x
func BenchmarkConcurrentStreams(b *testing.B) {
	segs := sourceSegments(b)
	ladder, _ := transcode.Ladder(transcode.DefaultLadder)
	profiles := transcode.Fit(ladder, 1280, 720, 30)
	const perStream = 10
	for _, streams := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("streams=%d", streams), func(b *testing.B) {
			srv := httptest.NewServer((&transcode.Local{FFmpeg: testenv.Tool(b, "ffmpeg")}).Handler())
			defer srv.Close()
			c := &transcode.Client{URL: srv.URL}
			var mu sync.Mutex
			var delays []time.Duration
			for b.Loop() {
				var wg sync.WaitGroup
				for s := range streams {
					wg.Add(1)
					go func() {
						defer wg.Done()
						// One segment at a time, as a livegate stream's
						// transcode worker sends them: a segment due while
						// the one before is still out waits, and its delay
						// counts from when it was due.
						start := time.Now()
						for i := range perStream {
							due := start.Add(time.Duration(i) * 2 * time.Second)
							time.Sleep(time.Until(due))
							_, err := c.Transcode(context.Background(), transcode.Request{ManifestID: fmt.Sprintf("s%d", s), Seq: uint64(i),
								Segment: segs[i%len(segs)], Duration: 2 * time.Second, Width: 1280, Height: 720, Profiles: profiles})
							if err != nil {
								b.Error(err)
								return
							}
							mu.Lock()
							delays = append(delays, time.Since(due))
							mu.Unlock()
						}
					}()
				}
				wg.Wait()
			}
			slices.Sort(delays)
			at := func(q float64) float64 { return delays[int(q*float64(len(delays)-1))].Seconds() * 1000 }
			b.ReportMetric(at(0.5), "p50-ms")
			b.ReportMetric(at(0.95), "p95-ms")
			b.ReportMetric(at(1), "max-ms")
		})
	}
}
