package whip

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pion/webrtc/v4"
)

// offerOf is an offer of media sections of formats payload types and
// attrs attributes each.
func offerOf(media, formats, attrs int) string {
	var b strings.Builder
	b.WriteString("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n")
	for m := range media {
		b.WriteString("m=video 9 UDP/TLS/RTP/SAVPF")
		for i := range formats {
			fmt.Fprintf(&b, " %d", 96+i%32)
		}
		fmt.Fprintf(&b, "\r\nc=IN IP4 0.0.0.0\r\na=mid:%d\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n", m)
		b.WriteString("a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n")
		b.WriteString("a=setup:actpass\r\na=sendonly\r\na=rtpmap:102 H264/90000\r\n")
		for i := range max(attrs-7, 0) {
			fmt.Fprintf(&b, "a=rtcp-fb:%d nack pli\r\n", 96+i%32)
		}
	}
	return b.String()
}

// BenchmarkOffer is what an offer costs from the pre-scan through pion's
// SetRemoteDescription: at the caps (the most an authenticated publisher
// can make livegate parse), and the format-heavy offer of the report
// (which the pre-scan now refuses before pion sees it).
func BenchmarkOffer(b *testing.B) {
	lim := OfferLimits{}.withDefaults()
	api, err := newAPI(true)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		offer string
	}{
		{"browser-like", offerOf(2, 30, 150)},
		{"at-caps", offerOf(lim.Formats/lim.FormatsPerMedia, lim.FormatsPerMedia, min(lim.AttributesPerMedia, lim.Attributes*lim.FormatsPerMedia/lim.Formats))},
		{"report-35KB-unscanned", offerOf(1, 1000, 1200)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.offer)))
			scanned := !strings.HasSuffix(c.name, "unscanned")
			for b.Loop() {
				if scanned {
					if _, err := scanOffer([]byte(c.offer), lim); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := checkOffer([]byte(c.offer)); err != nil {
					b.Fatal(err)
				}
				pc, err := api.NewPeerConnection(webrtc.Configuration{})
				if err != nil {
					b.Fatal(err)
				}
				_ = pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: c.offer})
				_ = pc.Close()
			}
		})
	}
}
