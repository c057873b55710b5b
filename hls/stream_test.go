package hls

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/livegate/livegate/ingest"
	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
)

func newTestStream(t *testing.T, dir string, opts Options) (*Stream, *Archive) {
	t.Helper()
	a, err := OpenArchive(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	s := NewStream("demo", a, opts, quiet)
	t.Cleanup(func() { _ = s.Close() })
	return s, a
}

func publish(t *testing.T, s *Stream, units []unit) ingest.Publication {
	t.Helper()
	p, err := s.Publish(ingest.PublishInfo{Stream: s.Name, Protocol: "test", Tracks: testTracks(t, true)})
	if err != nil {
		t.Fatal(err)
	}
	feed(t, p, units)
	return p
}

func TestStreamSlidingWindow(t *testing.T) {
	s, _ := newTestStream(t, t.TempDir(), Options{Window: 3, ReconnectGrace: -1})
	p := publish(t, s, synth(0, 20*time.Second, 2*time.Second, true))
	v := s.view.Load()
	rv := v.renditions[SourceRendition]
	pl := testmedia.MediaPlaylist(t, rv.playlist)
	segs := testmedia.Listed(pl)
	if len(segs) != 3 {
		t.Fatalf("live playlist lists %d segments, want the window of 3:\n%s", len(segs), rv.playlist)
	}
	// 9 finished segments (0…8); the last GOP is still open.
	if pl.SeqNo != 6 || segs[0].URI != "6.ts" || segs[2].URI != "8.ts" {
		t.Errorf("media sequence %d, first %s, last %s; want 6, 6.ts, 8.ts", pl.SeqNo, segs[0].URI, segs[2].URI)
	}
	if pl.TargetDuration != 2 || pl.Closed {
		t.Errorf("target %v, closed %v", pl.TargetDuration, pl.Closed)
	}
	if segs[0].ProgramDateTime.IsZero() {
		t.Error("no EXT-X-PROGRAM-DATE-TIME")
	}
	// Retained beyond the window for players that loaded an older playlist,
	// then gone.
	if rv.segment(3) == nil || rv.segment(2) != nil {
		t.Errorf("retention: 3 kept %v, 2 gone %v", rv.segment(3) != nil, rv.segment(2) == nil)
	}
	p.Close(nil)
	pl = testmedia.MediaPlaylist(t, s.view.Load().renditions[SourceRendition].playlist)
	if !pl.Closed {
		t.Error("ended stream's playlist has no EXT-X-ENDLIST")
	}
}

func TestStreamReconnectContinuesWithDiscontinuity(t *testing.T) {
	dir := t.TempDir()
	s, a := newTestStream(t, dir, Options{Window: 10, ReconnectGrace: time.Hour})
	p := publish(t, s, synth(0, 4*time.Second, 2*time.Second, true))
	p.Close(errors.New("connection lost"))
	if _, err := s.Publish(ingest.PublishInfo{Tracks: testTracks(t, true)}); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	p2 := s.pub
	s.mu.Unlock()
	// The publisher's clock restarts at zero, as a reconnecting encoder's does.
	feed(t, p2, synth(0, 4*time.Second, 2*time.Second, true))
	p2.Close(nil)

	pl := testmedia.MediaPlaylist(t, s.view.Load().renditions[SourceRendition].playlist)
	segs := testmedia.Listed(pl)
	if len(segs) != 4 {
		t.Fatalf("%d segments, want 4", len(segs))
	}
	for i, seg := range segs {
		if want := i == 2; seg.Discontinuity != want {
			t.Errorf("segment %d discontinuity %v, want %v", i, seg.Discontinuity, want)
		}
		if seg.URI != SegmentName(uint64(i)) {
			t.Errorf("segment %d is %s: sequence numbers must continue", i, seg.URI)
		}
	}
	// The timeline continues too: no timestamp goes back.
	v := s.view.Load().renditions[SourceRendition]
	if v.segs[2].Start < v.segs[1].Start+v.segs[1].Duration {
		t.Errorf("second publication starts at %v, before the first ended (%v)", v.segs[2].Start, v.segs[1].Start+v.segs[1].Duration)
	}
	// One recording, still open until the grace period ends.
	recs := a.Recordings("demo")
	if len(recs) != 1 {
		t.Fatalf("%d recordings, want 1", len(recs))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, _, entries, active, err := recs[0].view()
	if err != nil || active {
		t.Fatalf("recording still active (%v)", err)
	}
	src := entries[SourceRendition]
	if len(src) != 4 || !src[2].Discontinuity || src[0].Discontinuity {
		t.Errorf("recording entries %+v: want 4, a discontinuity at the third", src)
	}
}

func TestStreamGraceOverEndsRecordingAndNextPublishStartsAnother(t *testing.T) {
	s, a := newTestStream(t, t.TempDir(), Options{Window: 10, ReconnectGrace: 20 * time.Millisecond})
	p := publish(t, s, synth(0, 4*time.Second, 2*time.Second, true))
	p.Close(nil)
	// The playlist ends first, then the recording is finished.
	testenv.Eventually(t, "the stream and its recording end after the grace period", func() bool {
		_, _, _, active, _ := a.Recordings("demo")[0].view()
		return s.view.Load().ended && !active
	})
	p = publish(t, s, synth(0, 2*time.Second, 2*time.Second, true))
	p.Close(nil)
	if n := len(a.Recordings("demo")); n != 2 {
		t.Errorf("%d recordings, want 2", n)
	}
	pl := testmedia.MediaPlaylist(t, s.view.Load().renditions[SourceRendition].playlist)
	segs := testmedia.Listed(pl)
	if len(segs) != 3 || !segs[2].Discontinuity || segs[2].URI != "2.ts" {
		t.Errorf("live playlist after a new publication:\n%s", s.view.Load().renditions[SourceRendition].playlist)
	}
}

func TestStreamRefusesSecondPublication(t *testing.T) {
	s, _ := newTestStream(t, t.TempDir(), Options{})
	publish(t, s, nil)
	if _, err := s.Publish(ingest.PublishInfo{Tracks: testTracks(t, true)}); !errors.Is(err, ingest.ErrAlreadyLive) {
		t.Fatalf("got %v, want ErrAlreadyLive", err)
	}
}

func TestArchiveSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	s, _ := newTestStream(t, dir, Options{ReconnectGrace: -1})
	publish(t, s, synth(0, 6*time.Second, 2*time.Second, true)).Close(nil)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2, a2 := newTestStream(t, dir, Options{ReconnectGrace: -1})
	recs := a2.Recordings("demo")
	if len(recs) != 1 {
		t.Fatalf("%d recordings after restart, want 1", len(recs))
	}
	sum, rends, entries, active, err := recs[0].view()
	if err != nil || active || recs[0].Summary().Live {
		t.Fatalf("recording after restart: err %v, active %v", err, active)
	}
	if len(rends) != 1 || rends[0].Codecs != "avc1.64001e,mp4a.40.2" || rends[0].Width != 640 {
		t.Errorf("renditions %+v", rends)
	}
	if sum.Segments != 3 || len(entries[SourceRendition]) != 3 {
		t.Errorf("summary %+v, %d entries; want 3 segments", sum, len(entries[SourceRendition]))
	}
	// Segment numbers continue, so a segment URL never names other media.
	publish(t, s2, synth(0, 4*time.Second, 2*time.Second, true))
	if seg := s2.view.Load().renditions[SourceRendition].segs[0]; seg.Seq != 3 {
		t.Errorf("first segment after restart is %d, want 3", seg.Seq)
	}
}

func TestArchiveFinishesRecordingCutOffByCrash(t *testing.T) {
	dir := t.TempDir()
	a, err := OpenArchive(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	s := NewStream("demo", a, Options{ReconnectGrace: time.Hour}, quiet)
	publish(t, s, synth(0, 7*time.Second, 2*time.Second, true))
	// "Crash": the process dies with the recording open. Wait for the
	// writer to store what it was given, then tear the journal's tail as
	// a crash mid-write would.
	rec := a.Recordings("demo")[0]
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, _, e, _, _ := rec.view()
		if len(e[SourceRendition]) == 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	journal := filepath.Join(dir, "demo", rec.ID, SourceRendition, journalFile)
	f, err := os.OpenFile(journal, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString(`{"seq":3,"dur":2,"pd`)
	f.Close()
	// An orphan segment file whose journal line never made it.
	_ = os.WriteFile(filepath.Join(dir, "demo", rec.ID, SourceRendition, "99.ts"), []byte("junk"), 0o644)

	a2, err := OpenArchive(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	recs := a2.Recordings("demo")
	if len(recs) != 1 {
		t.Fatalf("%d recordings, want 1", len(recs))
	}
	sum, _, entries, active, err := recs[0].view()
	if err != nil || active || sum.Ended == nil {
		t.Fatalf("recovered recording: err %v, active %v, ended %v", err, active, sum.Ended)
	}
	if len(entries[SourceRendition]) != 3 {
		t.Errorf("%d segments recovered, want the 3 fully written", len(entries[SourceRendition]))
	}
	if _, err := os.Stat(filepath.Join(dir, "demo", rec.ID, summaryFile)); err != nil {
		t.Errorf("no summary written after recovery: %v", err)
	}
	if _, _, ok := recs[0].segmentPath(SourceRendition, 99); ok {
		t.Error("an orphan file the journal never listed is served")
	}
	pl := mediaPlaylist(entries[SourceRendition], 0, kindVOD, 0, nil)
	if !strings.Contains(string(pl), "#EXT-X-ENDLIST") || !strings.Contains(string(pl), "#EXT-X-PLAYLIST-TYPE:VOD") {
		t.Errorf("VOD playlist:\n%s", pl)
	}
	// The orphan file's number may have been served (its journal line was
	// lost, not its fetches): numbering goes on past it.
	if got := a2.NextSeq("demo"); got != 100 {
		t.Errorf("next sequence %d, want 100", got)
	}
	_ = s // the crashed stream's goroutines end with the test
}

func TestLivePlaylistTargetDurationNeverFalls(t *testing.T) {
	s, _ := newTestStream(t, t.TempDir(), Options{Window: 2, ReconnectGrace: -1})
	units := synth(0, 4*time.Second, 4*time.Second, true)                               // one 4 s GOP
	units = append(units, synth(4*time.Second, 10*time.Second, 2*time.Second, true)...) // then 2 s GOPs
	p := publish(t, s, units)
	defer p.Close(nil)
	pl := testmedia.MediaPlaylist(t, s.view.Load().renditions[SourceRendition].playlist)
	if testmedia.Listed(pl)[0].Duration > 3 {
		t.Fatal("setup: the 4 s segment should have left the window")
	}
	if pl.TargetDuration != 4 {
		t.Errorf("target duration %v after the long segment left the window; it must not fall below 4", pl.TargetDuration)
	}
}

func TestArchiveRecoversFromDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	s, a := newTestStream(t, dir, Options{ReconnectGrace: -1})
	publish(t, s, synth(0, 6*time.Second, 2*time.Second, true)).Close(nil)
	rec := a.Recordings("demo")[0]
	// A summary damaged on disk: the recording is rebuilt from its journals.
	if err := os.WriteFile(filepath.Join(dir, "demo", rec.ID, summaryFile), []byte("\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	a2, err := OpenArchive(dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	recs := a2.Recordings("demo")
	if len(recs) != 1 || recs[0].Summary().Segments != 3 {
		t.Fatalf("after a damaged summary: %d recordings", len(recs))
	}
	if got := a2.NextSeq("demo"); got != 3 {
		t.Errorf("next sequence %d, want 3", got)
	}
	// A rendition whose info cannot be written is refused with an error,
	// not stored as an empty line.
	r, err := a2.Create("demo", time.Now(), RenditionInfo{Name: "source", FrameRate: math.Inf(1)})
	if err == nil || r != nil {
		t.Errorf("a rendition with an infinite frame rate: %v", err)
	}
}

// A stream whose publisher moved here from another node goes on with the
// other node's numbers (Advance): a fresh one, and one whose last
// publication here has ended (its ended window forgotten, or its playlist
// would have a gap); one being published, or waiting for its publisher to
// come back, keeps its own.
func TestStreamAdvanceContinuesAnotherNodesNumbers(t *testing.T) {
	for _, ll := range []bool{false, true} {
		t.Run(fmt.Sprintf("lowLatency=%v", ll), func(t *testing.T) {
			s, _ := newTestStream(t, t.TempDir(), Options{Window: 10, ReconnectGrace: time.Hour, LowLatency: ll})
			if s.NextSeq() != 0 || !s.Advance(42) || s.NextSeq() != 42 || !s.Advance(7) || s.NextSeq() != 42 {
				t.Fatalf("a fresh stream advanced to 42, then asked for 7: next %d", s.NextSeq())
			}
			p := publish(t, s, synth(0, 4*time.Second, 2*time.Second, true))
			if s.Advance(100) || !s.Ingesting() {
				t.Error("a stream being published was advanced")
			}
			check := func(first uint64, n int) {
				t.Helper()
				pl := testmedia.MediaPlaylist(t, s.view.Load().renditions[SourceRendition].playlist)
				segs := testmedia.Listed(pl)
				if pl.SeqNo != first || len(segs) != n || segs[0].URI != SegmentName(first) || !segs[0].Discontinuity {
					t.Fatalf("media sequence %d, segments %+v; want %d segments from %d, a discontinuity first", pl.SeqNo, segs, n, first)
				}
				if ll {
					snap := s.llSnapshot(SourceRendition)
					if len(snap.segs) == 0 || snap.segs[0].Seq != first || !snap.segs[0].Discontinuity {
						t.Fatalf("low-latency segments from %+v; want %d", snap.segs, first)
					}
				}
			}
			check(42, 1)                           // the last GOP is still open
			p.Close(errors.New("connection lost")) // the grace period starts
			check(42, 2)
			if s.Advance(100) || !s.Ingesting() || s.NextSeq() != 44 {
				t.Errorf("a stream waiting for its publisher was advanced: next %d", s.NextSeq())
			}
			s.mu.Lock()
			gen := s.gen
			s.mu.Unlock()
			s.graceOver(gen) // the recording ends
			if s.Ingesting() || !s.Advance(100) || s.NextSeq() != 100 {
				t.Fatalf("an ended stream was not advanced: next %d", s.NextSeq())
			}
			if v := s.view.Load(); v.master != nil || v.renditions != nil {
				t.Error("the ended window is still served after the jump")
			}
			publish(t, s, synth(0, 4*time.Second, 2*time.Second, true))
			check(100, 1)
		})
	}
}
