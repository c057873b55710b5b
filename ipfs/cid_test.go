package ipfs

import (
	"crypto/sha256"
	"encoding/binary"
	"strings"
	"testing"
)

// cidText encodes arbitrary CID fields, valid or not, in multibase b.
func cidText(fields []uint64, digest []byte) string {
	var b []byte
	for _, f := range fields {
		b = binary.AppendUvarint(b, f)
	}
	return "b" + b32.EncodeToString(append(b, digest...))
}

// TestParseCIDTakesWhatItWrites: both codecs round-trip through String.
func TestParseCIDTakesWhatItWrites(t *testing.T) {
	for _, codec := range []uint64{CodecRaw, CodecDagPB} {
		want := CID{Codec: codec, Digest: sha256.Sum256([]byte("segment"))}
		s := want.String()
		got, err := ParseCID(s)
		if err != nil || got != want {
			t.Fatalf("ParseCID(%s) = %+v, %v; want %+v", s, got, err, want)
		}
		if s != cidText([]uint64{1, codec, 0x12, 32}, want.Digest[:]) {
			t.Fatalf("String() = %s, not the multiformats encoding", s)
		}
	}
}

// TestParseCIDRefuses: every way a string can fail to be a CIDv1 this
// package can check, each with an error saying so.
func TestParseCIDRefuses(t *testing.T) {
	d := sha256.Sum256(nil)
	good := cidText([]uint64{1, CodecRaw, 0x12, 32}, d[:])
	// A non-minimal varint: version 1 as two bytes.
	padded := "b" + b32.EncodeToString(append([]byte{0x81, 0x00, 0x55, 0x12, 0x20}, d[:]...))
	// The last character carries spare bits: flip one of them.
	last := good[len(good)-1]
	spare := good[:len(good)-1] + string(b32Char(strings.IndexByte("abcdefghijklmnopqrstuvwxyz234567", last)^1))
	for _, tc := range []struct{ name, s, want string }{
		{"empty", "", "empty"},
		{"CIDv0", "QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR", "base32"},
		{"uppercase", "B" + strings.ToUpper(good[1:]), "base32"},
		{"upper body", "b" + strings.ToUpper(good[1:]), "base32"},
		{"base58 prefix", "z" + good[1:], "base32"},
		{"not base32", good[:10] + "1" + good[11:], "base32"},
		{"version 0", cidText([]uint64{0, CodecRaw, 0x12, 32}, d[:]), "version"},
		{"version 2", cidText([]uint64{2, CodecRaw, 0x12, 32}, d[:]), "version"},
		{"dag-cbor", cidText([]uint64{1, 0x71, 0x12, 32}, d[:]), "codec"},
		{"sha2-512", cidText([]uint64{1, CodecRaw, 0x13, 32}, d[:]), "multihash"},
		{"identity", cidText([]uint64{1, CodecRaw, 0x00, 32}, d[:]), "multihash"},
		{"short length", cidText([]uint64{1, CodecRaw, 0x12, 31}, d[:31]), "multihash"},
		{"short digest", cidText([]uint64{1, CodecRaw, 0x12, 32}, d[:31]), "digest"},
		{"trailing byte", cidText([]uint64{1, CodecRaw, 0x12, 32}, append(d[:], 0)), "digest"},
		{"truncated varint", "b" + b32.EncodeToString([]byte{0x01, 0x80}), "varint"},
		{"non-minimal varint", padded, "varint"},
		{"spare bits", spare, "canonical"},
		{"too long", "b" + strings.Repeat("a", 200), "too long"},
		{"path", good + "/x", "base32"},
	} {
		if _, err := ParseCID(tc.s); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: ParseCID(%q) = %v; want an error about %s", tc.name, tc.s, err, tc.want)
		}
	}
}

func b32Char(i int) byte { return "abcdefghijklmnopqrstuvwxyz234567"[i] }

// FuzzParseCID: any string either fails or is a CID whose String is the
// very same string (one text form per CID, nothing else accepted).
func FuzzParseCID(f *testing.F) {
	d := sha256.Sum256([]byte("x"))
	f.Add(CID{Codec: CodecRaw, Digest: d}.String())
	f.Add(CID{Codec: CodecDagPB, Digest: d}.String())
	f.Add("QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR")
	f.Add("b")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCID(s)
		if err != nil {
			return
		}
		if c.Codec != CodecRaw && c.Codec != CodecDagPB {
			t.Fatalf("ParseCID(%q) took codec 0x%x", s, c.Codec)
		}
		if c.String() != s {
			t.Fatalf("ParseCID(%q) took it, but it writes %s", s, c.String())
		}
	})
}

// FuzzFileCID: FileCID never panics, always gives a CID ParseCID takes, a
// raw one exactly for data of at most one chunk (the sha2-256 of the
// data), and different data (one byte changed) gives a different CID.
// Inputs are grown past a chunk by repetition, so the fuzzer reaches
// dag-pb roots without megabytes of corpus.
func FuzzFileCID(f *testing.F) {
	f.Add([]byte{}, uint16(0))
	f.Add([]byte("a"), uint16(0))
	f.Add([]byte("segment"), uint16(40000))
	f.Add([]byte{0xff, 0}, uint16(65535))
	f.Fuzz(func(t *testing.T, unit []byte, repeat uint16) {
		data := unit
		if len(unit) > 0 && repeat > 0 {
			data = []byte(strings.Repeat(string(unit), int(repeat)))
		}
		if len(data) > 8*chunkSize {
			data = data[:8*chunkSize]
		}
		s := FileCID(data)
		c, err := ParseCID(s)
		if err != nil {
			t.Fatalf("FileCID of %d bytes gave %q: %v", len(data), s, err)
		}
		if (c.Codec == CodecRaw) != (len(data) <= chunkSize) {
			t.Fatalf("FileCID of %d bytes gave codec 0x%x", len(data), c.Codec)
		}
		if c.Codec == CodecRaw && c.Digest != sha256.Sum256(data) {
			t.Fatalf("FileCID of %d bytes: a raw CID that is not the data's hash", len(data))
		}
		if len(data) > 0 {
			other := append([]byte(nil), data...)
			other[len(other)-1] ^= 1
			if FileCID(other) == s {
				t.Fatalf("FileCID gives %s to two different inputs of %d bytes", s, len(data))
			}
		}
	})
}
