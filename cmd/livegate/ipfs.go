package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/livegate/livegate/hls"
	"github.com/livegate/livegate/ipfs"
)

// IPFSConfig is ipfs: in livegate.yml: the kubo node recordings are
// published to, and the gateways viewers fetch them from (issue 19).
// Empty API: recordings are not published to IPFS.
type IPFSConfig struct {
	// API is the node's RPC API, as `ipfs config Addresses.API` serves
	// it: http://127.0.0.1:5001.
	API string `yaml:"api"`
	// Gateways are HTTP gateways (http://127.0.0.1:8080,
	// https://ipfs.example), tried in this order by the watch page, before
	// the origin.
	Gateways []string `yaml:"gateways"`
	// PublicURL is where viewers reach this livegate (https://live.example):
	// the playlists published to IPFS name their keys there. Empty: the
	// key URIs in them are root-relative (/key/…).
	PublicURL string `yaml:"publicURL"`
}

func (c IPFSConfig) validate() error {
	if c.API == "" {
		if len(c.Gateways) > 0 || c.PublicURL != "" {
			return errors.New("ipfs: set ipfs.api too, the kubo node recordings are published to")
		}
		return nil
	}
	if _, err := ipfs.New(c.API); err != nil {
		return fmt.Errorf("ipfs.api: %w", err)
	}
	if len(c.Gateways) > 16 {
		return errors.New("ipfs.gateways: at most 16")
	}
	for i, g := range c.Gateways {
		if !plainURL(g) {
			return fmt.Errorf("ipfs.gateways[%d]: %q; want a gateway's URL, like http://127.0.0.1:8080 or https://ipfs.example", i, g)
		}
		if u, _ := url.Parse(g); u.Hostname() == "localhost" {
			// kubo serves localhost as a subdomain gateway: /ipfs/{cid}
			// redirects to {cid}.ipfs.localhost, which the watch page's
			// policy does not let it fetch.
			return fmt.Errorf("ipfs.gateways[%d]: %q; kubo redirects localhost to subdomain gateways, name it by address (http://127.0.0.1:…)", i, g)
		}
	}
	if c.PublicURL != "" && !plainURL(c.PublicURL) {
		return fmt.Errorf("ipfs.publicURL: %q; want the URL viewers reach livegate at, like https://live.example", c.PublicURL)
	}
	return nil
}

// plainURL accepts http(s)://host[:port] with no path, query or
// fragment: a base that paths are appended to, and that can be written
// in a playlist's quoted attribute.
func plainURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		(u.Path == "" || u.Path == "/") && u.RawQuery == "" && u.Fragment == "" && u.User == nil &&
		!strings.HasSuffix(s, "/") && !strings.ContainsAny(s, "\"\n\r")
}

// ipfsCheckTimeout bounds asking kubo who it is, at start-up and on
// /healthz.
const ipfsCheckTimeout = 3 * time.Second

// useIPFS publishes the archive to ipfs.api, if set. A node that does not
// answer is logged, not fatal: publishing waits for it and nothing is
// lost.
func useIPFS(a *hls.Archive, cfg Config, log *slog.Logger) error {
	if cfg.IPFS.API == "" {
		return nil
	}
	node, err := ipfs.New(cfg.IPFS.API)
	if err != nil {
		return fmt.Errorf("ipfs.api: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), ipfsCheckTimeout)
	peer, err := node.ID(ctx)
	cancel()
	if err != nil {
		log.Warn("ipfs: the node does not answer; recordings are published when it is back", "api", node.String(), "err", err)
	} else {
		log.Info("ipfs: publishing recordings", "api", node.String(), "peer", peer, "gateways", cfg.IPFS.Gateways)
	}
	return a.UseIPFS(context.Background(), node, hls.IPFSOptions{
		Roots: rootsIndex(cfg), KeyBase: strings.TrimSuffix(cfg.IPFS.PublicURL, "/"), Publish: publishable(cfg),
	})
}

// publishable is what livegate makes public on IPFS: a free stream's
// recordings, and a priced stream's encrypted ones (their keys are what
// is sold), unless the stream wants a session for every segment
// (segments: token); never the clear bytes of a priced stream, which are
// sold segment by segment. A stream no longer configured: its encrypted
// recordings only.
func publishable(cfg Config) func(stream string, encrypted bool) bool {
	byName := map[string]StreamConfig{}
	for _, sc := range cfg.Streams {
		byName[sc.Name] = sc
	}
	charging := cfg.Chain.RPC != ""
	return func(stream string, encrypted bool) bool {
		sc, ok := byName[stream]
		switch {
		case !ok:
			return encrypted
		case !charging || !sc.priced():
			return true
		default:
			return encrypted && sc.Segments != "token"
		}
	}
}

// rootsIndex is where published roots are listed: in the data directory,
// beside the archive rather than in it, so that it outlives lost
// recordings.
func rootsIndex(cfg Config) string { return filepath.Join(cfg.Data, "ipfs-roots.log") }

// ipfsStatus is /healthz's word on IPFS: the node, whether it answers
// and as which peer, and the publishing backlog. The node is asked at
// most every few seconds.
type ipfsStatus struct {
	mu   sync.Mutex
	at   time.Time
	peer string
	err  error
}

func (s *server) ipfsStatus() map[string]any {
	c := s.cfg.IPFS
	if c.API == "" {
		return nil
	}
	st := &s.ipfs
	st.mu.Lock()
	defer st.mu.Unlock()
	if time.Since(st.at) > ipfsCheckTimeout {
		node, err := ipfs.New(c.API)
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), ipfsCheckTimeout)
			st.peer, err = node.ID(ctx)
			cancel()
		}
		st.err, st.at = err, time.Now()
	}
	out := map[string]any{"api": c.API, "gateways": c.Gateways, "reachable": st.err == nil,
		"publishBacklog": s.archive.PublishBacklog(), "publishFailed": s.archive.PublishFailed()}
	if st.err == nil {
		out["peerID"] = st.peer
	} else {
		out["error"] = st.err.Error()
	}
	return out
}

// runArchive is `livegate archive import CID`: it reads a recording's
// manifest from its root through the configured kubo node and lists the
// root in this node's roots index, where a running livegate finds it when
// asked for the recording (its listing included). The recording's keys
// are derived from its secret in the ledger, so the importing node must
// share the publisher's ledger (ledger.postgres), or hold a copy of it.
func runArchive(args []string, stdout io.Writer, _ *slog.Logger) error {
	if len(args) == 0 || args[0] != "import" {
		return fmt.Errorf("%w: want `livegate archive import --config livegate.yml CID`", errUsage)
	}
	fs := flag.NewFlagSet("archive import", flag.ContinueOnError)
	path := fs.String("config", "livegate.yml", "configuration file")
	force := fs.Bool("force", false, "replace the root already listed for that recording")
	if err := fs.Parse(args[1:]); err != nil {
		return errUsage
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: want one root CID", errUsage)
	}
	root := fs.Arg(0)
	cfg, err := loadConfig(*path)
	if err != nil {
		return err
	}
	if cfg.IPFS.API == "" {
		return errors.New("archive import: set ipfs.api, the kubo node to read the recording through")
	}
	node, err := ipfs.New(cfg.IPFS.API)
	if err != nil {
		return fmt.Errorf("ipfs.api: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stream, id, err := hls.ReadManifest(ctx, node, root)
	if err != nil {
		return fmt.Errorf("archive import: %w", err)
	}
	// A root may name any stream and recording: it may not stand in for
	// one this node already lists (its own, whose files may be gone)
	// unless the operator says so.
	if had := hls.IndexedRoot(rootsIndex(cfg), stream, id); had != "" && had != root && !*force {
		return fmt.Errorf("archive import: %s/%s is already listed with root %s; --force replaces it", stream, id, had)
	}
	if err := hls.AppendRoot(rootsIndex(cfg), stream, id, root); err != nil {
		return fmt.Errorf("archive import: %w", err)
	}
	fmt.Fprintf(stdout, "imported %s/%s from %s: it plays at /vod/%s/%s/index.m3u8 (its keys come from the ledger's secret for it)\n", stream, id, root, stream, id)
	return nil
}
