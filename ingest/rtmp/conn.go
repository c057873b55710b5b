package rtmp

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	gortmp "github.com/yutopp/go-rtmp"
	rtmpmsg "github.com/yutopp/go-rtmp/message"

	"github.com/livegate/livegate/ingest"
)

var errUnsupported = ingest.ErrUnsupportedCodec

// Bounds on what a publisher may send before its tracks are known: FLV
// announces tracks only by sending their sequence headers, so the first
// frames wait until the picture is complete.
const (
	maxPending      = 2000
	maxPendingBytes = 32 << 20 // media held before the stream starts
	// maxAudioBeforeVideo bounds the AAC frames held while no H.264
	// header has come (10 s at 48 kHz; honest timestamps end the wait
	// at videoWaitSpan long before).
	maxAudioBeforeVideo = 500
	audioWaitSpan       = time.Second     // wait this long for an announced AAC header
	videoWaitSpan       = 2 * time.Second // give up on a publication without H.264
	errorLogPrefix      = "rtmp: "
)

// conn handles one RTMP connection. go-rtmp calls it from the connection's
// own goroutine, so it needs no locking.
type conn struct {
	gortmp.DefaultHandler
	srv      *Server
	remote   string
	log      *slog.Logger
	nc       *netConn              // nil only in tests of the handler alone
	streamer *gortmp.ChunkStreamer // its read limits rise once admitted

	claimedAt time.Time // when the stream was claimed; it must start soon after

	session *ingest.Session
	started bool
	clean   bool  // the publisher said goodbye (FCUnpublish or deleteStream)
	failure error // why we ended the connection

	avc   *avcConfig
	video *ingest.H264Track
	audio *ingest.AACTrack
	meta  struct{ seen, video, audio bool }

	pending      []any // *ingest.VideoUnit or *ingest.AudioUnit, before Start
	pendingBytes int
	pendingAudio int
	pendingSpan  [2]time.Duration
	warnedNoConf bool
	warnedLate   bool
}

// fail records why the connection ends; go-rtmp closes it when a handler
// returns an error.
func (c *conn) fail(err error) error {
	if c.failure == nil {
		c.failure = err
	}
	return err
}

func (c *conn) OnServe(gc *gortmp.Conn) {
	c.streamer = gc.GetChunkStreamer()
}

func (c *conn) OnConnect(_ uint32, cmd *rtmpmsg.NetConnectionConnect) error {
	app, _, _ := strings.Cut(strings.Trim(cmd.Command.App, "/"), "?")
	if app != c.srv.App {
		return c.fail(fmt.Errorf("unknown application %q: publish to rtmp://host/%s/{stream key}", app, c.srv.App))
	}
	return nil
}

func (c *conn) OnPublish(_ *gortmp.StreamContext, _ uint32, cmd *rtmpmsg.NetStreamPublish) error {
	if c.session != nil {
		return c.fail(errors.New("a second publish on one connection"))
	}
	key, _, _ := strings.Cut(cmd.PublishingName, "?")
	if key == "" {
		return c.fail(errors.New("no stream key: publish to rtmp://host/" + c.srv.App + "/{stream key}"))
	}
	s, err := c.srv.Hub.Claim(ingest.Credentials{Key: key}, "rtmp", c.remote)
	if err != nil {
		return c.fail(fmt.Errorf("publish refused: %w", err))
	}
	c.session = s
	c.claimedAt = time.Now()
	if c.nc != nil {
		c.nc.published.Store(true)
	}
	if c.streamer != nil {
		c.streamer.SetReadLimits(maxMessageSize, maxPartialAfterAdmit)
	}
	c.log = c.log.With("stream", s.Stream())
	return nil
}

// checkStarting refuses a publisher that holds its stream without sending
// anything playable: frames before any sequence header, audio without
// video, for longer than the start timeout.
func (c *conn) checkStarting() error {
	if !c.started && time.Since(c.claimedAt) > c.srv.PublishTimeout {
		return c.fail(fmt.Errorf("%w: nothing playable within %v of publishing", ingest.ErrNoVideo, c.srv.PublishTimeout))
	}
	return nil
}

func (c *conn) OnSetDataFrame(_ uint32, data *rtmpmsg.NetStreamSetDataFrame) error {
	if v, a, ok := metadataTracks(data.Payload); ok {
		c.meta.seen, c.meta.video, c.meta.audio = true, v, a
	}
	return nil
}

// OnFCUnpublish and OnDeleteStream end the publication at once: the
// stream is free for the next publisher before the socket closes.
func (c *conn) OnFCUnpublish(uint32, *rtmpmsg.NetStreamFCUnpublish) error {
	c.unpublish()
	return nil
}

func (c *conn) OnDeleteStream(uint32, *rtmpmsg.NetStreamDeleteStream) error {
	c.unpublish()
	return nil
}

// OnUnknownCommandMessage catches the goodbyes some encoders send on the
// publishing stream rather than the control stream.
func (c *conn) OnUnknownCommandMessage(_ uint32, cmd *rtmpmsg.CommandMessage) error {
	switch cmd.CommandName {
	case "deleteStream", "closeStream", "FCUnpublish":
		c.unpublish()
	}
	return nil
}

func (c *conn) unpublish() {
	c.clean = true
	if c.session != nil && c.failure == nil {
		c.session.Close(nil)
	}
}

func (c *conn) OnVideo(ts uint32, payload io.Reader) error {
	if c.session == nil {
		return c.fail(errors.New("video before publish"))
	}
	t, err := readVideoTag(payload)
	if err != nil {
		return c.fail(err)
	}
	switch {
	case t.config:
		cfg, err := parseAVCConfig(t.body)
		if err != nil {
			return c.fail(err)
		}
		track, err := ingest.NewH264Track(cfg.SPS, cfg.PPS)
		if err != nil {
			return c.fail(err)
		}
		c.avc = cfg
		if !c.started {
			c.video = track
		}
		return nil
	case t.eos:
		return nil
	}
	if c.avc == nil {
		if err := c.checkStarting(); err != nil {
			return err
		}
		if !c.warnedNoConf {
			c.warnedNoConf = true
			c.log.Warn(errorLogPrefix + "H.264 frames before the sequence header, dropped")
		}
		return nil
	}
	nalus, err := splitNALUs(t.body, c.avc.LengthSize)
	if err != nil {
		return c.fail(err)
	}
	dts := time.Duration(ts) * time.Millisecond
	u := &ingest.VideoUnit{DTS: dts, PTS: dts + t.cts, NALUs: nalus, IDR: h264.IsRandomAccess(nalus)}
	if u.IDR {
		u.NALUs = ingest.WithParamSets(nalus, c.avc.SPS, c.avc.PPS)
	}
	return c.deliver(u, dts)
}

func (c *conn) OnAudio(ts uint32, payload io.Reader) error {
	if c.session == nil {
		return c.fail(errors.New("audio before publish"))
	}
	t, err := readAudioTag(payload)
	if err != nil {
		return c.fail(err)
	}
	if t.config {
		track, err := ingest.NewAACTrack(t.body)
		if err != nil {
			return c.fail(err)
		}
		if !c.started {
			c.audio = track
		} else if c.audio == nil && !c.warnedLate {
			c.warnedLate = true
			c.log.Warn(errorLogPrefix + "AAC header arrived after the stream started; audio dropped")
		}
		return nil
	}
	if c.audio == nil || len(t.body) == 0 {
		return c.checkStarting()
	}
	pts := time.Duration(ts) * time.Millisecond
	if c.video == nil {
		if c.pendingAudio++; c.pendingAudio > maxAudioBeforeVideo {
			return c.fail(fmt.Errorf("%w: %d AAC frames and no H.264 sequence header", ingest.ErrNoVideo, c.pendingAudio))
		}
	}
	return c.deliver(&ingest.AudioUnit{PTS: pts, AUs: [][]byte{t.body}}, pts)
}

// deliver writes a unit downstream, or holds it until the tracks are known.
func (c *conn) deliver(u any, ts time.Duration) error {
	if c.started {
		return c.write(u)
	}
	if len(c.pending) == 0 {
		c.pendingSpan[0] = ts
	}
	c.pendingSpan[1] = ts
	c.pending = append(c.pending, u)
	c.pendingBytes += unitSize(u)
	span := c.pendingSpan[1] - c.pendingSpan[0]
	switch {
	case c.pendingBytes > maxPendingBytes:
		return c.fail(fmt.Errorf("%d bytes of media before the stream could start (at most %d): send the H.264 and AAC sequence headers first", c.pendingBytes, maxPendingBytes))
	case c.video == nil && (span > videoWaitSpan || len(c.pending) > maxPending):
		return c.fail(fmt.Errorf("%w: no H.264 sequence header after %v of media", ingest.ErrNoVideo, span))
	case c.video == nil:
		return nil
	case c.audio == nil && c.meta.audio && span < audioWaitSpan && len(c.pending) < maxPending:
		return nil // the metadata promised audio: give its header a moment
	}
	tracks := ingest.Tracks{Video: c.video, Audio: c.audio}
	if err := c.session.Start(tracks); err != nil {
		return c.fail(err)
	}
	c.started = true
	pending := c.pending
	c.pending, c.pendingBytes = nil, 0
	for _, p := range pending {
		if err := c.write(p); err != nil {
			return err
		}
	}
	return nil
}

func unitSize(u any) int {
	n := 0
	switch u := u.(type) {
	case *ingest.VideoUnit:
		for _, b := range u.NALUs {
			n += len(b)
		}
	case *ingest.AudioUnit:
		for _, b := range u.AUs {
			n += len(b)
		}
	}
	return n
}

func (c *conn) write(u any) error {
	var err error
	switch u := u.(type) {
	case *ingest.VideoUnit:
		err = c.session.WriteVideo(u)
	case *ingest.AudioUnit:
		err = c.session.WriteAudio(u)
	}
	if err != nil {
		return c.fail(fmt.Errorf("stream refused media: %w", err))
	}
	return nil
}

func (c *conn) OnClose() {
	if c.session != nil {
		reason := c.failure
		if reason == nil && !c.clean {
			reason = errors.New("connection lost without unpublish")
		}
		c.session.Close(reason)
		return
	}
	if c.failure != nil {
		c.log.Warn(errorLogPrefix+"connection refused", "reason", c.failure)
	}
}
