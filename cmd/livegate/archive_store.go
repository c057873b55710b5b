package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/livegate/livegate/hls"
	"github.com/livegate/livegate/objstore"
)

// archiveCheckTimeout bounds the start-up check of archive.s3: a node
// whose bucket does not answer refuses to start rather than hang.
const archiveCheckTimeout = 10 * time.Second

// openArchive opens the archive in the data directory and, with
// archive.s3 set, keeps it in that bucket too (hls.Archive.UseStore):
// finished recordings are uploaded and recordings only the bucket holds
// are served from it. It says which it uses, and refuses a bucket it
// cannot reach.
func openArchive(cfg Config, log *slog.Logger) (_ *hls.Archive, err error) {
	dir := filepath.Join(cfg.Data, "archive")
	a, err := hls.OpenArchive(dir, log)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	s3 := cfg.Archive.S3
	if s3.Endpoint == "" {
		log.Info("archive: local", "dir", dir)
		return a, useIPFS(a, cfg, log)
	}
	b, err := objstore.Open(objstore.Config{Endpoint: s3.Endpoint, Bucket: s3.Bucket,
		AccessKey: s3.AccessKey, SecretKey: s3.SecretKey, Region: s3.Region})
	if err != nil {
		return nil, fmt.Errorf("archive.s3: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), archiveCheckTimeout)
	defer cancel()
	if err := b.Check(ctx); err != nil {
		return nil, fmt.Errorf("archive.s3: bucket %q at %s cannot be used (%w); check archive.s3.endpoint, bucket and keys, and that the server is up", s3.Bucket, s3.Endpoint, err)
	}
	if err := a.UseStore(context.Background(), b, nil); err != nil {
		return nil, fmt.Errorf("archive.s3: %w", err)
	}
	log.Info("archive: s3", "endpoint", b.Endpoint(), "bucket", b.Name(), "cache", dir)
	return a, useIPFS(a, cfg, log)
}

// A bucket is the archive's store as it is.
var _ hls.Store = (*objstore.Bucket)(nil)

// archiveStatus is /healthz's word on the archive: where it is kept, how
// many uploads are waiting, and how many files the bucket refused for
// good (logged each; they stay on disk: fix the bucket and restart).
func (s *server) archiveStatus() map[string]any {
	out := map[string]any{"dir": filepath.Join(s.cfg.Data, "archive")}
	if s3 := s.cfg.Archive.S3; s3.Endpoint != "" {
		out["s3"] = map[string]string{"endpoint": s3.Endpoint, "bucket": s3.Bucket}
		out["uploadBacklog"] = s.archive.UploadBacklog()
		out["uploadFailed"] = s.archive.UploadFailed()
	}
	return out
}
