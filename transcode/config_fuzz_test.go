package transcode

import (
	"encoding/json"
	"testing"
)

// FuzzTranscodeConfig: a client's Livepeer-Transcode-Configuration, read
// as the local transcoder reads it. Never a panic; a ladder it accepts
// has at most what the header named, every profile named (a nameless one
// as go-livepeer names it), an even size within 7680x4320, a known H.264
// profile and a GOP that reads back.
func FuzzTranscodeConfig(f *testing.F) {
	f.Add(`{"presets":["P240p25fps16x9"],"profiles":[{"width":640,"height":360,"bitrate":800000,"gop":"intra","profile":"h264high"}]}`)
	f.Add(`{"manifestID":"m","profiles":[]}`)
	f.Add(`{"profiles":[{"name":"g","width":426,"height":240,"bitrate":400000,"gop":"1.5","fps":25,"fpsDen":1}]}`)
	f.Add(`{"presets":["P999p"]}`)
	f.Add(`{"profiles":[{"name":"h","width":640,"height":360,"bitrate":1,"encoder":"HEVC","gop":"-1"}]}`)
	f.Fuzz(func(t *testing.T, header string) {
		var cfg transcodeConfig
		if json.Unmarshal([]byte(header), &cfg) != nil {
			return
		}
		ladder, err := cfg.ladder()
		if err != nil {
			return
		}
		if len(ladder) != len(cfg.Presets)+len(cfg.Profiles) {
			t.Fatalf("%d profiles from %d presets and %d profiles", len(ladder), len(cfg.Presets), len(cfg.Profiles))
		}
		for _, p := range ladder {
			if p.check() != nil {
				continue // refused with a 500, as a broadcaster does
			}
			if p.Name == "" || p.Width%2 != 0 || p.Height%2 != 0 || p.Width > 7680 || p.Height > 4320 || p.Bitrate <= 0 {
				t.Fatalf("accepted %+v", p)
			}
			if x264Profile(p.Profile) == "" {
				t.Fatalf("accepted H.264 profile %q", p.Profile)
			}
			if g, err := gopSeconds(p.GOP); err != nil || (p.GOP == "intra") != (g == 0) {
				t.Fatalf("gop %q read as %v, %v", p.GOP, g, err)
			}
		}
	})
}
