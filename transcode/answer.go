package transcode

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/textproto"
)

// answerLimits caps what a transcoder's multipart answer can make the
// client hold: a broadcaster is a remote party, and nothing it sends may
// grow memory beyond what the renditions asked for need.
type answerLimits struct {
	Parts       int // parts in the answer
	HeaderBytes int // one part's header lines, CRLFs included
	PartBytes   int // one part's body
	TotalBytes  int // all parts' bodies
}

// answerPart is one part of an answer, as mime/multipart's NextRawPart
// reads it.
type answerPart struct {
	Header textproto.MIMEHeader
	Data   []byte
}

const (
	maxBoundary     = 70 // RFC 2046
	maxPartHeaders  = 32 // header lines in one part
	maxBoundaryLWSP = 64 // spaces and tabs after a boundary
	answerChunk     = 32 << 10
)

var errAnswerTooLarge = errors.New("answer larger than the renditions asked for need")

// readAnswer reads a multipart/mixed answer to its closing boundary. It
// reads the strict subset of RFC 2046 that go-livepeer and
// mime/multipart.Writer write (CRLF line ends, no preamble, no folded
// headers, a boundary's delimiter never inside a body), and what it
// accepts it reads exactly as mime/multipart does. Unlike mime/multipart
// it holds no more than lim allows (a header or a body over its cap ends
// the reading at once), and it says whether the answer was whole: an
// answer cut short, even right after a part, is an error.
func readAnswer(r io.Reader, boundary string, lim answerLimits) ([]answerPart, error) {
	if boundary == "" || len(boundary) > maxBoundary {
		return nil, fmt.Errorf("multipart boundary of %d bytes (want 1 to %d)", len(boundary), maxBoundary)
	}
	a := &answerReader{r: r, buf: make([]byte, 0, answerChunk+lim.HeaderBytes+2*maxBoundary)}
	dash := []byte("--" + boundary)
	if err := a.expect(dash); err != nil {
		return nil, fmt.Errorf("answer does not start with its boundary: %w", err)
	}
	var parts []answerPart
	total := 0
	delim := []byte("\r\n--" + boundary)
	for {
		final, err := a.afterBoundary()
		if err != nil {
			return nil, err
		}
		if final {
			return parts, nil
		}
		if len(parts) == lim.Parts {
			return nil, fmt.Errorf("%w: more than %d parts", errAnswerTooLarge, lim.Parts)
		}
		h, err := a.header(lim.HeaderBytes)
		if err != nil {
			return nil, fmt.Errorf("part %d: %w", len(parts)+1, err)
		}
		data, err := a.body(delim, min(lim.PartBytes, lim.TotalBytes-total))
		if err != nil {
			return nil, fmt.Errorf("part %d (%q): %w", len(parts)+1, h.Get("Rendition-Name"), err)
		}
		total += len(data)
		parts = append(parts, answerPart{Header: h, Data: data})
	}
}

// answerReader buffers an answer: buf holds what was read and not yet
// taken, never more than its capacity.
type answerReader struct {
	r   io.Reader
	buf []byte
	err error // from r, once it has failed or ended
}

// fill reads more into buf, or returns why it cannot.
func (a *answerReader) fill() error {
	if a.err != nil {
		if errors.Is(a.err, io.EOF) {
			return io.ErrUnexpectedEOF
		}
		return a.err
	}
	if len(a.buf) == cap(a.buf) {
		return errAnswerTooLarge // a line or a boundary longer than any allowed
	}
	n, err := a.r.Read(a.buf[len(a.buf):cap(a.buf)])
	a.buf = a.buf[:len(a.buf)+n]
	if err != nil {
		a.err = err
	}
	if n == 0 && err == nil {
		return nil // a reader may return nothing; call again
	}
	return nil
}

// take removes the first n bytes of buf.
func (a *answerReader) take(n int) {
	a.buf = a.buf[:copy(a.buf, a.buf[n:])]
}

// need has at least n bytes buffered, or returns why not.
func (a *answerReader) need(n int) error {
	for tries := 0; len(a.buf) < n; tries++ {
		if tries > 1000 { // a reader returning nothing, again and again
			return io.ErrNoProgress
		}
		if err := a.fill(); err != nil {
			return err
		}
	}
	return nil
}

// expect takes want from the start of the answer.
func (a *answerReader) expect(want []byte) error {
	if err := a.need(len(want)); err != nil {
		return err
	}
	if !bytes.Equal(a.buf[:len(want)], want) {
		return fmt.Errorf("got %q", a.buf[:len(want)])
	}
	a.take(len(want))
	return nil
}

// afterBoundary reads what follows a boundary: "--" and optional white
// space to CRLF or the end (the closing boundary: final), or optional
// white space and CRLF (another part follows).
func (a *answerReader) afterBoundary() (final bool, err error) {
	if err := a.need(2); err != nil {
		return false, fmt.Errorf("answer cut short after a boundary: %w", err)
	}
	if a.buf[0] == '-' && a.buf[1] == '-' {
		a.take(2)
		final = true
	}
	for range maxBoundaryLWSP + 1 {
		if len(a.buf) == 0 {
			if err := a.fill(); err != nil {
				if final && errors.Is(err, io.ErrUnexpectedEOF) {
					return true, nil // "--boundary--" at the very end
				}
				return false, fmt.Errorf("answer cut short after a boundary: %w", err)
			}
			continue
		}
		switch a.buf[0] {
		case ' ', '\t':
			a.take(1)
			continue
		case '\r':
			if err := a.need(2); err != nil {
				return false, fmt.Errorf("answer cut short after a boundary: %w", err)
			}
			if a.buf[1] == '\n' {
				a.take(2)
				return final, nil
			}
		}
		return false, fmt.Errorf("a boundary followed by %q", a.buf[:min(len(a.buf), 8)])
	}
	return false, errors.New("a boundary followed by too much white space")
}

// line takes one CRLF-ended line of at most max bytes, without its CRLF.
func (a *answerReader) line(max int) ([]byte, error) {
	for tries := 0; ; tries++ {
		if i := bytes.Index(a.buf, []byte("\r\n")); i >= 0 {
			if i > max {
				break
			}
			line := bytes.Clone(a.buf[:i])
			a.take(i + 2)
			return line, nil
		}
		if len(a.buf) > max+1 || tries > 1000 {
			break
		}
		if err := a.fill(); err != nil {
			return nil, fmt.Errorf("header cut short: %w", err)
		}
	}
	return nil, fmt.Errorf("%w: part header over %d bytes", errAnswerTooLarge, max)
}

// header reads a part's header lines, at most max bytes with their CRLFs,
// to the empty line that ends them.
func (a *answerReader) header(max int) (textproto.MIMEHeader, error) {
	h := textproto.MIMEHeader{}
	for n := 0; ; n++ {
		line, err := a.line(max - 2)
		if err != nil {
			return nil, err
		}
		max -= len(line) + 2
		if len(line) == 0 {
			return h, nil
		}
		if n == maxPartHeaders {
			return nil, fmt.Errorf("%w: more than %d header lines in a part", errAnswerTooLarge, maxPartHeaders)
		}
		key, value, err := headerLine(line)
		if err != nil {
			return nil, err
		}
		h.Add(key, value)
	}
}

// headerLine splits "Key: value" as net/textproto does, refusing what it
// would only put up with (a space before the colon, folded lines).
func headerLine(line []byte) (string, string, error) {
	k, v, ok := bytes.Cut(line, []byte(":"))
	if !ok || len(k) == 0 {
		return "", "", fmt.Errorf("malformed header line %q", line)
	}
	for _, c := range k {
		if !tokenByte(c) {
			return "", "", fmt.Errorf("malformed header name %q", k)
		}
	}
	for _, c := range v {
		if c != '\t' && (c < 0x20 || c == 0x7f) {
			return "", "", fmt.Errorf("malformed header value in %q", line)
		}
	}
	return textproto.CanonicalMIMEHeaderKey(string(k)), string(bytes.Trim(v, " \t")), nil
}

// tokenByte is RFC 7230's tchar.
func tokenByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return c < 0x80 && bytes.IndexByte([]byte("!#$%&'*+-.^_`|~"), c) >= 0
}

// body takes a part's body up to delim (CRLF, "--", the boundary), at
// most max bytes of it.
func (a *answerReader) body(delim []byte, max int) ([]byte, error) {
	var data []byte
	for tries := 0; ; tries++ {
		if i := bytes.Index(a.buf, delim); i >= 0 {
			if len(data)+i > max {
				return nil, fmt.Errorf("%w: a part over %d bytes", errAnswerTooLarge, max)
			}
			data = append(data, a.buf[:i]...)
			a.take(i + len(delim))
			if data == nil {
				data = []byte{}
			}
			return data, nil
		}
		// Keep what could be the start of the delimiter.
		if safe := len(a.buf) - (len(delim) - 1); safe > 0 {
			if len(data)+safe > max {
				return nil, fmt.Errorf("%w: a part over %d bytes", errAnswerTooLarge, max)
			}
			data = append(data, a.buf[:safe]...)
			a.take(safe)
			tries = 0
		}
		if tries > 1000 {
			return nil, io.ErrNoProgress
		}
		if err := a.fill(); err != nil {
			return nil, fmt.Errorf("answer cut short inside a part: %w", err)
		}
	}
}
