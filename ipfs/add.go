package ipfs

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/url"
)

// Add stores what r yields as one file (CIDv1, raw leaves, kubo's
// default chunker, so its CID is FileCID of the same bytes) and pins it.
// The bytes are streamed to kubo as they are read, never held whole here.
// size is the number of bytes read from r, also when the call fails.
//
// Add returns only once it has stopped reading r.
func (c *Client) Add(ctx context.Context, r io.Reader) (cid string, size int64, err error) {
	const cmd = "add"
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	cr := &countingReader{r: r}
	done := make(chan struct{})
	var readErr error // what went wrong reading r, set before done closes
	go func() {
		defer close(done)
		part, err := mw.CreateFormFile("file", "file")
		if err == nil {
			_, err = io.Copy(part, cr)
			readErr = cr.err
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	// stop ends the writer: the transport closes the body when done with
	// it, or never reads it when the call fails first; either way the
	// writer stops at its next write.
	stop := func() {
		pr.CloseWithError(io.ErrClosedPipe)
		<-done
		size = cr.n
	}
	defer stop()
	args := url.Values{
		"cid-version": {"1"},
		"raw-leaves":  {"true"},
		"pin":         {"true"},
		"quieter":     {"true"},
	}
	resp, err := c.call(ctx, cmd, args, pr, mw.FormDataContentType())
	if err != nil {
		stop()
		if readErr != nil {
			return "", cr.n, fmt.Errorf("ipfs: add: reading the data: %w", readErr)
		}
		return "", cr.n, err
	}
	defer resp.Body.Close()
	// One JSON object a line; with quieter, only the file's, but take
	// the last one carrying a hash whatever kubo sends before it.
	var hash string
	sc := bufio.NewScanner(io.LimitReader(resp.Body, jsonLimit))
	for sc.Scan() {
		line := sc.Bytes()
		if e := valueError(cmd, line); e != nil {
			return "", 0, e
		}
		var out struct{ Hash string }
		if err := json.Unmarshal(line, &out); err != nil {
			return "", 0, fmt.Errorf("kubo at %s: add: unreadable answer %q: %v", c.api, trimmed(line), err)
		}
		if out.Hash != "" {
			hash = out.Hash
		}
	}
	if err := sc.Err(); err != nil {
		return "", 0, fmt.Errorf("kubo at %s: add: reading the answer: %w", c.api, err)
	}
	if e := streamError(cmd, resp); e != nil {
		return "", 0, e
	}
	if hash == "" {
		return "", 0, fmt.Errorf("kubo at %s: add: no CID in the answer", c.api)
	}
	if _, err := ParseCID(hash); err != nil {
		return "", 0, fmt.Errorf("kubo at %s: add: %w", c.api, err)
	}
	return hash, 0, nil // size is set by stop
}

// countingReader counts what Add's writer goroutine reads; Add reads n
// only after that goroutine has ended.
type countingReader struct {
	r   io.Reader
	n   int64
	err error // the first error other than io.EOF
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && !errors.Is(err, io.EOF) && c.err == nil {
		c.err = err
	}
	return n, err
}
