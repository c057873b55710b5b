package hls

import (
	"bufio"
	"bytes"
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
	"strings"
	"sync"
	"time"

	"github.com/livegate/livegate/ipfs"
)

// Recordings on IPFS (issue 19). With UseIPFS, every file of every
// recording is also added to an IPFS node (kubo, through its RPC API),
// exactly as the archive wrote it: segments encrypted under their
// recording's keys, so the bytes can be public while only buyers of the
// keys watch. Each file's CID is journaled beside the recording
// (ipfsJournal), as it is added; when the recording ends, its playlists
// (one per rendition and the master, their keys still sold by livegate)
// and a small manifest (ipfsManifest) are added too, and the whole is
// linked into one UnixFS directory, the recording's root CID:
//
//	{root}/livegate.json           {"stream": …, "recording": …}
//	{root}/recording.json          the summary
//	{root}/index.m3u8              master playlist
//	{root}/{rendition}/index.m3u8  VOD playlist
//	{root}/{rendition}/segments.log
//	{root}/{rendition}/{seq}.ts
//
// The work runs through an uploader of its own (archive_upload.go), off
// the live path, retried while kubo is down and resumed after a restart:
// a recording without its root marker (ipfsRootFile) is rescanned against
// its CID journal at start-up.
//
// Roots are also appended to an index kept outside the archive's
// directory (IPFSOptions.Roots): a node that lost a recording's files
// finds it there, and serves it from IPFS (ipfsRoot is the Store that
// reads a root), as a recording another node put in an object store is
// served from the store. `livegate archive import` adds another node's
// root to the index.

// Files in a recording's directory.
const (
	ipfsJournal   = "ipfs.log"      // one JSON line per file added: path, CID, size
	ipfsRootFile  = "ipfs.root"     // the root CID, once the recording is published whole
	ipfsManifest  = "livegate.json" // in the root: what the recording is
	ipfsPlaylist  = "index.m3u8"
	ipfsStoreName = "ipfs /ipfs/" // storedMarker of a recording read from a root: this and the root
)

// IPFSOptions configures UseIPFS.
type IPFSOptions struct {
	// Roots is the file that indexes published roots (stream, recording,
	// root CID): keep it outside the archive's directory, so that it
	// outlives the recordings' files.
	Roots string
	// KeyBase is the URL viewers reach livegate at ("https://live.example"):
	// the playlists added to IPFS name their keys under it, so a player
	// that opens them from a gateway buys keys from livegate. Empty: key
	// URIs are root-relative (/key/…), right only where livegate serves
	// the playlist.
	KeyBase string
	// OnPublish, if set, hears of every file added and how long after it
	// was written locally.
	OnPublish func(path string, delay time.Duration)
	// Publish says whether a recording of stream, encrypted or not, may
	// be made public: the caller's rule (livegate publishes a free
	// stream's recordings and a priced one's encrypted recordings, never
	// bytes it sells, nor those of a stream that wants a session for
	// every segment). Nil: every recording.
	Publish func(stream string, encrypted bool) bool
}

// publishes applies IPFSOptions.Publish.
func (ia *ipfsArchive) publishes(stream string, encrypted bool) bool {
	return ia.opts.Publish == nil || ia.opts.Publish(stream, encrypted)
}

// ipfsArchive is the archive's IPFS side.
type ipfsArchive struct {
	node *ipfs.Client
	up   *uploader
	opts IPFSOptions

	mu      sync.Mutex
	roots   map[string]string // stream/recording → root, from the index
	rootsAt time.Time         // the index's modification time when read
	look    *lookups
}

// UseIPFS publishes the archive's recordings to an IPFS node from now
// until Close, and serves recordings it lost locally from the roots
// index. It never fails because kubo is down: publishing waits for it,
// and says so in the log.
func (a *Archive) UseIPFS(ctx context.Context, node *ipfs.Client, opts IPFSOptions) error {
	if opts.Roots == "" {
		return errors.New("archive: IPFS needs a roots index file")
	}
	ia := &ipfsArchive{node: node, opts: opts, roots: map[string]string{}, look: newLookups()}
	ia.up = newUploader(&ipfsSink{a: a, ia: ia}, a.log, opts.OnPublish, cmp.Or(a.uploadQueue, uploadQueue))
	a.mu.Lock()
	if a.ipfs != nil {
		a.mu.Unlock()
		return errors.New("archive: IPFS already in use")
	}
	var scan, indexed []*Recording
	for stream := range a.recs {
		for _, r := range a.recs[stream] {
			r.mu.Lock()
			if r.remote {
				// Another node's, read from the object store: that node publishes it.
				r.mu.Unlock()
				continue
			}
			if root, ok := strings.CutPrefix(readMarker(r.dir), ipfsStoreName); ok {
				// Restored from IPFS before: its segments are there only.
				r.store, r.stored, r.ipfsRoot = ipfsRoot{node: node, root: root, stream: r.Stream, id: r.ID}, true, root
			} else if r.ipfsRoot = readRoot(r.dir); r.ipfsRoot != "" {
				indexed = append(indexed, r)
			} else if ia.publishes(r.Stream, len(r.summary.Renditions) > 0 && r.summary.Renditions[0].Key != "") {
				scan = append(scan, r)
			}
			r.mu.Unlock()
		}
	}
	a.ipfs = ia
	a.mu.Unlock()
	// A root recorded beside its recording is in the index too (a crash,
	// or a failed append, may have left it out).
	ia.refreshRoots()
	for _, r := range indexed {
		if err := ia.addRoot(r.Stream, r.ID, r.IPFSRoot()); err != nil {
			a.log.Warn("archive: cannot index a published recording's root", "recording", r.ID, "err", err)
		}
	}
	ia.up.start()
	for _, r := range scan {
		ia.up.markDirty(r)
	}
	ctx, cancel := context.WithTimeout(ctx, startupListing)
	defer cancel()
	restored, err := a.restoreFromIPFS(ctx)
	if err != nil {
		a.log.Warn("archive: restoring recordings from IPFS cut short; the rest are looked up when asked for", "restored", restored, "err", err)
	}
	a.log.Info("archive: publishing to IPFS", "node", node.String(), "roots", opts.Roots, "restored", restored, "to_check", len(scan))
	return nil
}

// ipfsSide is the archive's IPFS side, nil without one.
func (a *Archive) ipfsSide() *ipfsArchive {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ipfs
}

// PublishBacklog is how many files wait to be added to IPFS, and -1
// without IPFS.
func (a *Archive) PublishBacklog() int {
	if ia := a.ipfsSide(); ia != nil {
		return ia.up.backlog()
	}
	return -1
}

// PublishFailed is how many files kubo refused for good (or recordings
// that could not be published whole), and -1 without IPFS.
func (a *Archive) PublishFailed() int {
	if ia := a.ipfsSide(); ia != nil {
		return ia.up.failures()
	}
	return -1
}

// IPFSRoot is the recording's root CID once it is published whole, or "".
func (r *Recording) IPFSRoot() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ipfsRoot
}

// permanentError is a failure that retrying will not mend.
type permanentError struct{ error }

func (permanentError) Permanent() bool { return true }

// ipfsSink adds recordings' files to the IPFS node.
type ipfsSink struct {
	a  *Archive
	ia *ipfsArchive
}

func (s *ipfsSink) String() string { return "ipfs " + s.ia.node.String() }

func (s *ipfsSink) put(ctx context.Context, r *Recording, rel string, f io.Reader, size int64) error {
	if rel == summaryFile {
		return s.publish(ctx, r, f)
	}
	cid, n, err := s.ia.node.Add(ctx, f)
	if err != nil {
		return err
	}
	if n != size {
		return fmt.Errorf("archive: %s changed while it was added to IPFS (%d bytes, %d expected)", rel, n, size)
	}
	return r.addCID(rel, cid, n)
}

// holds is what the CID journal lists and the node still has pinned: a
// node whose repo was wiped or replaced, or whose pins were removed, has
// the missing files added again rather than a directory linking blocks
// it lacks.
func (s *ipfsSink) holds(ctx context.Context, r *Recording) (map[string]int64, error) {
	ents, err := r.cidEntries()
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(ents))
	for rel, e := range ents {
		pinned, err := s.ia.node.Pinned(ctx, e.CID)
		if err != nil {
			return nil, err
		}
		if pinned {
			out[rel] = e.Size
		}
	}
	return out, nil
}

func (s *ipfsSink) holdsAll(r *Recording) error {
	r.mu.Lock()
	root := r.ipfsLinked
	r.mu.Unlock()
	if root == "" {
		return errors.New("no root CID")
	}
	// The index first: a recording marked published is always indexed
	// (UseIPFS indexes again any marked one it lacks).
	if err := s.ia.addRoot(r.Stream, r.ID, root); err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(r.dir, ipfsRootFile), []byte(root+"\n")); err != nil {
		return err
	}
	r.mu.Lock()
	r.ipfsRoot = root
	r.mu.Unlock()
	return nil
}

// publish adds the summary, the playlists and the manifest, and links
// every file of the recording into its root directory. Every segment
// and journal must have been added (they are queued before the summary;
// a rescan adds them in the same order).
func (s *ipfsSink) publish(ctx context.Context, r *Recording, summaryBody io.Reader) error {
	node := s.ia.node
	files := map[string]string{}
	add := func(rel string, body io.Reader) error {
		cid, _, err := node.Add(ctx, body)
		if err != nil {
			return err
		}
		files[rel] = cid
		return nil
	}
	if err := add(summaryFile, summaryBody); err != nil {
		return err
	}
	sum, rends, entries, _, err := r.view()
	if err != nil {
		return permanentError{fmt.Errorf("archive: reading the recording to publish it: %w", err)}
	}
	have, err := r.cidEntries()
	if err != nil {
		return err
	}
	var vs []variant
	for _, ri := range rends {
		for _, rel := range append([]string{ri.Name + "/" + journalFile}, segmentRels(ri.Name, entries[ri.Name])...) {
			e, ok := have[rel]
			if !ok {
				return permanentError{fmt.Errorf("archive: %s was never added to IPFS (its file is missing?): the recording is not published whole", rel)}
			}
			files[rel] = e.CID
		}
		segs := entries[ri.Name]
		if ri.Name != SourceRendition {
			segs = alignToSource(entries[SourceRendition], segs)
		}
		var keys *keyTags
		if len(rends) > 0 && rends[0].Key != "" {
			keys = &keyTags{stream: r.Stream, rendition: ri.Name, recording: r.ID, base: s.ia.opts.KeyBase}
		}
		if err := add(ri.Name+"/"+ipfsPlaylist, bytes.NewReader(mediaPlaylist(segs, 0, kindVOD, 0, keys))); err != nil {
			return err
		}
		vs = append(vs, measure(ri, entries[ri.Name]))
	}
	if err := add(ipfsPlaylist, bytes.NewReader(masterPlaylist(vs, ipfsPlaylist, ""))); err != nil {
		return err
	}
	manifest, _ := json.Marshal(recordingManifest{Stream: r.Stream, Recording: r.ID, Started: sum.Started})
	if err := add(ipfsManifest, bytes.NewReader(append(manifest, '\n'))); err != nil {
		return err
	}
	root, err := node.Dir(ctx, files)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.ipfsLinked = root // IPFSRoot once holdsAll has recorded it
	r.mu.Unlock()
	r.log.Info("archive: recording published to IPFS", "root", root, "files", len(files))
	return nil
}

// recordingManifest is livegate.json in a recording's root.
type recordingManifest struct {
	Stream    string    `json:"stream"`
	Recording string    `json:"recording"`
	Started   time.Time `json:"started"`
}

// segmentRels are the paths of a rendition's segments.
func segmentRels(rendition string, segs []SegmentInfo) []string {
	out := make([]string, 0, len(segs))
	for _, s := range segs {
		out = append(out, rendition+"/"+SegmentName(s.Seq))
	}
	return out
}

// cidEntry is a line of the CID journal.
type cidEntry struct {
	Path string `json:"path"`
	CID  string `json:"cid"`
	Size int64  `json:"size"`
}

// addCID journals a file added to IPFS (synced: it is what a restart
// trusts), and remembers it.
func (r *Recording) addCID(rel, cid string, size int64) error {
	if _, err := ipfs.ParseCID(cid); err != nil {
		return fmt.Errorf("archive: kubo answered a bad CID for %s: %w", rel, err)
	}
	line, _ := json.Marshal(cidEntry{Path: rel, CID: cid, Size: size})
	r.cidMu.Lock()
	defer r.cidMu.Unlock()
	if err := r.loadCIDs(); err != nil {
		return err
	}
	if err := appendLine(filepath.Join(r.dir, ipfsJournal), line); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%w: %w", errLocalFile, err)
		}
		return fmt.Errorf("archive: journaling a CID: %w", err)
	}
	r.cids[rel] = cidEntry{Path: rel, CID: cid, Size: size}
	return nil
}

// cidEntries is what the recording has in IPFS, path → entry, from its
// CID journal (read once): a copy.
func (r *Recording) cidEntries() (map[string]cidEntry, error) {
	r.cidMu.Lock()
	defer r.cidMu.Unlock()
	if err := r.loadCIDs(); err != nil {
		return nil, err
	}
	return maps.Clone(r.cids), nil
}

// loadCIDs reads the CID journal the first time. Call with cidMu held.
func (r *Recording) loadCIDs() error {
	if r.cids != nil {
		return nil
	}
	f, err := os.Open(filepath.Join(r.dir, ipfsJournal))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		r.cids = map[string]cidEntry{}
		return nil
	case err != nil:
		return err
	}
	defer f.Close()
	r.cids = readCIDJournal(f)
	return nil
}

// readCIDJournal reads a CID journal, skipping lines that are torn (a
// crash mid-write) or name anything but a file of a recording's layout
// or a valid CIDv1; a later line for a path wins.
func readCIDJournal(rd io.Reader) map[string]cidEntry {
	out := map[string]cidEntry{}
	sc := bufio.NewScanner(rd)
	for sc.Scan() {
		var e cidEntry
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Size < 0 || !validRel(e.Path) {
			continue
		}
		if _, err := ipfs.ParseCID(e.CID); err != nil {
			continue
		}
		out[e.Path] = e
	}
	return out
}

// validRel accepts the paths of a recording's files: the summary, a
// rendition's journal or one of its segments.
func validRel(rel string) bool {
	if rel == summaryFile {
		return true
	}
	rend, file, ok := strings.Cut(rel, "/")
	if !ok || !ValidName(rend) {
		return false
	}
	_, seg := parseSegmentName(file)
	return seg || file == journalFile
}

func readRoot(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, ipfsRootFile))
	if err != nil {
		return ""
	}
	root := strings.TrimSpace(string(b))
	if _, err := ipfs.ParseCID(root); err != nil {
		return ""
	}
	return root
}

// lsTimeout bounds listing a rendition of a root on a viewer's behalf.
const lsTimeout = 5 * time.Second

// segmentCIDs maps a rendition's segments to their CIDs, as far as they
// are in IPFS: from the CID journal, or, for a recording read from a
// root, the rendition's listing there.
func (r *Recording) segmentCIDs(ctx context.Context, node *ipfs.Client, rendition string) map[uint64]string {
	r.mu.Lock()
	root, remote := r.ipfsRoot, r.store != nil && strings.HasPrefix(r.store.String(), ipfsStoreName)
	r.mu.Unlock()
	out := map[uint64]string{}
	if remote {
		r.cidMu.Lock()
		defer r.cidMu.Unlock()
		if r.rootCIDs == nil {
			r.rootCIDs = map[string]map[uint64]string{}
		}
		if m, ok := r.rootCIDs[rendition]; ok {
			return m
		}
		if time.Since(r.lsFailed) < fetchRetry {
			return out
		}
		lctx, cancel := context.WithTimeout(ctx, lsTimeout)
		ents, err := node.Ls(lctx, "/ipfs/"+root+"/"+rendition)
		cancel()
		if err != nil {
			r.lsFailed = time.Now()
			r.log.Warn("archive: listing a rendition in IPFS; its segments are served by the origin", "root", root, "rendition", rendition, "err", err)
			return out
		}
		for _, e := range ents {
			if seq, ok := parseSegmentName(e.Name); ok && !e.Dir {
				if _, err := ipfs.ParseCID(e.CID); err == nil {
					out[seq] = e.CID
				}
			}
		}
		r.rootCIDs[rendition] = out
		return out
	}
	r.cidMu.Lock()
	defer r.cidMu.Unlock()
	if r.loadCIDs() != nil {
		return out
	}
	prefix := rendition + "/"
	for rel, e := range r.cids {
		if file, ok := strings.CutPrefix(rel, prefix); ok {
			if seq, ok := parseSegmentName(file); ok {
				out[seq] = e.CID
			}
		}
	}
	return out
}

// ViaGateways points a rendition's segments at an IPFS gateway where
// they are published: {gateway}/ipfs/{cid}#lg-origin={seq}.ts, the
// fragment telling the watch page where the origin has the segment, if
// every gateway fails it. Segments not (yet) in IPFS keep their origin
// URI. segs is not modified.
func (a *Archive) viaGateways(ctx context.Context, r *Recording, rendition string, segs []SegmentInfo, gateway string) []SegmentInfo {
	ia := a.ipfsSide()
	if ia == nil || gateway == "" {
		return segs
	}
	cids := r.segmentCIDs(ctx, ia.node, rendition)
	if len(cids) == 0 {
		return segs
	}
	out := make([]SegmentInfo, len(segs))
	for i, s := range segs {
		out[i] = s
		if cid, ok := cids[s.Seq]; ok && !s.Gap {
			out[i].URI = gateway + "/ipfs/" + cid + "#lg-origin=" + SegmentName(s.Seq)
		}
	}
	return out
}

// ipfsRoot reads a published recording from its root, as a Store whose
// keys are the archive's ({stream}/{recording}/{path}): segments, journals
// and the summary of a recording this node lost, or never had.
type ipfsRoot struct {
	node       *ipfs.Client
	root       string
	stream, id string
}

func (s ipfsRoot) String() string { return ipfsStoreName + s.root }

func (s ipfsRoot) Get(ctx context.Context, key string, off, n int64) (io.ReadCloser, error) {
	rel, ok := strings.CutPrefix(key, s.stream+"/"+s.id+"/")
	if !ok || !validRel(rel) {
		return nil, fmt.Errorf("%w: %s is not in %s", fs.ErrNotExist, key, s)
	}
	return s.node.Cat(ctx, "/ipfs/"+s.root+"/"+rel, off, n)
}

func (s ipfsRoot) Put(context.Context, string, io.Reader, int64) error {
	return permanentError{errors.New("archive: a recording read from IPFS is not written to")}
}

func (s ipfsRoot) List(context.Context, string, bool) (map[string]int64, error) {
	return nil, permanentError{errors.New("archive: a recording read from IPFS is not listed")}
}

// rootEntry is a line of the roots index.
type rootEntry struct {
	Stream    string `json:"stream"`
	Recording string `json:"recording"`
	Root      string `json:"root"`
}

// addRoot appends a root to the index (synced), unless it is there.
func (ia *ipfsArchive) addRoot(stream, id, root string) error {
	ia.mu.Lock()
	defer ia.mu.Unlock()
	if ia.roots[stream+"/"+id] == root {
		return nil
	}
	if err := AppendRoot(ia.opts.Roots, stream, id, root); err != nil {
		return err
	}
	ia.roots[stream+"/"+id] = root
	return nil
}

// AppendRoot adds a recording's root CID to a roots index file (what
// `livegate archive import` does; a running node reads it again when it
// changes).
func AppendRoot(path, stream, id, root string) error {
	if !ValidName(stream) || !ValidName(id) {
		return fmt.Errorf("archive: bad stream or recording name %q/%q", stream, id)
	}
	if _, err := ipfs.ParseCID(root); err != nil {
		return fmt.Errorf("archive: root %q: %w", root, err)
	}
	line, _ := json.Marshal(rootEntry{Stream: stream, Recording: id, Root: root})
	if err := appendLine(path, line); err != nil {
		return fmt.Errorf("archive: roots index: %w", err)
	}
	return nil
}

// appendLine appends a line to a journal file and syncs it. A last line
// a crash left torn is ended first, so the new line reads whole.
func appendLine(path string, line []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	buf := make([]byte, 0, len(line)+2)
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, fi.Size()-1); err == nil && last[0] != '\n' {
			buf = append(buf, '\n')
		}
	}
	buf = append(append(buf, line...), '\n')
	_, err = f.Write(buf)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// IndexedRoot is the root a roots index lists for a recording, or "".
func IndexedRoot(path, stream, id string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	return readRoots(f)[stream+"/"+id]
}

// readRoots reads a roots index: stream/recording → root, a later line
// winning; torn or invalid lines are skipped.
func readRoots(rd io.Reader) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(rd)
	for sc.Scan() {
		var e rootEntry
		if json.Unmarshal(sc.Bytes(), &e) != nil || !ValidName(e.Stream) || !ValidName(e.Recording) {
			continue
		}
		if _, err := ipfs.ParseCID(e.Root); err != nil {
			continue
		}
		out[e.Stream+"/"+e.Recording] = e.Root
	}
	return out
}

// refreshRoots reads the roots index again if it changed since it was
// last read, and returns what it holds.
func (ia *ipfsArchive) refreshRoots() map[string]string {
	ia.mu.Lock()
	defer ia.mu.Unlock()
	fi, err := os.Stat(ia.opts.Roots)
	if err != nil || fi.ModTime().Equal(ia.rootsAt) {
		return ia.roots
	}
	f, err := os.Open(ia.opts.Roots)
	if err != nil {
		return ia.roots
	}
	defer f.Close()
	ia.roots, ia.rootsAt = readRoots(f), fi.ModTime()
	return ia.roots
}

// restoreFromIPFS adds every indexed recording this node does not have,
// reading its summary from its root.
func (a *Archive) restoreFromIPFS(ctx context.Context) (int, error) {
	ia := a.ipfsSide()
	if ia == nil {
		return 0, nil
	}
	added := 0
	for key, root := range ia.refreshRoots() {
		if ctx.Err() != nil {
			return added, ctx.Err()
		}
		stream, id, _ := strings.Cut(key, "/")
		a.mu.Lock()
		have := a.find(stream, id) != nil
		a.mu.Unlock()
		if have {
			continue
		}
		if r, err := a.adoptRoot(ctx, ia, stream, id, root); err != nil {
			a.log.Warn("archive: cannot restore a recording from IPFS", "stream", stream, "recording", id, "root", root, "err", err)
		} else if r != nil {
			added++
		}
	}
	return added, nil
}

// adoptRoot reads a recording's summary from its root and adds it.
func (a *Archive) adoptRoot(ctx context.Context, ia *ipfsArchive, stream, id, root string) (*Recording, error) {
	st := ipfsRoot{node: ia.node, root: root, stream: stream, id: id}
	r, err := fetchSummary(ctx, st, a, stream, id)
	if err != nil {
		return nil, err
	}
	r.ipfsRoot = root
	if got := a.adopt(st, r); got != r {
		return nil, nil
	}
	r.log.Info("archive: recording restored from IPFS", "root", root)
	return r, nil
}

// ipfsMissFor is how long a root that could not be read is not asked
// for again: a root the node cannot find may take a lookup's whole
// timeout each time.
const ipfsMissFor = time.Minute

// lookUpIPFS finds a recording this node does not have in the roots
// index (imported, or published before its files were lost), one lookup
// at a time, a miss remembered as the store's are.
func (a *Archive) lookUpIPFS(stream, id string) *Recording {
	ia := a.ipfsSide()
	if ia == nil || !ValidName(stream) || !ValidName(id) {
		return nil
	}
	root := ia.refreshRoots()[stream+"/"+id]
	if root == "" {
		return nil
	}
	return a.lookUpOnce(ia.look, "ipfs:"+stream+"/"+id+"/"+root, ipfsMissFor, stream, id, func(ctx context.Context) (*Recording, error) {
		r, err := a.adoptRoot(ctx, ia, stream, id, root)
		if err != nil {
			a.log.Warn("archive: looking up a recording in IPFS", "stream", stream, "recording", id, "root", root, "err", err)
		}
		return r, err
	})
}

// ReadManifest reads what a published root holds (livegate.json), for
// `livegate archive import`: the recording's stream and name, checked.
func ReadManifest(ctx context.Context, node *ipfs.Client, root string) (stream, id string, err error) {
	if _, err := ipfs.ParseCID(root); err != nil {
		return "", "", fmt.Errorf("%q is not a CID: %w", root, err)
	}
	body, err := node.Cat(ctx, "/ipfs/"+root+"/"+ipfsManifest, 0, -1)
	if err != nil {
		return "", "", fmt.Errorf("reading %s/%s: %w", root, ipfsManifest, err)
	}
	defer body.Close()
	var m recordingManifest
	if err := json.NewDecoder(io.LimitReader(body, 1<<16)).Decode(&m); err != nil {
		return "", "", fmt.Errorf("%s/%s: %w", root, ipfsManifest, err)
	}
	if !ValidName(m.Stream) || !ValidName(m.Recording) {
		return "", "", fmt.Errorf("%s/%s names %q/%q: not a livegate recording", root, ipfsManifest, m.Stream, m.Recording)
	}
	return m.Stream, m.Recording, nil
}

// relistIPFS adds the stream's recordings the roots index gained (an
// import) since it was last read.
// It runs at most every relistEvery per stream, in the background (a
// listing never waits on kubo), looking up at most maxLookups roots at
// once, within lookupTimeout each.
func (a *Archive) relistIPFS(stream string) {
	ia := a.ipfsSide()
	if ia == nil {
		return
	}
	var todo []string
	for key := range ia.refreshRoots() {
		s, id, _ := strings.Cut(key, "/")
		if s != stream {
			continue
		}
		a.mu.Lock()
		have := a.find(s, id) != nil
		a.mu.Unlock()
		if !have {
			todo = append(todo, id)
		}
	}
	if len(todo) == 0 || !ia.look.relistDue(stream, a.relistEvery) {
		return
	}
	go func() {
		defer ia.look.relisted(stream)
		var wg sync.WaitGroup
		for _, id := range todo {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a.lookUpIPFS(stream, id) // bounded by lookups' slots: past them, a miss
			}()
		}
		wg.Wait()
	}()
}

// withGateways lists the gateways in a media playlist, after its
// header, one #EXT-X-LG-GATEWAY:URI="…" each, for the watch page to fall
// back on (players ignore tags they do not know).
func withGateways(playlist []byte, gateways []string) []byte {
	var tags []byte
	for _, g := range gateways {
		tags = fmt.Appendf(tags, "#EXT-X-LG-GATEWAY:URI=%q\n", g)
	}
	i := bytes.IndexByte(playlist, '\n') + 1 // after #EXTM3U
	return append(append(append([]byte(nil), playlist[:i]...), tags...), playlist[i:]...)
}
