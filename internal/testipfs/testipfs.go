// Package testipfs runs a real IPFS node for tests: kubo's `ipfs daemon
// --offline`, a child of the test binary with its repo in a temp
// directory, its RPC API and HTTP gateway on free 127.0.0.1 ports.
//
// Why kubo itself: the IPFS archive's tests must check CIDs, pins, MFS
// directories and gateway reads against the implementation users run, and
// kubo builds here from the Go module proxy (.ci/kubo, built once per
// machine by .ci/run). Offline, with the test profile, it touches nothing
// outside the machine.
//
// A Node is a test's own (starting one takes about a second): the test may
// stop it mid-run (Stop kills the process, as a crash would) and start it
// again on the same repo and ports (Restart). t.Cleanup kills it.
//
// The gateway needs no CORS settings: kubo's (boxo's) gateway answers
// GET, HEAD and preflight OPTIONS with Access-Control-Allow-Origin: * and
// allows a Range header unless Gateway.HTTPHeaders says otherwise, so a
// watch page on livegate's origin can fetch segments from it (the test
// here checks that it still does).
package testipfs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/livegate/livegate/internal/testenv"
)

// startTimeout bounds a start (or restart) of the daemon, and an init, on
// a loaded machine.
const startTimeout = 60 * time.Second

// Node is one running `ipfs daemon --offline`.
type Node struct {
	API     string // the RPC API, http://127.0.0.1:port
	Gateway string // the HTTP gateway, http://127.0.0.1:port

	t    testing.TB
	bin  string
	repo string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
	log  *bytes.Buffer
}

// Bin finds ipfs: on PATH, or where .ci/run builds it
// ($(go env GOPATH)/bin). A developer without it skips the test; CI,
// where .ci/run builds it, fails (testenv's rule).
func Bin(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("ipfs"); err == nil {
		return p
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			gopath = string(bytes.TrimSpace(out))
		}
	}
	p := filepath.Join(gopath, "bin", "ipfs")
	testenv.File(t, p, "build kubo's ipfs with: cd .ci/kubo && go build -o $(go env GOPATH)/bin/ipfs github.com/ipfs/kubo/cmd/ipfs")
	return p
}

// Repo is the node's IPFS_PATH.
func (n *Node) Repo() string { return n.repo }

// Start initializes a repo and runs a daemon on it, returning once its
// API answers.
func Start(t testing.TB) *Node {
	t.Helper()
	n := &Node{t: t, bin: Bin(t), repo: t.TempDir()}
	if err := initRepo(n.bin, n.repo); err != nil {
		t.Fatal(err)
	}
	ports, err := freePorts(2)
	if err != nil {
		t.Fatal(err)
	}
	n.API = "http://127.0.0.1:" + strconv.Itoa(ports[0])
	n.Gateway = "http://127.0.0.1:" + strconv.Itoa(ports[1])
	if err := configure(n.repo, ports[0], ports[1]); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Stop)
	n.run()
	return n
}

// Stop kills the daemon (SIGKILL, as a crash or a lost machine would)
// and waits for it to exit. Stopping a stopped node does nothing.
func (n *Node) Stop() {
	n.mu.Lock()
	cmd, done := n.cmd, n.done
	n.cmd = nil
	n.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Kill()
	<-done
}

// Restart starts a stopped daemon again on the same repo and ports,
// returning once its API answers.
func (n *Node) Restart() {
	n.t.Helper()
	n.Stop()
	n.run()
}

// Log is what the daemon printed.
func (n *Node) Log() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.log == nil {
		return ""
	}
	return n.log.String()
}

// run starts the daemon and waits until /api/v0/id answers.
func (n *Node) run() {
	n.t.Helper()
	cmd := exec.Command(n.bin, "daemon", "--offline")
	cmd.Env = env(n.repo)
	log := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = &lockedWriter{mu: &n.mu, w: log}, &lockedWriter{mu: &n.mu, w: log}
	cmd.Dir = n.repo
	// If the test binary dies, the daemon goes with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		n.t.Fatalf("ipfs daemon: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	n.mu.Lock()
	n.cmd, n.done, n.log = cmd, done, log
	n.mu.Unlock()
	if err := n.ready(done); err != nil {
		n.t.Fatalf("ipfs daemon: %v\n%s", err, n.Log())
	}
}

// ready polls /api/v0/id every 100 ms until it answers 200, the daemon
// exits, or startTimeout passes.
func (n *Node) ready(done <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	var last error
	for {
		rctx, rcancel := context.WithTimeout(ctx, 5*time.Second)
		last = postID(rctx, n.API)
		rcancel()
		if last == nil {
			return nil
		}
		select {
		case <-done:
			return errors.New("exited before its API answered")
		case <-ctx.Done():
			return fmt.Errorf("API not answering after %v (last: %w)", startTimeout, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func postID(ctx context.Context, api string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, api+"/api/v0/id", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("id: %s", resp.Status)
	}
	return nil
}

// OnlyHash is the CID kubo's own CLI gives data (`ipfs add --only-hash
// --cid-version=1 --raw-leaves -Q`), in a throwaway repo with no daemon:
// an independent computation for tests to compare the livegate code's
// CIDs with.
func OnlyHash(t testing.TB, data []byte) string {
	t.Helper()
	bin, repo := Bin(t), t.TempDir()
	if err := initRepo(bin, repo); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "add", "--only-hash", "--cid-version=1", "--raw-leaves", "-Q")
	cmd.Env = env(repo)
	cmd.Stdin = bytes.NewReader(data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ipfs add --only-hash: %v\n%s", err, stderr.String())
	}
	cid := strings.TrimSpace(string(out))
	if cid == "" || strings.ContainsAny(cid, " \n") {
		t.Fatalf("ipfs add --only-hash printed %q", out)
	}
	return cid
}

// initRepo runs `ipfs init --profile test`: no bootstrap peers, no mDNS,
// loopback addresses, nothing that reaches beyond the machine.
func initRepo(bin, repo string) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "init", "--profile", "test")
	cmd.Env = env(repo)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("ipfs init: %v\n%s", err, out)
	}
	return nil
}

// configure sets the repo's API and gateway addresses and leaves it no
// swarm listener. It edits the config file (what `ipfs config` does,
// without a process per key).
func configure(repo string, api, gateway int) error {
	path := filepath.Join(repo, "config")
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("ipfs config: %w", err)
	}
	var cfg map[string]any
	if err := json.Unmarshal(b, &cfg); err != nil {
		return fmt.Errorf("ipfs config: %w", err)
	}
	addrs, ok := cfg["Addresses"].(map[string]any)
	if !ok {
		return fmt.Errorf("ipfs config: no Addresses in %s", path)
	}
	addrs["API"] = fmt.Sprintf("/ip4/127.0.0.1/tcp/%d", api)
	addrs["Gateway"] = fmt.Sprintf("/ip4/127.0.0.1/tcp/%d", gateway)
	addrs["Swarm"] = []string{}
	b, err = json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return fmt.Errorf("ipfs config: %w", err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return fmt.Errorf("ipfs config: %w", err)
	}
	return nil
}

// env is the environment ipfs runs in: the repo, and no telemetry.
func env(repo string) []string {
	return append(os.Environ(), "IPFS_PATH="+repo, "IPFS_TELEMETRY=off")
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
// another process could take one before the daemon does).
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
			return nil, fmt.Errorf("testipfs: free port: %w", err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
