package hls

import (
	"net/http"
	"time"
)

// SegmentRef names the segment a request asks for.
type SegmentRef struct {
	Stream    string
	Recording string // "" for live
	Rendition string
	Seq       uint64
	Duration  time.Duration
}

// Gate is asked before every segment, live or archived, is released. When
// it refuses it writes the whole answer itself (a 402, say) and returns
// false; when it admits it may add headers and returns true.
//
// PlaylistArgs gives the query string every URI of a playlist should
// carry for this request (a session token, so players that send no
// headers carry it to each segment), or "".
type Gate interface {
	Admit(w http.ResponseWriter, r *http.Request, seg SegmentRef) bool
	PlaylistArgs(r *http.Request, stream string) string
}

// OpenGate admits every request: the gate of a free server.
type OpenGate struct{}

// Admit lets the request through.
func (OpenGate) Admit(http.ResponseWriter, *http.Request, SegmentRef) bool { return true }

// PlaylistArgs adds nothing.
func (OpenGate) PlaylistArgs(*http.Request, string) string { return "" }
