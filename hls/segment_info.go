package hls

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// What a node tells the other nodes of a cluster about its segments, so
// that they can sell the keys of a stream published here (see the
// cluster package).

// segmentInfo answers GET /cluster/segment/{stream}/{recording}/{seq}
// for a segment of a priced stream's recording known here: its duration,
// and whether it is still being cut (then the duration is its target, and
// only this node sells its key). Durations are public: playlists list
// them.
func (o *Origin) segmentInfo(w http.ResponseWriter, r *http.Request) {
	s, ok := o.stream(w, r)
	if !ok {
		return
	}
	seq, okSeq := parseSeq(r.PathValue("seq"))
	id := r.PathValue("recording")
	if !s.Encrypted() || !ValidName(id) || !okSeq {
		http.Error(w, "no such segment", http.StatusNotFound)
		return
	}
	d, provisional, ok := o.segmentDuration(s, id, seq)
	if !ok {
		http.Error(w, "segment "+strconv.FormatUint(seq, 10)+" is not in recording "+id+" here", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(struct {
		DurationNs  int64 `json:"durationNs"`
		Provisional bool  `json:"provisional"`
	}{int64(d), provisional})
}

// remoteDuration asks Remote, when set, for a finished segment published
// on another node.
func (o *Origin) remoteDuration(ctx context.Context, s *Stream, recording string, seq uint64) (time.Duration, bool) {
	if o.Remote == nil {
		return 0, false
	}
	return o.Remote(ctx, s.Name, recording, seq)
}
