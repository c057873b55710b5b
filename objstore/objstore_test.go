package objstore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/livegate/livegate/internal/tests3"
)

// TestBucketAgainstSeaweedFS: every call the archive makes, against a
// real S3 server: put, whole and ranged gets, stat, listings with and
// without the delimiter, missing keys as fs.ErrNotExist, and a bucket
// that does not exist refused by Check.
func TestBucketAgainstSeaweedFS(t *testing.T) {
	s := tests3.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := Open(Config{Endpoint: s.Endpoint(), Bucket: tests3.Bucket})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Check(ctx); err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 100_000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	for _, key := range []string{"demo/r1/source/0.ts", "demo/r1/source/1.ts", "demo/r1/recording.json", "demo/r2/source/2.ts"} {
		if err := b.Put(ctx, key, bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatal(err)
		}
	}
	read := func(off, n int64) []byte {
		t.Helper()
		body, err := b.Get(ctx, "demo/r1/source/1.ts", off, n)
		if err != nil {
			t.Fatal(err)
		}
		defer body.Close()
		got, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := read(0, -1); !bytes.Equal(got, data) {
		t.Errorf("whole get: %d bytes, not what was put", len(got))
	}
	if got := read(1000, 188); !bytes.Equal(got, data[1000:1188]) {
		t.Errorf("ranged get [1000, 1188): %d bytes, not the range", len(got))
	}
	if got := read(99_000, -1); !bytes.Equal(got, data[99_000:]) {
		t.Errorf("get from 99000 on: %d bytes, not the tail", len(got))
	}
	if o, err := b.Stat(ctx, "demo/r1/source/0.ts"); err != nil || o.Size != int64(len(data)) {
		t.Errorf("stat: %+v, %v", o, err)
	}
	if _, err := b.Get(ctx, "demo/r1/source/9.ts", 0, -1); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("get of a missing key: %v, want fs.ErrNotExist", err)
	}
	if _, err := b.Stat(ctx, "nope"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stat of a missing key: %v, want fs.ErrNotExist", err)
	}

	dirs, err := b.List(ctx, "demo/", true)
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(dirs); got != "demo/r1/ demo/r2/" {
		t.Errorf("listing demo/ to the delimiter: %s", got)
	}
	all, err := b.List(ctx, "demo/r1/", false)
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(all); got != "demo/r1/recording.json demo/r1/source/0.ts demo/r1/source/1.ts" || all["demo/r1/source/0.ts"] != int64(len(data)) {
		t.Errorf("recursive listing of demo/r1/: %s %v", got, all)
	}

	other, err := Open(Config{Endpoint: s.Endpoint(), Bucket: "no-such-bucket"})
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Check(ctx); err == nil || !strings.Contains(err.Error(), "no such bucket") {
		t.Errorf("check of a missing bucket: %v", err)
	}
	// A refusal no retry will change says so; a missing key is no such
	// refusal (it may be put yet), nor is a server that is down.
	var perm interface{ Permanent() bool }
	if err := other.Put(ctx, "demo/r1/source/0.ts", bytes.NewReader(data), int64(len(data))); !errors.As(err, &perm) {
		t.Errorf("put into a missing bucket: %v, want a permanent error", err)
	}
	if _, err := b.Get(ctx, "demo/r1/source/9.ts", 0, -1); errors.As(err, &perm) {
		t.Errorf("get of a missing key: %v, called permanent", err)
	}
	s.Stop()
	down, cancelDown := context.WithTimeout(ctx, 5*time.Second)
	defer cancelDown()
	if err := b.Put(down, "demo/r1/source/3.ts", bytes.NewReader(data), int64(len(data))); err == nil || errors.As(err, &perm) {
		t.Errorf("put with the server down: %v, want an error worth retrying", err)
	}
}

func TestOpenRefusesBadEndpoints(t *testing.T) {
	for _, ep := range []string{"", "127.0.0.1:9000", "ftp://h", "http://h/base"} {
		if _, err := Open(Config{Endpoint: ep, Bucket: "b"}); err == nil {
			t.Errorf("Open(%q) accepted", ep)
		}
	}
}

func keys(m map[string]int64) string {
	return strings.Join(slices.Sorted(maps.Keys(m)), " ")
}
