package ipfs

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testipfs"
)

// start runs a kubo node for one test and a client for it.
func start(t *testing.T) (*testipfs.Node, *Client, context.Context) {
	t.Helper()
	n := testipfs.Start(t)
	c, err := New(n.API)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return n, c, ctx
}

func random(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func add(t *testing.T, ctx context.Context, c *Client, data []byte) string {
	t.Helper()
	cid, size, err := c.Add(ctx, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if size != int64(len(data)) {
		t.Fatalf("Add read %d bytes of %d", size, len(data))
	}
	return cid
}

func cat(t *testing.T, ctx context.Context, c *Client, p string, off, n int64) []byte {
	t.Helper()
	r, err := c.Cat(ctx, p, off, n)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAddAgreesWithFileCIDAndKubo: for the sizes around a chunk's edge
// (none, one byte, exactly one chunk, one byte more) and a segment of
// 3 MB, the CID kubo's daemon gives an added file, the one its CLI
// computes on its own and FileCID's are the same, and the file is pinned.
func TestAddAgreesWithFileCIDAndKubo(t *testing.T) {
	_, c, ctx := start(t)
	for _, size := range []int{0, 1, chunkSize, chunkSize + 1, 3_000_000} {
		data := random(t, size)
		cid := add(t, ctx, c, data)
		if want := testipfs.OnlyHash(t, data); cid != want {
			t.Fatalf("%d bytes: kubo's add gave %s, its --only-hash %s", size, cid, want)
		}
		if got := FileCID(data); got != cid {
			t.Fatalf("%d bytes: FileCID gave %s, kubo %s", size, got, cid)
		}
		pinned, err := c.Pinned(ctx, cid)
		if err != nil || !pinned {
			t.Fatalf("%d bytes: Pinned(%s) = %v, %v after Add", size, cid, pinned, err)
		}
	}
	unpinned := FileCID(random(t, 10))
	if pinned, err := c.Pinned(ctx, unpinned); err != nil || pinned {
		t.Fatalf("Pinned(%s), never added: %v, %v", unpinned, pinned, err)
	}
}

// TestFileCIDOfADeepTree: past 174 chunks (45.6 MB) kubo's balanced
// layout adds a level; FileCID must too. Only the CLI is needed.
func TestFileCIDOfADeepTree(t *testing.T) {
	if testing.Short() {
		t.Skip("46 MB hashed twice")
	}
	data := bytes.Repeat([]byte("livegate "), (maxFileLinks*chunkSize+chunkSize/2)/9)
	if got, want := FileCID(data), testipfs.OnlyHash(t, data); got != want {
		t.Fatalf("%d bytes: FileCID gave %s, kubo %s", len(data), got, want)
	}
}

// TestCatReadsRanges: whole files, ranges inside a chunk, across the
// edge between two, past the end, and of length 0.
func TestCatReadsRanges(t *testing.T) {
	_, c, ctx := start(t)
	data := random(t, 2*chunkSize+1000)
	p := "/ipfs/" + add(t, ctx, c, data)
	for _, tc := range []struct{ off, n int64 }{
		{0, -1}, {0, 10}, {100, 50}, {chunkSize - 10, 20}, {chunkSize, -1},
		{int64(len(data)) - 5, 100}, {int64(len(data)), -1}, {7, 0},
	} {
		want := data[min(tc.off, int64(len(data))):]
		if tc.n >= 0 && tc.n < int64(len(want)) {
			want = want[:tc.n]
		}
		if got := cat(t, ctx, c, p, tc.off, tc.n); !bytes.Equal(got, want) {
			t.Fatalf("Cat(off %d, n %d): %d bytes, want %d", tc.off, tc.n, len(got), len(want))
		}
	}
	if _, err := c.Cat(ctx, p, -1, 1); err == nil {
		t.Fatal("Cat took a negative offset")
	}
}

// TestDirBuildsARecordingsTree: a nested directory of files already
// added, listed with their CIDs, pinned, and served by the gateway under
// the root's path; what is not in it is fs.ErrNotExist.
func TestDirBuildsARecordingsTree(t *testing.T) {
	n, c, ctx := start(t)
	contents := map[string][]byte{
		"index.m3u8":        []byte("#EXTM3U\n"),
		"source/index.m3u8": []byte("#EXTM3U\n#EXT-X-VERSION:3\n"),
		"source/12.ts":      random(t, chunkSize+7),
		"source/13.ts":      random(t, 1000),
		"720p/12.ts":        random(t, 500),
	}
	// More files than Dir makes MFS changes between flushes.
	for i := range 2 * flushEvery {
		contents[fmt.Sprintf("source/%d.ts", 100+i)] = []byte(fmt.Sprint("segment ", i))
	}
	files := map[string]string{}
	for p, b := range contents {
		files[p] = add(t, ctx, c, b)
	}
	root, err := c.Dir(ctx, files)
	if err != nil {
		t.Fatal(err)
	}
	if cid, err := ParseCID(root); err != nil || cid.Codec != CodecDagPB {
		t.Fatalf("root %s: %+v, %v; want a dag-pb CIDv1", root, cid, err)
	}
	top, err := c.Ls(ctx, "/ipfs/"+root)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range top {
		names = append(names, e.Name)
		if want := e.Name != "index.m3u8"; e.Dir != want {
			t.Fatalf("%s: Dir %v", e.Name, e.Dir)
		}
	}
	if !slices.Equal(names, []string{"720p", "index.m3u8", "source"}) {
		t.Fatalf("root lists %v", names)
	}
	source, err := c.Ls(ctx, "/ipfs/"+root+"/source")
	if err != nil {
		t.Fatal(err)
	}
	if len(source) != 3+2*flushEvery {
		t.Fatalf("source lists %d entries, want %d", len(source), 3+2*flushEvery)
	}
	for _, e := range source {
		p := "source/" + e.Name
		if e.CID != files[p] || e.Size != int64(len(contents[p])) || e.Dir {
			t.Fatalf("%s listed as %+v; added as %s of %d bytes", p, e, files[p], len(contents[p]))
		}
	}
	if pinned, err := c.Pinned(ctx, root); err != nil || !pinned {
		t.Fatalf("root %s: pinned %v, %v", root, pinned, err)
	}
	if got := cat(t, ctx, c, "/ipfs/"+root+"/source/13.ts", 0, -1); !bytes.Equal(got, contents["source/13.ts"]) {
		t.Fatal("Cat through the root read other bytes")
	}
	resp, body := testenv.Get(t, "GET", n.Gateway+"/ipfs/"+root+"/source/12.ts")
	if resp.StatusCode != 200 || !bytes.Equal(body, contents["source/12.ts"]) {
		t.Fatalf("gateway /ipfs/%s/source/12.ts: %s, %d bytes", root, resp.Status, len(body))
	}

	// The temporary MFS tree is gone; the root stays (pinned).
	if err := c.callNothing(ctx, "files/stat", map[string][]string{"arg": {"/livegate-tmp"}}); err == nil {
		entries := 0
		var out struct{ Entries []struct{ Name string } }
		if err := c.callJSON(ctx, "files/ls", map[string][]string{"arg": {"/livegate-tmp"}}, &out); err == nil {
			entries = len(out.Entries)
		}
		if entries != 0 {
			t.Fatalf("MFS /livegate-tmp still holds %d entries", entries)
		}
	}

	for _, p := range []string{"/ipfs/" + root + "/nope.ts", "/ipfs/" + root + "/source/14.ts", "/ipfs/" + FileCID(random(t, 64))} {
		if _, err := c.Cat(ctx, p, 0, -1); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("Cat(%s): %v, want fs.ErrNotExist", p, err)
		}
		if _, err := c.Ls(ctx, p); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("Ls(%s): %v, want fs.ErrNotExist", p, err)
		}
	}
}

// TestDirRefusesBadPaths: nothing is sent for a path that is not plain
// relative names, or a CID ParseCID refuses.
func TestDirRefusesBadPaths(t *testing.T) {
	// Refused before any call: a client of a port nothing listens on.
	c, err := New("http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	cid := FileCID([]byte("x"))
	for _, files := range []map[string]string{
		{"": cid}, {"/index.m3u8": cid}, {"a//b": cid}, {"a/": cid}, {"./a": cid},
		{"a/../b": cid}, {"..": cid}, {"a\x00b": cid},
		{"a": cid, "a/b": cid},
		{"a": "QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR"}, {"a": cid + "/x"},
	} {
		_, err := c.Dir(context.Background(), files)
		if err == nil || errors.Is(err, ErrUnreachable) {
			t.Errorf("Dir(%q): %v; want it refused before any call", files, err)
		}
	}
	for _, p := range []string{"", "/ipfs/", "/ipfs/" + cid + "/", "/ipns/" + cid, "/ipfs/" + cid + "/../x", "ipfs/" + cid, "/ipfs/" + cid + "//a"} {
		if _, err := c.Cat(context.Background(), p, 0, -1); err == nil || errors.Is(err, ErrUnreachable) {
			t.Errorf("Cat(%q): %v; want it refused before any call", p, err)
		}
		if _, err := c.Ls(context.Background(), p); err == nil || errors.Is(err, ErrUnreachable) {
			t.Errorf("Ls(%q): %v; want it refused before any call", p, err)
		}
	}
}

// TestAddWhileKuboIsDown: a stopped node makes Add fail (not hang) with
// an error naming the node, wrapping ErrUnreachable; after a restart Add
// works again.
func TestAddWhileKuboIsDown(t *testing.T) {
	n, c, ctx := start(t)
	n.Stop()
	data := random(t, 100_000)
	_, _, err := c.Add(ctx, bytes.NewReader(data))
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "kubo at "+n.API+" unreachable") {
		t.Fatalf("Add to a stopped node: %v", err)
	}
	if ctx.Err() != nil {
		t.Fatal("Add waited for the test's deadline")
	}
	n.Restart()
	if cid := add(t, ctx, c, data); cid != FileCID(data) {
		t.Fatalf("after a restart: %s, want %s", cid, FileCID(data))
	}
	id, err := c.ID(ctx)
	if err != nil || !strings.HasPrefix(id, "12D3Koo") {
		t.Fatalf("ID: %q, %v", id, err)
	}
}

// TestAddReportsAReadError: an error reading the data is the caller's,
// not the node's.
func TestAddReportsAReadError(t *testing.T) {
	_, c, ctx := start(t)
	broken := errors.New("disk gone")
	r := io.MultiReader(bytes.NewReader(random(t, 1000)), &failingReader{err: broken})
	_, size, err := c.Add(ctx, r)
	if !errors.Is(err, broken) || errors.Is(err, ErrUnreachable) {
		t.Fatalf("Add of a failing reader: %v", err)
	}
	if size != 1000 {
		t.Fatalf("Add read %d bytes, want the 1000 before the error", size)
	}
}

type failingReader struct{ err error }

func (f *failingReader) Read([]byte) (int, error) { return 0, f.err }

// TestNewRefusesBadURLs: only http(s)://host:port, each refusal saying
// what is wanted.
func TestNewRefusesBadURLs(t *testing.T) {
	for _, api := range []string{
		"", "127.0.0.1:5001", "http://127.0.0.1", "ftp://127.0.0.1:5001", "http://:5001",
		"http://127.0.0.1:5001/api/v0", "http://127.0.0.1:5001?x=1", "http://u:p@127.0.0.1:5001",
		"http://127.0.0.1:5001#f", "http://127.0.0.1:5001 ", "/ip4/127.0.0.1/tcp/5001",
	} {
		if _, err := New(api); err == nil || !strings.Contains(err.Error(), "http://host:port") {
			t.Errorf("New(%q): %v", api, err)
		}
	}
	for _, api := range []string{"http://127.0.0.1:5001", "http://127.0.0.1:5001/", "http://[::1]:5001", "https://ipfs.example:443"} {
		c, err := New(api)
		if err != nil {
			t.Fatalf("New(%q): %v", api, err)
		}
		if got := c.String(); got != strings.TrimSuffix(api, "/") {
			t.Fatalf("New(%q).String() = %q", api, got)
		}
	}
}
