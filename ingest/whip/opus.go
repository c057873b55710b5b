package whip

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"sync"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4/pkg/media/oggwriter"

	"github.com/livegate/livegate/ingest"
	"github.com/livegate/livegate/ingest/rtpin"
)

// Browsers send Opus; livegate's viewers get AAC. livegate serves HLS in
// MPEG-TS, where AAC plays everywhere, and Opus in MPEG-TS plays neither
// in hls.js (its maintainers: "Opus in TS is not a supported segment
// format", video-dev/hls.js#6317; only Opus in fMP4) nor in Safari's
// native player, which plays AAC and MP3 in MPEG-TS. Carrying Opus as is
// would leave those viewers without sound, so each
// WHIP publisher's Opus goes through one ffmpeg process (decode, encode
// AAC-LC 48 kHz stereo at 128 kb/s), about a percent of a core. The Opus
// packets reach ffmpeg in Ogg; a gap in the RTP timestamps (loss, DTX)
// becomes empty Opus frames, which the decoder conceals, so the AAC stays
// on the publisher's clock.

const (
	opusRate   = 48000
	opusFrame  = 960 // samples in 20 ms, the filler's length
	maxFillers = 250 // 5 s: beyond that a gap is a restart, not a loss
	// oggPreSkip is the pre-skip pion's Ogg writer declares: the decoder
	// drops that many samples at the start, which fillers provide.
	oggPreSkip = 3840
	// aacPriming is the frame of encoder delay ffmpeg's AAC encoder puts
	// first; ADTS has nowhere to say so.
	aacPriming = 1024
)

// fillerFrame is an Opus packet of one 20 ms CELT frame with no data: the
// decoder treats it as lost and conceals it.
var fillerFrame = []byte{0xfc}

// opusToAAC is one publisher's converter.
type opusToAAC struct {
	track *ingest.AACTrack
	log   *slog.Logger
	cmd   *exec.Cmd
	stdin io.WriteCloser
	ogg   *oggwriter.OggWriter
	done  chan struct{} // the ADTS reader has finished

	mu       sync.Mutex
	recv     *rtpin.Receiver
	base     int64 // PTS of the first Opus sample, 48 kHz
	next     uint32
	started  bool
	closed   bool
	warnedTS bool
	t0       time.Time // the first packet, on the wall clock
	written  int64     // samples given to ffmpeg, fillers included
	fillers  int64     // filler frames written
}

// maxAhead is how far the audio given to ffmpeg may run ahead of the
// wall clock: fillers beyond it are not written, so a publisher whose
// timestamps leap forward in every packet cannot have ffmpeg encode
// minutes of concealment per second.
const maxAhead = maxFillers * opusFrame

func newOpusToAAC(ffmpeg string, log *slog.Logger) (*opusToAAC, error) {
	if ffmpeg == "" {
		return nil, errors.New("no ffmpeg to turn it into AAC")
	}
	path, err := exec.LookPath(ffmpeg)
	if err != nil {
		return nil, fmt.Errorf("no ffmpeg to turn it into AAC: %w", err)
	}
	asc, err := (&mpeg4audio.AudioSpecificConfig{Type: mpeg4audio.ObjectTypeAACLC, SampleRate: opusRate, ChannelConfig: 2}).Marshal()
	if err != nil {
		return nil, err
	}
	track, err := ingest.NewAACTrack(asc)
	if err != nil {
		return nil, err
	}
	c := &opusToAAC{track: track, log: log, done: make(chan struct{})}
	c.cmd = exec.Command(path, "-hide_banner", "-loglevel", "error", "-nostdin",
		"-fflags", "nobuffer", "-probesize", "32", "-analyzeduration", "0", "-f", "ogg", "-i", "pipe:0",
		"-vn", "-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2", "-flush_packets", "1", "-f", "adts", "pipe:1")
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr := &limitedBuffer{max: 4096}
	c.cmd.Stderr = stderr
	if c.ogg, err = oggwriter.NewWith(c.stdin, opusRate, 2); err != nil {
		return nil, err
	}
	if err := c.cmd.Start(); err != nil {
		return nil, err
	}
	go c.readADTS(stdout, stderr)
	return c, nil
}

// write passes one Opus RTP packet, pts its timestamp on the stream's
// clock, to ffmpeg. recv is where the AAC goes.
func (c *opusToAAC) write(pkt *rtp.Packet, pts int64, recv *rtpin.Receiver) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || len(pkt.Payload) == 0 {
		return
	}
	n := opusSamples(pkt.Payload)
	if n == 0 {
		return
	}
	if !c.started {
		c.started, c.recv, c.base, c.next, c.t0 = true, recv, pts, pkt.Timestamp, time.Now()
		for range oggPreSkip / opusFrame { // what the decoder drops first
			if err := c.ogg.WriteRTP(&rtp.Packet{Payload: fillerFrame}); err != nil {
				return
			}
		}
	}
	gap := int32(pkt.Timestamp - c.next)
	want, fill := 0, 0 // fillers the gap asks for, and the wall clock allows
	if gap >= opusFrame && gap/opusFrame <= maxFillers {
		want = int(gap / opusFrame)
		room := int64(time.Since(c.t0))*opusRate/int64(time.Second) + maxAhead - c.written
		fill = int(min(int64(want), max(room, 0)/opusFrame))
	}
	switch {
	case gap < 0:
		return // late or repeated: its time has been filled
	case fill > 0:
		for range fill {
			if err := c.ogg.WriteRTP(&rtp.Packet{Payload: fillerFrame}); err != nil {
				return
			}
		}
		c.written += int64(fill) * opusFrame
		c.fillers += int64(fill)
	}
	if gap > 0 && (want == 0 || fill < want) && !c.warnedTS {
		c.warnedTS = true
		c.log.Warn("whip: Opus timestamps jump; audio may drift", "samples", gap)
	}
	if err := c.ogg.WriteRTP(pkt); err != nil {
		return
	}
	c.written += int64(n)
	c.next = pkt.Timestamp + uint32(n)
}

// readADTS passes ffmpeg's AAC frames downstream, timed by counting
// samples from the first Opus packet.
func (c *opusToAAC) readADTS(out io.Reader, stderr *limitedBuffer) {
	defer close(c.done)
	br := bufio.NewReader(out)
	hdr := make([]byte, 7)
	for i := int64(0); ; i++ {
		if _, err := io.ReadFull(br, hdr); err != nil {
			break
		}
		size := int(hdr[3]&0x03)<<11 | int(hdr[4])<<3 | int(hdr[5])>>5
		if hdr[0] != 0xff || hdr[1]&0xf0 != 0xf0 || size < 7 {
			c.log.Error("whip: ffmpeg's AAC output is not ADTS; audio stops")
			break
		}
		frame := make([]byte, size)
		copy(frame, hdr)
		if _, err := io.ReadFull(br, frame[7:]); err != nil {
			break
		}
		var pkts mpeg4audio.ADTSPackets
		if err := pkts.Unmarshal(frame); err != nil || len(pkts) != 1 || i == 0 {
			continue // the first frame is the encoder's priming
		}
		c.mu.Lock()
		recv, base := c.recv, c.base
		c.mu.Unlock()
		if recv != nil {
			at := base + (i-1)*aacPriming
			recv.Audio(&ingest.AudioUnit{PTS: rtpin.Ticks(at, opusRate), AUs: [][]byte{pkts[0].AU}})
		}
	}
	if err := c.cmd.Wait(); err != nil && !c.isClosed() {
		c.log.Warn("whip: the Opus-to-AAC ffmpeg stopped; audio stops", "err", err, "stderr", stderr.String())
	}
}

func (c *opusToAAC) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// close ends the input and waits a moment for the last frames.
func (c *opusToAAC) close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	_ = c.ogg.Close() // closes stdin: ffmpeg flushes and exits
	c.mu.Unlock()
	select {
	case <-c.done:
	case <-time.After(2 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// opusSamples is how many 48 kHz samples an Opus packet holds (RFC 6716
// §3.1), 0 for an empty or malformed one (a code 3 packet of no frames,
// or of more than 120 ms, which would move the timeline by seconds).
func opusSamples(p []byte) int {
	if len(p) == 0 {
		return 0
	}
	toc := p[0]
	config := int(toc >> 3)
	var per int // samples per frame at 48 kHz
	switch {
	case config < 12: // SILK: 10, 20, 40, 60 ms
		per = []int{480, 960, 1920, 2880}[config%4]
	case config < 16: // hybrid: 10, 20 ms
		per = []int{480, 960}[config%2]
	default: // CELT: 2.5, 5, 10, 20 ms
		per = []int{120, 240, 480, 960}[config%4]
	}
	switch toc & 3 {
	case 0:
		return per
	case 1, 2:
		return 2 * per
	default: // code 3: a frame count, at least 1, at most 120 ms in all
		if len(p) < 2 {
			return 0
		}
		if n := int(p[1]&0x3f) * per; n <= maxOpusPacket {
			return n
		}
		return 0
	}
}

// maxOpusPacket is the most samples one Opus packet holds: 120 ms.
const maxOpusPacket = 120 * opusRate / 1000

// limitedBuffer keeps the start of what is written to it.
type limitedBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if room := l.max - len(l.b); room > 0 {
		l.b = append(l.b, p[:min(len(p), room)]...)
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.b)
}
