package hls

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
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
// attributes untouched), URI lines gain it only when asked, and every
// other line comes out as it went in.
func FuzzWithArgs(f *testing.F) {
	keyed := mediaPlaylist([]SegmentInfo{{Seq: 4, Duration: 2, Recording: "r1"}, {Seq: 5, Duration: 2, Gap: true}, {Seq: 6, Duration: 2, Recording: "r2"}},
		0, kindLive, 0, &keyTags{stream: "demo", rendition: "source"})
	f.Add(keyed, "token=abc", true)
	f.Add(keyed, "token=abc", false)
	f.Add(masterPlaylist([]variant{{RenditionInfo: RenditionInfo{Name: "source"}}}, "index.m3u8", ""), "token=x%20y", true)
	f.Add([]byte("#EXT-X-KEY:METHOD=AES-128,URI=\"\nx.ts\r\n#EXT-X-KEY:URI=\"a\"\"b\"\n\n#\n"), "t=1", true)
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
			case bytes.HasPrefix(trimmed, []byte("#EXT-X-KEY:")) && bytes.Contains(trimmed, []byte(`URI="`)) &&
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
