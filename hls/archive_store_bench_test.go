package hls

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testipfs"
	"github.com/livegate/livegate/internal/tests3"
)

// BenchmarkUploadDelay: how long after a segment closes it is in the
// store (SeaweedFS on this machine), for a recording of two renditions
// (750 KB and 250 KB a segment: 3 and 1 Mbit/s of 2 s segments) appended
// every 200 ms, ten times real time. Reported: p50, p99 and the worst
// delay of the segments, from Append to the end of their PUT.
func BenchmarkUploadDelay(b *testing.B) {
	s := tests3.Start(b)
	benchDelay(b, func(a *Archive, onUpload func(string, time.Duration)) error {
		return a.UseStore(context.Background(), bucketOf(b, s), onUpload)
	})
}

// BenchmarkPublishDelay: the same for IPFS, how long after a segment
// closes it is added (and pinned) to a kubo node on this machine.
func BenchmarkPublishDelay(b *testing.B) {
	kubo := testipfs.Start(b)
	node := ipfsClient(b, kubo)
	benchDelay(b, func(a *Archive, onUpload func(string, time.Duration)) error {
		return a.UseIPFS(context.Background(), node, IPFSOptions{Roots: filepath.Join(b.TempDir(), "roots.log"), OnPublish: onUpload})
	})
}

// benchDelay records two renditions into an archive that use sets up
// to copy them elsewhere, and reports how long after Append each segment
// was copied.
func benchDelay(b *testing.B, use func(a *Archive, onUpload func(string, time.Duration)) error) {
	a, err := OpenArchive(b.TempDir(), quiet)
	if err != nil {
		b.Fatal(err)
	}
	var mu sync.Mutex
	var delays []time.Duration
	err = use(a, func(key string, d time.Duration) {
		if strings.HasSuffix(key, ".ts") {
			mu.Lock()
			delays = append(delays, d)
			mu.Unlock()
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	rec, err := a.Create("bench", time.Now(), RenditionInfo{Name: SourceRendition, Codecs: "avc1.64001f"})
	if err != nil {
		b.Fatal(err)
	}
	low := RenditionInfo{Name: "P360p30fps16x9", Codecs: "avc1.4d401e"}
	if err := rec.AddRendition(low); err != nil {
		b.Fatal(err)
	}
	big, small := make([]byte, 750_000), make([]byte, 250_000)
	for i := range big {
		big[i] = byte(rand.Uint32())
	}
	copy(small, big)
	b.ResetTimer()
	for i := range b.N {
		seq := uint64(i)
		rec.Append(SourceRendition, &Segment{Seq: seq, Duration: 2 * time.Second, Data: big, Time: time.Now()})
		rec.Append(low.Name, &Segment{Seq: seq, Duration: 2 * time.Second, Data: small, Time: time.Now()})
		time.Sleep(200 * time.Millisecond)
	}
	testenv.Eventually(b, "every segment uploaded", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(delays) == 2*b.N
	})
	b.StopTimer()
	slices.Sort(delays)
	at := func(q float64) float64 {
		return float64(delays[int(q*float64(len(delays)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.5), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.ReportMetric(at(1), "max-ms")
}
