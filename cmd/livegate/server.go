package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/livegate/livegate/cmd/livegate/web"
	"github.com/livegate/livegate/hls"
	"github.com/livegate/livegate/ingest"
	"github.com/livegate/livegate/ingest/rtmp"
	"github.com/livegate/livegate/ingest/rtsp"
	"github.com/livegate/livegate/ingest/whip"
	"github.com/livegate/livegate/internal/clientaddr"
	"github.com/livegate/livegate/internal/connlimit"
	"github.com/livegate/livegate/paywall"
)

// server wires the packages together: ingest servers feed the Hub, the Hub
// feeds hls Streams, the Origin serves them over HTTP.
type server struct {
	ipfs   ipfsStatus // what /healthz last heard from the IPFS node
	origin *hls.Origin
	cfg    Config
	log    *slog.Logger

	archive  *hls.Archive
	streams  map[string]*hls.Stream
	hub      *ingest.Hub
	rtmp     *rtmp.Server
	rtsp     *rtsp.Server
	whip     *whip.Server
	httpLn   net.Listener
	http     *http.Server
	pay      *payments    // nil on a free server
	cluster  *clusterNode // nil: a node on its own
	tx       *transcoding // nil: the source only
	audience *audience
	metrics  *metrics
	clients  *clientaddr.Resolver // who a request comes from, behind trusted proxies
	adminLim *paywall.Limiter     // wrong admin tokens, per client host

	mu       sync.Mutex
	closing  bool
	bg       sync.WaitGroup // settlements started by streams ending
	payClose sync.Once

	stopCameras context.CancelFunc
	cameras     sync.WaitGroup // camera pullers
}

func newServer(cfg Config, log *slog.Logger) (*server, error) {
	archive, err := openArchive(cfg, log)
	if err != nil {
		return nil, err
	}
	s := &server{cfg: cfg, log: log, archive: archive, streams: map[string]*hls.Stream{}, audience: newAudience(),
		clients:  cfg.clientResolver(),
		adminLim: &paywall.Limiter{Max: 10, Window: time.Minute, Delay: time.Second}}
	s.metrics = newMetrics(s)
	opts := hls.Options{
		Segment: time.Duration(cfg.Segment), Window: cfg.Window,
		ReconnectGrace: time.Duration(cfg.ReconnectGrace),
		OnTranscoded:   s.metrics.transcoded,
	}
	if cfg.ReconnectGrace == 0 {
		opts.ReconnectGrace = -1 // end at once
	}
	if s.tx, err = startTranscoding(cfg, log); err != nil {
		archive.Close()
		return nil, err
	}
	if cfg.Chain.RPC != "" {
		if s.pay, err = startPayments(cfg, log); err != nil {
			s.abandon()
			return nil, err
		}
		opts.OnEnd = s.streamEnded
		opts.OnSegment = hlsGate{s.pay.gate}.finished
	}
	var routes []ingest.Route
	for _, sc := range cfg.Streams {
		opts := opts
		if s.tx.transcodes(sc.Name) {
			opts.Transcoder = s.tx
		}
		if s.pay != nil && sc.priced() {
			opts.Keys = s.pay.keys
			opts.TokenSegments = sc.Segments == "token"
		}
		opts.LowLatency, opts.Part = sc.LowLatency, time.Duration(sc.Part)
		st := hls.NewStream(sc.Name, archive, opts, log)
		s.streams[sc.Name] = st
		routes = append(routes, ingest.Route{Stream: sc.Name, Key: sc.Key, Target: st})
	}
	if s.hub, err = ingest.NewHub(routes, log); err != nil {
		s.abandon()
		return nil, err
	}
	s.rtmp = &rtmp.Server{Addr: cfg.RTMP, Hub: s.hub, Logger: log}
	s.rtsp = &rtsp.Server{Addr: cfg.RTSP, Hub: s.hub, Logger: log}
	ffmpeg := cfg.Transcoder.FFmpeg
	if ffmpeg == "" {
		ffmpeg = "ffmpeg"
	}
	// Loopback candidates too: a publisher on this machine (a browser
	// during an event's rehearsal, the tests) connects over them.
	s.whip = &whip.Server{Hub: s.hub, Logger: log, Segment: time.Duration(cfg.Segment), FFmpeg: ffmpeg, Loopback: true,
		ClientAddr: func(r *http.Request) string { return s.clients.Of(r).String() }}
	if err := s.whip.Initialize(); err != nil {
		s.abandon()
		return nil, err
	}

	mux := http.NewServeMux()
	var gate hls.Gate = countingGate{aud: s.audience, clients: s.clients}
	if s.pay != nil {
		s.pay.gate.Admitted = s.audience.saw
		s.pay.gate.Clients = s.clients
		gate = hlsGate{s.pay.gate}
		s.pay.gate.Register(mux)
		mux.HandleFunc("POST /admin/settle", s.adminSettle)
	}
	mux.HandleFunc("GET /admin/state", s.adminStateHandler)
	origin := &hls.Origin{Streams: s.streams, Archive: archive, Gate: gate, Logger: log, Gateways: cfg.IPFS.Gateways}
	if cfg.Cluster.URL != "" {
		if s.cluster, err = newClusterNode(s); err != nil {
			s.abandon()
			return nil, err
		}
		origin.Remote = s.cluster.segments.Duration
	}
	s.origin = origin
	origin.Register(mux)
	s.whip.Register(mux)
	web.New(cfg.IPFS.Gateways...).Register(mux)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", s.metrics.handler())
	var handler http.Handler = mux
	if s.cluster != nil {
		handler = s.cluster.handler(mux)
	}
	s.http = &http.Server{
		Handler:     handler,
		ConnContext: hls.ConnContext, // segments are sent corked
		// Every request, body included, is read within ReadTimeout: a
		// client trickling a body a byte at a time holds its socket no
		// longer (no handler here reads a body of more than a few KB).
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       20 * time.Second,
		MaxHeaderBytes:    64 << 10,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// startServer builds and starts a server.
func startServer(cfg Config, log *slog.Logger) (*server, error) {
	s, err := newServer(cfg, log)
	if err != nil {
		return nil, err
	}
	return s, s.Start()
}

// runUntilSignal serves until SIGINT or SIGTERM, then shuts down cleanly.
func (s *server) runUntilSignal() error {
	waitSignal()
	s.log.Info("shutting down")
	return s.Close()
}

// waitSignal returns on SIGINT or SIGTERM.
func waitSignal() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	<-ch
	signal.Stop(ch)
}

// Start opens the listeners; it fails (and leaves nothing open) when a
// port is taken.
func (s *server) Start() error {
	ln, err := net.Listen("tcp", s.cfg.HTTP)
	if err != nil {
		s.abandon()
		return fmt.Errorf("http: listen on %s: %w", s.cfg.HTTP, err)
	}
	if err := s.rtmp.Initialize(); err != nil {
		ln.Close()
		s.abandon()
		return err
	}
	if err := s.rtsp.Initialize(); err != nil {
		ln.Close()
		_ = s.rtmp.Close()
		s.abandon()
		return err
	}
	s.startCameras()
	total, perClient := s.cfg.connLimits()
	ln = &connlimit.Listener{Listener: ln, Name: "http", Total: total, PerClient: perClient,
		Exempt: s.clients.TrustsPeer, Refuse: connlimit.HTTPRefusal, Logger: s.log}
	s.httpLn = ln
	go func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http: serve", "err", err)
		}
	}()
	s.log.Info("http: listening", "addr", ln.Addr().String())
	if s.cluster != nil {
		if err := s.cluster.start(); err != nil {
			_ = s.Close()
			return err
		}
	}
	return nil
}

// abandon releases what newServer started, for a server that will not
// run: payments, the streams' transcode workers, the local transcoder.
func (s *server) abandon() {
	if s.cluster != nil {
		s.cluster.close()
	}
	if s.whip != nil {
		s.whip.Close()
	}
	s.closePayments()
	for _, st := range s.streams {
		_ = st.Close()
	}
	s.tx.Close()
	s.archive.Close()
}

// startCameras pulls every stream that names a camera, until Close.
func (s *server) startCameras() {
	ctx, cancel := context.WithCancel(context.Background())
	s.stopCameras = cancel
	for _, sc := range s.cfg.Streams {
		if sc.Camera == "" {
			continue
		}
		cam := &rtsp.Camera{URL: sc.Camera, Stream: sc.Name, Key: sc.Key, Hub: s.hub, Logger: s.log}
		s.cameras.Add(1)
		go func() {
			defer s.cameras.Done()
			cam.Run(ctx)
		}()
	}
}

func (s *server) httpAddr() string { return s.httpLn.Addr().String() }
func (s *server) rtspAddr() string { return s.rtsp.ListenAddr().String() }
func (s *server) rtmpAddr() string { return s.rtmp.ListenAddr().String() }

// Close stops ingest first, so every stream flushes its last segment and
// finishes its recording, then stops serving.
func (s *server) Close() error {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	if s.cluster != nil {
		s.cluster.close() // first: the other nodes stop sending requests here
	}
	s.hub.Close()
	if s.stopCameras != nil {
		s.stopCameras()
	}
	s.cameras.Wait()
	s.rtsp.Close()
	s.whip.Close()
	errs := []error{s.rtmp.Close()}
	for _, st := range s.streams {
		errs = append(errs, st.Close())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	errs = append(errs, s.http.Shutdown(ctx))
	s.bg.Wait()
	s.closePayments()
	s.tx.Close()
	s.archive.Close() // after the streams: their recordings' last files are queued
	return errors.Join(errs...)
}

func (s *server) closePayments() {
	if s.pay != nil {
		s.payClose.Do(s.pay.Close)
	}
}

// streamEnded settles what the stream's viewers paid, in the background.
func (s *server) streamEnded(stream string) {
	s.mu.Lock()
	if s.closing || s.pay == nil {
		s.mu.Unlock()
		return
	}
	s.bg.Add(1)
	s.mu.Unlock()
	defer s.bg.Done()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	done, err := s.pay.settleWorthwhile(ctx)
	s.log.Info("chain: settled at the end of a stream", "stream", stream, "claims", len(done), "err", err)
}

// adminSettle claims everything owed now (livegate settle).
func (s *server) adminSettle(w http.ResponseWriter, r *http.Request) {
	if !s.adminAuthorized(w, r) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
	defer cancel()
	done, err := s.pay.settleAll(ctx)
	out := map[string]any{"settlements": s.pay.settlementsJSON(done)}
	if err != nil {
		out["error"] = err.Error()
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func (s *server) healthz(w http.ResponseWriter, _ *http.Request) {
	live := map[string]bool{}
	for name, st := range s.streams {
		live[name] = st.Live()
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	out := map[string]any{"status": "ok", "live": live, "archive": s.archiveStatus()}
	if st := s.ipfsStatus(); st != nil {
		out["ipfs"] = st
	}
	if s.pay != nil {
		out["chain"] = s.pay.status()
	}
	_ = json.NewEncoder(w).Encode(out)
}
