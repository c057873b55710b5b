package ipfs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// lsLimit bounds an ls answer: about 200 bytes an entry, so a directory
// of some 300 000 entries (a day of 2 s segments in four renditions
// takes 173 000).
const lsLimit = 64 << 20

// Entry is one link of a directory, as Ls reports it.
type Entry struct {
	Name string
	CID  string
	Size int64 // the file's size; 0 for a directory
	Dir  bool
}

// Cat reads n bytes of the file at p ("/ipfs/{cid}[/name…]") from byte
// off on; n < 0 reads to the end. A path that does not resolve (a
// missing link, a block the node does not have) is an error wrapping
// fs.ErrNotExist. An error kubo meets while streaming comes out of Read.
func (c *Client) Cat(ctx context.Context, p string, off, n int64) (io.ReadCloser, error) {
	const cmd = "cat"
	if err := checkPath(p); err != nil {
		return nil, err
	}
	if off < 0 {
		return nil, fmt.Errorf("ipfs: cat %s: negative offset %d", p, off)
	}
	args := url.Values{"arg": {p}}
	if off > 0 {
		args.Set("offset", strconv.FormatInt(off, 10))
	}
	limit := n
	if n == 0 {
		// kubo reads a length of 0 as "all": ask for one byte, so the
		// path is still resolved (and a missing one reported), and
		// return none.
		args.Set("length", "1")
	} else if n > 0 {
		args.Set("length", strconv.FormatInt(n, 10))
	}
	resp, err := c.call(ctx, cmd, args, nil, "") //nolint:bodyclose // the caller closes it through the catReader
	if err != nil {
		return nil, err
	}
	return &catReader{cmd: cmd, resp: resp, left: limit}, nil
}

// catReader is a cat's body, reporting at its end the error kubo put in
// the trailer (a block lost midway), and reading at most left bytes
// (left < 0: all).
type catReader struct {
	cmd  string
	resp *http.Response
	left int64
}

func (r *catReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	if r.left > 0 && int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.resp.Body.Read(p)
	if r.left > 0 {
		r.left -= int64(n)
	}
	if errors.Is(err, io.EOF) {
		if e := streamError(r.cmd, r.resp); e != nil {
			return n, e
		}
	}
	return n, err
}

func (r *catReader) Close() error { return r.resp.Body.Close() }

// Ls lists the directory at p ("/ipfs/{cid}[/name…]"). A path that does
// not resolve is an error wrapping fs.ErrNotExist. Every entry's name is
// a plain name and its CID one ParseCID takes, or Ls fails: the entries
// may come from another node's directory (archive import), and are put
// in paths and URLs.
func (c *Client) Ls(ctx context.Context, p string) ([]Entry, error) {
	const cmd = "ls"
	if err := checkPath(p); err != nil {
		return nil, err
	}
	args := url.Values{"arg": {p}, "resolve-type": {"true"}, "size": {"true"}, "stream": {"false"}}
	var out struct {
		Objects []struct {
			Links []struct {
				Name, Hash string
				Size       uint64
				Type       int
			}
		}
	}
	if err := c.callJSONLimit(ctx, cmd, args, &out, lsLimit); err != nil {
		return nil, err
	}
	var entries []Entry
	for _, o := range out.Objects {
		for _, l := range o.Links {
			if err := checkName(l.Name); err != nil {
				return nil, fmt.Errorf("kubo at %s: ls %s: entry %w", c.api, p, err)
			}
			if _, err := ParseCID(l.Hash); err != nil {
				return nil, fmt.Errorf("kubo at %s: ls %s: entry %q: %w", c.api, p, l.Name, err)
			}
			if l.Size > 1<<62 {
				return nil, fmt.Errorf("kubo at %s: ls %s: entry %q: size %d", c.api, p, l.Name, l.Size)
			}
			// UnixFS types: 1 Directory, 5 HAMTShard (a large directory).
			dir := l.Type == 1 || l.Type == 5
			entries = append(entries, Entry{Name: l.Name, CID: l.Hash, Size: int64(l.Size), Dir: dir})
		}
	}
	return entries, nil
}
