// Package transcode makes lower renditions of each source segment. It
// speaks Livepeer's HTTP push protocol (../shared/LIVEPEER.md) as a client,
// and serves the same protocol from a local transcoder backed by ffmpeg,
// so a server can use a go-livepeer broadcaster or transcode itself with
// nothing else changed. It knows nothing of playlists or payment.
package transcode

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
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

// Named are Livepeer's standard profiles, as lpms's name lookup knows
// them (LIVEPEER.md; lpms also defines P144p25fps16x9 but leaves it out
// of the lookup, and so does this table).
var Named = map[string]Profile{
	"P720p60fps16x9": {Name: "P720p60fps16x9", Width: 1280, Height: 720, Bitrate: 6_000_000, FPS: 60},
	"P720p30fps16x9": {Name: "P720p30fps16x9", Width: 1280, Height: 720, Bitrate: 4_000_000, FPS: 30},
	"P720p25fps16x9": {Name: "P720p25fps16x9", Width: 1280, Height: 720, Bitrate: 3_500_000, FPS: 25},
	"P720p30fps4x3":  {Name: "P720p30fps4x3", Width: 960, Height: 720, Bitrate: 3_500_000, FPS: 30},
	"P576p30fps16x9": {Name: "P576p30fps16x9", Width: 1024, Height: 576, Bitrate: 1_500_000, FPS: 30},
	"P576p25fps16x9": {Name: "P576p25fps16x9", Width: 1024, Height: 576, Bitrate: 1_500_000, FPS: 25},
	"P360p30fps16x9": {Name: "P360p30fps16x9", Width: 640, Height: 360, Bitrate: 1_200_000, FPS: 30},
	"P360p25fps16x9": {Name: "P360p25fps16x9", Width: 640, Height: 360, Bitrate: 1_000_000, FPS: 25},
	"P360p30fps4x3":  {Name: "P360p30fps4x3", Width: 480, Height: 360, Bitrate: 1_000_000, FPS: 30},
	"P240p30fps16x9": {Name: "P240p30fps16x9", Width: 426, Height: 240, Bitrate: 600_000, FPS: 30},
	"P240p25fps16x9": {Name: "P240p25fps16x9", Width: 426, Height: 240, Bitrate: 600_000, FPS: 25},
	"P240p30fps4x3":  {Name: "P240p30fps4x3", Width: 320, Height: 240, Bitrate: 600_000, FPS: 30},
	"P144p30fps16x9": {Name: "P144p30fps16x9", Width: 256, Height: 144, Bitrate: 400_000, FPS: 30},
}

// namedList names the profiles of Named, for errors.
func namedList() string {
	names := make([]string, 0, len(Named))
	for n := range Named {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// check refuses what the local transcoder cannot make: sizes x264 cannot
// encode in 4:2:0, rates that make no sense, an H.264 profile or a GOP it
// does not know. Encoders are checked apart (errEncoder): a broadcaster
// answers those differently.
func (p Profile) check() error {
	switch {
	case p.Name == "" || p.Bitrate < minBitrate || p.Bitrate > maxBitrate:
		return fmt.Errorf("profile %q: name and a bitrate of %d to %d bit/s are required", p.Name, minBitrate, maxBitrate)
	case p.Width <= 0 || p.Height <= 0 || p.Width > 7680 || p.Height > 4320 || p.Width%2 != 0 || p.Height%2 != 0:
		return fmt.Errorf("profile %q: %dx%d is not an even size up to 7680x4320", p.Name, p.Width, p.Height)
	case p.FPS < 0 || p.FPSDen < 0 || p.FPS > 240:
		return fmt.Errorf("profile %q: frame rate %d/%d", p.Name, p.FPS, p.FPSDen)
	case p.Profile != "" && x264Profile(p.Profile) == "":
		return fmt.Errorf("profile %q: H.264 profile %q (want H264Baseline, H264Main, H264High or H264ConstrainedHigh)", p.Name, p.Profile)
	}
	if _, err := gopSeconds(p.GOP); err != nil {
		return fmt.Errorf("profile %q: %w", p.Name, err)
	}
	return nil
}

// Bitrates a profile may ask for: x264 refuses less, and more than a
// 4K source's is no rendition.
const (
	minBitrate = 16_000
	maxBitrate = 60_000_000
)

// maxPixelRate bounds the pixels a second a segment's profiles ask x264
// for in all (four 1080p60 renditions); a profile that keeps the
// source's rate counts at 60 fps.
const maxPixelRate = 4 * 1920 * 1080 * 60

// pixelRate is what profiles ask for, in pixels a second.
func pixelRate(profiles []Profile) int64 {
	var n int64
	for _, p := range profiles {
		fps := int64(60)
		if p.FPS > 0 {
			fps = int64(p.FPS) / int64(max(p.FPSDen, 1))
		}
		n += int64(p.Width) * int64(p.Height) * max(fps, 1)
	}
	return n
}

// encoderOK says whether the local transcoder makes p's encoder: H.264
// only (lpms's name; empty is H.264).
func (p Profile) encoderOK() bool {
	return p.Encoder == "" || strings.EqualFold(p.Encoder, "H.264") || strings.EqualFold(p.Encoder, "H264")
}

// gopSeconds reads a profile's gop: "" (one GOP per segment, its IDR
// first), "intra" (every frame a keyframe: 0), or seconds between
// keyframes.
func gopSeconds(gop string) (float64, error) {
	switch gop {
	case "":
		return -1, nil
	case "intra":
		return 0, nil
	}
	s, err := strconv.ParseFloat(gop, 64)
	if err != nil || !(s > 0) || s > 3600 || math.IsInf(s, 0) {
		return 0, fmt.Errorf("gop %q: want seconds (like \"2\") or \"intra\"", gop)
	}
	return s, nil
}

// x264Profile is the x264 profile of a Livepeer H.264 profile name, read
// case-insensitively as go-livepeer does, or "" for one it does not know.
func x264Profile(p string) string {
	switch strings.ToLower(p) {
	case "h264baseline":
		return "baseline"
	case "h264main", "":
		return "main"
	case "h264high", "h264constrainedhigh":
		return "high"
	}
	return ""
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
			return nil, fmt.Errorf("unknown profile %q (known: %s)", n, namedList())
		}
		if seen[n] {
			return nil, fmt.Errorf("profile %q listed twice", n)
		}
		seen[n] = true
		out = append(out, p)
	}
	return out, nil
}

// Fit adapts a ladder to a source: it never upscales (a profile whose
// short side is as long as the source's or longer is left out), keeps the
// source's aspect ratio and orientation (the profile's short side becomes
// the source's short side, the long side follows, rounded to even: an
// upright phone's 360p is 360x640, as lpms fits a named profile), and never
// raises the frame rate.
func Fit(ladder []Profile, width, height int, fps float64) []Profile {
	var out []Profile
	short, long := min(width, height), max(width, height)
	for _, p := range ladder {
		side := min(p.Width, p.Height)
		if side >= short || short <= 0 {
			continue
		}
		q := p
		other := int(math.Round(float64(side)*float64(long)/float64(short)/2)) * 2
		if width >= height {
			q.Width, q.Height = other, side
		} else {
			q.Width, q.Height = side, other
		}
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
