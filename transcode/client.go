package transcode

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Request is one segment to transcode.
type Request struct {
	ManifestID string // the stream, as Livepeer names it
	Seq        uint64
	Segment    []byte // MPEG-TS
	Duration   time.Duration
	Width      int // the source's
	Height     int
	Profiles   []Profile
}

// Rendition is one transcoded segment.
type Rendition struct {
	Name string
	Data []byte
}

// Errors the client returns; errors.Is tells them apart.
var (
	// ErrRefused: the transcoder will not do this segment (400, 403, 405,
	// 422, or another 4xx). Retrying is useless.
	ErrRefused = errors.New("transcoder refused the segment")
	// ErrUnavailable: it failed after the retries (5xx, dropped
	// connections, unterminated answers, timeouts).
	ErrUnavailable = errors.New("transcoder unavailable")
)

// Client speaks Livepeer's HTTP push protocol to a broadcaster (or to
// Local).
type Client struct {
	URL     string // e.g. http://127.0.0.1:9935
	HTTP    *http.Client
	Retries int           // attempts after the first (default 2; negative: none)
	Backoff time.Duration // before the first retry, doubling (default 250 ms)
}

func (c *Client) client() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

// Transcode pushes one segment and returns its renditions in profile
// order. A rendition the answer lacks is left out.
func (c *Client) Transcode(ctx context.Context, req Request) ([]Rendition, error) {
	retries, backoff := c.Retries, c.Backoff
	switch {
	case retries == 0:
		retries = 2
	case retries < 0:
		retries = 0
	}
	if backoff <= 0 {
		backoff = 250 * time.Millisecond
	}
	var last error
	for attempt := 0; attempt <= retries; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return nil, fmt.Errorf("%w: %v (last: %v)", ErrUnavailable, ctx.Err(), last)
			case <-time.After(backoff):
			}
			backoff *= 2
		}
		out, err := c.once(ctx, req)
		if err == nil || errors.Is(err, ErrRefused) {
			return out, err
		}
		last = err
	}
	return nil, fmt.Errorf("%w after %d attempts: %v", ErrUnavailable, retries+1, last)
}

// attemptTimeout is what a broadcaster allows its orchestrator,
// max(8 s, 4 × duration), plus the upload at a modest 1 MB/s.
func attemptTimeout(req Request) time.Duration {
	return max(8*time.Second, 4*req.Duration) + 2*time.Second + time.Duration(len(req.Segment))*time.Microsecond
}

func (c *Client) once(ctx context.Context, req Request) ([]Rendition, error) {
	ctx, cancel := context.WithTimeout(ctx, attemptTimeout(req))
	defer cancel()
	cfg, _ := json.Marshal(transcodeConfig{ManifestID: req.ManifestID, Profiles: req.Profiles})
	url := fmt.Sprintf("%s/live/%s/%d.ts", strings.TrimRight(c.URL, "/"), req.ManifestID, req.Seq)
	hr, err := http.NewRequestWithContext(ctx, http.MethodPut, url, bytes.NewReader(req.Segment))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRefused, err)
	}
	hr.Header.Set("Content-Type", "video/mp2t")
	hr.Header.Set("Accept", "multipart/mixed")
	hr.Header.Set("Content-Duration", strconv.FormatInt(req.Duration.Milliseconds(), 10))
	hr.Header.Set("Content-Resolution", fmt.Sprintf("%dx%d", req.Width, req.Height))
	hr.Header.Set("Livepeer-Transcode-Configuration", string(cfg))
	resp, err := c.client().Do(hr)
	if err != nil {
		return nil, err // dropped connection, timeout: retried
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusOK:
	case resp.StatusCode >= 500: // 500 transcode failed, 503 no orchestrator: retried
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, fmt.Errorf("%s: %s", resp.Status, bytes.TrimSpace(msg))
	default: // 400, 403, 405, 422 and whatever else it will not do
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, fmt.Errorf("%w: %s: %s", ErrRefused, resp.Status, bytes.TrimSpace(msg))
	}
	mt, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" || params["boundary"] == "" {
		return nil, fmt.Errorf("answer is not multipart/mixed (%q)", resp.Header.Get("Content-Type"))
	}
	byName := map[string][]byte{}
	body := &tailReader{r: resp.Body, keep: len(params["boundary"]) + 8}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("answer cut short before its closing boundary: %w", err)
		}
		data, err := readLimited(part)
		if err != nil {
			return nil, fmt.Errorf("rendition %q: %w", part.Header.Get("Rendition-Name"), err)
		}
		name := part.Header.Get("Rendition-Name")
		if pt, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); pt == "application/vnd+livepeer.uri" {
			if data, err = c.fetch(ctx, strings.TrimSpace(string(data))); err != nil {
				return nil, err
			}
		}
		byName[name] = data
	}
	// mime/multipart also ends cleanly on a body that stops right after a
	// part's delimiter: only the closing boundary says the answer is whole.
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 4096))
	if !bytes.HasSuffix(bytes.TrimRight(body.tail, "\r\n"), []byte("--"+params["boundary"]+"--")) {
		return nil, errors.New("answer cut short: no closing boundary")
	}
	var out []Rendition
	for _, p := range req.Profiles {
		if d, ok := byName[p.Name]; ok && len(d) > 0 {
			out = append(out, Rendition{Name: p.Name, Data: d})
		}
	}
	if len(out) == 0 {
		return nil, errors.New("the answer holds no renditions")
	}
	return out, nil
}

// fetch reads a rendition the broadcaster stored elsewhere.
func (c *Client) fetch(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("rendition URI %q: %w", url, err)
	}
	resp, err := c.client().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("rendition URI %s: %s", url, resp.Status)
	}
	return readLimited(resp.Body)
}

// readLimited reads a rendition, refusing one larger than any segment.
func readLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSegment+1))
	if err == nil && len(data) > maxSegment {
		err = fmt.Errorf("larger than %d bytes", maxSegment)
	}
	return data, err
}

// tailReader remembers the last keep bytes read through it.
type tailReader struct {
	r    io.Reader
	keep int
	tail []byte
}

func (t *tailReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.tail = append(t.tail, p[:n]...)
	if len(t.tail) > t.keep {
		t.tail = append(t.tail[:0], t.tail[len(t.tail)-t.keep:]...)
	}
	return n, err
}
