// Package testipfs runs a real IPFS node for tests: kubo's `ipfs daemon
// --offline`, a child of the test binary with its repo in a temp
// directory, its RPC API and HTTP gateway on 127.0.0.1 ports it picks.
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
	log  *testenv.LogBuffer
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
// API answers. The daemon picks its own free ports (tcp/0, so no other
// process can take one between the choice and the bind); Restart then
// asks for the same ones.
func Start(t testing.TB) *Node {
	t.Helper()
	n := &Node{t: t, bin: Bin(t), repo: t.TempDir()}
	if err := initRepo(n.bin, n.repo); err != nil {
		t.Fatal(err)
	}
	if err := configure(n.repo, "/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/tcp/0"); err != nil {
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
	if err := configure(n.repo, tcpAddr(n.API), tcpAddr(n.Gateway)); err != nil {
		n.t.Fatal(err)
	}
	n.run()
}

// tcpAddr is the multiaddr of an http://127.0.0.1:port URL.
func tcpAddr(u string) string {
	return "/ip4/127.0.0.1/tcp/" + u[strings.LastIndexByte(u, ':')+1:]
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
	// The daemon writes where it listens into the repo once it does;
	// files a killed daemon left must not be read for the new one's.
	for _, f := range []string{"api", "gateway"} {
		_ = os.Remove(filepath.Join(n.repo, f))
	}
	cmd := exec.Command(n.bin, "daemon", "--offline")
	cmd.Env = env(n.repo)
	log := &testenv.LogBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
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

// listening reads the API and gateway URLs the daemon wrote into the
// repo: the api file holds a multiaddr, /ip4/127.0.0.1/tcp/N, the
// gateway file a URL, http://127.0.0.1:N.
func (n *Node) listening() (api, gateway string, err error) {
	a, err := os.ReadFile(filepath.Join(n.repo, "api"))
	if err != nil {
		return "", "", err
	}
	g, err := os.ReadFile(filepath.Join(n.repo, "gateway"))
	if err != nil {
		return "", "", err
	}
	port, ok := strings.CutPrefix(strings.TrimSpace(string(a)), "/ip4/127.0.0.1/tcp/")
	if _, perr := strconv.Atoi(port); !ok || perr != nil {
		return "", "", fmt.Errorf("api file says %q", a)
	}
	gateway = strings.TrimSpace(string(g))
	if !strings.HasPrefix(gateway, "http://127.0.0.1:") {
		return "", "", fmt.Errorf("gateway file says %q", g)
	}
	return "http://127.0.0.1:" + port, gateway, nil
}

// ready polls every 100 ms, until the daemon has said where it listens
// and /api/v0/id answers there, the daemon exits, or startTimeout passes.
func (n *Node) ready(done <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	var last error
	for {
		api, gateway, err := n.listening()
		if err == nil {
			if n.API != "" && (api != n.API || gateway != n.Gateway) {
				return fmt.Errorf("restarted on %s and %s, not %s and %s", api, gateway, n.API, n.Gateway)
			}
			n.API, n.Gateway = api, gateway
			rctx, rcancel := context.WithTimeout(ctx, 5*time.Second)
			err = postID(rctx, api)
			rcancel()
			if err == nil {
				return nil
			}
		}
		last = err
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

// configure sets the repo's API and gateway addresses (multiaddrs) and
// leaves it no swarm listener. It edits the config file (what `ipfs
// config` does, without a process per key).
func configure(repo, api, gateway string) error {
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
	addrs["API"], addrs["Gateway"], addrs["Swarm"] = api, gateway, []string{}
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
