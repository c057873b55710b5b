package rtmp

import (
	"bytes"
	"fmt"
	"io"
	"time"

	flvtag "github.com/yutopp/go-flv/tag"
)

// maxCTS bounds composition time offsets: real encoders reorder a few
// frames, never seconds; a huge one would push a frame hours away.
const maxCTS = 10 * time.Second

// Bounds on tag bodies. go-rtmp already refuses messages over
// maxMessageSize; these keep the parsers safe on their own.
const (
	maxVideoBody = maxMessageSize
	// An AAC frame is at most 6,144 bits per channel (ISO/IEC 14496-3),
	// 6 KiB for 8 channels; an AudioSpecificConfig, a few bytes (a
	// program config element, a few hundred).
	maxAudioBody   = 64 << 10
	maxAudioConfig = 1 << 10
)

// readBody reads what remains of a tag, refusing more than limit bytes.
func readBody(r io.Reader, limit int, what string) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("malformed %s message: %w", what, err)
	}
	if len(body) > limit {
		return nil, fmt.Errorf("malformed %s message: a body over %d bytes", what, limit)
	}
	return body, nil
}

// videoTag is an FLV video tag body as RTMP carries it.
type videoTag struct {
	keyframe bool
	config   bool // AVC sequence header
	eos      bool
	cts      time.Duration
	body     []byte // owned copy
}

// audioTag is an FLV audio tag body.
type audioTag struct {
	config bool // AAC sequence header (AudioSpecificConfig)
	body   []byte
}

var videoCodecNames = map[flvtag.CodecID]string{
	flvtag.CodecIDJPEG:                   "JPEG",
	flvtag.CodecIDSorensonH263:           "Sorenson H.263",
	flvtag.CodecIDScreenVideo:            "Screen Video",
	flvtag.CodecIDOn2VP6:                 "On2 VP6",
	flvtag.CodecIDOn2VP6WithAlphaChannel: "On2 VP6 with alpha",
	flvtag.CodecIDScreenVideoVersion2:    "Screen Video 2",
	12:                                   "HEVC (non-standard FLV id 12)",
}

var audioCodecNames = map[flvtag.SoundFormat]string{
	0: "linear PCM", 1: "ADPCM", 2: "MP3", 3: "linear PCM LE", 4: "Nellymoser 16k",
	5: "Nellymoser 8k", 6: "Nellymoser", 7: "G.711 A-law", 8: "G.711 mu-law",
	9: "enhanced RTMP audio (Opus, AC-3, FLAC, …)", 11: "Speex", 14: "MP3 8k", 15: "device-specific",
}

// readVideoTag decodes a video message payload. It refuses anything but
// H.264, including enhanced-RTMP (HEVC, AV1, VP9) tags.
func readVideoTag(payload io.Reader) (*videoTag, error) {
	var v flvtag.VideoData
	if err := flvtag.DecodeVideoData(payload, &v); err != nil {
		return nil, fmt.Errorf("malformed video message: %w", err)
	}
	if v.FrameType&0x8 != 0 { // enhanced RTMP: the low nibble is a packet type, a FourCC follows
		fourcc := make([]byte, 4)
		_, _ = io.ReadFull(v.Data, fourcc)
		return nil, fmt.Errorf("%w: video %q over enhanced RTMP; set the encoder to H.264", errUnsupported, bytes.TrimRight(fourcc, "\x00"))
	}
	if v.CodecID != flvtag.CodecIDAVC {
		name, ok := videoCodecNames[v.CodecID]
		if !ok {
			name = fmt.Sprintf("FLV codec id %d", v.CodecID)
		}
		return nil, fmt.Errorf("%w: video %s; set the encoder to H.264", errUnsupported, name)
	}
	body, err := readBody(v.Data, maxVideoBody, "video")
	if err != nil {
		return nil, err
	}
	t := &videoTag{
		keyframe: v.FrameType == flvtag.FrameTypeKeyFrame,
		cts:      time.Duration(v.CompositionTime) * time.Millisecond,
		body:     body,
	}
	if t.cts > maxCTS || t.cts < -maxCTS {
		return nil, fmt.Errorf("malformed video message: a composition time offset of %v", t.cts)
	}
	switch v.AVCPacketType {
	case flvtag.AVCPacketTypeSequenceHeader:
		t.config = true
	case flvtag.AVCPacketTypeNALU:
	case flvtag.AVCPacketTypeEOS:
		t.eos = true
	default:
		return nil, fmt.Errorf("malformed video message: AVC packet type %d", v.AVCPacketType)
	}
	return t, nil
}

// readAudioTag decodes an audio message payload. It refuses anything but AAC.
func readAudioTag(payload io.Reader) (*audioTag, error) {
	var a flvtag.AudioData
	if err := flvtag.DecodeAudioData(payload, &a); err != nil {
		return nil, fmt.Errorf("malformed audio message: %w", err)
	}
	if a.SoundFormat != flvtag.SoundFormatAAC {
		name, ok := audioCodecNames[a.SoundFormat]
		if !ok {
			name = fmt.Sprintf("FLV sound format %d", a.SoundFormat)
		}
		return nil, fmt.Errorf("%w: audio %s; set the encoder to AAC", errUnsupported, name)
	}
	body, err := readBody(a.Data, maxAudioBody, "audio")
	if err != nil {
		return nil, err
	}
	switch a.AACPacketType {
	case flvtag.AACPacketTypeSequenceHeader:
		if len(body) > maxAudioConfig {
			return nil, fmt.Errorf("malformed audio message: an AAC sequence header of %d bytes (at most %d)", len(body), maxAudioConfig)
		}
		return &audioTag{config: true, body: body}, nil
	case flvtag.AACPacketTypeRaw:
		return &audioTag{body: body}, nil
	}
	return nil, fmt.Errorf("malformed audio message: AAC packet type %d", a.AACPacketType)
}

// metadataTracks reads which tracks an onMetaData script announces.
// ok is false when the payload is not onMetaData.
func metadataTracks(payload []byte) (video, audio, ok bool) {
	var sd flvtag.ScriptData
	if err := flvtag.DecodeScriptData(bytes.NewReader(payload), &sd); err != nil {
		return false, false, false
	}
	meta, found := sd.Objects["onMetaData"]
	if !found {
		return false, false, false
	}
	_, video = meta["videocodecid"]
	_, audio = meta["audiocodecid"]
	return video, audio, true
}
