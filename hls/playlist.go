package hls

import (
	"bytes"
	"fmt"
	"math"
	"time"

	"github.com/grafov/m3u8"
)

// SegmentInfo is what a playlist (and the archive's journal) says about a
// segment.
type SegmentInfo struct {
	Seq           uint64    `json:"seq"`
	Duration      float64   `json:"dur"` // seconds
	Time          time.Time `json:"pdt"`
	Discontinuity bool      `json:"disc,omitempty"`
	Size          int       `json:"size"`
	// Gap: a rendition has no segment here (the transcoder skipped it);
	// the playlist says EXT-X-GAP so players fetch another rendition.
	Gap bool `json:"-"`
	// Recording names the segment's key (live playlists: a live window
	// may span two recordings).
	Recording string `json:"-"`
	// URI, when set, is where the playlist names the segment (an IPFS
	// gateway's); empty: "{seq}.ts" beside the playlist.
	URI string `json:"-"`
}

// gapTag is EXT-X-GAP (RFC 8216bis), which grafov/m3u8 does not know.
type gapTag struct{}

func (gapTag) TagName() string { return "#EXT-X-GAP" }
func (gapTag) Encode() *bytes.Buffer {
	return bytes.NewBufferString("#EXT-X-GAP")
}
func (gapTag) String() string { return "#EXT-X-GAP" }

func (s *Segment) info() SegmentInfo {
	return SegmentInfo{
		Seq: s.Seq, Duration: s.Duration.Seconds(), Time: s.Time,
		Discontinuity: s.Discontinuity, Size: len(s.Data), Recording: s.Recording,
	}
}

// roundTarget is what a segment of duration d asks of
// EXT-X-TARGETDURATION: its EXTINF as printed (to unit), rounded to the
// nearest second (RFC 8216 §4.3.3.1). 1.4999999 s prints as 1.500 and
// needs 2.
func roundTarget(d, unit time.Duration) time.Duration {
	return d.Round(unit).Round(time.Second)
}

// SegmentName is a segment's file name in playlists, URLs and the archive.
func SegmentName(seq uint64) string { return fmt.Sprintf("%d.ts", seq) }

// RenditionInfo describes a rendition for the master playlist.
type RenditionInfo struct {
	Name      string  `json:"name"`
	Codecs    string  `json:"codecs"`
	Width     int     `json:"width"`
	Height    int     `json:"height"`
	FrameRate float64 `json:"frameRate,omitempty"`
	// Key is the encryption of the rendition's segments as recorded
	// (keyMethod), or "" for segments in the clear.
	Key string `json:"key,omitempty"`
}

// keyMethod is the only encryption segments get: HLS AES-128.
const keyMethod = "AES-128"

// keyTags names a media playlist's keys: each segment's is sold at
// KeyPath(stream, its recording, its number), and its IV is the
// rendition's (SegmentIV). recording, when set, is every segment's (a
// recording's playlist).
type keyTags struct {
	stream, rendition, recording string
	base                         string // before each key's path: "" (root-relative) or a URL
}

func (k *keyTags) key(s SegmentInfo) *m3u8.Key {
	rec := k.recording
	if rec == "" {
		rec = s.Recording
	}
	return &m3u8.Key{Method: keyMethod, URI: k.base + KeyPath(k.stream, rec, s.Seq), IV: ivAttr(SegmentIV(k.rendition, s.Seq))}
}

type playlistKind int

const (
	kindLive      playlistKind = iota // sliding window, no ENDLIST
	kindLiveEnded                     // the stream ended: ENDLIST, players stop polling
	kindEvent                         // a recording still growing
	kindVOD                           // a finished recording
)

// mediaPlaylist renders a media playlist. discSeq counts the
// discontinuities that slid out before segs[0]; keys, when set, names each
// segment's key in an EXT-X-KEY before it.
func mediaPlaylist(segs []SegmentInfo, discSeq uint64, kind playlistKind, minTarget time.Duration, keys *keyTags) []byte {
	p, _ := m3u8.NewMediaPlaylist(0, uint(max(len(segs), 1)))
	target := minTarget.Seconds()
	for _, s := range segs {
		target = max(target, math.Round(s.Duration*1000)/1000) // as EXTINF prints it
	}
	switch kind {
	case kindEvent:
		p.MediaType = m3u8.EVENT
	case kindVOD:
		p.MediaType = m3u8.VOD
	}
	if len(segs) > 0 {
		p.SeqNo = segs[0].Seq
	}
	p.DiscontinuitySeq = discSeq
	for _, s := range segs {
		uri := s.URI
		if uri == "" {
			uri = SegmentName(s.Seq)
		}
		ms := &m3u8.MediaSegment{
			URI:             uri,
			Duration:        s.Duration,
			Discontinuity:   s.Discontinuity,
			ProgramDateTime: s.Time,
		}
		if s.Gap {
			ms.Custom = map[string]m3u8.CustomTag{"#EXT-X-GAP": gapTag{}}
		} else if keys != nil {
			ms.Key = keys.key(s)
		}
		_ = p.AppendSegment(ms)
	}
	// RFC 8216 §4.3.3.1: each EXTINF rounded to the nearest integer must not
	// exceed the target. Set after AppendSegment, which would set it too.
	p.TargetDuration = math.Round(target)
	if kind == kindLiveEnded || kind == kindVOD {
		p.Closed = true
	}
	return p.Encode().Bytes()
}

// variant is a rendition with the bit rates measured from its segments.
type variant struct {
	RenditionInfo
	Peak, Average int // bits per second
}

// measure computes peak and average bit rates. Very short segments (a
// publisher's last partial GOP) are left out of the peak, which they would
// inflate.
func measure(info RenditionInfo, segs []SegmentInfo) variant {
	v := variant{RenditionInfo: info}
	var bytes, secs float64
	for _, s := range segs {
		if s.Gap {
			continue
		}
		bytes += float64(s.Size)
		secs += s.Duration
		if s.Duration >= 0.5 {
			v.Peak = max(v.Peak, int(float64(s.Size)*8/s.Duration))
		}
	}
	if secs > 0 {
		v.Average = int(bytes * 8 / secs)
	}
	if v.Peak == 0 {
		v.Peak = v.Average
	}
	return v
}

// masterPlaylist lists renditions, each at "{name}/{media}".
func masterPlaylist(vs []variant, media, args string) []byte {
	p := m3u8.NewMasterPlaylist()
	p.SetIndependentSegments(true)
	for _, v := range vs {
		uri := v.Name + "/" + media
		if args != "" {
			uri += "?" + args
		}
		params := m3u8.VariantParams{
			Bandwidth:        uint32(max(v.Peak, 1)),
			AverageBandwidth: uint32(max(v.Average, 1)),
			Codecs:           v.Codecs,
			Name:             v.Name,
			FrameRate:        v.FrameRate,
		}
		if v.Width > 0 && v.Height > 0 {
			params.Resolution = fmt.Sprintf("%dx%d", v.Width, v.Height)
		}
		p.Append(uri, nil, params)
	}
	return p.Encode().Bytes()
}
