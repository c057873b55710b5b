package rtmp

import (
	"bytes"
	"testing"
	"time"
)

func flvSeeds() (video, audio [][]byte) {
	video = [][]byte{
		{0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f, 0xff, 0xe1, 0, 1, 0x67, 1, 0, 1, 0x68}, // sequence header
		{0x17, 1, 0, 0, 0x21, 0, 0, 0, 2, 0x65, 0x88},                               // IDR, cts 33
		{0x27, 1, 0xff, 0xff, 0xdf, 0, 0, 0, 1, 0x41},                               // cts -33
		{0x17, 2, 0, 0, 0},               // end of sequence
		{0x12, 0, 0, 0, 0},               // Sorenson H.263
		{0x90, 'h', 'v', 'c', '1', 1, 2}, // enhanced RTMP
		{0x17, 1, 0x7f, 0xff, 0xff},      // cts out of range
		{0x17},
	}
	audio = [][]byte{
		{0xaf, 0, 0x12, 0x10}, // AAC sequence header
		{0xaf, 1, 0x21, 0x10, 0x05},
		{0x2f, 0xff, 0xfb}, // MP3
		{0xaf},
		{0xaf, 2},
	}
	return video, audio
}

// FuzzVideoTag checks readVideoTag against the FLV specification read by
// hand: an accepted tag is H.264, its fields are the header's, its body is
// the rest of the tag, and its composition time is within maxCTS.
func FuzzVideoTag(f *testing.F) {
	video, _ := flvSeeds()
	for _, s := range video {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		tag, err := readVideoTag(bytes.NewReader(in))
		if err != nil {
			return
		}
		if len(in) < 5 || in[0]&0x0f != 7 || in[0]&0x80 != 0 {
			t.Fatalf("accepted % x: not an AVC tag", in)
		}
		cts := time.Duration(int32(uint32(in[2])<<24|uint32(in[3])<<16|uint32(in[4])<<8)>>8) * time.Millisecond
		switch {
		case tag.keyframe != (in[0]>>4 == 1):
			t.Fatalf("% x: keyframe %v", in, tag.keyframe)
		case tag.config != (in[1] == 0) || tag.eos != (in[1] == 2) || in[1] > 2:
			t.Fatalf("% x: config %v, eos %v", in, tag.config, tag.eos)
		case tag.cts != cts || cts > maxCTS || cts < -maxCTS:
			t.Fatalf("% x: cts %v, want %v", in, tag.cts, cts)
		case !bytes.Equal(tag.body, in[5:]) || len(tag.body) > maxVideoBody:
			t.Fatalf("% x: body % x", in, tag.body)
		}
	})
}

// FuzzAudioTag is FuzzVideoTag for audio: an accepted tag is AAC, a raw
// frame or a sequence header within its bounds, and its body is the rest
// of the tag.
func FuzzAudioTag(f *testing.F) {
	_, audio := flvSeeds()
	for _, s := range audio {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		tag, err := readAudioTag(bytes.NewReader(in))
		if err != nil {
			return
		}
		switch {
		case len(in) < 2 || in[0]>>4 != 10:
			t.Fatalf("accepted % x: not an AAC tag", in)
		case tag.config != (in[1] == 0) || in[1] > 1:
			t.Fatalf("% x: config %v", in, tag.config)
		case !bytes.Equal(tag.body, in[2:]):
			t.Fatalf("% x: body % x", in, tag.body)
		case tag.config && len(tag.body) > maxAudioConfig, len(tag.body) > maxAudioBody:
			t.Fatalf("% x: a body of %d bytes", in, len(tag.body))
		}
	})
}

func TestTagBounds(t *testing.T) {
	big := append([]byte{0xaf, 1}, make([]byte, maxAudioBody+1)...)
	if _, err := readAudioTag(bytes.NewReader(big)); err == nil {
		t.Error("an AAC frame over the bound accepted")
	}
	cfg := append([]byte{0xaf, 0}, make([]byte, maxAudioConfig+1)...)
	if _, err := readAudioTag(bytes.NewReader(cfg)); err == nil {
		t.Error("an AAC sequence header over the bound accepted")
	}
	vid := append([]byte{0x17, 1, 0, 0, 0}, make([]byte, maxVideoBody+1)...)
	if _, err := readVideoTag(bytes.NewReader(vid)); err == nil {
		t.Error("a video tag over the bound accepted")
	}
}
