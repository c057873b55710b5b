// Package tests3 runs a real S3-compatible server for tests: SeaweedFS's
// `weed server -s3`, a child of the test binary on free 127.0.0.1 ports,
// storing objects in a temp directory.
//
// Why SeaweedFS: the archive's tests must exercise an engine that really
// stores objects (PUT, ranged GET, listings with delimiters, a server that
// dies and comes back with its data), and SeaweedFS is one that builds
// here from the Go module proxy (.ci/weed, built once per machine by
// .ci/run) and runs as one process. MinIO's server is AGPL, and a fake
// would only test our idea of S3.
//
// A Server is a test's own (starting one takes a few seconds): the test
// may stop it mid-run (Stop kills the process, as a crash would) and
// start it again on the same directory and ports (Restart). t.Cleanup
// kills it. Access is anonymous: no identities are configured, and
// SeaweedFS then allows every request.
package tests3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Bucket is the bucket every Server creates.
const Bucket = "livegate-test"

// The probe object, in a bucket of its own (tests list Bucket), tells
// when a restarted server serves data again.
const (
	probeBucket = "tests3-probe"
	probeKey    = "probe"
)

var probe = []byte("tests3 probe object")

// startTimeout bounds a start (or restart) of the server on a loaded
// machine.
const startTimeout = 90 * time.Second

// Server is one running `weed server`.
type Server struct {
	t     testing.TB
	bin   string
	dir   string
	ports [8]int // master, volume, filer, s3 and their gRPC ports

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
	log  *bytes.Buffer
}

// Endpoint is the S3 server's URL, as archive.s3.endpoint takes it.
func (s *Server) Endpoint() string { return "http://" + s.addr() }

func (s *Server) addr() string { return "127.0.0.1:" + strconv.Itoa(s.ports[3]) }

// Dir is where the server keeps its data.
func (s *Server) Dir() string { return s.dir }

// Bin finds weed: on PATH, or where .ci/run builds it
// ($(go env GOPATH)/bin). A developer without it skips the test; CI,
// where .ci/run builds it, fails.
func Bin(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("weed"); err == nil {
		return p
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			gopath = string(bytes.TrimSpace(out))
		}
	}
	if gopath != "" {
		p := filepath.Join(gopath, "bin", "weed")
		if fi, err := os.Stat(p); err == nil && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("weed (SeaweedFS) is not installed, and CI must run every test: .ci/run should build it from .ci/weed")
	}
	t.Skip("weed (SeaweedFS) is not installed; build it with: cd .ci/weed && go build -o $(go env GOPATH)/bin/weed github.com/seaweedfs/seaweedfs/weed")
	return ""
}

// Start runs a new server with an empty bucket named Bucket, returning
// once S3 answers.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, bin: Bin(t), dir: t.TempDir()}
	ports, err := freePorts(len(s.ports))
	if err != nil {
		t.Fatal(err)
	}
	copy(s.ports[:], ports)
	t.Cleanup(s.Stop)
	if err := s.start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	err = s.until(ctx, func(ctx context.Context, c *minio.Client) error {
		if err := makeBucket(ctx, c, probeBucket); err != nil {
			return err
		}
		_, err := c.PutObject(ctx, probeBucket, probeKey, bytes.NewReader(probe), int64(len(probe)), minio.PutObjectOptions{})
		if err != nil {
			return err
		}
		return makeBucket(ctx, c, Bucket)
	})
	if err != nil {
		t.Fatalf("weed: creating bucket %s: %v\n%s", Bucket, err, s.Log())
	}
	return s
}

// Stop kills the server (SIGKILL, as a crash or a lost machine would)
// and waits for it to exit. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Kill()
	<-done
	// weed server makes a local gRPC socket per service at a fixed place
	// in /tmp, named by its port, and a kill leaves them behind.
	for i, name := range []string{"master", "volume", "filer", "s3"} {
		_ = os.Remove(fmt.Sprintf("/tmp/seaweedfs-%s-grpc-%d.sock", name, s.ports[4+i]))
	}
}

// Restart starts a stopped server again on the same directory and ports,
// returning once an object written before can be read back (listing
// answers earlier, before the volume server has rejoined).
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	if err := s.start(); err != nil {
		s.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	err := s.until(ctx, func(ctx context.Context, c *minio.Client) error {
		obj, err := c.GetObject(ctx, probeBucket, probeKey, minio.GetObjectOptions{})
		if err != nil {
			return err
		}
		defer func() { _ = obj.Close() }()
		got, err := io.ReadAll(obj)
		if err == nil && !bytes.Equal(got, probe) {
			err = fmt.Errorf("probe object read back as %q", got)
		}
		return err
	})
	if err != nil {
		s.t.Fatalf("weed: not answering after a restart: %v\n%s", err, s.Log())
	}
}

// Log is what the server printed.
func (s *Server) Log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.log == nil {
		return ""
	}
	return s.log.String()
}

// Client is an anonymous minio-go client for the server, for tests that
// look into the bucket themselves.
func (s *Server) Client() *minio.Client {
	c, err := minio.New(s.addr(), &minio.Options{Creds: credentials.NewStaticV4("", "", ""),
		BucketLookup: minio.BucketLookupPath, MaxRetries: 1})
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// Object reads key from Bucket, nil when it cannot be read (missing, or
// the server down).
func (s *Server) Object(key string) []byte {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	obj, err := s.Client().GetObject(ctx, Bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil
	}
	defer func() { _ = obj.Close() }()
	b, err := io.ReadAll(obj)
	if err != nil {
		return nil
	}
	return b
}

func (s *Server) start() error {
	p := func(i int) string { return strconv.Itoa(s.ports[i]) }
	args := []string{"server", "-dir", s.dir, "-ip", "127.0.0.1", "-ip.bind", "127.0.0.1",
		"-master.port", p(0), "-master.port.grpc", p(4),
		"-volume.port", p(1), "-volume.port.grpc", p(5),
		"-filer.port", p(2), "-filer.port.grpc", p(6),
		"-s3", "-s3.port", p(3), "-s3.port.grpc", p(7),
		// Nothing but S3 on loopback: no telemetry, no Iceberg or Lance
		// listeners on fixed ports, small volumes, a quick stop.
		"-master.telemetry=false", "-master.electionTimeout=1s", "-s3.port.iceberg=0", "-s3.port.lance=0",
		"-master.volumeSizeLimitMB=64", "-volume.max=16", "-volume.preStopSeconds=0",
		"-filer.localSocket", filepath.Join(s.dir, "filer.sock"),
		"-s3.localSocket", filepath.Join(s.dir, "s3.sock"),
	}
	cmd := exec.Command(s.bin, args...)
	log := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = &lockedWriter{mu: &s.mu, w: log}, &lockedWriter{mu: &s.mu, w: log}
	cmd.Dir = s.dir
	// If the test binary dies, the server goes with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("weed: start: %w", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	s.mu.Lock()
	s.cmd, s.done, s.log = cmd, done, log
	s.mu.Unlock()
	return nil
}

// until retries f against the server every 200 ms until it succeeds, the
// server exits, or ctx ends.
func (s *Server) until(ctx context.Context, f func(context.Context, *minio.Client) error) error {
	c := s.Client()
	s.mu.Lock()
	done := s.done
	s.mu.Unlock()
	var err error
	for {
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err = f(rctx, c)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-done:
			return errors.New("weed exited")
		case <-ctx.Done():
			return fmt.Errorf("%w (last: %w)", ctx.Err(), err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// makeBucket creates a bucket, or finds it made by an earlier try whose
// answer was lost.
func makeBucket(ctx context.Context, c *minio.Client, name string) error {
	err := c.MakeBucket(ctx, name, minio.MakeBucketOptions{})
	if code := minio.ToErrorResponse(err).Code; code == "BucketAlreadyOwnedByYou" {
		return nil
	}
	return err
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// freePorts finds n distinct free ports on 127.0.0.1 (free when asked:
// another process could take one before the server does).
func freePorts(n int) ([]int, error) {
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	var ports []int
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("tests3: free port: %w", err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
