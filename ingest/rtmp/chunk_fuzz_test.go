package rtmp

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"testing"

	gortmp "github.com/yutopp/go-rtmp"
	rtmpmsg "github.com/yutopp/go-rtmp/message"
)

// rawChunk encodes one RTMP chunk as a client sends it: a basic header
// for chunk stream csid, a message header of the given format (0 to 3;
// timestamps below 2^24), and payload.
func rawChunk(format byte, csid int, ts uint32, length int, typ byte, streamID uint32, payload []byte) []byte {
	var b []byte
	switch {
	case csid < 64:
		b = append(b, format<<6|byte(csid))
	case csid < 320:
		b = append(b, format<<6, byte(csid-64))
	default:
		b = append(b, format<<6|1, byte((csid-64)%256), byte((csid-64)/256))
	}
	u24 := func(v uint32) { b = append(b, byte(v>>16), byte(v>>8), byte(v)) }
	if format <= 2 {
		u24(ts)
	}
	if format <= 1 {
		u24(uint32(length))
		b = append(b, typ)
	}
	if format == 0 {
		b = binary.LittleEndian.AppendUint32(b, streamID)
	}
	return append(b, payload...)
}

// setChunkSize is a Set Chunk Size message on chunk stream 2.
func setChunkSize(n uint32) []byte {
	return rawChunk(0, 2, 0, 4, 1, 0, binary.BigEndian.AppendUint32(nil, n))
}

// connectBody is a connect command (AMF0): its name, transaction 1, and
// the command object as given.
func connectBody(object []byte) []byte {
	b := append([]byte{0x02, 0x00, 0x07}, "connect"...)
	b = append(b, 0x00)
	b = binary.BigEndian.AppendUint64(b, math.Float64bits(1))
	return append(b, object...)
}

// connectCommand is a connect command to app, on chunk stream 3.
func connectCommand(app string) []byte {
	object := append([]byte{0x03, 0x00, 0x03}, "app"...)
	object = append(object, 0x02, 0x00, byte(len(app)))
	object = append(object, app...)
	body := connectBody(append(object, 0x00, 0x00, 0x09))
	return rawChunk(0, 3, 0, len(body), 20, 0, body)
}

func chunkSeeds() [][]byte {
	video := bytes.Repeat([]byte{0x17, 1, 0, 0, 0, 0, 0, 0, 2, 0x65, 0x88}, 30) // 330 bytes
	var split []byte                                                            // in 128-byte chunks, audio between
	split = append(split, rawChunk(0, 6, 40, len(video), 9, 1, video[:128])...)
	split = append(split, rawChunk(0, 4, 40, 4, 8, 1, []byte{0xaf, 1, 0x21, 0x10})...)
	split = append(split, rawChunk(3, 6, 0, 0, 0, 0, video[128:256])...)
	split = append(split, rawChunk(3, 6, 0, 0, 0, 0, video[256:])...)
	var many []byte // half-sent messages on many chunk streams
	for csid := 3; csid < 40; csid++ {
		many = append(many, rawChunk(0, csid, 0, 400, 20, 0, bytes.Repeat([]byte{0x05}, 128))...)
	}
	shrink := append(rawChunk(0, 5, 0, 300, 9, 1, make([]byte, 128)), rawChunk(1, 5, 0, 100, 9, 0, nil)...)
	return [][]byte{
		connectCommand("live"),
		append(setChunkSize(4096), connectCommand("live")...),
		setChunkSize(0),
		setChunkSize(0x7fffffff),
		split,
		many,
		rawChunk(0, 3, 0, 0xffffff, 20, 0, nil), // announces 16 MiB
		rawChunk(0, 3, 0, 0, 8, 0, nil),         // an empty message
		shrink,
		rawChunk(3, 65599, 0, 0, 0, 0, nil),
	}
}

// Limits small enough for the fuzzer's inputs to reach, before and after
// SetReadLimits.
const (
	fuzzChunkStreams     = 4
	fuzzMaxMessage       = 512
	fuzzMaxPartial       = 1024
	fuzzMaxMessageAdmit  = 2048
	fuzzMaxPartialAdmit  = 4096
	fuzzMaxChunkSizeSeen = 8192
)

// FuzzChunkStreamReader feeds a client's bytes to the patched go-rtmp
// chunk reader, configured as the server configures it but with small
// limits, handling Set Chunk Size as go-rtmp's handler does, and raising
// the limits after admitAfter messages as a publish does. After every
// message it checks that the reader holds no more than the limits allow:
// incomplete messages within MaxPartialBytes, and read buffers within
// what MaxChunkStreams messages of MaxMessageSize can need.
func FuzzChunkStreamReader(f *testing.F) {
	for i, s := range chunkSeeds() {
		f.Add(s, uint8(i%3))
	}
	f.Fuzz(func(t *testing.T, in []byte, admitAfter uint8) {
		cfg := gortmp.StreamControlStateConfig{
			DefaultChunkSize:           128,
			MaxChunkSize:               fuzzMaxChunkSizeSeen,
			MaxChunkStreams:            fuzzChunkStreams,
			MaxMessageStreams:          4,
			DefaultAckWindowSize:       math.MaxInt32,
			MaxAckWindowSize:           math.MaxInt32,
			DefaultBandwidthWindowSize: math.MaxInt32,
			MaxBandwidthWindowSize:     math.MaxInt32,
			MaxMessageSize:             fuzzMaxMessage,
			MaxPartialBytes:            fuzzMaxPartial,
		}
		cs := gortmp.NewChunkStreamer(bytes.NewReader(in), io.Discard, &cfg)
		defer cs.Close()
		maxMsg, maxPartial := fuzzMaxMessage, fuzzMaxPartial
		for i := 0; i < 1<<12; i++ {
			if i == int(admitAfter) {
				cs.SetReadLimits(fuzzMaxMessageAdmit, fuzzMaxPartialAdmit)
				maxMsg, maxPartial = fuzzMaxMessageAdmit, fuzzMaxPartialAdmit
			}
			var m gortmp.ChunkMessage
			_, _, err := cs.Read(&m)
			partial, capacity := cs.HeldBytes()
			if partial < 0 || partial > maxPartial {
				t.Fatalf("after message %d: %d bytes held in incomplete messages, limit %d", i, partial, maxPartial)
			}
			// A bytes.Buffer grows to at most about twice what it holds
			// plus its 512-byte minimum read.
			if bound := fuzzChunkStreams * 3 * (maxMsg + 512); capacity > bound {
				t.Fatalf("after message %d: read buffers of %d bytes, bound %d", i, capacity, bound)
			}
			if err != nil {
				return // go-rtmp ends the connection
			}
			if sc, ok := m.Message.(*rtmpmsg.SetChunkSize); ok {
				if err := cs.PeerState().SetChunkSize(sc.ChunkSize); err != nil {
					return
				}
				if sc.ChunkSize == 0 || sc.ChunkSize > fuzzMaxChunkSizeSeen {
					t.Fatalf("chunk size %d accepted", sc.ChunkSize)
				}
			}
		}
	})
}

func TestChunkLimits(t *testing.T) {
	read := func(in []byte) error {
		cfg := gortmp.StreamControlStateConfig{
			DefaultChunkSize: 128, MaxChunkSize: maxChunkSize, MaxChunkStreams: maxChunkStreams,
			DefaultAckWindowSize: math.MaxInt32, MaxMessageSize: maxCommandSize, MaxPartialBytes: maxPartialBeforeAdmit,
		}
		cs := gortmp.NewChunkStreamer(bytes.NewReader(in), io.Discard, &cfg)
		defer cs.Close()
		for range 1000 {
			var m gortmp.ChunkMessage
			if _, _, err := cs.Read(&m); err != nil {
				return err
			}
			if sc, ok := m.Message.(*rtmpmsg.SetChunkSize); ok {
				if err := cs.PeerState().SetChunkSize(sc.ChunkSize); err != nil {
					return err
				}
			}
		}
		return nil
	}
	var manyStreams, manyPartial []byte
	for csid := 3; csid < 3+maxChunkStreams+1; csid++ {
		manyStreams = append(manyStreams, rawChunk(0, csid, 0, 1000, 20, 0, make([]byte, 128))...)
	}
	manyPartial = setChunkSize(60000)
	for csid := 3; csid < 8; csid++ {
		manyPartial = append(manyPartial, rawChunk(0, csid, 0, 60001, 20, 0, make([]byte, 60000))...)
	}
	for name, c := range map[string]struct {
		in   []byte
		want string
	}{
		"a command of 100 KB":                       {rawChunk(0, 3, 0, 100_000, 20, 0, nil), "message of 100000 bytes on chunk stream 3, more than the 65536 allowed"},
		"more chunk streams than allowed":           {manyStreams, "chunk streams limit exceeded"},
		"incomplete messages over the limit":        {manyPartial, "incomplete messages would hold"},
		"a chunk size of 2^31-1":                    {setChunkSize(0x7fffffff), "Exceeded configured max chunk size"},
		"a chunk size of 0":                         {setChunkSize(0), "chunk size is 0"},
		"a length below what arrived (was a panic)": {chunkSeeds()[8], "already received"},
	} {
		err := read(c.in)
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte(c.want)) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}
