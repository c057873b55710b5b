package rtmp

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// FuzzAVCConfig checks parseAVCConfig against a direct reading of the
// record's first SPS and PPS, and that what it returns makes a record
// that parses to the same.
func FuzzAVCConfig(f *testing.F) {
	f.Add(clipAVCConfig(f))
	f.Add([]byte{1, 0x64, 0, 0x1f, 0xff, 0xe1, 0, 1, 0x67, 1, 0, 1, 0x68})
	f.Add([]byte{1, 0x64, 0, 0x1f, 0xfe, 0xe2, 0, 1, 0x67, 0, 2, 0x67, 0x42, 2, 0, 1, 0x68, 0, 1, 0x68})
	f.Add([]byte{1, 0x64, 0, 0x1f, 0xff, 0xe0, 0})
	f.Add([]byte{1, 0x64, 0, 0x1f, 0xfe, 0xe1, 0xff, 0xff, 0x67})
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := parseAVCConfig(in)
		if err != nil {
			return
		}
		if len(in) > maxAVCConfig {
			t.Fatalf("a record of %d bytes accepted", len(in))
		}
		if c.LengthSize != int(in[4]&3)+1 || c.LengthSize == 3 {
			t.Fatalf("length size %d from % x", c.LengthSize, in[4])
		}
		spsLen := int(binary.BigEndian.Uint16(in[6:]))
		if in[5]&0x1f == 0 || !bytes.Equal(c.SPS, in[8:8+spsLen]) {
			t.Fatalf("SPS % x, record % x", c.SPS, in)
		}
		again, err := parseAVCConfig(avcRecord(in[1:4], c))
		if err != nil || again.LengthSize != c.LengthSize || !bytes.Equal(again.SPS, c.SPS) || !bytes.Equal(again.PPS, c.PPS) {
			t.Fatalf("%+v does not round-trip: %+v, %v", c, again, err)
		}
	})
}

// avcRecord writes a record with one SPS and one PPS.
func avcRecord(profile []byte, c *avcConfig) []byte {
	b := append([]byte{1}, profile...)
	b = append(b, 0xfc|byte(c.LengthSize-1), 0xe1)
	b = binary.BigEndian.AppendUint16(b, uint16(len(c.SPS)))
	b = append(b, c.SPS...)
	b = append(b, 1)
	b = binary.BigEndian.AppendUint16(b, uint16(len(c.PPS)))
	return append(b, c.PPS...)
}

// FuzzSplitNALUs checks that the NALUs splitNALUs finds, framed again,
// are its input without the empty ones, and never more than maxNALUs.
func FuzzSplitNALUs(f *testing.F) {
	f.Add([]byte{0, 0, 0, 2, 0x65, 0x88, 0, 0, 0, 1, 0x06}, 4)
	f.Add([]byte{2, 0x65, 0x88, 0, 1, 0x06}, 1)
	f.Add([]byte{0, 2, 0x65, 0x88}, 2)
	f.Add(bytes.Repeat([]byte{1, 0x41}, maxNALUs+1), 1)
	f.Fuzz(func(t *testing.T, in []byte, size int) {
		if size != 1 && size != 2 && size != 4 {
			return
		}
		nalus, err := splitNALUs(in, size)
		if err != nil {
			return
		}
		if len(nalus) > maxNALUs {
			t.Fatalf("%d NALUs", len(nalus))
		}
		var framed, want []byte
		for _, n := range nalus {
			framed = binary.BigEndian.AppendUint32(framed, uint32(len(n)))
			framed = append(framed, n...)
		}
		for b := in; len(b) >= size; {
			l := 0
			for _, x := range b[:size] {
				l = l<<8 | int(x)
			}
			if l > 0 {
				want = binary.BigEndian.AppendUint32(want, uint32(l))
				want = append(want, b[size:size+l]...)
			}
			b = b[size+l:]
		}
		if !bytes.Equal(framed, want) {
			t.Fatalf("% x split as % x", in, framed)
		}
	})
}
