package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/livegate/livegate/transcode"
)

// renditions publishes the clip in real time to the tx stream, which the
// server transcodes with its local ffmpeg transcoder and the default
// ladder, and measures how long after its source segment each rendition's
// segment appears in that rendition's live playlist. Every playlist is
// polled every 20 ms from before the publisher starts, so each segment's
// first appearance is seen to within a poll.
func renditions(o options, srv *server) error {
	loops := max(1, int(o.watchTime/(6*time.Second))) // the default clip is 6 s long
	names := append([]string{"source"}, transcode.DefaultLadder...)
	fmt.Printf("\n== renditions: %d loops of the clip live on a stream transcoded locally to %s\n", loops, strings.Join(transcode.DefaultLadder, ", "))
	first := map[string]map[string]time.Time{} // rendition → segment URI → first listed
	gaps := map[string]map[string]bool{}       // rendition → segment URIs listed as EXT-X-GAP
	for _, n := range names {
		first[n], gaps[n] = map[string]time.Time{}, map[string]bool{}
	}
	stop := make(chan struct{})
	pubErr := make(chan error, 1)
	go func() { pubErr <- publish(srv.rtmp, "tx-stream-key", loops, true, stop) }()
	var published error
	var drainUntil time.Time // after the publisher: wait for the last renditions
	for round := 0; round < 100_000; round++ {
		if drainUntil.IsZero() {
			select {
			case published = <-pubErr:
				drainUntil = time.Now().Add(10 * time.Second)
			default:
			}
		} else if time.Now().After(drainUntil) {
			break
		}
		for _, n := range names {
			code, body, err := fetchBody(srv.base + "/live/tx/" + n + "/index.m3u8")
			if err != nil || code != 200 {
				continue
			}
			now := time.Now()
			for uri, gap := range listed(body) {
				if gap {
					gaps[n][uri] = true
				} else if _, ok := first[n][uri]; !ok {
					first[n][uri] = now
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	if published != nil {
		return fmt.Errorf("publishing: %w", published)
	}
	src := first["source"]
	fmt.Printf("source: %d segments listed\n", len(src))
	for _, n := range transcode.DefaultLadder {
		var delays []time.Duration
		for uri, at := range first[n] {
			if s, ok := src[uri]; ok {
				delays = append(delays, at.Sub(s))
			}
		}
		if len(delays) == 0 {
			fmt.Printf("%s: no segments (is ffmpeg installed? see %s)\n", n, srv.logFile.Name())
			continue
		}
		slices.Sort(delays)
		fmt.Printf("%s: %d segments, %d gaps; published after its source: p50 %v  p95 %v  max %v\n",
			n, len(delays), len(gaps[n]), quantile(delays, 0.5).Round(time.Millisecond),
			quantile(delays, 0.95).Round(time.Millisecond), quantile(delays, 1).Round(time.Millisecond))
	}
	return nil
}

// listed maps the segment URIs a media playlist lists to whether each is
// an EXT-X-GAP.
func listed(playlist []byte) map[string]bool {
	out := map[string]bool{}
	gap := false
	for _, line := range strings.Split(string(playlist), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "#EXT-X-GAP":
			gap = true
		case line != "" && !strings.HasPrefix(line, "#"):
			out[line], gap = gap, false
		}
	}
	return out
}

// quantile is the p-quantile of sorted durations (p = 1: the largest).
func quantile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
}
