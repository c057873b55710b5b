package hls

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Store is an S3-compatible bucket (an objstore.Bucket) that keeps recordings beyond this node's disk. Its keys
// mirror the archive's layout, so a bucket reads like the directory:
//
//	{stream}/{recording}/recording.json
//	{stream}/{recording}/{rendition}/segments.log
//	{stream}/{recording}/{rendition}/{seq}.ts
//
// Segments go up as the archive wrote them: encrypted, byte for byte what
// the origin serves. Journals and the summary go up when the recording
// finishes, after every segment, so a recording whose recording.json is
// in the store is whole there; one without it is still being uploaded and
// is not listed.
type Store interface {
	// Put stores size bytes of r under key.
	Put(ctx context.Context, key string, r io.Reader, size int64) error
	// Get reads n bytes of key from off (to the end when n < 0); a
	// missing key is fs.ErrNotExist.
	Get(ctx context.Context, key string, off, n int64) (io.ReadCloser, error)
	// List returns the objects under prefix, key → size; with dirs, the
	// "folders" one level down instead (common prefixes, ending in "/").
	List(ctx context.Context, prefix string, dirs bool) (map[string]int64, error)
	// String names the store (endpoint/bucket), for logs and for the
	// marker that says a recording is all in it.
	String() string
}

// storedMarker is a file in a recording's local directory naming the
// store that holds all of it: written once its summary is uploaded (the
// last of its objects), read at start-up to skip it.
const storedMarker = "stored"

// startupListing bounds UseStore's listing of the store.
const startupListing = 30 * time.Second

// storeTimeout bounds one request to the store on a viewer's behalf
// (listing at start-up, fetching a journal).
const storeTimeout = 30 * time.Second

// objectKey is where a file of the archive lives in the store.
type objectKey struct {
	Stream, Recording string
	Rendition         string // "" for recording.json
	File              string // recording.json, segments.log or {seq}.ts
}

func (k objectKey) String() string {
	if k.Rendition == "" {
		return k.Stream + "/" + k.Recording + "/" + k.File
	}
	return k.Stream + "/" + k.Recording + "/" + k.Rendition + "/" + k.File
}

// segment reports whether the key names a segment, and its number.
func (k objectKey) segment() (uint64, bool) {
	if k.Rendition == "" {
		return 0, false
	}
	return parseSegmentName(k.File)
}

// parseObjectKey reads a key of the store's layout, refusing anything
// else: a key that a listing returns is joined onto a local path only
// after this.
func parseObjectKey(key string) (objectKey, error) {
	parts := strings.Split(key, "/")
	bad := func(why string) (objectKey, error) {
		return objectKey{}, fmt.Errorf("archive: store key %.80q: %s", key, why)
	}
	for _, p := range parts[:len(parts)-1] {
		if !ValidName(p) {
			return bad("a path element is not a valid name")
		}
	}
	switch len(parts) {
	case 3:
		if parts[2] != summaryFile {
			return bad("want " + summaryFile + " beside the renditions")
		}
		return objectKey{Stream: parts[0], Recording: parts[1], File: parts[2]}, nil
	case 4:
		k := objectKey{Stream: parts[0], Recording: parts[1], Rendition: parts[2], File: parts[3]}
		if _, ok := k.segment(); !ok && k.File != journalFile {
			return bad("want {seq}.ts or " + journalFile + " in a rendition")
		}
		return k, nil
	}
	return bad("want {stream}/{recording}/[{rendition}/]{file}")
}

// UseStore keeps the archive's recordings in st as well as on disk, from
// now until Close: recordings finished here are uploaded (those left
// over from earlier runs first), and recordings found only in the store
// are listed and served from it. onUpload, if set, hears of every object
// uploaded and how long after it was written locally.
//
// It lists the store's recordings (a request per stream, and a summary
// per recording not on disk, a few at a time) for up to startupListing,
// or until ctx ends. A listing cut short or failed is logged, not fatal:
// recordings are also looked up in the store when asked for, and a
// stream's listing refreshes on demand. (Whether the store can be reached
// at all is the caller's check to make.) It fails only if the archive
// has a store already.
func (a *Archive) UseStore(ctx context.Context, st Store, onUpload func(key string, delay time.Duration)) error {
	u := newUploader(storeSink{st}, a.log, onUpload, cmp.Or(a.uploadQueue, uploadQueue))
	a.mu.Lock()
	if a.store != nil {
		a.mu.Unlock()
		return fmt.Errorf("archive: already kept in %s", a.store)
	}
	var scan []*Recording
	for stream := range a.recs {
		for _, r := range a.recs[stream] {
			r.mu.Lock()
			marker := readMarker(r.dir)
			if !strings.HasPrefix(marker, ipfsStoreName) { // restored from IPFS: UseIPFS reads it there
				r.store = st
				r.stored = marker == st.String()
				if !r.stored {
					scan = append(scan, r)
				}
			}
			r.mu.Unlock()
		}
	}
	a.store, a.up, a.look = st, u, newLookups()
	a.mu.Unlock()
	u.start()
	for _, r := range scan {
		u.markDirty(r)
	}
	ctx, cancel := context.WithTimeout(ctx, startupListing)
	defer cancel()
	remote, err := a.listStore(ctx, st)
	if err != nil {
		a.log.Warn("archive: listing the object store cut short; recordings not listed yet are looked up when asked for", "store", st.String(), "listed", remote, "err", err)
	}
	a.log.Info("archive: using the object store", "store", st.String(), "remote_recordings", remote, "to_check", len(scan))
	return nil
}

// Close stops uploading, after letting the queue drain for a few seconds.
// What is not uploaded by then stays on disk and goes up after the next
// start.
func (a *Archive) Close() {
	if u := a.uploader(); u != nil {
		u.close()
	}
	if ia := a.ipfsSide(); ia != nil {
		ia.up.close()
	}
}

// UploadFailed is how many files the store refused for good since
// UseStore (each logged; they stay on disk and their recordings are
// tried again at the next start), and -1 without a store.
func (a *Archive) UploadFailed() int {
	u := a.uploader()
	if u == nil {
		return -1
	}
	return u.failures()
}

// uploader is the archive's, nil without a store.
func (a *Archive) uploader() *uploader {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.up
}

// UploadBacklog is how many files wait to be uploaded (recordings waiting
// for a rescan count one each), and -1 without a store.
func (a *Archive) UploadBacklog() int {
	u := a.uploader()
	if u == nil {
		return -1
	}
	return u.backlog()
}

// Bounds on asking the store for recordings this node does not know.
const (
	missFor       = 10 * time.Second // a recording the store lacked is not asked for again
	relistEvery   = 30 * time.Second // a stream's listing is not refreshed more often
	lookupTimeout = 10 * time.Second // one lookup or listing on a viewer's behalf
	maxLookups    = 4                // lookups (or summaries fetched) at once
	maxMissed     = 4096             // misses remembered
)

// lookups bounds how often a viewer's request for a recording this node
// does not know can make it ask the store: a miss is remembered for
// missFor, a recording is looked up by one request at a time (others
// wait for it), no more than maxLookups at once (past that, a miss), and
// a stream is listed at most every relistEvery.
type lookups struct {
	mu       sync.Mutex
	missed   map[string]time.Time // stream/id → when the store lacked it
	inflight map[string]chan struct{}
	listed   map[string]time.Time // stream → when its listing last began
	listing  map[string]bool
	slots    chan struct{}
}

func newLookups() *lookups {
	return &lookups{missed: map[string]time.Time{}, inflight: map[string]chan struct{}{},
		listed: map[string]time.Time{}, listing: map[string]bool{}, slots: make(chan struct{}, maxLookups)}
}

// begin starts a lookup of key: done ends it; or wait is closed when the
// one under way ends; or ok is false and the store is not to be asked.
func (l *lookups) begin(key string, missFor time.Duration) (done func(), wait <-chan struct{}, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if at, ok := l.missed[key]; ok && time.Since(at) < missFor {
		return nil, nil, false
	}
	if ch, ok := l.inflight[key]; ok {
		return nil, ch, true
	}
	select {
	case l.slots <- struct{}{}:
	default:
		return nil, nil, false
	}
	ch := make(chan struct{})
	l.inflight[key] = ch
	return func() {
		l.mu.Lock()
		delete(l.inflight, key)
		l.mu.Unlock()
		<-l.slots
		close(ch)
	}, nil, true
}

// missedRecently says whether the store lacked key within missFor.
func (l *lookups) missedRecently(key string, missFor time.Duration) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	at, ok := l.missed[key]
	return ok && time.Since(at) < missFor
}

// miss remembers that the store lacks key, forgetting expired misses
// (all of them, if none has expired) to stay within maxMissed.
func (l *lookups) miss(key string, missFor time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.missed) >= maxMissed {
		maps.DeleteFunc(l.missed, func(_ string, at time.Time) bool { return time.Since(at) >= missFor })
		if len(l.missed) >= maxMissed {
			clear(l.missed)
		}
	}
	l.missed[key] = time.Now()
}

// relistDue says whether to list stream now, and if so marks it listing.
func (l *lookups) relistDue(stream string, every time.Duration) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.listing[stream] || time.Since(l.listed[stream]) < every {
		return false
	}
	l.listing[stream], l.listed[stream] = true, time.Now()
	return true
}

func (l *lookups) relisted(stream string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.listing[stream] = false
}

// lookUp asks the store for a recording this node does not know (another
// node finished it after this one started), and adds it if found.
func (a *Archive) lookUp(stream, id string) *Recording {
	a.mu.Lock()
	st, lk := a.store, a.look
	a.mu.Unlock()
	if st == nil || !ValidName(stream) || !ValidName(id) {
		return nil
	}
	return a.lookUpOnce(lk, stream+"/"+id, a.missFor, stream, id, func(ctx context.Context) (*Recording, error) {
		r, err := fetchSummary(ctx, st, a, stream, id)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				a.log.Warn("archive: looking up a recording in the store", "stream", stream, "recording", id, "err", err)
			}
			return nil, err
		}
		return a.adopt(st, r), nil
	})
}

// lookUpOnce runs fetch for a recording this node does not know, one
// request at a time per key (others wait for its outcome), within
// lookupTimeout, remembering a failure for missFor; fetch returns the
// recording added, or nil when one of its name was known by then.
func (a *Archive) lookUpOnce(lk *lookups, key string, missFor time.Duration, stream, id string,
	fetch func(ctx context.Context) (*Recording, error)) *Recording {
	done, wait, ok := lk.begin(key, missFor)
	switch {
	case !ok:
		return nil
	case wait != nil:
		<-wait
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.find(stream, id)
	}
	defer done()
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	defer cancel()
	r, err := fetch(ctx)
	switch {
	case err != nil:
		lk.miss(key, missFor)
		return nil
	case r == nil: // known by now
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.find(stream, id)
	}
	return r
}

// adopt adds a recording found in the store, unless one of its name is
// known by now (then that one is returned).
func (a *Archive) adopt(st Store, r *Recording) *Recording {
	r.store = st // r is not shared yet
	a.mu.Lock()
	defer a.mu.Unlock()
	if have := a.find(r.Stream, r.ID); have != nil {
		return have
	}
	recs := append(a.recs[r.Stream], r)
	slices.SortStableFunc(recs, func(x, y *Recording) int { return x.summary.Started.Compare(y.summary.Started) })
	a.recs[r.Stream] = recs
	if r.summary.LastSeq != nil {
		a.floor[r.Stream] = max(a.floor[r.Stream], *r.summary.LastSeq+1)
	}
	return r
}

// relist lists stream's recordings in the store, when due, so a listing
// shows those other nodes finished.
func (a *Archive) relist(stream string) {
	a.mu.Lock()
	st, lk := a.store, a.look
	a.mu.Unlock()
	if st == nil || !lk.relistDue(stream, a.relistEvery) {
		return
	}
	defer lk.relisted(stream)
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	defer cancel()
	if _, err := a.listStream(ctx, st, stream); err != nil {
		a.log.Warn("archive: listing a stream's recordings in the store", "stream", stream, "err", err)
	}
}

// listStore lists every stream's recordings in the store, returning how
// many it added.
func (a *Archive) listStore(ctx context.Context, st Store) (int, error) {
	streams, err := st.List(ctx, "", true)
	if err != nil {
		return 0, fmt.Errorf("archive: listing %s: %w", st, err)
	}
	added := 0
	var errs []error
	for key := range streams {
		stream := strings.TrimSuffix(key, "/")
		if !ValidName(stream) || ctx.Err() != nil {
			continue
		}
		n, err := a.listStream(ctx, st, stream)
		added += n
		errs = append(errs, err)
	}
	return added, errors.Join(append(errs, ctx.Err())...)
}

// listStream adds the finished recordings of stream in the store that
// this node does not know, fetching their summaries maxLookups at a time.
// One without a summary is still being uploaded (or was cut off) and is
// left out.
func (a *Archive) listStream(ctx context.Context, st Store, stream string) (int, error) {
	ids, err := st.List(ctx, stream+"/", true)
	if err != nil {
		return 0, fmt.Errorf("archive: listing %s/%s: %w", st, stream, err)
	}
	a.mu.Lock()
	lk := a.look
	var todo []string
	for key := range ids {
		id := strings.TrimSuffix(strings.TrimPrefix(key, stream+"/"), "/")
		if ValidName(id) && a.find(stream, id) == nil && !lk.missedRecently(stream+"/"+id, a.missFor) {
			todo = append(todo, id)
		}
	}
	a.mu.Unlock()
	var (
		wg    sync.WaitGroup
		slots = make(chan struct{}, maxLookups)
		added atomic.Int32
	)
	for _, id := range todo {
		slots <- struct{}{}
		if ctx.Err() != nil {
			<-slots
			break // cut short: the rest are looked up when asked for
		}
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			r, err := fetchSummary(ctx, st, a, stream, id)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				lk.miss(stream+"/"+id, a.missFor)
			case err != nil && ctx.Err() == nil:
				a.log.Warn("archive: skipping a stored recording", "stream", stream, "recording", id, "err", err)
			case err == nil && a.adopt(st, r) == r:
				added.Add(1)
			}
		}()
	}
	wg.Wait()
	return int(added.Load()), nil
}

// fetchSummary reads a stored recording's summary into a Recording that
// reads the rest from the store when asked.
func fetchSummary(ctx context.Context, st Store, a *Archive, stream, id string) (*Recording, error) {
	b, err := readObject(ctx, st, objectKey{Stream: stream, Recording: id, File: summaryFile}.String(), 1<<20)
	if err != nil {
		return nil, err
	}
	r := &Recording{Stream: stream, ID: id, dir: filepath.Join(a.dir, stream, id), remote: true,
		log: a.log.With("stream", stream, "recording", id)}
	if err := json.Unmarshal(b, &r.summary); err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	if r.summary.ID != id || len(r.summary.Renditions) == 0 || len(r.summary.Renditions) > maxStoredRenditions {
		return nil, fmt.Errorf("summary: names recording %q with %d renditions", r.summary.ID, len(r.summary.Renditions))
	}
	seen := map[string]bool{}
	for _, ri := range r.summary.Renditions {
		if !ValidName(ri.Name) || seen[ri.Name] {
			return nil, fmt.Errorf("summary: bad or repeated rendition name %q", ri.Name)
		}
		seen[ri.Name] = true
	}
	// Segment numbers must go on after a stream's recordings: one read
	// from elsewhere (another node's, or a root anyone may have
	// published) may not push them to where they would wrap.
	if l := r.summary.LastSeq; l != nil && *l > maxStoredSeq {
		return nil, fmt.Errorf("summary: last segment %d is past %d", *l, uint64(maxStoredSeq))
	}
	return r, nil
}

// Bounds on a recording read from a store or a root: renditions, the
// highest segment number (2^53, what a player's JavaScript numbers hold
// exactly), and its journals' bytes in all.
const (
	maxStoredRenditions = 32
	maxStoredSeq        = 1 << 53
	maxStoredJournals   = 64 << 20
)

// readObject reads a small object whole, refusing one larger than limit.
func readObject(ctx context.Context, st Store, key string, limit int64) ([]byte, error) {
	body, err := st.Get(ctx, key, 0, -1)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	b, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", key, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", key, limit)
	}
	return b, nil
}

// fetchRetry is how long a failure to fetch a recording's journals is
// answered from memory before the store is asked again.
const fetchRetry = 5 * time.Second

// fetchOnce fetches the journals unless they are cached by now or the
// last attempt failed within fetchRetry; one caller at a time fetches,
// the others wait for its result.
func (r *Recording) fetchOnce() error {
	r.fetchMu.Lock()
	defer r.fetchMu.Unlock()
	if r.fetchErr != nil && time.Since(r.fetchFailed) < fetchRetry {
		return r.fetchErr
	}
	r.mu.Lock()
	st, sum, cached := r.store, r.summary, r.journalsCached()
	r.mu.Unlock()
	if cached {
		return nil
	}
	r.fetchErr = r.fetchJournals(st, sum)
	r.fetchFailed = time.Now()
	return r.fetchErr
}

// fetchJournals copies a stored recording's journals into its local
// directory, the cache they are read from, with its summary and the
// marker saying the store holds the rest: a later start then finds a
// whole recording on disk (with its segments in the store) instead of
// one cut off by a crash.
func (r *Recording) fetchJournals(st Store, sum summary) error {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	budget := int64(maxStoredJournals)
	for _, ri := range sum.Renditions {
		key := objectKey{Stream: r.Stream, Recording: r.ID, Rendition: ri.Name, File: journalFile}.String()
		b, err := readObject(ctx, st, key, budget)
		if err != nil {
			return fmt.Errorf("archive: fetching %s (its journals may hold %d bytes in all): %w", key, maxStoredJournals, err)
		}
		budget -= int64(len(b))
		if err := os.MkdirAll(filepath.Join(r.dir, ri.Name), 0o755); err != nil {
			return fmt.Errorf("archive: %w", err)
		}
		if err := writeFileAtomic(filepath.Join(r.dir, ri.Name, journalFile), b); err != nil {
			return fmt.Errorf("archive: caching %s: %w", key, err)
		}
	}
	if err := writeFileAtomic(filepath.Join(r.dir, storedMarker), []byte(st.String()+"\n")); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	return writeFileAtomic(filepath.Join(r.dir, summaryFile), sum.marshal())
}

// journalsCached says whether every rendition's journal is on disk.
func (r *Recording) journalsCached() bool {
	for _, ri := range r.summary.Renditions {
		if _, err := os.Stat(filepath.Join(r.dir, ri.Name, journalFile)); err != nil {
			return false
		}
	}
	return len(r.summary.Renditions) > 0
}

func readMarker(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, storedMarker))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// openSegment opens a listed segment: its file, or, when the file is gone
// and the recording is in the store, the object. The object's first
// bytes are requested here, so a segment that cannot be had fails before
// anyone is charged for it.
func (r *Recording) openSegment(ctx context.Context, path, rendition string, info SegmentInfo) (io.ReadSeekCloser, error) {
	f, err := os.Open(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return f, err
	}
	r.mu.Lock()
	st := r.store
	r.mu.Unlock()
	if st == nil || info.Size <= 0 {
		return nil, err
	}
	o := &objectReader{ctx: ctx, store: st, size: int64(info.Size),
		key: objectKey{Stream: r.Stream, Recording: r.ID, Rendition: rendition, File: SegmentName(info.Seq)}.String()}
	if err := o.open(); err != nil {
		return nil, err
	}
	return o, nil
}

// objectReader reads a stored object of known size as a file, for
// http.ServeContent: a read from elsewhere than where the body stands asks
// the store for the bytes from there on (a Range request). Seeking alone
// (ServeContent seeks to the end to learn the size) costs nothing.
type objectReader struct {
	ctx   context.Context
	store Store
	key   string
	size  int64
	off   int64
	body  io.ReadCloser
	at    int64 // where body stands
}

func (o *objectReader) open() error {
	b, err := o.store.Get(o.ctx, o.key, o.off, o.size-o.off)
	if err != nil {
		return err
	}
	o.body, o.at = b, o.off
	return nil
}

func (o *objectReader) Read(p []byte) (int, error) {
	if o.off >= o.size {
		return 0, io.EOF
	}
	if o.body != nil && o.at != o.off {
		_ = o.body.Close()
		o.body = nil
	}
	if o.body == nil {
		if err := o.open(); err != nil {
			return 0, err
		}
	}
	n, err := o.body.Read(p)
	o.off += int64(n)
	o.at = o.off
	if errors.Is(err, io.EOF) && o.off < o.size {
		err = fmt.Errorf("%s: %w after %d of %d bytes", o.key, io.ErrUnexpectedEOF, o.off, o.size)
	}
	return n, err
}

func (o *objectReader) Seek(offset int64, whence int) (int64, error) {
	var to int64
	switch whence {
	case io.SeekStart:
		to = offset
	case io.SeekCurrent:
		to = o.off + offset
	case io.SeekEnd:
		to = o.size + offset
	default:
		return o.off, errors.New("objectReader: bad whence")
	}
	if to < 0 {
		return o.off, errors.New("objectReader: seek before the start")
	}
	o.off = to // the body is dropped at the next Read if it stands elsewhere
	return to, nil
}

func (o *objectReader) Close() error {
	if o.body == nil {
		return nil
	}
	return o.body.Close()
}
