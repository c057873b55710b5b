// Package streamtest is what the ingest protocols' tests stand on: real
// hls streams behind a Hub, their archive, and the HLS origin serving
// them, so a test publishes with a real client and checks what a player
// would get.
package streamtest

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/livegate/livegate/hls"
	"github.com/livegate/livegate/ingest"
	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
)

// Fixture is a set of streams, each NAME published with key NAME-key.
type Fixture struct {
	Hub     *ingest.Hub
	Archive *hls.Archive
	Streams map[string]*hls.Stream
	Logs    *testenv.LogBuffer
	Log     *slog.Logger
	Origin  string // http://… serving /live and /vod
}

// New makes streams names with opts. Cleanup closes them (after the
// protocol servers the test registered cleanups for, which run first)
// and prints the log of a failed test.
func New(t *testing.T, opts hls.Options, names ...string) *Fixture {
	t.Helper()
	logs := &testenv.LogBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	a, err := hls.OpenArchive(t.TempDir(), log)
	if err != nil {
		t.Fatal(err)
	}
	f := &Fixture{Archive: a, Logs: logs, Log: log, Streams: map[string]*hls.Stream{}}
	var routes []ingest.Route
	for _, name := range names {
		st := hls.NewStream(name, a, opts, log)
		f.Streams[name] = st
		routes = append(routes, ingest.Route{Stream: name, Key: name + "-key", Target: st})
	}
	if f.Hub, err = ingest.NewHub(routes, log); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	(&hls.Origin{Streams: f.Streams, Archive: a, Gate: hls.OpenGate{}, Logger: log}).Register(mux)
	web := httptest.NewServer(mux)
	f.Origin = web.URL
	t.Cleanup(func() {
		web.Close()
		for _, st := range f.Streams {
			_ = st.Close()
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs)
		}
	})
	return f
}

// Finished waits for stream's newest recording to be complete and
// returns its summary.
func (f *Fixture) Finished(t *testing.T, stream string) hls.RecordingSummary {
	t.Helper()
	var sum hls.RecordingSummary
	testenv.Eventually(t, stream+"'s recording is finished", func() bool {
		recs := f.Archive.Recordings(stream)
		if len(recs) == 0 {
			return false
		}
		sum = recs[len(recs)-1].Summary()
		return !sum.Live && !f.Hub.Live(stream)
	})
	return sum
}

// Get fetches path from the origin; anything but 200 fails the test.
func (f *Fixture) Get(t *testing.T, path string) []byte {
	t.Helper()
	resp, body := testenv.Get(t, http.MethodGet, f.Origin+path) //nolint:bodyclose // Get read and closed it
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	return body
}

// CheckRecording plays stream's newest recording from the origin: every
// segment starts with an IDR frame carrying SPS and PPS, and has audio
// when audio is true. A segment of a frame or two, which a publisher
// leaving just after a keyframe leaves behind, is skipped: mediacommon's
// demuxer needs audio data to read a stream that declares audio. It
// returns how many segments it checked.
func (f *Fixture) CheckRecording(t *testing.T, stream string, audio bool) int {
	t.Helper()
	var list struct {
		Recordings []struct{ Playlist string }
	}
	if err := json.Unmarshal(f.Get(t, "/vod/"+stream+"/"), &list); err != nil || len(list.Recordings) == 0 {
		t.Fatalf("recordings of %s: %v", stream, err)
	}
	base := strings.TrimSuffix(list.Recordings[len(list.Recordings)-1].Playlist, "index.m3u8") + "source/"
	checked := 0
	for _, seg := range testmedia.Listed(testmedia.MediaPlaylist(t, f.Get(t, base+"index.m3u8"))) {
		if seg.Duration < 0.1 {
			continue
		}
		checked++
		data := f.Get(t, base+seg.URI)
		ts, err := testmedia.DemuxTS(data)
		if err != nil || len(ts.Video) == 0 || !ts.Video[0].IDR || !ts.Video[0].SPS || !ts.Video[0].PPS {
			t.Errorf("segment %s (%d bytes, %.3f s): %v, first video %+v", seg.URI, len(data), seg.Duration, err, ts)
			continue
		}
		if audio && len(ts.Audio) == 0 {
			t.Errorf("segment %s has no audio", seg.URI)
		}
	}
	return checked
}
