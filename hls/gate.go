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
	// Provisional: a key sold while its segment is still being cut, at
	// the target duration (less a cut's rounding). Options.OnSegment tells
	// the segment's final duration when it ends.
	Provisional bool
}

// Gate sells what a viewer pays for. When it refuses it writes the whole
// answer itself (a 402, say) and returns false; when it admits it may add
// headers and returns true.
//
// Admit is asked before a priced stream's key is released (ref names its
// segment; Rendition is empty), and before a clear segment goes out (a
// free stream's, which it counts, or a priced stream's recorded before
// segments were encrypted, which it sells as it sells keys).
//
// Check is asked before each segment of a stream that wants a session for
// its bytes (TokenSegments): a valid session for the stream, never
// charged, since the key is what is paid.
//
// PlaylistArgs gives the query string the URIs of a playlist carry for
// this request (a session token, so players that send no headers carry it
// to each key), or "".
type Gate interface {
	Admit(w http.ResponseWriter, r *http.Request, ref SegmentRef) bool
	Check(w http.ResponseWriter, r *http.Request, stream string) bool
	PlaylistArgs(r *http.Request, stream string) string
}

// OpenGate admits every request: the gate of a free server.
type OpenGate struct{}

// Admit lets the request through.
func (OpenGate) Admit(http.ResponseWriter, *http.Request, SegmentRef) bool { return true }

// Check lets the request through.
func (OpenGate) Check(http.ResponseWriter, *http.Request, string) bool { return true }

// PlaylistArgs adds nothing.
func (OpenGate) PlaylistArgs(*http.Request, string) string { return "" }
