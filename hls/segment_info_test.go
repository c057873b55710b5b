package hls

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A node tells others what it knows of its segments: a finished one's
// duration, the target of one still being cut (provisional), nothing of
// a segment it does not have.
func TestSegmentInfoForOtherNodes(t *testing.T) {
	f, _ := pricedLLFixture(t, 1500*time.Millisecond)
	p := f.playlist(SourceRendition, "")
	open := p.segs[len(p.segs)-1]
	if !open.open {
		t.Fatalf("no open segment:\n%s", p.raw)
	}
	keyPath := open.key.uri[:strings.IndexByte(open.key.uri+"?", '?')] // /key/demo/{recording}/{seq}
	info := func(path string) (int, int64, bool) {
		t.Helper()
		a := f.get(strings.Replace(path, "/key/", "/cluster/segment/", 1))
		var got struct {
			DurationNs  int64 `json:"durationNs"`
			Provisional bool  `json:"provisional"`
		}
		if a.status == 200 {
			if err := json.Unmarshal(a.body, &got); err != nil {
				t.Fatalf("%s: %v: %s", path, err, a.body)
			}
		}
		return a.status, got.DurationNs, got.Provisional
	}
	if code, d, prov := info(keyPath); code != 200 || !prov || d != int64(time.Second-tolerance) {
		t.Errorf("the open segment: %d, %v, provisional %v", code, time.Duration(d), prov)
	}
	f.feedThroughCut()
	if code, d, prov := info(keyPath); code != 200 || prov || d < int64(time.Second-tolerance) {
		t.Errorf("the same segment once whole: %d, %v, provisional %v", code, time.Duration(d), prov)
	}
	for _, path := range []string{"/key/demo/nope/1", "/key/demo/x/y", "/key/other/r/1"} {
		if code, _, _ := info(path); code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, code)
		}
	}
}

// A key to a segment this node does not have is priced by Remote (a
// finished segment published on another node), and sold here.
func TestKeyPricedByRemote(t *testing.T) {
	f, _ := pricedLLFixture(t, 1500*time.Millisecond)
	if _, err := f.s.opts.Keys.secret("demo", "elsewhere", true); err != nil { // the shared ledger holds it
		t.Fatal(err)
	}
	gate := &recordingGate{}
	asked := 0
	o := &Origin{Streams: map[string]*Stream{"demo": f.s}, Archive: f.s.archive, Gate: gate,
		Remote: func(_ context.Context, stream, recording string, seq uint64) (time.Duration, bool) {
			asked++
			return 1500 * time.Millisecond, stream == "demo" && recording == "elsewhere" && seq == 7
		}}
	mux := http.NewServeMux()
	o.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for path, want := range map[string]int{"/key/demo/elsewhere/7": 200, "/key/demo/elsewhere/8": 404} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	refs := gate.refs()
	if asked != 2 || len(refs) != 1 || refs[0].Duration != 1500*time.Millisecond || refs[0].Provisional || refs[0].Recording != "elsewhere" {
		t.Errorf("Remote asked %d times; the gate asked %+v", asked, refs)
	}
}
