package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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
