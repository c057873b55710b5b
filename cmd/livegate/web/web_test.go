package web

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// The committed bundles are what esbuild makes from src/ now: run
// `make web` after changing a page's script.
func TestBundlesMatchTheirSources(t *testing.T) {
	esbuild := filepath.Join("..", "..", "..", "node_modules", ".bin", "esbuild")
	if _, err := os.Stat(esbuild); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("esbuild is not installed (%v): .ci/run runs npm ci", err)
		}
		t.Skipf("esbuild is not installed: run npm ci (%v)", err)
	}
	out := t.TempDir()
	if b, err := exec.Command("./build.sh", out).CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, b)
	}
	built, _ := filepath.Glob(filepath.Join(out, "*.js"))
	committed, _ := filepath.Glob(filepath.Join("dist", "*.js"))
	if len(built) == 0 || len(built) != len(committed) {
		t.Fatalf("built %v, committed %v", built, committed)
	}
	for _, f := range built {
		want, _ := os.ReadFile(f)
		got, err := os.ReadFile(filepath.Join("dist", filepath.Base(f)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("dist/%s is stale (%v): run make web", filepath.Base(f), err)
		}
	}
}

func TestPagesAndAssets(t *testing.T) {
	mux := http.NewServeMux()
	New().Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for path, want := range map[string]string{
		"/watch/demo":                "text/html",
		"/watch/demo/20261122T1200Z": "text/html",
		"/publish/demo":              "text/html",
		"/assets/watch.js":           "text/javascript",
		"/assets/publish.js":         "text/javascript",
		"/assets/style.css":          "text/css",
	} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), want) || resp.Header.Get("ETag") == "" {
			t.Errorf("%s: %d %v", path, resp.StatusCode, resp.Header)
			continue
		}
		// A browser revalidating gets 304.
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
		again, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		again.Body.Close()
		if again.StatusCode != http.StatusNotModified {
			t.Errorf("%s revalidated: %d", path, again.StatusCode)
		}
	}
	for _, path := range []string{"/assets/nothing.js", "/assets/..%2fweb.go", "/watch/", "/publish/a/b"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}
}

// Every page carries the Content-Security-Policy, and holds nothing the
// policy would block or that could run outside livegate's own scripts:
// no inline script, no event-handler attribute, no style attribute or
// element, no javascript: URL, and only same-origin scripts and styles,
// each of which is served.
func TestPagesKeepToTheirContentSecurityPolicy(t *testing.T) {
	mux := http.NewServeMux()
	New().Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, want := range []string{"script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "connect-src 'self'"} {
		if !strings.Contains(CSP, want+";") && !strings.HasSuffix(CSP, want) {
			t.Errorf("the policy lacks %s: %s", want, CSP)
		}
	}
	if strings.Contains(CSP, "unsafe-") || strings.Contains(CSP, "http") || strings.Contains(CSP, "*") {
		t.Errorf("the policy lets in inline code or other origins: %s", CSP)
	}
	// IPFS gateways are let in where the pages fetch (connect-src), and
	// nowhere else: scripts stay livegate's own.
	withGateways := httptest.NewServer(func() http.Handler {
		m := http.NewServeMux()
		New("http://127.0.0.1:8081", "https://ipfs.example").Register(m)
		return m
	}())
	defer withGateways.Close()
	resp, _ := fetch(t, withGateways.URL+"/watch/demo/r1")
	if got, want := resp.Header.Get("Content-Security-Policy"),
		strings.Replace(CSP, "connect-src 'self'", "connect-src 'self' http://127.0.0.1:8081 https://ipfs.example", 1); got != want || got == CSP {
		t.Errorf("with gateways, the policy is %q, want %q", got, want)
	}
	pages := []string{"/watch/demo", "/watch/demo/20261122T120000Z", "/publish/demo", "/dashboard"}
	for _, page := range pages {
		resp, body := fetch(t, srv.URL+page)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Security-Policy") != CSP {
			t.Errorf("%s: %d, Content-Security-Policy %q", page, resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
		}
		doc, err := html.Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		var scripts, assets []string
		for n := range doc.Descendants() {
			if n.Type != html.ElementNode {
				continue
			}
			for _, a := range n.Attr {
				switch {
				case strings.HasPrefix(strings.ToLower(a.Key), "on"):
					t.Errorf("%s: <%s %s=%q>: an inline event handler", page, n.Data, a.Key, a.Val)
				case a.Key == "style":
					t.Errorf("%s: <%s style=%q>: an inline style", page, n.Data, a.Val)
				case (a.Key == "href" || a.Key == "src" || a.Key == "action") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:"):
					t.Errorf("%s: <%s %s=%q>: a javascript: URL", page, n.Data, a.Key, a.Val)
				}
			}
			switch n.Data {
			case "script":
				src := attr(n, "src")
				if src == "" || n.FirstChild != nil {
					t.Errorf("%s: an inline script (src %q)", page, src)
				}
				scripts = append(scripts, src)
				assets = append(assets, src)
			case "style":
				t.Errorf("%s: a <style> element", page)
			case "link":
				assets = append(assets, attr(n, "href"))
			}
		}
		if len(scripts) == 0 {
			t.Errorf("%s: no script at all: the parse went wrong", page)
		}
		for _, a := range assets {
			if !strings.HasPrefix(a, "/assets/") {
				t.Errorf("%s: %q is not one of livegate's own assets", page, a)
				continue
			}
			if resp, _ := fetch(t, srv.URL+a); resp.StatusCode != 200 || resp.Header.Get("Content-Security-Policy") != CSP {
				t.Errorf("%s: %s: %d, Content-Security-Policy %q", page, a, resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
			}
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func fetch(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}
