package hls

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"

	"github.com/livegate/livegate/ingest"
	"github.com/livegate/livegate/internal/testmedia"
)

// FuzzSegmentName: a name from a URL or a directory listing is accepted
// only in the one spelling SegmentName writes for its number, so a
// segment has exactly one URL and one file.
func FuzzSegmentName(f *testing.F) {
	for _, s := range []string{"0.ts", "7.ts", "18446744073709551615.ts", "18446744073709551616.ts",
		"007.ts", "-1.ts", "+1.ts", "1.TS", ".ts", "1.ts.tmp", "1_000.ts", "１.ts", "segments.log"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		seq, ok := parseSegmentName(name)
		if ok && SegmentName(seq) != name {
			t.Fatalf("%q read as %d, which is written %q", name, seq, SegmentName(seq))
		}
		if n, err := strconv.ParseUint(name, 10, 64); err == nil {
			if back, ok := parseSegmentName(SegmentName(n)); !ok || back != n {
				t.Fatalf("SegmentName(%d) = %q reads back as %d, %v", n, SegmentName(n), back, ok)
			}
		}
	})
}

// FuzzReadJournal: whatever a journal holds (a crash's torn tail, damage,
// a hostile edit), reading it back agrees with a plain reference reading
// (the header line, then segment lines up to the first that is not
// JSON, only those whose file exists), and lists each number once, in
// order, without a discontinuity before the first.
func FuzzReadJournal(f *testing.F) {
	f.Add([]byte(`{"name":"source","codecs":"avc1.64001e","width":640,"height":360}` + "\n" +
		`{"seq":0,"dur":2,"pdt":"2026-12-02T04:00:00Z","size":188}` + "\n" +
		`{"seq":1,"dur":2,"pdt":"2026-12-02T04:00:02Z","disc":true,"size":188}` + "\n"))
	f.Add([]byte(`{"name":"source"}` + "\n" + `{"seq":2,"dur":2}` + "\r\n" + `{"seq":1,"dur":2,"disc":true}` + "\n" + `{"seq":3,"dur":2,"pd`))
	f.Add([]byte(`{"name":"source"}` + "\n" + `{"seq":1}` + "\n\n" + `{"seq":2}`))
	f.Add([]byte(`{"seq":0}` + "\n" + `{"name":"source"}` + "\n" + `{"seq":9}`))
	f.Add([]byte("\n"))
	f.Add([]byte(`{"name":"source"}` + "\n" + `{"seq":-1}` + "\n" + `{"seq":1.5}`))
	dir := f.TempDir()
	for _, seq := range []uint64{0, 1, 2, 3, 5} { // 4 and 9 have no file
		if err := os.WriteFile(filepath.Join(dir, SegmentName(seq)), []byte{0x47}, 0o644); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, journal []byte) {
		if err := os.WriteFile(filepath.Join(dir, journalFile), journal, 0o644); err != nil {
			t.Fatal(err)
		}
		_, segs, err := readJournal(dir)
		if err != nil {
			return // refused whole: an empty journal, a bad header, a line over 64 KiB
		}
		if len(segs) > 0 && segs[0].Discontinuity {
			t.Errorf("first segment has a discontinuity: %+v", segs[0])
		}
		if !slices.IsSortedFunc(segs, func(a, b SegmentInfo) int { return cmpSeq(a.Seq, b.Seq) }) ||
			len(slices.CompactFunc(slices.Clone(segs), func(a, b SegmentInfo) bool { return a.Seq == b.Seq })) != len(segs) {
			t.Fatalf("segments not in order, or repeated: %+v", segs)
		}
		// The reference reading.
		lines := bytes.Split(journal, []byte("\n"))
		if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
			lines = lines[:len(lines)-1]
		}
		var want []SegmentInfo
		for _, line := range lines[1:] {
			var s SegmentInfo
			if json.Unmarshal(bytes.TrimSuffix(line, []byte("\r")), &s) != nil {
				break
			}
			if _, err := os.Stat(filepath.Join(dir, SegmentName(s.Seq))); err != nil {
				continue
			}
			if !slices.ContainsFunc(want, func(w SegmentInfo) bool { return w.Seq == s.Seq }) {
				want = append(want, s)
			}
		}
		sort.SliceStable(want, func(i, j int) bool { return want[i].Seq < want[j].Seq })
		if len(want) > 0 {
			want[0].Discontinuity = false
		}
		if len(want) != len(segs) {
			t.Fatalf("read %d segments, the reference reads %d:\n%+v\n%+v", len(segs), len(want), segs, want)
		}
		for i := range want {
			if want[i].Seq != segs[i].Seq || want[i].Duration != segs[i].Duration || !want[i].Time.Equal(segs[i].Time) ||
				want[i].Discontinuity != segs[i].Discontinuity || want[i].Size != segs[i].Size {
				t.Fatalf("segment %d: read %+v, the reference reads %+v", i, segs[i], want[i])
			}
		}
	})
}

func cmpSeq(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// FuzzWithArgs: whatever a playlist holds, adding a token rewrites only
// what it should: every EXT-X-KEY's URI gains "?args" once (its other
// attributes untouched), URI lines and the URI attribute of low-latency
// tags naming objects (uriTags: parts, hints, init sections, reports)
// gain it only when asked, and every other line comes out as it went in.
func FuzzWithArgs(f *testing.F) {
	keyed := mediaPlaylist([]SegmentInfo{{Seq: 4, Duration: 2, Recording: "r1"}, {Seq: 5, Duration: 2, Gap: true}, {Seq: 6, Duration: 2, Recording: "r2"}},
		0, kindLive, 0, &keyTags{stream: "demo", rendition: "source"})
	f.Add(keyed, "token=abc", true)
	f.Add(keyed, "token=abc", false)
	f.Add(masterPlaylist([]variant{{RenditionInfo: RenditionInfo{Name: "source"}}}, "index.m3u8", ""), "token=x%20y", true)
	f.Add([]byte("#EXT-X-KEY:METHOD=AES-128,URI=\"\nx.ts\r\n#EXT-X-KEY:URI=\"a\"\"b\"\n\n#\n"), "t=1", true)
	ll := `#EXT-X-MAP:URI="init-0.mp4"
#EXT-X-KEY:METHOD=AES-128,URI="/key/demo/r/1",IV=0x01
#EXT-X-PART:DURATION=0.20000,URI="1.0.m4s",INDEPENDENT=YES
#EXTINF:0.2,
1.m4s
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="1.1.m4s"
#EXT-X-RENDITION-REPORT:URI="../low/ll.m3u8",LAST-MSN=1
#EXT-X-PART-INF:PART-TARGET=0.200
`
	f.Add([]byte(ll), "token=abc", true)
	f.Add([]byte(ll), "token=abc", false)
	f.Fuzz(func(t *testing.T, playlist []byte, args string, uris bool) {
		if strings.ContainsAny(args, "\r\n\"") {
			return // args are a URL query: url.QueryEscape'd
		}
		out := withArgs(playlist, args, uris)
		in := slices.Collect(bytes.Lines(playlist))
		got := slices.Collect(bytes.Lines(out))
		if len(in) != len(got) {
			t.Fatalf("%d lines became %d", len(in), len(got))
		}
		for i, line := range in {
			trimmed := bytes.TrimRight(line, "\r\n")
			g := got[i]
			switch {
			case (bytes.HasPrefix(trimmed, []byte("#EXT-X-KEY:")) || uris && slices.ContainsFunc(uriTags, func(tag []byte) bool { return bytes.HasPrefix(trimmed, tag) })) &&
				bytes.Contains(trimmed, []byte(`URI="`)) &&
				bytes.IndexByte(trimmed[bytes.Index(trimmed, []byte(`URI="`))+5:], '"') >= 0:
				i := bytes.Index(trimmed, []byte(`URI="`)) + 5
				j := i + bytes.IndexByte(trimmed[i:], '"')
				want := string(trimmed[:j]) + "?" + args + string(trimmed[j:]) + "\n"
				if string(g) != want {
					t.Fatalf("key line %q became %q, want %q", line, g, want)
				}
			case len(trimmed) > 0 && trimmed[0] != '#' && uris:
				if want := string(trimmed) + "?" + args + "\n"; string(g) != want {
					t.Fatalf("URI line %q became %q", line, g)
				}
			default:
				if !bytes.Equal(g, line) {
					t.Fatalf("line %q became %q", line, g)
				}
			}
		}
	})
}

// FuzzParseLLName: a low-latency object's name from a URL is accepted
// only in the one spelling the playlists write ("{n}.m4s", "{n}.{i}.m4s",
// InitName's "init-{k}.mp4"), so a part has exactly one URL; every name
// the playlists write reads back.
func FuzzParseLLName(f *testing.F) {
	for _, s := range []string{"0.m4s", "7.3.m4s", "init-0.mp4", "init-12.mp4", "18446744073709551615.65535.m4s",
		"1.65536.m4s", "01.0.m4s", "1.00.m4s", "1.-1.m4s", "1..m4s", ".1.m4s", "1.2.3.m4s", "init-.mp4", "init-07.mp4",
		"init-1.m4s", "1.M4S", "+1.m4s", "1.+1.m4s", "1.ts", "ll.m3u8", "１.m4s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		seq, part, init, ok := parseLLName(name)
		if !ok {
			return
		}
		switch {
		case init:
			k, _ := strings.CutSuffix(strings.TrimPrefix(name, "init-"), ".mp4")
			n, err := strconv.ParseUint(k, 10, 64)
			if err != nil || InitName(n) != name {
				t.Fatalf("%q accepted as an init section, which InitName writes %q", name, InitName(n))
			}
		case part < 0:
			if want := strconv.FormatUint(seq, 10) + ".m4s"; name != want {
				t.Fatalf("%q read as segment %d, written %q", name, seq, want)
			}
		default:
			if want := strconv.FormatUint(seq, 10) + "." + strconv.Itoa(part) + ".m4s"; part > 65535 || name != want {
				t.Fatalf("%q read as part %d of %d, written %q", name, part, seq, want)
			}
		}
		// What the playlists write for this number reads back.
		for _, c := range []struct {
			name string
			part int
		}{{strconv.FormatUint(seq, 10) + ".m4s", -1}, {strconv.FormatUint(seq, 10) + ".0.m4s", 0}, {strconv.FormatUint(seq, 10) + ".65535.m4s", 65535}} {
			if s, p, i, ok := parseLLName(c.name); !ok || i || s != seq || p != c.part {
				t.Fatalf("%q reads as %d, %d, %v, %v", c.name, s, p, i, ok)
			}
		}
		if _, _, i, ok := parseLLName(InitName(seq)); !ok || !i {
			t.Fatalf("%q does not read as an init section", InitName(seq))
		}
	})
}

// FuzzBlockingArgs: _HLS_msn and _HLS_part from any query string are
// read as strconv reads them or refused, a part never without a segment;
// and a request is refused as too far ahead (tooFar, against a snapshot
// rendered from the fuzzer's segments) only when RFC 8216bis allows: a
// segment more than two past the last, or a part past the Advance Part
// Limit. The next part, and anything already listed, is never refused;
// what is refused stays refused further ahead.
func FuzzBlockingArgs(f *testing.F) {
	for _, q := range []string{"", "_HLS_msn=3", "_HLS_msn=3&_HLS_part=2", "_HLS_part=1", "_HLS_msn=&_HLS_part=0",
		"_HLS_msn=-1", "_HLS_msn=9223372036854775808", "_HLS_msn=9223372036854775807&_HLS_part=65535",
		"_HLS_msn=1&_HLS_part=65536", "_HLS_msn=1&_HLS_msn=2", "_HLS_msn=%2B1", "_HLS_msn=1;_HLS_part=2", "_HLS_msn=0x10"} {
		f.Add(q, uint64(2), uint8(2), uint8(3), uint16(1000), uint16(200))
	}
	f.Add("_HLS_msn=7&_HLS_part=14", uint64(5), uint8(0), uint8(5), uint16(2000), uint16(333))
	f.Fuzz(func(t *testing.T, query string, base uint64, whole, open uint8, segMs, partMs uint16) {
		q, _ := url.ParseQuery(query)
		msn, part, blocking, err := blockingArgs(q)
		m, p := q.Get("_HLS_msn"), q.Get("_HLS_part")
		switch {
		case err != nil:
			if blocking || m != "" && p == "" && parses(m, 63) || m != "" && parses(m, 63) && parses(p, 16) {
				t.Fatalf("%q refused (%v) though well formed", query, err)
			}
			return
		case !blocking:
			if m != "" || p != "" || part != -1 {
				t.Fatalf("%q read as not blocking", query)
			}
			return
		}
		if n, err := strconv.ParseUint(m, 10, 63); err != nil || n != msn {
			t.Fatalf("%q: _HLS_msn read as %d", query, msn)
		}
		if n, err := strconv.ParseUint(p, 10, 16); p == "" && part != -1 || p != "" && (err != nil || int(n) != part) {
			t.Fatalf("%q: _HLS_part read as %d", query, part)
		}

		// A snapshot: `whole` complete segments from base, then an open
		// one with `open` parts, as the server renders them.
		partDur := time.Duration(100+int(partMs)%901) * time.Millisecond // 100 ms–1 s
		segDur := partDur + time.Duration(1+int(segMs)%10000)*time.Millisecond
		if CheckPart(partDur, segDur) != nil {
			t.Fatalf("part %v, segment %v", partDur, segDur)
		}
		s := &Stream{opts: Options{Segment: segDur, Part: partDur}}
		perSegment := int((segDur + partDur - 1) / partDur)
		base %= 1 << 62
		var segs []*llSegment
		for i := range int(whole % 8) {
			g := &llSegment{Seq: base + uint64(i), Init: "init-0.mp4", Duration: segDur, Data: []byte{0}}
			for j := range perSegment {
				d := min(partDur, segDur-time.Duration(j)*partDur) // the last part is what is left
				g.Parts = append(g.Parts, &llPart{Duration: d, Independent: j == 0})
			}
			segs = append(segs, g)
		}
		g := &llSegment{Seq: base + uint64(len(segs)), Init: "init-0.mp4"}
		for range int(open) % (perSegment + 1) {
			g.Parts = append(g.Parts, &llPart{Duration: partDur, Independent: len(g.Parts) == 0})
		}
		segs = append(segs, g)
		v := llListing{window: 6, partSegs: 3, target: segDur, part: partDur}.render(segs, nil)
		why := s.tooFar(v, msn, part)
		if !v.listed {
			if why != "" {
				t.Fatalf("refused %q with nothing listed: %s", query, why)
			}
			return
		}
		if checked, bad := parseLL(v.playlist); len(bad) > 0 {
			t.Fatalf("the snapshot's playlist breaks the spec: %q\n%s", bad, v.playlist)
		} else if last, lastPart, _ := checked.last(); last != v.lastMSN || lastPart != v.lastPart {
			t.Fatalf("the snapshot says its last is %d.%d, its playlist lists %d.%d\n%s", v.lastMSN, v.lastPart, last, lastPart, v.playlist)
		}
		ahead := 0 // parts past the last, counting perSegment a segment
		if msn >= v.lastMSN && part >= 0 && msn <= v.lastMSN+2 {
			ahead = int(msn-v.lastMSN)*perSegment + part - max(v.lastPart, 0)
		}
		switch {
		case why == "" && msn > v.lastMSN+2:
			t.Fatalf("%q held, %d segments past the last (%d)", query, msn-v.lastMSN, v.lastMSN)
		case why == "" && ahead > s.advanceParts():
			t.Fatalf("%q held, %d parts past the last (%d.%d), limit %d", query, ahead, v.lastMSN, v.lastPart, s.advanceParts())
		case why != "" && msn <= v.lastMSN+2 && ahead <= s.advanceParts():
			t.Fatalf("%q refused within the limits (last %d.%d): %s", query, v.lastMSN, v.lastPart, why)
		case why != "" && !strings.Contains(why, "_HLS_"):
			t.Fatalf("%q refused without saying which argument: %s", query, why)
		}
		// The part after the last, and the next segment, are never too far.
		for _, next := range [][2]int{{0, v.lastPart + 1}, {1, 0}, {1, -1}, {0, -1}} {
			if why := s.tooFar(v, v.lastMSN+uint64(next[0]), next[1]); why != "" {
				t.Fatalf("the next part %d.%d refused: %s", v.lastMSN+uint64(next[0]), next[1], why)
			}
		}
		if why != "" && part >= 0 && part < 65535 && s.tooFar(v, msn, part+1) == "" {
			t.Fatalf("%d.%d refused, %d.%d held", msn, part, msn, part+1)
		}
	})
}

// parses says whether s is a decimal of at most bits bits.
func parses(s string, bits int) bool {
	_, err := strconv.ParseUint(s, 10, bits)
	return err == nil
}

// tsSeeds cuts MPEG-TS segments of the testdata clip (real H.264 and
// AAC) and of synthetic media, as the segmenter makes them.
func tsSeeds(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	cut := func(tracks ingest.Tracks, units []unit) {
		sg := NewSegmenter(tracks, 500*time.Millisecond, 30*time.Second, func(s *Segment) { out = append(out, s.Data) })
		feed(tb, sg, units)
		sg.Flush()
	}
	cut(testTracks(tb, true), synth(0, 1500*time.Millisecond, 500*time.Millisecond, true))
	cut(testTracks(tb, false), synth(0, 500*time.Millisecond, 500*time.Millisecond, false))
	m, err := testmedia.ClipMedia()
	if err != nil {
		tb.Fatal(err)
	}
	v, err := ingest.NewH264Track(m.SPS, m.PPS)
	if err != nil {
		tb.Fatal(err)
	}
	a, err := ingest.NewAACTrack(m.ASC)
	if err != nil {
		tb.Fatal(err)
	}
	var units []unit
	ai := 0
	for _, fr := range m.Video {
		if fr.DTS > 400*time.Millisecond {
			break
		}
		for ; ai < len(m.Audio) && m.Audio[ai].PTS <= fr.DTS; ai++ {
			units = append(units, unit{a: &ingest.AudioUnit{PTS: m.Audio[ai].PTS, AUs: [][]byte{m.Audio[ai].AAC}}})
		}
		nalus := fr.NALUs
		if fr.IDR { // in band, as a transcoder's output has them
			nalus = append([][]byte{m.SPS, m.PPS}, nalus...)
		}
		units = append(units, unit{v: &ingest.VideoUnit{PTS: fr.PTS, DTS: fr.DTS, NALUs: nalus, IDR: fr.IDR}})
	}
	cut(ingest.Tracks{Video: v, Audio: a}, units)
	return out
}

// FuzzRemuxFMP4: whatever a transcoder hands back as an MPEG-TS segment,
// the remux to fMP4 never panics, and what it allocates and outputs is
// bounded by its input;
// what it accepts is an init section and moof+mdat fragments that parse,
// whose video starts at a keyframe, with no more video samples than the
// input has packets.
func FuzzRemuxFMP4(f *testing.F) {
	for _, seg := range tsSeeds(f) {
		f.Add(seg)
	}
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte{0x47, 0x1f, 0xff, 0x10}, 47))
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		init, seg, err := remuxFMP4(data)
		runtime.ReadMemStats(&after)
		// The corpus allocates at most ~110 × its input, ~80 KiB of it the
		// MPEG-TS reader's buffers.
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64*uint64(len(data))+1<<20 {
			t.Fatalf("%d bytes of input allocated %d", len(data), alloc)
		}
		if err != nil {
			return
		}
		if len(init)+len(seg) > 4*len(data)+4096 {
			t.Fatalf("%d bytes of MPEG-TS became %d of init and %d of fMP4", len(data), len(init), len(seg))
		}
		var in fmp4.Init
		if err := in.Unmarshal(bytes.NewReader(init)); err != nil && !strings.Contains(err.Error(), "unsupported") {
			// (mediacommon reads back only the AAC object types it
			// supports; an init section with another, AAC Main say, is
			// well formed all the same.)
			t.Fatalf("init section: %v", err)
		}
		var parts fmp4.Parts
		if err := parts.Unmarshal(seg); err != nil {
			t.Fatalf("segment: %v", err)
		}
		samples, first := 0, true
		for _, p := range parts {
			for _, tr := range p.Tracks {
				if tr.ID != videoTrackID {
					continue
				}
				for _, s := range tr.Samples {
					if first && s.IsNonSyncSample {
						t.Fatal("the segment's video does not start at a keyframe")
					}
					first = false
					samples++
				}
			}
		}
		if samples > len(data)/188 {
			t.Fatalf("%d video samples from %d packets", samples, len(data)/188)
		}
	})
}

// FuzzContinueCC: renumbering a transcoder's MPEG-TS continuity counters
// never panics, never changes a length, and touches nothing but the low
// nibble of each packet's fourth byte; and what it leaves runs on: fed
// the same bytes twice, every PID with a payload continues across.
func FuzzContinueCC(f *testing.F) {
	s := NewSegmenter(testTracks(f, true), time.Hour, time.Hour, func(*Segment) {})
	var seg []byte
	s.emit = func(g *Segment) { seg = g.Data }
	feed(f, s, synth(time.Second, 2*time.Second, 2*time.Second, true))
	s.Flush()
	f.Add(seg)
	f.Add(make([]byte, 188))
	f.Add([]byte{0x47, 0x1f, 0xff, 0x10})
	f.Fuzz(func(t *testing.T, data []byte) {
		before := append([]byte(nil), data...)
		last := map[uint16]byte{}
		continueCC(data, last)
		if len(data) != len(before) {
			t.Fatalf("length %d, was %d", len(data), len(before))
		}
		for i := range data {
			if data[i] != before[i] && (i%188 != 3 || data[i]&0xf0 != before[i]&0xf0) {
				t.Fatalf("byte %d changed from %#x to %#x", i, before[i], data[i])
			}
		}
		packets := len(data) > 0 && len(data)%188 == 0
		for off := 0; packets && off < len(data); off += 188 {
			packets = data[off] == 0x47
		}
		if packets {
			again := append([]byte(nil), before...)
			continueCC(again, last)
			ccRun(t, [][]byte{data, again})
		}
	})
}
