package ipfs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"
)

// Dir builds a UnixFS directory (CIDv1) holding files, a map from a
// slash-separated relative path ("index.m3u8", "source/12.ts") to the
// CID of content the node already has, pins it (recursively) and returns
// its CID: a recording's root. Paths must be plain (no empty element,
// ".", "..", leading or trailing slash) and no path may be both a file
// and a directory.
//
// The tree is assembled in kubo's MFS under a temporary path of its own,
// removed afterwards, so kubo computes the directory nodes (and shards a
// very large one as every IPFS implementation expects).
func (c *Client) Dir(ctx context.Context, files map[string]string) (root string, err error) {
	paths := make([]string, 0, len(files))
	dirs := map[string]bool{}
	for p, cid := range files {
		if err := checkRelative(p); err != nil {
			return "", fmt.Errorf("ipfs: dir: %w", err)
		}
		if _, err := ParseCID(cid); err != nil {
			return "", fmt.Errorf("ipfs: dir: %s: %w", p, err)
		}
		paths = append(paths, p)
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	for _, p := range paths {
		if dirs[p] {
			return "", fmt.Errorf("ipfs: dir: %q is both a file and a directory", p)
		}
	}
	slices.Sort(paths)
	tmp, err := tempName()
	if err != nil {
		return "", err
	}
	defer func() {
		// Clean up even when ctx has ended; the pinned root keeps the
		// tree, MFS need not.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		rmErr := c.callNothing(rctx, "files/rm", url.Values{"arg": {tmp}, "recursive": {"true"}, "force": {"true"}})
		if err == nil && rmErr != nil {
			root, err = "", fmt.Errorf("ipfs: dir: removing %s from MFS: %w", tmp, rmErr)
		}
	}()
	// The tree is changed in memory only (flush=false) and written at
	// most every flushEvery calls (kubo refuses more than 256 unflushed
	// ones): writing every parent after each cp made a recording of 600
	// segments take seconds.
	unflushed := 0
	flush := func() error {
		unflushed = 0
		return c.callNothing(ctx, "files/flush", url.Values{"arg": {tmp}})
	}
	mfs := func(cmd string, args url.Values) error {
		if unflushed >= flushEvery {
			if err := flush(); err != nil {
				return err
			}
		}
		unflushed++
		args.Set("flush", "false")
		return c.callNothing(ctx, cmd, args)
	}
	mkdir := func(p string) error {
		return mfs("files/mkdir", url.Values{"arg": {p}, "parents": {"true"}, "cid-version": {"1"}})
	}
	if err := c.callNothing(ctx, "files/mkdir", url.Values{"arg": {tmp}, "parents": {"true"}, "cid-version": {"1"}}); err != nil {
		return "", err
	}
	sorted := slices.Sorted(func(yield func(string) bool) {
		for d := range dirs {
			if !yield(d) {
				return
			}
		}
	})
	for _, d := range sorted {
		if err := mkdir(tmp + "/" + d); err != nil {
			return "", err
		}
	}
	for _, p := range paths {
		if err := mfs("files/cp", url.Values{"arg": {"/ipfs/" + files[p], tmp + "/" + p}}); err != nil {
			return "", err
		}
	}
	if err := flush(); err != nil {
		return "", err
	}
	var st struct{ Hash string }
	if err := c.callJSON(ctx, "files/stat", url.Values{"arg": {tmp}}, &st); err != nil {
		return "", err
	}
	if _, err := ParseCID(st.Hash); err != nil {
		return "", fmt.Errorf("kubo at %s: files/stat: %w", c.api, err)
	}
	if err := c.callNothing(ctx, "pin/add", url.Values{"arg": {st.Hash}}); err != nil {
		return "", err
	}
	return st.Hash, nil
}

// flushEvery is how many MFS changes Dir makes between flushes.
const flushEvery = 128

// Pinned says whether cid is pinned recursively (as Add and Dir pin):
// the node keeps it and everything under it.
func (c *Client) Pinned(ctx context.Context, cid string) (bool, error) {
	if _, err := ParseCID(cid); err != nil {
		return false, err
	}
	var out struct {
		Keys map[string]struct{ Type string }
	}
	err := c.callJSON(ctx, "pin/ls", url.Values{"arg": {cid}, "type": {"recursive"}}, &out)
	if e := (*Error)(nil); errors.As(err, &e) && strings.Contains(e.Message, "not pinned") {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	k, ok := out.Keys[cid]
	return ok && k.Type == "recursive", nil
}

// callNothing makes a call whose answer carries nothing needed.
func (c *Client) callNothing(ctx context.Context, cmd string, args url.Values) error {
	resp, err := c.call(ctx, cmd, args, nil, "")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := readLimited(resp.Body, jsonLimit)
	if e := streamError(cmd, resp); e != nil {
		return e
	}
	if e := valueError(cmd, b); e != nil {
		return e
	}
	return nil
}

// tempName is an MFS path no other Dir call (in this process or another
// livegate on the same node) uses.
func tempName() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("ipfs: dir: %w", err)
	}
	return "/livegate-tmp/" + hex.EncodeToString(b[:]), nil
}
