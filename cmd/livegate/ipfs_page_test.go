package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livegate/livegate/cmd/livegate/web"
	"github.com/livegate/livegate/internal/testbrowser"
	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testipfs"
	"github.com/livegate/livegate/internal/testmedia"
)

// TestIPFSPageVerifiesAndFallsBack checks the watch page's IPFS replay
// (web/src/ipfs.js) against a real kubo: the CIDs the page computes are
// kubo's, and its segment loader takes a segment from the first gateway
// whose bytes match the segment's CID, passing over a gateway that lies,
// and from the origin when no gateway has it.
func TestIPFSPageVerifiesAndFallsBack(t *testing.T) {
	ffmpeg := testenv.Tool(t, "ffmpeg")
	node := testipfs.Start(t)
	b := testbrowser.Start(t)

	// Three MPEG-TS segments of the test clip (clear: keys are not the
	// point here), 0 and 1 added to kubo, 2 only hashed: no gateway has it.
	dir := t.TempDir()
	cut := exec.Command(ffmpeg, "-hide_banner", "-loglevel", "error", "-i", testmedia.ClipPath(), "-c", "copy",
		"-f", "hls", "-hls_time", "2", "-hls_list_size", "0", "-hls_segment_filename", filepath.Join(dir, "%d.ts"),
		filepath.Join(dir, "ff.m3u8"))
	if out, err := cut.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg cutting segments: %v\n%s", err, out)
	}
	ff, err := os.ReadFile(filepath.Join(dir, "ff.m3u8"))
	if err != nil {
		t.Fatal(err)
	}
	durations := regexp.MustCompile(`#EXTINF:([0-9.]+),`).FindAllStringSubmatch(string(ff), -1)
	if len(durations) < 3 {
		t.Fatalf("ffmpeg cut %d segments, want 3 or more:\n%s", len(durations), ff)
	}
	durations = durations[:3]
	cids := make([]string, len(durations))
	for i := range durations {
		f := filepath.Join(dir, fmt.Sprintf("%d.ts", i))
		if i < 2 {
			cids[i] = addTo(t, node, f)
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cids[i] = testipfs.OnlyHash(t, data)
	}

	// Gateway A answers every request at once with bytes that are not
	// the segment: a gateway that lies (or a cache gone wrong).
	var mu sync.Mutex
	var liarHits, originSegments []string
	liar := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		liarHits = append(liarHits, r.URL.String())
		mu.Unlock()
		w.Header().Set("Access-Control-Allow-Origin", "*")
		_, _ = w.Write([]byte(strings.Repeat("not the segment you asked for\n", 1000)))
	}))
	t.Cleanup(liar.Close)

	// The origin serves the watch page, a free recording's master and
	// media playlists in livegate's layout, and the segments' files.
	media := "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:3\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n" +
		fmt.Sprintf("#EXT-X-LG-GATEWAY:URI=%q\n#EXT-X-LG-GATEWAY:URI=%q\n", liar.URL, node.Gateway)
	for i, d := range durations {
		media += fmt.Sprintf("#EXTINF:%s,\n%s/ipfs/%s#lg-origin=%d.ts\n", d[1], liar.URL, cids[i], i)
	}
	media += "#EXT-X-ENDLIST\n"
	mux := http.NewServeMux()
	web.New(liar.URL, node.Gateway).Register(mux)        // as livegate serve does with ipfs.gateways
	mux.HandleFunc("GET /pay/demo/terms", http.NotFound) // free
	mux.HandleFunc("GET /vod/demo/rec/index.m3u8", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		_, _ = w.Write([]byte("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000000\nsource/index.m3u8\n"))
	})
	mux.HandleFunc("GET /vod/demo/rec/source/index.m3u8", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		_, _ = w.Write([]byte(media))
	})
	mux.HandleFunc("GET /vod/demo/rec/source/{seg}", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		originSegments = append(originSegments, r.PathValue("seg"))
		mu.Unlock()
		http.ServeFile(w, r, filepath.Join(dir, filepath.Base(r.PathValue("seg"))))
	})
	origin := httptest.NewServer(mux)
	t.Cleanup(origin.Close)
	b.Open(origin.URL + "/watch/demo/rec")

	pageCIDsAreKubos(t, b)

	// The replay plays, its segments from kubo past the lying gateway,
	// the one no gateway has from the origin.
	b.Poll("the replay plays its three segments", 25*time.Second,
		`const s = window.livegate.state(); return s.fragments >= 3 && s.time > 1`,
		`return window.livegate.state()`)
	var st struct {
		IPFS   struct{ Gateway, Origin, Bad, Failed int }
		Errors []string
	}
	b.MustEval(&st, `return window.livegate.state()`)
	if st.IPFS.Gateway == 0 || st.IPFS.Bad == 0 || st.IPFS.Origin == 0 {
		t.Errorf("segments from gateways %d, from the origin %d, bad bytes %d, gateway failures %d; want each source used",
			st.IPFS.Gateway, st.IPFS.Origin, st.IPFS.Bad, st.IPFS.Failed)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(originSegments) == 0 {
		t.Error("the origin served no segment: the one no gateway has came from elsewhere")
	}
	for _, s := range originSegments {
		if s != "2.ts" {
			t.Errorf("the origin served %s, which kubo's gateway has (all: %v)", s, originSegments)
		}
	}
	// The liar, first in every URL, lied about segment 0; segment 1,
	// loaded next, went to kubo first, and the liar was not asked.
	if len(liarHits) == 0 || slices.ContainsFunc(liarHits, func(u string) bool { return strings.Contains(u, cids[1]) }) {
		t.Errorf("the lying gateway was asked for %v: never, or again after it lied (segment 1 is %s)", liarHits, cids[1])
	}
	t.Logf("counts %+v; origin served %v; the liar was asked %d times; hls.js errors %v", st.IPFS, originSegments, len(liarHits), st.Errors)
}

// pageCIDsAreKubos checks the CIDs the watch page open in b computes
// against kubo's, for up to a chunk (a raw leaf) and more (a dag-pb root
// over raw leaves), and that a flipped byte or a CID outside the contract
// is never taken as verified.
func pageCIDsAreKubos(t *testing.T, b *testbrowser.Browser) {
	t.Helper()
	for _, size := range []int{0, 1, 262144, 262145, 600000, 3000000} {
		data := make([]byte, size)
		_, _ = rand.Read(data)
		want := testipfs.OnlyHash(t, data)
		var got struct {
			CID             string
			Verified, Taken bool
		}
		b.MustEval(&got, `return (async (data, want) => {
			const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
			const ipfs = window.livegate.ipfs;
			const cid = await ipfs.cid(bytes);
			const verified = await ipfs.verify(bytes, want);
			if (bytes.length) bytes[bytes.length >> 1] ^= 1;
			const taken = await ipfs.verify(bytes, want);
			return {CID: cid, Verified: verified, Taken: taken};
		})(...arguments)`,
			base64.StdEncoding.EncodeToString(data), want)
		if got.CID != want || !got.Verified {
			t.Errorf("%d bytes: the page's CID %s (verified %v), kubo's %s", size, got.CID, got.Verified, want)
		}
		if size > 0 && got.Taken {
			t.Errorf("%d bytes: a flipped byte verified against %s", size, want)
		}
		if size != 1 {
			continue
		}
		// A CID outside the contract is never taken as verified,
		// even when it names these bytes: it goes to the next source.
		for _, odd := range []string{"B" + strings.ToUpper(want[1:]), want[:len(want)-1], want + "a", "z" + want[1:], ""} {
			var taken bool
			b.MustEval(&taken, `return window.livegate.ipfs.verify(Uint8Array.from(atob(arguments[0]), (c) => c.charCodeAt(0)), arguments[1])`,
				base64.StdEncoding.EncodeToString(data), odd)
			if taken {
				t.Errorf("the page took %q as a CID of %d bytes", odd, size)
			}
		}
	}
}

// addTo adds a file to node as the publisher does (`ipfs add
// --cid-version=1 --raw-leaves`, pinned), with kubo's CLI through the
// node's daemon, and returns its CID.
func addTo(t *testing.T, node *testipfs.Node, file string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, testipfs.Bin(t), "add", "--cid-version=1", "--raw-leaves", "-Q", file)
	cmd.Env = append(os.Environ(), "IPFS_PATH="+node.Repo(), "IPFS_TELEMETRY=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ipfs add %s: %v\n%s", file, err, out)
	}
	return strings.TrimSpace(string(out))
}
