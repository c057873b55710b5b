package main

import (
	"testing"
	"time"
)

// listedEnd adds the whole segments and the parts after the last program
// date time to it.
func TestListedEnd(t *testing.T) {
	got := listedEnd([]byte(`#EXTM3U
#EXT-X-MEDIA-SEQUENCE:20
#EXT-X-PROGRAM-DATE-TIME:2026-12-02T09:00:37.629Z
#EXT-X-PART:DURATION=0.20000,URI="p0.mp4",INDEPENDENT=YES
#EXTINF:2.00000,
seg20.mp4
#EXTINF:2.00000,
seg21.mp4
#EXT-X-PART:DURATION=0.20000,URI="p10.mp4",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.20000,URI="p11.mp4"
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="p12.mp4"
`))
	want := time.Date(2026, 12, 2, 9, 0, 42, 29_000_000, time.UTC)
	if !got.Equal(want) {
		t.Errorf("listedEnd = %v, want %v", got, want)
	}
	if e := listedEnd([]byte("#EXTM3U\n#EXTINF:2,\n0.ts\n")); !e.IsZero() {
		t.Errorf("without a program date time: %v, want the zero time", e)
	}
}
