// Package testenv finds the outside tools tests run (ffmpeg, ffprobe) and
// decides what happens when one is missing: a developer's machine skips the
// test, CI (CI=true, where .ci/run installs every tool) fails it.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// Tool returns the path of a command a test needs.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed, and CI must run every test: .ci/run should install it", name)
	}
	t.Skipf("%s is not installed; install it (apt-get install ffmpeg) to run this test", name)
	return ""
}
