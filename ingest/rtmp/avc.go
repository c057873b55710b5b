package rtmp

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// avcConfig is the part of an AVCDecoderConfigurationRecord (ISO/IEC
// 14496-15 §5.2.4.1) that FLV carries in its AVC sequence header: the first
// SPS and PPS, and how long the NALU length prefixes of later frames are.
type avcConfig struct {
	SPS        []byte
	PPS        []byte
	LengthSize int
}

var errShortAVCConfig = errors.New("AVC sequence header truncated")

// Bounds on what a publisher's H.264 may make us hold. The record's counts
// are 5 and 8 bits wide (31 SPS, 255 PPS) and each set is at most 64 KiB,
// so a record can be 16 MiB; real ones are under a hundred bytes.
const (
	maxAVCConfig = 64 << 10
	// maxNALUs bounds the NALUs of one access unit: multi-slice encoders
	// send tens (mediacommon v2.4.1's cap of 25 was too few).
	maxNALUs = 256
)

func parseAVCConfig(b []byte) (*avcConfig, error) {
	if len(b) < 7 {
		return nil, errShortAVCConfig
	}
	if len(b) > maxAVCConfig {
		return nil, fmt.Errorf("AVC sequence header of %d bytes (at most %d)", len(b), maxAVCConfig)
	}
	if b[0] != 1 {
		return nil, fmt.Errorf("AVC sequence header version %d, want 1", b[0])
	}
	c := &avcConfig{LengthSize: int(b[4]&0x03) + 1}
	if c.LengthSize == 3 {
		return nil, errors.New("AVC sequence header: NALU length size 3 is not allowed")
	}
	pos := 5
	nSPS := int(b[pos] & 0x1f)
	pos++
	sets, pos, err := readParamSets(b, pos, nSPS)
	if err != nil {
		return nil, err
	}
	if len(sets) == 0 {
		return nil, errors.New("AVC sequence header carries no SPS")
	}
	c.SPS = sets[0]
	if pos >= len(b) {
		return nil, errShortAVCConfig
	}
	nPPS := int(b[pos])
	pos++
	sets, _, err = readParamSets(b, pos, nPPS)
	if err != nil {
		return nil, err
	}
	if len(sets) == 0 {
		return nil, errors.New("AVC sequence header carries no PPS")
	}
	c.PPS = sets[0]
	return c, nil
}

func readParamSets(b []byte, pos, n int) ([][]byte, int, error) {
	sets := make([][]byte, 0, n)
	for range n {
		if pos+2 > len(b) {
			return nil, pos, errShortAVCConfig
		}
		l := int(binary.BigEndian.Uint16(b[pos:]))
		pos += 2
		if l == 0 || pos+l > len(b) {
			return nil, pos, errShortAVCConfig
		}
		sets = append(sets, b[pos:pos+l:pos+l])
		pos += l
	}
	return sets, pos, nil
}

// splitNALUs splits length-prefixed NALUs (AVCC framing with lengthSize-byte
// prefixes). The NALUs alias b.
func splitNALUs(b []byte, lengthSize int) ([][]byte, error) {
	var nalus [][]byte
	for len(b) > 0 {
		if len(b) < lengthSize {
			return nil, errors.New("H.264 frame: truncated NALU length")
		}
		var l int
		for _, x := range b[:lengthSize] {
			l = l<<8 | int(x)
		}
		b = b[lengthSize:]
		if l == 0 {
			continue
		}
		if l > len(b) {
			return nil, fmt.Errorf("H.264 frame: NALU of %d bytes with %d left", l, len(b))
		}
		if len(nalus) == maxNALUs {
			return nil, fmt.Errorf("H.264 frame of more than %d NALUs", maxNALUs)
		}
		nalus = append(nalus, b[:l:l])
		b = b[l:]
	}
	if len(nalus) == 0 {
		return nil, errors.New("H.264 frame without NALUs")
	}
	return nalus, nil
}
