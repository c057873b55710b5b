package tests3

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
)

// TestServerKeepsObjectsAcrossARestart: what the archive's tests rely on,
// a server that stores objects, dies, and comes back with them.
func TestServerKeepsObjectsAcrossARestart(t *testing.T) {
	s := Start(t)
	c := s.Client()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	data := bytes.Repeat([]byte("segment "), 4096)
	if _, err := c.PutObject(ctx, Bucket, "a/b/c.ts", bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	s.Stop()
	if _, err := c.StatObject(ctx, Bucket, "a/b/c.ts", minio.StatObjectOptions{}); err == nil {
		t.Fatal("a stopped server still answered")
	}
	s.Restart()
	obj, err := c.GetObject(ctx, Bucket, "a/b/c.ts", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(obj)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("read back %d bytes, want the %d written", len(got), len(data))
	}
}
