package rtmp_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	flvtag "github.com/yutopp/go-flv/tag"

	"github.com/livegate/livegate/hls"
	"github.com/livegate/livegate/ingest/rtmp"
	"github.com/livegate/livegate/internal/testenv"
	"github.com/livegate/livegate/internal/testmedia"
)

// The hostile clients below attack a server that a real ffmpeg publishes
// to, and check after each that ffmpeg's stream still gets segments. What
// a full `livegate serve` test adds (and cmd/livegate's own tests should
// do): the same clients against the binary's RTMP port, then /healthz, the
// process's RSS and open descriptors from /proc, and a player fetching the
// live playlist and its renditions.

// ffmpegStream publishes the clip to rtmp://addr/live/key with a real
// ffmpeg, in real time and looping, until the test ends; exited reports
// whether ffmpeg has stopped (the server dropped it).
func ffmpegStream(t *testing.T, addr, key string) (exited func() bool) {
	t.Helper()
	ffmpeg := testenv.Tool(t, "ffmpeg")
	cmd := exec.Command(ffmpeg, "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1",
		"-i", testmedia.ClipPath(), "-c", "copy", "-f", "flv", "rtmp://"+addr+"/live/"+key)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill() // the ffmpeg this test started, by its PID
		<-done
		if t.Failed() {
			t.Logf("ffmpeg: %s", out.String())
		}
	})
	return func() bool {
		select {
		case <-done:
			return true
		default:
			return false
		}
	}
}

// stillReceiving waits until stream cuts a segment after this call.
func stillReceiving(t *testing.T, f *fixture, stream string, exited func() bool) {
	t.Helper()
	if exited() {
		t.Fatal("ffmpeg's publication ended")
	}
	n := f.Streams[stream].Status().Segments
	testenv.Eventually(t, stream+" cuts another segment", func() bool { return f.Streams[stream].Status().Segments > n })
}

// nestedCommand is a connect command whose object nests depth levels.
func nestedCommand(depth int) []byte {
	var b bytes.Buffer
	for range depth {
		b.Write([]byte{0x03, 0x00, 0x01, 'a'})
	}
	b.WriteByte(0x05)
	for range depth {
		b.Write([]byte{0x00, 0x00, 0x09})
	}
	return rtmp.ConnectBody(b.Bytes())
}

// closedByServer reports whether the server ends c (rather than leaving it
// open for 10 s).
func closedByServer(c net.Conn) bool {
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

func TestNestedAMFLeavesOtherStreamsAlone(t *testing.T) {
	f := newFixture(t, hls.Options{ReconnectGrace: -1}, 0)
	exited := ffmpegStream(t, f.addr, "main-key")
	testenv.Eventually(t, "ffmpeg's stream has a segment", func() bool { return f.Streams["main"].Status().Segments > 0 })

	t.Run("a 7 MB nested connect before publish", func(t *testing.T) {
		// Deep enough to overflow the stack without the depth limit.
		body := nestedCommand(1 << 20)
		c := handshake(t, f.addr)
		defer c.Close()
		_, _ = c.Write(rtmp.RawChunk(0, 3, 0, len(body), 20, 0, body[:128]))
		for off := 128; off < len(body); off += 128 { // the rest in 128-byte chunks, until the server hangs up
			if _, err := c.Write(rtmp.RawChunk(3, 3, 0, 0, 0, 0, body[off:min(off+128, len(body))])); err != nil {
				break
			}
		}
		if !closedByServer(c) {
			t.Error("the server kept the connection open")
		}
		want := fmt.Sprintf("message of %d bytes on chunk stream 3, more than the %d allowed", len(body), rtmp.MaxCommandSize)
		testenv.Eventually(t, "the refusal is logged", func() bool { return strings.Contains(f.Logs.String(), want) })
		stillReceiving(t, f, "main", exited)
	})

	t.Run("a nested connect within the command size", func(t *testing.T) {
		body := nestedCommand((rtmp.MaxCommandSize - 100) / 7)
		c := handshake(t, f.addr)
		defer c.Close()
		_, _ = c.Write(append(rtmp.SetChunkSize(1<<16), rtmp.RawChunk(0, 3, 0, len(body), 20, 0, body)...))
		if !closedByServer(c) {
			t.Error("the server kept the connection open")
		}
		testenv.Eventually(t, "the refusal is logged", func() bool {
			return strings.Contains(f.Logs.String(), "connection closed: amf0: values nested deeper than 32 levels")
		})
		stillReceiving(t, f, "main", exited)
	})

	t.Run("7 MB of nested metadata after publish", func(t *testing.T) {
		p, err := testmedia.Dial(f.addr, "live", "side-key")
		if err != nil {
			t.Fatal(err)
		}
		var meta bytes.Buffer
		meta.Write(append([]byte{0x02, 0x00, 0x0a}, "onMetaData"...))
		for range 7 << 20 / 4 {
			meta.Write([]byte{0x03, 0x00, 0x01, 'a'})
		}
		if err := p.Send(testmedia.Tag{Type: flvtag.TagTypeScriptData, Body: meta.Bytes()}); err != nil {
			t.Fatal(err)
		}
		if err := p.SendAll(clip(t)); err != nil {
			t.Fatal(err)
		}
		_ = p.Close()
		if sum := f.Finished(t, "side"); sum.Segments != 3 {
			t.Errorf("after the nested metadata: %d segments, want 3", sum.Segments)
		}
		stillReceiving(t, f, "main", exited)
	})
}

func heapInuse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// dialFrom connects to addr from the loopback address local and does the
// client side of the handshake.
func dialFrom(local, addr string) (net.Conn, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	c0c1 := make([]byte, 1+1536)
	c0c1[0] = 3
	if _, err := c.Write(c0c1); err != nil {
		c.Close()
		return nil, err
	}
	s0s1s2 := make([]byte, 1+1536+1536)
	if _, err := io.ReadFull(c, s0s1s2); err != nil {
		c.Close()
		return nil, err
	}
	if _, err := c.Write(s0s1s2[1 : 1+1536]); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// TestHalfSentMessagesStayBounded has 32 connections from 8 client
// addresses, none of which publishes, each open 64 chunk streams and send
// all but the last byte of a 60 KB message on each: 123 MB that go-rtmp
// kept before the limits. The server's heap stays within a bound far
// below that, comes back once they are gone, and ffmpeg's stream carries
// on.
func TestHalfSentMessagesStayBounded(t *testing.T) {
	f := newFixture(t, hls.Options{ReconnectGrace: -1}, 0)
	exited := ffmpegStream(t, f.addr, "main-key")
	testenv.Eventually(t, "ffmpeg's stream has a segment", func() bool { return f.Streams["main"].Status().Segments > 0 })
	base := heapInuse()

	const clients, conns, streams, msgLen = 8, 4, 64, 60_000
	attempted := clients * conns * streams * msgLen
	payload := make([]byte, msgLen-1)
	var peak uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() { // the peak while the attack runs, without forcing a GC
		defer close(sampled)
		var m runtime.MemStats
		for range 20_000 {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		open     []net.Conn
		notCut   int
		dialErrs []error
	)
	for i := range clients {
		for range conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := dialFrom(fmt.Sprintf("127.0.1.%d", i+1), f.addr)
				if err != nil {
					mu.Lock()
					dialErrs = append(dialErrs, err)
					mu.Unlock()
					return
				}
				_, _ = c.Write(rtmp.SetChunkSize(msgLen - 1))
				for csid := 3; csid < 3+streams; csid++ {
					if _, err := c.Write(rtmp.RawChunk(0, csid, 0, msgLen, 20, 0, payload)); err != nil {
						break
					}
				}
				cut := closedByServer(c)
				mu.Lock()
				open = append(open, c)
				if !cut {
					notCut++
				}
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	close(stop)
	<-sampled
	if len(dialErrs) > 0 {
		t.Fatalf("%d connections failed their handshake: %v", len(dialErrs), dialErrs[0])
	}
	if notCut > 0 {
		t.Errorf("%d of %d connections were not cut off", notCut, clients*conns)
	}
	// Each connection may hold 128 KiB in incomplete messages (twice that
	// in buffer capacity), a 64 KiB copy buffer and its reader's 4 KiB:
	// 32 of them about 14 MiB. Garbage not yet collected comes on top.
	const bound = 64 << 20
	t.Logf("heap in use: %d MiB before, peak %d MiB during an attack of %d MiB", base>>20, peak>>20, attempted>>20)
	if peak > base+bound {
		t.Errorf("heap in use grew by %d MiB during the attack, bound %d MiB", (peak-base)>>20, bound>>20)
	}
	testenv.Eventually(t, "the attackers are refused in the log", func() bool {
		l := f.Logs.String()
		return strings.Contains(l, "incomplete messages would hold") || strings.Contains(l, "bytes received without a publish")
	})
	for _, c := range open {
		c.Close()
	}
	var after uint64
	testenv.Eventually(t, "the heap back near its size before the attack", func() bool {
		after = heapInuse()
		return after < base+8<<20
	})
	t.Logf("heap in use after: %d MiB", after>>20)
	stillReceiving(t, f, "main", exited)
}

func TestConnectionsPerClient(t *testing.T) {
	f := newFixtureWith(t, hls.Options{ReconnectGrace: -1}, func(s *rtmp.Server) { s.MaxConnsPerClient = 2 })
	exited := ffmpegStream(t, f.addr, "main-key")
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	for range 2 {
		c, err := dialFrom("127.0.2.1", f.addr)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	if c, err := dialFrom("127.0.2.1", f.addr); err == nil {
		c.Close()
		t.Fatal("a third connection from one client got a handshake")
	}
	testenv.Eventually(t, "the refusal is logged", func() bool {
		return strings.Contains(f.Logs.String(), "connection refused: too many from this client") &&
			strings.Contains(f.Logs.String(), "client=127.0.2.1")
	})
	// Another client is served meanwhile, and so is ffmpeg.
	other, err := dialFrom("127.0.2.2", f.addr)
	if err != nil {
		t.Fatalf("another client refused: %v", err)
	}
	other.Close()
	stillReceiving(t, f, "main", exited)
	// Once one of its connections closes, the client may connect again.
	held[0].Close()
	held = held[1:]
	testenv.Eventually(t, "the client is served again", func() bool {
		c, err := dialFrom("127.0.2.1", f.addr)
		if err == nil {
			held = append(held, c)
		}
		return err == nil
	})
}
