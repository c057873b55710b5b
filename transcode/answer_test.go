package transcode

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"net/textproto"
	"strings"
	"testing"
)

const fuzzBoundary = "lgb"

// fuzzCaps are small, so the fuzzer reaches every cap.
var fuzzCaps = answerLimits{Parts: 4, HeaderBytes: 256, PartBytes: 512, TotalBytes: 1024}

// countingReader counts what the parser pulled from the answer.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// referenceParts reads an answer with mime/multipart, the reference.
func referenceParts(answer []byte, boundary string) ([]answerPart, error) {
	mr := multipart.NewReader(bytes.NewReader(answer), boundary)
	var parts []answerPart
	for range 10_000 {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			return parts, nil
		}
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return nil, err
		}
		parts = append(parts, answerPart{Header: p.Header, Data: data})
	}
	return nil, errors.New("too many parts for the reference")
}

func sameParts(t *testing.T, got, want []answerPart) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d parts, the reference reads %d", len(got), len(want))
	}
	for i := range got {
		for _, k := range []string{"Rendition-Name", "Content-Type"} {
			if got[i].Header.Get(k) != want[i].Header.Get(k) {
				t.Fatalf("part %d %s %q, the reference reads %q", i, k, got[i].Header.Get(k), want[i].Header.Get(k))
			}
		}
		if len(got[i].Header) != len(want[i].Header) {
			t.Fatalf("part %d headers %v, the reference reads %v", i, got[i].Header, want[i].Header)
		}
		if !bytes.Equal(got[i].Data, want[i].Data) {
			t.Fatalf("part %d body %q, the reference reads %q", i, got[i].Data, want[i].Data)
		}
	}
}

// wellFormed writes parts the way go-livepeer and Local do: name and
// body alternate in spec, split at NUL bytes.
func wellFormed(spec []byte) ([]byte, []answerPart) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.SetBoundary(fuzzBoundary)
	fields := bytes.Split(spec, []byte{0})
	var parts []answerPart
	for i := 0; i+1 < len(fields) && len(parts) < 8; i += 2 {
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", "video/mp2t")
		h.Set("Rendition-Name", strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f || r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, string(fields[i])))
		w, _ := mw.CreatePart(h)
		_, _ = w.Write(fields[i+1])
		h.Set("Rendition-Name", strings.Trim(h.Get("Rendition-Name"), " \t")) // as any reader trims it
		parts = append(parts, answerPart{Header: h, Data: fields[i+1]})
	}
	_ = mw.Close()
	return buf.Bytes(), parts
}

// FuzzMultipartAnswer: whatever a transcoder answers, the client holds
// no more than its caps (parts, header bytes, bytes per part and in all)
// and reads no further than they need; what it accepts, mime/multipart
// reads the same way; and answers written as go-livepeer writes them
// (mime/multipart.Writer) are read whole and exactly.
func FuzzMultipartAnswer(f *testing.F) {
	f.Add([]byte("--lgb\r\nContent-Type: video/mp2t\r\nRendition-Name: P360p30fps16x9\r\n\r\nrendition-360\r\n--lgb--\r\n"), []byte("P360p30fps16x9\x00\x47\x40\x00\x10\x00P240p30fps16x9\x00\x47"))
	f.Add([]byte("--lgb  \r\nRendition-Name:  a \t\r\nRendition-Name: b\r\n\r\n\r\n--lgb\r\n\r\nx\r\n--lgb--"), []byte("\x00"))
	f.Add([]byte("--lgb\r\n\r\nbody with \r\n--lgbx inside\r\n--lgb--\r\n"), []byte("a\x00--lgb"))
	f.Add([]byte("preamble\r\n--lgb\r\nA: b\r\n\r\nx\r\n--lgb--\r\n"), []byte(" name \x00body\r\n"))
	f.Add([]byte("--lgb\nA: b\n\nx\n--lgb--\n"), []byte("\x00\x00\x00\x00"))
	f.Add([]byte("--lgb\r\nKey : v\r\n folded\r\n\r\nx\r\n--lgb--\r\n"), []byte("n\x00"+strings.Repeat("y", 600)))
	f.Add([]byte("--lgb--\r\n"), []byte{})
	f.Fuzz(func(t *testing.T, answer, spec []byte) {
		// Any answer, under small caps.
		cr := &countingReader{r: bytes.NewReader(answer)}
		parts, err := readAnswer(cr, fuzzBoundary, fuzzCaps)
		total := 0
		for _, p := range parts {
			total += len(p.Data)
			if len(p.Data) > fuzzCaps.PartBytes {
				t.Fatalf("a part of %d bytes held, over the cap of %d", len(p.Data), fuzzCaps.PartBytes)
			}
		}
		if len(parts) > fuzzCaps.Parts || total > fuzzCaps.TotalBytes {
			t.Fatalf("%d parts, %d bytes held: over the caps %+v", len(parts), total, fuzzCaps)
		}
		// Reading stops once a cap is passed: at most the caps' worth of
		// headers, bodies and boundaries, and one buffer more.
		bound := fuzzCaps.TotalBytes + (fuzzCaps.Parts+1)*(fuzzCaps.HeaderBytes+2*len(fuzzBoundary)+6+maxBoundaryLWSP) + answerChunk
		if cr.n > bound {
			t.Fatalf("read %d bytes of the answer, more than the caps allow (%d)", cr.n, bound)
		}
		if err == nil {
			want, rerr := referenceParts(answer, fuzzBoundary)
			if rerr != nil {
				t.Fatalf("accepted an answer mime/multipart refuses (%v): %q", rerr, answer)
			}
			sameParts(t, parts, want)
		}

		// An answer as go-livepeer writes it, under caps it fits.
		wf, want := wellFormed(spec)
		if len(want) == 0 || bytes.Contains(spec, []byte("--"+fuzzBoundary)) {
			return // no parts (the Writer then starts with CRLF), or a body holding the boundary
		}
		ref, rerr := referenceParts(wf, fuzzBoundary)
		if rerr != nil {
			t.Fatalf("mime/multipart refuses what its Writer wrote: %v", rerr)
		}
		sameParts(t, ref, want)
		got, err := readAnswer(bytes.NewReader(wf), fuzzBoundary, answerLimits{Parts: 8, HeaderBytes: len(wf) + 2, PartBytes: len(wf), TotalBytes: len(wf)})
		if err != nil {
			t.Fatalf("a well-formed answer refused: %v\n%q", err, wf)
		}
		sameParts(t, got, ref)
	})
}

// The client refuses an answer over its caps (too many parts, a header or
// a body too large) without holding it.
func TestReadAnswerCaps(t *testing.T) {
	part := func(name, body string) string {
		return "--lgb\r\nContent-Type: video/mp2t\r\nRendition-Name: " + name + "\r\n\r\n" + body + "\r\n"
	}
	for name, c := range map[string]struct {
		answer string
		ok     bool
	}{
		"fits":                {part("a", strings.Repeat("x", 512)) + part("b", strings.Repeat("y", 512)) + "--lgb--\r\n", true},
		"a part too large":    {part("a", strings.Repeat("x", 513)) + "--lgb--\r\n", false},
		"too much in all":     {part("a", strings.Repeat("x", 512)) + part("b", strings.Repeat("y", 512)) + part("c", "z") + "--lgb--\r\n", false},
		"too many parts":      {strings.Repeat(part("a", "x"), 5) + "--lgb--\r\n", false},
		"a header too large":  {part(strings.Repeat("n", 300), "x") + "--lgb--\r\n", false},
		"too many headers":    {"--lgb\r\n" + strings.Repeat("A: b\r\n", 40) + "\r\nx\r\n--lgb--\r\n", false},
		"endless header line": {"--lgb\r\nA: " + strings.Repeat("b", 1<<20), false},
		"endless body":        {part("a", strings.Repeat("x", 1<<20)), false},
		"no closing boundary": {part("a", "x"), false},
	} {
		cr := &countingReader{r: strings.NewReader(c.answer)}
		parts, err := readAnswer(cr, fuzzBoundary, fuzzCaps)
		if (err == nil) != c.ok {
			t.Errorf("%s: %d parts, %v", name, len(parts), err)
		}
		if !c.ok && cr.n > 2*answerChunk {
			t.Errorf("%s: read %d bytes before refusing", name, cr.n)
		}
	}
}
