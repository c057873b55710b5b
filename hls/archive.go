package hls

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Archive keeps every stream's recordings on disk, one directory each:
//
//	{Dir}/{stream}/{recording}/recording.json       summary, written when it ends
//	{Dir}/{stream}/{recording}/{rendition}/segments.log  journal, one JSON line a segment
//	{Dir}/{stream}/{recording}/{rendition}/{seq}.ts
//
// A segment's file is synced before its journal line, and the journal is
// synced before the segment counts, so a crash loses at most the segment
// being written. A recording without recording.json was cut off by a
// crash; OpenArchive finishes it from its journals.
//
// With a Store (UseStore), finished files are also uploaded, and the disk
// becomes a cache: a recording whose files are gone is read from the
// store (archive_store.go, archive_upload.go).
type Archive struct {
	dir string
	log *slog.Logger

	mu    sync.Mutex
	recs  map[string][]*Recording // per stream, oldest first
	floor map[string]uint64       // per stream, after the highest segment file on disk
	store Store                   // nil: the disk only
	up    *uploader
	ipfs  *ipfsArchive // nil: not published to IPFS
	// uploadQueue overrides the uploader's queue length (tests overflow
	// it); 0 is uploadQueue.
	uploadQueue int
	// Recordings other nodes put in the store after this one started
	// are looked up there on a miss (archive_store.go); missFor and
	// relistEvery bound how often (tests shorten them).
	look                 *lookups
	missFor, relistEvery time.Duration
}

const (
	summaryFile = "recording.json"
	journalFile = "segments.log"
	idLayout    = "20060102T150405Z"
)

// OpenArchive opens (creating if need be) the archive under dir and
// finishes recordings a crash left open.
func OpenArchive(dir string, logger *slog.Logger) (*Archive, error) {
	if logger == nil {
		logger = slog.Default()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	a := &Archive{dir: dir, log: logger, recs: map[string][]*Recording{}, floor: map[string]uint64{},
		missFor: missFor, relistEvery: relistEvery}
	streams, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	for _, sd := range streams {
		if !sd.IsDir() || !ValidName(sd.Name()) {
			continue
		}
		ids, err := os.ReadDir(filepath.Join(dir, sd.Name()))
		if err != nil {
			return nil, fmt.Errorf("archive: %w", err)
		}
		for _, rd := range ids {
			if !rd.IsDir() || !ValidName(rd.Name()) {
				continue
			}
			// Segment numbers must never repeat, even if a recording cannot
			// be read: its files still name numbers that were served.
			a.floor[sd.Name()] = max(a.floor[sd.Name()], nextSeqOnDisk(filepath.Join(dir, sd.Name(), rd.Name())))
			r, err := a.load(sd.Name(), rd.Name())
			if err != nil {
				logger.Warn("archive: skipping unreadable recording", "stream", sd.Name(), "recording", rd.Name(), "err", err)
				continue
			}
			a.recs[sd.Name()] = append(a.recs[sd.Name()], r)
		}
		sort.Slice(a.recs[sd.Name()], func(i, j int) bool {
			return a.recs[sd.Name()][i].summary.Started.Before(a.recs[sd.Name()][j].summary.Started)
		})
	}
	return a, nil
}

// summary is recording.json, and what the listing shows.
type summary struct {
	ID         string          `json:"id"`
	Started    time.Time       `json:"started"`
	Ended      *time.Time      `json:"ended,omitempty"`
	Duration   float64         `json:"duration"` // seconds of source media
	Segments   int             `json:"segments"`
	LastSeq    *uint64         `json:"lastSeq,omitempty"`
	Renditions []RenditionInfo `json:"renditions"`
}

func (a *Archive) load(stream, id string) (*Recording, error) {
	r := &Recording{Stream: stream, ID: id, dir: filepath.Join(a.dir, stream, id), log: a.log.With("stream", stream, "recording", id)}
	b, err := os.ReadFile(filepath.Join(r.dir, summaryFile))
	switch {
	case err == nil:
		if err := json.Unmarshal(b, &r.summary); err == nil {
			return r, nil
		}
		a.log.Warn("archive: recording summary unreadable, rebuilding it from the journals", "stream", stream, "recording", id)
	case !errors.Is(err, os.ErrNotExist):
		return nil, err
	}
	// Cut off by a crash (or a damaged summary): rebuild the summary from
	// the journals and finish.
	if err := r.loadJournals(); err != nil {
		return nil, err
	}
	r.summary.ID = id
	r.summary.Started = r.firstTime()
	end := r.lastTime()
	r.summary.Ended = &end
	r.summarize()
	if err := writeFileAtomic(filepath.Join(r.dir, summaryFile), r.summary.marshal()); err != nil {
		return nil, err
	}
	a.log.Info("archive: finished a recording cut off by a restart", "stream", stream, "recording", id, "segments", r.summary.Segments)
	return r, nil
}

// Create starts a recording of stream with its source rendition.
func (a *Archive) Create(stream string, started time.Time, source RenditionInfo) (*Recording, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	base := started.UTC().Format(idLayout)
	id := base
	for n := 2; ; n++ {
		_, err := os.Stat(filepath.Join(a.dir, stream, id))
		if errors.Is(err, os.ErrNotExist) {
			break
		}
		id = fmt.Sprintf("%s-%d", base, n)
	}
	r := &Recording{
		Stream: stream, ID: id, dir: filepath.Join(a.dir, stream, id),
		summary: summary{ID: id, Started: started.UTC()},
		loaded:  true, active: true,
		entries: map[string][]SegmentInfo{},
		store:   a.store, up: a.up, pub: a.publisher(stream, source.Key != ""),
		queue: make(chan job, 64),
		done:  make(chan struct{}),
		log:   a.log.With("stream", stream, "recording", id),
	}
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	if err := r.AddRendition(source); err != nil {
		_ = os.RemoveAll(r.dir)
		return nil, err
	}
	go r.run()
	a.recs[stream] = append(a.recs[stream], r)
	return r, nil
}

// discard ends a recording that never got a segment and removes it (a
// publication refused before it started).
func (a *Archive) discard(r *Recording) {
	if err := r.Finish(time.Now()); err != nil {
		a.log.Warn("archive: finishing a discarded recording", "recording", r.ID, "err", err)
	}
	a.mu.Lock()
	a.recs[r.Stream] = slices.DeleteFunc(a.recs[r.Stream], func(x *Recording) bool { return x == r })
	a.mu.Unlock()
	if err := os.RemoveAll(r.dir); err != nil {
		a.log.Warn("archive: removing a discarded recording", "recording", r.ID, "err", err)
	}
}

// Recordings lists stream's recordings, oldest first. With a store, it
// first lists the store for recordings other nodes finished (at most
// every relistEvery).
func (a *Archive) Recordings(stream string) []*Recording {
	a.relist(stream)
	a.relistIPFS(stream)
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.recs[stream])
}

// Recording finds one recording: on disk, or (with a store) in the
// store, if another node finished it there.
func (a *Archive) Recording(stream, id string) *Recording {
	a.mu.Lock()
	r := a.find(stream, id)
	a.mu.Unlock()
	if r != nil {
		return r
	}
	if r := a.lookUpIPFS(stream, id); r != nil {
		return r
	}
	return a.lookUp(stream, id)
}

// find is the recording known here, or nil. Call with a.mu held.
func (a *Archive) find(stream, id string) *Recording {
	for _, r := range a.recs[stream] {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// NextSeq is the sequence number after the last one stream's recordings
// hold, so segment numbers (and their URLs) never repeat across restarts.
// It never waits on the store (the cluster's heartbeat asks every second).
func (a *Archive) NextSeq(stream string) uint64 {
	a.mu.Lock()
	next := a.floor[stream]
	recs := slices.Clone(a.recs[stream])
	a.mu.Unlock()
	for _, r := range recs {
		if last, ok := r.lastSeq(); ok {
			next = max(next, last+1)
		}
	}
	return next
}

// Recording is one publication session of a stream (reconnects within the
// grace period included), stored as it arrives.
type Recording struct {
	Stream string
	ID     string
	dir    string
	log    *slog.Logger

	mu         sync.Mutex
	summary    summary
	loaded     bool // entries read from the journals
	active     bool
	entries    map[string][]SegmentInfo
	renditions []RenditionInfo
	journals   map[string]*os.File
	store      Store     // nil without one
	up         *uploader // nil without a store, and for recordings not made by this run
	pub        *uploader // the IPFS publisher's, likewise
	ipfsRoot   string    // the root CID once published whole and recorded (archive_ipfs.go)
	ipfsLinked string    // the root CID as linked, before it is recorded

	// cidMu guards cids, the CID journal read (nil until first needed),
	// and rootCIDs, the segment CIDs of a recording read from a root.
	cidMu    sync.Mutex
	cids     map[string]cidEntry
	rootCIDs map[string]map[uint64]string
	lsFailed time.Time // when listing a rendition of the root last failed
	remote   bool      // found in the store, not on disk
	stored   bool      // the store holds all of it (storedMarker)

	// fetchMu lets one request at a time fetch the journals from the
	// store, outside mu; a failure is remembered for fetchRetry.
	fetchMu     sync.Mutex
	fetchErr    error
	fetchFailed time.Time

	qmu      sync.Mutex // guards sending on and closing queue
	finished bool
	queue    chan job
	done     chan struct{}
}

type job struct {
	rendition string
	seg       *Segment
	at        time.Time // when it was appended: the segment had just closed
}

// Append queues a segment of a rendition for writing. Renditions other
// than the source are added with AddRendition first.
func (r *Recording) Append(rendition string, seg *Segment) {
	r.qmu.Lock()
	defer r.qmu.Unlock()
	if r.finished {
		r.log.Error("archive: segment after the recording finished, not stored", "rendition", rendition, "seq", seg.Seq)
		return
	}
	r.queue <- job{rendition, seg, time.Now()}
}

// ErrRecordingFinished: the recording has ended (or was loaded from disk);
// its journals are closed for good and nothing more is added to it.
var ErrRecordingFinished = errors.New("archive: the recording has finished")

// AddRendition starts a journal for another rendition (a transcoded one).
// Once the recording has finished it refuses with ErrRecordingFinished: a
// late rendition must not reopen a finished journal (a second header line
// in it would read back as a bogus segment).
func (r *Recording) AddRendition(info RenditionInfo) error {
	r.qmu.Lock() // Finish sets finished under qmu before it closes the journals
	defer r.qmu.Unlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.addRenditionLocked(info)
}

func (r *Recording) addRenditionLocked(info RenditionInfo) error {
	if !r.active || r.finished {
		return fmt.Errorf("%w: rendition %s not added", ErrRecordingFinished, info.Name)
	}
	if !ValidName(info.Name) {
		return fmt.Errorf("archive: bad rendition name %q", info.Name)
	}
	if r.journals == nil {
		r.journals = map[string]*os.File{}
	}
	if _, ok := r.journals[info.Name]; ok {
		return nil
	}
	dir := filepath.Join(r.dir, info.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, journalFile), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	hdr, err := json.Marshal(info)
	if err != nil {
		f.Close()
		return fmt.Errorf("archive: rendition %s: %w", info.Name, err)
	}
	if _, err := f.Write(append(hdr, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("archive: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("archive: %w", err)
	}
	r.journals[info.Name] = f
	r.renditions = append(r.renditions, info)
	r.entries[info.Name] = []SegmentInfo{}
	return nil
}

// run writes queued segments in order, off the ingest path.
func (r *Recording) run() {
	defer close(r.done)
	for j := range r.queue {
		if err := r.write(j); err != nil {
			// The live stream goes on; the archive misses this segment.
			r.log.Error("archive: segment not stored", "rendition", j.rendition, "seq", j.seg.Seq, "err", err)
		}
	}
}

func (r *Recording) write(j job) error {
	r.mu.Lock()
	f := r.journals[j.rendition]
	r.mu.Unlock()
	if f == nil {
		return fmt.Errorf("unknown rendition")
	}
	if err := writeFileAtomic(filepath.Join(r.dir, j.rendition, SegmentName(j.seg.Seq)), j.seg.Data); err != nil {
		return err
	}
	info := j.seg.info()
	r.mu.Lock()
	first := len(r.entries[j.rendition]) == 0
	r.mu.Unlock()
	if first {
		info.Discontinuity = false // a recording starts clean
	}
	line, err := json.Marshal(info)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	r.mu.Lock()
	r.entries[j.rendition] = append(r.entries[j.rendition], info)
	r.mu.Unlock()
	for _, u := range r.uploaders() {
		u.add(r, j.rendition+"/"+SegmentName(j.seg.Seq), j.at)
	}
	return nil
}

// uploaders are the object store's and the IPFS node's, where set.
func (r *Recording) uploaders() []*uploader {
	var us []*uploader
	for _, u := range []*uploader{r.up, r.pub} {
		if u != nil {
			us = append(us, u)
		}
	}
	return us
}

// publisher is the IPFS side's uploader for a recording of stream, or
// nil when there is none or the recording is not to be published
// (IPFSOptions.Publish). Call with a.mu held.
func (a *Archive) publisher(stream string, encrypted bool) *uploader {
	if a.ipfs == nil || !a.ipfs.publishes(stream, encrypted) {
		return nil
	}
	return a.ipfs.up
}

// Finish writes what is queued, closes the journals and marks the
// recording ended.
func (r *Recording) Finish(ended time.Time) error {
	r.qmu.Lock()
	if r.finished || r.queue == nil {
		r.qmu.Unlock()
		return nil
	}
	r.finished = true
	close(r.queue)
	r.qmu.Unlock()
	<-r.done
	r.mu.Lock()
	defer r.mu.Unlock()
	r.active = false
	for _, f := range r.journals {
		f.Close()
	}
	r.journals = nil
	e := ended.UTC()
	r.summary.Ended = &e
	r.summarize()
	if err := writeFileAtomic(filepath.Join(r.dir, summaryFile), r.summary.marshal()); err != nil {
		return err
	}
	// After every segment (the queue keeps order), the summary last:
	// its presence in the store says the recording is whole there.
	now := time.Now()
	for _, u := range r.uploaders() {
		for _, ri := range r.renditions {
			u.add(r, ri.Name+"/"+journalFile, now)
		}
		u.add(r, summaryFile, now)
	}
	return nil
}

// summarize fills the summary from the entries. Call with r.mu held.
func (r *Recording) summarize() {
	src := r.entries["source"]
	r.summary.Segments = len(src)
	r.summary.Duration = 0
	for _, s := range src {
		r.summary.Duration += s.Duration
	}
	if len(src) > 0 {
		last := src[len(src)-1].Seq
		r.summary.LastSeq = &last
	}
	r.summary.Renditions = slices.Clone(r.renditions)
}

func (s summary) marshal() []byte {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil { // nothing in a summary fails to marshal; say so if it ever does
		panic(fmt.Sprintf("archive: summary of %s: %v", s.ID, err))
	}
	return append(b, '\n')
}

func (r *Recording) lastSeq() (uint64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.active {
		src := r.entries["source"]
		if len(src) == 0 {
			return 0, false
		}
		return src[len(src)-1].Seq, true
	}
	if r.summary.LastSeq == nil {
		return 0, false
	}
	return *r.summary.LastSeq, true
}

func (r *Recording) firstTime() time.Time {
	if src := r.entries["source"]; len(src) > 0 {
		return src[0].Time
	}
	return time.Time{}
}

func (r *Recording) lastTime() time.Time {
	if src := r.entries["source"]; len(src) > 0 {
		l := src[len(src)-1]
		return l.Time.Add(time.Duration(l.Duration * float64(time.Second)))
	}
	return r.firstTime()
}

// loadJournals reads every rendition's journal. A torn last line (a crash
// mid-write) and entries whose file is missing are dropped.
func (r *Recording) loadJournals() error {
	// A recording the store holds whole is read from its journals alone:
	// its segment files may be gone from disk, and are fetched when
	// asked for (its journals too, by ensureLoaded).
	trust := r.store != nil && (r.remote || r.stored)
	r.entries = map[string][]SegmentInfo{}
	r.renditions = nil
	dirs, err := os.ReadDir(r.dir)
	if err != nil {
		return err
	}
	for _, d := range dirs {
		if !d.IsDir() || !ValidName(d.Name()) {
			continue
		}
		info, segs, err := readJournalFrom(filepath.Join(r.dir, d.Name()), trust)
		if err != nil {
			r.log.Warn("archive: rendition journal unreadable, rendition left out", "rendition", d.Name(), "err", err)
			continue
		}
		info.Name = d.Name()
		r.renditions = append(r.renditions, info)
		r.entries[d.Name()] = segs
	}
	// source first, as the live master lists it
	sort.SliceStable(r.renditions, func(i, j int) bool { return r.renditions[i].Name == "source" })
	r.loaded = true
	return nil
}

func readJournal(dir string) (RenditionInfo, []SegmentInfo, error) {
	return readJournalFrom(dir, false)
}

// readJournalFrom reads a journal; with anyFile, entries stay listed
// whether or not their segment file is on disk (the store has it).
func readJournalFrom(dir string, anyFile bool) (RenditionInfo, []SegmentInfo, error) {
	var info RenditionInfo
	f, err := os.Open(filepath.Join(dir, journalFile))
	if err != nil {
		return info, nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return info, nil, errors.New("empty journal")
	}
	if err := json.Unmarshal(sc.Bytes(), &info); err != nil {
		return info, nil, fmt.Errorf("journal header: %w", err)
	}
	var segs []SegmentInfo
	for sc.Scan() {
		var s SegmentInfo
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			break // torn write at a crash
		}
		if _, err := os.Stat(filepath.Join(dir, SegmentName(s.Seq))); err != nil && !anyFile {
			continue
		}
		segs = append(segs, s)
	}
	// Lookups search by sequence number: keep the list sorted, and the
	// first line of a number a damaged journal repeats.
	sort.SliceStable(segs, func(i, j int) bool { return segs[i].Seq < segs[j].Seq })
	segs = slices.CompactFunc(segs, func(a, b SegmentInfo) bool { return a.Seq == b.Seq })
	if len(segs) > 0 {
		segs[0].Discontinuity = false
	}
	return info, segs, sc.Err()
}

// view returns the recording's renditions and segments, reading the
// journals the first time a finished recording is asked for.
func (r *Recording) view() (summary, []RenditionInfo, map[string][]SegmentInfo, bool, error) {
	if err := r.ensureLoaded(); err != nil {
		return summary{}, nil, nil, false, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.active {
		r.summarize()
	}
	entries := make(map[string][]SegmentInfo, len(r.entries))
	for k, v := range r.entries {
		entries[k] = v[:len(v):len(v)] // appends go elsewhere; these stay valid
	}
	return r.summary, slices.Clone(r.renditions), entries, r.active, nil
}

// Encrypted says whether the recording's segments are encrypted under
// its keys (a priced stream's, recorded since keys were sold rather than
// segments).
func (r *Recording) Encrypted() bool {
	if r.ensureLoaded() != nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.renditions) > 0 && r.renditions[0].Key != ""
}

// ensureLoaded reads the journals the first time a finished recording is
// asked for, fetching them from the store first if they are not on disk
// (outside r.mu: Summary and lastSeq answer meanwhile).
func (r *Recording) ensureLoaded() error {
	r.mu.Lock()
	loaded := r.loaded
	fetch := !loaded && r.store != nil && (r.remote || r.stored) && !r.journalsCached()
	r.mu.Unlock()
	if loaded {
		return nil
	}
	if fetch {
		if err := r.fetchOnce(); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.loaded {
		return nil
	}
	return r.loadJournals()
}

// RecordingSummary describes a recording in listings.
type RecordingSummary struct {
	ID       string     `json:"id"`
	Started  time.Time  `json:"started"`
	Ended    *time.Time `json:"ended,omitempty"`
	Duration float64    `json:"duration"` // seconds
	Segments int        `json:"segments"`
	Live     bool       `json:"live"`           // still being recorded
	IPFS     string     `json:"ipfs,omitempty"` // root CID, once published whole to IPFS
}

// Summary describes the recording.
func (r *Recording) Summary() RecordingSummary {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.active {
		r.summarize()
	}
	s := r.summary
	return RecordingSummary{ID: s.ID, Started: s.Started, Ended: s.Ended, Duration: s.Duration, Segments: s.Segments, Live: r.active, IPFS: r.ipfsRoot}
}

// segmentPath returns the file of a listed segment, and false for anything
// the journal does not list.
func (r *Recording) segmentPath(rendition string, seq uint64) (string, SegmentInfo, bool) {
	_, _, entries, _, err := r.view()
	if err != nil {
		return "", SegmentInfo{}, false
	}
	segs := entries[rendition]
	i, found := slices.BinarySearchFunc(segs, seq, func(s SegmentInfo, seq uint64) int {
		switch {
		case s.Seq < seq:
			return -1
		case s.Seq > seq:
			return 1
		}
		return 0
	})
	if !found {
		return "", SegmentInfo{}, false
	}
	return filepath.Join(r.dir, rendition, SegmentName(seq)), segs[i], true
}

// nextSeqOnDisk is one past the highest {seq}.ts under a recording.
func nextSeqOnDisk(dir string) uint64 {
	var next uint64
	rends, _ := os.ReadDir(dir)
	for _, rd := range rends {
		if !rd.IsDir() {
			continue
		}
		files, _ := os.ReadDir(filepath.Join(dir, rd.Name()))
		for _, f := range files {
			if seq, ok := parseSegmentName(f.Name()); ok {
				next = max(next, seq+1)
			}
		}
	}
	return next
}

// writeFileAtomic writes, syncs and renames into place, so readers see the
// whole file or none of it.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// ValidName accepts the names used as path elements: streams, recordings,
// renditions. Nothing else is ever joined onto a filesystem path.
func ValidName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}

// parseSegmentName reads "{seq}.ts".
func parseSegmentName(name string) (uint64, bool) {
	num, ok := strings.CutSuffix(name, ".ts")
	if !ok {
		return 0, false
	}
	return parseSeq(num)
}

// parseSeq reads a sequence number written plainly: digits only, no
// leading zero, so that one number has one name.
func parseSeq(num string) (uint64, bool) {
	if num == "" || len(num) > 20 || (len(num) > 1 && num[0] == '0') || num[0] == '+' {
		return 0, false
	}
	seq, err := strconv.ParseUint(num, 10, 64)
	return seq, err == nil
}
