package hls

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
)

// A priced stream's segments are sold by their keys, not their bytes
// (DESIGN.md, "Paid delivery: keys, not bytes"): every segment, in every
// rendition, live and recorded, is encrypted once, when it is published,
// with HLS AES-128 (AES-128-CBC, PKCS#7 padding) under the key of its
// segment number, and the bytes are public. Keys are derived from a
// random secret per recording, which the SecretStore keeps durably (the
// ledger keeps it: losing it loses the recording) before the first
// segment goes out, and which is never served:
//
//	key(n) = HMAC-SHA256(secret, stream ‖ 0 ‖ recording ‖ 0 ‖ n as 8 bytes big-endian)[:16]
//
// Renditions of segment n share key n, so a player that switches
// quality buys each second once. They do not share an IV (CBC under one
// key wants a new IV for every message): the IV is n in its first 8
// bytes, and a hash of the rendition's name in the next 6; the last 2 are
// 0 for a whole segment (a low-latency part will number itself there).
// Every playlist writes the IV out, so players never derive it.

// KeySize is an AES-128 key's length.
const KeySize = 16

// SecretStore keeps recordings' secrets durably. paywall.BoltLedger is one.
type SecretStore interface {
	// RecordingSecret returns a recording's secret. With create set, a
	// recording that has none is given a new random one, durable before
	// the call returns; without it, a recording that has none is an
	// error.
	RecordingSecret(stream, recording string, create bool) ([]byte, error)
}

// Keyring derives segment keys, caching recordings' secrets. It is safe
// for concurrent use.
type Keyring struct {
	Store SecretStore

	mu      sync.Mutex
	secrets map[[2]string][]byte
}

// maxSecretsCached bounds the cache: past it, it starts over (a replay of
// an old recording costs one read of the store).
const maxSecretsCached = 4096

// secret returns a recording's secret, making it (durably) when create is
// set and there is none.
func (k *Keyring) secret(stream, recording string, create bool) ([]byte, error) {
	id := [2]string{stream, recording}
	k.mu.Lock()
	s, ok := k.secrets[id]
	k.mu.Unlock()
	if ok {
		return s, nil
	}
	s, err := k.Store.RecordingSecret(stream, recording, create)
	if err != nil {
		return nil, err
	}
	if len(s) < 16 {
		return nil, fmt.Errorf("the secret of %s/%s is %d bytes: too short", stream, recording, len(s))
	}
	k.mu.Lock()
	if k.secrets == nil || len(k.secrets) >= maxSecretsCached {
		k.secrets = map[[2]string][]byte{}
	}
	k.secrets[id] = s
	k.mu.Unlock()
	return s, nil
}

// Key returns the key of segment seq of a recording.
func (k *Keyring) Key(stream, recording string, seq uint64) ([KeySize]byte, error) {
	s, err := k.secret(stream, recording, false)
	if err != nil {
		return [KeySize]byte{}, err
	}
	return SegmentKey(s, stream, recording, seq), nil
}

// SegmentKey derives segment seq's key from its recording's secret.
func SegmentKey(secret []byte, stream, recording string, seq uint64) [KeySize]byte {
	m := hmac.New(sha256.New, secret)
	buf := make([]byte, 0, len(stream)+len(recording)+10)
	buf = append(append(buf, stream...), 0)
	buf = append(append(buf, recording...), 0)
	buf = binary.BigEndian.AppendUint64(buf, seq)
	m.Write(buf)
	var key [KeySize]byte
	copy(key[:], m.Sum(nil))
	return key
}

// SegmentIV is the IV of segment seq of a rendition.
func SegmentIV(rendition string, seq uint64) [aes.BlockSize]byte {
	var iv [aes.BlockSize]byte
	binary.BigEndian.PutUint64(iv[:8], seq)
	h := sha256.Sum256([]byte("livegate-iv\x00" + rendition))
	copy(iv[8:14], h[:6])
	return iv
}

// ivAttr is an IV as EXT-X-KEY writes it.
func ivAttr(iv [aes.BlockSize]byte) string { return "0x" + hex.EncodeToString(iv[:]) }

// Encrypt encrypts a segment's bytes as HLS AES-128 does: AES-128-CBC
// with PKCS#7 padding.
func Encrypt(key [KeySize]byte, iv [aes.BlockSize]byte, plain []byte) []byte {
	b, _ := aes.NewCipher(key[:]) // a 16-byte key cannot fail
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	out := make([]byte, len(plain)+pad)
	copy(out, plain)
	for i := len(plain); i < len(out); i++ {
		out[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(b, iv[:]).CryptBlocks(out, out)
	return out
}

// ErrBadPadding: the bytes did not decrypt to PKCS#7-padded data (the
// wrong key, or not ciphertext).
var ErrBadPadding = errors.New("aes-128: bad padding: wrong key or not encrypted")

// Decrypt reverses Encrypt.
func Decrypt(key [KeySize]byte, iv [aes.BlockSize]byte, data []byte) ([]byte, error) {
	if len(data) == 0 || len(data)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("aes-128: %d bytes is not a whole number of blocks", len(data))
	}
	b, _ := aes.NewCipher(key[:])
	out := make([]byte, len(data))
	cipher.NewCBCDecrypter(b, iv[:]).CryptBlocks(out, data)
	pad := int(out[len(out)-1])
	if pad == 0 || pad > aes.BlockSize {
		return nil, ErrBadPadding
	}
	for _, p := range out[len(out)-pad:] {
		if int(p) != pad {
			return nil, ErrBadPadding
		}
	}
	return out[:len(out)-pad], nil
}

// KeyPath is where segment seq's key is sold: the URI every media
// playlist names in its EXT-X-KEY.
func KeyPath(stream, recording string, seq uint64) string {
	return fmt.Sprintf("/key/%s/%s/%d", stream, recording, seq)
}

// A rendition's fMP4 segment and every one of its low-latency parts are
// encrypted under the segment's key with one IV, FMP4IV: hls.js decrypts
// every part with its segment's IV, whatever EXT-X-KEY tags stand between
// the parts. So that no two messages start the same under one key and IV,
// each begins with its own 16-byte block, a `free` box (which MP4 readers
// skip) carrying the message's number: 0 for the whole segment, i+1 for
// part i. That block, encrypted, is what the rest of the message chains
// from, as a distinct IV would be. The IV differs from the rendition's
// MPEG-TS segment's in its last byte.

// FMP4IV is the IV of fMP4 segment seq of a rendition and of its parts.
func FMP4IV(rendition string, seq uint64) [aes.BlockSize]byte {
	iv := SegmentIV(rendition, seq)
	iv[15] = 1
	return iv
}

// freeBox is the first block of an fMP4 message: a 16-byte `free` box
// numbering it.
func freeBox(n uint64) []byte {
	b := make([]byte, aes.BlockSize)
	binary.BigEndian.PutUint32(b[:4], aes.BlockSize)
	copy(b[4:8], "free")
	binary.BigEndian.PutUint64(b[8:], n)
	return b
}
