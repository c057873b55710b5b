package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/livegate/livegate/internal/testenv"
)

// TestEndToEndRTSPPublisher pushes with ffmpeg's own RTSP client (Digest
// authentication, UDP refused so it falls back to TCP, as it does against
// MediaMTX), then checks the stream as a player sees it.
func TestEndToEndRTSPPublisher(t *testing.T) {
	ffmpeg := testenv.Tool(t, "ffmpeg")
	e := startE2E(t, t.TempDir())
	publish := func(key string) ([]byte, error) {
		return exec.Command(ffmpeg, testPattern("-f", "rtsp", "rtsp://obs:"+key+"@"+e.rtsp+"/demo")...).CombinedOutput()
	}
	// A wrong key first: ffmpeg is refused, and nothing goes live.
	if out, err := publish("not-the-key"); err == nil {
		t.Fatalf("a wrong key was accepted: %s", out)
	} else if !strings.Contains(string(out), "401") {
		t.Errorf("ffmpeg was not told 401: %s", out)
	}
	if out, err := publish("demo-stream-key"); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	e.ended("demo")
	e.checkTestPattern()
	if !strings.Contains(e.logs.String(), "protocol=rtsp") {
		t.Error("the publication is not logged as RTSP")
	}
}
