package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/livegate/livegate/internal/testbrowser"
	"github.com/livegate/livegate/internal/testenv"
)

// nginxCache is Debian's nginx, run by the test as its own child, with
// the proxy_cache snippet `livegate dev` prints in front of an origin.
type nginxCache struct {
	t    *testing.T
	addr string // 127.0.0.1:port
	dir  string // prefix: configuration, logs, temporary files, the cache
	cmd  *exec.Cmd
	logs *testenv.LogBuffer
}

// cacheLogFormat is the access log the test reads: who asked (the client
// as nginx saw it), for what, whether the cache answered or the origin
// did, and the paying headers of the origin's answer.
const cacheLogFormat = `'$remote_addr $status $upstream_cache_status "$upstream_addr" "$request_uri" ` +
	`"$upstream_http_livegate_channel" "$upstream_http_livegate_price" "$upstream_http_livegate_spent"'`

// startNginx runs nginx with nginxSnippet(…, origins…) as its server, the
// cache's path moved from /var/cache/nginx to the test's own directory,
// as whatever user the test runs as.
func startNginx(t *testing.T, origins ...string) *nginxCache {
	t.Helper()
	bin := testenv.Tool(t, "nginx")
	n := &nginxCache{t: t, addr: freeAddr(t), dir: t.TempDir(), logs: &testenv.LogBuffer{}}
	snippet := nginxSnippet(n.addr, origins...)
	cache := filepath.Join(n.dir, "cache")
	if !strings.Contains(snippet, "proxy_cache_path /var/cache/nginx/livegate ") {
		t.Fatalf("the snippet's cache is no longer where the test moves it from:\n%s", snippet)
	}
	snippet = strings.Replace(snippet, "/var/cache/nginx/livegate", cache, 1)
	// Run as root (CI), nginx's workers would become nobody, who cannot
	// write in the test's directory.
	user := ""
	if os.Geteuid() == 0 {
		user = "user root root;\n"
	}
	temp := ""
	for _, kind := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		temp += fmt.Sprintf("    %s_temp_path %s;\n", kind, filepath.Join(n.dir, kind))
	}
	conf := fmt.Sprintf(`%sdaemon off;
worker_processes 1;
pid %s;
error_log %s warn;
events { worker_connections 1024; }
http {
    log_format cache %s;
    access_log %s cache;
%s%s
}
`, user, filepath.Join(n.dir, "nginx.pid"), filepath.Join(n.dir, "error.log"), cacheLogFormat,
		filepath.Join(n.dir, "access.log"), temp, indent(snippet, 4))
	path := filepath.Join(n.dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	n.cmd = exec.Command(bin, "-p", n.dir, "-e", filepath.Join(n.dir, "error.log"), "-c", path)
	n.cmd.Stdout, n.cmd.Stderr = n.logs, n.logs
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.stop)
	testenv.Eventually(t, "nginx answers", func() bool {
		resp, err := http.Get("http://" + n.addr + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	return n
}

// stop ends nginx by its PID: a fast shutdown (SIGTERM, the master stops
// its workers), SIGKILL if that takes more than 10 s.
func (n *nginxCache) stop() {
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		_ = n.cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = n.cmd.Process.Kill()
		<-done
	}
	if n.t.Failed() {
		errs, _ := os.ReadFile(filepath.Join(n.dir, "error.log"))
		n.t.Logf("nginx output:\n%s\nnginx error.log:\n%s", n.logs, errs)
	}
}

// cacheEntry is one line of the access log.
type cacheEntry struct {
	client         string // $remote_addr
	status         string
	cache          string // HIT, MISS, … or "-" where nothing is cached
	upstream       string // the origin's address when nginx asked it, else "-"
	path           string // $request_uri without its query
	query          string
	channel, price string // the origin's Livegate-Channel and Livegate-Price
}

var cacheLine = regexp.MustCompile(`^(\S+) (\d+) (\S+) "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)"$`)

// entries reads the access log.
func (n *nginxCache) entries() []cacheEntry {
	n.t.Helper()
	b, err := os.ReadFile(filepath.Join(n.dir, "access.log"))
	if err != nil {
		n.t.Fatal(err)
	}
	var out []cacheEntry
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		m := cacheLine.FindStringSubmatch(line)
		if m == nil {
			n.t.Fatalf("access log line %q", line)
		}
		path, query, _ := strings.Cut(m[5], "?")
		out = append(out, cacheEntry{client: m[1], status: m[2], cache: m[3], upstream: m[4], path: path, query: query, channel: m[6], price: m[7]})
	}
	return out
}

// relayFrom carries every connection made to the address it returns on to
// addr, from the loopback address local: a browser on this machine, which
// always connects from 127.0.0.1, reaches addr as a viewer on another
// network would. The relay closes with the test.
func relayFrom(t *testing.T, local, addr string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	conns := map[net.Conn]bool{}
	var wg sync.WaitGroup
	track := func(c net.Conn, on bool) bool {
		mu.Lock()
		defer mu.Unlock()
		if conns == nil {
			return false // closed
		}
		if on {
			conns[c] = true
		} else {
			delete(conns, c)
		}
		return true
	}
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := d.Dial("tcp", addr)
			if err != nil || !track(in, true) || !track(out, true) {
				in.Close()
				if out != nil {
					out.Close()
				}
				continue
			}
			wg.Add(2)
			pipe := func(dst, src net.Conn) {
				defer wg.Done()
				_, _ = io.Copy(dst, src)
				_ = dst.Close()
				_ = src.Close()
				track(dst, false)
				track(src, false)
			}
			go pipe(in, out)
			go pipe(out, in)
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for c := range conns {
			_ = c.Close()
		}
		conns = nil
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// TestNginxCachesSegmentsForPayingViewers puts a real nginx with the
// proxy_cache snippet `livegate dev` prints in front of the server, and
// has two paying viewers, each with its own burner link and on its own
// network, play the paid stream through it in headless Chromium while the
// clip is published live. The origin is asked for each segment once,
// whatever the number of viewers (nginx's log: one upstream fetch per
// segment, the other viewer's a cache HIT); each viewer's channel is
// charged for exactly the keys the origin gave it, once each, and the
// page's count of keys loaded agrees; behind nginx, a trusted proxy, each
// viewer is known by its own address (X-Forwarded-For).
//
// The server transcodes nothing here (the source is the only rendition):
// renditions would multiply the segments, not the requests per segment.
func TestNginxCachesSegmentsForPayingViewers(t *testing.T) {
	dir := t.TempDir()
	w := newPaidWorld(t, dir, 2, 1_000_000_000)
	nginxAddr := netip.MustParsePrefix("127.0.0.1/32") // nginx reaches the origin from there
	e := startE2EWith(t, filepath.Join(dir, "data"), func(cfg *Config) {
		w.configure(cfg)
		cfg.TrustedProxies = Prefixes{nginxAddr}
	})
	ng := startNginx(t, e.base)
	viewers := []struct {
		from    string // the viewer's address, as nginx sees it
		browser *testbrowser.Browser
	}{{from: "127.0.1.1"}, {from: "127.0.2.1"}}
	for i := range viewers {
		viewers[i].browser = testbrowser.Start(t)
	}
	pushLoop(t, e, 12) // 6 segments
	for i, v := range viewers {
		page := "http://" + relayFrom(t, v.from, ng.addr) + "/watch/demo#k=" + hexutil.Encode(crypto.FromECDSA(w.viewers[i])) + "&c=" + w.channels[i].Hex()
		v.browser.Open(page)
	}
	for i, v := range viewers {
		v.browser.Poll(fmt.Sprintf("viewer %d plays", i), 30*time.Second,
			`const s = window.livegate.state(); return s.time > 0 && !s.paused`, watchStateScript)
	}
	// Behind nginx, each viewer is charged as its own network.
	e.srv.audience.mu.Lock()
	seen := fmt.Sprint(e.srv.audience.seen["demo"])
	e.srv.audience.mu.Unlock()
	for _, v := range viewers {
		if want := "@" + strings.TrimSuffix(v.from, ".1") + ".0/24"; !strings.Contains(seen, want) {
			t.Errorf("livegate's viewers %s: none %s", seen, want)
		}
	}
	e.ended("demo")
	for i, v := range viewers {
		v.browser.Poll(fmt.Sprintf("viewer %d plays to the end", i), 40*time.Second,
			`return document.querySelector('video').ended`, watchStateScript)
	}

	// The origin was asked for each segment once; the viewer who came
	// second got it from the cache.
	log := ng.entries()
	fetched := map[string]int{}            // segment path -> requests to the origin
	askedBy := map[string]map[string]int{} // segment path -> client -> requests
	keys := map[string]map[string]int64{}  // channel -> key path -> price, for every key the origin sold
	for _, l := range log {
		switch {
		case strings.HasSuffix(l.path, ".ts"):
			if l.upstream != "-" {
				fetched[l.path]++
			}
			if askedBy[l.path] == nil {
				askedBy[l.path] = map[string]int{}
			}
			askedBy[l.path][l.client]++
			if l.status != "200" && l.status != "499" { // 499: hls.js gave up the load itself
				t.Errorf("segment %s: %s for %s", l.path, l.status, l.client)
			}
		case strings.HasPrefix(l.path, "/key/") && l.status == "200":
			if keys[l.channel] == nil {
				keys[l.channel] = map[string]int64{}
			}
			var p int64
			if _, err := fmt.Sscan(l.price, &p); err != nil {
				t.Fatalf("key %s: price %q", l.path, l.price)
			}
			keys[l.channel][l.path] = p
		}
	}
	shared, origin, hits := 0, 0, 0
	for _, l := range log {
		if strings.HasSuffix(l.path, ".ts") && l.cache == "HIT" {
			hits++
		}
	}
	for path, n := range fetched {
		origin += n
		if n > 1 {
			t.Errorf("the origin was asked for %s %d times (by %v)", path, n, askedBy[path])
		}
		if len(askedBy[path]) == len(viewers) {
			shared++
		}
	}
	if shared < 4 || hits < shared {
		t.Errorf("%d segments were played by both viewers, of %d fetched, %d cache hits: %v", shared, len(fetched), hits, askedBy)
	}

	// Each channel paid for exactly the keys it was sold, and the page
	// counted as many.
	for i, v := range viewers {
		ch := w.channels[i].Hex()
		var want int64
		for _, p := range keys[ch] {
			want += p
		}
		s := e.watchState(v.browser)
		var loaded int
		v.browser.MustEval(&loaded, `return window.livegate.state().keys`)
		spent := e.srv.pay.ledger.Account(w.channels[i]).Spent
		if spent.Int64() != want || len(keys[ch]) < 4 {
			t.Errorf("viewer %d: spent %v; the origin sold it %d keys costing %d", i, spent, len(keys[ch]), want)
		}
		if s.Spent != spent.String() || loaded != len(keys[ch]) {
			t.Errorf("viewer %d's page: spent %s, %d keys loaded; the ledger says %v, the origin sold %d keys", i, s.Spent, loaded, spent, len(keys[ch]))
		}
		t.Logf("viewer %d: %d keys, %v wei", i, len(keys[ch]), spent)
	}
	t.Logf("%d segments: %d played by both viewers; %d fetches from the origin, %d cache hits", len(fetched), shared, origin, hits)
}
