package hls

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/tests3"
	"github.com/livegate/livegate/objstore"
)

// bucketOf opens the test server's bucket as the archive's store.
func bucketOf(t testing.TB, s *tests3.Server) *objstore.Bucket {
	t.Helper()
	b, err := objstore.Open(objstore.Config{Endpoint: s.Endpoint(), Bucket: tests3.Bucket})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// segData is segment seq of a rendition: bytes no other segment has.
func segData(rendition string, seq uint64) []byte {
	return bytes.Repeat([]byte(fmt.Sprintf("%s-%d|", rendition, seq)), 500+int(seq))
}

var storeStart = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)

// record appends segments from..to-1 to each rendition of rec.
func record(rec *Recording, from, to uint64, renditions ...string) {
	for seq := from; seq < to; seq++ {
		for _, r := range renditions {
			rec.Append(r, &Segment{Seq: seq, Start: time.Duration(seq) * 2 * time.Second, Duration: 2 * time.Second,
				Data: segData(r, seq), Time: storeStart.Add(time.Duration(seq) * 2 * time.Second)})
		}
	}
}

// openStored opens the archive in dir with st as its store (after tune,
// if given, has set it up), closed when the test ends.
func openStored(t *testing.T, dir string, st Store, tune ...func(*Archive)) *Archive {
	t.Helper()
	a, err := OpenArchive(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range tune {
		f(a)
	}
	if err := a.UseStore(context.Background(), st, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// stored waits until the archive has uploaded everything and says rec is
// whole in the store.
func stored(t *testing.T, a *Archive, rec *Recording) {
	t.Helper()
	testenv.Eventually(t, "recording "+rec.ID+" uploaded", func() bool {
		return a.UploadBacklog() == 0 && readMarker(rec.dir) != ""
	})
}

// sameInStore checks that every file of the recording on disk is in the
// store byte for byte, and returns how many segments it compared.
func sameInStore(t *testing.T, s *tests3.Server, dir, stream, id string) int {
	t.Helper()
	segs, journals, finished, err := localFiles(filepath.Join(dir, stream, id))
	if err != nil || !finished {
		t.Fatalf("local files: finished %v, %v", finished, err)
	}
	for _, rel := range append(append(segs, journals...), summaryFile) {
		local, err := os.ReadFile(filepath.Join(dir, stream, id, rel))
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Object(stream + "/" + id + "/" + rel); !bytes.Equal(got, local) {
			t.Errorf("%s: %d bytes in the store, %d on disk", rel, len(got), len(local))
		}
	}
	return len(segs)
}

// A finished recording goes to the store whole (segments, journals,
// summary, byte for byte), and once the archive directory is gone a new
// archive lists it from the store and the origin serves its playlists
// and segments (ranges too) from there, never repeating its numbers.
func TestArchiveServesARecordingFromTheStoreOnceItsDiskIsGone(t *testing.T) {
	s := tests3.Start(t)
	b := bucketOf(t, s)
	dir := t.TempDir()
	a, err := OpenArchive(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	uploads := make(chan string, 64)
	if err := a.UseStore(context.Background(), b, func(key string, _ time.Duration) { uploads <- key }); err != nil {
		t.Fatal(err)
	}
	low := RenditionInfo{Name: "P240p30fps16x9", Codecs: "avc1.4d401e", Width: 426, Height: 240}
	rec, err := a.Create("demo", storeStart, RenditionInfo{Name: SourceRendition, Codecs: "avc1.64001e", Width: 640, Height: 360})
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.AddRendition(low); err != nil {
		t.Fatal(err)
	}
	record(rec, 0, 3, SourceRendition, low.Name)
	if err := rec.Finish(storeStart.Add(6 * time.Second)); err != nil {
		t.Fatal(err)
	}
	stored(t, a, rec)
	if n := sameInStore(t, s, dir, "demo", rec.ID); n != 6 {
		t.Errorf("%d segments compared, want 6", n)
	}
	// Still running: a segment file lost from disk is read from the store.
	path, info, ok := rec.segmentPath(SourceRendition, 0)
	if !ok || os.Remove(path) != nil {
		t.Fatalf("segment 0 at %q: listed %v", path, ok)
	}
	f, err := rec.openSegment(context.Background(), path, SourceRendition, info)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(f); err != nil || !bytes.Equal(got, segData(SourceRendition, 0)) {
		t.Errorf("segment 0 from the store while running: %d bytes, %v", len(got), err)
	}
	f.Close()
	a.Close()
	// The summary went up last: the store calls a recording whole by it.
	var order []string
	for len(uploads) > 0 {
		order = append(order, <-uploads)
	}
	if len(order) != 9 || order[len(order)-1] != "demo/"+rec.ID+"/"+summaryFile {
		t.Errorf("uploads in order: %v", order)
	}

	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	a2 := openStored(t, dir, b)
	if got := a2.Recording("demo", rec.ID); got == nil || got.Summary().Segments != 3 {
		t.Fatalf("the stored recording, listed again: %+v", got)
	}
	if n := a2.NextSeq("demo"); n != 3 {
		t.Errorf("next segment number %d after a recording of 0..2 found in the store, want 3", n)
	}
	st := NewStream("demo", a2, Options{Window: 3, ReconnectGrace: -1}, quiet)
	defer st.Close()
	mux := http.NewServeMux()
	(&Origin{Streams: map[string]*Stream{"demo": st}, Archive: a2, Logger: quiet}).Register(mux)
	web := httptest.NewServer(mux)
	defer web.Close()
	get := func(path string, hdr ...string) (int, []byte) {
		resp, body := testenv.Get(t, http.MethodGet, web.URL+path, hdr...)
		return resp.StatusCode, body
	}
	base := "/vod/demo/" + rec.ID
	if code, body := get(base + "/index.m3u8"); code != 200 || !strings.Contains(string(body), low.Name+"/index.m3u8") {
		t.Fatalf("master playlist from the store: %d %s", code, body)
	}
	for _, r := range []string{SourceRendition, low.Name} {
		code, body := get(base + "/" + r + "/index.m3u8")
		if code != 200 || strings.Count(string(body), ".ts") != 3 || !strings.Contains(string(body), "#EXT-X-ENDLIST") {
			t.Fatalf("%s playlist from the store: %d %s", r, code, body)
		}
		for seq := range uint64(3) {
			if code, body := get(fmt.Sprintf("%s/%s/%d.ts", base, r, seq)); code != 200 || !bytes.Equal(body, segData(r, seq)) {
				t.Errorf("%s segment %d from the store: %d, %d bytes", r, seq, code, len(body))
			}
		}
	}
	if code, body := get(base+"/source/1.ts", "Range", "bytes=10-99"); code != http.StatusPartialContent || !bytes.Equal(body, segData(SourceRendition, 1)[10:100]) {
		t.Errorf("a range of a stored segment: %d %q", code, body)
	}
	if code, _ := get(base + "/source/3.ts"); code != 404 {
		t.Errorf("a segment the journal does not list: %d", code)
	}
	// The disk holds the journals (a cache), not the segments.
	if _, err := os.Stat(filepath.Join(dir, "demo", rec.ID, SourceRendition, "0.ts")); !os.IsNotExist(err) {
		t.Errorf("a segment was copied to disk: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "demo", rec.ID, low.Name, journalFile)); err != nil {
		t.Errorf("journal not cached: %v", err)
	}
	// A restart finds the cached recording whole, not cut off by a crash.
	a3 := openStored(t, dir, b)
	if got := a3.Recording("demo", rec.ID); got == nil || got.Summary().Segments != 3 {
		t.Fatalf("after a restart on the cache: %+v", got)
	}
	if _, info, ok := a3.Recording("demo", rec.ID).segmentPath(SourceRendition, 2); !ok || info.Duration != 2 {
		t.Errorf("segment 2's duration, read from the cached journal: %v %v", info.Duration, ok)
	}
}

// The store dies mid-recording: appends never wait for it, the queue
// overflows (two names here) into a rescan, and once the store is back
// every segment arrives, the summary last.
func TestUploadsWaitOutAStoreOutage(t *testing.T) {
	s := tests3.Start(t)
	b := bucketOf(t, s)
	dir := t.TempDir()
	a, err := OpenArchive(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	a.uploadQueue = 2
	if err := a.UseStore(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	rec, err := a.Create("demo", storeStart, RenditionInfo{Name: SourceRendition, Codecs: "avc1.64001e"})
	if err != nil {
		t.Fatal(err)
	}
	record(rec, 0, 1, SourceRendition)
	testenv.Eventually(t, "the first segment uploaded", func() bool { return s.Object("demo/"+rec.ID+"/source/0.ts") != nil })
	s.Stop()
	record(rec, 1, 12, SourceRendition)
	testenv.Eventually(t, "segments written while the store is down", func() bool { return rec.Summary().Segments == 12 })
	if err := rec.Finish(storeStart.Add(24 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if n := a.UploadBacklog(); n < 2 {
		t.Errorf("upload backlog %d with the store down, want the queue full and a rescan due", n)
	}
	if inStore := readMarker(rec.dir); inStore != "" {
		t.Fatalf("marked stored while the store was down: %s", inStore)
	}
	s.Restart()
	stored(t, a, rec)
	if n := sameInStore(t, s, dir, "demo", rec.ID); n != 12 {
		t.Errorf("%d segments in the store, want 12", n)
	}
}

// Uploads cut off by a stop resume at the next start: the recording has
// no marker, so the new archive compares it with the store and uploads
// what is missing.
func TestUploadsResumeAfterARestart(t *testing.T) {
	s := tests3.Start(t)
	b := bucketOf(t, s)
	dir := t.TempDir()
	a := openStored(t, dir, b)
	rec, err := a.Create("demo", storeStart, RenditionInfo{Name: SourceRendition, Codecs: "avc1.64001e"})
	if err != nil {
		t.Fatal(err)
	}
	s.Stop()
	record(rec, 0, 4, SourceRendition)
	if err := rec.Finish(storeStart.Add(8 * time.Second)); err != nil {
		t.Fatal(err)
	}
	a.Close() // uploads abandoned
	s.Restart()
	if got := s.Object("demo/" + rec.ID + "/" + summaryFile); got != nil {
		t.Fatal("the summary went up before the restart")
	}
	a2 := openStored(t, dir, b)
	rec2 := a2.Recording("demo", rec.ID)
	stored(t, a2, rec2)
	if n := sameInStore(t, s, dir, "demo", rec.ID); n != 4 {
		t.Errorf("%d segments in the store, want 4", n)
	}
}

// countingStore is the real bucket, counting the reads of each key (and
// holding those of keys ending in hold until hold is closed), so a test
// sees how many requests a viewer's request cost the store.
type countingStore struct {
	Store
	mu     sync.Mutex
	gets   map[string]int
	suffix string
	hold   chan struct{}
	held   atomic.Int32
}

func counting(st Store) *countingStore { return &countingStore{Store: st, gets: map[string]int{}} }

func (c *countingStore) Get(ctx context.Context, key string, off, n int64) (io.ReadCloser, error) {
	c.mu.Lock()
	c.gets[key]++
	hold := c.hold
	c.mu.Unlock()
	if hold != nil && strings.HasSuffix(key, c.suffix) {
		c.held.Add(1)
		select {
		case <-hold:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return c.Store.Get(ctx, key, off, n)
}

func (c *countingStore) count(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gets[key]
}

// storedOnly records segments 0..2 of demo's source (encrypted, as a
// priced stream's) into an archive on b, uploads them and removes the
// archive's disk: what is left of the recording (returned) is in the
// store alone.
func storedOnly(t *testing.T, b *objstore.Bucket) *Recording {
	t.Helper()
	return recordStored(t, openStored(t, t.TempDir(), b), storeStart, true)
}

// recordStored records segments 0..2 of demo's source into a, starting
// at start, and waits until the store has all of it; with gone, the
// archive is closed and its disk removed.
func recordStored(t *testing.T, a *Archive, start time.Time, gone bool) *Recording {
	t.Helper()
	rec, err := a.Create("demo", start, RenditionInfo{Name: SourceRendition, Codecs: "avc1.64001e", Key: keyMethod})
	if err != nil {
		t.Fatal(err)
	}
	record(rec, 0, 3, SourceRendition)
	if err := rec.Finish(storeStart.Add(6 * time.Second)); err != nil {
		t.Fatal(err)
	}
	stored(t, a, rec)
	if gone {
		a.Close()
		if err := os.RemoveAll(a.dir); err != nil {
			t.Fatal(err)
		}
	}
	return rec
}

// serveVOD serves demo's recordings in a from a test web server.
func serveVOD(t *testing.T, a *Archive) func(path string, hdr ...string) (int, []byte) {
	t.Helper()
	return serveVODWith(t, a, nil)
}

// A request for many ranges of a stored segment costs the store one or
// two reads, not one per range: such requests are public (encrypted
// segments are), and each range used to be a GET of its own.
func TestManyRangesOfAStoredSegmentReadItOnce(t *testing.T) {
	s := tests3.Start(t)
	b := bucketOf(t, s)
	rec := storedOnly(t, b)
	c := counting(b)
	a := openStored(t, t.TempDir(), c)
	get := serveVOD(t, a)
	var ranges []string
	for i := range 200 {
		ranges = append(ranges, fmt.Sprintf("%d-%d", 2*i, 2*i))
	}
	code, body := get("/vod/demo/"+rec.ID+"/source/1.ts", "Range", "bytes="+strings.Join(ranges, ","))
	if code != http.StatusOK || !bytes.Equal(body, segData(SourceRendition, 1)) {
		t.Errorf("200 ranges of a stored segment: %d, %d bytes; want the whole segment", code, len(body))
	}
	if n := c.count("demo/" + rec.ID + "/source/1.ts"); n < 1 || n > 2 {
		t.Errorf("200 ranges of a stored segment cost %d reads of the store, want 1 or 2", n)
	}
	// One range is still served as one.
	if code, body := get("/vod/demo/"+rec.ID+"/source/2.ts", "Range", "bytes=5-9"); code != http.StatusPartialContent || !bytes.Equal(body, segData(SourceRendition, 2)[5:10]) {
		t.Errorf("one range of a stored segment: %d %q", code, body)
	}
}

// Two nodes share a bucket: a recording one finishes after the other
// started is served by the other too (playlist, segments, a segment's
// duration for pricing its key), found in the store when first asked
// for; a recording the store lacks is asked for once while the miss is
// remembered; and the stream's listing shows what the other node added.
func TestARecordingAnotherNodeStoredIsServed(t *testing.T) {
	s := tests3.Start(t)
	b := bucketOf(t, s)
	c := counting(b)
	other := openStored(t, t.TempDir(), c, func(a *Archive) { a.relistEvery = 0 })
	a := openStored(t, t.TempDir(), b)
	rec := recordStored(t, a, storeStart, false)
	get := serveVOD(t, other)
	base := "/vod/demo/" + rec.ID
	if code, body := get(base + "/source/index.m3u8"); code != 200 || strings.Count(string(body), ".ts") != 3 {
		t.Fatalf("playlist of a recording the other node stored: %d %s", code, body)
	}
	if code, body := get(base + "/source/1.ts"); code != 200 || !bytes.Equal(body, segData(SourceRendition, 1)) {
		t.Errorf("segment of a recording the other node stored: %d, %d bytes", code, len(body))
	}
	st := NewStream("demo", other, Options{Window: 3, ReconnectGrace: -1}, quiet)
	defer st.Close()
	o := &Origin{Streams: map[string]*Stream{"demo": st}, Archive: other, Logger: quiet}
	if d, _, ok := o.segmentDuration(st, rec.ID, 2); !ok || d != 2*time.Second {
		t.Errorf("duration of segment 2 to price its key: %v, %v", d, ok)
	}
	if n := other.NextSeq("demo"); n != 3 {
		t.Errorf("next segment number %d after the other node's 0..2, want 3", n)
	}
	// A miss is remembered.
	for range 3 {
		if code, _ := get("/vod/demo/20261202T090000Z-9/index.m3u8"); code != 404 {
			t.Errorf("a recording in no store: %d", code)
		}
	}
	if n := c.count("demo/20261202T090000Z-9/" + summaryFile); n != 1 {
		t.Errorf("the store asked %d times for a recording it lacks, want once", n)
	}
	// The listing shows a recording the other node finished since.
	later := recordStored(t, a, storeStart.Add(time.Hour), false)
	if code, body := get("/vod/demo/"); code != 200 || !strings.Contains(string(body), later.ID) || !strings.Contains(string(body), rec.ID) {
		t.Errorf("listing after the other node stored %s: %d %s", later.ID, code, body)
	}
}

// Fetching a stored recording's journals never holds up what needs only
// its summary: while the store takes its time, NextSeq (which the
// cluster's heartbeat calls every second) and the listing answer. A
// failed fetch is remembered for a while instead of repeated by every
// request.
func TestJournalFetchesDoNotHoldUpTheArchive(t *testing.T) {
	s := tests3.Start(t)
	b := bucketOf(t, s)
	gone := openStored(t, t.TempDir(), b)
	rec := recordStored(t, gone, storeStart, false)
	rec2 := recordStored(t, gone, storeStart.Add(time.Hour), true)
	c := counting(b)
	a := openStored(t, t.TempDir(), c)
	hold := make(chan struct{})
	c.mu.Lock()
	c.suffix, c.hold = journalFile, hold
	c.mu.Unlock()
	viewed := make(chan error, 1)
	go func() {
		_, _, _, _, err := a.Recording("demo", rec.ID).view()
		viewed <- err
	}()
	testenv.Eventually(t, "the journal fetch under way", func() bool { return c.held.Load() > 0 })
	answered := make(chan uint64, 1)
	go func() {
		_ = a.Recording("demo", rec.ID).Summary()
		answered <- a.NextSeq("demo")
	}()
	select {
	case n := <-answered:
		if n != 3 {
			t.Errorf("next segment number %d during a journal fetch, want 3", n)
		}
	case <-time.After(20 * time.Second):
		t.Error("NextSeq and Summary waited for a journal fetch from the store")
	}
	close(hold)
	if err := <-viewed; err != nil {
		t.Fatalf("journals fetched once the store answered: %v", err)
	}
	// The store is down: the first request fails, the next few get the
	// same answer without asking again.
	s.Stop()
	r2 := a.Recording("demo", rec2.ID)
	for i := range 3 {
		if _, _, _, _, err := r2.view(); err == nil {
			t.Fatalf("request %d: journals read with the store down", i)
		}
	}
	if n := c.count("demo/" + rec2.ID + "/source/" + journalFile); n != 1 {
		t.Errorf("the journal asked for %d times while the store was down, want once", n)
	}
}

// refusingStore puts keys ending in refuse into another bucket (one that
// does not exist, so the store refuses them for good), the rest into its
// own.
type refusingStore struct {
	Store
	refuse string
	to     Store
}

func (r refusingStore) Put(ctx context.Context, key string, body io.Reader, size int64) error {
	if strings.HasSuffix(key, r.refuse) {
		return r.to.Put(ctx, key, body, size)
	}
	return r.Store.Put(ctx, key, body, size)
}

// A file the store refuses for good (here: no such bucket) is given up
// and counted, not retried forever by the one upload goroutine: the
// uploads after it go on. Its recording is not called whole in the
// store (no summary there, no marker), so the next start tries it again.
func TestAFileTheStoreRefusesDoesNotStallUploads(t *testing.T) {
	s := tests3.Start(t)
	b := bucketOf(t, s)
	missing, err := objstore.Open(objstore.Config{Endpoint: s.Endpoint(), Bucket: "no-such-bucket"})
	if err != nil {
		t.Fatal(err)
	}
	a := openStored(t, t.TempDir(), refusingStore{Store: b, refuse: "/source/1.ts", to: missing})
	if n := a.UploadFailed(); n != 0 {
		t.Errorf("%d uploads failed before any was tried", n)
	}
	rec, err := a.Create("demo", storeStart, RenditionInfo{Name: SourceRendition, Codecs: "avc1.64001e"})
	if err != nil {
		t.Fatal(err)
	}
	record(rec, 0, 3, SourceRendition)
	if err := rec.Finish(storeStart.Add(6 * time.Second)); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "the uploads after a refused one done", func() bool { return a.UploadBacklog() == 0 })
	if n := a.UploadFailed(); n != 1 {
		t.Errorf("%d uploads counted as failed, want 1", n)
	}
	prefix := "demo/" + rec.ID + "/"
	if s.Object(prefix+"source/0.ts") == nil || s.Object(prefix+"source/2.ts") == nil || s.Object(prefix+"source/"+journalFile) == nil {
		t.Error("the files around the refused one are not in the store")
	}
	if s.Object(prefix+"source/1.ts") != nil || s.Object(prefix+summaryFile) != nil || readMarker(rec.dir) != "" {
		t.Error("a recording missing a segment in the store is called whole there")
	}
}

// A start-up listing of the store cut short (here: its context ends
// while a summary is being read) is no reason not to start: the archive
// uses the store all the same, and the recording it did not list is
// found when asked for.
func TestASlowStartUpListingDoesNotStopTheArchive(t *testing.T) {
	s := tests3.Start(t)
	b := bucketOf(t, s)
	rec := storedOnly(t, b)
	c := counting(b)
	hold := make(chan struct{})
	c.suffix, c.hold = summaryFile, hold
	a, err := OpenArchive(t.TempDir(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for i := 0; i < 3000 && c.held.Load() == 0; i++ {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	if err := a.UseStore(ctx, c, nil); err != nil {
		t.Fatalf("start-up refused over a slow listing: %v", err)
	}
	if c.held.Load() == 0 {
		t.Fatal("the start-up listing never asked for the summary")
	}
	cancel()
	close(hold)
	if n := a.UploadBacklog(); n < 0 {
		t.Error("the archive does not use the store")
	}
	if got := a.Recording("demo", rec.ID); got == nil || got.Summary().Segments != 3 {
		t.Errorf("the recording the listing missed, asked for: %+v", got)
	}
}

// parseObjectKey accepts exactly the keys objectKey writes, and every
// name in what it accepts is one the archive may join onto a path.
func FuzzObjectKey(f *testing.F) {
	for _, s := range []string{"demo/20261202T090000Z/source/12.ts", "demo/20261202T090000Z/recording.json",
		"demo/r/P240p30fps16x9/segments.log", "demo/r/source/012.ts", "demo/../source/1.ts", "a/b", "a/b/c/d/e",
		"demo/r/source/", "/demo/r/recording.json", "demo/r/recording.json/", "demo/r/source/1.ts.tmp"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		k, err := parseObjectKey(key)
		if err != nil {
			if !strings.Contains(err.Error(), "store key") {
				t.Fatalf("error without context: %v", err)
			}
			return
		}
		if k.String() != key {
			t.Fatalf("%q parsed to %+v, which writes %q", key, k, k.String())
		}
		if !ValidName(k.Stream) || !ValidName(k.Recording) || (k.Rendition != "" && !ValidName(k.Rendition)) {
			t.Fatalf("%q: a name outside the alphabet: %+v", key, k)
		}
		seq, isSeg := k.segment()
		switch {
		case k.Rendition == "" && k.File != summaryFile,
			k.Rendition != "" && !isSeg && k.File != journalFile,
			isSeg && k.File != SegmentName(seq):
			t.Fatalf("%q: file %q in the wrong place", key, k.File)
		}
		if strings.Contains(filepath.Join("/archive", filepath.FromSlash(key)), "..") {
			t.Fatalf("%q escapes the archive", key)
		}
	})
}
