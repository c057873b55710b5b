package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
)

// llSegment is a finished segment of a low-latency playlist as a player
// reads it: its parts' URIs, its key, IV and init section, resolved.
type llSegment struct {
	parts   []string
	key, iv string // iv: hex without 0x
	initURI string
	seq     string
}

var (
	llPartRe = regexp.MustCompile(`^#EXT-X-PART:.*URI="([^"]*)"`)
	llMapRe  = regexp.MustCompile(`^#EXT-X-MAP:URI="([^"]*)"`)
	llKeyRe  = regexp.MustCompile(`^#EXT-X-KEY:METHOD=AES-128,URI="([^"]*)",IV=0x([0-9a-f]{32})`)
)

// llSegmentOf reads segment seq of a low-latency media playlist fetched
// from base: the parts listed before its URI line.
func llSegmentOf(t *testing.T, base string, playlist []byte, seq string) (llSegment, bool) {
	t.Helper()
	b, _ := url.Parse(base)
	resolve := func(ref string) string {
		u, err := b.Parse(ref)
		if err != nil {
			t.Fatal(err)
		}
		return u.String()
	}
	var g llSegment
	for _, line := range strings.Split(string(playlist), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case llMapRe.MatchString(line):
			g.initURI = resolve(llMapRe.FindStringSubmatch(line)[1])
		case strings.HasPrefix(line, "#EXT-X-KEY:METHOD=NONE"):
			g.key, g.iv = "", ""
		case llKeyRe.MatchString(line):
			m := llKeyRe.FindStringSubmatch(line)
			g.key, g.iv = resolve(m[1]), m[2]
		case llPartRe.MatchString(line):
			g.parts = append(g.parts, resolve(llPartRe.FindStringSubmatch(line)[1]))
		case line != "" && !strings.HasPrefix(line, "#"):
			if line == seq+".m4s" {
				g.seq = seq
				return g, len(g.parts) > 0
			}
			g.parts = nil
		}
	}
	return g, false
}

// mediaFacts is what ffprobe reads of a file's first video and audio
// streams.
type mediaFacts struct {
	videoCodec    string
	width, height int
	videoFrames   int
	audioCodec    string
	audioFrames   int
}

func probeMedia(t *testing.T, path string) mediaFacts {
	t.Helper()
	out, err := exec.Command(testenv.Tool(t, "ffprobe"), "-v", "error", "-count_frames",
		"-show_entries", "stream=codec_type,codec_name,width,height,nb_read_frames", "-of", "json", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe %s: %v\n%s", path, err, out)
	}
	var got struct {
		Streams []struct {
			CodecType    string `json:"codec_type"`
			CodecName    string `json:"codec_name"`
			Width        int    `json:"width"`
			Height       int    `json:"height"`
			NbReadFrames string `json:"nb_read_frames"`
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("ffprobe %s: %v\n%s", path, err, out)
	}
	var f mediaFacts
	for _, s := range got.Streams {
		var n int
		_, _ = fmt.Sscan(s.NbReadFrames, &n)
		switch {
		case s.CodecType == "video" && f.videoCodec == "":
			f.videoCodec, f.width, f.height, f.videoFrames = s.CodecName, s.Width, s.Height, n
		case s.CodecType == "audio" && f.audioCodec == "":
			f.audioCodec, f.audioFrames = s.CodecName, n
		}
	}
	return f
}

// opensslDecrypt is HLS AES-128 decryption (AES-128-CBC, PKCS#7) by
// openssl, independent of the server's own code.
func opensslDecrypt(t *testing.T, data, key []byte, iv string) []byte {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command(testenv.Tool(t, "openssl"), "aes-128-cbc", "-d", "-K", hex.EncodeToString(key), "-iv", iv,
		"-in", in, "-out", out).CombinedOutput(); err != nil {
		t.Fatalf("openssl: %v\n%s", err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLowLatencyPartsAreTheSourceMedia: ffmpeg publishes the clip, in
// real time, to a paid low-latency stream. A viewer blocks on ll.m3u8
// until segment 1 is whole, buys its key, decrypts each of its parts on
// its own with openssl (each opens with a 16-byte free box, which goes),
// and puts the init section and the parts together: ffprobe reads that as
// the MPEG-TS segment 1 decrypted the issue-16 way, the same codecs,
// size and frames.
func TestLowLatencyPartsAreTheSourceMedia(t *testing.T) {
	ffmpeg := testenv.Tool(t, "ffmpeg")
	dir := t.TempDir()
	w := newPaidWorld(t, dir, 1, 1_000_000)
	e := startE2EWith(t, filepath.Join(dir, "data"), func(cfg *Config) {
		w.configure(cfg)
		cfg.Streams[0].LowLatency = true
		cfg.Streams[0].Part = Duration(200 * time.Millisecond)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	push := exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", testmedia.ClipPath(),
		"-c", "copy", "-f", "flv", "rtmp://"+e.rtmp+"/live/demo-stream-key")
	pushLog := &testenv.LogBuffer{}
	push.Stdout, push.Stderr = pushLog, pushLog
	if err := push.Start(); err != nil {
		t.Fatal(err)
	}
	pushed := false
	stopPush := func() {
		if pushed {
			return
		}
		pushed = true
		cancel()
		if err := push.Wait(); err != nil && ctx.Err() == nil {
			t.Errorf("ffmpeg: %v\n%s", err, pushLog)
		}
	}
	defer stopPush()

	llURL := e.base + "/live/demo/source/ll.m3u8"
	e.eventually("the low-latency playlist is live", func() bool {
		code, _, _ := e.get("/live/demo/source/ll.m3u8")
		return code == 200
	})
	// Blocking reload until segment 1 is whole.
	var playlist []byte
	e.eventually("segment 1 is whole in ll.m3u8", func() bool {
		resp, body := getWith(t, llURL+"?_HLS_msn=1")
		playlist = body
		return resp.StatusCode == 200 && strings.Contains(string(body), "\n1.m4s\n")
	})
	seg, ok := llSegmentOf(t, llURL, playlist, "1")
	if !ok || seg.key == "" || seg.initURI == "" {
		t.Fatalf("segment 1 with its parts, key and init section:\n%s", playlist)
	}

	// Buy the segment's key.
	var s session
	if code, msg := post(t, e.base+"/pay/demo/session", "", w.voucherJSON(0, 10_000), &s); code != 200 {
		t.Fatalf("session: %d %s", code, msg)
	}
	resp, key := getWith(t, seg.key+"?token="+url.QueryEscape(s.Token))
	if resp.StatusCode != 200 || len(key) != 16 {
		t.Fatalf("key %s: %d %s", seg.key, resp.StatusCode, key)
	}

	// Init section (clear) and each part, decrypted on its own.
	resp, init := getWith(t, seg.initURI)
	if resp.StatusCode != 200 {
		t.Fatalf("init %s: %d", seg.initURI, resp.StatusCode)
	}
	assembled := append([]byte(nil), init...)
	for i, uri := range seg.parts {
		resp, data := getWith(t, uri)
		if resp.StatusCode != 200 {
			t.Fatalf("part %s: %d", uri, resp.StatusCode)
		}
		plain := opensslDecrypt(t, data, key, seg.iv)
		if len(plain) < 24 || string(plain[4:8]) != "free" || plain[0] != 0 || plain[3] != 16 || string(plain[16+4:16+8]) != "moof" {
			t.Fatalf("part %d (%s) decrypted does not open with a 16-byte free box and a moof: % x", i, uri, plain[:min(len(plain), 24)])
		}
		assembled = append(assembled, plain[16:]...)
	}
	mp4 := filepath.Join(dir, "segment1.mp4")
	if err := os.WriteFile(mp4, assembled, 0o600); err != nil {
		t.Fatal(err)
	}

	// The MPEG-TS segment of the same number, the issue-16 way.
	tsURL := e.base + "/live/demo/source/index.m3u8"
	_, tsPlaylist := getWith(t, tsURL)
	var twin *listedSegment
	for _, ls := range segmentsOf(t, tsURL, tsPlaylist) {
		if strings.HasSuffix(ls.uri, "/1.ts") {
			twin = &ls
		}
	}
	if twin == nil || twin.key != seg.key || twin.iv == seg.iv {
		t.Fatalf("MPEG-TS segment 1 %+v: want the key %s under another IV than %s", twin, seg.key, seg.iv)
	}
	_, tsData := getWith(t, twin.uri)
	ts := filepath.Join(dir, "segment1.ts")
	if err := os.WriteFile(ts, opensslDecrypt(t, tsData, key, twin.iv), 0o600); err != nil {
		t.Fatal(err)
	}

	got, want := probeMedia(t, mp4), probeMedia(t, ts)
	t.Logf("segment 1: %d parts; fMP4 %+v, MPEG-TS %+v", len(seg.parts), got, want)
	if got.videoCodec != "h264" || got.videoCodec != want.videoCodec || got.width != want.width || got.height != want.height ||
		got.videoFrames == 0 || got.videoFrames != want.videoFrames {
		t.Errorf("video from the parts %+v, from the MPEG-TS segment %+v", got, want)
	}
	if got.audioCodec != "aac" || got.audioCodec != want.audioCodec || got.audioFrames == 0 {
		t.Errorf("audio from the parts %+v, from the MPEG-TS segment %+v", got, want)
	}
	if d := got.audioFrames - want.audioFrames; d < -2 || d > 2 {
		// A segment's audio is cut by time in fMP4, by arrival in MPEG-TS:
		// a frame or two may fall on the other side.
		t.Errorf("%d audio frames from the parts, %d from the MPEG-TS segment", got.audioFrames, want.audioFrames)
	}
	if resp, _ := getWith(t, seg.key); resp.StatusCode != http.StatusPaymentRequired {
		t.Errorf("the key without a token: %d", resp.StatusCode)
	}

	// The publisher leaves in the middle of a segment whose key a viewer
	// bought with its first part, at the target's price (1.99 s): once the
	// segment has ended, short, the viewer has paid what a viewer buying
	// the key afterwards pays.
	n := func() int {
		resp, body := getWith(t, llURL)
		m := regexp.MustCompile(`#EXT-X-MEDIA-SEQUENCE:(\d+)`).FindSubmatch(body)
		if resp.StatusCode != 200 || m == nil {
			t.Fatalf("%s: %d\n%s", llURL, resp.StatusCode, body)
		}
		k := strings.Count(string(body), "\n#EXTINF:")
		var first int
		fmt.Sscan(string(m[1]), &first)
		return first + k // the next segment, or the open one
	}() + 1
	resp, body := getWith(t, fmt.Sprintf("%s?_HLS_msn=%d&_HLS_part=0", llURL, n))
	keys := regexp.MustCompile(`(?m)`+llKeyRe.String()).FindAllStringSubmatch(string(body), -1)
	if resp.StatusCode != 200 || !strings.Contains(string(body), fmt.Sprintf(`URI="%d.0.m4s"`, n)) || len(keys) == 0 {
		t.Fatalf("segment %d's first part: %d\n%s", n, resp.StatusCode, body)
	}
	openKey := seg.key[:strings.LastIndexByte(seg.key, '/')+1] + fmt.Sprint(n)
	if want := keys[len(keys)-1][1]; !strings.HasSuffix(openKey, strings.TrimPrefix(want, "../")) {
		t.Fatalf("segment %d's key is %s, want one like %s", n, want, openKey)
	}
	ledger := e.srv.pay.ledger
	ch := w.channels[0]
	before := ledger.Account(ch).Spent.Int64()
	resp, _ = getWith(t, openKey+"?token="+url.QueryEscape(s.Token))
	stopPush()
	if resp.StatusCode != 200 || resp.Header.Get("Livegate-Price") != "1990" {
		t.Fatalf("segment %d's key while it was being cut: %d, price %s (want 1990: the machine may have stalled for a second)",
			n, resp.StatusCode, resp.Header.Get("Livegate-Price"))
	}
	e.ended("demo")
	var later session
	if code, msg := post(t, e.base+"/pay/demo/session", "", w.voucherJSON(0, 20_000), &later); code != 200 {
		t.Fatalf("second session: %d %s", code, msg)
	}
	resp, _ = getWith(t, openKey+"?token="+url.QueryEscape(later.Token))
	final, _ := strconv.ParseInt(resp.Header.Get("Livegate-Price"), 10, 64)
	if resp.StatusCode != 200 || final <= 0 || final >= 1990 {
		t.Fatalf("segment %d's key once the publisher left: %d, price %s", n, resp.StatusCode, resp.Header.Get("Livegate-Price"))
	}
	e.eventually(fmt.Sprintf("the early buyer refunded down to %d wei", final), func() bool {
		return ledger.Account(ch).Spent.Int64() == before+2*final
	})
	t.Logf("segment %d, the publisher's last: sold at 1990 wei while being cut, %d wei once ended; the early buyer was refunded %d wei",
		n, final, 1990-final)
}
