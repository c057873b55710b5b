package paywall

import (
	"crypto/rand"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Recording secrets live beside the accounts, in the ledger's bbolt file:
// a priced recording's keys derive from its secret (hls/keys.go), so the
// secret is backed up with the ledger and a shared ledger shares it.

var bucketSecrets = []byte("secrets")

// ErrNoSecret: the ledger has no secret for this recording.
var ErrNoSecret = errors.New("no secret for this recording")

// secretSize is a recording secret's length: an HMAC-SHA256 key.
const secretSize = 32

// RecordingSecret returns a recording's secret; with create set, one it
// does not have yet is made at random and synced to disk before it is
// returned (hls.SecretStore). Without create, a recording with none is
// ErrNoSecret.
func (l *BoltLedger) RecordingSecret(stream, recording string, create bool) ([]byte, error) {
	if stream == "" || recording == "" {
		return nil, errors.New("ledger: a recording secret needs a stream and a recording")
	}
	key := []byte(stream + "/" + recording)
	var secret []byte
	err := l.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketSecrets); b != nil {
			secret = append([]byte(nil), b.Get(key)...)
		}
		return nil
	})
	switch {
	case err != nil:
		return nil, fmt.Errorf("ledger: %w", err)
	case len(secret) > 0:
		return secret, nil
	case !create:
		return nil, fmt.Errorf("%w: %s/%s", ErrNoSecret, stream, recording)
	}
	fresh := make([]byte, secretSize)
	_, _ = rand.Read(fresh)
	// bbolt syncs the file before Update returns.
	err = l.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketSecrets)
		if err != nil {
			return err
		}
		if old := b.Get(key); len(old) > 0 { // made meanwhile
			secret = append([]byte(nil), old...)
			return nil
		}
		secret = fresh
		return b.Put(key, fresh)
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: keeping the secret of %s/%s: %w", stream, recording, err)
	}
	return secret, nil
}
