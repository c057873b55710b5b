package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// segments measures public encrypted segments served by livegate against
// nginx serving the same bytes from a file, with wrk, side by side in one
// run: a live segment (livegate answers it from memory) and a recorded
// one (from disk), each at every connection count, livegate and nginx
// alternating which goes first from round to round.
//
// livegate runs with GOMAXPROCS at its default, the machine's cores;
// nginx with worker_processes auto, as many workers. The server gets
// limits {connsPerClient: 4096, conns: 8192}: wrk opens all its
// connections from 127.0.0.1, and the default of 512 per client host
// would refuse most of 1,000.
func segments(o options, w *world) error {
	if _, err := exec.LookPath("wrk"); err != nil {
		return fmt.Errorf("the segments scenario needs wrk: %w", err)
	}
	dir := filepath.Join(o.work, "segments")
	srv, err := startServer(o, w, serverConf{dir: dir, window: 30, extra: "limits: {connsPerClient: 4096, conns: 8192}\n"})
	if err != nil {
		return err
	}
	defer srv.stop()
	fmt.Printf("\n== segments: wrk -t2 -c{%s} -d%v against livegate and nginx, %d rounds\n", joinInts(o.conns), o.wrkTime, o.wrkRounds)
	// A finished recording, then the stream live in real time.
	if err := publish(srv.rtmp, "paid-stream-key", 3, false, nil); err != nil {
		return err
	}
	rec, segs, err := recording(srv, "paid")
	if err != nil {
		return err
	}
	tags, err := clipTags()
	if err != nil {
		return err
	}
	defer goLive(tags, srv.rtmp, "paid-stream-key")()
	if err := waitLive(srv, "paid", 3); err != nil {
		return err
	}
	ngx, err := startNginx(filepath.Join(dir, "nginx"), `    tcp_nopush on;
    server {
        listen LISTEN backlog=4096;
        root `+filepath.Join(dir, "www")+`;
    }`)
	if err != nil {
		return err
	}
	defer ngx.stop()
	vodURL := fmt.Sprintf("%s/vod/paid/%s/source/%d.ts", srv.base, rec, segs/2)
	vodBytes, err := copySegment(vodURL, filepath.Join(dir, "www", "vod.ts"))
	if err != nil {
		return err
	}
	fmt.Printf("recorded segment %s: %d bytes, encrypted (its playlist names a key)\n", strings.TrimPrefix(vodURL, srv.base), vodBytes)
	fmt.Printf("livegate %s (GOMAXPROCS default: %d cores); nginx %s (worker_processes auto, sendfile on, access_log off)\n", srv.base, numCPU(), ngx.base)
	type key struct {
		target string
		conns  int
	}
	ratios := map[key][]float64{}
	results := map[key][2][]wrkResult{} // nginx, livegate
	for round := range o.wrkRounds {
		for _, conns := range o.conns {
			for _, target := range []string{"live", "vod"} {
				lgURL := vodURL
				if target == "live" {
					// The newest live segment: it stays in the 30-segment
					// window for a minute, longer than the pair of runs.
					u, err := newestSegment(srv)
					if err != nil {
						return err
					}
					lgURL = u
					if _, err := copySegment(lgURL, filepath.Join(dir, "www", "live.ts")); err != nil {
						return err
					}
				}
				runs := []struct {
					name, url string
					pids      func() []int
				}{
					{"nginx", ngx.base + "/" + target + ".ts", ngx.pids},
					{"livegate", lgURL, func() []int { return []int{srv.cmd.Process.Pid} }},
				}
				if round%2 == 1 {
					runs[0], runs[1] = runs[1], runs[0]
				}
				var pair [2]wrkResult
				for _, r := range runs {
					var prof string
					if o.profile != "" && r.name == "livegate" && round == 0 {
						prof = filepath.Join(o.profile, fmt.Sprintf("livegate-%s-c%d.pprof", target, conns))
					}
					res, err := runWrk(r.url, conns, o.wrkTime, r.pids, srv.pprof, prof)
					if err != nil {
						return err
					}
					fmt.Printf("round %d  c%-5d %-4s %-8s %s\n", round+1, conns, target, r.name, res)
					if r.name == "nginx" {
						pair[0] = res
					} else {
						pair[1] = res
					}
				}
				k := key{target, conns}
				rs := results[k]
				rs[0], rs[1] = append(rs[0], pair[0]), append(rs[1], pair[1])
				results[k] = rs
				ratios[k] = append(ratios[k], pair[1].rps/pair[0].rps)
			}
		}
	}
	fmt.Printf("\n| segment | connections | nginx req/s | livegate req/s | livegate / nginx (per round) | mean ratio | p50 / p99 nginx | p50 / p99 livegate | server CPU µs/req nginx / livegate | wrk CPU µs/req nginx / livegate |\n")
	fmt.Printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, target := range []string{"live", "vod"} {
		for _, conns := range o.conns {
			k := key{target, conns}
			rs := results[k]
			var per []string
			for _, r := range ratios[k] {
				per = append(per, fmt.Sprintf("%.3f", r))
			}
			n, l := meanWrk(rs[0]), meanWrk(rs[1])
			fmt.Printf("| %s | %d | %.0f | %.0f | %s | **%.3f** | %v / %v | %v / %v | %.0f / %.0f | %.0f / %.0f |\n", target, conns, n.rps, l.rps,
				strings.Join(per, ", "), l.rps/n.rps, n.p50, n.p99, l.p50, l.p99, n.cpu, l.cpu, n.wrk, l.wrk)
		}
	}
	return nil
}

// wrkResult is one wrk run's figures, with the CPU the server and wrk
// spent per request, and what the machine's 2 cores did meanwhile:
// where a run's time went, on a machine that other tenants share.
type wrkResult struct {
	rps        float64
	p50, p99   time.Duration
	errors     int64 // socket errors and non-2xx answers
	cpu, wrk   float64
	requests   int64
	transferGB float64
	// in cores: the server, wrk, the whole machine busy (the other
	// server idle, other tenants, interrupts too), stolen by the
	// hypervisor
	serverCores, wrkCores, busyCores, stolen float64
	// TCP segments sent and retransmitted machine-wide, per request (on
	// loopback a segment is up to 64 KB: how finely the bytes were cut)
	segs, retrans float64
}

func (r wrkResult) String() string {
	return fmt.Sprintf("%6.0f req/s %5.2f GB/s  p50 %-9v p99 %-9v errors %d  CPU µs/req: server %.0f, wrk %.0f  cores: server %.2f, wrk %.2f, machine %.2f, stolen %.2f  TCP segments/req %.1f, retransmitted %.2f",
		r.rps, r.transferGB, r.p50, r.p99, r.errors, r.cpu, r.wrk, r.serverCores, r.wrkCores, r.busyCores, r.stolen, r.segs, r.retrans)
}

func meanWrk(rs []wrkResult) wrkResult {
	var m wrkResult
	var p50, p99 time.Duration
	for _, r := range rs {
		m.rps += r.rps / float64(len(rs))
		m.cpu += r.cpu / float64(len(rs))
		m.wrk += r.wrk / float64(len(rs))
		p50 += r.p50 / time.Duration(len(rs))
		p99 += r.p99 / time.Duration(len(rs))
	}
	m.p50, m.p99 = p50.Round(10*time.Microsecond), p99.Round(10*time.Microsecond)
	return m
}

// runWrk runs wrk -t2 -cN -dD --latency u, and measures the CPU the
// server's processes (pids, read at the start and the end) spent. With
// profile set, it saves the server's CPU profile of the run's middle.
func runWrk(u string, conns int, d time.Duration, pids func() []int, pprofAddr, profile string) (wrkResult, error) {
	before := map[int]time.Duration{}
	for _, p := range pids() {
		before[p] = procCPU(p)
	}
	busy0, steal0, _ := machineCPU()
	out0, re0 := tcpSegments()
	start := time.Now()
	cmd := exec.Command("wrk", "-t2", "-c"+strconv.Itoa(conns), "-d"+d.String(), "--latency", u)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return wrkResult{}, err
	}
	profErr := make(chan error, 1)
	if profile != "" {
		go func() { profErr <- saveProfile(pprofAddr, profile, d-2*time.Second) }()
	} else {
		profErr <- nil
	}
	err := cmd.Wait()
	if perr := <-profErr; perr != nil {
		fmt.Fprintln(os.Stderr, "lgload: profile:", perr)
	}
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %w: %s", u, err, out.String())
	}
	var cpu time.Duration
	for _, p := range pids() {
		cpu += procCPU(p) - before[p]
	}
	busy1, steal1, _ := machineCPU()
	out1, re1 := tcpSegments()
	took := time.Since(start).Seconds()
	r, err := parseWrk(out.String())
	if err != nil {
		return r, fmt.Errorf("wrk %s: %w: %s", u, err, out.String())
	}
	wrkCPU := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	reqs := float64(max(r.requests, 1))
	r.cpu, r.wrk = float64(cpu.Microseconds())/reqs, float64(wrkCPU.Microseconds())/reqs
	r.serverCores, r.wrkCores = cpu.Seconds()/took, wrkCPU.Seconds()/took
	r.busyCores = float64(busy1-busy0) / 100 / took
	r.stolen = float64(steal1-steal0) / 100 / took
	r.segs, r.retrans = float64(out1-out0)/reqs, float64(re1-re0)/reqs
	return r, nil
}

// tcpSegments is the machine's TCP OutSegs and RetransSegs counters, from
// /proc/net/snmp.
func tcpSegments() (out, retrans int64) {
	b, err := os.ReadFile("/proc/net/snmp")
	if err != nil {
		return 0, 0
	}
	var names []string
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != "Tcp:" {
			continue
		}
		if names == nil {
			names = f
			continue
		}
		for i := 1; i < len(f) && i < len(names); i++ {
			v, _ := strconv.ParseInt(f[i], 10, 64)
			switch names[i] {
			case "OutSegs":
				out = v
			case "RetransSegs":
				retrans = v
			}
		}
	}
	return out, retrans
}

// parseWrk reads wrk's report: Requests/sec, the latency distribution
// (--latency), the request count, the transfer rate, and errors.
func parseWrk(s string) (wrkResult, error) {
	var r wrkResult
	found := false
	for line := range strings.Lines(s) {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && f[0] == "Requests/sec:":
			r.rps, _ = strconv.ParseFloat(f[1], 64)
			found = true
		case len(f) == 2 && f[0] == "Transfer/sec:":
			r.transferGB = parseSize(f[1]) / 1e9
		case len(f) == 2 && f[0] == "50%":
			r.p50 = parseWrkDuration(f[1])
		case len(f) == 2 && f[0] == "99%":
			r.p99 = parseWrkDuration(f[1])
		case len(f) >= 3 && f[1] == "requests" && f[2] == "in":
			r.requests, _ = strconv.ParseInt(f[0], 10, 64)
		case len(f) == 9 && f[0] == "Socket" && f[1] == "errors:":
			for _, i := range []int{3, 5, 7} {
				n, _ := strconv.ParseInt(strings.TrimSuffix(f[i+1], ","), 10, 64)
				r.errors += n
			}
		case strings.HasPrefix(strings.TrimSpace(line), "Non-2xx or 3xx responses:"):
			n, _ := strconv.ParseInt(f[len(f)-1], 10, 64)
			r.errors += n
		}
	}
	if !found {
		return r, fmt.Errorf("no Requests/sec in wrk's output")
	}
	return r, nil
}

// parseWrkDuration reads wrk's 1.23ms, 456.78us, 1.02s, 2.00m.
func parseWrkDuration(s string) time.Duration {
	for _, u := range []struct {
		suffix string
		unit   time.Duration
	}{{"us", time.Microsecond}, {"ms", time.Millisecond}, {"m", time.Minute}, {"s", time.Second}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return 0
			}
			return time.Duration(f * float64(u.unit))
		}
	}
	return 0
}

// parseSize reads wrk's 1.23GB, 456.78MB, 12.00KB, 100B as bytes.
func parseSize(s string) float64 {
	for _, u := range []struct {
		suffix string
		unit   float64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f * u.unit
		}
	}
	return 0
}

// saveProfile fetches the server's CPU profile over d to path.
func saveProfile(addr, path string, d time.Duration) error {
	time.Sleep(time.Second) // past wrk's connecting
	c := &http.Client{Timeout: d + 30*time.Second}
	resp, err := c.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, int(d.Seconds())))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("profile: %s", resp.Status)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	fmt.Printf("  (livegate's CPU profile of this run: %s)\n", path)
	return f.Close()
}

// copySegment fetches a segment and writes its bytes to path, for nginx
// to serve the same file.
func copySegment(u, path string) (int, error) {
	code, body, err := fetchBody(u)
	if err != nil {
		return 0, err
	}
	if code != http.StatusOK {
		return 0, fmt.Errorf("GET %s: %d", u, code)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return 0, err
	}
	return len(body), os.WriteFile(path, body, 0o644)
}

// newestSegment is the URL of the newest segment of the paid stream's
// live source playlist.
func newestSegment(srv *server) (string, error) {
	code, body, err := fetchBody(srv.base + "/live/paid/source/index.m3u8")
	if err != nil {
		return "", err
	}
	uris := segmentURIs(body)
	if code != http.StatusOK || len(uris) == 0 {
		return "", fmt.Errorf("the live playlist: %d, %d segments", code, len(uris))
	}
	if !bytes.Contains(body, []byte("#EXT-X-KEY:METHOD=AES-128")) {
		return "", fmt.Errorf("the paid stream's live playlist names no key: its segments are not encrypted")
	}
	return srv.base + "/live/paid/source/" + uris[len(uris)-1], nil
}

// waitLive waits until stream's live source playlist lists n segments.
func waitLive(srv *server, stream string, n int) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		code, body, err := fetchBody(srv.base + "/live/" + stream + "/source/index.m3u8")
		if err == nil && code == http.StatusOK && len(segmentURIs(body)) >= n {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("the live stream %s did not list %d segments in a minute", stream, n)
}

// raiseFileLimit lifts the soft open-file limit to the hard one: wrk,
// nginx and livegate inherit it, and 1,000 connections or 5,000 viewers
// need more than the usual 1,024.
func raiseFileLimit() {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return
	}
	if l.Cur < l.Max {
		l.Cur = l.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
	_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l)
	fmt.Printf("lgload: open files limit %d\n", l.Cur)
}

func joinInts(xs []int) string {
	var s []string
	for _, x := range xs {
		s = append(s, strconv.Itoa(x))
	}
	return strings.Join(s, ",")
}
