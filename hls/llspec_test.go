package hls

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A checker of low-latency media playlists against RFC 8216bis, written
// from the spec and not from llhls.go, so that it can disagree with it.
// parseLL reads a playlist into what a player would take from it and
// lists every rule it breaks; checkLL fails a test on any of them, and
// checkReports follows the rendition reports to the playlists they name.

// llListed is a media segment as a low-latency playlist lists it; the
// open segment (parts, no EXTINF yet) has open set.
type llListed struct {
	seq      uint64
	uri      string
	dur      time.Duration // EXTINF
	pdt      time.Time
	parts    []llListedPart
	key      llKeyTag // the EXT-X-KEY in force
	mapURI   string   // the EXT-X-MAP in force
	gap      bool
	open     bool
	partsSum time.Duration
}

type llListedPart struct {
	uri         string
	dur         time.Duration
	independent bool
}

type llKeyTag struct{ method, uri, iv string }

type llReport struct {
	uri      string
	lastMSN  uint64
	lastPart int // -1: absent
}

// llPlaylist is a parsed low-latency media playlist.
type llPlaylist struct {
	raw          string
	target       time.Duration // EXT-X-TARGETDURATION
	partTarget   time.Duration // 0: no EXT-X-PART-INF
	partHoldBack time.Duration
	canBlock     bool
	mediaSeq     uint64
	segs         []*llListed // the last may be open
	hint         string      // EXT-X-PRELOAD-HINT TYPE=PART URI, or ""
	reports      []llReport
	ended        bool
}

// whole is the playlist's complete segments.
func (p *llPlaylist) whole() []*llListed {
	if n := len(p.segs); n > 0 && p.segs[n-1].open {
		return p.segs[:n-1]
	}
	return p.segs
}

// last is the newest segment listed and its newest part listed (-1: the
// segment's parts are not listed), as a rendition report should name it.
func (p *llPlaylist) last() (msn uint64, part int, ok bool) {
	if len(p.segs) == 0 {
		return 0, -1, false
	}
	g := p.segs[len(p.segs)-1]
	return g.seq, len(g.parts) - 1, true
}

// lists says whether the playlist lists segment msn (whole, or part
// `part` of it when part ≥ 0) or anything after it.
func (p *llPlaylist) lists(msn uint64, part int) bool {
	last, lastPart, ok := p.last()
	switch {
	case !ok || last < msn:
		return false
	case last > msn || part < 0:
		return last > msn || !p.segs[len(p.segs)-1].open
	default:
		return lastPart >= part
	}
}

// segment is the listed segment seq, or nil.
func (p *llPlaylist) segment(seq uint64) *llListed {
	for _, g := range p.segs {
		if g.seq == seq {
			return g
		}
	}
	return nil
}

var attrRe = regexp.MustCompile(`([A-Z0-9-]+)=("[^"]*"|[^,]*)`)

// attrs reads an attribute list; quoted values lose their quotes.
func attrs(list string) map[string]string {
	out := map[string]string{}
	for _, m := range attrRe.FindAllStringSubmatch(list, -1) {
		out[m[1]] = strings.Trim(m[2], `"`)
	}
	return out
}

// decimalDuration reads a decimal number of seconds exactly (to the
// nanosecond), so that comparisons are those of the printed figures.
func decimalDuration(s string) (time.Duration, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 9 || strings.HasPrefix(whole, "-") {
		return 0, fmt.Errorf("decimal %q", s)
	}
	w, err := strconv.ParseUint(whole, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("decimal %q: %w", s, err)
	}
	var f uint64
	if frac != "" {
		if f, err = strconv.ParseUint(frac+strings.Repeat("0", 9-len(frac)), 10, 64); err != nil {
			return 0, fmt.Errorf("decimal %q: %w", s, err)
		}
	}
	return time.Duration(w)*time.Second + time.Duration(f), nil
}

// printedStep is the rounding of a printed decimal: half its last digit.
func printedStep(s string) time.Duration {
	_, frac, _ := strings.Cut(s, ".")
	step := time.Second / 2
	for range frac {
		step /= 10
	}
	return step
}

// parseLL reads a low-latency media playlist and lists the rules of RFC
// 8216bis it breaks.
func parseLL(body []byte) (*llPlaylist, []string) {
	p := &llPlaylist{raw: string(body)}
	var bad []string
	fail := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	var (
		key       llKeyTag
		mapURI    string
		pdt       time.Time
		havePDT   bool
		parts     []llListedPart
		slack     time.Duration // the rounding of the parts' printed durations
		extinf    = time.Duration(-1)
		extinfRaw string
		gap       bool
		seen      = map[string]bool{}
		headerEnd bool
	)
	sc := bufio.NewScanner(bytes.NewReader(body))
	first := true
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if first {
			if line != "#EXTM3U" {
				fail("first line %q is not #EXTM3U", line)
			}
			first = false
			continue
		}
		if line == "" {
			continue
		}
		tag, value, _ := strings.Cut(line, ":")
		switch tag {
		case "#EXT-X-VERSION", "#EXT-X-TARGETDURATION", "#EXT-X-SERVER-CONTROL", "#EXT-X-PART-INF",
			"#EXT-X-MEDIA-SEQUENCE", "#EXT-X-DISCONTINUITY-SEQUENCE":
			if seen[tag] {
				fail("%s twice", tag)
			}
			if headerEnd {
				fail("%s after the first segment's tags", tag)
			}
			seen[tag] = true
		}
		switch {
		case tag == "#EXT-X-VERSION":
			if v, err := strconv.Atoi(value); err != nil || v < 6 {
				fail("EXT-X-VERSION %q: parts want at least 6 (9 with EXT-X-PART)", value)
			}
		case tag == "#EXT-X-TARGETDURATION":
			n, err := strconv.ParseUint(value, 10, 32)
			if err != nil {
				fail("EXT-X-TARGETDURATION %q", value)
			}
			p.target = time.Duration(n) * time.Second
		case tag == "#EXT-X-SERVER-CONTROL":
			a := attrs(value)
			p.canBlock = a["CAN-BLOCK-RELOAD"] == "YES"
			if v, ok := a["PART-HOLD-BACK"]; ok {
				d, err := decimalDuration(v)
				if err != nil {
					fail("PART-HOLD-BACK: %v", err)
				}
				p.partHoldBack = d
			}
		case tag == "#EXT-X-PART-INF":
			d, err := decimalDuration(attrs(value)["PART-TARGET"])
			if err != nil || d <= 0 {
				fail("EXT-X-PART-INF %q: %v", value, err)
			}
			p.partTarget = d
		case tag == "#EXT-X-MEDIA-SEQUENCE":
			n, err := strconv.ParseUint(value, 10, 64)
			if err != nil {
				fail("EXT-X-MEDIA-SEQUENCE %q", value)
			}
			p.mediaSeq = n
		case tag == "#EXT-X-DISCONTINUITY-SEQUENCE", tag == "#EXT-X-DISCONTINUITY", tag == "#EXT-X-INDEPENDENT-SEGMENTS":
		case tag == "#EXT-X-KEY":
			headerEnd = true
			a := attrs(value)
			key = llKeyTag{method: a["METHOD"], uri: a["URI"], iv: a["IV"]}
			if key.method == "" || key.method != "NONE" && key.uri == "" {
				fail("EXT-X-KEY %q", value)
			}
		case tag == "#EXT-X-MAP":
			headerEnd = true
			if key.method != "" && key.method != "NONE" {
				fail("EXT-X-MAP %q inside the scope of EXT-X-KEY METHOD=%s: init sections are clear, METHOD=NONE must come first", value, key.method)
			}
			mapURI = attrs(value)["URI"]
			if mapURI == "" {
				fail("EXT-X-MAP without URI: %q", value)
			}
		case tag == "#EXT-X-PROGRAM-DATE-TIME":
			headerEnd = true
			t, err := time.Parse(time.RFC3339Nano, value)
			if err != nil {
				fail("EXT-X-PROGRAM-DATE-TIME %q: %v", value, err)
			}
			pdt, havePDT = t, true
		case tag == "#EXT-X-GAP":
			gap = true
		case tag == "#EXT-X-PART":
			headerEnd = true
			a := attrs(value)
			d, err := decimalDuration(a["DURATION"])
			if err != nil {
				fail("EXT-X-PART %q: %v", value, err)
			}
			if a["URI"] == "" {
				fail("EXT-X-PART without URI: %q", value)
			}
			slack += printedStep(a["DURATION"])
			parts = append(parts, llListedPart{uri: a["URI"], dur: d, independent: a["INDEPENDENT"] == "YES"})
		case tag == "#EXTINF":
			headerEnd = true
			extinfRaw, _, _ = strings.Cut(value, ",")
			d, err := decimalDuration(extinfRaw)
			if err != nil {
				fail("EXTINF %q: %v", value, err)
			}
			extinf = d
		case tag == "#EXT-X-PRELOAD-HINT":
			a := attrs(value)
			if a["TYPE"] == "PART" {
				if p.hint != "" {
					fail("two preload hints of TYPE=PART")
				}
				p.hint = a["URI"]
			}
		case tag == "#EXT-X-RENDITION-REPORT":
			a := attrs(value)
			r := llReport{uri: a["URI"], lastPart: -1}
			n, err := strconv.ParseUint(a["LAST-MSN"], 10, 64)
			if err != nil || r.uri == "" {
				fail("EXT-X-RENDITION-REPORT %q", value)
			}
			r.lastMSN = n
			if v, ok := a["LAST-PART"]; ok {
				k, err := strconv.Atoi(v)
				if err != nil || k < 0 {
					fail("EXT-X-RENDITION-REPORT LAST-PART %q", v)
				}
				r.lastPart = k
			}
			p.reports = append(p.reports, r)
		case tag == "#EXT-X-ENDLIST":
			p.ended = true
		case strings.HasPrefix(line, "#EXT"):
			fail("unexpected tag %q", line)
		case strings.HasPrefix(line, "#"): // a comment
		default: // a segment's URI
			if extinf < 0 {
				fail("segment %q without EXTINF", line)
			}
			g := &llListed{seq: p.mediaSeq + uint64(len(p.segs)), uri: line, dur: extinf, pdt: pdt, parts: parts,
				key: key, mapURI: mapURI, gap: gap}
			for _, pt := range parts {
				g.partsSum += pt.dur
			}
			if len(parts) > 0 {
				// Each printed figure is rounded: the parts' sum may be
				// off by their roundings and the EXTINF's.
				if diff := (g.partsSum - g.dur).Abs(); diff > slack+printedStep(extinfRaw) {
					fail("segment %s: its parts add up to %v, its EXTINF says %v", line, g.partsSum, g.dur)
				}
			}
			if !havePDT {
				fail("segment %s has no EXT-X-PROGRAM-DATE-TIME", line)
			}
			p.segs = append(p.segs, g)
			parts, slack, extinf, gap, havePDT = nil, 0, -1, false, false
		}
	}
	if len(parts) > 0 {
		g := &llListed{seq: p.mediaSeq + uint64(len(p.segs)), parts: parts, pdt: pdt, key: key, mapURI: mapURI, open: true}
		for _, pt := range parts {
			g.partsSum += pt.dur
		}
		if !havePDT {
			fail("the open segment has no EXT-X-PROGRAM-DATE-TIME")
		}
		p.segs = append(p.segs, g)
	} else if extinf >= 0 {
		fail("EXTINF without a segment URI at the end")
	}
	return p, append(bad, p.rules()...)
}

// rules checks what needs the whole playlist.
func (p *llPlaylist) rules() []string {
	var bad []string
	fail := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	if p.target <= 0 {
		fail("no EXT-X-TARGETDURATION")
	}
	if !p.canBlock {
		fail("no EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES")
	}
	hasParts := false
	for _, g := range p.segs {
		hasParts = hasParts || len(g.parts) > 0
	}
	if hasParts && p.partTarget == 0 {
		fail("EXT-X-PART without EXT-X-PART-INF")
	}
	if p.partTarget > 0 && p.partHoldBack < 3*p.partTarget {
		fail("PART-HOLD-BACK %v is less than three PART-TARGETs (%v)", p.partHoldBack, 3*p.partTarget)
	}
	var withParts time.Duration // the whole segments whose parts are listed, less the oldest
	partsFrom := -1
	for i, g := range p.segs {
		// the media sequence numbers are consecutive, and the names say so
		if !g.open && g.uri != fmt.Sprintf("%d.m4s", g.seq) {
			fail("segment %d of the playlist is %q, want %d.m4s (EXT-X-MEDIA-SEQUENCE %d)", i, g.uri, g.seq, p.mediaSeq)
		}
		if g.mapURI == "" {
			fail("segment %d has no EXT-X-MAP before it", g.seq)
		}
		if !g.open && (g.dur+time.Second/2)/time.Second*time.Second > p.target {
			fail("segment %d: EXTINF %v rounds above EXT-X-TARGETDURATION %v", g.seq, g.dur, p.target)
		}
		if len(g.parts) == 0 {
			if partsFrom >= 0 {
				fail("segment %d lists no parts, after segment %d that did: parts are listed for the last segments only", g.seq, p.segs[partsFrom].seq)
			}
			continue
		}
		if partsFrom < 0 {
			partsFrom = i
		}
		if !g.open && i > partsFrom {
			withParts += g.dur
		}
		if !g.parts[0].independent {
			fail("segment %d: its first part is not INDEPENDENT=YES", g.seq)
		}
		for j, pt := range g.parts {
			if pt.uri != fmt.Sprintf("%d.%d.m4s", g.seq, j) {
				fail("segment %d part %d is %q", g.seq, j, pt.uri)
			}
			if pt.dur > p.partTarget {
				fail("segment %d part %d: DURATION %v is above PART-TARGET %v", g.seq, j, pt.dur, p.partTarget)
			}
			if pt.dur <= 0 {
				fail("segment %d part %d: DURATION %v", g.seq, j, pt.dur)
			}
		}
	}
	// Parts are for the live edge (§4.4.4.9: removed once more than three
	// target durations from the end): the oldest whole segment whose parts
	// are listed ends within three target durations of the last whole
	// segment's end.
	if withParts > 3*p.target {
		fail("parts are listed for a segment ending %v before the last whole one, more than three target durations (%v)", withParts, 3*p.target)
	}
	// The preload hint names the part right after the last listed one.
	if p.hint != "" {
		msn, part, ok := p.last()
		want := ""
		switch {
		case !ok || part < 0:
			fail("a preload hint %q with no part listed", p.hint)
		case p.segs[len(p.segs)-1].open:
			want = fmt.Sprintf("%d.%d.m4s", msn, part+1)
		default:
			want = fmt.Sprintf("%d.0.m4s", msn+1)
		}
		if want != "" && p.hint != want {
			fail("preload hint %q, want the part after the last listed: %q", p.hint, want)
		}
		if p.ended {
			fail("a preload hint in an ended playlist")
		}
	}
	if p.ended && len(p.segs) > 0 && p.segs[len(p.segs)-1].open {
		fail("an ended playlist ends with an open segment")
	}
	return bad
}

// checkLL parses a low-latency media playlist and fails the test for
// every rule it breaks.
func checkLL(t testing.TB, body []byte) *llPlaylist {
	t.Helper()
	p, bad := parseLL(body)
	for _, b := range bad {
		t.Errorf("playlist breaks RFC 8216bis: %s", b)
	}
	if len(bad) > 0 {
		t.Logf("the playlist:\n%s", body)
	}
	return p
}

// checkReports fetches, right after p, the playlist each of its
// rendition reports names, checks it, and checks the report against it:
// what a report names exists there, allowing for that rendition having
// moved on since (at most what it lists now, and not before its media
// sequence). A report for a rendition without parts has no LAST-PART.
func checkReports(t testing.TB, p *llPlaylist, fetch func(uri string) []byte) {
	t.Helper()
	for _, r := range p.reports {
		other := checkLL(t, fetch(r.uri))
		msn, part, ok := other.last()
		if !ok {
			t.Errorf("report %+v names a rendition whose playlist lists nothing", r)
			continue
		}
		if r.lastMSN < other.mediaSeq || r.lastMSN > msn {
			t.Errorf("report %+v: LAST-MSN outside %d..%d, what %s lists", r, other.mediaSeq, msn, r.uri)
			continue
		}
		if other.partTarget == 0 && r.lastPart >= 0 {
			t.Errorf("report %+v: LAST-PART for a rendition without parts", r)
		}
		if r.lastMSN == msn && r.lastPart > part {
			t.Errorf("report %+v: LAST-PART past %s's last (%d.%d)", r, r.uri, msn, part)
		}
		if g := other.segment(r.lastMSN); g != nil && len(g.parts) > 0 && r.lastPart >= len(g.parts) {
			t.Errorf("report %+v: segment %d has %d parts in %s", r, r.lastMSN, len(g.parts), r.uri)
		}
		if other.partTarget > 0 && r.lastPart < 0 {
			t.Errorf("report %+v: no LAST-PART for a rendition with parts", r)
		}
	}
}

// The checker catches what it is for: each broken playlist here breaks
// one rule, and a good one passes.
func TestLLSpecCheckerCatchesBrokenPlaylists(t *testing.T) {
	const good = `#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:2
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.600
#EXT-X-PART-INF:PART-TARGET=0.200
#EXT-X-MEDIA-SEQUENCE:7
#EXT-X-DISCONTINUITY-SEQUENCE:0
#EXT-X-MAP:URI="init-0.mp4"
#EXT-X-PROGRAM-DATE-TIME:2026-12-02T08:00:00.000Z
#EXT-X-KEY:METHOD=AES-128,URI="/key/demo/r/7",IV=0x00000000000000000000000000000001
#EXTINF:2.00000,
7.m4s
#EXT-X-PROGRAM-DATE-TIME:2026-12-02T08:00:02.000Z
#EXT-X-KEY:METHOD=AES-128,URI="/key/demo/r/8",IV=0x00000000000000000000000000000001
#EXT-X-PART:DURATION=0.20000,URI="8.0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.13333,URI="8.1.m4s"
#EXTINF:0.33333,
8.m4s
#EXT-X-PROGRAM-DATE-TIME:2026-12-02T08:00:02.333Z
#EXT-X-KEY:METHOD=AES-128,URI="/key/demo/r/9",IV=0x00000000000000000000000000000001
#EXT-X-PART:DURATION=0.20000,URI="9.0.m4s",INDEPENDENT=YES
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="9.1.m4s"
#EXT-X-RENDITION-REPORT:URI="../low/ll.m3u8",LAST-MSN=8
`
	if p, bad := parseLL([]byte(good)); len(bad) > 0 || len(p.segs) != 3 || !p.segs[2].open || p.hint != "9.1.m4s" {
		t.Fatalf("a good playlist: %q, %+v", bad, p)
	}
	for _, c := range []struct{ name, from, to string }{
		{"part over target", "DURATION=0.13333", "DURATION=0.20001"},
		{"hold back", "PART-HOLD-BACK=0.600", "PART-HOLD-BACK=0.599"},
		{"parts do not add up", "#EXTINF:0.33333,", "#EXTINF:0.33500,"},
		{"not independent", `URI="9.0.m4s",INDEPENDENT=YES`, `URI="9.0.m4s"`},
		{"no date", "#EXT-X-PROGRAM-DATE-TIME:2026-12-02T08:00:02.000Z\n", ""},
		{"hint", `URI="9.1.m4s"`, `URI="9.2.m4s"`},
		{"target", "#EXTINF:2.00000,", "#EXTINF:2.50000,"},
		{"sequence", "#EXT-X-MEDIA-SEQUENCE:7", "#EXT-X-MEDIA-SEQUENCE:6"},
		{"map in a key's scope", "#EXTINF:0.33333,\n8.m4s\n", "#EXTINF:0.33333,\n8.m4s\n#EXT-X-MAP:URI=\"init-9.mp4\"\n"},
		{"part name", `URI="8.1.m4s"`, `URI="8.2.m4s"`},
		{"no parts after parts", "#EXT-X-PART:DURATION=0.20000,URI=\"9.0.m4s\",INDEPENDENT=YES\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"9.1.m4s\"\n", "#EXTINF:0.2,\n9.m4s\n"},
	} {
		broken := strings.Replace(good, c.from, c.to, 1)
		if broken == good {
			t.Fatalf("%s: nothing replaced", c.name)
		}
		if _, bad := parseLL([]byte(broken)); len(bad) == 0 {
			t.Errorf("%s: the checker passes\n%s", c.name, broken)
		}
	}
	// Parts listed for five whole 1 s segments: the oldest ends four
	// target durations before the last.
	var far strings.Builder
	far.WriteString("#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:1\n#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.5\n" +
		"#EXT-X-PART-INF:PART-TARGET=0.5\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-MAP:URI=\"init-0.mp4\"\n")
	for n := range 5 {
		fmt.Fprintf(&far, "#EXT-X-PROGRAM-DATE-TIME:2026-12-02T08:00:0%d.000Z\n#EXT-X-PART:DURATION=0.5,URI=\"%d.0.m4s\",INDEPENDENT=YES\n"+
			"#EXT-X-PART:DURATION=0.5,URI=\"%d.1.m4s\"\n#EXTINF:1.0,\n%d.m4s\n", n, n, n, n)
	}
	if _, bad := parseLL([]byte(far.String())); len(bad) != 1 || !strings.Contains(bad[0], "three target durations") {
		t.Errorf("parts of five whole segments of the target: %q\n%s", bad, far.String())
	}
	// A report is checked against the rendition it names.
	p, _ := parseLL([]byte(good))
	low := "#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:2\n#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES\n#EXT-X-MEDIA-SEQUENCE:%d\n" +
		"#EXT-X-MAP:URI=\"init-0.mp4\"\n#EXT-X-PROGRAM-DATE-TIME:2026-12-02T08:00:00.000Z\n#EXTINF:2.00000,\n%d.m4s\n"
	checkReports(t, p, func(string) []byte { return fmt.Appendf(nil, low, 8, 8) })
	ft := &fakeT{TB: t}
	checkReports(ft, p, func(string) []byte { return fmt.Appendf(nil, low, 7, 7) }) // the report names 8, which low does not list
	if !ft.failed {
		t.Error("a report naming a segment the rendition does not list passes")
	}
}

// fakeT records a failure instead of failing the test.
type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Errorf(string, ...any) { f.failed = true }
func (f *fakeT) Helper()               {}
