// Package web serves livegate's pages: the watch page (hls.js and a
// wallet that pays as it plays), the publish page (camera to WHIP) and the
// organizer's dashboard. The pages are static; their scripts, bundled by
// esbuild from src/ into dist/ (`make web`), are embedded in the binary,
// so serving them needs no Node.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed pages dist
var files embed.FS

type asset struct {
	body  []byte
	etag  string
	ctype string
}

// Pages is the handler for the pages and their assets.
type Pages struct {
	assets map[string]asset // by URL path
	csp    string
}

// New loads the embedded pages. connect lists other origins the pages
// may fetch from (connect-src): the IPFS gateways a replay's segments are
// named at (http://127.0.0.1:8081), each checked by the page against its
// CID before it plays; the caller passes only origins it validated.
func New(connect ...string) *Pages {
	p := &Pages{assets: map[string]asset{}, csp: CSP}
	if len(connect) > 0 {
		p.csp = strings.Replace(CSP, "connect-src 'self'", "connect-src 'self' "+strings.Join(connect, " "), 1)
	}
	add := func(url, file string) {
		b, _ := files.ReadFile(file) // listed by WalkDir: embedded
		sum := sha256.Sum256(b)
		ctype := "text/html; charset=utf-8"
		switch path.Ext(file) {
		case ".js":
			ctype = "text/javascript; charset=utf-8"
		case ".css":
			ctype = "text/css; charset=utf-8"
		}
		p.assets[url] = asset{body: b, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, ctype: ctype}
	}
	_ = fs.WalkDir(files, ".", func(f string, d fs.DirEntry, err error) error {
		switch {
		case err != nil || d.IsDir():
		case strings.HasSuffix(f, ".html"):
			add(strings.TrimSuffix(path.Base(f), ".html"), f) // a page, by name
		default:
			add("/assets/"+path.Base(f), f)
		}
		return nil //nolint:nilerr // an unreadable embedded entry is skipped
	})
	return p
}

// Register adds the pages to mux:
//
//	GET /watch/{stream}              live, paid as it plays
//	GET /watch/{stream}/{recording}  a replay
//	GET /publish/{stream}            camera and microphone to WHIP
//	GET /dashboard                   the organizer's view (asks for the admin token)
//	GET /assets/{file}               scripts and styles
func (p *Pages) Register(mux *http.ServeMux) {
	page := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { p.serve(w, r, name) }
	}
	mux.HandleFunc("GET /watch/{stream}", page("watch"))
	mux.HandleFunc("GET /watch/{stream}/{recording}", page("watch"))
	mux.HandleFunc("GET /publish/{stream}", page("publish"))
	mux.HandleFunc("GET /dashboard", page("dashboard"))
	mux.HandleFunc("GET /assets/{file}", func(w http.ResponseWriter, r *http.Request) { p.serve(w, r, r.URL.Path) })
}

// CSP is the Content-Security-Policy of every page and asset. The watch
// page holds a private key (a link's burner key, or its own session
// key), so nothing but livegate's own scripts may run on it: no inline
// script or style, no eval, no third-party origin, no plugin, no base
// URL, no framing. The page talks to livegate alone (the chain through
// the wallet extension, which the policy does not cover), and to the IPFS
// gateways the server names (New); hls.js runs its
// transmuxer in a worker from a blob: URL and plays through Media Source
// (blob: media).
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"media-src 'self' blob:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func (p *Pages) serve(w http.ResponseWriter, r *http.Request, name string) {
	a, ok := p.assets[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("ETag", a.etag)
	h.Set("Cache-Control", "no-cache") // revalidate: a new binary brings new scripts
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", p.csp)
	if a.ctype[:9] == "text/html" {
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY") // frame-ancestors, for browsers without it
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}
