package testmedia

import (
	"bytes"
	"testing"

	"github.com/grafov/m3u8"
)

// MediaPlaylist parses b strictly as an HLS media playlist.
func MediaPlaylist(t testing.TB, b []byte) *m3u8.MediaPlaylist {
	t.Helper()
	p, kind, err := m3u8.DecodeFrom(bytes.NewReader(b), true)
	if err != nil || kind != m3u8.MEDIA {
		t.Fatalf("not a media playlist: %v\n%s", err, b)
	}
	return p.(*m3u8.MediaPlaylist)
}

// Listed returns the segments a parsed playlist lists (grafov/m3u8 keeps
// a ring buffer with empty slots).
func Listed(p *m3u8.MediaPlaylist) []*m3u8.MediaSegment {
	var out []*m3u8.MediaSegment
	for _, s := range p.Segments {
		if s != nil {
			out = append(out, s)
		}
	}
	return out
}
