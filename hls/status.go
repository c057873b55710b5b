package hls

import "time"

// Status is what a stream is doing, for the organizer's dashboard and
// the metrics.
type Status struct {
	Live     bool
	Protocol string // of the publisher now, or the last one ("rtmp", "rtsp", "whip")
	Remote   string
	// Segments and Bytes count the source segments cut since the server
	// started.
	Segments uint64
	Bytes    uint64
	// Renditions are the live ones, source first, with the average bit
	// rate of the segments in the live window.
	Renditions []RenditionStatus
	// LowLatency: the stream has low-latency playlists too, with parts of
	// Part (its source; transcoded renditions are segment-granular).
	LowLatency bool
	Part       time.Duration
}

// RenditionStatus is one live rendition.
type RenditionStatus struct {
	Name      string `json:"name"`
	Width     int    `json:"width"`
	Height    int    `json:"height"`
	Bandwidth int    `json:"bandwidth"` // bits per second, averaged over the live window
}

// Status reports the stream's state.
func (s *Stream) Status() Status {
	s.mu.Lock()
	st := Status{Live: s.pub != nil, Protocol: s.protocol, Remote: s.remote, Segments: s.segments, Bytes: s.bytes}
	if s.ll != nil {
		st.LowLatency, st.Part = true, s.opts.Part
	}
	s.mu.Unlock()
	for _, v := range s.view.Load().variants {
		st.Renditions = append(st.Renditions, RenditionStatus{Name: v.Name, Width: v.Width, Height: v.Height, Bandwidth: v.Average})
	}
	return st
}

// TranscodeObserver hears how long each source segment took to come back
// from the transcoder (queue wait included) and whether it did.
type TranscodeObserver func(stream string, took time.Duration, ok bool)
