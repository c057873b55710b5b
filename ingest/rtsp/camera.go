package rtsp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/bluenviron/gortsplib/v4"
	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/pion/rtp"

	"github.com/livegate/livegate/ingest"
)

// Camera pulls a stream from an RTSP source (an IP camera, or any RTSP
// server) and publishes it under its stream, reconnecting whenever the
// source drops or cannot be reached.
type Camera struct {
	URL    string // rtsp://user:pass@camera/path
	Stream string
	Key    string // the stream's key, to claim it from the hub
	Hub    *ingest.Hub
	Logger *slog.Logger
	// Retry is the wait before reconnecting, doubling after each failure
	// up to MaxRetry (defaults 1 s and 30 s).
	Retry, MaxRetry time.Duration
}

// Redacted is the camera URL without its password, for logs.
func Redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable camera URL)"
	}
	return u.Redacted()
}

// Run pulls until ctx is done.
func (c *Camera) Run(ctx context.Context) {
	retry, maxRetry := c.Retry, c.MaxRetry
	if retry <= 0 {
		retry = time.Second
	}
	if maxRetry <= 0 {
		maxRetry = 30 * time.Second
	}
	log := c.Logger.With("stream", c.Stream, "camera", Redacted(c.URL))
	wait := retry
	for ctx.Err() == nil {
		began := time.Now()
		err := c.once(ctx, log)
		if ctx.Err() != nil {
			return
		}
		if time.Since(began) > 2*maxRetry {
			wait = retry // it ran a good while: a fresh drop, not a dead camera
		}
		log.Warn("rtsp: camera lost; reconnecting", "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, maxRetry)
	}
}

// once reads the camera until it drops.
func (c *Camera) once(ctx context.Context, log *slog.Logger) error {
	u, err := base.ParseURL(c.URL)
	if err != nil {
		return fmt.Errorf("camera URL: %w", err)
	}
	cl := &gortsplib.Client{
		Scheme: u.Scheme, Host: u.Host, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second,
		OnTransportSwitch: func(err error) { log.Info("rtsp: camera transport", "switch", err) },
		OnPacketsLost:     func(n uint64) { log.Debug("rtsp: RTP packets lost", "count", n) },
		OnDecodeError:     func(err error) { log.Debug("rtsp: undecodable RTP", "err", err) },
	}
	if err := cl.Start2(); err != nil {
		return err
	}
	defer cl.Close()
	stop := context.AfterFunc(ctx, cl.Close)
	defer stop()
	desc, _, err := cl.Describe(u)
	if err != nil {
		return err
	}
	m, err := findMedia(desc)
	if err != nil {
		return err
	}
	sess, err := c.Hub.Claim(ingest.Credentials{Stream: c.Stream, Key: c.Key}, "rtsp-pull", Redacted(c.URL))
	if err != nil {
		return err
	}
	var failMu sync.Mutex
	var failure error
	recv, err := newReceiver(sess, m, log, func(err error) {
		failMu.Lock()
		failure = err
		failMu.Unlock()
		cl.Close()
	})
	if err != nil {
		sess.Close(err)
		return err
	}
	if _, err := cl.Setup(desc.BaseURL, m.video, 0, 0); err != nil {
		sess.Close(err)
		return err
	}
	cl.OnPacketRTP(m.video, m.videoFmt, func(pkt *rtp.Packet) {
		pts, ok := cl.PacketPTS2(m.video, pkt)
		recv.Video(pkt, pts, ok)
	})
	if m.audio != nil && recv.adec != nil {
		if _, err := cl.Setup(desc.BaseURL, m.audio, 0, 0); err != nil {
			sess.Close(err)
			return err
		}
		cl.OnPacketRTP(m.audio, m.audioFmt, func(pkt *rtp.Packet) {
			pts, ok := cl.PacketPTS2(m.audio, pkt)
			recv.audioPacket(pkt, pts, ok)
		})
	}
	if _, err := cl.Play(nil); err != nil {
		sess.Close(err)
		return err
	}
	log.Info("rtsp: reading camera")
	err = cl.Wait()
	failMu.Lock()
	if failure != nil {
		err = failure
	}
	failMu.Unlock()
	if ctx.Err() != nil {
		err = nil // livegate is stopping: a clean end
	} else if err == nil {
		err = errors.New("camera stream ended")
	}
	sess.Close(err)
	return err
}
