package ingest_test

import (
	"testing"

	"github.com/livegate/livegate/ingest"
)

func TestWithParamSets(t *testing.T) {
	sps, pps := []byte{0x67, 1}, []byte{0x68, 2}
	idr := []byte{0x65, 3}
	aud := []byte{0x09, 0xf0}
	got := ingest.WithParamSets([][]byte{aud, idr}, sps, pps)
	if len(got) != 4 || got[0][0] != 0x09 || got[1][0] != 0x67 || got[2][0] != 0x68 || got[3][0] != 0x65 {
		t.Errorf("AUD first, then SPS, PPS, IDR: got %x", got)
	}
	already := [][]byte{sps, pps, idr}
	if got := ingest.WithParamSets(already, sps, pps); len(got) != 3 {
		t.Errorf("parameter sets added twice: %x", got)
	}
	// One of the two in the unit: the other goes beside it (the
	// fuzzer's find: an IDR with its SPS but no PPS went downstream so).
	ownSPS := []byte{0x67, 9}
	got = ingest.WithParamSets([][]byte{aud, ownSPS, idr}, sps, pps)
	if len(got) != 4 || got[1][1] != 9 || got[2][0] != 0x68 || got[3][0] != 0x65 {
		t.Errorf("SPS without PPS: got %x", got)
	}
	ownPPS := []byte{0x68, 9}
	got = ingest.WithParamSets([][]byte{aud, ownPPS, idr}, sps, pps)
	if len(got) != 4 || got[1][0] != 0x67 || got[2][1] != 9 || got[3][0] != 0x65 {
		t.Errorf("PPS without SPS: got %x", got)
	}
}
