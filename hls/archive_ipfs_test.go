package hls

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testipfs"
	"github.com/livegate/livegate/ipfs"
)

// ipfsClient is a client of the test's kubo node.
func ipfsClient(t testing.TB, n *testipfs.Node) *ipfs.Client {
	t.Helper()
	c, err := ipfs.New(n.API)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// openPublishing opens the archive in dir, publishing to node with the
// roots index at roots (after tune, if given, has set it up), closed
// when the test ends.
func openPublishing(t *testing.T, dir, roots string, node *ipfs.Client, tune ...func(*Archive)) *Archive {
	t.Helper()
	a, err := OpenArchive(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range tune {
		f(a)
	}
	if err := a.UseIPFS(context.Background(), node, IPFSOptions{Roots: roots, KeyBase: "https://live.example"}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// published waits until rec has its root CID and nothing waits.
func published(t *testing.T, a *Archive, rec *Recording) string {
	t.Helper()
	testenv.Eventually(t, "recording "+rec.ID+" published to IPFS", func() bool {
		return a.PublishBacklog() == 0 && rec.IPFSRoot() != ""
	})
	return rec.IPFSRoot()
}

// catAll reads a path of the node whole.
func catAll(t *testing.T, node *ipfs.Client, p string) []byte {
	t.Helper()
	body, err := node.Cat(context.Background(), p, 0, -1)
	if err != nil {
		t.Fatalf("cat %s: %v", p, err)
	}
	defer body.Close()
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A finished recording is in IPFS byte for byte: each segment's CID is
// what an independent `ipfs add --only-hash` gives the bytes the origin
// serves, the root is a directory with the playlists (keys at the public
// URL), the journals and the summary, pinned, and indexed.
func TestArchivePublishesARecordingToIPFS(t *testing.T) {
	kubo := testipfs.Start(t)
	node := ipfsClient(t, kubo)
	roots := filepath.Join(t.TempDir(), "roots.log")
	a := openPublishing(t, t.TempDir(), roots, node)
	low := RenditionInfo{Name: "P360p30fps16x9", Codecs: "avc1.4d401e", Key: keyMethod}
	rec, err := a.Create("demo", storeStart, RenditionInfo{Name: SourceRendition, Codecs: "avc1.64001e", Key: keyMethod})
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
	root := published(t, a, rec)
	if pinned, err := node.Pinned(context.Background(), root); err != nil || !pinned {
		t.Errorf("root %s pinned: %v %v", root, pinned, err)
	}
	cids, err := rec.cidEntries()
	if err != nil {
		t.Fatal(err)
	}
	for _, rend := range []string{SourceRendition, low.Name} {
		for seq := range uint64(3) {
			data := segData(rend, seq)
			rel := rend + "/" + SegmentName(seq)
			if got, want := cids[rel].CID, ipfs.FileCID(data); got != want {
				t.Errorf("%s: journaled CID %s, FileCID %s", rel, got, want)
			}
			if seq == 0 {
				if got, want := cids[rel].CID, testipfs.OnlyHash(t, data); got != want {
					t.Errorf("%s: journaled CID %s, ipfs add --only-hash %s", rel, got, want)
				}
			}
			if got := catAll(t, node, "/ipfs/"+root+"/"+rel); !bytes.Equal(got, data) {
				t.Errorf("%s in the root: %d bytes, want the segment's %d", rel, len(got), len(data))
			}
		}
	}
	media := string(catAll(t, node, "/ipfs/"+root+"/source/index.m3u8"))
	for _, want := range []string{"#EXT-X-ENDLIST", "\n0.ts\n", `URI="https://live.example/key/demo/` + rec.ID + `/2"`} {
		if !strings.Contains(media, want) {
			t.Errorf("the published source playlist lacks %q:\n%s", want, media)
		}
	}
	if master := string(catAll(t, node, "/ipfs/"+root+"/index.m3u8")); !strings.Contains(master, low.Name+"/index.m3u8") {
		t.Errorf("the published master playlist lacks the rendition:\n%s", master)
	}
	stream, id, err := ReadManifest(context.Background(), node, root)
	if err != nil || stream != "demo" || id != rec.ID {
		t.Errorf("manifest: %q %q %v", stream, id, err)
	}
	f, err := os.Open(roots)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := readRoots(f)["demo/"+rec.ID]; got != root {
		t.Errorf("roots index says %q, want %s", got, root)
	}

	// Served with a gateway, the playlist names the segments there, with
	// the origin's name in the fragment; keys stay on the origin.
	get := serveVODWith(t, a, []string{kubo.Gateway, "http://127.0.0.1:9"})
	code, body := get("/vod/demo/" + rec.ID + "/source/index.m3u8")
	pl := string(body)
	if code != http.StatusOK || !strings.Contains(pl, kubo.Gateway+"/ipfs/"+cids["source/1.ts"].CID+"#lg-origin=1.ts") ||
		!strings.Contains(pl, `#EXT-X-LG-GATEWAY:URI="http://127.0.0.1:9"`) || !strings.Contains(pl, `URI="/key/demo/`+rec.ID+`/1"`) {
		t.Errorf("VOD playlist with gateways: %d\n%s", code, pl)
	}
	resp, err := http.Get(kubo.Gateway + "/ipfs/" + cids["source/1.ts"].CID)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(got, segData(SourceRendition, 1)) {
		t.Errorf("the gateway served %d bytes, want segment 1's %d", len(got), len(segData(SourceRendition, 1)))
	}
	if _, body := get("/vod/demo/"); !strings.Contains(string(body), `"ipfs":"`+root+`"`) {
		t.Errorf("the listing lacks the root: %s", body)
	}
}

// serveVODWith serves demo's recordings in a, naming gateways.
func serveVODWith(t *testing.T, a *Archive, gateways []string) func(path string, hdr ...string) (int, []byte) {
	t.Helper()
	st := NewStream("demo", a, Options{Window: 3, ReconnectGrace: -1}, quiet)
	t.Cleanup(func() { st.Close() })
	mux := http.NewServeMux()
	(&Origin{Streams: map[string]*Stream{"demo": st}, Archive: a, Logger: quiet, Gateways: gateways}).Register(mux)
	web := httptest.NewServer(mux)
	t.Cleanup(web.Close)
	return func(path string, hdr ...string) (int, []byte) {
		resp, body := testenv.Get(t, http.MethodGet, web.URL+path, hdr...)
		return resp.StatusCode, body
	}
}

// A node whose archive directory is gone restores the recording from its
// root (the roots index outlives the directory): listed, its playlists
// and segments served from IPFS, with the gateway's CIDs; a restart
// keeps it. Another node imports it by its root alone.
func TestArchiveRestoresARecordingFromIPFS(t *testing.T) {
	kubo := testipfs.Start(t)
	node := ipfsClient(t, kubo)
	roots := filepath.Join(t.TempDir(), "roots.log")
	dir := t.TempDir()
	a := openPublishing(t, dir, roots, node)
	rec, err := a.Create("demo", storeStart, RenditionInfo{Name: SourceRendition, Codecs: "avc1.64001e", Key: keyMethod})
	if err != nil {
		t.Fatal(err)
	}
	record(rec, 0, 3, SourceRendition)
	if err := rec.Finish(storeStart.Add(6 * time.Second)); err != nil {
		t.Fatal(err)
	}
	root := published(t, a, rec)
	a.Close()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}

	a2 := openPublishing(t, dir, roots, node)
	list := a2.Recordings("demo")
	if len(list) != 1 || list[0].ID != rec.ID || list[0].IPFSRoot() != root || list[0].Summary().Segments != 3 {
		t.Fatalf("restored listing: %d recordings", len(list))
	}
	get := serveVODWith(t, a2, []string{kubo.Gateway})
	code, body := get("/vod/demo/" + rec.ID + "/source/2.ts")
	if code != http.StatusOK || !bytes.Equal(body, segData(SourceRendition, 2)) {
		t.Errorf("restored segment 2: %d, %d bytes", code, len(body))
	}
	if _, pl := get("/vod/demo/" + rec.ID + "/source/index.m3u8"); !strings.Contains(string(pl), kubo.Gateway+"/ipfs/"+ipfs.FileCID(segData(SourceRendition, 0))) {
		t.Errorf("restored playlist does not name the gateway:\n%s", pl)
	}
	a2.Close()

	// A restart finds the journals cached and the segments still in IPFS.
	a3 := openPublishing(t, dir, roots, node)
	get = serveVODWith(t, a3, nil)
	if code, body := get("/vod/demo/" + rec.ID + "/source/1.ts"); code != http.StatusOK || !bytes.Equal(body, segData(SourceRendition, 1)) {
		t.Errorf("after a restart, segment 1: %d, %d bytes", code, len(body))
	}
	if a3.PublishBacklog() != 0 {
		t.Errorf("a restored recording is published again: backlog %d", a3.PublishBacklog())
	}

	// Another node, with nothing, imports the root and finds it when asked.
	other := filepath.Join(t.TempDir(), "roots.log")
	a4 := openPublishing(t, t.TempDir(), other, node)
	if a4.Recording("demo", rec.ID) != nil {
		t.Fatal("found before the import")
	}
	stream, id, err := ReadManifest(context.Background(), node, root)
	if err != nil {
		t.Fatal(err)
	}
	if err := AppendRoot(other, stream, id, root); err != nil {
		t.Fatal(err)
	}
	// The index changed after a4 read it: the miss is not remembered
	// against the new root.
	if got := a4.Recording("demo", rec.ID); got == nil || got.Summary().Segments != 3 {
		t.Fatalf("imported recording: %+v", got)
	}
}

// kubo down mid-recording: the recording goes on, nothing waits on it,
// and once kubo is back every segment is added and the root published.
// An archive closed during the outage resumes at its next start.
func TestPublishingWaitsOutAnIPFSOutage(t *testing.T) {
	kubo := testipfs.Start(t)
	node := ipfsClient(t, kubo)
	roots := filepath.Join(t.TempDir(), "roots.log")
	dir := t.TempDir()
	a := openPublishing(t, dir, roots, node, func(a *Archive) { a.uploadQueue = 2 })
	rec, err := a.Create("demo", storeStart, RenditionInfo{Name: SourceRendition, Codecs: "avc1.64001e"})
	if err != nil {
		t.Fatal(err)
	}
	record(rec, 0, 1, SourceRendition)
	testenv.Eventually(t, "the first segment added", func() bool {
		c, _ := rec.cidEntries()
		return c["source/0.ts"].CID != ""
	})
	kubo.Stop()
	start := time.Now()
	record(rec, 1, 8, SourceRendition)
	testenv.Eventually(t, "segments written while kubo is down", func() bool { return rec.Summary().Segments == 8 })
	if err := rec.Finish(storeStart.Add(16 * time.Second)); err != nil {
		t.Fatal(err)
	}
	t.Logf("8 segments recorded and the recording finished in %v with kubo down", time.Since(start))
	if n := a.PublishBacklog(); n < 2 {
		t.Errorf("backlog %d with kubo down", n)
	}
	a.Close() // abandoned: the next start resumes
	if rec.IPFSRoot() != "" {
		t.Fatal("published while kubo was down")
	}
	kubo.Restart()
	a2 := openPublishing(t, dir, roots, node)
	rec2 := a2.Recording("demo", rec.ID)
	root := published(t, a2, rec2)
	for seq := range uint64(8) {
		if got := catAll(t, node, "/ipfs/"+root+"/source/"+SegmentName(seq)); !bytes.Equal(got, segData(SourceRendition, seq)) {
			t.Errorf("segment %d in the root: %d bytes", seq, len(got))
		}
	}
}

// A recording read from a root reads nothing outside it.
func TestIPFSRootRefusesOtherKeys(t *testing.T) {
	st := ipfsRoot{root: "bafkqaaa", stream: "demo", id: "r1"}
	for _, key := range []string{"demo/r2/source/1.ts", "demo/r1/../x", "demo/r1/source/01.ts", "demo/r1/ipfs.log", "other/r1/recording.json"} {
		if _, err := st.Get(context.Background(), key, 0, -1); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Get(%q) = %v, want not found", key, err)
		}
	}
}

// The CID journal and the roots index are read after crashes and from
// files anyone may have edited: nothing in them may panic, and only
// valid entries (names, CIDs) are kept.
func FuzzIPFSJournals(f *testing.F) {
	f.Add([]byte(`{"path":"source/1.ts","cid":"bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy","size":5}` + "\n" + `{"path":"../x","cid":"b","size":1}` + "\n{torn"))
	f.Add([]byte(`{"stream":"demo","recording":"r1","root":"bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"}` + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for rel, e := range readCIDJournal(bytes.NewReader(b)) {
			if rel != e.Path || !validRel(rel) || e.Size < 0 {
				t.Fatalf("kept %q: %+v", rel, e)
			}
			if _, err := ipfs.ParseCID(e.CID); err != nil {
				t.Fatalf("kept a bad CID %q", e.CID)
			}
		}
		for key, root := range readRoots(bytes.NewReader(b)) {
			s, id, _ := strings.Cut(key, "/")
			if !ValidName(s) || !ValidName(id) {
				t.Fatalf("kept %q", key)
			}
			if _, err := ipfs.ParseCID(root); err != nil {
				t.Fatalf("kept a bad root %q", root)
			}
		}
	})
}

// Only what the caller's rule allows goes public: a clear recording of
// a priced stream (sold segment by segment) is never added, an
// encrypted one is.
func TestOnlyPublishableRecordingsGoToIPFS(t *testing.T) {
	kubo := testipfs.Start(t)
	node := ipfsClient(t, kubo)
	a, err := OpenArchive(t.TempDir(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	err = a.UseIPFS(context.Background(), node, IPFSOptions{Roots: filepath.Join(t.TempDir(), "roots.log"),
		Publish: func(stream string, encrypted bool) bool { return encrypted }})
	if err != nil {
		t.Fatal(err)
	}
	clear, err := a.Create("demo", storeStart, RenditionInfo{Name: SourceRendition, Codecs: "avc1.64001e"})
	if err != nil {
		t.Fatal(err)
	}
	record(clear, 0, 2, SourceRendition)
	if err := clear.Finish(storeStart.Add(4 * time.Second)); err != nil {
		t.Fatal(err)
	}
	sealed, err := a.Create("demo", storeStart.Add(time.Minute), RenditionInfo{Name: SourceRendition, Codecs: "avc1.64001e", Key: keyMethod})
	if err != nil {
		t.Fatal(err)
	}
	record(sealed, 2, 4, SourceRendition)
	if err := sealed.Finish(storeStart.Add(time.Minute + 4*time.Second)); err != nil {
		t.Fatal(err)
	}
	published(t, a, sealed)
	if root := clear.IPFSRoot(); root != "" {
		t.Errorf("the clear recording was published: %s", root)
	}
	if c, _ := clear.cidEntries(); len(c) != 0 {
		t.Errorf("the clear recording's files were added: %v", c)
	}
	if pinned, err := node.Pinned(context.Background(), ipfs.FileCID(segData(SourceRendition, 0))); err != nil || pinned {
		t.Errorf("the clear segment is pinned on the node: %v %v", pinned, err)
	}
}

// A CID journal the node no longer backs (its repo replaced, its pins
// removed) does not stall publishing: the missing files are added again
// and the recording is published on the node in use.
func TestAStaleCIDJournalIsAddedAgain(t *testing.T) {
	first := testipfs.Start(t)
	dir := t.TempDir()
	roots := filepath.Join(t.TempDir(), "roots.log")
	a := openPublishing(t, dir, roots, ipfsClient(t, first))
	rec, err := a.Create("demo", storeStart, RenditionInfo{Name: SourceRendition, Codecs: "avc1.64001e"})
	if err != nil {
		t.Fatal(err)
	}
	record(rec, 0, 2, SourceRendition)
	testenv.Eventually(t, "both segments journaled", func() bool {
		c, _ := rec.cidEntries()
		return len(c) == 2
	})
	a.Close() // cut off before the recording ended: the next start finishes it
	first.Stop()

	second := testipfs.Start(t) // an empty repo
	node := ipfsClient(t, second)
	a2 := openPublishing(t, dir, roots, node)
	root := published(t, a2, a2.Recording("demo", rec.ID))
	for seq := range uint64(2) {
		if got := catAll(t, node, "/ipfs/"+root+"/source/"+SegmentName(seq)); !bytes.Equal(got, segData(SourceRendition, seq)) {
			t.Errorf("segment %d from the new node: %d bytes", seq, len(got))
		}
	}
}

// A root anyone may have published is read with bounds: too many
// renditions, a repeated one, or a last segment number that would push
// the stream's numbering to wrap are refused, and the recording is not
// listed.
func TestAHostileRootIsRefused(t *testing.T) {
	kubo := testipfs.Start(t)
	node := ipfsClient(t, kubo)
	roots := filepath.Join(t.TempDir(), "roots.log")
	a := openPublishing(t, t.TempDir(), roots, node)
	addBytes := func(b []byte) string {
		cid, _, err := node.Add(context.Background(), bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return cid
	}
	journal := addBytes([]byte(`{"name":"source","codecs":"avc1.64001e"}` + "\n"))
	last := uint64(1<<64 - 2)
	for i, sum := range []summary{
		{ID: "r1", Renditions: manyRenditions(33)},
		{ID: "r2", Renditions: []RenditionInfo{{Name: "source"}, {Name: "source"}}},
		{ID: "r3", Renditions: manyRenditions(1), LastSeq: &last},
	} {
		files := map[string]string{summaryFile: addBytes(sum.marshal()), "source/" + journalFile: journal}
		root, err := node.Dir(context.Background(), files)
		if err != nil {
			t.Fatal(err)
		}
		if err := AppendRoot(roots, "demo", sum.ID, root); err != nil {
			t.Fatal(err)
		}
		if got := a.Recording("demo", sum.ID); got != nil {
			t.Errorf("hostile summary %d adopted: %+v", i, got.Summary())
		}
	}
	if next := a.NextSeq("demo"); next != 0 {
		t.Errorf("the stream's numbering moved to %d", next)
	}
}

func manyRenditions(n int) []RenditionInfo {
	out := make([]RenditionInfo, n)
	for i := range out {
		out[i] = RenditionInfo{Name: "r" + strconv.Itoa(i)}
	}
	out[0].Name = SourceRendition
	return out
}

// An append after a line a crash left torn starts on a line of its own:
// the torn line is lost, not the new one.
func TestAppendAfterATornLine(t *testing.T) {
	roots := filepath.Join(t.TempDir(), "roots.log")
	if err := os.WriteFile(roots, []byte(`{"stream":"demo","recording":"r0","ro`), 0o644); err != nil {
		t.Fatal(err)
	}
	root := ipfs.FileCID([]byte("x"))
	if err := AppendRoot(roots, "demo", "r1", root); err != nil {
		t.Fatal(err)
	}
	if got := IndexedRoot(roots, "demo", "r1"); got != root {
		t.Errorf("after a torn line, the index lists %q for r1, want %s", got, root)
	}
}
