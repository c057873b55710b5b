package transcode

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	neturl "net/url"
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
// Local), by the rules a real broadcaster imposes (LIVEPEER.md):
//
//   - it waits for an answer as long as the broadcaster may take, three
//     attempts of max(8 s, 4 × duration) plus the upload, and never
//     re-sends a segment whose answer is merely slow: the broadcaster
//     keeps abandoned work running, so a re-send doubles work and payment;
//   - 422 (the broadcaster's own attempts failed) and other 4xx are final;
//     500 (a condition that repeats) is retried once; 503 (no
//     orchestrator), other 5xx and dropped connections are retried with
//     backoff;
//   - an empty URI part (a rendition the broadcaster failed to store) is
//     left out, a relative one is fetched from the broadcaster;
//   - the manifest ID it sends changes whenever the profiles it asks for
//     do, since a broadcaster fixes a manifest's profiles at its first
//     segment;
//   - renditions that are copies of the source (what a broadcaster
//     answers for a segment without video) are never returned.
type Client struct {
	URL     string // e.g. http://127.0.0.1:9935
	HTTP    *http.Client
	Retries int           // attempts after the first (default 2; negative: none)
	Backoff time.Duration // before the first retry, doubling (default 250 ms)
}

// ErrSourceCopies: the answer was the source under the profiles' names
// (a segment without video). Final: there is nothing to transcode.
var ErrSourceCopies = fmt.Errorf("%w: the answer is copies of the source (a segment without video)", ErrRefused)

// defaultHTTP is what a Client without its own HTTP uses: Go's default
// transport, with an answer's header lines held to 64 KiB (a Livepeer
// answer's take a few hundred bytes; Go's default allows 10 MiB).
var defaultHTTP = func() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxResponseHeaderBytes = 64 << 10
	return &http.Client{Transport: t}
}()

func (c *Client) client() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return defaultHTTP
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
	attempt, fives := 0, 0
	for ; attempt <= retries; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return nil, fmt.Errorf("%w: %v (last: %v)", ErrUnavailable, ctx.Err(), last)
			case <-time.After(backoff):
			}
			backoff *= 2
		}
		out, err := c.once(ctx, req)
		var st *statusError
		switch {
		case err == nil || errors.Is(err, ErrRefused):
			return out, err
		case errors.Is(err, errTooSlow):
			// The broadcaster is still at it: a re-send would be
			// transcoded (and paid for) twice.
			return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
		case errors.As(err, &st) && st.code == http.StatusInternalServerError:
			if fives++; fives > 1 {
				return nil, fmt.Errorf("%w: a 500 twice (a condition that repeats): %v", ErrUnavailable, err)
			}
		}
		last = err
	}
	return nil, fmt.Errorf("%w after %d attempts: %v", ErrUnavailable, attempt, last)
}

// statusError is a 5xx answer.
type statusError struct {
	code int
	msg  string
}

func (e *statusError) Error() string { return e.msg }

// errTooSlow: no answer within attemptTimeout.
var errTooSlow = errors.New("no answer within the broadcaster's three attempts")

// attemptTimeout is what a broadcaster may take: three attempts of its
// orchestrator, each max(8 s, 4 × duration), plus the upload at a modest
// 1 MB/s.
func attemptTimeout(req Request) time.Duration {
	return 3*max(8*time.Second, 4*req.Duration) + 2*time.Second + time.Duration(len(req.Segment))*time.Microsecond
}

// wireManifestID is the manifest ID sent: the request's, with a digest of
// the profiles asked for, so that another ladder (or another frame-rate
// decision) is another manifest to the broadcaster.
func wireManifestID(req Request) string {
	b, _ := json.Marshal(req.Profiles)
	sum := sha256.Sum256(b)
	return req.ManifestID + "-" + hex.EncodeToString(sum[:4])
}

func (c *Client) once(ctx context.Context, req Request) ([]Rendition, error) {
	budget := attemptTimeout(req)
	ctx, cancel := context.WithTimeoutCause(ctx, budget, errTooSlow)
	defer cancel()
	manifest := wireManifestID(req)
	cfg, _ := json.Marshal(transcodeConfig{ManifestID: manifest, Profiles: req.Profiles})
	base := strings.TrimRight(c.URL, "/")
	url := fmt.Sprintf("%s/live/%s/%d.ts", base, manifest, req.Seq)
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
		if errors.Is(context.Cause(ctx), errTooSlow) {
			return nil, fmt.Errorf("%w (%v)", errTooSlow, budget)
		}
		return nil, err // dropped connection: retried
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusOK:
	case resp.StatusCode >= 500: // 500 repeats: retried once; 503 no orchestrator, others: retried
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, &statusError{resp.StatusCode, fmt.Sprintf("%s: %s", resp.Status, bytes.TrimSpace(msg))}
	default: // 400, 403, 405, 422 and whatever else it will not do
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, fmt.Errorf("%w: %s: %s", ErrRefused, resp.Status, bytes.TrimSpace(msg))
	}
	mt, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" || params["boundary"] == "" {
		return nil, fmt.Errorf("answer is not multipart/mixed (%q)", resp.Header.Get("Content-Type"))
	}
	lim := answerCaps(req)
	parts, err := readAnswer(resp.Body, params["boundary"], lim)
	if err != nil {
		if errors.Is(context.Cause(ctx), errTooSlow) {
			return nil, fmt.Errorf("%w (%v), mid-answer", errTooSlow, budget)
		}
		return nil, fmt.Errorf("answer refused: %w", err)
	}
	byName := map[string][]byte{}
	var unfetched []string
	total := 0 // held, fetched renditions included, within lim.TotalBytes
	for _, part := range parts {
		total += len(part.Data)
	}
	for _, part := range parts {
		name, data := part.Header.Get("Rendition-Name"), part.Data
		if pt, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); pt == "application/vnd+livepeer.uri" {
			total -= len(data)
			uri := strings.TrimSpace(string(data))
			if uri == "" {
				continue // the broadcaster failed to store this one: the others stand
			}
			if data, err = c.fetch(ctx, resolve(base, uri), min(lim.PartBytes, lim.TotalBytes-total)); err != nil {
				// One rendition the store lost (a broadcaster's memory
				// store keeps only the last 12 items): the others stand,
				// and re-sending the segment would transcode it again.
				unfetched = append(unfetched, fmt.Sprintf("%s: %v", name, err))
				continue
			}
			total += len(data)
		}
		byName[name] = data
	}
	var out []Rendition
	copies := 0
	for _, p := range req.Profiles {
		d, ok := byName[p.Name]
		switch {
		case !ok || len(d) == 0:
		case bytes.Equal(d, req.Segment):
			copies++ // the source under a profile's name: never a rendition
		default:
			out = append(out, Rendition{Name: p.Name, Data: d})
		}
	}
	if len(out) == 0 {
		switch {
		case copies > 0:
			return nil, ErrSourceCopies
		case len(unfetched) > 0:
			// Transcoded, but not one rendition could be fetched: a
			// re-send would pay for the work again.
			return nil, fmt.Errorf("%w: no rendition could be fetched (%s)", ErrRefused, strings.Join(unfetched, "; "))
		}
		return nil, errors.New("the answer holds no renditions")
	}
	return out, nil
}

// resolve makes a part's URI absolute: a relative one (/stream/…, the
// broadcaster's own memory store) is on the broadcaster.
func resolve(base, uri string) string {
	b, err := neturl.Parse(base + "/")
	if err != nil {
		return uri
	}
	u, err := b.Parse(uri)
	if err != nil {
		return uri
	}
	return u.String()
}

// answerCaps is what an answer to req may make the client hold: a part
// per profile and a few more, a rendition up to four times the source
// segment (at least 4 MiB, at most the largest segment), and as much for
// each profile. The attempt's deadline bounds the time it may take.
func answerCaps(req Request) answerLimits {
	part := min(maxSegment, max(4*len(req.Segment), 4<<20))
	return answerLimits{Parts: len(req.Profiles) + 4, HeaderBytes: 8 << 10, PartBytes: part, TotalBytes: part * max(len(req.Profiles), 1)}
}

// fetch reads a rendition the broadcaster stored elsewhere, refusing one
// larger than limit.
func (c *Client) fetch(ctx context.Context, url string, limit int) ([]byte, error) {
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
	data, err := io.ReadAll(io.LimitReader(resp.Body, int64(limit)+1))
	if err == nil && len(data) > limit {
		err = fmt.Errorf("rendition URI %s: %w: over %d bytes", url, errAnswerTooLarge, limit)
	}
	return data, err
}
