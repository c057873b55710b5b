package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/livegate/livegate/internal/testbrowser"
)

// latency is issue 17's first target: ingest-to-playback delay in hls.js,
// livegate against MediaMTX's low-latency HLS in the same run on the same
// input. One ffmpeg encode (testsrc2 720p30, x264 with a keyframe every
// 2 s, AAC, in real time) goes to both servers over RTMP through the tee
// muxer; one headless Chromium page plays both master playlists side by
// side, each with its own hls.js in low-latency mode, and samples both
// players at the same instants every 500 ms: the delay is Date.now() −
// hls.playingDate, the program date time of the playing position (both
// servers stamp it from their wall clock at ingest; browser and servers
// share this machine's clock).
func latency(o options, w *world) error {
	if o.mediamtx == "" {
		return errors.New("latency: --mediamtx names the MediaMTX binary to compare with (BENCHMARKS.md, issue 17, says how to build it)")
	}
	if _, err := os.Stat(o.hlsjs); err != nil {
		return fmt.Errorf("latency: hls.js: %w (npm ci installs it)", err)
	}
	stream := "  - {name: ll, key: ll-stream-key, ladder: []}\n"
	mode := "MPEG-TS (--lowlatency=false)"
	if o.lowLatency {
		stream = "  - {name: ll, key: ll-stream-key, ladder: [], lowLatency: true, part: 200ms}\n"
		mode = "lowLatency: true, part: 200ms"
	}
	fmt.Printf("\n== latency: livegate (%s, 2 s segments) and MediaMTX (%s) on one 720p30 encode; hls.js lowLatencyMode, maxLiveSyncPlaybackRate %g, %v warm-up, %v of samples\n",
		mode, filepath.Base(o.mediamtx), o.catchup, o.warmup, o.watchTime)
	dir := filepath.Join(o.work, "latency")
	srv, err := startServer(o, w, serverConf{dir: dir, window: 6, extra: stream})
	if err != nil {
		return fmt.Errorf("latency: %w (a livegate without low-latency HLS refuses lowLatency: run with --lowlatency=false)", err)
	}
	defer srv.stop()
	mtx, err := startMediaMTX(o.mediamtx, filepath.Join(dir, "mediamtx"))
	if err != nil {
		return err
	}
	defer mtx.stop()

	enc, err := startChild(filepath.Join(dir, "ffmpeg.log"), "ffmpeg", encodeArgs(
		"[f=flv]rtmp://"+srv.rtmp+"/live/ll-stream-key|[f=flv]rtmp://"+mtx.rtmp+"/cam")...)
	if err != nil {
		return err
	}
	defer enc.stop()
	fmt.Printf("encoder: ffmpeg %s\n", strings.Join(enc.cmd.Args[1:], " "))
	sources := map[string]string{
		"livegate": srv.base + "/live/ll/index.m3u8",
		"mediamtx": mtx.base + "/cam/index.m3u8",
	}
	for name, u := range sources {
		if err := waitPlaylist(u, enc); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}

	// The players join a stream that has run for a while, as a viewer
	// does: a player opened on the first playlist starts wherever the
	// first segments put it, and hls.js (maxLiveSyncPlaybackRate 1, its
	// default) never catches up.
	time.Sleep(joinAfter)
	page, err := serveLatencyPage(o.hlsjs)
	if err != nil {
		return err
	}
	defer page.Close()
	b, err := testbrowser.Launch("", "")
	if err != nil {
		return err
	}
	defer b.Close()
	q := url.Values{"catchup": {strconv.FormatFloat(o.catchup, 'f', -1, 64)}}
	for name, u := range sources {
		q.Set(name, u)
	}
	medians := map[string][]float64{}
	for join := range max(o.joins, 1) {
		// Each join is a fresh page: both players start again from the
		// live edge as a new viewer's do.
		if err := b.Navigate("http://" + page.Addr().String() + "/?" + q.Encode()); err != nil {
			return err
		}
		if err := waitPlaying(b, enc); err != nil {
			return err
		}
		time.Sleep(o.warmup)
		if err := b.Eval(nil, `startSampling(); return null`); err != nil {
			return err
		}
		end := time.Now().Add(o.watchTime)
		leads := map[string]chan []time.Duration{}
		for name, u := range sources {
			leads[name] = make(chan []time.Duration, 1)
			go func() { leads[name] <- pdtLeads(u, end) }()
		}
		for ; time.Now().Before(end); time.Sleep(time.Second) {
			if enc.exited() {
				return fmt.Errorf("the encoder stopped while sampling; see %s", enc.log.Name())
			}
		}
		var res map[string]playerReport
		if err := b.Eval(&res, `return stopSampling()`); err != nil {
			return err
		}
		fmt.Printf("join %d:\n", join+1)
		for _, name := range []string{"livegate", "mediamtx"} {
			res[name].print(name, sources[name])
			l := <-leads[name]
			fmt.Printf("  program date time of the newest media listed minus when it was listed (polled every 50 ms), %d listings: median %v  max %v\n",
				len(l), quantile(l, 0.5).Round(time.Millisecond), quantile(l, 1).Round(time.Millisecond))
			medians[name] = append(medians[name], quantileF(res[name].Delays, 0.5)/1000)
		}
	}
	fmt.Printf("median ingest-to-playback delay of each join (s): livegate %.2f, mediamtx %.2f\n", medians["livegate"], medians["mediamtx"])
	return nil
}

// pdtLeads polls the first media playlist of a master every 50 ms until
// end and returns, each time the newest media it lists grows, how far the
// program date time of that media's end is ahead of the wall clock then
// (sorted). Media cannot be listed before it was ingested: a positive
// lead is a program date time stamped later than the ingest, by which
// the delay measured against it is understated.
func pdtLeads(master string, end time.Time) []time.Duration {
	jar, _ := cookiejar.New(nil) // MediaMTX sends a player through a cookie check first
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	_, body, err := fetchBodyVia(c, master)
	if err != nil {
		return nil
	}
	var media string
	for _, u := range segmentURIs(body) {
		media = u
		break
	}
	mu, err := url.Parse(master)
	if err != nil || media == "" {
		return nil
	}
	ref, _ := url.Parse(media)
	media = mu.ResolveReference(ref).String()
	var out []time.Duration
	var last time.Time
	for ; time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		code, body, err := fetchBodyVia(c, media)
		now := time.Now()
		if err != nil || code != http.StatusOK {
			continue
		}
		if e := listedEnd(body); e.After(last) {
			if !last.IsZero() {
				out = append(out, e.Sub(now))
			}
			last = e
		}
	}
	slices.Sort(out)
	return out
}

// listedEnd is the program date time of the end of the newest media a
// media playlist lists: its last EXT-X-PROGRAM-DATE-TIME, plus the
// segments and parts after it.
func listedEnd(playlist []byte) time.Time {
	var base time.Time
	var off, extinf float64
	dated := false
	for line := range strings.Lines(string(playlist)) {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "#EXT-X-PROGRAM-DATE-TIME:"):
			base, _ = time.Parse(time.RFC3339Nano, strings.TrimPrefix(line, "#EXT-X-PROGRAM-DATE-TIME:"))
			off, dated = 0, true
		case strings.HasPrefix(line, "#EXT-X-PART:"):
			for _, a := range splitAttrs(strings.TrimPrefix(line, "#EXT-X-PART:")) {
				if v, ok := strings.CutPrefix(a, "DURATION="); ok {
					d, _ := strconv.ParseFloat(v, 64)
					off += d
				}
			}
		case strings.HasPrefix(line, "#EXTINF:"):
			v, _, _ := strings.Cut(strings.TrimPrefix(line, "#EXTINF:"), ",")
			extinf, _ = strconv.ParseFloat(v, 64)
		case line != "" && !strings.HasPrefix(line, "#"): // a whole segment: its parts are its time
			base = base.Add(time.Duration(extinf * float64(time.Second)))
			off = 0
		}
	}
	if !dated {
		return time.Time{}
	}
	return base.Add(time.Duration(off * float64(time.Second)))
}

// joinAfter is how long the stream runs before the players open it.
const joinAfter = 12 * time.Second

// encodeArgs are ffmpeg's arguments for the benchmark's input: 720p30
// test pattern and a tone, encoded once in real time (x264 ultrafast,
// zerolatency, 4 Mb/s, a keyframe every 2 s; AAC 128 kb/s), sent to the
// outputs of a tee muxer (global headers: FLV carries them in its
// sequence headers).
func encodeArgs(tee string) []string {
	return []string{"-hide_banner", "-loglevel", "warning", "-re",
		"-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-map", "0:v", "-map", "1:a",
		"-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-b:v", "4000k", "-maxrate", "4000k", "-bufsize", "8000k",
		"-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
		"-c:a", "aac", "-b:a", "128k", "-flags", "+global_header",
		"-f", "tee", tee}
}

// child is a process lgload started (an encoder, MediaMTX), its output in
// a log file, stopped by its PID.
type child struct {
	cmd  *exec.Cmd
	log  *os.File
	done chan struct{}
}

func startChild(logPath, bin string, args ...string) (*child, error) {
	if err := os.MkdirAll(filepath.Dir(logPath), 0o700); err != nil {
		return nil, err
	}
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	c := &child{cmd: exec.Command(bin, args...), log: log, done: make(chan struct{})}
	c.cmd.Stdout, c.cmd.Stderr = log, log
	if err := c.cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	go func() { _ = c.cmd.Wait(); close(c.done) }()
	return c, nil
}

func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// stop interrupts the process (ffmpeg then closes its outputs cleanly)
// and kills it if it lingers.
func (c *child) stop() {
	if !c.exited() {
		_ = c.cmd.Process.Signal(os.Interrupt)
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
			_ = c.cmd.Process.Kill()
			<-c.done
		}
	}
	c.log.Close()
}

// mediaMTX is a MediaMTX with RTMP in and low-latency HLS out, on free
// loopback ports, every other server off.
type mediaMTX struct {
	*child
	rtmp string // host:port
	base string // http://host:port of its HLS server
}

// startMediaMTX runs bin with its defaults for HLS (hlsVariant
// lowLatency, 200 ms parts, 7 segments) but 2 s segments, as livegate
// cuts them, and muxing from the moment a publisher starts.
func startMediaMTX(bin, dir string) (*mediaMTX, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	m := &mediaMTX{rtmp: freeAddr()}
	hlsAddr := freeAddr()
	m.base = "http://" + hlsAddr
	conf := fmt.Sprintf(`logLevel: info
logDestinations: [stdout]
api: false
metrics: false
pprof: false
playback: false
rtsp: false
webrtc: false
srt: false
moq: false
rtmp: true
rtmpAddress: %s
hls: true
hlsAddress: %s
hlsAlwaysRemux: true
hlsVariant: lowLatency
hlsSegmentCount: 7
hlsSegmentDuration: 2s
hlsPartDuration: 200ms
paths:
  all_others:
`, m.rtmp, hlsAddr)
	path := filepath.Join(dir, "mediamtx.yml")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		return nil, err
	}
	c, err := startChild(filepath.Join(dir, "mediamtx.log"), bin, path)
	if err != nil {
		return nil, err
	}
	m.child = c
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c.exited() {
			return nil, fmt.Errorf("mediamtx exited; see %s", c.log.Name())
		}
		conn, err := net.DialTimeout("tcp", m.rtmp, time.Second)
		if err == nil {
			conn.Close()
			return m, nil
		}
	}
	m.stop()
	return nil, fmt.Errorf("mediamtx did not come up; see %s", c.log.Name())
}

// waitPlaylist waits (a minute at most) for a playlist to answer 200.
func waitPlaylist(u string, enc *child) error {
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if enc.exited() {
			return fmt.Errorf("the encoder exited; see %s", enc.log.Name())
		}
		if code, _, err := fetchBody(u); err == nil && code == http.StatusOK {
			return nil
		}
	}
	return fmt.Errorf("%s did not answer within a minute", u)
}

// waitPlaying waits (a minute at most) until both players play.
func waitPlaying(b *testbrowser.Browser, enc *child) error {
	var state any
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		if enc.exited() {
			return fmt.Errorf("the encoder exited; see %s", enc.log.Name())
		}
		var ok bool
		if err := b.Eval(&ok, `return bothPlaying()`); err == nil && ok {
			return nil
		}
	}
	_ = b.Eval(&state, `return pageState()`)
	return fmt.Errorf("the players did not both play within a minute: %v", state)
}

// playerReport is what the page says of one player over the sampling.
type playerReport struct {
	Version   string    `json:"version"`
	Delays    []float64 `json:"delays"`    // ms, Date.now() − playingDate
	Latencies []float64 `json:"latencies"` // s, hls.latency
	Targets   []float64 `json:"targets"`   // s, hls.targetLatency
	NoDate    int       `json:"noDate"`    // samples without a playing date
	Stalls    int       `json:"stalls"`    // waiting events while sampling
	Errors    []string  `json:"errors"`    // hls.js errors while sampling
	Fatal     []string  `json:"fatal"`
	PartTgt   float64   `json:"partTarget"` // s, of the playing level; 0 without parts
	CanBlock  bool      `json:"canBlock"`
	TargetDur float64   `json:"targetDuration"`
	// First and Last are where the player was at the first and the last
	// sample (media time, buffer end, live edge, playing fragment).
	First, Last json.RawMessage
	Requests    []string `json:"requests"` // the last few, for a player that did not advance
	Log         []string `json:"log"`      // hls.js's last lines on its timeline, likewise
}

func (r playerReport) print(name, src string) {
	q := quantileF
	fmt.Printf("%s  %s  (hls.js %s; playlist: target duration %gs, part target %gs, blocking reload %v)\n",
		name, src, r.Version, r.TargetDur, r.PartTgt, r.CanBlock)
	fmt.Printf("  ingest to playback (now − playingDate), %d samples: median %.2f s  p10 %.2f s  p90 %.2f s\n",
		len(r.Delays), q(r.Delays, 0.5)/1000, q(r.Delays, 0.1)/1000, q(r.Delays, 0.9)/1000)
	fmt.Printf("  hls.latency: median %.2f s  p10 %.2f s  p90 %.2f s; hls.targetLatency median %.2f s\n",
		q(r.Latencies, 0.5), q(r.Latencies, 0.1), q(r.Latencies, 0.9), q(r.Targets, 0.5))
	errs, _ := json.Marshal(r.Errors)
	fmt.Printf("  at the first sample %s\n  at the last sample  %s\n", r.First, r.Last)
	var first, last struct{ Time float64 }
	_ = json.Unmarshal(r.First, &first)
	_ = json.Unmarshal(r.Last, &last)
	if first.Time == last.Time {
		fmt.Printf("  the player did not advance; its last requests: %s\n", strings.Join(r.Requests, " "))
		for _, l := range r.Log {
			fmt.Printf("  hls.js: %s\n", l)
		}
	}
	fmt.Printf("  samples without a playing date %d, stalls %d, hls.js errors %d %s, fatal %v\n", r.NoDate, r.Stalls, len(r.Errors), errs, r.Fatal)
}

// quantileF is the p-quantile of xs (unsorted; p = 1: the largest).
func quantileF(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

// latencyPage plays ?livegate= and ?mediamtx= side by side, one hls.js
// each (lowLatencyMode, maxLiveSyncPlaybackRate ?catchup=, otherwise
// hls.js's defaults), and samples both at
// the same instants every 500 ms between startSampling and stopSampling.
const latencyPage = `<!doctype html>
<meta charset="utf-8">
<body></body>
<script src="/hls.min.js"></script>
<script>
const q = new URLSearchParams(location.search);
const players = {};
performance.setResourceTimingBufferSize(100000);
for (const name of ['livegate', 'mediamtx']) {
  const v = document.createElement('video');
  v.width = 480; v.height = 270;
  document.body.appendChild(v);
  // hls.js's own log, the lines that say where it puts fragments and
  // parts on its timeline: the last 40, for a player that stops.
  const log = [];
  const keep = (...a) => {
    const l = a.map(String).join(' ');
    if (/Loading main|Parsed main|sliding|Aligning|initPTS/.test(l)) log.push(l.slice(0, 200)) > 40 && log.shift();
  };
  const hls = new Hls({lowLatencyMode: true, maxLiveSyncPlaybackRate: Number(q.get('catchup') || 1),
    debug: {log: keep, debug: keep, info: keep, warn: keep, error: keep}});
  const p = {hls, v, errors: [], fatal: [], stalls: 0, log};
  hls.on(Hls.Events.ERROR, (e, d) => (d.fatal ? p.fatal : p.errors).push(d.type + ':' + d.details));
  hls.on(Hls.Events.MANIFEST_PARSED, () => v.play().catch(err => p.fatal.push('play: ' + err)));
  v.addEventListener('waiting', () => p.stalls++);
  hls.loadSource(q.get(name));
  hls.attachMedia(v);
  players[name] = p;
}
window.bothPlaying = () => Object.values(players).every(p => p.v.currentTime > 0 && !p.v.paused && p.hls.playingDate);
window.pageState = () => Object.fromEntries(Object.entries(players).map(([n, p]) =>
  [n, {time: p.v.currentTime, paused: p.v.paused, errors: p.errors, fatal: p.fatal, error: p.v.error && p.v.error.message}]));
// where says what hls.js plays: the media time, the video's ready
// state, the buffered ranges, the playlist's live edge, and the playing fragment.
const where = p => {
  const v = p.v, b = v.buffered, lv = p.hls.levels[p.hls.currentLevel];
  const f = p.hls.streamController && p.hls.streamController.currentFrag;
  const r = x => Math.round(x * 1000) / 1000;
  const ranges = [];
  for (let i = 0; i < b.length; i++) ranges.push([r(b.start(i)), r(b.end(i))]);
  return {time: r(v.currentTime), readyState: v.readyState, buffered: ranges, edge: lv && lv.details ? r(lv.details.edge) : 0,
    frag: f ? {sn: f.sn, start: r(f.start), duration: r(f.duration), pdt: f.programDateTime} : null};
};
let timer = null, from = {};
window.startSampling = () => {
  for (const [n, p] of Object.entries(players)) {
    p.delays = []; p.latencies = []; p.targets = []; p.noDate = 0; p.first = null; p.last = null;
    from[n] = {stalls: p.stalls, errors: p.errors.length};
  }
  timer = setInterval(() => {
    const now = Date.now();
    for (const p of Object.values(players)) {
      const d = p.hls.playingDate;
      if (!d) { p.noDate++; continue; }
      p.delays.push(now - d.getTime());
      p.last = where(p);
      if (!p.first) p.first = p.last;
      p.latencies.push(p.hls.latency);
      p.targets.push(p.hls.targetLatency || 0);
    }
  }, 500);
};
window.stopSampling = () => {
  clearInterval(timer);
  return Object.fromEntries(Object.entries(players).map(([n, p]) => {
    const lv = p.hls.levels[p.hls.currentLevel];
    const det = lv && lv.details;
    return [n, {version: Hls.version, delays: p.delays, latencies: p.latencies, targets: p.targets, noDate: p.noDate,
      stalls: p.stalls - from[n].stalls, errors: p.errors.slice(from[n].errors), fatal: p.fatal,
      partTarget: det ? det.partTarget : 0, canBlock: det ? det.canBlockReload : false,
      targetDuration: det ? det.targetduration : 0, first: p.first, last: p.last,
      log: p.log, requests: performance.getEntriesByType('resource').map(e => e.name).filter(u => u.startsWith(new URL(q.get(n)).origin)).slice(-12)}];
  }));
};
</script>
`

// serveLatencyPage serves the page and hls.js on a free loopback port.
func serveLatencyPage(hlsjs string) (net.Listener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hls.min.js", func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, hlsjs) })
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(latencyPage))
	})
	go func() { _ = http.Serve(ln, mux) }()
	return ln, nil
}
