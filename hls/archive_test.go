package hls

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// A rendition that arrives after its recording finished (a transcoder
// slower than the publication's end) is refused, and the finished
// recording's journals stay byte for byte as Finish left them, in this
// process and after a restart.
func TestLateRenditionLeavesAFinishedRecordingAlone(t *testing.T) {
	dir := t.TempDir()
	a, err := OpenArchive(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	source := RenditionInfo{Name: SourceRendition, Codecs: "avc1.64001e", Width: 640, Height: 360}
	rec, err := a.Create("demo", start, source)
	if err != nil {
		t.Fatal(err)
	}
	low := RenditionInfo{Name: "P240p30fps16x9", Codecs: "avc1.4d401e", Width: 426, Height: 240}
	if err := rec.AddRendition(low); err != nil {
		t.Fatal(err)
	}
	for seq := range uint64(3) {
		seg := &Segment{Seq: seq, Start: time.Duration(seq) * 2 * time.Second, Duration: 2 * time.Second,
			Data: bytes.Repeat([]byte{0x47}, 188), Time: start.Add(time.Duration(seq) * 2 * time.Second)}
		rec.Append(SourceRendition, seg)
		rec.Append(low.Name, seg)
	}
	if err := rec.Finish(start.Add(6 * time.Second)); err != nil {
		t.Fatal(err)
	}
	journals := func() map[string][]byte {
		out := map[string][]byte{}
		for _, name := range []string{SourceRendition, low.Name} {
			b, err := os.ReadFile(filepath.Join(dir, "demo", rec.ID, name, journalFile))
			if err != nil {
				t.Fatal(err)
			}
			out[name] = b
		}
		return out
	}
	before := journals()

	late := RenditionInfo{Name: "P144p30fps16x9", Codecs: "avc1.4d400c", Width: 256, Height: 144}
	for _, info := range []RenditionInfo{low, source, late} {
		if err := rec.AddRendition(info); !errors.Is(err, ErrRecordingFinished) {
			t.Errorf("AddRendition(%s) after Finish: %v, want ErrRecordingFinished", info.Name, err)
		}
	}
	rec.Append(low.Name, &Segment{Seq: 3, Duration: 2 * time.Second, Data: []byte{0x47}})
	after := journals()
	for name := range before {
		if !bytes.Equal(before[name], after[name]) {
			t.Errorf("%s journal changed after Finish:\n%s\nbecame\n%s", name, before[name], after[name])
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "demo", rec.ID, late.Name)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a late rendition made a directory in the finished recording: %v", err)
	}

	// After a restart the recording reads back whole, and a recording
	// loaded from disk refuses new renditions too.
	a2, err := OpenArchive(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	loaded := a2.Recording("demo", rec.ID)
	if loaded == nil {
		t.Fatal("recording lost after restart")
	}
	if err := loaded.AddRendition(late); !errors.Is(err, ErrRecordingFinished) {
		t.Errorf("AddRendition on a loaded recording: %v, want ErrRecordingFinished", err)
	}
	_, rends, entries, active, err := loaded.view()
	if err != nil || active {
		t.Fatalf("loaded recording: err %v, active %v", err, active)
	}
	if len(rends) != 2 {
		t.Errorf("renditions after restart: %+v", rends)
	}
	for _, name := range []string{SourceRendition, low.Name} {
		var seqs []uint64
		for _, e := range entries[name] {
			seqs = append(seqs, e.Seq)
		}
		if !slices.Equal(seqs, []uint64{0, 1, 2}) {
			t.Errorf("%s segments after restart: %v, want [0 1 2]", name, seqs)
		}
	}
}
