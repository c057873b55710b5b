package ipfs

import (
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
)

// The two codecs a recording's CIDs use: raw for a file's leaves (and a
// whole file up to one chunk), dag-pb for the nodes above them and for
// directories.
const (
	CodecRaw   = 0x55
	CodecDagPB = 0x70
)

// sha2-256 is the only hash kubo uses by default, and the only one
// accepted: a CID is worth checking only if this package can check it.
const (
	mhSHA256   = 0x12
	mhSHA256Ln = 32
)

// b32 is multibase "b": RFC 4648 base32, lowercase, unpadded.
var b32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// CID is a CIDv1 with a sha2-256 multihash: all this package deals in.
type CID struct {
	Codec  uint64 // CodecRaw or CodecDagPB
	Digest [32]byte
}

// ParseCID reads a CIDv1 in its canonical text form (multibase base32,
// lowercase, "b…"), with codec raw or dag-pb and a sha2-256 multihash.
// Everything else is refused (CIDv0 "Qm…", other bases, other hashes,
// non-minimal varints, trailing bytes), so a string that passes can be
// put in a URL or an MFS path as it is and names exactly one thing.
func ParseCID(s string) (CID, error) {
	if len(s) == 0 {
		return CID{}, errors.New("ipfs: empty CID")
	}
	if len(s) > 100 {
		return CID{}, fmt.Errorf("ipfs: CID of %d characters is too long", len(s))
	}
	if s[0] != 'b' {
		return CID{}, fmt.Errorf("ipfs: CID %q: want a CIDv1 in base32 (starting with b)", s)
	}
	b, err := b32.DecodeString(s[1:])
	if err != nil {
		return CID{}, fmt.Errorf("ipfs: CID %q: not lowercase base32: %v", s, err)
	}
	// Base32 leaves spare bits in the last character: only the encoding
	// of the decoded bytes is the CID's one text form.
	if b32.EncodeToString(b) != s[1:] {
		return CID{}, fmt.Errorf("ipfs: CID %q: not in canonical base32", s)
	}
	var fields [4]uint64
	rest := b
	for i := range fields {
		v, n := binary.Uvarint(rest)
		if n <= 0 || n != uvarintLen(v) {
			return CID{}, fmt.Errorf("ipfs: CID %q: bad varint", s)
		}
		fields[i], rest = v, rest[n:]
	}
	version, codec, hash, length := fields[0], fields[1], fields[2], fields[3]
	switch {
	case version != 1:
		return CID{}, fmt.Errorf("ipfs: CID %q: version %d, want 1", s, version)
	case codec != CodecRaw && codec != CodecDagPB:
		return CID{}, fmt.Errorf("ipfs: CID %q: codec 0x%x, want raw (0x55) or dag-pb (0x70)", s, codec)
	case hash != mhSHA256 || length != mhSHA256Ln:
		return CID{}, fmt.Errorf("ipfs: CID %q: multihash 0x%x of %d bytes, want sha2-256 (0x12) of 32", s, hash, length)
	case len(rest) != mhSHA256Ln:
		return CID{}, fmt.Errorf("ipfs: CID %q: digest of %d bytes, want 32", s, len(rest))
	}
	c := CID{Codec: codec}
	copy(c.Digest[:], rest)
	return c, nil
}

// String is the CID's canonical text form, which ParseCID reads back.
func (c CID) String() string { return "b" + b32.EncodeToString(c.bytes()) }

// bytes is the CID's binary form, as dag-pb links hold it.
func (c CID) bytes() []byte {
	b := binary.AppendUvarint(nil, 1)
	b = binary.AppendUvarint(b, c.Codec)
	b = append(b, mhSHA256, mhSHA256Ln)
	return append(b, c.Digest[:]...)
}

func uvarintLen(v uint64) int {
	n := 1
	for ; v >= 0x80; v >>= 7 {
		n++
	}
	return n
}
