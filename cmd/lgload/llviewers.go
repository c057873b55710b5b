package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// llViewers is issue 17's second target: N low-latency viewers of one
// stream, each doing what hls.js does in low-latency mode on one
// keep-alive connection from a loopback address of its own (the server
// caps connections per client host): a blocking reload of the source's
// ll.m3u8 for the part after the last it lists (_HLS_msn, _HLS_part),
// then a GET of each new part the answer lists.
//
// A blocking request's answer delay is its answer time minus the earliest
// answer any client got for the same (_HLS_msn, _HLS_part): the first
// answer stands for the moment the part became ready. It is reported over
// the requests sent before that moment (they waited for the part), and
// over all.
func llViewers(o options, w *world) error {
	n := o.clients
	fmt.Printf("\n== llviewers: %d low-latency viewers (blocking reload, then the part) of one stream, arriving over %v, measured for %v\n", n, o.arrive, o.watchTime)
	dir := filepath.Join(o.work, "llviewers")
	srv, err := startServer(o, w, serverConf{dir: dir, window: 6,
		extra: "  - {name: ll, key: ll-stream-key, ladder: [], lowLatency: true, part: 200ms}\n"})
	if err != nil {
		return fmt.Errorf("llviewers: %w (it needs a livegate with low-latency HLS)", err)
	}
	defer srv.stop()
	clip := clipPath // --clip, or 720p30 at 4 Mb/s: about 100 KB a part
	if clip == "" {
		clip = filepath.Join(dir, "clip720.flv")
		if err := encodeClip(clip, "1280x720", 4000, 128); err != nil {
			return fmt.Errorf("llviewers: encoding the clip with ffmpeg: %w", err)
		}
	}
	fmt.Printf("publishing %s in a loop\n", clip)
	// One publisher, the clip in a loop in real time, copied (no encoder
	// on the cores the load shares).
	pub, err := startChild(filepath.Join(dir, "ffmpeg.log"), "ffmpeg", "-hide_banner", "-loglevel", "warning",
		"-re", "-stream_loop", "-1", "-i", clip, "-c", "copy", "-f", "flv", "rtmp://"+srv.rtmp+"/live/ll-stream-key")
	if err != nil {
		return err
	}
	defer pub.stop()
	media := srv.base + "/live/ll/source/ll.m3u8"
	if err := waitPlaylist(media, pub); err != nil {
		return err
	}
	time.Sleep(3 * time.Second) // a few parts in the window

	var (
		errs      atomic.Int64
		parts     atomic.Int64
		conns     atomic.Int64
		mu        sync.Mutex
		answers   []llAnswer
		partTimes []time.Duration
		firstErr  atomic.Value
	)
	fail := func(err error) {
		errs.Add(1)
		firstErr.CompareAndSwap(nil, err)
	}
	measureFrom := time.Now().Add(o.arrive)
	end := measureFrom.Add(o.watchTime)
	var cpu0, own0 time.Duration
	var busy0 int64
	go func() {
		time.Sleep(time.Until(measureFrom))
		cpu0, own0 = srv.cpu(), procCPU(os.Getpid())
		busy0, _, _ = machineCPU()
	}()
	var wg sync.WaitGroup
	for v := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(v) * o.arrive / time.Duration(n))
			c := viewerClient(viewerAddr(v))
			defer c.CloseIdleConnections()
			var mine []llAnswer
			var myParts []time.Duration
			// get returns the status, the body (a playlist's; a part's is
			// read and dropped) and when the answer's header arrived.
			get := func(u string, keep bool) (int, []byte, time.Time, error) {
				trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
					if !i.Reused {
						conns.Add(1)
					}
				}}
				req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), http.MethodGet, u, nil)
				resp, err := c.Do(req)
				if err != nil {
					return 0, nil, time.Time{}, err
				}
				at := time.Now()
				defer resp.Body.Close()
				if !keep {
					_, err := discard(resp.Body)
					return resp.StatusCode, nil, at, err
				}
				body, err := io.ReadAll(resp.Body)
				return resp.StatusCode, body, at, err
			}
			code, body, _, err := get(media, true)
			if err != nil || code != http.StatusOK {
				fail(fmt.Errorf("first playlist: %d %v", code, err))
				return
			}
			pl := parseLL(body)
			if len(pl.parts) == 0 {
				fail(fmt.Errorf("the first playlist lists no parts"))
				return
			}
			have := pl.parts[len(pl.parts)-1] // joined at the live edge
			for round := 0; round < 100_000 && time.Now().Before(end); round++ {
				msn, part := have.msn, have.idx+1
				sent := time.Now()
				code, body, at, err := get(fmt.Sprintf("%s?_HLS_msn=%d&_HLS_part=%d", media, msn, part), true)
				if err != nil || code != http.StatusOK {
					fail(fmt.Errorf("blocking reload %d.%d: %d %v %.100s", msn, part, code, err, body))
					time.Sleep(200 * time.Millisecond)
					continue
				}
				mine = append(mine, llAnswer{msn: msn, part: part, sent: sent, at: at})
				pl = parseLL(body)
				for _, p := range pl.parts {
					if p.msn < have.msn || (p.msn == have.msn && p.idx <= have.idx) {
						continue
					}
					t0 := time.Now()
					code, _, _, err := get(srv.base+"/live/ll/source/"+p.uri, false)
					if err != nil || code != http.StatusOK {
						fail(fmt.Errorf("part %s: %d %v", p.uri, code, err))
						break
					}
					if t0.After(measureFrom) {
						myParts = append(myParts, time.Since(t0))
					}
					parts.Add(1)
					have = p
				}
			}
			mu.Lock()
			answers = append(answers, mine...)
			partTimes = append(partTimes, myParts...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	cpu, own := srv.cpu()-cpu0, procCPU(os.Getpid())-own0
	busy, _, cpus := machineCPU()
	window := o.watchTime.Seconds()
	waited, all := answerDelays(answers, measureFrom, end)
	slices.Sort(partTimes)
	fmt.Printf("errors %d (first: %v); parts fetched %d; connections opened %d for %d viewers\n", errs.Load(), firstErr.Load(), parts.Load(), conns.Load(), n)
	fmt.Printf("blocking reloads answered in the measured %v: %d, of which %d sent before the part was ready\n", o.watchTime, len(all), len(waited))
	for _, d := range []struct {
		what string
		ds   []time.Duration
	}{{"sent before the part was ready", waited}, {"all", all}} {
		fmt.Printf("  answer delay after the first answer for the same part (%s): p50 %v  p99 %v  max %v\n", d.what,
			quantile(d.ds, 0.5).Round(10*time.Microsecond), quantile(d.ds, 0.99).Round(10*time.Microsecond), quantile(d.ds, 1).Round(10*time.Microsecond))
	}
	fmt.Printf("  part GET, request to body read: p50 %v  p99 %v  max %v\n",
		quantile(partTimes, 0.5).Round(10*time.Microsecond), quantile(partTimes, 0.99).Round(10*time.Microsecond), quantile(partTimes, 1).Round(10*time.Microsecond))
	fmt.Printf("CPU over the measured %v (2 cores shared by server, publisher and load): server %.0f%% of a core, lgload %.0f%%, machine busy %.0f%% of %d cores\n",
		o.watchTime, 100*cpu.Seconds()/window, 100*own.Seconds()/window, float64(busy-busy0)/window/float64(max(cpus, 1)), cpus)
	fmt.Printf("server RSS %d MiB\n", srv.rss()>>20)
	return nil
}

// llAnswer is one blocking reload's answer.
type llAnswer struct {
	msn      uint64
	part     int
	sent, at time.Time
}

// answerDelays gives, for the answers sent inside [from, to), each one's
// delay after the earliest answer any client got for the same (msn,
// part): those sent before that earliest answer (they waited for the
// part), and all, each sorted.
func answerDelays(answers []llAnswer, from, to time.Time) (waited, all []time.Duration) {
	type key struct {
		msn  uint64
		part int
	}
	first := map[key]time.Time{}
	for _, a := range answers {
		k := key{a.msn, a.part}
		if f, ok := first[k]; !ok || a.at.Before(f) {
			first[k] = a.at
		}
	}
	for _, a := range answers {
		if a.sent.Before(from) || !a.sent.Before(to) {
			continue
		}
		f := first[key{a.msn, a.part}]
		d := a.at.Sub(f)
		all = append(all, d)
		if a.sent.Before(f) {
			waited = append(waited, d)
		}
	}
	slices.Sort(waited)
	slices.Sort(all)
	return waited, all
}

// llPart is a part a low-latency media playlist lists.
type llPart struct {
	msn uint64
	idx int
	uri string
}

type llPlaylist struct {
	parts []llPart
}

// parseLL reads the parts of a low-latency media playlist in order, each
// with its segment's media sequence number and its index in the segment.
func parseLL(body []byte) llPlaylist {
	var pl llPlaylist
	var msn uint64
	idx := 0
	for line := range strings.Lines(string(body)) {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "#EXT-X-MEDIA-SEQUENCE:"):
			msn, _ = strconv.ParseUint(strings.TrimPrefix(line, "#EXT-X-MEDIA-SEQUENCE:"), 10, 64)
		case strings.HasPrefix(line, "#EXT-X-PART:"):
			for _, a := range splitAttrs(strings.TrimPrefix(line, "#EXT-X-PART:")) {
				if v, ok := strings.CutPrefix(a, "URI="); ok {
					pl.parts = append(pl.parts, llPart{msn: msn, idx: idx, uri: strings.Trim(v, `"`)})
				}
			}
			idx++
		case line != "" && !strings.HasPrefix(line, "#"): // a whole segment ends
			msn++
			idx = 0
		}
	}
	return pl
}
