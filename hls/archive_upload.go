package hls

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// uploader copies finished files of the archive into the store, off the
// live path: the recording's writer hands it a file's name and goes on.
//
// The local disk is the record of what is still to go up. A file is named
// to the uploader once, when it is written; the uploader keeps the names
// in a bounded queue and uploads them in order, one at a time, retrying
// with backoff while the store is down, so a recording's summary (queued
// last) reaches the store after all of its segments. When the queue is
// full (a long outage) the recording is marked dirty instead and its later
// files are not queued; once the queue drains, a dirty recording is
// rescanned: its objects in the store are listed and compared with its
// files on disk, and what is missing goes up, segments first, summary
// last. Memory stays bounded by the queue and the number of recordings.
//
// Across restarts: a recording whose summary went up gets a marker file
// (storedMarker) naming the store. At start-up every local recording
// without that marker is rescanned the same way, which finishes uploads
// a stop or a crash interrupted. Uploads are idempotent (a PUT replaces),
// so an interruption between an upload and its record costs a repeat,
// never a loss.
type uploader struct {
	sink     sink
	log      *slog.Logger
	onUpload func(key string, delay time.Duration)

	queue chan upload
	wake  chan struct{}

	mu       sync.Mutex
	pending  int          // files queued or being uploaded
	busy     int          // a rescan under way
	dirty    []*Recording // rescans due, oldest first
	isDirty  map[*Recording]bool
	warnFull bool
	failed   int                 // files the store refused for good
	broken   map[*Recording]bool // recordings with such a file: not marked whole

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

// upload is one file to copy.
type upload struct {
	rec *Recording
	rel string    // path under the recording's directory, "/"-separated
	at  time.Time // when the file was ready (a segment: when it closed)
}

// uploadQueue bounds the names held in memory: at ~100 bytes each, a few
// hundred kilobytes, minutes of every rendition of many streams.
const uploadQueue = 4096

// Backoff while the store fails: from first to most, doubling.
const (
	backoffFirst = 100 * time.Millisecond
	backoffMost  = 5 * time.Second
)

func newUploader(sk sink, log *slog.Logger, onUpload func(string, time.Duration), queue int) *uploader {
	ctx, cancel := context.WithCancel(context.Background())
	return &uploader{sink: sk, log: log, onUpload: onUpload,
		queue: make(chan upload, queue), wake: make(chan struct{}, 1),
		isDirty: map[*Recording]bool{}, broken: map[*Recording]bool{}, ctx: ctx, cancel: cancel, done: make(chan struct{})}
}

func (u *uploader) start() { go u.run() }

// closeGrace is how long close lets the queue drain (a stream's last
// segments and summary, queued as it ended) before giving up on it.
const closeGrace = 5 * time.Second

// close stops the uploader once the queue is empty, or after closeGrace,
// abandoning what is left (it goes up after the next start).
func (u *uploader) close() {
	for end := time.Now().Add(closeGrace); u.backlog() > 0 && time.Now().Before(end); {
		select {
		case <-u.done: // closed before
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
	u.cancel()
	<-u.done
}

func (u *uploader) backlog() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.pending + len(u.dirty) + u.busy
}

// finished takes an upload (d = pending) or a rescan (d = busy) off the
// backlog.
func (u *uploader) finished(d *int) {
	u.mu.Lock()
	*d--
	u.mu.Unlock()
}

// add names a file of r to upload. It never blocks.
func (u *uploader) add(r *Recording, rel string, at time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.isDirty[r] {
		return // the rescan will find it
	}
	select {
	case u.queue <- upload{rec: r, rel: rel, at: at}:
		u.pending++
	default:
		if !u.warnFull {
			u.warnFull = true
			u.log.Warn("archive: upload queue full (is the store down?); recordings will be rescanned when it drains", "store", u.sink.String())
		}
		u.markDirtyLocked(r)
	}
}

func (u *uploader) markDirty(r *Recording) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.markDirtyLocked(r)
}

func (u *uploader) markDirtyLocked(r *Recording) {
	if !u.isDirty[r] {
		u.isDirty[r] = true
		u.dirty = append(u.dirty, r)
	}
	select {
	case u.wake <- struct{}{}:
	default:
	}
}

// popDirty takes the next recording to rescan and clears its mark, so
// files written from now on are queued again (after those the rescan
// finds, as it runs before the queue is read again).
func (u *uploader) popDirty() *Recording {
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.dirty) == 0 {
		u.warnFull = false
		return nil
	}
	r := u.dirty[0]
	u.dirty = slices.Delete(u.dirty, 0, 1)
	delete(u.isDirty, r)
	u.busy++
	return r
}

// run uploads queued files first (the freshest, in order), then rescans
// dirty recordings when the queue is empty.
func (u *uploader) run() {
	defer close(u.done)
	for u.ctx.Err() == nil {
		select {
		case j := <-u.queue:
			u.upload(j)
			continue
		default:
		}
		if r := u.popDirty(); r != nil {
			u.rescan(r)
			continue
		}
		select {
		case <-u.ctx.Done():
		case j := <-u.queue:
			u.upload(j)
		case <-u.wake:
		}
	}
}

func (u *uploader) upload(j upload) {
	defer u.finished(&u.pending)
	key := j.rec.Stream + "/" + j.rec.ID + "/" + j.rel
	if j.rel == summaryFile && u.isBroken(j.rec) {
		u.incomplete(key)
		return
	}
	err := u.retry("uploading "+key, func(ctx context.Context) error { return u.put(ctx, j.rec, j.rel) })
	switch {
	case errors.Is(err, errLocalFile):
		u.log.Info("archive: file unreadable before its upload (recording discarded?)", "key", key, "err", err)
		return
	case permanent(err):
		u.gaveUp(j.rec, key, err)
		return
	case err != nil:
		return // closing
	}
	if u.onUpload != nil {
		u.onUpload(key, time.Since(j.at))
	}
	if j.rel == summaryFile {
		u.markStored(j.rec)
	}
}

// errLocalFile: a file to upload cannot be read here (a discarded
// recording's); retrying will not help.
var errLocalFile = errors.New("archive: local file")

// put copies one file of r to the sink.
func (u *uploader) put(ctx context.Context, r *Recording, rel string) error {
	f, err := os.Open(filepath.Join(r.dir, filepath.FromSlash(rel)))
	if err != nil {
		return fmt.Errorf("%w: %w", errLocalFile, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("%w: %w", errLocalFile, err)
	}
	return u.sink.put(ctx, r, rel, f, fi.Size())
}

// permanent says the store refused for good (an objstore.PermanentError:
// access denied, no such bucket, a key it will not take).
func permanent(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}

// gaveUp counts a file (or a recording's listing) the store refused for
// good, and keeps its recording from being marked whole: the rest of the
// queue goes on, and the next start tries the recording again.
func (u *uploader) gaveUp(r *Recording, key string, err error) {
	u.mu.Lock()
	u.failed++
	u.broken[r] = true
	u.mu.Unlock()
	u.log.Error("archive: the store refused a file for good; it stays on disk only (fix the store, then restart to upload it)", "key", key, "store", u.sink.String(), "err", err)
}

// incomplete says why a broken recording's summary (key) is not uploaded.
func (u *uploader) incomplete(key string) {
	u.log.Error("archive: recording left incomplete in the store (a file of it was refused); it stays on disk and is checked again at the next start", "key", key, "store", u.sink.String())
}

func (u *uploader) isBroken(r *Recording) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.broken[r]
}

// failures is how many files the store refused for good since start.
func (u *uploader) failures() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.failed
}

// retry runs f until it succeeds, fails on a local file or is refused
// for good by the store (both final), or the uploader closes, waiting longer after each failure. The first
// failure of a run is logged, then every tenth.
func (u *uploader) retry(what string, f func(ctx context.Context) error) error {
	wait := backoffFirst
	for n := 0; ; n++ {
		ctx, cancel := context.WithTimeout(u.ctx, 2*storeTimeout)
		err := f(ctx)
		cancel()
		if err == nil || errors.Is(err, errLocalFile) || permanent(err) {
			return err
		}
		if u.ctx.Err() != nil {
			return u.ctx.Err()
		}
		if n%10 == 0 {
			u.log.Warn("archive: store failed, retrying", "store", u.sink.String(), "what", what, "attempt", n+1, "err", err)
		}
		select {
		case <-u.ctx.Done():
			return u.ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, backoffMost)
	}
}

// rescan uploads whatever of r the store lacks, comparing sizes: segments
// in order, then (for a finished recording) journals, then the summary.
func (u *uploader) rescan(r *Recording) {
	defer u.finished(&u.busy)
	prefix := r.Stream + "/" + r.ID + "/"
	var have map[string]int64
	err := u.retry("listing "+prefix, func(ctx context.Context) error {
		var err error
		have, err = u.sink.holds(ctx, r)
		return err
	})
	if permanent(err) {
		u.gaveUp(r, prefix, err)
	}
	if err != nil {
		return
	}
	segs, journals, finished, err := localFiles(r.dir)
	if err != nil {
		u.log.Warn("archive: cannot rescan a recording for upload", "recording", r.ID, "err", err)
		return
	}
	var todo []string
	if finished {
		todo = append(segs, journals...)
		todo = append(todo, summaryFile)
	} else {
		todo = segs
	}
	uploaded := 0
	for _, rel := range todo {
		if rel == summaryFile && u.isBroken(r) {
			u.incomplete(prefix + rel)
			return
		}
		if size, ok := have[rel]; ok && rel != summaryFile && size == fileSize(filepath.Join(r.dir, filepath.FromSlash(rel))) {
			continue
		}
		err := u.retry("uploading "+prefix+rel, func(ctx context.Context) error { return u.put(ctx, r, rel) })
		switch {
		case permanent(err):
			u.gaveUp(r, prefix+rel, err)
			continue
		case err != nil && !errors.Is(err, errLocalFile):
			return // closing; the next start rescans
		}
		uploaded++
	}
	if finished {
		u.markStored(r)
	}
	u.log.Info("archive: recording checked against the store", "store", u.sink.String(), "stream", r.Stream, "recording", r.ID, "uploaded", uploaded, "finished", finished)
}

// markStored records that the sink holds all of r.
func (u *uploader) markStored(r *Recording) {
	if err := u.sink.holdsAll(r); err != nil {
		u.log.Warn("archive: cannot record a recording as stored (it will be checked again at the next start)", "store", u.sink.String(), "recording", r.ID, "err", err)
	}
}

// sink is where an uploader copies recordings: an object store
// (storeSink) or an IPFS node (ipfsSink, archive_ipfs.go).
type sink interface {
	// put copies one file of r, rel under its directory, of size bytes.
	put(ctx context.Context, r *Recording, rel string, f io.Reader, size int64) error
	// holds is what the sink has of r: path under r's directory → size.
	holds(ctx context.Context, r *Recording) (map[string]int64, error)
	// holdsAll records, in r's directory and in r, that the sink holds
	// all of r: called once its summary (put last) is in.
	holdsAll(r *Recording) error
	String() string
}

// storeSink keeps recordings in an object store, under keys that mirror
// the archive's layout (Store).
type storeSink struct{ st Store }

func (s storeSink) String() string { return s.st.String() }

func (s storeSink) put(ctx context.Context, r *Recording, rel string, f io.Reader, size int64) error {
	return s.st.Put(ctx, r.Stream+"/"+r.ID+"/"+rel, f, size)
}

func (s storeSink) holds(ctx context.Context, r *Recording) (map[string]int64, error) {
	prefix := r.Stream + "/" + r.ID + "/"
	have, err := s.st.List(ctx, prefix, false)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(have))
	for key, size := range have {
		if k, err := parseObjectKey(key); err == nil && k.Stream == r.Stream && k.Recording == r.ID {
			out[strings.TrimPrefix(key, prefix)] = size
		}
	}
	return out, nil
}

func (s storeSink) holdsAll(r *Recording) error {
	r.mu.Lock()
	r.stored = true
	r.mu.Unlock()
	return writeFileAtomic(filepath.Join(r.dir, storedMarker), []byte(s.st.String()+"\n"))
}

// localFiles lists a recording's files to upload, as paths under its
// directory: segments by rendition and number, then journals; finished
// says its summary is written.
func localFiles(dir string) (segs, journals []string, finished bool, err error) {
	rends, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, false, fmt.Errorf("archive: %w", err)
	}
	for _, rd := range rends {
		if !rd.IsDir() || !ValidName(rd.Name()) {
			if rd.Name() == summaryFile {
				finished = true
			}
			continue
		}
		files, err := os.ReadDir(filepath.Join(dir, rd.Name()))
		if err != nil {
			return nil, nil, false, fmt.Errorf("archive: %w", err)
		}
		var seqs []uint64
		for _, f := range files {
			if seq, ok := parseSegmentName(f.Name()); ok {
				seqs = append(seqs, seq)
			} else if f.Name() == journalFile {
				journals = append(journals, rd.Name()+"/"+journalFile)
			}
		}
		slices.Sort(seqs)
		for _, s := range seqs {
			segs = append(segs, rd.Name()+"/"+SegmentName(s))
		}
	}
	return segs, journals, finished, nil
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return fi.Size()
}
