package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/livegate/livegate/internal/testmedia"
)

// whipPublishers is how many WHIP streams the server is configured with.
const whipPublishers = 10

// whipLoad has n WHIP publishers (pion clients, as OBS or a browser) send
// the clip in real time, H.264 as it is and its audio as Opus, and
// measures:
//
//   - glass to playlist: from the moment a segment's first frame (its
//     keyframe) is sent to the moment the segment is listed in the live
//     playlist, polled every 20 ms; a segment can only be listed once its
//     last frame is in, so the target is its duration + 300 ms;
//   - the CPU the server uses (its process and its Opus-to-AAC ffmpegs)
//     per publisher, over a window after everyone is up.
func whipLoad(o options, srv *server, n int) error {
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		return fmt.Errorf("the whip scenario makes Opus with ffmpeg: %w", err)
	}
	path := clipPath
	if path == "" {
		path = testmedia.ClipPath()
	}
	const warmup, window = 6 * time.Second, 24 * time.Second
	loops := int((warmup+window+4*time.Second)/(6*time.Second)) + 1
	fmt.Printf("\n== whip: %d WHIP publishers for %v, each the clip (%s) in real time with Opus audio\n", n, warmup+window, filepath.Base(path))
	type listing struct {
		seq uint64
		at  time.Time
		dur time.Duration
	}
	var (
		mu       sync.Mutex
		keyAt    = make([][]sentKey, n) // per publisher, each keyframe's media time and send time
		listed   = make([][]listing, n)
		wg       sync.WaitGroup
		errs     = make(chan error, 2*n)
		ctx, end = context.WithCancel(context.Background())
	)
	defer end()
	ready := make(chan struct{}, n)
	for i := range n {
		video, audio, err := testmedia.WHIPMedia(ffmpeg, path, loops)
		if err != nil {
			return err
		}
		wg.Add(2)
		go func() {
			defer wg.Done()
			c, err := testmedia.DialWHIP(fmt.Sprintf("%s/whip/w%d", srv.base, i), fmt.Sprintf("whip-stream-key-%d", i), true)
			if err != nil {
				errs <- fmt.Errorf("publisher %d: %w", i, err)
				ready <- struct{}{}
				return
			}
			defer c.PC.Close()
			c.Sent = func(r testmedia.RTP, at time.Time) {
				if r.Keyframe {
					mu.Lock()
					keyAt[i] = append(keyAt[i], sentKey{r.At, at})
					mu.Unlock()
				}
			}
			ready <- struct{}{}
			if err := c.Send(ctx, video, audio); err != nil && ctx.Err() == nil {
				errs <- fmt.Errorf("publisher %d: %w", i, err)
			}
			_, _ = c.Delete()
		}()
		go func() { // the viewer's side: when each segment is listed
			defer wg.Done()
			seen := map[uint64]bool{}
			for ctx.Err() == nil {
				code, body, err := fetchBody(fmt.Sprintf("%s/live/w%d/source/index.m3u8", srv.base, i))
				now := time.Now()
				if err == nil && code == 200 {
					for _, l := range parseListing(body) {
						if !seen[l.seq] {
							seen[l.seq] = true
							mu.Lock()
							listed[i] = append(listed[i], listing{l.seq, now, l.dur})
							mu.Unlock()
						}
					}
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	for range n {
		<-ready
	}
	time.Sleep(warmup)
	cpu0, t0 := srv.cpu(), time.Now()
	time.Sleep(window)
	cpu1, t1 := srv.cpu(), time.Now()
	end()
	wg.Wait()
	close(errs)
	for err := range errs {
		return err
	}
	// A segment starts with the keyframe whose media time is the sum of
	// the durations listed before it.
	var glass, over []time.Duration
	for i := range n {
		if len(listed[i]) == 0 {
			return fmt.Errorf("publisher %d: nothing listed", i)
		}
		var start time.Duration
		for _, l := range listed[i] {
			if k, ok := nearestKey(keyAt[i], start); ok {
				glass = append(glass, l.at.Sub(k.sent))
				over = append(over, l.at.Sub(k.sent)-l.dur)
			}
			start += l.dur
		}
	}
	slices.Sort(glass)
	slices.Sort(over)
	ms := func(d time.Duration) string { return d.Round(time.Millisecond).String() }
	fmt.Printf("segments measured: %d\n", len(glass))
	fmt.Printf("glass to playlist (a segment's first frame sent -> segment listed): p50 %s  p95 %s  max %s\n",
		ms(quantile(glass, 0.5)), ms(quantile(glass, 0.95)), ms(quantile(glass, 1)))
	fmt.Printf("  beyond the segment's own duration: p50 %s  p95 %s  max %s (target: p95 <= 300ms)\n",
		ms(quantile(over, 0.5)), ms(quantile(over, 0.95)), ms(quantile(over, 1)))
	busy := (cpu1 - cpu0).Seconds() / t1.Sub(t0).Seconds()
	fmt.Printf("server CPU (livegate and its ffmpegs) over %v: %.1f%% of one core, %.1f%% per publisher\n",
		ms(t1.Sub(t0)), 100*busy, 100*busy/float64(n))
	return nil
}

type sentKey struct {
	at   time.Duration // media time
	sent time.Time
}

// nearestKey is the keyframe sent at media time at, within 50 ms (EXTINF
// durations are rounded to the millisecond and add up).
func nearestKey(keys []sentKey, at time.Duration) (sentKey, bool) {
	for _, k := range keys {
		if d := k.at - at; d > -50*time.Millisecond && d < 50*time.Millisecond {
			return k, true
		}
	}
	return sentKey{}, false
}

// parseListing reads a media playlist's sequence numbers and durations.
func parseListing(pl []byte) []struct {
	seq uint64
	dur time.Duration
} {
	var out []struct {
		seq uint64
		dur time.Duration
	}
	var seq uint64
	var dur time.Duration
	for _, line := range strings.Split(string(pl), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "#EXT-X-MEDIA-SEQUENCE:"):
			seq, _ = strconv.ParseUint(strings.TrimPrefix(line, "#EXT-X-MEDIA-SEQUENCE:"), 10, 64)
		case strings.HasPrefix(line, "#EXTINF:"):
			v, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimPrefix(line, "#EXTINF:"), ","), 64)
			dur = time.Duration(v * float64(time.Second))
		case line != "" && !strings.HasPrefix(line, "#"):
			out = append(out, struct {
				seq uint64
				dur time.Duration
			}{seq, dur})
			seq++
		}
	}
	return out
}

// cpu is the CPU time of the server process and its children now
// running (the Opus-to-AAC ffmpegs), from /proc.
func (s *server) cpu() time.Duration {
	pid := s.cmd.Process.Pid
	total := procCPU(pid)
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil || child == pid {
			continue
		}
		if procParent(child) == pid {
			total += procCPU(child)
		}
	}
	return total
}

// procStat is the fields of /proc/PID/stat after the command name.
func procStat(pid int) []string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil
	}
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(string(b[i+1:]))
}

func procParent(pid int) int {
	f := procStat(pid)
	if len(f) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(f[1])
	return ppid
}

// procCPU is utime + stime, at the kernel's 100 ticks a second.
func procCPU(pid int) time.Duration {
	f := procStat(pid)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * 10 * time.Millisecond
}

// machineCPU is the machine's CPU time since boot from /proc/stat, in
// USER_HZ ticks (100 a second on Linux): busy (everything but idle, iowait
// and steal) and stolen by the hypervisor, summed over the online CPUs,
// whose number it returns too. A round's steal says how much of the noise
// between rounds is the host's: a vCPU waiting for a physical one runs
// nobody's code.
func machineCPU() (busy, steal int64, cpus int) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, 0
	}
	lines := strings.Split(string(b), "\n")
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "cpu") {
			cpus++
		}
	}
	f := strings.Fields(lines[0]) // cpu user nice system idle iowait irq softirq steal ...
	if len(f) < 9 || f[0] != "cpu" {
		return 0, 0, 0
	}
	n := make([]int64, 9)
	for i := 1; i < 9; i++ {
		n[i], _ = strconv.ParseInt(f[i], 10, 64)
	}
	return n[1] + n[2] + n[3] + n[6] + n[7], n[8], cpus
}
