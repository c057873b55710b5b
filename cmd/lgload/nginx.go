package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// nginxBin is the nginx the segments and audience scenarios start
// (Debian's nginx-light is enough).
var nginxBin = "/usr/sbin/nginx"

// nginxProc is an nginx started by lgload with a config of its own in a
// directory of its own: pid file, error log and temp paths there, in the
// foreground (daemon off) so it is our child and stopped by its PID.
type nginxProc struct {
	cmd  *exec.Cmd
	dir  string
	base string // http://127.0.0.1:port
	done chan struct{}
}

// startNginx runs nginx with httpConf, the inside of an http {} block, on a
// free port it substitutes for LISTEN. Two workers (as many as the
// machine's cores, as livegate's GOMAXPROCS) under a master, as nginx
// runs in production.
func startNginx(dir, httpConf string) (*nginxProc, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	n := &nginxProc{dir: dir, done: make(chan struct{})}
	addr := freeAddr()
	n.base = "http://" + addr
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;\n" // workers read lgload's files in its 0700 temp dir
	}
	conf := fmt.Sprintf(`%sdaemon off;
master_process on;
worker_processes auto;
worker_rlimit_nofile 40000;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log warn;
events { worker_connections 16384; }
http {
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    keepalive_timeout 120s;
    client_body_temp_path %[2]s/body;
    proxy_temp_path %[2]s/proxy;
    fastcgi_temp_path %[2]s/fastcgi;
    uwsgi_temp_path %[2]s/uwsgi;
    scgi_temp_path %[2]s/scgi;
    types { video/mp2t ts; }
    default_type application/octet-stream;
%[3]s
}
`, user, dir, strings.ReplaceAll(httpConf, "LISTEN", addr))
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	log, err := os.Create(filepath.Join(dir, "stderr.log"))
	if err != nil {
		return nil, err
	}
	n.cmd = exec.Command(nginxBin, "-p", dir, "-c", path, "-e", filepath.Join(dir, "error.log"))
	n.cmd.Stdout, n.cmd.Stderr = log, log
	if err := n.cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("starting nginx: %w", err)
	}
	go func() { _ = n.cmd.Wait(); log.Close(); close(n.done) }()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		select {
		case <-n.done:
			b, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			return nil, fmt.Errorf("nginx exited: %s", b)
		default:
		}
		if resp, err := http.Get(n.base + "/"); err == nil {
			resp.Body.Close()
			return n, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	n.stop()
	return nil, fmt.Errorf("nginx did not come up; see %s/error.log", dir)
}

// stop ends the master (SIGQUIT: graceful; it ends its workers), then
// kills it if it lingers.
func (n *nginxProc) stop() {
	select {
	case <-n.done:
		return
	default:
	}
	_ = n.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-n.done:
	case <-time.After(10 * time.Second):
		_ = n.cmd.Process.Kill()
		<-n.done
	}
}

// pids are the master's and its workers' (its children, from /proc).
func (n *nginxProc) pids() []int {
	pids := []int{n.cmd.Process.Pid}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", n.cmd.Process.Pid, n.cmd.Process.Pid))
	if err == nil {
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// rss is nginx's resident memory: the master and its workers.
func (n *nginxProc) rss() int64 {
	var total int64
	for _, pid := range n.pids() {
		total += pidRSS(pid)
	}
	return total
}
