package cluster

import (
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Router sends a stream's live requests to its ingest node when that is
// another node: the live playlists and segments (/live/{stream}/…), and
// the keys (/key/{stream}/{recording}/{seq}) of segments this node can
// neither price from its own archive nor from the ingest node's word
// that they are finished (Segments): those still being cut. Everything
// else, and everything about a stream published here or published
// nowhere, goes to Next, which prices the keys of finished segments of
// another node's stream with Segments too.
//
// The request goes on with X-Forwarded-For extended by this node's
// client, so the ingest node charges the same viewer this node would: it
// must list the other nodes in its trustedProxies. It also carries
// HopHeader, and a request that does is never sent on again: two nodes
// that each read the other as the ingest node (their registries a round
// apart) answer it themselves instead of passing it back and forth.
type Router struct {
	Registry *Registry
	Next     http.Handler
	// Here says whether stream is published on this node: a publisher
	// feeds it, or is expected back within its reconnect grace.
	Here func(stream string) bool
	// Has says whether this node can price a key to a segment of the
	// recording itself (its archive, or the object store, holds it).
	Has func(stream, recording string) bool
	// Segments, when set, lets this node sell the keys of finished
	// segments published on another node.
	Segments *Segments

	mu      sync.Mutex
	proxies map[string]*httputil.ReverseProxy // per owner URL
}

// ServeHTTP implements http.Handler.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if o, ok := rt.elsewhere(r); ok {
		rt.proxy(o.URL).ServeHTTP(w, r)
		return
	}
	rt.Next.ServeHTTP(w, r)
}

// HopHeader marks a request one node sent another.
const HopHeader = "Livegate-Cluster-Hop"

// elsewhere finds the node a request should go to, if not this one.
func (rt *Router) elsewhere(r *http.Request) (Owner, bool) {
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || r.Header.Get(HopHeader) != "" {
		return Owner{}, false
	}
	kind, stream, recording, seq, ok := ParsePath(r.URL.Path)
	if !ok || rt.Here(stream) {
		return Owner{}, false
	}
	o, ok := rt.Registry.Owner(stream)
	if !ok || kind == "live" {
		return o, ok
	}
	if rt.Has(stream, recording) {
		return Owner{}, false
	}
	if rt.Segments != nil {
		if _, finished := rt.Segments.Duration(r.Context(), stream, recording, seq); finished {
			return Owner{}, false
		}
	}
	return o, true
}

// ParsePath reads the paths a Router may send on: "live" with the stream
// of /live/{stream}/…, or "key" with the stream, recording and sequence
// number of /key/{stream}/{recording}/{seq} (a number as strconv reads
// it). Other paths are not ok.
func ParsePath(p string) (kind, stream, recording string, seq uint64, ok bool) {
	kind, rest, found := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	if !found || (kind != "live" && kind != "key") {
		return "", "", "", 0, false
	}
	stream, rest, found = strings.Cut(rest, "/")
	if !found || stream == "" || rest == "" {
		return "", "", "", 0, false
	}
	if kind == "key" {
		var n string
		recording, n, found = strings.Cut(rest, "/")
		if !found || recording == "" {
			return "", "", "", 0, false
		}
		var err error
		if seq, err = strconv.ParseUint(n, 10, 64); err != nil {
			return "", "", "", 0, false
		}
	}
	return kind, stream, recording, seq, true
}

// proxy is the reverse proxy to a node, made once per node.
func (rt *Router) proxy(base string) *httputil.ReverseProxy {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if p, ok := rt.proxies[base]; ok {
		return p
	}
	target, err := url.Parse(base)
	if err != nil { // the registry's rows come from nodes' configs; refuse quietly
		return &httputil.ReverseProxy{Rewrite: func(*httputil.ProxyRequest) {}, ErrorHandler: badNode}
	}
	p := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = pr.In.Host // the viewer's host, for URLs the node writes
			// Extend, not replace, what the proxies before this node said.
			pr.Out.Header["X-Forwarded-For"] = pr.In.Header["X-Forwarded-For"]
			pr.SetXForwarded()
			pr.Out.Header.Set(HopHeader, "1")
		},
		Transport: &http.Transport{
			// A node whose host is gone (not refusing: silent) is given
			// up on quickly; the viewer retries, by then elsewhere.
			DialContext:         (&net.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 256,
			IdleConnTimeout:     90 * time.Second,
			// A blocking playlist reload is held up to 15 s by the node.
			ResponseHeaderTimeout: 20 * time.Second,
		},
		ErrorHandler: badNode,
	}
	if rt.proxies == nil {
		rt.proxies = map[string]*httputil.ReverseProxy{}
	}
	rt.proxies[base] = p
	return p
}

// badNode answers a request the ingest node did not: 502, and the player
// tries again (by then the registry may name another node).
func badNode(w http.ResponseWriter, _ *http.Request, _ error) {
	w.Header().Set("Retry-After", "1")
	http.Error(w, "the node this stream is published on did not answer; try again", http.StatusBadGateway)
}
