// Package objstore is one S3-compatible bucket, through minio-go: where
// finished recordings go so that they outlive the disk of the node that
// made them (issue 18). It knows nothing of recordings; hls decides what
// to keep and under which keys.
//
// Missing objects come back as errors wrapping fs.ErrNotExist, so callers
// test them as they test missing files.
package objstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Config names a bucket: the fields of archive.s3 in livegate.yml.
type Config struct {
	Endpoint  string // http://host:port or https://host
	Bucket    string
	AccessKey string // empty with SecretKey: anonymous
	SecretKey string
	Region    string
}

// Bucket is an open client for one bucket.
type Bucket struct {
	client   *minio.Client
	name     string
	endpoint string
}

// Object is what Stat says of one object.
type Object struct {
	Key  string
	Size int64
}

// Open makes a client for cfg's bucket. It does not talk to the server:
// Check does.
//
// The client retries a failed request twice, no more: the caller (the
// archive's uploader) keeps its own backoff across minutes of an outage,
// and a VOD request must fail fast rather than hang a viewer.
func Open(cfg Config) (*Bucket, error) {
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("objstore: endpoint %q: want http://host:port or https://host", cfg.Endpoint)
	}
	if u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("objstore: endpoint %q: a path is not supported, name the server only", cfg.Endpoint)
	}
	c, err := minio.New(u.Host, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: u.Scheme == "https",
		Region: cfg.Region,
		// Path-style requests work with every S3-compatible server,
		// including one addressed by IP (SeaweedFS, MinIO on a LAN).
		BucketLookup: minio.BucketLookupPath,
		MaxRetries:   3,
		Transport:    transport(),
	})
	if err != nil {
		return nil, fmt.Errorf("objstore: %w", err)
	}
	return &Bucket{client: c, name: cfg.Bucket, endpoint: strings.TrimSuffix(cfg.Endpoint, "/")}, nil
}

// transport bounds connecting and waiting for response headers, so a
// server that accepts and never answers fails a request instead of
// holding an upload (or a viewer) forever. Bodies may take as long as
// they need.
func transport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = 30 * time.Second
	t.MaxIdleConnsPerHost = 16
	return t
}

// String names the bucket for logs and for the archive's upload records:
// endpoint/bucket.
func (b *Bucket) String() string { return b.endpoint + "/" + b.name }

// Endpoint is the server's URL as configured.
func (b *Bucket) Endpoint() string { return b.endpoint }

// Name is the bucket's name.
func (b *Bucket) Name() string { return b.name }

// Check says whether the bucket can be reached and exists: what
// livegate asks before it starts.
func (b *Bucket) Check(ctx context.Context) error {
	ok, err := b.client.BucketExists(ctx, b.name)
	if err != nil {
		return fmt.Errorf("objstore: %s: %w", b, err)
	}
	if !ok {
		return fmt.Errorf("objstore: %s: no such bucket; create it first", b)
	}
	return nil
}

// Put stores size bytes read from r under key, replacing what was there.
// An S3 PUT is atomic: readers see the old object or the whole new one.
func (b *Bucket) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	_, err := b.client.PutObject(ctx, b.name, key, r, size, minio.PutObjectOptions{
		ContentType:      contentType(key),
		DisableMultipart: size >= 0 && size < 64<<20,
	})
	if err != nil {
		return fmt.Errorf("objstore: put %s: %w", key, wrap(err))
	}
	return nil
}

// Get reads key from byte off on: n bytes, or to the end when n < 0. The
// body streams; close it. A missing key is fs.ErrNotExist, known before
// Get returns (the request is made here, not at the first Read).
func (b *Bucket) Get(ctx context.Context, key string, off, n int64) (io.ReadCloser, error) {
	if off < 0 || n == 0 {
		return nil, fmt.Errorf("objstore: get %s: bad range offset %d length %d", key, off, n)
	}
	var opts minio.GetObjectOptions
	var err error
	switch {
	case n > 0:
		err = opts.SetRange(off, off+n-1)
	case off > 0:
		err = opts.SetRange(off, 0)
	}
	if err != nil {
		return nil, fmt.Errorf("objstore: get %s: %w", key, err)
	}
	obj, err := b.client.GetObject(ctx, b.name, key, opts)
	if err != nil {
		return nil, fmt.Errorf("objstore: get %s: %w", key, wrap(err))
	}
	// Stat makes the request and keeps its response for the reads.
	if _, err := obj.Stat(); err != nil {
		_ = obj.Close()
		return nil, fmt.Errorf("objstore: get %s: %w", key, wrap(err))
	}
	return obj, nil
}

// Stat says how big key is.
func (b *Bucket) Stat(ctx context.Context, key string) (Object, error) {
	info, err := b.client.StatObject(ctx, b.name, key, minio.StatObjectOptions{})
	if err != nil {
		return Object{}, fmt.Errorf("objstore: stat %s: %w", key, wrap(err))
	}
	return Object{Key: info.Key, Size: info.Size}, nil
}

// List returns the objects under prefix, key → size; with dirs, instead
// the common prefixes down to the next "/" ("folders", ending in "/",
// size 0). A listing longer than MaxList entries fails with ErrTruncated.
func (b *Bucket) List(ctx context.Context, prefix string, dirs bool) (map[string]int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := map[string]int64{}
	for info := range b.client.ListObjects(ctx, b.name, minio.ListObjectsOptions{Prefix: prefix, Recursive: !dirs}) {
		if info.Err != nil {
			return nil, fmt.Errorf("objstore: list %s: %w", prefix, wrap(info.Err))
		}
		if len(out) == MaxList {
			return nil, fmt.Errorf("objstore: list %s: %w", prefix, ErrTruncated)
		}
		if folder := strings.HasSuffix(info.Key, "/"); folder == dirs {
			out[info.Key] = info.Size
		}
	}
	return out, nil
}

// MaxList bounds a listing held in memory: a recording's objects (hours
// of every rendition) or a bucket's streams.
const MaxList = 1_000_000

// ErrTruncated says a listing held more entries than asked for.
var ErrTruncated = errors.New("listing truncated")

// wrap turns S3's "no such key" and "no such bucket" into fs.ErrNotExist,
// and refusals a retry will not change into a PermanentError.
func wrap(err error) error {
	code := minio.ToErrorResponse(err).Code
	switch code {
	case minio.NoSuchKey, minio.NoSuchBucket, "NotFound":
		err = fmt.Errorf("%w: %w", fs.ErrNotExist, err)
	}
	if permanentCodes[code] {
		return &PermanentError{Code: code, Err: err}
	}
	return err
}

// permanentCodes are S3's answers that the same request will get again
// until someone changes the configuration, the bucket or the key.
var permanentCodes = map[string]bool{
	"AccessDenied": true, "AllAccessDisabled": true, minio.NoSuchBucket: true, "InvalidBucketName": true,
	"InvalidAccessKeyId": true, "SignatureDoesNotMatch": true, "AccountProblem": true,
	"InvalidObjectName": true, "XMinioInvalidObjectName": true, "KeyTooLongError": true,
	"EntityTooLarge": true, "InvalidArgument": true, "MethodNotAllowed": true,
}

// PermanentError is a refusal by the store that repeating the request
// will not change (access denied, no such bucket, a key it will not
// take): a caller that retries should give up on it, and say what to fix.
type PermanentError struct {
	Code string // S3's error code
	Err  error
}

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent says a retry will not help; callers test for it through an
// interface, so they need not import this package.
func (e *PermanentError) Permanent() bool { return true }

// contentType is what a CDN in front of the bucket should say: segments
// and playlists as the origin serves them, JSON for the rest.
func contentType(key string) string {
	switch {
	case strings.HasSuffix(key, ".ts"):
		return "video/mp2t"
	case strings.HasSuffix(key, ".m3u8"):
		return "application/vnd.apple.mpegurl"
	case strings.HasSuffix(key, ".json"):
		return "application/json"
	}
	return "application/octet-stream"
}
