package main

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/livegate/livegate/internal/testmedia"
	"github.com/livegate/livegate/internal/tests3"
)

// withS3 points a test's config at the test S3 server.
func withS3(s *tests3.Server, more func(*Config)) func(*Config) {
	return func(cfg *Config) {
		if more != nil {
			more(cfg)
		}
		cfg.Archive.S3 = S3Config{Endpoint: s.Endpoint(), Bucket: tests3.Bucket}
	}
}

// uploaded waits until the server has uploaded the whole recording: no
// backlog, and its summary (the last object) in the bucket.
func (e *e2e) uploaded(s *tests3.Server, stream, id string) {
	e.t.Helper()
	e.eventually("recording "+id+" uploaded", func() bool {
		return e.srv.archive.UploadBacklog() == 0 && s.Object(stream+"/"+id+"/recording.json") != nil
	})
}

// sameAsServed checks that each segment the recording's source playlist
// lists is in the bucket byte for byte as the origin serves it, and
// returns the playlist's segments.
func (e *e2e) sameAsServed(s *tests3.Server, stream, id string) []listedSegment {
	e.t.Helper()
	pl := e.base + "/vod/" + stream + "/" + id + "/source/index.m3u8"
	_, body := getWith(e.t, pl)
	segs := segmentsOf(e.t, pl, body)
	if len(segs) == 0 {
		e.t.Fatalf("no segments in %s", body)
	}
	for i, sg := range segs {
		_, served := getWith(e.t, sg.uri)
		if got := s.Object(stream + "/" + id + "/source/" + filepath.Base(sg.uri)); len(served) == 0 || !bytes.Equal(got, served) {
			e.t.Errorf("segment %d: %d bytes in the bucket, %d served", i, len(got), len(served))
		}
	}
	return segs
}

// Issue 18's proof: a priced stream's recording goes to the bucket as the
// origin serves it (encrypted); with the node's archive directory deleted,
// a restarted node lists it from the bucket, sells its keys (priced by the
// durations in its stored journal) and serves its segments from the
// bucket, and a bought key opens a segment into media ffprobe decodes.
// The recording secrets stay in the data directory's ledger: the whole
// data directory can go once the ledger is PostgreSQL.
func TestPaidRecordingPlaysFromTheStoreOnceTheArchiveIsGone(t *testing.T) {
	s := tests3.Start(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	w := newPaidWorld(t, dir, 1, 1_000_000)
	e := startE2EWith(t, data, withS3(s, w.configure))
	if logs := e.logs.String(); !strings.Contains(logs, `msg="archive: s3" endpoint=`+s.Endpoint()+" bucket="+tests3.Bucket) {
		t.Errorf("start-up does not say which archive it uses:\n%s", logs)
	}
	e.publishClip("demo")
	id := e.recordings("demo").Recordings[0].ID
	e.uploaded(s, "demo", id)
	segs := e.sameAsServed(s, "demo", id)
	if len(segs) != 3 {
		t.Fatalf("recorded %d segments, want the clip's 3", len(segs))
	}
	stored0 := s.Object("demo/" + id + "/source/0.ts")
	var health struct {
		Archive struct {
			S3            map[string]string
			UploadBacklog *int
			UploadFailed  *int
		}
	}
	if err := json.Unmarshal(e.mustGet("/healthz"), &health); err != nil || health.Archive.S3["bucket"] != tests3.Bucket ||
		health.Archive.UploadBacklog == nil || *health.Archive.UploadBacklog != 0 || health.Archive.UploadFailed == nil || *health.Archive.UploadFailed != 0 {
		t.Errorf("/healthz archive: %+v %v", health.Archive, err)
	}
	e.close()

	if err := os.RemoveAll(filepath.Join(data, "archive")); err != nil {
		t.Fatal(err)
	}
	e = startE2EWith(t, data, withS3(s, w.configure))
	recs := e.recordings("demo")
	if len(recs.Recordings) != 1 || recs.Recordings[0].ID != id || recs.Recordings[0].Segments != 3 {
		t.Fatalf("recordings listed from the bucket: %+v", recs)
	}
	var sess session
	if code, msg := post(t, e.base+"/pay/demo/session", "", w.voucherJSON(0, 2500), &sess); code != 200 {
		t.Fatalf("session: %d %s", code, msg)
	}
	vodURL := e.base + recs.Recordings[0].Playlist + "?token=" + url.QueryEscape(sess.Token)
	_, master := getWith(t, vodURL)
	media := uris(t, vodURL, master)
	if len(media) != 1 {
		t.Fatalf("VOD master from the bucket: %s", master)
	}
	_, mediaBody := getWith(t, media[0])
	vod := segmentsOf(t, media[0], mediaBody)
	if len(vod) != 3 || vod[0].iv != segs[0].iv {
		t.Fatalf("VOD playlist from the bucket: %+v, before %+v", vod, segs)
	}
	resp, key := getWith(t, vod[0].key)
	if resp.StatusCode != 200 || len(key) != 16 || resp.Header.Get("Livegate-Spent") != "2000" {
		t.Fatalf("key 0 of the stored recording: %d %v", resp.StatusCode, resp.Header)
	}
	resp, seg0 := getWith(t, vod[0].uri)
	if resp.StatusCode != 200 || !bytes.Equal(seg0, stored0) {
		t.Fatalf("segment 0 from the bucket: %d, %d bytes (stored %d)", resp.StatusCode, len(seg0), len(stored0))
	}
	if n, ok := decrypts(t, vod[0], seg0, key); !ok || n == 0 {
		t.Errorf("segment 0 from the bucket with its key: %d frames, decoded %v", n, ok)
	}
	// The credit bought one segment's seconds; the next key is refused.
	if resp, _ := getWith(t, vod[1].key); resp.StatusCode != 402 {
		t.Errorf("key 1 without credit: %d", resp.StatusCode)
	}
	if _, err := os.Stat(filepath.Join(data, "archive", "demo", id, "source", "0.ts")); !os.IsNotExist(err) {
		t.Errorf("segment 0 on disk again (want it served from the bucket): %v", err)
	}
}

// The store is killed mid-recording: publishing goes on (the live
// playlist and the recording get every segment), the backlog shows in
// /healthz, and once the store is back every segment arrives.
func TestLivePublishingGoesOnWhileTheStoreIsDown(t *testing.T) {
	s := tests3.Start(t)
	e := startE2EWith(t, t.TempDir(), withS3(s, nil))
	tags, err := testmedia.Clip()
	if err != nil {
		t.Fatal(err)
	}
	p, err := testmedia.Dial(e.rtmp, "live", "demo-stream-key")
	if err != nil {
		t.Fatal(err)
	}
	half := len(tags) / 2
	if err := p.SendAll(tags[:half]); err != nil {
		t.Fatal(err)
	}
	e.eventually("a first segment", func() bool {
		recs := e.srv.archive.Recordings("demo")
		return len(recs) > 0 && recs[0].Summary().Segments > 0
	})
	s.Stop()
	if err := p.SendAll(tags[half:]); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	e.ended("demo")
	id := e.recordings("demo").Recordings[0].ID
	if code, _, body := e.get("/live/demo/source/index.m3u8"); code != 200 || strings.Count(string(body), ".ts") != 3 {
		t.Errorf("live playlist with the store down: %d %s", code, body)
	}
	var health struct{ Archive struct{ UploadBacklog int } }
	if err := json.Unmarshal(e.mustGet("/healthz"), &health); err != nil || health.Archive.UploadBacklog == 0 {
		t.Errorf("/healthz upload backlog with the store down: %+v %v", health, err)
	}
	s.Restart()
	e.uploaded(s, "demo", id)
	if segs := e.sameAsServed(s, "demo", id); len(segs) != 3 {
		t.Errorf("%d segments recorded, want 3", len(segs))
	}
}

// archive.s3 naming a server that does not answer: livegate serve
// refuses to start, saying which setting to fix.
func TestServeRefusesAnUnreachableArchive(t *testing.T) {
	endpoint := "http://" + freeAddr(t) // nobody listens there
	cfg := defaultConfig()
	cfg.HTTP, cfg.RTMP, cfg.RTSP, cfg.Data = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0", t.TempDir()
	cfg.Streams = testStreams
	cfg.Transcoder.Mode = "none"
	cfg.Archive.S3 = S3Config{Endpoint: endpoint, Bucket: "recordings"}
	err := refusedStart(t, cfg, "archive.s3")
	if msg := err.Error(); !strings.Contains(msg, "archive.s3") || !strings.Contains(msg, endpoint) || !strings.Contains(msg, `"recordings"`) {
		t.Errorf("the refusal does not name the setting: %v", err)
	}
}
