package hls

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
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
// It lists the store (a request per stream and one per recording not on
// disk) and fails if the store cannot be read: a node that cannot see its
// recordings should not start selling them.
func (a *Archive) UseStore(ctx context.Context, st Store, onUpload func(key string, delay time.Duration)) error {
	remote, err := listStored(ctx, st, a)
	if err != nil {
		return err
	}
	u := newUploader(st, a.log, onUpload, cmp.Or(a.uploadQueue, uploadQueue))
	a.mu.Lock()
	for _, r := range remote {
		a.recs[r.Stream] = append(a.recs[r.Stream], r)
		if last, ok := r.lastSeq(); ok {
			a.floor[r.Stream] = max(a.floor[r.Stream], last+1)
		}
	}
	var scan []*Recording
	for stream := range a.recs {
		slices.SortFunc(a.recs[stream], func(x, y *Recording) int { return x.summary.Started.Compare(y.summary.Started) })
		for _, r := range a.recs[stream] {
			r.mu.Lock()
			r.store = st
			local := !r.remote
			if local {
				r.stored = readMarker(r.dir) == st.String()
			}
			if local && !r.stored {
				scan = append(scan, r)
			}
			r.mu.Unlock()
		}
	}
	a.store, a.up = st, u
	a.mu.Unlock()
	for _, r := range scan {
		u.markDirty(r)
	}
	u.start()
	a.log.Info("archive: using the object store", "store", st.String(), "remote_recordings", len(remote), "to_check", len(scan))
	return nil
}

// Close stops uploading, after letting the queue drain for a few seconds.
// What is not uploaded by then stays on disk and goes up after the next
// start.
func (a *Archive) Close() {
	a.mu.Lock()
	u := a.up
	a.mu.Unlock()
	if u != nil {
		u.close()
	}
}

// UploadBacklog is how many files wait to be uploaded (recordings waiting
// for a rescan count one each), and -1 without a store.
func (a *Archive) UploadBacklog() int {
	a.mu.Lock()
	u := a.up
	a.mu.Unlock()
	if u == nil {
		return -1
	}
	return u.backlog()
}

// listStored finds the finished recordings in st that are not on disk:
// streams, then recordings, then each one's summary. The listing is
// bounded; past the bound the rest is left out, with a warning.
func listStored(ctx context.Context, st Store, a *Archive) ([]*Recording, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*storeTimeout)
	defer cancel()
	streams, err := st.List(ctx, "", true)
	if err != nil {
		return nil, fmt.Errorf("archive: listing %s: %w", st, err)
	}
	var out []*Recording
	for key := range streams {
		stream := strings.TrimSuffix(key, "/")
		if !ValidName(stream) {
			continue
		}
		ids, err := st.List(ctx, stream+"/", true)
		if err != nil {
			return nil, fmt.Errorf("archive: listing %s/%s: %w", st, stream, err)
		}
		for key := range ids {
			id := strings.TrimSuffix(strings.TrimPrefix(key, stream+"/"), "/")
			if !ValidName(id) || a.Recording(stream, id) != nil {
				continue
			}
			r, err := fetchSummary(ctx, st, a, stream, id)
			if errors.Is(err, fs.ErrNotExist) {
				continue // still being uploaded, or cut off: not whole
			}
			if err != nil {
				a.log.Warn("archive: skipping a stored recording", "stream", stream, "recording", id, "err", err)
				continue
			}
			out = append(out, r)
		}
	}
	return out, nil
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
	if r.summary.ID != id || len(r.summary.Renditions) == 0 {
		return nil, fmt.Errorf("summary: names recording %q with %d renditions", r.summary.ID, len(r.summary.Renditions))
	}
	for _, ri := range r.summary.Renditions {
		if !ValidName(ri.Name) {
			return nil, fmt.Errorf("summary: bad rendition name %q", ri.Name)
		}
	}
	return r, nil
}

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

// fetchJournals copies a stored recording's journals into its local
// directory, the cache they are read from, with its summary and the
// marker saying the store holds the rest: a later start then finds a
// whole recording on disk (with its segments in the store) instead of
// one cut off by a crash. Call with r.mu held.
func (r *Recording) fetchJournals() error {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	for _, ri := range r.summary.Renditions {
		key := objectKey{Stream: r.Stream, Recording: r.ID, Rendition: ri.Name, File: journalFile}.String()
		b, err := readObject(ctx, r.store, key, 64<<20)
		if err != nil {
			return fmt.Errorf("archive: fetching %s: %w", key, err)
		}
		if err := os.MkdirAll(filepath.Join(r.dir, ri.Name), 0o755); err != nil {
			return fmt.Errorf("archive: %w", err)
		}
		if err := writeFileAtomic(filepath.Join(r.dir, ri.Name, journalFile), b); err != nil {
			return fmt.Errorf("archive: caching %s: %w", key, err)
		}
	}
	if err := writeFileAtomic(filepath.Join(r.dir, storedMarker), []byte(r.store.String()+"\n")); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	return writeFileAtomic(filepath.Join(r.dir, summaryFile), r.summaryJSON())
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
