package hls

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafov/m3u8"

	"github.com/livegate/livegate/ingest"
	"github.com/livegate/livegate/internal/testmedia"
)

// memSecrets keeps recording secrets in memory. The real store is the
// ledger (paywall.BoltLedger, tested there for durability, and behind
// livegate serve in cmd/livegate's tests); hls cannot import it, and
// these tests are about what the origin does with the keys.
type memSecrets struct {
	mu   sync.Mutex
	m    map[string][]byte
	fail bool
}

func (s *memSecrets) RecordingSecret(stream, recording string, create bool) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		return nil, errors.New("store down")
	}
	if s.m == nil {
		s.m = map[string][]byte{}
	}
	k := stream + "/" + recording
	if v, ok := s.m[k]; ok {
		return v, nil
	}
	if !create {
		return nil, errors.New("no secret")
	}
	v := make([]byte, 32)
	_, _ = rand.Read(v)
	s.m[k] = v
	return v, nil
}

// pricedOrigin serves a priced stream "demo" (a finished recording of 3
// segments and a live one of 4 more, renditions "source" and "low"), a
// free stream "free", and a priced stream "tok" whose segments want a
// session.
type pricedOrigin struct {
	srv       *httptest.Server
	demo, tok *Stream
	gate      *refusingGate
	rec, live *Recording
	keys      *Keyring
	store     *memSecrets
	clearLive map[uint64][]byte // what the transcoder was handed, by seq
	clearMu   sync.Mutex
	archive   *Archive
}

// clearTranscoder hands back the source segment it is given as rendition
// "low", and keeps what it was given: the bytes before encryption.
type clearTranscoder struct{ f *pricedOrigin }

func (c clearTranscoder) Transcode(_ context.Context, _ string, seg *Segment, _ RenditionInfo) ([]Transcoded, error) {
	c.f.clearMu.Lock()
	c.f.clearLive[seg.Seq] = seg.Data
	c.f.clearMu.Unlock()
	return []Transcoded{{Name: "low", Data: seg.Data}}, nil
}

func newPricedOrigin(t *testing.T) *pricedOrigin {
	t.Helper()
	f := &pricedOrigin{store: &memSecrets{}, clearLive: map[uint64][]byte{}}
	f.keys = &Keyring{Store: f.store}
	dir := t.TempDir()
	a, err := OpenArchive(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	f.archive = a
	opts := Options{Window: 3, ReconnectGrace: -1, Keys: f.keys, Transcoder: clearTranscoder{f}, TranscodeQueue: 10, TranscodeLag: 10}
	f.demo = NewStream("demo", a, opts, quiet)
	t.Cleanup(func() { _ = f.demo.Close() })
	publish(t, f.demo, synth(0, 6*time.Second, 2*time.Second, true)).Close(nil)
	publish(t, f.demo, synth(0, 9*time.Second, 2*time.Second, true))
	tokOpts := Options{Window: 3, ReconnectGrace: -1, Keys: f.keys, TokenSegments: true}
	f.tok = NewStream("tok", a, tokOpts, quiet)
	t.Cleanup(func() { _ = f.tok.Close() })
	publish(t, f.tok, synth(0, 5*time.Second, 2*time.Second, true))
	free := NewStream("free", a, Options{Window: 3, ReconnectGrace: -1}, quiet)
	t.Cleanup(func() { _ = free.Close() })
	publish(t, free, synth(0, 5*time.Second, 2*time.Second, true))
	f.gate = &refusingGate{}
	mux := http.NewServeMux()
	(&Origin{Streams: map[string]*Stream{"demo": f.demo, "tok": f.tok, "free": free}, Archive: a, Gate: f.gate}).Register(mux)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	recs := a.Recordings("demo")
	f.rec, f.live = recs[0], recs[1]
	// The renditions of the live segments are back before the tests look.
	waitFor(t, "renditions", func() bool {
		rv := f.demo.view.Load().renditions["low"]
		return rv != nil && rv.segment(6) != nil
	})
	return f
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (f *pricedOrigin) get(t *testing.T, method, path string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	return (&originFixture{srv: f.srv}).get(t, method, path, hdr...)
}

func (f *pricedOrigin) asked() []SegmentRef {
	f.gate.mu.Lock()
	defer f.gate.mu.Unlock()
	return append([]SegmentRef(nil), f.gate.asked...)
}

// keyTag reads a playlist's EXT-X-KEY for the segment named uri.
func keyTag(t *testing.T, playlist []byte, uri string) *m3u8.Key {
	t.Helper()
	media := testmedia.MediaPlaylist(t, playlist)
	var key *m3u8.Key
	for _, s := range testmedia.Listed(media) {
		if s.Key != nil {
			key = s.Key
		}
		if s.URI == uri {
			return key
		}
	}
	t.Fatalf("no segment %s in\n%s", uri, playlist)
	return nil
}

func parseIV(t *testing.T, attr string) [aes.BlockSize]byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(attr, "0x"))
	if err != nil || len(b) != aes.BlockSize || !strings.HasPrefix(attr, "0x") {
		t.Fatalf("IV %q", attr)
	}
	return [aes.BlockSize]byte(b)
}

// A priced stream's segments, in every rendition, are encrypted under
// their segment's key, public and immutable; the gate is never asked for
// them. Its playlists name each segment's key and IV, the keys decrypt
// what the transcoder was handed, and a key decrypts only its own segment.
func TestPricedSegmentsAreEncryptedAndPublic(t *testing.T) {
	f := newPricedOrigin(t)
	for _, rend := range []string{"source", "low"} {
		_, pl := f.get(t, "GET", "/live/demo/"+rend+"/index.m3u8")
		for _, seq := range []uint64{4, 6} { // the gate refuses odd ones
			uri := SegmentName(seq)
			k := keyTag(t, pl, uri)
			want := KeyPath("demo", f.live.ID, seq)
			if k == nil || k.Method != "AES-128" || k.URI != want {
				t.Fatalf("%s %s: key %+v, want AES-128 at %s\n%s", rend, uri, k, want, pl)
			}
			iv := parseIV(t, k.IV)
			resp, body := f.get(t, "GET", "/live/demo/"+rend+"/"+uri)
			if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
				t.Fatalf("%s %s: %d, Cache-Control %q", rend, uri, resp.StatusCode, resp.Header.Get("Cache-Control"))
			}
			if len(body) == 0 || len(body)%aes.BlockSize != 0 || body[0] == 0x47 && body[188] == 0x47 {
				t.Fatalf("%s %s does not look encrypted: %d bytes, % x…", rend, uri, len(body), body[:8])
			}
			if _, err := testmedia.DemuxTS(body); err == nil {
				t.Errorf("%s %s demuxes without its key", rend, uri)
			}
			resp, key := f.get(t, "GET", k.URI)
			if resp.StatusCode != 200 || len(key) != KeySize || resp.Header.Get("Content-Type") != "application/octet-stream" ||
				resp.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("key %s: %d, %d bytes, %v", k.URI, resp.StatusCode, len(key), resp.Header)
			}
			plain, err := Decrypt([KeySize]byte(key), iv, body)
			if err != nil {
				t.Fatalf("%s %s with its key: %v", rend, uri, err)
			}
			f.clearMu.Lock()
			clear := f.clearLive[seq]
			f.clearMu.Unlock()
			if !bytes.Equal(plain, clear) {
				t.Errorf("%s %s decrypts to %d bytes, not the %d the segmenter made", rend, uri, len(plain), len(clear))
			}
			if ts, err := testmedia.DemuxTS(plain); err != nil || len(ts.Video) == 0 {
				t.Errorf("%s %s decrypted: %v", rend, uri, err)
			}
			// Key seq+1 does not open segment seq.
			other, err := f.keys.Key("demo", f.live.ID, seq+1)
			if err != nil || other == [KeySize]byte(key) {
				t.Fatalf("key %d: %x, %v", seq+1, other, err)
			}
			if p, err := Decrypt(other, iv, body); err == nil && bytes.Equal(p, clear) {
				t.Errorf("key %d decrypts segment %d", seq+1, seq)
			}
		}
	}
	// The renditions of one segment share its key but not its IV.
	_, src := f.get(t, "GET", "/live/demo/source/index.m3u8")
	_, low := f.get(t, "GET", "/live/demo/low/index.m3u8")
	ks, kl := keyTag(t, src, "6.ts"), keyTag(t, low, "6.ts")
	if ks.URI != kl.URI || ks.IV == kl.IV {
		t.Errorf("source key %+v, low key %+v: want one URI, two IVs", ks, kl)
	}
	for _, ref := range f.asked() {
		if ref.Rendition != "" {
			t.Errorf("the gate was asked about a segment: %+v", ref)
		}
	}
}

// The key URL is the gate: it asks before every key, and a refusal is
// the answer. A key to anything that is not a segment of an encrypted
// recording is 404 and the gate is not asked (nothing is charged).
func TestKeysAreSoldAndOnlyForSegments(t *testing.T) {
	f := newPricedOrigin(t)
	resp, body := f.get(t, "GET", KeyPath("demo", f.live.ID, 5))
	if resp.StatusCode != http.StatusPaymentRequired || len(body) == KeySize {
		t.Errorf("a refused key: %d, %d bytes", resp.StatusCode, len(body))
	}
	resp, _ = f.get(t, "HEAD", KeyPath("demo", f.live.ID, 5))
	if resp.StatusCode != http.StatusPaymentRequired {
		t.Errorf("HEAD of a refused key: %d", resp.StatusCode)
	}
	asked := f.asked()
	if len(asked) != 2 || asked[0] != (SegmentRef{Stream: "demo", Recording: f.live.ID, Seq: 5, Duration: asked[0].Duration}) ||
		asked[0].Duration < 1900*time.Millisecond {
		t.Fatalf("the gate was asked %+v", asked)
	}
	for _, path := range []string{
		KeyPath("demo", f.live.ID, 7),                          // not cut yet
		KeyPath("demo", f.live.ID, 2),                          // the other recording's
		KeyPath("demo", f.rec.ID, 3),                           // the live recording's, asked of the finished one
		KeyPath("demo", "nope", 4),                             // no such recording
		KeyPath("nope", f.live.ID, 4),                          // no such stream
		KeyPath("free", f.archive.Recordings("free")[0].ID, 0), // a free stream has no keys
		KeyPath("tok", f.live.ID, 4),                           // another stream's recording
		"/key/demo/" + f.live.ID + "/04",                       // not a canonical number
		"/key/demo/" + f.live.ID + "/-1",                       //
		"/key/demo/" + f.live.ID + "/+4",                       //
		"/key/demo/" + f.live.ID + "/4.ts",                     //
		"/key/demo/" + f.live.ID + "/18446744073709551616",
		"/key/demo/..%2f" + f.live.ID + "/4",
	} {
		if resp, _ := f.get(t, "GET", path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, resp.StatusCode)
		}
	}
	if n := len(f.asked()); n != 2 {
		t.Errorf("keys that name no segment asked the gate: %+v", f.asked()[2:])
	}
	// The finished recording's keys are sold from the archive.
	if resp, key := f.get(t, "GET", KeyPath("demo", f.rec.ID, 2)); resp.StatusCode != 200 || len(key) != KeySize {
		t.Errorf("a recorded key: %d, %d bytes", resp.StatusCode, len(key))
	}
}

// A recording's playlists name the same keys, at the same URLs, as it had
// live: a viewer who bought a second live has it for the replay. Its
// segments are encrypted and public like the live ones.
func TestRecordingsKeepTheirLiveKeys(t *testing.T) {
	f := newPricedOrigin(t)
	_, live := f.get(t, "GET", "/live/demo/source/index.m3u8")
	lk := keyTag(t, live, "5.ts")
	base := "/vod/demo/" + f.live.ID + "/"
	resp, vod := f.get(t, "GET", base+"source/index.m3u8")
	if resp.StatusCode != 200 {
		t.Fatalf("vod playlist: %d", resp.StatusCode)
	}
	vk := keyTag(t, vod, "5.ts")
	if *vk != *lk {
		t.Errorf("live key %+v, recorded key %+v", lk, vk)
	}
	_, liveSeg := f.get(t, "GET", "/live/demo/source/5.ts")
	resp, vodSeg := f.get(t, "GET", base+"source/5.ts")
	if resp.StatusCode != 200 || !bytes.Equal(liveSeg, vodSeg) || resp.Header.Get("Cache-Control") != cacheSegment {
		t.Errorf("recorded segment: %d, same bytes %v, Cache-Control %q", resp.StatusCode, bytes.Equal(liveSeg, vodSeg), resp.Header.Get("Cache-Control"))
	}
	// Every listed segment of the finished recording, in both renditions,
	// names its key.
	for _, rend := range []string{"source", "low"} {
		_, pl := f.get(t, "GET", "/vod/demo/"+f.rec.ID+"/"+rend+"/index.m3u8")
		media := testmedia.MediaPlaylist(t, pl)
		for _, s := range testmedia.Listed(media) {
			seq, _ := strconv.ParseUint(strings.TrimSuffix(s.URI, ".ts"), 10, 64)
			k := keyTag(t, pl, s.URI)
			if k == nil || k.URI != KeyPath("demo", f.rec.ID, seq) || k.IV != ivAttr(SegmentIV(rend, seq)) {
				t.Errorf("%s %s: key %+v", rend, s.URI, k)
			}
		}
	}
}

// A playlist fetched with a token carries it to its keys (and to variant
// playlists), never to public segments; a stream with token segments
// carries it to them too, asks the gate's Check before each, and marks
// them private.
func TestTokensGoToKeysAndTokenSegments(t *testing.T) {
	f := newPricedOrigin(t)
	for _, c := range []struct {
		path     string
		segments bool
	}{
		{"/live/demo/source/index.m3u8", false},
		{"/vod/demo/" + f.rec.ID + "/low/index.m3u8", false},
		{"/live/tok/source/index.m3u8", true},
	} {
		resp, body := f.get(t, "GET", c.path+"?token=abc")
		keys, segs := 0, 0
		for _, line := range strings.Split(string(body), "\n") {
			switch {
			case strings.HasPrefix(line, "#EXT-X-KEY:"):
				keys++
				if !strings.Contains(line, `?token=renewed-abc",IV=0x`) {
					t.Errorf("%s: key without the token: %s", c.path, line)
				}
			case strings.HasSuffix(line, ".ts"), strings.Contains(line, ".ts?"):
				segs++
				if strings.Contains(line, "token") != c.segments {
					t.Errorf("%s: segment URI %q", c.path, line)
				}
			}
		}
		if keys == 0 || keys != segs || resp.Header.Get("Cache-Control") != "private, no-cache" {
			t.Errorf("%s: %d keys, %d segments, Cache-Control %q", c.path, keys, segs, resp.Header.Get("Cache-Control"))
		}
	}
	resp, _ := f.get(t, "GET", "/live/tok/source/0.ts")
	if resp.StatusCode != http.StatusPaymentRequired {
		t.Errorf("a token segment without a session: %d", resp.StatusCode)
	}
	resp, body := f.get(t, "GET", "/live/tok/source/0.ts?token=abc")
	if resp.StatusCode != 200 || len(body) == 0 || resp.Header.Get("Cache-Control") != cachePrivate {
		t.Errorf("a token segment: %d, %d bytes, Cache-Control %q", resp.StatusCode, len(body), resp.Header.Get("Cache-Control"))
	}
	f.gate.mu.Lock()
	checked := append([]string(nil), f.gate.checked...)
	f.gate.mu.Unlock()
	if len(checked) != 2 || checked[0] != "tok" {
		t.Errorf("Check was asked %v", checked)
	}
}

// A priced stream whose secret cannot be kept does not go live: no
// segment goes out under a key nobody could derive again.
func TestNoSecretNoPublication(t *testing.T) {
	store := &memSecrets{fail: true}
	s, a := newTestStream(t, t.TempDir(), Options{Keys: &Keyring{Store: store}, ReconnectGrace: -1})
	if _, err := s.Publish(ingest.PublishInfo{Stream: s.Name, Protocol: "test", Tracks: testTracks(t, true)}); err == nil {
		t.Fatal("published without a secret")
	}
	if recs := a.Recordings("demo"); len(recs) != 0 {
		t.Errorf("a refused publication left %d recordings", len(recs))
	}
	store.mu.Lock()
	store.fail = false
	store.mu.Unlock()
	publish(t, s, synth(0, 3*time.Second, 2*time.Second, true)).Close(nil)
	if recs := a.Recordings("demo"); len(recs) != 1 || !recs[0].Encrypted() {
		t.Errorf("after the store is back: %d recordings", len(recs))
	}
}

// A recording made in the clear (before this stream was priced, or
// before keys were sold) is sold segment by segment, as it was: the gate
// admits each segment, which only its buyer may keep, and its playlist
// carries the token to its segments.
func TestClearRecordingsOfAPricedStreamAreSoldBySegment(t *testing.T) {
	dir := t.TempDir()
	s, a := newTestStream(t, dir, Options{ReconnectGrace: -1})
	publish(t, s, synth(0, 5*time.Second, 2*time.Second, true)).Close(nil)
	rec := a.Recordings("demo")[0]
	priced := NewStream("demo", a, Options{Keys: &Keyring{Store: &memSecrets{}}}, quiet)
	t.Cleanup(func() { _ = priced.Close() })
	g := &refusingGate{}
	mux := http.NewServeMux()
	(&Origin{Streams: map[string]*Stream{"demo": priced}, Archive: a, Gate: g}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	of := &originFixture{srv: srv}
	base := "/vod/demo/" + rec.ID + "/source/"
	_, pl := of.get(t, "GET", base+"index.m3u8?token=abc")
	if strings.Contains(string(pl), "EXT-X-KEY") || !strings.Contains(string(pl), "0.ts?token=renewed-abc") {
		t.Errorf("a clear recording's playlist:\n%s", pl)
	}
	resp, body := of.get(t, "GET", base+"0.ts")
	if resp.StatusCode != 200 || body[0] != 0x47 || resp.Header.Get("Cache-Control") != cachePrivate {
		t.Errorf("a sold clear segment: %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if resp, _ := of.get(t, "GET", base+"1.ts"); resp.StatusCode != http.StatusPaymentRequired {
		t.Errorf("a refused clear segment: %d", resp.StatusCode)
	}
	if resp, _ := of.get(t, "GET", KeyPath("demo", rec.ID, 0)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a key to a clear recording: %d", resp.StatusCode)
	}
}

func TestEncryptDecrypt(t *testing.T) {
	var key [KeySize]byte
	_, _ = rand.Read(key[:])
	iv := SegmentIV("source", 7)
	for _, n := range []int{0, 1, 15, 16, 17, 188 * 7} {
		plain := make([]byte, n)
		_, _ = rand.Read(plain)
		c := Encrypt(key, iv, plain)
		if len(c) != (n/16+1)*16 {
			t.Errorf("%d bytes encrypt to %d", n, len(c))
		}
		got, err := Decrypt(key, iv, c)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("%d bytes: %v", n, err)
		}
	}
	if _, err := Decrypt(key, iv, []byte("short")); err == nil {
		t.Error("decrypted a partial block")
	}
	if SegmentIV("source", 7) == SegmentIV("low", 7) || SegmentIV("source", 7) == SegmentIV("source", 8) {
		t.Error("IVs repeat across renditions or segments")
	}
	secret := []byte("0123456789abcdef0123456789abcdef")
	if SegmentKey(secret, "demo", "r1", 1) == SegmentKey(secret, "demo", "r1", 2) ||
		SegmentKey(secret, "demo", "r1", 1) == SegmentKey(secret, "demo", "r2", 1) ||
		SegmentKey(secret, "ab", "c", 1) == SegmentKey(secret, "a", "bc", 1) {
		t.Error("keys repeat")
	}
}

// A segment whose key cannot be derived (the secret fell out of the cache
// and the store is down) is not published in the clear: it is dropped,
// and the next segment takes its number after a discontinuity, so the
// playlist stays consecutively numbered.
func TestNoKeyNoSegment(t *testing.T) {
	store := &memSecrets{}
	keys := &Keyring{Store: store}
	s, _ := newTestStream(t, t.TempDir(), Options{Keys: keys, ReconnectGrace: -1, Window: 10})
	units := synth(0, 9*time.Second, 2*time.Second, true)
	first, rest := upToCut(t, units, 4*time.Second) // segments 0 and 1 out
	p := publish(t, s, first)
	store.mu.Lock()
	store.fail = true
	store.mu.Unlock()
	keys.mu.Lock()
	keys.secrets = nil
	keys.mu.Unlock()
	second, rest := upToCut(t, rest, 6*time.Second) // segment 2 cut: lost
	feed(t, p, second)
	store.mu.Lock()
	store.fail = false
	store.mu.Unlock()
	feed(t, p, rest)
	p.Close(nil)
	media := testmedia.MediaPlaylist(t, s.view.Load().renditions[SourceRendition].playlist)
	var got []string
	for _, seg := range testmedia.Listed(media) {
		d := ""
		if seg.Discontinuity {
			d = "disc "
		}
		got = append(got, d+seg.URI)
	}
	if strings.Join(got, " ") != "0.ts 1.ts disc 2.ts 3.ts" {
		t.Errorf("segments listed: %v; want 0.ts 1.ts, then the lost one's number after a discontinuity", got)
	}
}
