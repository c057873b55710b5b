package rtpin

import (
	"encoding/binary"
	"encoding/hex"

	"log/slog"
	"testing"

	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/pion/rtp"

	"github.com/livegate/livegate/ingest"
)

// checkTarget is a Target that holds every unit it gets to the
// receiver's promises. It stands in for the HLS stream, whose own tests
// cover what it does with units; here only what reaches it matters.
type checkTarget struct{ t *testing.T }

func (c checkTarget) Publish(info ingest.PublishInfo) (ingest.Publication, error) {
	if info.Tracks.Video == nil || info.Tracks.Video.Width() <= 0 {
		c.t.Fatalf("started without a picture size: %+v", info.Tracks)
	}
	return checkPub(c), nil
}

type checkPub checkTarget

func (c checkPub) WriteVideo(u *ingest.VideoUnit) error {
	if len(u.NALUs) == 0 || len(u.NALUs) > MaxNALUs+2 { // +2: the parameter sets put in front of an IDR
		c.t.Fatalf("a unit of %d NALUs", len(u.NALUs))
	}
	size, sps, pps := 0, false, false
	for _, n := range u.NALUs {
		if len(n) == 0 {
			c.t.Fatal("an empty NALU went downstream")
		}
		size += len(n)
		sps = sps || h264.NALUType(n[0]&0x1f) == h264.NALUTypeSPS
		pps = pps || h264.NALUType(n[0]&0x1f) == h264.NALUTypePPS
	}
	if size > MaxAUBytes+64<<10 {
		c.t.Fatalf("a unit of %d bytes", size)
	}
	if u.IDR && !(sps && pps) {
		c.t.Fatal("an IDR unit without its parameter sets")
	}
	return nil
}

func (c checkPub) WriteAudio(u *ingest.AudioUnit) error {
	for _, au := range u.AUs {
		if len(au) == 0 || len(au) > maxAudioAU {
			c.t.Fatalf("an AAC unit of %d bytes", len(au))
		}
	}
	return nil
}

func (checkPub) Close(error) {}

// packets reads b as RTP packets, each led by its 16-bit length.
func packets(b []byte) []*rtp.Packet {
	var out []*rtp.Packet
	for len(b) >= 2 && len(out) < 256 {
		n := int(binary.BigEndian.Uint16(b))
		b = b[2:]
		if n > len(b) {
			n = len(b)
		}
		var p rtp.Packet
		if p.Unmarshal(b[:n]) == nil {
			out = append(out, &p)
		}
		b = b[n:]
	}
	return out
}

func encode(pkts ...*rtp.Packet) []byte {
	var out []byte
	for _, p := range pkts {
		b, err := p.Marshal()
		if err != nil {
			panic(err)
		}
		out = binary.BigEndian.AppendUint16(out, uint16(len(b)))
		out = append(out, b...)
	}
	return out
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// seedPackets: SPS, PPS and an IDR slice as single NAL units, the same
// IDR as FU-A fragments, then a STAP-A of SPS and PPS.
func seedPackets() []byte {
	sps, pps := mustHex("6764001eacd940a02ff970110000030001000003003c0f162d96"), mustHex("68efbcb0")
	idr := append([]byte{0x65, 0x88, 0x84}, make([]byte, 40)...)
	pkt := func(seq uint16, ts uint32, marker bool, payload []byte) *rtp.Packet {
		return &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: seq, Timestamp: ts, Marker: marker}, Payload: payload}
	}
	stap := []byte{24}
	for _, n := range [][]byte{sps, pps} {
		stap = binary.BigEndian.AppendUint16(stap, uint16(len(n)))
		stap = append(stap, n...)
	}
	return encode(
		pkt(1, 0, false, sps), pkt(2, 0, false, pps), pkt(3, 0, true, idr),
		pkt(4, 3000, false, append([]byte{28, 0x80 | 5}, idr[1:20]...)),
		pkt(5, 3000, true, append([]byte{28, 0x40 | 5}, idr[20:]...)),
		pkt(6, 6000, false, stap), pkt(7, 6000, true, idr),
	)
}

// FuzzReceiverVideo: whatever RTP a publisher sends on its H.264 track,
// what goes downstream is within the caps, every NALU has a header, and
// an IDR unit carries its parameter sets.
func FuzzReceiverVideo(f *testing.F) {
	f.Add(seedPackets())
	f.Add(encode(&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96}, Payload: []byte{24, 0, 0, 0, 0}}))
	f.Add(encode(&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, Marker: true}, Payload: []byte{28, 0x45}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		hub, err := ingest.NewHub([]ingest.Route{{Stream: "s", Key: "k", Target: checkTarget{t}}}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		s, err := hub.Claim(ingest.Credentials{Key: "k"}, "test", "fuzz")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close(nil)
		r, err := New(s, &format.H264{PayloadTyp: 96, PacketizationMode: 1}, nil, slog.New(slog.DiscardHandler), func(error) {})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range packets(b) {
			r.Video(p, int64(p.Timestamp), true)
		}
	})
}

// TestSeedPacketsStart: the seed starts a publication and passes its
// units, so the fuzz property is exercised past the start.
func TestSeedPacketsStart(t *testing.T) {
	units := 0
	hub, _ := ingest.NewHub([]ingest.Route{{Stream: "s", Key: "k", Target: countTarget{t, &units}}}, slog.New(slog.DiscardHandler))
	s, _ := hub.Claim(ingest.Credentials{Key: "k"}, "test", "seed")
	defer s.Close(nil)
	r, err := New(s, &format.H264{PayloadTyp: 96, PacketizationMode: 1}, nil, slog.New(slog.DiscardHandler), func(err error) { t.Error(err) })
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range packets(seedPackets()) {
		r.Video(p, int64(p.Timestamp), true)
	}
	if !s.Started() || units < 2 {
		t.Errorf("started %v, %d units downstream", s.Started(), units)
	}
	// A unit over the NALU cap is dropped, not passed on.
	before := units
	stap := []byte{24}
	for range MaxNALUs + 1 {
		stap = append(stap, 0, 2, 0x01, 0x01) // non-IDR slices
	}
	r.Video(&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: 8, Timestamp: 9000, Marker: true}, Payload: stap}, 9000, true)
	if units != before {
		t.Errorf("a unit of %d NALUs went downstream", MaxNALUs+1)
	}
	// So is one over the byte cap (5 MiB of FU-A fragments of a slice).
	chunk := make([]byte, 1400)
	n := (5<<20)/len(chunk) + 1
	for i := range n {
		fu := []byte{28, 1}
		switch i {
		case 0:
			fu[1] |= 0x80
		case n - 1:
			fu[1] |= 0x40
		}
		r.Video(&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: uint16(9 + i), Timestamp: 12000, Marker: i == n-1},
			Payload: append(fu, chunk...)}, 12000, true)
	}
	if units != before {
		t.Error("a unit over MaxAUBytes went downstream")
	}
	// And the stream goes on after them.
	r.Video(&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: uint16(9 + n), Timestamp: 15000, Marker: true},
		Payload: append([]byte{0x65, 0x88, 0x84}, make([]byte, 40)...)}, 15000, true)
	if units != before+1 {
		t.Errorf("%d units after the dropped ones, want 1", units-before)
	}
}

type countTarget struct {
	t *testing.T
	n *int
}

func (c countTarget) Publish(ingest.PublishInfo) (ingest.Publication, error) { return countPub(c), nil }

type countPub countTarget

func (c countPub) WriteVideo(u *ingest.VideoUnit) error {
	*c.n++
	return checkPub{c.t}.WriteVideo(u)
}
func (countPub) WriteAudio(*ingest.AudioUnit) error { return nil }
func (countPub) Close(error)                        {}
