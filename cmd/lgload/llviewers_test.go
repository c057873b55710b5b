package main

import (
	"testing"
	"time"
)

// parseLL numbers parts by their segment and their place in it, across a
// whole segment's line and into the open segment.
func TestParseLL(t *testing.T) {
	pl := parseLL([]byte(`#EXTM3U
#EXT-X-TARGETDURATION:2
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.6
#EXT-X-PART-INF:PART-TARGET=0.2
#EXT-X-MEDIA-SEQUENCE:7
#EXT-X-MAP:URI="init-0.mp4"
#EXTINF:2.000,
7.m4s
#EXT-X-PART:DURATION=0.200,URI="8.0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.200,URI="8.1.m4s"
#EXTINF:2.000,
8.m4s
#EXT-X-PART:DURATION=0.200,URI="9.0.m4s",INDEPENDENT=YES
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="9.1.m4s"
`))
	want := []llPart{{8, 0, "8.0.m4s"}, {8, 1, "8.1.m4s"}, {9, 0, "9.0.m4s"}}
	if len(pl.parts) != len(want) {
		t.Fatalf("parts %v, want %v", pl.parts, want)
	}
	for i := range want {
		if pl.parts[i] != want[i] {
			t.Errorf("part %d: %v, want %v", i, pl.parts[i], want[i])
		}
	}
}

// An answer's delay counts from the earliest answer for the same part; a
// request sent after that answer did not wait for the part.
func TestAnswerDelays(t *testing.T) {
	t0 := time.Unix(1000, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	answers := []llAnswer{
		{msn: 3, part: 1, sent: ms(0), at: ms(205)},
		{msn: 3, part: 1, sent: ms(10), at: ms(200)}, // the first answer
		{msn: 3, part: 1, sent: ms(201), at: ms(203)},
		{msn: 3, part: 2, sent: ms(210), at: ms(400)},
		{msn: 3, part: 2, sent: ms(-50), at: ms(390)}, // before the window: first, not counted
	}
	waited, all := answerDelays(answers, t0, ms(1000))
	wantWaited := []time.Duration{0, 5 * time.Millisecond, 10 * time.Millisecond}
	wantAll := []time.Duration{0, 3 * time.Millisecond, 5 * time.Millisecond, 10 * time.Millisecond}
	if len(waited) != len(wantWaited) || len(all) != len(wantAll) {
		t.Fatalf("waited %v, all %v; want %v, %v", waited, all, wantWaited, wantAll)
	}
	for i := range wantWaited {
		if waited[i] != wantWaited[i] {
			t.Errorf("waited %v, want %v", waited, wantWaited)
		}
	}
	for i := range wantAll {
		if all[i] != wantAll[i] {
			t.Errorf("all %v, want %v", all, wantAll)
		}
	}
}
