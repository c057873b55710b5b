package whip

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/pion/sdp/v3"

	"github.com/livegate/livegate/ingest"
)

// OfferLimits caps an SDP offer before pion parses it. Matching an
// offer's codecs costs pion about (formats × attributes) over the whole
// offer, so the caps bound both counts in all as well as per media
// section. A browser's offer (two sections, some 40 formats and 300
// attributes, under 12 KB) is within the defaults, and an offer at the
// defaults costs pion a few times what a browser's does (BenchmarkOffer).
type OfferLimits struct {
	Bytes              int // the whole offer (default 32 KiB)
	Media              int // media sections, m= lines (default 4)
	FormatsPerMedia    int // payload formats on one m= line (default 48)
	Formats            int // payload formats in all (default 96)
	AttributesPerMedia int // a= lines in one media section (default 192)
	Attributes         int // a= lines in all, session level included (default 400)
}

func (l OfferLimits) withDefaults() OfferLimits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.Bytes, 32<<10)
	def(&l.Media, 4)
	def(&l.FormatsPerMedia, 48)
	def(&l.Formats, 96)
	def(&l.AttributesPerMedia, 192)
	def(&l.Attributes, 400)
	return l
}

// errOfferTooBig is an offer over one of the OfferLimits.
var errOfferTooBig = errors.New("SDP offer over livegate's limits")

// errOfferMalformed is an offer the pre-scan cannot read as SDP lines.
var errOfferMalformed = errors.New("malformed SDP offer")

// offerShape is what the pre-scan counts.
type offerShape struct {
	SessionAttributes int
	Media             []mediaShape
}

type mediaShape struct {
	Formats    int
	Attributes int
}

// scanOffer counts an offer's media sections, formats and attributes the
// way pion/sdp reads them, one pass over its lines and nothing kept but
// counts, and stops at the first cap exceeded. Lines end with LF, CRLF
// allowed; a CR anywhere else is refused (pion reads it as a line break
// on some lines and not on others, and no client sends it).
func scanOffer(offer []byte, lim OfferLimits) (offerShape, error) {
	lim = lim.withDefaults()
	var sh offerShape
	if len(offer) > lim.Bytes {
		return sh, fmt.Errorf("%w: %d bytes, at most %d", errOfferTooBig, len(offer), lim.Bytes)
	}
	total, formats := 0, 0
	for n := 1; len(offer) > 0; n++ {
		var line []byte
		if i := bytes.IndexByte(offer, '\n'); i >= 0 {
			line, offer = offer[:i], offer[i+1:]
		} else {
			line, offer = offer, nil
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if len(line) == 0 {
			continue
		}
		if bytes.IndexByte(line, '\r') >= 0 {
			return sh, fmt.Errorf("%w: line %d has a stray carriage return", errOfferMalformed, n)
		}
		if len(line) < 2 || line[1] != '=' {
			return sh, fmt.Errorf("%w: line %d is not type=value", errOfferMalformed, n)
		}
		// pion reads v=, o=, c= and t= as so many fields and the rest of
		// the line as a line of its own: "c=IN IP4 0 m=video 9 …" would
		// hide a media section from this count. No client sends extra
		// fields, nor r= or z= (repeat times and time zones), read the
		// same way.
		if want, fixed := fixedFields(line[0]); fixed && countFields(line[2:]) > want {
			return sh, fmt.Errorf("%w: line %d has more fields than %c= takes", errOfferMalformed, n, line[0])
		}
		switch line[0] {
		case 'r', 'z':
			return sh, fmt.Errorf("%w: line %d: %c= has no place in a WebRTC offer", errOfferMalformed, n, line[0])
		case 'm':
			if len(sh.Media) == lim.Media {
				return sh, fmt.Errorf("%w: more than %d media sections", errOfferTooBig, lim.Media)
			}
			f := countFields(line[2:]) - 3 // media, port, proto, then the formats
			if f > lim.FormatsPerMedia {
				return sh, fmt.Errorf("%w: %d formats in media section %d, at most %d", errOfferTooBig, f, len(sh.Media)+1, lim.FormatsPerMedia)
			}
			if formats += max(f, 0); formats > lim.Formats {
				return sh, fmt.Errorf("%w: more than %d formats in all", errOfferTooBig, lim.Formats)
			}
			sh.Media = append(sh.Media, mediaShape{Formats: max(f, 0)})
		case 'a':
			total++
			if total > lim.Attributes {
				return sh, fmt.Errorf("%w: more than %d attributes", errOfferTooBig, lim.Attributes)
			}
			if len(sh.Media) == 0 {
				sh.SessionAttributes++
				continue
			}
			m := &sh.Media[len(sh.Media)-1]
			m.Attributes++
			if m.Attributes > lim.AttributesPerMedia {
				return sh, fmt.Errorf("%w: more than %d attributes in media section %d", errOfferTooBig, lim.AttributesPerMedia, len(sh.Media))
			}
		}
	}
	return sh, nil
}

// fixedFields is how many fields pion reads of a line of type typ, for
// the lines it reads by fields.
func fixedFields(typ byte) (int, bool) {
	switch typ {
	case 'v':
		return 1, true
	case 'o':
		return 6, true
	case 'c':
		return 3, true
	case 't':
		return 2, true
	}
	return 0, false
}

// countFields counts runs of non-blanks (blank: space or tab, as pion's
// lexer has it).
func countFields(b []byte) int {
	n, in := 0, false
	for _, c := range b {
		blank := c == ' ' || c == '\t'
		if !blank && !in {
			n++
		}
		in = !blank
	}
	return n
}

// offerInfo is what an offer says that matters before WebRTC starts.
type offerInfo struct {
	sdp   string
	opus  bool
	codes []string // the video codecs offered, for a refusal
}

// checkOffer parses an offer (already through scanOffer) and refuses one
// without H.264 video. It reads each section's rtpmap lines once: asking
// pion for each format's codec would read every attribute of the offer
// per format.
func checkOffer(body []byte) (offerInfo, error) {
	var d sdp.SessionDescription
	if err := d.UnmarshalString(string(body)); err != nil {
		return offerInfo{}, fmt.Errorf("%w: %v", errOfferMalformed, err)
	}
	info := offerInfo{sdp: string(body)}
	h264 := false
	for _, m := range d.MediaDescriptions {
		codecs := map[string]string{} // payload type -> encoding name
		for _, a := range m.Attributes {
			if a.Key != "rtpmap" {
				continue
			}
			pt, enc, ok := strings.Cut(a.Value, " ")
			if name, _, _ := strings.Cut(enc, "/"); ok && name != "" {
				codecs[pt] = name
			}
		}
		for _, f := range m.MediaName.Formats {
			name, ok := codecs[f]
			switch {
			case !ok:
			case m.MediaName.Media == "video" && strings.EqualFold(name, "H264"):
				h264 = true
			case m.MediaName.Media == "video":
				info.codes = append(info.codes, name)
			case m.MediaName.Media == "audio" && strings.EqualFold(name, "opus"):
				info.opus = true
			}
		}
	}
	if !h264 {
		return info, fmt.Errorf("%w: no H.264 in the offer (video offered: %v); livegate takes H.264", ingest.ErrNoVideo, info.codes)
	}
	return info, nil
}
