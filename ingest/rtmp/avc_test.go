package rtmp

import (
	"bytes"
	"strings"
	"testing"

	flvtag "github.com/yutopp/go-flv/tag"

	"github.com/livegate/livegate/internal/testmedia"
)

// clipAVCConfig is the AVC sequence header the clip's encoder wrote.
func clipAVCConfig(t testing.TB) []byte {
	t.Helper()
	tags, err := testmedia.Clip()
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range tags {
		if tg.Type == flvtag.TagTypeVideo && tg.Body[1] == 0 {
			return tg.Body[5:]
		}
	}
	t.Fatal("clip has no AVC sequence header")
	return nil
}

func TestParseAVCConfig(t *testing.T) {
	b := clipAVCConfig(t)
	c, err := parseAVCConfig(b)
	if err != nil {
		t.Fatal(err)
	}
	if c.LengthSize != 4 || c.SPS[0]&0x1f != 7 || c.PPS[0]&0x1f != 8 {
		t.Errorf("config %+v", c)
	}
	// High-profile records end with chroma and bit-depth fields we do not
	// need; cutting anything before them must fail.
	for n := range 5 + 1 + 2 + len(c.SPS) + 1 + 2 + len(c.PPS) {
		if _, err := parseAVCConfig(b[:n]); err == nil {
			t.Errorf("truncated to %d bytes: accepted", n)
		}
	}
	bad := bytes.Clone(b)
	bad[0] = 2
	if _, err := parseAVCConfig(bad); err == nil || !strings.Contains(err.Error(), "version") {
		t.Errorf("version 2: %v", err)
	}
	bad = bytes.Clone(b)
	bad[5] = 0xe0 // no SPS
	if _, err := parseAVCConfig(bad); err == nil {
		t.Error("config without SPS accepted")
	}
}

func TestSplitNALUs(t *testing.T) {
	for _, size := range []int{1, 2, 4} {
		var b []byte
		for _, n := range [][]byte{{0x65, 1, 2}, {0x06, 3}} {
			l := len(n)
			for i := size - 1; i >= 0; i-- {
				b = append(b, byte(l>>(8*i)))
			}
			b = append(b, n...)
		}
		nalus, err := splitNALUs(b, size)
		if err != nil || len(nalus) != 2 || nalus[1][0] != 0x06 {
			t.Errorf("length size %d: %v %v", size, nalus, err)
		}
	}
	for name, b := range map[string][]byte{
		"length past the end": {0, 0, 0, 9, 0x65},
		"truncated length":    {0, 0},
		"only empty NALUs":    {0, 0, 0, 0},
		"nothing":             {},
	} {
		if _, err := splitNALUs(b, 4); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestReadTagsRefusesOtherCodecs(t *testing.T) {
	for name, body := range map[string][]byte{
		"Sorenson H.263": {0x12, 0, 0, 0},
		"VP6":            {0x14, 0, 0, 0},
		"enhanced HEVC":  {0x91, 'h', 'v', 'c', '1', 0, 0},
		"enhanced AV1":   {0x90, 'a', 'v', '0', '1'},
		"legacy HEVC id": {0x1c, 0, 0, 0},
	} {
		_, err := readVideoTag(bytes.NewReader(body))
		if err == nil || !strings.Contains(err.Error(), "unsupported codec") {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, body := range map[string][]byte{
		"MP3":   {0x2f, 0xff},
		"Speex": {0xb2, 0},
		"PCM":   {0x0f, 0},
	} {
		_, err := readAudioTag(bytes.NewReader(body))
		if err == nil || !strings.Contains(err.Error(), "unsupported codec") {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, body := range map[string][]byte{"empty": {}, "AVC header cut": {0x17, 1}, "bad packet type": {0x17, 7, 0, 0, 0}} {
		if _, err := readVideoTag(bytes.NewReader(body)); err == nil {
			t.Errorf("video %s: accepted", name)
		}
	}
	if _, err := readAudioTag(bytes.NewReader([]byte{0xaf})); err == nil {
		t.Error("AAC tag without packet type accepted")
	}
}

func TestReadVideoTagCompositionTime(t *testing.T) {
	v, err := readVideoTag(bytes.NewReader([]byte{0x27, 1, 0, 0, 0x42, 0, 0, 0, 1, 0x41}))
	if err != nil || v.cts.Milliseconds() != 0x42 || v.keyframe || v.config {
		t.Errorf("%+v %v", v, err)
	}
	v, err = readVideoTag(bytes.NewReader([]byte{0x27, 1, 0xff, 0xff, 0xfe, 0, 0, 0, 1, 0x41}))
	if err != nil || v.cts.Milliseconds() != -2 {
		t.Errorf("negative composition time: %+v %v", v, err)
	}
}

func TestReadVideoTagRefusesImplausibleCompositionTime(t *testing.T) {
	for name, body := range map[string][]byte{
		"+8388607 ms": {0x17, 1, 0x7f, 0xff, 0xff, 0, 0, 0, 1, 0x65},
		"-11 s":       {0x27, 1, 0xff, 0xd5, 0x08, 0, 0, 0, 1, 0x41},
	} {
		if _, err := readVideoTag(bytes.NewReader(body)); err == nil || !strings.Contains(err.Error(), "composition time") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
