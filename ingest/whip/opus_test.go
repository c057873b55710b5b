package whip

import (
	"log/slog"
	"testing"

	"github.com/pion/rtp"

	"github.com/livegate/livegate/internal/testenv"
)

// TestOpusFillersFollowTheClock: a publisher whose Opus timestamps leap
// ahead by 4.8 s in every packet gets no more concealment written than
// the wall clock allows (a few seconds), not 4.8 s per packet.
func TestOpusFillersFollowTheClock(t *testing.T) {
	ffmpeg := testenv.Tool(t, "ffmpeg")
	c, err := newOpusToAAC(ffmpeg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	frame := []byte{0xfc, 0xff, 0xfe} // one 20 ms CELT frame
	ts := uint32(0)
	for i := range 200 {
		c.write(&rtp.Packet{Header: rtp.Header{SequenceNumber: uint16(i), Timestamp: ts}, Payload: frame}, int64(ts), nil)
		ts += 240 * opusFrame // 4.8 s later
	}
	c.mu.Lock()
	fillers := c.fillers
	c.mu.Unlock()
	// 200 packets asked for 239 fillers each; the clock allows the 5 s
	// ahead plus what passed during the loop (well under a second here,
	// up to a minute on the slowest machine).
	if fillers < maxFillers-10 || fillers > maxFillers+3000 {
		t.Errorf("%d filler frames written for %d asked", fillers, 199*239)
	}
}
