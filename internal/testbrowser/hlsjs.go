package testbrowser

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// hlsPage plays the playlist in ?src= with hls.js, as a viewer's page
// would, and keeps in window.player what a test checks: hls.js errors,
// the levels and codecs it found, and the video element's progress and
// decoded bytes (Chromium counts audio and video separately).
const hlsPage = `<!doctype html>
<meta charset="utf-8">
<video id="v" width="640" height="360" controls></video>
<script src="/hls.min.js"></script>
<script>
const q = new URLSearchParams(location.search);
const v = document.getElementById('v');
window.player = {errors: [], fatal: [], levels: [], codecs: {}};
const hls = new Hls();
hls.on(Hls.Events.ERROR, (e, d) => {
  const what = d.type + ':' + d.details;
  (d.fatal ? player.fatal : player.errors).push(what);
});
hls.on(Hls.Events.MANIFEST_PARSED, (e, d) => {
  player.levels = d.levels.map(l => ({width: l.width, height: l.height, videoCodec: l.videoCodec || '', audioCodec: l.audioCodec || ''}));
  v.playbackRate = Number(q.get('rate') || 1);
  v.play().catch(err => player.fatal.push('play: ' + err));
});
hls.on(Hls.Events.BUFFER_CODECS, (e, d) => {
  for (const [k, t] of Object.entries(d)) player.codecs[k] = t.codec || '';
});
hls.loadSource(q.get('src'));
hls.attachMedia(v);
window.state = () => ({
  time: v.currentTime, ended: v.ended, paused: v.paused,
  audioBytes: v.webkitAudioDecodedByteCount, videoBytes: v.webkitVideoDecodedByteCount,
  width: v.videoWidth, height: v.videoHeight,
  errors: player.errors, fatal: player.fatal, levels: player.levels, codecs: player.codecs,
  mediaError: v.error ? v.error.code + ' ' + v.error.message : '',
});
</script>
`

// HLSState is what the hls.js page reports.
type HLSState struct {
	Time       float64 `json:"time"`
	Ended      bool    `json:"ended"`
	Paused     bool    `json:"paused"`
	AudioBytes int64   `json:"audioBytes"`
	VideoBytes int64   `json:"videoBytes"`
	Width      int     `json:"width"`
	Height     int     `json:"height"`
	Errors     []string
	Fatal      []string
	Levels     []struct {
		Width      int    `json:"width"`
		Height     int    `json:"height"`
		VideoCodec string `json:"videoCodec"`
		AudioCodec string `json:"audioCodec"`
	}
	Codecs     map[string]string
	MediaError string `json:"mediaError"`
}

// StateScript returns the hls.js page's state.
const StateScript = `return window.state ? window.state() : null`

// HLSPlayer serves a page that plays an HLS URL with hls.js 1.7 from
// node_modules (installed by npm ci), and returns the page's URL for src
// played at rate (1 is real time).
func HLSPlayer(t testing.TB, src string, rate float64) string {
	t.Helper()
	js := filepath.Join(RepoRoot(), "node_modules", "hls.js", "dist", "hls.min.js")
	if _, err := os.Stat(js); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("hls.js is not installed (%v): .ci/run runs npm ci", err)
		}
		t.Skipf("hls.js is not installed: run npm ci (%v)", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hls.min.js", func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, js) })
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(hlsPage))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/?" + url.Values{"src": {src}, "rate": {formatRate(rate)}}.Encode()
}

func formatRate(r float64) string {
	if r <= 0 {
		r = 1
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}
