// Package transcode makes lower renditions of each source segment. It
// speaks Livepeer's HTTP push protocol (../shared/LIVEPEER.md) as a client,
// and serves the same protocol from a local transcoder backed by ffmpeg,
// so a server can use a go-livepeer broadcaster or transcode itself with
// nothing else changed. It knows nothing of playlists or payment.
package transcode

import (
	"fmt"
	"math"
)

// Profile is one rendition to make, as Livepeer names and describes it.
type Profile struct {
	Name    string `json:"name"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	Bitrate int    `json:"bitrate"` // bits per second
	FPS     int    `json:"fps"`     // 0 keeps the source's
	FPSDen  int    `json:"fpsDen,omitempty"`
	Profile string `json:"profile,omitempty"` // H264Baseline, H264Main, H264High, H264ConstrainedHigh
	GOP     string `json:"gop,omitempty"`     // seconds, or "intra"
	Encoder string `json:"encoder,omitempty"` // H.264
}

// Named are Livepeer's standard profiles.
var Named = map[string]Profile{
	"P720p60fps16x9": {Name: "P720p60fps16x9", Width: 1280, Height: 720, Bitrate: 6_000_000, FPS: 60},
	"P720p30fps16x9": {Name: "P720p30fps16x9", Width: 1280, Height: 720, Bitrate: 4_000_000, FPS: 30},
	"P576p30fps16x9": {Name: "P576p30fps16x9", Width: 1024, Height: 576, Bitrate: 1_500_000, FPS: 30},
	"P360p30fps16x9": {Name: "P360p30fps16x9", Width: 640, Height: 360, Bitrate: 1_200_000, FPS: 30},
	"P240p30fps16x9": {Name: "P240p30fps16x9", Width: 426, Height: 240, Bitrate: 600_000, FPS: 30},
	"P144p30fps16x9": {Name: "P144p30fps16x9", Width: 256, Height: 144, Bitrate: 400_000, FPS: 30},
}

// check refuses what the local transcoder cannot make: sizes x264 cannot
// encode in 4:2:0, rates that make no sense, encoders other than H.264.
// The GOP is not asked for: a rendition segment is one GOP, like its
// source segment.
func (p Profile) check() error {
	switch {
	case p.Name == "" || p.Bitrate <= 0:
		return fmt.Errorf("profile %q: name and bitrate are required", p.Name)
	case p.Width <= 0 || p.Height <= 0 || p.Width > 7680 || p.Height > 4320 || p.Width%2 != 0 || p.Height%2 != 0:
		return fmt.Errorf("profile %q: %dx%d is not an even size up to 7680x4320", p.Name, p.Width, p.Height)
	case p.FPS < 0 || p.FPSDen < 0 || p.FPS > 240:
		return fmt.Errorf("profile %q: frame rate %d/%d", p.Name, p.FPS, p.FPSDen)
	case p.Encoder != "" && p.Encoder != "H.264":
		return fmt.Errorf("profile %q: encoder %q: this transcoder makes H.264 only", p.Name, p.Encoder)
	}
	return nil
}

// DefaultLadder is go-livepeer's default.
var DefaultLadder = []string{"P360p30fps16x9", "P240p30fps16x9"}

// Ladder looks up named profiles.
func Ladder(names []string) ([]Profile, error) {
	var out []Profile
	seen := map[string]bool{}
	for _, n := range names {
		p, ok := Named[n]
		if !ok {
			return nil, fmt.Errorf("unknown profile %q (known: P720p60fps16x9, P720p30fps16x9, P576p30fps16x9, P360p30fps16x9, P240p30fps16x9, P144p30fps16x9)", n)
		}
		if seen[n] {
			return nil, fmt.Errorf("profile %q listed twice", n)
		}
		seen[n] = true
		out = append(out, p)
	}
	return out, nil
}

// Fit adapts a ladder to a source: it never upscales (a profile as tall as
// the source or taller is left out), keeps the source's aspect ratio (the
// width follows the height, rounded to even), and never raises the frame
// rate.
func Fit(ladder []Profile, width, height int, fps float64) []Profile {
	var out []Profile
	for _, p := range ladder {
		if p.Height >= height || height <= 0 {
			continue
		}
		q := p
		q.Width = int(math.Round(float64(p.Height)*float64(width)/float64(height)/2)) * 2
		if fps <= 0 || q.FPS > 0 && float64(q.FPS) >= fps-0.01 {
			// Not faster than the source (or its rate is unknown, as an
			// SPS without timing says): keep the source's frames and
			// their exact timestamps (a rate filter would re-time them).
			q.FPS, q.FPSDen = 0, 0
		}
		out = append(out, q)
	}
	return out
}
