// Package testpg runs a real PostgreSQL 15 server (Debian's, the one
// production uses) for tests: a throwaway cluster made with initdb in a temp
// directory, listening on a free 127.0.0.1 port, a child of the test binary.
// Nothing is mocked: a test of the shared ledger is only worth its name if
// it exercises the engine's own locks, transactions and fsync.
//
// One cluster serves a whole test binary (initdb takes seconds), and every
// call to New gets a fresh empty database in it, so tests never see each
// other's rows. A package that uses it calls Main from TestMain, which stops
// the cluster and removes its directory when the tests end:
//
//	func TestMain(m *testing.M) { testpg.Main(m) }
package testpg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// BinDir is where Debian's postgresql-15 package puts the server binaries.
const BinDir = "/usr/lib/postgresql/15/bin"

// startTimeout bounds initdb plus the server's start on a loaded machine.
const startTimeout = 60 * time.Second

var (
	mainCalled atomic.Bool
	once       sync.Once
	shared     *Cluster
	startErr   error
	dbSeq      atomic.Int64
)

// Main runs the package's tests and then stops the cluster if one was
// started, so no postgres process outlives the test binary. Call it from
// TestMain; New refuses to start a cluster without it.
func Main(m *testing.M) {
	mainCalled.Store(true)
	code := m.Run()
	if shared != nil {
		shared.Stop()
	}
	os.Exit(code)
}

// New returns a postgres:// URL for a new, empty database on the shared
// test cluster, starting the cluster on first use. It skips the test when
// PostgreSQL is not installed, and fails it under CI=true, where .ci/run
// must have installed it.
func New(t testing.TB) string {
	t.Helper()
	if !mainCalled.Load() {
		t.Fatal("testpg.New needs testpg.Main(m) in the package's TestMain, which stops the cluster when the tests end")
	}
	initdb := filepath.Join(BinDir, "initdb")
	if _, err := os.Stat(initdb); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL 15 is not installed (%s missing), and CI must run every test: .ci/run should apt-get install postgresql", initdb)
		}
		t.Skipf("PostgreSQL 15 is not installed (%s missing); apt-get install postgresql to run this test", initdb)
	}
	once.Do(func() { shared, startErr = Start() })
	if startErr != nil {
		t.Fatalf("start the test PostgreSQL: %v", startErr)
	}
	url, err := shared.NewDatabase()
	if err != nil {
		t.Fatal(err)
	}
	return url
}

// NewDatabase creates an empty database and returns its URL.
func (c *Cluster) NewDatabase() (string, error) {
	name := fmt.Sprintf("t%d_%d", os.Getpid(), dbSeq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.url("postgres"))
	if err != nil {
		return "", fmt.Errorf("connect to the test PostgreSQL: %w", err)
	}
	defer func() { _ = conn.Close(ctx) }()
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return c.url(name), nil
}

// Cluster is one running postgres server and the directory it owns. Tests
// use New; a load tool (cmd/lgload) starts one with Start and ends it with
// Stop.
type Cluster struct {
	dir  string
	port int
	cmd  *exec.Cmd
	log  *bytes.Buffer
	done chan struct{}
}

func (c *Cluster) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// Start makes a cluster with initdb in a temp directory and runs postgres
// on a free loopback port, returning once it accepts connections.
func Start() (*Cluster, error) {
	dir, err := os.MkdirTemp(parentDir(), "testpg-")
	if err != nil {
		return nil, err
	}
	cred, err := unprivileged(dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(BinDir, "initdb"), "-D", data, "-A", "trust",
		"-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w: %s", err, out)
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c := &Cluster{dir: dir, port: port, log: &bytes.Buffer{}, done: make(chan struct{})}
	// fsync stays on: the ledger's benchmark measures committed charges.
	c.cmd = exec.Command(filepath.Join(BinDir, "postgres"), "-D", data,
		"-h", "127.0.0.1", "-p", strconv.Itoa(port), "-k", dir,
		"-c", "max_connections=200", "-c", "shared_buffers=64MB")
	c.cmd.Stdout = c.log
	c.cmd.Stderr = c.log
	// Pdeathsig: if the test binary is killed, the server goes with it.
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	if err := c.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	go func() { _ = c.cmd.Wait(); close(c.done) }()
	if err := c.waitReady(); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

// waitReady polls until the server accepts a connection, it exits, or the
// start-up bound passes.
func (c *Cluster) waitReady() error {
	deadline := time.Now().Add(startTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, c.url("postgres"))
		if err == nil {
			_ = conn.Close(ctx)
			cancel()
			return nil
		}
		cancel()
		select {
		case <-c.done:
			return fmt.Errorf("postgres exited during start-up: %s", c.log)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres not ready after %s: %w", startTimeout, err)
		}
	}
}

// Stop asks for a fast shutdown (SIGINT), kills the server if it lingers,
// and removes the cluster's directory.
func (c *Cluster) Stop() {
	_ = c.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-c.done:
	case <-time.After(20 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
	os.RemoveAll(c.dir)
}

// unprivileged returns the credential to run initdb and postgres with: nil
// for a normal user, nobody's when the tests run as root (PostgreSQL refuses
// to run as root), in which case dir is handed over to nobody.
func unprivileged(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		return nil, fmt.Errorf("running as root, PostgreSQL needs an unprivileged user: %w", err)
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("user nobody: %w", err)
	}
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, fmt.Errorf("hand %s to nobody: %w", dir, err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// parentDir is where the cluster's directory goes: the temp dir, unless
// running as root with a temp dir that nobody cannot reach (a TMPDIR under
// /root), then /tmp.
func parentDir() string {
	tmp := os.TempDir()
	if os.Geteuid() != 0 {
		return tmp
	}
	for d := tmp; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err != nil || fi.Mode().Perm()&0o001 == 0 {
			return "/tmp"
		}
		if d == filepath.Dir(d) {
			return tmp
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
