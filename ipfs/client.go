// Package ipfs is a client of one kubo node's HTTP RPC API (/api/v0/…):
// what livegate needs to publish recordings on IPFS (issue 19): add a
// finished segment (CIDv1, raw leaves, pinned), read it back, list and
// build the directory a recording becomes, and check pins. It also
// computes a file's CID itself (FileCID) and reads CIDs strictly
// (ParseCID), so nothing kubo or a gateway says about content is taken on
// trust.
//
// It uses net/http rather than kubo's Go client, which would bring
// kubo's dependency tree into livegate's go.mod. Every RPC call is a POST
// (kubo refuses GET on /api/v0). Missing paths come back as errors
// wrapping fs.ErrNotExist; a node that does not answer, as errors
// wrapping ErrUnreachable that name its URL.
package ipfs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// jsonLimit bounds a JSON answer this package parses: the calls it makes
// answer with a few hundred bytes (Ls has its own, larger bound).
const jsonLimit = 1 << 20

// Client talks to one kubo node's RPC API. It is safe for concurrent
// use.
type Client struct {
	api  string
	http *http.Client
}

// New makes a client for the RPC API at api, "http://host:port" as
// `ipfs config Addresses.API` serves it. It does not talk to the node:
// ID does.
func New(api string) (*Client, error) {
	u, err := url.Parse(api)
	if err != nil {
		return nil, fmt.Errorf("ipfs: api %q: %v; want http://host:port", api, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.Port() == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("ipfs: api %q: want http://host:port (kubo's Addresses.API, e.g. http://127.0.0.1:5001)", api)
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return nil, fmt.Errorf("ipfs: api %q: name the node only, http://host:port, without user, path or query", api)
	}
	// No overall timeout: an add streams a whole segment, a cat a whole
	// file; callers bound calls with their context. Dialing is bounded so
	// a node that is down is reported at once.
	t := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 8,
		IdleConnTimeout:     90 * time.Second,
	}
	return &Client{api: u.Scheme + "://" + u.Host, http: &http.Client{Transport: t}}, nil
}

// String is the node's API URL, for logs.
func (c *Client) String() string { return c.api }

// ID is the node's peer ID: the identity /healthz reports, and a cheap
// way to see that the node answers.
func (c *Client) ID(ctx context.Context) (string, error) {
	var out struct{ ID string }
	if err := c.callJSON(ctx, "id", nil, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", fmt.Errorf("kubo at %s: id: no peer ID in the answer", c.api)
	}
	return out.ID, nil
}

// call POSTs one RPC call and returns the answer if kubo says 200; an
// answer with another status is read (bounded) into an *Error.
func (c *Client) call(ctx context.Context, cmd string, args url.Values, body io.Reader, contentType string) (*http.Response, error) {
	u := c.api + "/api/v0/" + cmd
	if len(args) > 0 {
		u += "?" + args.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, body)
	if err != nil {
		return nil, fmt.Errorf("ipfs: %s: %w", cmd, err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text repeats the URL, query and all
		}
		if errors.Is(err, context.Canceled) {
			// The caller gave up: nothing is known of the node.
			return nil, fmt.Errorf("kubo at %s: %s: %w", c.api, cmd, err)
		}
		return nil, fmt.Errorf("kubo at %s %w: %s: %w", c.api, ErrUnreachable, cmd, err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		return nil, readError(cmd, resp)
	}
	return resp, nil
}

// callJSON makes a call whose whole answer is one JSON value, into out.
func (c *Client) callJSON(ctx context.Context, cmd string, args url.Values, out any) error {
	return c.callJSONLimit(ctx, cmd, args, out, jsonLimit)
}

func (c *Client) callJSONLimit(ctx context.Context, cmd string, args url.Values, out any, limit int64) error {
	resp, err := c.call(ctx, cmd, args, nil, "")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := readLimited(resp.Body, limit)
	if err != nil {
		return fmt.Errorf("kubo at %s: %s: %w", c.api, cmd, err)
	}
	if e := streamError(cmd, resp); e != nil {
		return e
	}
	if e := valueError(cmd, b); e != nil {
		return e
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("kubo at %s: %s: unreadable answer: %v", c.api, cmd, err)
	}
	return nil
}

// valueError finds an error kubo sent as a value of a 200 answer, as it
// does when a streamed command fails after its first output.
func valueError(cmd string, line []byte) *Error {
	var e struct{ Message, Type string }
	if json.Unmarshal(line, &e) == nil && e.Type == "error" {
		return &Error{Call: cmd, Status: http.StatusOK, Message: e.Message}
	}
	return nil
}

// streamError is the error kubo put in the X-Stream-Error trailer of a
// 200 answer that failed midway; it is known once the body is read.
func streamError(cmd string, resp *http.Response) *Error {
	if m := resp.Trailer.Get("X-Stream-Error"); m != "" {
		return &Error{Call: cmd, Status: resp.StatusCode, Message: m}
	}
	return nil
}

// trimmed shortens text from the node for an error message.
func trimmed(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// readLimited reads a whole answer of at most limit bytes.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return b, fmt.Errorf("reading the answer: %w", err)
	}
	if int64(len(b)) > limit {
		return b[:limit], fmt.Errorf("answer larger than %d bytes", limit)
	}
	return b, nil
}
